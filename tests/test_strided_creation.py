"""empty_strided, empty_permuted, new_empty_strided, asarray and frombuffer against torch:
shapes, strides, dtypes, requires_grad, which memory is shared, warnings and errors."""
import array

import numpy as np
import pytest

from side_by_side import assert_same


def _layout(t):
    # (empty tensors' values are unspecified: their layout is what is compared)
    return (tuple(t.shape), t.stride(), t.dtype, t.requires_grad, t.is_leaf)


def _shares(t, a):
    return bool(np.shares_memory(t.numpy(), a))


def _bytes():
    return bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00")


CASES = {
    "empty_strided": lambda t: _layout(t.empty_strided((2, 3), (1, 2))),
    "empty_strided_dtype": lambda t: _layout(t.empty_strided((2, 3), (1, 2), dtype=t.int64)),
    "empty_strided_grad": lambda t: _layout(t.empty_strided((2, 3), (1, 2), requires_grad=True)),
    "empty_strided_negative": lambda t: t.empty_strided((2, -1), (1, 2)),
    "empty_strided_lengths": lambda t: t.empty_strided((2, 3), (1,)),
    "empty_permuted": lambda t: _layout(t.empty_permuted((2, 3, 4), (2, 0, 1))),
    "empty_permuted_grad": lambda t: _layout(t.empty_permuted((2, 3), (1, 0), dtype=t.float64,
                                                              requires_grad=True)),
    "empty_permuted_repeated": lambda t: t.empty_permuted((2, 3), (0, 0)),
    "empty_permuted_lengths": lambda t: t.empty_permuted((2, 3), (0,)),
    "new_empty_strided": lambda t: _layout(t.ones(2).new_empty_strided((2, 3), (1, 2))),
    "new_empty_strided_dtype": lambda t: _layout(t.ones(2).new_empty_strided(
        (2, 3), (1, 2), dtype=t.int32)),
    # asarray: a tensor as it is, or converted; NumPy arrays and buffers shared
    "asarray_tensor": lambda t: (lambda x: (t.asarray(x) is x, t.asarray(x, requires_grad=True)
                                            is x))(t.ones(2, requires_grad=True)),
    "asarray_dtype": lambda t: t.asarray(t.ones(2, requires_grad=True), dtype=t.float64),
    "asarray_copy": lambda t: t.asarray(t.ones(2, requires_grad=True), copy=True),
    "asarray_no_copy_dtype": lambda t: t.asarray(t.ones(2), copy=False, dtype=t.float64),
    "asarray_requires_grad_false": lambda t: t.asarray(t.ones(2, requires_grad=True),
                                                       requires_grad=False),
    "asarray_sets_requires_grad": lambda t: (lambda z: (t.asarray(z, requires_grad=True) is z,
                                                        z.requires_grad))(t.ones(2)),
    "asarray_numpy": lambda t: (lambda a: (_shares(t.asarray(a), a), t.asarray(a)))(
        np.array([1, 2, 3])),
    "asarray_numpy_copy": lambda t: (lambda a: _shares(t.asarray(a, copy=True), a))(
        np.array([1, 2, 3])),
    "asarray_numpy_dtype": lambda t: (lambda a: (_shares(t.asarray(a, dtype=t.float32), a),
                                                 t.asarray(a, dtype=t.float32)))(
        np.array([1, 2, 3])),
    "asarray_numpy_no_copy_dtype": lambda t: t.asarray(np.array([1, 2]), copy=False,
                                                       dtype=t.float32),
    "asarray_list": lambda t: t.asarray([1, 2.5]),
    "asarray_list_grad": lambda t: t.asarray([1, 2], dtype=t.float64, requires_grad=True),
    "asarray_number": lambda t: (t.asarray(3), t.asarray(3.5, requires_grad=True)),
    "asarray_ragged": lambda t: t.asarray([[1], [2, 3]]),
    "asarray_list_no_copy": lambda t: t.asarray([1, 2], copy=False),
    "asarray_buffer": lambda t: (lambda b: (t.asarray(b), _shares(t.asarray(b), np.frombuffer(
        b, np.uint8))))(_bytes()),
    "asarray_array_module": lambda t: t.asarray(array.array("d", [1, 2]), dtype=t.float64),
    # frombuffer: a 1-d view of the buffer's memory
    "frombuffer": lambda t: t.frombuffer(_bytes(), dtype=t.int32),
    "frombuffer_offset_count": lambda t: t.frombuffer(_bytes(), dtype=t.int16, count=2,
                                                      offset=2),
    "frombuffer_shared": lambda t: (lambda b: (lambda x: (b.__setitem__(0, 5), x))(
        t.frombuffer(b, dtype=t.int32)))(_bytes()),
    "frombuffer_requires_grad": lambda t: t.frombuffer(bytearray(8), dtype=t.float32,
                                                       requires_grad=True),
    "frombuffer_too_long": lambda t: t.frombuffer(bytearray(8), dtype=t.int64, count=2),
    "frombuffer_offset": lambda t: t.frombuffer(bytearray(8), dtype=t.int32, offset=9),
    "frombuffer_negative_offset": lambda t: t.frombuffer(bytearray(8), dtype=t.int32,
                                                         offset=-1),
    "frombuffer_empty": lambda t: t.frombuffer(bytearray(), dtype=t.int32),
    "frombuffer_count_0": lambda t: t.frombuffer(bytearray(8), dtype=t.int32, count=0),
    "frombuffer_not_a_buffer": lambda t: t.frombuffer([1, 2], dtype=t.int32),
    "frombuffer_no_dtype": lambda t: t.frombuffer(bytearray(8)),
    "frombuffer_partial_element": lambda t: t.frombuffer(bytearray(7), dtype=t.int32),
}


@pytest.mark.parametrize("name", CASES)
def test_against_torch(name):
    assert_same(CASES[name])


def test_warned_once_per_process():
    # torch's TORCH_WARN_ONCE: the first call warns, the next ones do not
    import subprocess
    import sys
    script = ("import warnings, {lib} as t\n"
              "warnings.simplefilter('always')\n"
              "with warnings.catch_warnings(record=True) as w:\n"
              "    warnings.simplefilter('always')\n"
              "    x = t.ones(2, requires_grad=True)\n"
              "    t.asarray(x); t.asarray(x)\n"
              "    t.frombuffer(b'abcd', dtype=t.uint8); t.frombuffer(b'abcd', dtype=t.uint8)\n"
              "    t.set_warn_always(True); t.asarray(x)\n"
              "print([str(m.message).split(' (Triggered')[0] for m in w])\n")
    seen = [subprocess.run([sys.executable, "-c", script.format(lib=lib)], capture_output=True,
                           text=True, check=True).stdout for lib in ("torch", "dyngrad")]
    assert seen[0] == seen[1]

"""Tensor.view(dtype) against torch: the same bytes read as another dtype (shape, strides,
offset, values), torch's checks on the layout when the element size changes, no node and
no base, and the version counter shared with the source."""
import pytest

from side_by_side import assert_same

SOURCES = {
    "matrix_requires_grad": lambda lib: lib.arange(6.).reshape(2, 3).requires_grad_(),
    "column_slice": lambda lib: lib.arange(6.).reshape(2, 3)[:, :2],
    "transposed": lambda lib: lib.arange(6.).reshape(2, 3).t(),
    "strided": lambda lib: lib.arange(6.).reshape(2, 3)[:, ::2],
    "zero_dim": lambda lib: lib.tensor(1.5),
    "bytes": lambda lib: lib.arange(8, dtype=lib.uint8),
    "complex": lambda lib: lib.tensor([1 + 2j, 3 - 1j]),
    "odd_offset": lambda lib: lib.arange(8.)[1:5],
    "even_offset": lambda lib: lib.arange(8.)[2:6],
    "empty": lambda lib: lib.zeros(0, 4),
    "float64": lambda lib: lib.tensor([1.0, -2.5], dtype=lib.float64),
}
DTYPES = ["int32", "float32", "float16", "bfloat16", "float64", "complex64", "bool", "uint8",
          "int8", "int64"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("source", SOURCES)
def test_view_dtype(source, dtype):
    def case(lib):
        src = SOURCES[source](lib)
        v = src.view(getattr(lib, dtype))
        # (torch's .numpy() refuses bfloat16: its bits are compared as int16)
        bits = v.view(lib.int16) if dtype == "bfloat16" else v
        return (tuple(v.shape), v.stride(), v.storage_offset(), v.dtype, v.requires_grad,
                v.grad_fn, v._base is None, bits.detach())
    assert_same(case)


def test_shares_the_version_counter_and_memory():
    def case(lib):
        x = lib.arange(6.).reshape(2, 3)
        v = x.view(dtype=lib.int32)
        v[0, 0] = 5
        x.view(lib.uint8)[1, 0] = 7
        return x, x._version, v._version, v
    assert_same(case)

"""DLPack exchange (torch.from_dlpack, torch.utils.dlpack, Tensor.__dlpack__) and
nonzero_static, side by side with torch."""
import numpy as np
import pytest
import torch

import dyngrad


def _outcome(fn):
    try:
        value = fn()
    except Exception as e:  # the error itself is what is compared
        return "error", type(e).__name__, str(e)
    return "value", repr(value).replace("dyngrad", "torch")


NONZERO_STATIC = [
    "lib.nonzero_static(lib.tensor([0, 1, 2, 0]), size=3)",
    "lib.nonzero_static(lib.tensor([0, 1, 2, 0]), size=1)",
    "lib.nonzero_static(lib.tensor([0, 1, 2, 0]), size=0)",
    "lib.nonzero_static(lib.tensor([[0., 1.], [2., 0.]]), size=5, fill_value=-7)",
    "lib.nonzero_static(lib.tensor([[True, False], [True, True]]), size=2)",
    "lib.nonzero_static(lib.tensor([float('nan'), 0., -0.]), size=2)",
    "lib.nonzero_static(lib.tensor(5), size=2)", "lib.nonzero_static(lib.tensor(0), size=2)",
    "lib.nonzero_static(lib.zeros(0, 3), size=2)",
    "lib.nonzero_static(lib.ones(2, 2), size=-1)",
    "lib.nonzero_static(lib.ones(2, 2), size=2.5)", "lib.nonzero_static(lib.ones(2, 2))",
    "lib.tensor([0, 3]).nonzero_static(size=1)",
    "lib.nonzero_static(lib.ones(3), size=2, out=lib.zeros(5, 1, dtype=lib.int64))",
]


@pytest.mark.parametrize("statement", NONZERO_STATIC)
def test_nonzero_static(statement):
    assert _outcome(lambda: eval(statement, {"lib": dyngrad})) == \
        _outcome(lambda: eval(statement, {"lib": torch}))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool", "complex64"])
def test_from_dlpack_shares_memory_with_numpy_and_torch(dtype):
    array = np.arange(6).reshape(2, 3).astype(dtype).T  # a transposed (strided) array
    t = dyngrad.from_dlpack(array)
    assert t.dtype is getattr(dyngrad, dtype) and t.shape == array.shape
    assert t.stride() == torch.from_dlpack(array).stride()
    assert np.shares_memory(t.numpy(), array)
    # both ways with torch, without a copy
    theirs = torch.from_dlpack(t)
    assert theirs.data_ptr() == t.data_ptr() and theirs.tolist() == t.tolist()
    back = dyngrad.from_dlpack(theirs)
    assert back.data_ptr() == t.data_ptr()


def test_capsules_are_read_once_and_writes_are_shared():
    for lib in (dyngrad, torch):
        x = lib.arange(4.)
        capsule = lib.utils.dlpack.to_dlpack(x)
        y = lib.from_dlpack(capsule)
        y[1] = 9
        assert x.tolist() == [0., 9., 2., 3.]
    ours = _outcome(lambda: dyngrad.from_dlpack(capsule))
    capsule = torch.utils.dlpack.to_dlpack(torch.arange(2.))
    torch.from_dlpack(capsule)
    assert ours == _outcome(lambda: torch.from_dlpack(capsule))
    assert _outcome(lambda: dyngrad.from_dlpack([1, 2])) == \
        _outcome(lambda: torch.from_dlpack([1, 2]))
    # a capsule from one library read by the other
    assert torch.from_dlpack(dyngrad.utils.dlpack.to_dlpack(dyngrad.arange(3))).tolist() == \
        [0, 1, 2]
    assert dyngrad.from_dlpack(torch.utils.dlpack.to_dlpack(torch.arange(3.))).tolist() == \
        [0., 1., 2.]


def test_dlpack_device_and_grad_refusal():
    assert repr(dyngrad.ones(1).__dlpack_device__()) == repr(torch.ones(1).__dlpack_device__())
    assert [(m.name, m.value) for m in dyngrad.utils.dlpack.DLDeviceType] == \
        [(m.name, m.value) for m in torch.utils.dlpack.DLDeviceType]
    assert _outcome(lambda: dyngrad.ones(2, requires_grad=True).__dlpack__()) == \
        _outcome(lambda: torch.ones(2, requires_grad=True).__dlpack__())

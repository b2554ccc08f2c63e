"""torch.finfo / torch.iinfo and the legacy tensor types, against torch."""
import numpy as np
import pytest
import torch

import dyngrad

FLOATS = ["float16", "float32", "float64", "complex64", "complex128"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS + [None])
def test_finfo(name):
    want = torch.finfo(getattr(torch, name)) if name else torch.finfo()
    got = dyngrad.finfo(getattr(dyngrad, name)) if name else dyngrad.finfo()
    assert repr(got) == repr(want) and str(got) == str(want)
    for attr in ("bits", "eps", "max", "min", "resolution", "smallest_normal", "tiny", "dtype"):
        assert getattr(got, attr) == getattr(want, attr), attr
        assert type(getattr(got, attr)) is type(getattr(want, attr)), attr


@pytest.mark.parametrize("name", INTS)
def test_iinfo(name):
    want, got = torch.iinfo(getattr(torch, name)), dyngrad.iinfo(getattr(dyngrad, name))
    assert repr(got) == repr(want)
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(got, attr) == getattr(want, attr), attr


@pytest.mark.parametrize("call", [lambda t: t.finfo(t.int32), lambda t: t.iinfo(t.float32),
                                  lambda t: t.iinfo(t.bool)], ids=["finfo_int", "iinfo_float",
                                                                    "iinfo_bool"])
def test_info_errors(call):
    errs = []
    for lib in (torch, dyngrad):
        with pytest.raises(Exception) as e:
            call(lib)
        errs.append((type(e.value), str(e.value)))
    assert errs[0] == errs[1]


LEGACY = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "ByteTensor",
          "HalfTensor", "ShortTensor", "CharTensor"]


@pytest.mark.parametrize("name", LEGACY)
@pytest.mark.parametrize("args", [([[1, 0], [2, 3]],), ((1, 2),), (2, 3), (), ],
                         ids=["list", "tuple", "sizes", "empty"])
def test_legacy_constructors(name, args):
    want, got = getattr(torch, name)(*args), getattr(dyngrad, name)(*args)
    assert got.dtype.__repr__() == repr(want.dtype) and tuple(got.shape) == tuple(want.shape)
    if args and not isinstance(args[0], int):  # sizes alone: torch leaves memory uninitialised
        assert repr(got) == repr(want)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert isinstance(got, getattr(dyngrad, name))
    assert not isinstance(got, dyngrad.Tensor) or isinstance(got, dyngrad.Tensor)


def test_legacy_isinstance_and_type():
    for lib in (torch, dyngrad):
        x = lib.tensor([1.5, 2.5])
        assert isinstance(x, lib.FloatTensor) and not isinstance(x, lib.LongTensor)
        assert repr(x.type(lib.LongTensor)) == "tensor([1, 2])"
        assert x.type() == "torch.FloatTensor"
        assert lib.LongTensor(lib.tensor([3])) is not None


def test_legacy_from_tensor_of_other_dtype():
    errs = []
    for lib in (torch, dyngrad):
        with pytest.raises(TypeError) as e:
            lib.LongTensor(lib.tensor([1.0]))
        errs.append(str(e.value))
    assert errs[0] == errs[1]


def test_constants():
    for name in ("pi", "e", "inf"):
        assert getattr(dyngrad, name) == getattr(torch, name)
    assert np.isnan(dyngrad.nan)

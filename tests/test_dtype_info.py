"""torch.finfo / torch.iinfo and the legacy tensor types, against torch."""
import numpy as np
import pytest
import torch

import dyngrad
from side_by_side import assert_same

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


LEGACY_ARGS = {
    "str": ("a",), "negative": (-1,), "negative_second": (2, -3), "float_size": (2, 3.5),
    "str_size": (2, "x"), "list_then_int": ([1, 2], 3), "none": (None,), "number": (3.5,),
    "bool": (True,), "int_and_bool": (2, True), "size": "Size", "tuple_is_data": ((2, 3),),
    "array": "array", "long_tensor": "long", "float_tensor": "float", "one_int": (3,)}


@pytest.mark.parametrize("kwargs", [{}, {"device": "cpu"}, {"dtype": "float64"},
                                    {"requires_grad": True}])
@pytest.mark.parametrize("name", ["Tensor", "LongTensor", "FloatTensor", "BoolTensor"])
@pytest.mark.parametrize("args", LEGACY_ARGS)
def test_legacy_constructor_arguments(args, name, kwargs):
    # torch.Tensor and the typed constructors read their arguments alike (torch.Tensor
    # returns any tensor given, the typed ones only a tensor of their dtype)
    def case(lib):
        a = LEGACY_ARGS[args]
        a = {"Size": (lib.Size([2, 3]),), "array": (np.array([1.5, 2.0]),),
             "long": (lib.ones(2, dtype=lib.long),), "float": (lib.ones(2),)}.get(a, a)
        kw = {k: getattr(lib, v) if k == "dtype" else v for k, v in kwargs.items()}
        t = getattr(lib, name)(*a, **kw)
        # a size alone leaves torch's memory uninitialised: only the shape compares
        return t.shape, t.dtype, None if isinstance(a[0], (int, lib.Size)) else t
    assert_same(case)

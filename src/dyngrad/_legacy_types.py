"""The legacy tensor types: torch.FloatTensor, torch.LongTensor, ...

Each is a constructor (from data, from sizes, or empty) and a type that
``isinstance`` answers by dtype, as torch's ``tensortype`` objects do:
``isinstance(torch.zeros(2, dtype=torch.long), torch.LongTensor)`` is True.
"""
import importlib

from . import _dtype as _dt
from ._runtime_flags import warn_once
from .creation import legacy_new
from .tensor import Tensor


class tensortype(type):
    """The metaclass of the legacy types: calling one builds a tensor of its dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, **kwargs):
        return legacy_new(cls.dtype, args, kwargs)

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(d):
    return tensortype(d._legacy, (), {"dtype": d, "_legacy_dtype": d, "__module__": "torch"})


LEGACY_TYPES = {d._legacy: _legacy_type(d) for d in _dt.ALL if d._legacy}


def set_default_tensor_type(t):
    """The deprecated spelling of set_default_dtype, by legacy type or its name."""
    if isinstance(t, str):
        if t.startswith("torch.cuda."):
            raise TypeError(f"type {t} not available. Torch not compiled with CUDA enabled.")
        module, _, name = t.rpartition(".")
        t = LEGACY_TYPES[name] if module == "torch" and name in LEGACY_TYPES else \
            getattr(importlib.import_module(module or name), name)
    if type(t).__name__ == "tensortype" and type(t).__module__ == "dyngrad.cuda._legacy":
        raise TypeError(f"type torch.cuda.{t.__name__} not available. Torch not compiled with "
                        "CUDA enabled.")
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    warn_once("set_default_tensor_type", "torch.set_default_tensor_type() is deprecated as of "
              "PyTorch 2.1, please use torch.set_default_dtype() and torch.set_default_device() "
              "as alternatives.", stacklevel=3)
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dt.set_default_dtype(t.dtype)

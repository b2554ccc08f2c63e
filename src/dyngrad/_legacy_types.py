"""The legacy tensor types: torch.FloatTensor, torch.LongTensor, ...

Each is a constructor (from data, from sizes, or empty) and a type that
``isinstance`` answers by dtype, as torch's ``tensortype`` objects do:
``isinstance(torch.zeros(2, dtype=torch.long), torch.LongTensor)`` is True.
"""
from . import _dtype as _dt
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

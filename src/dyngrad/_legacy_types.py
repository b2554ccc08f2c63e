"""The legacy tensor types: torch.FloatTensor, torch.LongTensor, ...

Each is a constructor (from data, from sizes, or empty) and a type that
``isinstance`` answers by dtype, as torch's ``tensortype`` objects do:
``isinstance(torch.zeros(2, dtype=torch.long), torch.LongTensor)`` is True.
"""
from . import _backend
from . import _dtype as _dt
from ._size import Size
from .tensor import Tensor, _wrap
from .creation import tensor

xp = _backend.xp



def _options(d):
    return (f"TensorOptions(dtype={_dt.CPP_NAMES[d]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


class tensortype(type):
    """The metaclass of the legacy types: calling one builds a tensor of its dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        d = cls.dtype
        if len(args) == 1 and isinstance(args[0], Tensor):
            t = args[0]
            if t.dtype is not d:
                raise TypeError(f"expected {_options(d)} (got {_options(t.dtype)})")
            return t
        if len(args) == 1 and isinstance(args[0], (list, tuple, _backend.ndarray)) \
                and not isinstance(args[0], Size):
            return tensor(args[0], dtype=d)
        if not args:
            return _wrap(xp.zeros((0,), dtype=d.np))
        size = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
        for s in size:
            if not isinstance(s, int):
                raise TypeError(f"new(): argument 'size' must be tuple of ints, but found element "
                                f"of type {type(s).__name__} at pos 0")
        # torch leaves the memory uninitialised; dyngrad gives zeros (as torch.empty does)
        return _wrap(xp.zeros(size, dtype=d.np))

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(d):
    return tensortype(d._legacy, (), {"dtype": d, "_legacy_dtype": d, "__module__": "torch"})


LEGACY_TYPES = {d._legacy: _legacy_type(d) for d in _dt.ALL if d._legacy}

"""torch's type promotion applied to the arrays and numbers an op's forward receives."""
from .. import _backend
from .. import _dtype as _dt

xp = _backend.xp
_cache = {}


def _key(x):
    d = getattr(x, "dtype", None)
    if d is not None:
        return d, x.ndim == 0
    return type(x), None


def result_dtype(*operands):
    """The array dtype torch gives an op on these operands (arrays, 0-d arrays, numbers)."""
    key = tuple(_key(x) for x in operands)
    r = _cache.get(key)
    if r is None:
        dims, zeros, scalars = [], [], []
        for k, zero in key:
            if zero is None:
                scalars.append(_dt.scalar_dtype(k()))
            else:
                (zeros if zero else dims).append(_dt._FROM_NP[k])
        r = _cache[key] = _dt.result_type_of(dims, zeros, scalars).np
    return r


def binary(ufunc, a, b):
    """``ufunc(a, b)`` computed in torch's result dtype."""
    da = getattr(a, "dtype", None)
    if da is not None and da == getattr(b, "dtype", None):
        return ufunc(a, b)
    dt = result_dtype(a, b)
    if dt.kind == "b" and ufunc in _NO_BOOL:
        raise RuntimeError(_NO_BOOL[ufunc])
    return ufunc(a, b, dtype=dt) if dt.kind != "b" else ufunc(a, b)


def to_float(x):
    """Integer and bool arrays become the default float dtype (torch's true division etc.)."""
    if x.dtype.kind in "fc":
        return x
    return xp.asarray(x, dtype=_dt.get_default_dtype().np)


_NO_BOOL = {xp.subtract: "Subtraction, the `-` operator, with two bool tensors is not supported. "
                         "Use the `^` or `logical_xor()` operator instead."}

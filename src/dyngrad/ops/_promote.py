"""torch's type promotion applied to the arrays and numbers an op's forward receives."""
from .. import _backend
from .. import _dtype as _dt
from .._sparse_coo import SparseCoo
from .._args import broadcast_shapes  # noqa: F401  (ops import it from here)
from ..tensor import _CPP_TYPE

xp = _backend.xp
_ndarray = _backend.ndarray
_array_module = _backend.array_module
_NUMPY_TYPES = _backend.NUMPY_TYPES  # (and compile's recorded arrays, a subclass)
_cache = {}


def _key(x):
    d = getattr(x, "dtype", None)
    if d is not None:
        if type(x) is not _ndarray and not isinstance(d, xp.dtype):
            d = _dt.of_array_dtype(d).np  # another module's dtype: NumPy's of that name
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
                (zeros if zero else dims).append(_dt.of_array_dtype(k))
        r = _cache[key] = _dt.result_type_of(dims, zeros, scalars).np
    return r


def type_name(dtype, numbers):
    """A dtype as torch's cast refusals name it: its ScalarType name (Long, Float)."""
    return _dt._FROM_NP[dtype]._cname


def clamp_type_name(dtype, numbers):
    """clamp's refusals name the destination by its C++ type (long int) when a bound is a
    Python number (the scalar kernels convert it), by its ScalarType name otherwise."""
    return _CPP_TYPE[_dt._FROM_NP[dtype]] if numbers else type_name(dtype, numbers)


def in_module(ns, ufunc, a, b, floating=False):
    """``ufunc(a, b)`` for arrays of another module ``ns`` (NOTE [The array-module seam]):
    both operands cast to torch's result dtype (to the default float for ``floating`` ops
    given integers), numbers made arrays on the arrays' device."""
    dt = _dt._FROM_NP[result_dtype(a, b)]
    if floating and dt._category < _dt._FLOAT:
        dt = _dt.get_default_dtype()
    native = _dt.native(dt, ns)
    device = (a if hasattr(a, "device") else b).device
    a, b = (ns.asarray(v, dtype=native, device=device) if not hasattr(v, "dtype")
            else v if v.dtype == native else ns.astype(v, native) for v in (a, b))
    return _backend.function(ufunc, a)(a, b)


def binary(ufunc, a, b):
    """``ufunc(a, b)`` computed in torch's result dtype."""
    refuse = _REFUSALS.get(ufunc)
    if refuse is not None:
        refuse(a, b)
    if type(a) is not _ndarray:
        if type(b) is not _ndarray and not (type(a) in _NUMPY_TYPES
                                            and type(b) in _NUMPY_TYPES):
            ns = _array_module(a, b)
            if ns is not xp:
                return in_module(ns, ufunc, a, b)
    elif type(b) is _ndarray and a.dtype == b.dtype:
        # two arrays of one dtype, the commonest case, before any lookup (measured: x * y
        # on small arrays 0.55 to 0.45 us)
        try:
            return ufunc(a, b)
        except (ValueError, TypeError) as e:
            raise _torch_error(ufunc, a, b, e) from None
    try:
        da = getattr(a, "dtype", None)
        if da is not None:
            if da.kind in _WEAK_OK.get(type(b), ""):
                # a Python float or int with a float array (x * 0.5): NumPy's weak scalars
                # give torch's dtype already, so the promotion lookup is skipped
                return ufunc(a, b)
            if da == getattr(b, "dtype", None):
                return ufunc(a, b)
        dt = result_dtype(a, b)
        if dt.kind in "iu":  # a Python int wraps around into a narrow integer type, as in torch
            a, b = (xp.asarray(v).astype(dt) if type(v) is int else v for v in (a, b))
        # unsafe casting: torch casts both inputs to the result dtype (uint8 + int64 0-d
        # tensor is uint8), which NumPy's same_kind rule refuses
        return ufunc(a, b, dtype=dt, casting="unsafe") if dt.kind != "b" else ufunc(a, b)
    except (ValueError, TypeError) as e:
        # NumPy's refusal, said as torch says it; checked only once NumPy has refused, so
        # the path that succeeds pays nothing
        raise _torch_error(ufunc, a, b, e) from None


# NOTE [Scalars in float32 opmath]
# torch's CPU kernels of mul, div (true, floor and trunc), given a float16 or bfloat16
# tensor and, as second operand, a number or a 0-dim tensor, read that scalar in float32
# (their "opmath" type, from its value before any cast) and round only the result:
# x * 0.1 is round(float(x) * float32(0.1)). Every other binary op (add, sub, pow,
# remainder, comparisons, a number as first operand) rounds the scalar to the tensor's
# dtype first, as NumPy's float16 arithmetic does. bfloat16 is computed in float32
# anyway (ops/_low_precision.py): these ops only keep it from rounding their scalar.
_F16 = xp.dtype(xp.float16)
_F32 = xp.dtype(xp.float32)
_SCALARS = (float, int, bool)


def opmath_scalar(fn, a, b):
    """``fn(a, b)`` over float32 for a float16 array ``a`` and a number or 0-dim ``b``,
    rounded to float16 (NOTE [Scalars in float32 opmath]); None for other operands."""
    if type(b) in _SCALARS:
        b = _F32.type(b)
    elif not (type(b) is _ndarray and b.ndim == 0 and b.dtype.kind in "biuf"):
        return None  # (a bfloat16 0-dim tensor makes the result float32)
    else:
        b = b.astype(_F32)
    return fn(a.astype(_F32), b).astype(_F16)


def compare(ufunc, ordered=False):
    """The forward of a comparison or logical op: NumPy's bool result, torch's errors.
    ``ordered``: lt, le, gt, ge, which torch refuses on complex numbers (NumPy orders them)."""
    def forward(self, other):
        if ordered and (_kind(self) == "c" or _kind(other) == "c"):
            raise NotImplementedError(f'"{_ORDERED[ufunc]}_cpu" not implemented for '
                                      f"'{_dt._FROM_NP[result_dtype(self, other)]._cname}'")
        if type(self) is not _ndarray and type(other) is not _ndarray:
            ns = _array_module(self, other)
            if ns is not xp:
                return in_module(ns, ufunc, self, other)
        try:
            return ufunc(self, other)
        except (ValueError, TypeError) as e:
            raise _torch_error(ufunc, self, other, e) from None
    return forward


def _torch_error(ufunc, a, b, numpy_error):
    broadcast_shapes(getattr(a, "shape", ()), getattr(b, "shape", ()))
    dt = result_dtype(a, b)
    if dt.kind == "b" and ufunc in _NO_BOOL:
        return RuntimeError(_NO_BOOL[ufunc])
    if ufunc in _INTEGRAL_ONLY:
        return NotImplementedError(f'"{ufunc.__name__}_cpu" not implemented for '
                                   f"'{_dt._FROM_NP[dt]._cname}'")
    return numpy_error


def to_float(x):
    """Integer and bool arrays become the default float dtype (torch's true division etc.)."""
    if type(x) is _ndarray:  # the NumPy path, as fast as before the seam
        if x.dtype in _FLOAT_OR_COMPLEX:
            return x
        return xp.asarray(x, dtype=_dt.get_default_dtype().np)
    if type(x) in _NUMPY_TYPES and x.dtype in _FLOAT_OR_COMPLEX:  # (compile's arrays)
        return x
    if _backend.kind(x.dtype) in "fc":
        return x
    if type(x) is SparseCoo:  # (torch's sparse functions coalesce, then cast: True + True
        x = x.coalesce()      # is True, 1.0 + 1.0 is not)
    ns = _array_module(x)
    return _backend.astype(x, _dt.native(_dt.get_default_dtype(), ns))


def _kind(x):
    d = getattr(x, "dtype", None)
    if d is not None:
        return _backend.kind(d)
    return "c" if type(x) is complex else "b" if type(x) is bool else ""


def _no_bool_subtraction(a, b):
    ka, kb = _kind(a), _kind(b)
    if ka == "b" and kb == "b":
        raise RuntimeError(_NO_BOOL[xp.subtract])
    if ka == "b" or kb == "b":
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def _no_complex(name):
    def refuse(a, b):
        if _kind(a) == "c" or _kind(b) == "c":
            raise RuntimeError(f"{name} not implemented for complex tensors.")
    return refuse


_FLOAT_OR_COMPLEX = _backend.DIFFERENTIABLE

# mixes NumPy computes and torch refuses, checked before computing
_WEAK_OK = {float: "fc", int: "fc"}

_REFUSALS = {xp.subtract: _no_bool_subtraction, xp.maximum: _no_complex("maximum"),
             xp.minimum: _no_complex("minimum"), xp.fmax: _no_complex("fmax"),
             xp.fmin: _no_complex("fmin")}
_ORDERED = {xp.less: "lt", xp.less_equal: "le", xp.greater: "gt", xp.greater_equal: "ge"}
_INTEGRAL_ONLY = (xp.bitwise_and, xp.bitwise_or, xp.bitwise_xor)
_NO_BOOL = {xp.subtract: "Subtraction, the `-` operator, with two bool tensors is not supported. "
                         "Use the `^` or `logical_xor()` operator instead."}

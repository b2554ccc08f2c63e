"""Pointwise ops: arithmetic, unary math, activations, clamp/where, masked_fill, tril/triu,
comparisons.

Formulas follow derivatives.yaml term by term, so that the graph ``create_graph=True``
records is torch's: a product with a number inside a formula is torch's ``mul.Scalar``
(MulBackward1, here ``mul_scalar``), not MulBackward0, and ``tanh``, ``sigmoid`` and
``relu`` differentiate through their own ``*_backward`` entries.
"""
import cmath
import math
import warnings

from .. import _backend
from .._args import user_stacklevel
from .._cpu_math import _fma32, _fma64, occurrence_rounds
from .._sparse_coo import SparseCoo, no_kernel
from .._kernel_dtypes import ALL_BUT_COMPLEX, NUMERIC_COMPLEX, check_kernel
from .. import _dtype as _dt
from .._dtype import _FROM_NP
from ..creation import check_scalar
from ..tensor import _CPP_TYPE
from ._promote import binary, broadcast_shapes, compare, in_module, result_dtype, to_float
from ._promote import opmath_scalar
from ._low_precision import NUMBER_OPERAND, OPMATH_SCALAR
from ._promote import clamp_type_name, type_name
from ._promote import _torch_error as torch_error
from ._table import ELEMENTWISE, LINEAR, Op, derivative_not_implemented
from . import complex_math

xp = _backend.xp
_ndarray = _backend.ndarray
_F16 = xp.dtype(xp.float16)
_function = _backend.function
# NumPy's own arrays and scalars, and compile's recorded arrays (a subclass): NumPy's
# functions take them as they are, with no look for another array module (tested after
# ``type(x) is _ndarray``, so that eager's arrays pay nothing for it)
_NUMPY_TYPES = _backend.NUMPY_TYPES


# torch gives inf and nan silently (1 / 0, log(0), sqrt(-1)); NumPy would warn. Only the
# ops that can leave their domain pay for the errstate (about 1.5 us a call, measured).
_SILENT = {"divide": "ignore", "invalid": "ignore"}


def _silent_float(ufunc):
    """The forward ``ufunc(self)`` in floating point, without NumPy's domain warnings."""
    def forward(self):
        x = to_float(self)
        if type(x) is not _ndarray and not _backend.is_numpy(x):
            return _function(ufunc, x)(x)
        with xp.errstate(**_SILENT):
            return ufunc(x)
    return forward


def _float_math(ufunc):
    """The forward ``ufunc(self)`` in floating point (integers become the default float),
    computed by the module of ``self`` (NOTE [The array-module seam])."""
    def forward(self):
        x = to_float(self)
        return (ufunc(x) if type(x) is _ndarray or type(x) in _NUMPY_TYPES
                else _function(ufunc, x)(x))
    return forward


def _math(ufunc):
    """The forward ``ufunc(self)``, computed by the module of ``self``."""
    def forward(self):
        return (ufunc(self) if type(self) is _ndarray or type(self) in _NUMPY_TYPES
                else _function(ufunc, self)(self))
    return forward


def _conjugate(x):
    """The complex conjugate of an array of any module (the standard's conj is complex-only)."""
    if type(x) is _ndarray or _backend.is_numpy(x):
        return xp.conjugate(x)
    return _backend.array_module(x).conj(x) if _backend.kind(x.dtype) == "c" else x


def _scaled(grad, alpha):
    return grad if alpha == 1 else grad * alpha


# -- complex conjugation --------------------------------------------------------------
# torch's formulas for complex inputs take conjugates (grad * other.conj(): Wirtinger
# calculus). ``conj`` is that .conj() in formulas: nothing at all (no op, no node) for real
# values, which is every hot path.
conj_op = Op("ConjBackward0", lambda self: _conjugate(self), jvp=LINEAR,
             self=lambda grad: conj(grad))
real_op = Op("RealBackward0", lambda self: xp.real(self).copy(), jvp=LINEAR, self=lambda grad: grad)


def conj(x):
    """``x.conj()`` inside a formula: x itself unless x is complex."""
    t = type(x)
    if t is float or t is int:
        return x
    if t is _ndarray or t in _NUMPY_TYPES:  # a first-order backward's saved value first
        return conj_op(x) if x.dtype.kind == "c" else x
    dtype = getattr(getattr(x, "_data", x), "dtype", None)
    if dtype is None:
        return x.conjugate() if t is complex else x
    # (_backend.kind: the dtype of another module's array has no NumPy kind)
    return conj_op(x) if _backend.kind(dtype) == "c" else x


# -- arithmetic -----------------------------------------------------------------------
def _fma_dtype(a, b, c):
    """The float32 or float64 dtype and the shape of a * b + c, without computing it,
    where that is plain: NumPy arrays of one shape (at least one of them a or b) and
    numbers; else None (fma then computes a * b + c to learn them)."""
    shape = None
    for x in (a, b, c):
        t = type(x)
        if t is _ndarray and x.ndim:
            if shape is None:
                shape = x.shape
            elif x.shape != shape:
                return None
        elif t not in (int, float):
            return None
    if shape is None or type(c) is _ndarray and type(a) is not _ndarray \
            and type(b) is not _ndarray:
        return None
    # (a * b is an array of that shape: the sum's promotion sees it as one)
    dt = result_dtype(_standin(result_dtype(a, b)), c)
    return (dt, shape) if dt.kind == "f" and dt.itemsize >= 4 else None


def _standin(dtype):
    s = _STANDINS.get(dtype)
    if s is None:
        s = _STANDINS[dtype] = xp.empty((0,), dtype)
    return s


_STANDINS = {}


def fma(a, b, c):
    """a * b + c rounded once, as torch's kernels (compiled with FMA contraction) compute
    it, in the dtype of a * b + c; Python numbers are first rounded to that dtype."""
    known = _fma_dtype(a, b, c)
    if known is not None:
        # the dtype and shape read off the operands: a * b + c computed only to learn
        # them costs two of the dozen passes of the rounding below (measured)
        dt, shape = known
        a, b, c = (dt.type(v) if type(v) in (int, float) else v for v in (a, b, c))
        exact = _fma32(a, b, c) if dt.itemsize == 4 else _fma64(a, b, c)
        return xp.asarray(exact, dtype=dt).reshape(shape)
    if type(a) is SparseCoo:  # dense.add_(sparse, alpha=): an SGD step on a sparse grad
        return _fma_sparse(a, b, c)
    out = binary(xp.add, binary(xp.multiply, a, b), c)
    if not _backend.is_numpy(out):  # no fused multiply-add in the array API: two roundings
        return out
    if out.dtype.kind != "f" or out.dtype.itemsize < 4:
        return out
    a, b, c = (out.dtype.type(v) if type(v) in (int, float) else v for v in (a, b, c))
    exact = _fma32(a, b, c) if out.dtype.itemsize == 4 else _fma64(a, b, c)
    return xp.asarray(exact, dtype=out.dtype).reshape(out.shape)


def _fma_sparse(a, b, c):
    """``a * b + c`` for a sparse ``a`` and a dense ``c``, as torch's kernel adds: entry by
    entry in their order, each a fused multiply-add, so an index stored twice is rounded
    twice. The entries go in rounds (first occurrences of each index, then second ones...),
    each round one vectorised fused multiply-add over distinct rows."""
    if type(c) is SparseCoo or c.ndim == 0 or a.nnz == 0 or a.sparse_dim == 0:
        return binary(xp.add, c, binary(xp.multiply, a, b))
    out = xp.array(c, dtype=result_dtype(result_dtype(a.values, b), c), copy=True)
    rows = xp.ravel_multi_index(tuple(a.indices), out.shape[:a.sparse_dim])
    flat = out.reshape((-1,) + out.shape[a.sparse_dim:])
    order, bounds = occurrence_rounds(rows)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        pick = order[lo:hi]
        r = rows[pick]
        flat[r] = fma(a.values[pick], b, flat[r])
    return out


def _add(self, other, alpha):
    # torch's add with alpha is fmadd(other, alpha, self): one rounding
    return binary(xp.add, self, other) if alpha == 1 else fma(other, alpha, self)


def _sub(self, other, alpha):
    return binary(xp.subtract, self, other) if alpha == 1 else fma(other, -alpha, self)


def _rsub(self, other, alpha):
    # other - alpha * self, with other a number (1 - x): one input edge, as in torch
    return binary(xp.subtract, other, self if alpha == 1 else binary(xp.multiply, self, alpha))


def _div(self, other):
    if type(self) is not _ndarray and type(other) is not _ndarray:
        ns = _backend.array_module(self, other)
        if ns is not xp:
            return in_module(ns, xp.true_divide, self, other, floating=True)
    if type(self) is _ndarray and self.dtype is _F16:  # NOTE [Scalars in float32 opmath]
        out = opmath_scalar(xp.true_divide, self, other)
        if out is not None:
            return out
    dt = result_dtype(self, other)
    if dt.kind not in "fc":  # int / int is a float division in torch
        dt = to_float(xp.empty(0, dtype=bool)).dtype
    if dt.kind == "c":
        return complex_math.divide(xp.asarray(self, dt), xp.asarray(other, dt))
    try:  # (1 / 0 is silent: NOTE [Floating-point warnings] in _backend.py)
        return xp.true_divide(self, other, dtype=dt)
    except ValueError as e:  # NumPy's broadcasting refusal, said as torch says it
        raise torch_error(xp.true_divide, self, other, e) from None


def _mul(self, other):
    if type(self) is _ndarray:
        dt = self.dtype
        if type(other) is _ndarray and other.dtype is dt:  # the commonest case first
            if dt.kind != "c":
                return binary(xp.multiply, self, other)
            return _complex_product(self, other)
        # a complex result is torch's product alone (NOTE [Complex products]), decided
        # before NumPy's product is made
        if dt.kind == "c" or type(other) is complex or (
                type(other) is _ndarray and other.dtype.kind == "c"):
            return _complex_product(self, other)
        if dt is _F16:  # NOTE [Scalars in float32 opmath]
            out = opmath_scalar(xp.multiply, self, other)
            if out is not None:
                return out
    out = binary(xp.multiply, self, other)
    if type(out) is _ndarray and out.dtype.kind == "c":  # (a number or 0-dim array first)
        return complex_math.multiply(self, other, out.dtype)
    return out


def _complex_product(self, other):
    dt = self.dtype
    if type(other) is not _ndarray or other.dtype is not dt:
        dt = result_dtype(self, other)
    try:
        return complex_math.multiply(self, other, dt)
    except ValueError as e:  # shapes that do not broadcast, refused as torch refuses them
        raise torch_error(xp.multiply, self, other, e) from None


def _is_integral(x):
    d = getattr(x, "dtype", None)
    return d.kind in "biu" if d is not None else type(x) in (int, bool)


add = Op("AddBackward0", _add, jvp=ELEMENTWISE,
         self=lambda grad: grad,
         other=lambda grad, alpha: _scaled(grad, alpha))
sub = Op("SubBackward0", _sub, jvp=ELEMENTWISE,
         self=lambda grad: grad,
         other=lambda grad, alpha: -_scaled(grad, alpha))
rsub = Op("RsubBackward1", _rsub, jvp=ELEMENTWISE,
          self=lambda grad, alpha: -_scaled(grad, alpha))
# rsub(x, y): y - alpha * x with both tensors
rsub_tensor = Op("RsubBackward0", _rsub, jvp=ELEMENTWISE,
                 self=lambda grad, alpha: -_scaled(grad, alpha), other=lambda grad: grad)
mul = Op("MulBackward0", _mul, jvp=ELEMENTWISE,
         self=lambda grad, other: grad * conj(other),
         other=lambda grad, self: grad * conj(self))
# Tensor and number, as torch's formulas write them in C++ (``2 * result``, ``x + 1``)
mul_scalar = Op("MulBackward1", _mul, jvp=ELEMENTWISE,
                self=lambda grad, other: mul_scalar(grad, _conj_number(other)))


def _conj_number(other):
    # (torch's grad * other.conj(): a complex number, 1j in polar's formula, conjugated)
    return other.conjugate() if type(other) is complex else other
add_scalar = Op("AddBackward1", _add, jvp=ELEMENTWISE, self=lambda grad: grad)
# Tensor minus a number (``exponent - 1`` in pow's formula)
sub_scalar = Op("SubBackward1", _sub, jvp=ELEMENTWISE, self=lambda grad: grad)
# Tensor divided by a number (a mean's ``/ count``): div.Scalar, DivBackward1 in torch
div_scalar = Op("DivBackward1", lambda self, other: _div(self, other), jvp=ELEMENTWISE,
                self=lambda grad, other: div_scalar(grad, other))
div = Op("DivBackward0", _div, jvp=ELEMENTWISE,
         self=lambda grad, other: grad / conj(other),
         other=lambda grad, self, other: -grad * conj((self / other) / other))
def _neg(self):
    if _backend.kind(self.dtype) == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    return xp.negative(self) if type(self) is _ndarray else -self


neg = Op("NegBackward0", _neg, jvp=ELEMENTWISE, self=lambda grad: -grad)

# -- division with rounding, remainders -------------------------------------------------
def _refuse_division(kernel, self, other):
    """torch's refusals of a rounded division: complex numbers, and an integer division by
    zero (NumPy gives 0 with a warning)."""
    dt = result_dtype(self, other)
    if dt.kind in "bc":  # (and no bool kernels)
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for '
                                  f"'{_FROM_NP[dt]._cname}'")
    if dt.kind in "biu" and not xp.all(other):
        raise RuntimeError("ZeroDivisionError")


def _div_mode(self, other, rounding_mode):
    if rounding_mode is None:
        return _div(self, other)
    if rounding_mode in ("trunc", "floor"):
        _refuse_division("div_" + rounding_mode, self, other)
    if rounding_mode == "trunc":
        if type(self) is _ndarray and self.dtype is _F16:  # NOTE [Scalars in float32 opmath]
            out = opmath_scalar(_trunc_divide, self, other)
            if out is not None:
                return out
        q = xp.trunc(_div(self, other))
        return q.astype(result_dtype(self, other), copy=False)
    if rounding_mode == "floor":
        return _floor_divide_opmath(self, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                       f"found '{rounding_mode}'")


def _div_mode_self_backward(grad, other, rounding_mode):
    # a rounded quotient is piecewise constant: torch's zeros (no graph)
    return grad / conj(other) if rounding_mode is None else zeros_like(grad)


def _div_mode_other_backward(grad, self, other, rounding_mode):
    if rounding_mode is not None:
        return zeros_like(grad)
    return -grad * conj((self / other) / other)


def _not_implemented(name):
    """The formula of torch's NotImplemented node: the backward fails, naming the op."""
    def formula(grad):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    formula.__name__ = f"{name}_backward_not_implemented"
    return formula


def _remainder(self, other):
    # torch's float kernel: fmod, then moved by one divisor where the signs differ (so
    # -2 % 2 is -0.0, where NumPy's remainder gives 0.0)
    _refuse_division("remainder", self, other)
    with xp.errstate(**_SILENT):  # x % 0.0 is nan, silently
        r = binary(xp.fmod, self, other)
        if r.dtype.kind != "f":
            return binary(xp.remainder, self, other)
        fix = (r != 0) & ((r < 0) != (xp.asarray(other) < 0))
    return xp.add(r, other, out=r, where=fix) if r.ndim else (r + other if fix else r)


def _fmod(self, other):
    _refuse_division("fmod", self, other)
    with xp.errstate(**_SILENT):
        return binary(xp.fmod, self, other)


def _floor_divide(self, other):
    _refuse_division("div_floor", self, other)
    return _floor_divide_opmath(self, other)


def _floor_divide_opmath(self, other):
    if type(self) is _ndarray and self.dtype is _F16:  # NOTE [Scalars in float32 opmath]
        out = opmath_scalar(xp.floor_divide, self, other)
        if out is not None:
            return out
    return binary(xp.floor_divide, self, other)


def _trunc_divide(a, b):
    return xp.trunc(a / b)


# div(..., rounding_mode=) with the mode given, even None: torch's div.Tensor_mode
div_mode = Op("DivBackward2", _div_mode, jvp=ELEMENTWISE,
              self=_div_mode_self_backward, other=_div_mode_other_backward)
remainder = Op("RemainderBackward1", _remainder, jvp=ELEMENTWISE, inplace_cast=type_name,
               self=lambda grad: grad,
               other=lambda grad, self, other: -grad * div_mode(self, other, "floor"))
remainder_scalar = Op("RemainderBackward0", _remainder, jvp=ELEMENTWISE, inplace_cast=type_name,
                      self=lambda grad: grad)
# a number's remainder by a tensor (2 % x) and floor_divide: torch records a node whose
# backward raises
remainder_scalar_tensor = Op("torch::autograd::NotImplemented", _remainder, nondiff=("self",),
                             other=_not_implemented("remainder"))
floor_divide = Op("torch::autograd::NotImplemented", _floor_divide, self=_not_implemented("floor_divide"),
                  other=_not_implemented("floor_divide"))
fmod = Op("FmodBackward1", _fmod, jvp=ELEMENTWISE, inplace_cast=type_name, self=lambda grad: grad,
          other=lambda grad, self, other: -grad * div_mode(self, other, "trunc"))
fmod_scalar = Op("FmodBackward0", _fmod, jvp=ELEMENTWISE, inplace_cast=type_name,
                 self=lambda grad: grad)
def _reciprocal(x):
    # 1 / x, not NumPy's reciprocal: for complex numbers torch divides (1 / 0j is inf+nanj,
    # and the imaginary zero of 1 / (2+0j) stays positive; NOTE [Complex division])
    if x.dtype.kind == "c" and _backend.is_numpy(x):
        return complex_math.reciprocal(x)
    return xp.divide(1, x)


reciprocal = Op("ReciprocalBackward0", _silent_float(_reciprocal), jvp=ELEMENTWISE,
                self=lambda grad, result: -grad * conj(result * result))


def zeros_like(x):
    """Zeros shaped and typed as ``x`` with no graph (torch's zeros_like in a formula)."""
    from .views import new_zeros
    return new_zeros(x, tuple(x.shape))


def _pow_scalar_backward(grad, self, exponent):
    if exponent == 0:
        return zeros_like(self)
    return grad * conj(mul_scalar(pow_scalar_exp(self, exponent - 1), exponent))


def _pow_tensor_self_backward(grad, self, exponent):
    return where(eq(exponent, 0), 0.0,
                 grad * conj(exponent * pow_tensor(self, sub_scalar(exponent, 1, 1))))


def _real_part(x):
    """A complex exponent's real part, which decides where a zero base's power is 0."""
    return real_op(x) if _backend.kind(getattr(x, "_data", x).dtype) == "c" else x


def _nonnegative_real(exponent):
    """Where the exponent is a real number >= 0: there torch takes the exponent gradient of
    0 ** b to be 0 (a complex b off the real axis keeps result * log(0), NaN)."""
    if _backend.kind(getattr(exponent, "_data", exponent).dtype) != "c":
        return ge(exponent, 0)
    real = real_op(exponent)
    return logical_and(eq(exponent, real), ge(real, 0))  # (b == Re b: no imaginary part)


def _pow_exponent_backward(grad, self, exponent, result):
    # d(a**b)/db = a**b * log(a); torch defines it as 0 where a == 0 and b >= 0
    zero_base = logical_and(eq(self, 0), _nonnegative_real(exponent))
    return grad * where(zero_base, 0.0, conj(result * log(self)))


def _pow_scalar_base_backward(grad, self, exponent, result):
    # the base is a number: log(base) is a number too, and result * log(base) a mul.Scalar;
    # a complex exponent takes the complex logarithm (of a negative base: log|b| + pi i)
    if self == 0:
        return grad * where(_nonnegative_real(exponent), 0.0, mul_scalar(result, -math.inf))
    complex_exponent = _backend.kind(getattr(exponent, "_data", exponent).dtype) == "c"
    log_base = cmath.log(self) if complex_exponent else math.log(self)
    return grad * conj(mul_scalar(result, log_base))


# torch's CPU kernel computes these number exponents by products, not by pow (whose
# result is rounded once and so differs in the last bit for about a third of inputs)
_POW_AS_PRODUCT = {3: lambda x: x * x * x, -2: lambda x: 1 / (x * x),
                   -0.5: lambda x: 1 / xp.sqrt(x)}


def _pow(self, exponent):
    if type(self) is not _ndarray and type(exponent) is not _ndarray:
        ns = _backend.array_module(self, exponent)
        if ns is not xp:
            return in_module(ns, xp.power, self, exponent)
    dt = result_dtype(self, exponent)
    if dt.kind in "iu" and type(exponent) is int and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dt.kind in "iu" and _is_integral(exponent) and xp.any(xp.asarray(exponent) < 0):
        return _int_pow(self, exponent, dt)
    if dt.kind == "b":
        # NumPy has no bool power; torch has one only for a number exponent
        if hasattr(exponent, "dtype") and hasattr(self, "dtype"):
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        return xp.power(self, exponent, dtype=xp.uint8).astype(bool)
    with xp.errstate(**_SILENT):
        if dt.kind == "f" and type(exponent) in (int, float) and exponent in _POW_AS_PRODUCT:
            return _POW_AS_PRODUCT[exponent](xp.asarray(self, dtype=dt))
        if dt.kind == "c":
            return complex_math.power(self, exponent, dt)
        try:
            return xp.power(self, exponent, dtype=dt, casting="unsafe")  # as binary() in _promote
        except ValueError as e:
            raise torch_error(xp.power, self, exponent, e) from None


def _int_pow(base, exponent, dt):
    """An integer tensor to negative integer tensor powers: torch gives the integer part of
    the result (0, except for a base of 1 or -1), where NumPy refuses."""
    base, exponent = xp.asarray(base).astype(dt), xp.asarray(exponent).astype(dt)
    out = xp.power(base, xp.maximum(exponent, 0))
    odd = (exponent % 2).astype(bool)
    inverse = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0)).astype(dt)
    return xp.where(exponent < 0, inverse, out)


pow_scalar_exp = Op("PowBackward0", _pow, jvp=ELEMENTWISE, self=_pow_scalar_backward)
pow_tensor = Op("PowBackward1", _pow, jvp=ELEMENTWISE,
                self=_pow_tensor_self_backward, exponent=_pow_exponent_backward)
pow_scalar_base = Op("PowBackward2", _pow, jvp=ELEMENTWISE, exponent=_pow_scalar_base_backward)

# -- unary math -----------------------------------------------------------------------
exp = Op("ExpBackward0", _float_math(xp.exp), jvp=ELEMENTWISE,
         self=lambda grad, result: grad * conj(result))
log = Op("LogBackward0", _silent_float(xp.log), jvp=ELEMENTWISE,
         self=lambda grad, self: grad / conj(self))
sqrt = Op("SqrtBackward0", _silent_float(xp.sqrt), jvp=ELEMENTWISE,
          self=lambda grad, result: grad / conj(mul_scalar(result, 2)))
sin = Op("SinBackward0", _float_math(xp.sin), jvp=ELEMENTWISE,
         self=lambda grad, self: grad * conj(cos(self)))
cos = Op("CosBackward0", _float_math(xp.cos), jvp=ELEMENTWISE,
         self=lambda grad, self: grad * -conj(sin(self)))
tanh = Op("TanhBackward0", _float_math(xp.tanh), jvp=ELEMENTWISE,
          self=lambda grad, result: tanh_backward(grad, result))


def _tanh_backward(grad_output, output):
    """grad_output * (1 - output**2), reusing one temporary: on big tensors each fresh
    array costs a pass of page faults (measured: 4M floats, 11 ms down to 7 ms)."""
    if type(output) is SparseCoo:
        raise no_kernel("tanh_backward")
    if type(output) is not _ndarray or output.ndim == 0 or output.dtype.kind == "c":
        return grad_output * _conjugate(1 - output * output)
    out = xp.multiply(output, output)
    xp.subtract(1, out, out=out)
    return xp.multiply(out, grad_output, out=out) if out.shape == xp.shape(grad_output) \
        else out * grad_output


tanh_backward = Op("TanhBackwardBackward0", _tanh_backward, jvp=ELEMENTWISE,
                   grad_output=lambda grad, output: tanh_backward(grad, output),
                   output=lambda grad, output, grad_output: grad * (mul_scalar(output, -2) * grad_output))


def _sigmoid(self):
    x = to_float(self)
    if type(x) is not _ndarray and not _backend.is_numpy(x):
        return 1 / (1 + _backend.array_module(x).exp(-x))
    # exp of a large negative input overflows harmlessly to inf: 1/(1+inf) is 0
    with xp.errstate(over="ignore"):
        if x.ndim == 0:
            return 1 / (1 + xp.exp(-x))
        out = xp.negative(x)  # one array for the four passes (see _tanh_backward)
        xp.exp(out, out=out)
        xp.add(out, 1, out=out)
        return xp.divide(1, out, out=out)


def _sigmoid_backward(grad_output, output):
    """grad_output * (1 - output) * output, reusing one temporary (see _tanh_backward)."""
    if (type(output) is not _ndarray or output.ndim == 0
            or output.shape != xp.shape(grad_output) or output.dtype.kind == "c"):
        return grad_output * _conjugate((1 - output) * output)
    out = xp.subtract(1, output)
    xp.multiply(out, output, out=out)
    return xp.multiply(out, grad_output, out=out)


sigmoid = Op("SigmoidBackward0", _sigmoid, jvp=ELEMENTWISE,
             self=lambda grad, result: sigmoid_backward(grad, result))
sigmoid_backward = Op("SigmoidBackwardBackward0",
                      lambda grad_output, output: _sigmoid_backward(grad_output, output),
                      jvp=ELEMENTWISE,
                      grad_output=lambda grad, output: sigmoid_backward(grad, output),
                      output=lambda grad, output, grad_output:
                          grad * grad_output * add_scalar(mul_scalar(output, -2), 1, 1))
_abs_any_module = _math(xp.abs)


def _abs(self):
    check_kernel(self, "abs_cpu", NUMERIC_COMPLEX)
    return _abs_any_module(self)


abs_ = Op("AbsBackward0", _abs, jvp=ELEMENTWISE,
          self=lambda grad, self: grad * sgn(self))


def unchanged_copy(x):
    """What a function that leaves its input's values as they are (floor of an integer)
    returns: a copy; a sparse one coalesced (torch's sparse kernels run on the coalesced
    values)."""
    if type(x) is SparseCoo and not x.coalesced:
        return x.coalesce()
    return x.copy()


def _sign(self):
    """sgn's forward (complex numbers: z / |z|), and sign's for real numbers."""
    if type(self) is SparseCoo and self.dtype.kind == "b":
        return unchanged_copy(self)
    if type(self) is not _ndarray and not _backend.is_numpy(self):
        return _sign_in(_backend.array_module(self), self)
    if self.dtype.kind == "b":
        return self.copy()
    r = xp.sign(self)
    if self.dtype.kind == "f" and r.ndim:  # torch's (0 < x) - (x < 0): the sign of nan is 0
        xp.copyto(r, 0, where=xp.isnan(r))
    elif self.dtype.kind == "f" and r != r:
        r = xp.zeros_like(r)
    return r


def _sign_in(ns, self):
    """``_sign`` for an array of another module (NOTE [The array-module seam])."""
    k = _backend.kind(self.dtype)
    if k == "b":
        return _backend.copy(self)
    r = ns.sign(self)
    return ns.where(ns.isnan(r), ns.zeros_like(r), r) if k == "f" else r


def _real_sign(self):
    check_kernel(self, "sign_cpu", ALL_BUT_COMPLEX,
                 "Unlike NumPy, torch.sign is not intended to support complex numbers. Please "
                 "use torch.sgn instead.")
    return _sign(self)


sign = Op("SignBackward0", _real_sign, jvp=ELEMENTWISE, self=lambda grad: zeros_like(grad))
# abs's formula uses sgn (sign extended to complex numbers): its own node, SgnBackward0
# (forward mode: derivatives.yaml's sgn_backward(self_p, self_t, result), the formula on
# the tangent itself: sgn is not holomorphic, so ELEMENTWISE's conj(formula(conj(t)))
# would turn the wrong way)
sgn = Op("SgnBackward0", _sign, jvp=lambda self, self_t, result: _sgn_backward(self_t, self, result),
         self=lambda grad, self, result: _sgn_backward(grad, self, result))


def _sgn_backward(grad, self, result):
    """z/|z| is flat along |z| and turns with the angle: (g - sgn² conj(g)) / 2|z| (zero at
    0, as torch), and zero for real input."""
    data = getattr(self, "_data", self)
    if _backend.kind(data.dtype) != "c":
        if type(data) is SparseCoo:  # (torch's zeros here are an efficient zero tensor)
            raise no_kernel("_efficientzerotensor")
        return zeros_like(grad)
    magnitude = abs_(self)
    return masked_fill_op((grad - result * result * conj(grad)) / (magnitude * 2), magnitude == 0, 0)


def _relu(self):
    kind = _backend.kind(self.dtype)
    if kind in "bc":
        if kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        raise NotImplementedError("clamp is not supported for complex types")  # (a clamp)
    if type(self) is not _ndarray and not _backend.is_numpy(self):
        ns = _backend.array_module(self)
        return ns.maximum(self, ns.zeros_like(self))
    return xp.maximum(self, 0, dtype=self.dtype)


relu = Op("ReluBackward0", _relu, jvp=ELEMENTWISE,
          self=lambda grad, result: threshold_backward(grad, result, 0))


def _threshold_backward(grad_output, self, threshold):
    if type(grad_output) is SparseCoo or type(self) is SparseCoo:
        return _sparse_threshold_backward(grad_output, self, threshold)
    # torch: where(self <= threshold, 0, grad). A multiply by the mask is several times
    # faster than NumPy's where (measured: 128x512, 20 us against 170 us) and the same
    # unless the gradient holds an inf or nan where it is dropped: then where it is.
    if type(grad_output) is not _ndarray and not _backend.is_numpy(grad_output):
        ns = _backend.array_module(grad_output)
        return ns.where(self <= threshold, ns.zeros_like(grad_output), grad_output)
    keep = ~(self <= threshold)
    out = grad_output * keep
    if _backend.capturing:
        # (NOTE [No shortcuts while capturing]) the same special case without a branch:
        # with an inf or nan anywhere, every dropped lane is where's +0
        drop = ~keep & ~xp.isfinite(grad_output).all()
        xp.copyto(out, xp.zeros((), out.dtype), where=drop)
    elif not xp.isfinite(grad_output).all():
        out = xp.where(keep, grad_output, xp.zeros((), grad_output.dtype))
    return out


def _sparse_threshold_backward(grad_output, self, threshold):
    # torch's sparse kernel (relu's backward on a sparse input): the gradient's entries,
    # zero where self's entry at the same place is <= threshold; both sparse, same entries
    if not (type(grad_output) is SparseCoo and type(self) is SparseCoo) or \
            grad_output.nnz != self.nnz or not xp.array_equal(grad_output.indices, self.indices):
        raise NotImplementedError(
            "threshold_backward of sparse tensors with other entries than each other's is "
            "not implemented in dyngrad")
    keep = ~(self.values <= threshold)
    return grad_output.with_values(xp.where(keep, grad_output.values,
                                            xp.zeros((), grad_output.values.dtype)))


threshold_backward = Op("ThresholdBackwardBackward0", _threshold_backward, jvp=ELEMENTWISE,
                        grad_output=lambda grad, self, threshold: threshold_backward(grad, self, threshold),
                        self=lambda grad: zeros_like(grad))


def _clamp_check(self, min, max):
    # the dtypes torch's clamp kernels refuse and NumPy's maximum/minimum accept
    complex_bound = complex in (type(min), type(max))
    if self.dtype.kind == "c" or complex_bound and self.dtype.kind != "f":
        raise NotImplementedError("clamp is not supported for complex types")
    if complex_bound:
        raise RuntimeError("value cannot be converted to type double without overflow")
    if self.dtype.kind == "b" and all(type(v) in (bool, type(None)) for v in (min, max)):
        which = "clamp" if min is not None and max is not None else (
            "clamp_min" if min is not None else "clamp_max")
        raise NotImplementedError(f'"{which}_scalar_cpu" not implemented for \'Bool\'')


def _clamp(self, min, max):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if self.dtype.kind in "bc" or complex in (type(min), type(max)):
        _clamp_check(self, min, max)
    # every operand in the result's dtype first: clamp(int8, min=-200, max=2.5) is float
    dt = result_dtype(*(v for v in (self, min, max) if v is not None))
    out = self if self.dtype == dt else _backend.astype(self, dt)
    if min is not None:
        out = _clamp_side(xp.maximum, out, min)
    if max is not None:
        out = _clamp_side(xp.minimum, out, max)
    return out


def _clamp_side(ufunc, x, bound):
    # NumPy's maximum(x, nan) is nan, as torch's clamp
    out = binary(ufunc, x, bound)
    if type(bound) in (int, float) and bound == 0:
        out = keep_zero_ties(out, x)
    return out


def keep_zero_ties(out, x):
    """``out``, a maximum or minimum of ``x`` and a zero, with ``x`` where ``x`` is a zero:
    on a tie between +0 and -0 torch's kernels of clamp with number bounds (and hardtanh,
    relu6) keep x (clamp(-0.0, min=0.0) is -0.0), where NumPy's maximum may take either.
    (With tensor bounds torch's vectorised and leftover elements disagree: see the README's
    deliberate differences.)"""
    if _backend.kind(out.dtype) != "f":
        return out
    ns = _backend.array_module(out)
    return ns.where(x == 0, _backend.astype(x, out.dtype), out)


def check_bounds(input, min, max, into=None):
    """clamp's number bounds as torch's scalar kernels read them: each converted, with
    torch's overflow check, to the result's dtype (an int tensor with a float bound: the
    default float), and returned as (min, max). A bfloat16 result's bounds come back
    rounded to bfloat16: its forward and backward compute in float32 here, where torch
    compares with the rounded bound (the gradient at x = bfloat16(0.1) of clamp(max=0.1)).
    ``into``: the in-place destination's dtype; a result it cannot hold is refused first,
    by the in-place cast check."""
    if type(min) not in (int, float) and type(max) not in (int, float):
        return min, max
    operands = [getattr(b, "_data", b) for b in (input, min, max) if b is not None]
    dt = result_dtype(*operands)
    if into is not None and dt != into and not xp.can_cast(dt, into, "same_kind"):
        return min, max
    check_scalar(min, dt)
    check_scalar(max, dt)
    if dt.kind == "V":
        min, max = (float(xp.asarray(b).astype(dt)) if type(b) is float else b
                    for b in (min, max))
    return min, max


def _clamp_backward(grad, self, min, max):
    inside = None
    if min is not None:
        inside = ge(self, min)
    if max is not None:
        below = le(self, max)
        inside = below if inside is None else logical_and(inside, below)
    return where(inside, grad, 0.0)


clamp = Op("ClampBackward1", _clamp, jvp=ELEMENTWISE, inplace_cast=clamp_type_name,
           self=_clamp_backward)


def _clamp_min_backward(grad, self, min, max):
    # min gets the gradient where it won, unless it is above max (then max wins)
    won = lt(self, min) if max is None else logical_and(lt(self, min), lt(min, max))
    return where(won, grad, 0.0)


def _clamp_max_backward(grad, self, min, max):
    won = gt(self, max) if min is None else logical_or(gt(self, max), lt(max, min))
    return where(won, grad, 0.0)


def _clamp_jvp(self, self_t, min, min_t, max, max_t):
    # torch's clamp_jvp: on a bound the bound's tangent wins, where the backward gives the
    # gradient to self (and a min above max is max, whatever self is)
    if min is not None and max is not None:
        return where(gt(min, max), max_t,
                     where(lt(self, min), min_t, where(gt(self, max), max_t, self_t)))
    if min is not None:
        return where(gt(self, min), self_t, min_t)
    return where(lt(self, max), self_t, max_t)


# clamp with tensor bounds: the bounds are differentiable inputs too
clamp_tensor = Op("ClampBackward0", _clamp, jvp=_clamp_jvp, inplace_cast=clamp_type_name,
                  self=_clamp_backward,
                  min=_clamp_min_backward, max=_clamp_max_backward)
# torch.clamp_min / clamp_max (not clamp with one bound: that is ClampBackward1)
clamp_min = Op("ClampMinBackward0", lambda self, min: _clamp(self, min, None), jvp=ELEMENTWISE,
               inplace_cast=clamp_type_name,
               self=lambda grad, self, min: _clamp_backward(grad, self, min, None))
clamp_max = Op("ClampMaxBackward0", lambda self, max: _clamp(self, None, max), jvp=ELEMENTWISE,
               inplace_cast=clamp_type_name,
               self=lambda grad, self, max: _clamp_backward(grad, self, None, max))
# clamp_min / clamp_max with a tensor bound: the gradient goes to whichever side won
# clamp_min/clamp_max with a tensor bound: torch's maximum/minimum kernels, which have no
# complex numbers (torch.maximum itself says so in words of its own)
def _clamp_min_tensor(self, min):
    check_kernel(result_dtype(self, min), "maximum_cpu", "biufV")
    return binary(xp.maximum, self, min)


def _clamp_max_tensor(self, max):
    check_kernel(result_dtype(self, max), "minimum_cpu", "biufV")
    return binary(xp.minimum, self, max)


clamp_min_tensor = Op("ClampMinBackward1", _clamp_min_tensor,
                      jvp=ELEMENTWISE, inplace_cast=clamp_type_name,
                      self=lambda grad, self, min: where(ge(self, min), grad, 0.0),
                      min=lambda grad, self, min: where(lt(self, min), grad, 0.0))
clamp_max_tensor = Op("ClampMaxBackward1", _clamp_max_tensor,
                      jvp=ELEMENTWISE, inplace_cast=clamp_type_name,
                      self=lambda grad, self, max: where(le(self, max), grad, 0.0),
                      max=lambda grad, self, max: where(gt(self, max), grad, 0.0))


def _where(condition, self, other):
    if type(condition) is not _ndarray:
        ns = _backend.array_module(condition, self, other)
        if ns is not xp:
            return _where_in(ns, condition, self, other)
    try:
        out = xp.where(condition, self, other)
    except ValueError:
        broadcast_shapes(*(getattr(a, "shape", ()) for a in (condition, self, other)))
        raise
    return out.astype(result_dtype(self, other), copy=False)


def _where_in(ns, condition, self, other):
    """where() over arrays of another module: numbers become arrays of torch's result dtype."""
    dt = result_dtype(self, other)
    native = _dt.native(_FROM_NP[dt], ns)
    self, other = (ns.asarray(v, dtype=native, device=condition.device) if not hasattr(v, "dtype")
                   else _backend.astype(v, native) for v in (self, other))
    return ns.where(condition, self, other)


where = Op("WhereBackward0", _where, jvp=ELEMENTWISE, nondiff=("condition",),
           self=lambda grad, condition: where(condition, grad, 0.0),
           other=lambda grad, condition: where(condition, 0.0, grad))


def _max_min_backward(grad, self, other, wins):
    # ties split the gradient evenly, as torch does
    return where(eq(self, other), grad / 2, where(wins(self, other), grad, 0.0))


maximum = Op("MaximumBackward0", lambda self, other: binary(xp.maximum, self, other),
             jvp=ELEMENTWISE,
             self=lambda grad, self, other: _max_min_backward(grad, self, other, gt),
             other=lambda grad, self, other: _max_min_backward(grad, other, self, gt))
minimum = Op("MinimumBackward0", lambda self, other: binary(xp.minimum, self, other),
             jvp=ELEMENTWISE,
             self=lambda grad, self, other: _max_min_backward(grad, self, other, lt),
             other=lambda grad, self, other: _max_min_backward(grad, other, self, lt))


# -- comparisons and logic (no gradient) ------------------------------------------------
def _compare(ufunc):
    return Op(None, compare(ufunc), jvp=ELEMENTWISE, nondiff=("self", "other"))


eq = _compare(xp.equal)
ne = _compare(xp.not_equal)
lt = Op(None, compare(xp.less, ordered=True), nondiff=("self", "other"))
le = Op(None, compare(xp.less_equal, ordered=True), nondiff=("self", "other"))
gt = Op(None, compare(xp.greater, ordered=True), nondiff=("self", "other"))
ge = Op(None, compare(xp.greater_equal, ordered=True), nondiff=("self", "other"))


def _compare_inplace(op, name):
    """``x.eq_(y)`` writes 0 and 1 into x, and torch records it: a node whose gradients are
    zeros (EqBackward0 for a number, EqBackward1 for a tensor)."""
    zero = lambda grad: zeros_like(grad)  # noqa: E731
    return (Op(f"{name}Backward0", op.forward, jvp=ELEMENTWISE, nondiff=("self",), self=zero),
            Op(f"{name}Backward1", op.forward, jvp=ELEMENTWISE, self=zero, other=zero))


# x.name_(operand): the op for a number operand and the op for a tensor one, where they differ
INPLACE_BY_OPERAND = {n: _compare_inplace(o, n.capitalize()) for n, o in
                      (("eq", eq), ("ne", ne), ("lt", lt), ("le", le), ("gt", gt), ("ge", ge))}
INPLACE_BY_OPERAND.update(remainder=(remainder_scalar, remainder), fmod=(fmod_scalar, fmod))
logical_and = _compare(xp.logical_and)
logical_or = _compare(xp.logical_or)
logical_xor = _compare(xp.logical_xor)
bitwise_and = Op(None, lambda self, other: binary(xp.bitwise_and, self, other),
                 nondiff=("self", "other"), inplace_cast=type_name)
bitwise_or = Op(None, lambda self, other: binary(xp.bitwise_or, self, other),
                nondiff=("self", "other"), inplace_cast=type_name)
bitwise_xor = Op(None, lambda self, other: binary(xp.bitwise_xor, self, other),
                 nondiff=("self", "other"), inplace_cast=type_name)
logical_not = Op(None, lambda self: xp.logical_not(self), nondiff=("self",))


def _bitwise_not(self):
    if self.dtype.kind in "fc":
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{_FROM_NP[self.dtype]._cname}'")
    return xp.invert(self)


bitwise_not = Op(None, _bitwise_not, nondiff=("self",))
isnan = Op(None, lambda self: xp.isnan(self), nondiff=("self",))
isinf = Op(None, lambda self: xp.isinf(self), nondiff=("self",))
isfinite = Op(None, lambda self: xp.isfinite(self), nondiff=("self",))


# -- more unary math (derivatives.yaml's formulas, term by term) --------------------------
_erf_scalar = xp.frompyfunc(math.erf, 1, 1)


def on_sparse_values(forward):
    """``forward`` of a function that maps zero to zero, run on a sparse COO input's
    coalesced values as torch runs it (the result is coalesced), with the dense kernel."""
    def apply(self):
        if type(self) is SparseCoo:
            c = self.coalesce()
            return c.with_values(forward(c.values))
        return forward(self)
    apply.__name__ = forward.__name__
    return apply


@on_sparse_values
def _erf(self):
    # NumPy has no erf: math.erf per element, in double, cast back to the input's float type
    if self.dtype.kind == "c":
        raise NotImplementedError(f"\"erf_vml_cpu\" not implemented for '{_FROM_NP[self.dtype]._cname}'")
    x = to_float(self)
    return xp.asarray(_erf_scalar(x.astype(xp.float64)), dtype=xp.float64).astype(x.dtype)


def _rounding(ufunc, name):
    """floor, ceil, round, trunc: integers come back unchanged, as in torch (bool has no
    kernel; complex numbers are refused, by floor, ceil and trunc in words of their own)."""
    kernel = f"{name}_vml_cpu"
    refusal = None if name == "round" else f"{name} is not supported for complex inputs"

    def forward(self):
        kind = self.dtype.kind
        if kind == "c":
            check_kernel(self, kernel, ALL_BUT_COMPLEX, refusal)
        if kind in "biu":
            if kind == "b":
                check_kernel(self, kernel, NUMERIC_COMPLEX)
            return unchanged_copy(self)
        return ufunc(self)
    return forward


def _asin_backward(grad, self):
    return grad * conj(rsqrt(add_scalar(-self * self, 1, 1)))


def _acos_backward(grad, self):
    return grad * -conj(rsqrt(add_scalar(-self * self, 1, 1)))


def _erf_backward(grad, self):
    return mul_scalar(exp(-pow_scalar_exp(self, 2)), 2.0 / math.sqrt(math.pi)) * grad


def _zero_grad(grad):
    return zeros_like(grad)


def _log1p_backward(grad, self):
    if type(getattr(self, "_data", self)) is SparseCoo:
        # torch's log1p_backward densifies a sparse self, with a warning, and scales the
        # (sparse) gradient by 1 / (self + 1) at its entries
        warnings.warn("log1p_backward: received self with sparse layout, but backward requires "
                      "materialization of a dense tensor with this shape", UserWarning,
                      stacklevel=user_stacklevel())
        dense = self.to_dense()
        return grad * reciprocal(conj(add_scalar(dense, 1, 1)))
    return grad / conj(add_scalar(self, 1, 1))


log1p = Op("Log1PBackward0", _silent_float(xp.log1p), jvp=ELEMENTWISE, self=_log1p_backward)
expm1 = Op("Expm1Backward0", lambda self: xp.expm1(to_float(self)), jvp=ELEMENTWISE,
           self=lambda grad, result: grad * add_scalar(conj(result), 1, 1))
tan = Op("TanBackward0", lambda self: xp.tan(to_float(self)), jvp=ELEMENTWISE,
         self=lambda grad, result: grad * conj(add_scalar(pow_scalar_exp(result, 2), 1, 1)))
sinh = Op("SinhBackward0", lambda self: xp.sinh(to_float(self)), jvp=ELEMENTWISE,
          self=lambda grad, self: grad * conj(cosh(self)))
cosh = Op("CoshBackward0", lambda self: xp.cosh(to_float(self)), jvp=ELEMENTWISE,
          self=lambda grad, self: grad * conj(sinh(self)))
asin = Op("AsinBackward0", _silent_float(xp.arcsin), jvp=ELEMENTWISE, self=_asin_backward)
acos = Op("AcosBackward0", _silent_float(xp.arccos), jvp=ELEMENTWISE, self=_acos_backward)
atan = Op("AtanBackward0", lambda self: xp.arctan(to_float(self)), jvp=ELEMENTWISE,
          self=lambda grad, self: grad / conj(add_scalar(self * self, 1, 1)))
def _atanh_backward(grad, self):
    # torch's grad * 1 / (1 - self^2): the 1 below a constant tensor of self's type (made
    # like self: an empty_like with a memory format, which a sparse self refuses)
    data = getattr(self, "_data", self)
    if type(data) is SparseCoo:
        raise RuntimeError("memory format option is only supported by strided tensors")
    one = xp.asarray(1, data.dtype)
    return mul_scalar(grad, 1) / conj(sub(one, pow_scalar_exp(self, 2), 1))


acosh = Op("AcoshBackward0", _silent_float(xp.arccosh), jvp=ELEMENTWISE,
           self=lambda grad, self: grad * conj(rsqrt(sub_scalar(self * self, 1, 1))))
asinh = Op("AsinhBackward0", lambda self: xp.arcsinh(to_float(self)), jvp=ELEMENTWISE,
           self=lambda grad, self: grad * conj(rsqrt(add_scalar(pow_scalar_exp(self, 2), 1, 1))))
atanh = Op("AtanhBackward0", _silent_float(xp.arctanh), jvp=ELEMENTWISE, self=_atanh_backward)


def _underivable_inplace(op, name):
    """The in-place form torch records under its own node and gives no derivative."""
    entry = Op(op.name[:-1] + "1", op.forward, jvp_name=name + "_",
               self=derivative_not_implemented(f"inplace version of {name}"))
    return entry, entry


INPLACE_BY_OPERAND.update(acosh=_underivable_inplace(acosh, "acosh"),
                          asinh=_underivable_inplace(asinh, "asinh"),
                          atanh=_underivable_inplace(atanh, "atanh"))
erf = Op("ErfBackward0", _erf, jvp=ELEMENTWISE, self=_erf_backward)
rsqrt = Op("RsqrtBackward0", _silent_float(lambda x: _reciprocal(xp.sqrt(x))), jvp=ELEMENTWISE,
           self=lambda grad, result: mul_scalar(grad, -0.5) * conj(pow_scalar_exp(result, 3)))
log2 = Op("Log2Backward0", _silent_float(xp.log2), jvp=ELEMENTWISE,
          self=lambda grad, self: grad / mul_scalar(conj(self), 0.6931471805599453))  # log(2)
log10 = Op("Log10Backward0", _silent_float(xp.log10), jvp=ELEMENTWISE,
           self=lambda grad, self: grad / mul_scalar(conj(self), 2.3025850929940456))  # log(10)
floor = Op("FloorBackward0", _rounding(xp.floor, "floor"), jvp=ELEMENTWISE, self=_zero_grad)
ceil = Op("CeilBackward0", _rounding(xp.ceil, "ceil"), jvp=ELEMENTWISE, self=_zero_grad)
trunc = Op("TruncBackward0", _rounding(xp.trunc, "trunc"), jvp=ELEMENTWISE, self=_zero_grad)
round_ = Op("RoundBackward0", _rounding(xp.round, "round"), jvp=ELEMENTWISE, self=_zero_grad)


def _round_decimals(self, decimals):
    return self.copy() if self.dtype.kind in "biu" else xp.round(self, decimals)


round_decimals = Op("RoundBackward1", _round_decimals, jvp=ELEMENTWISE, self=_zero_grad)


def round(input, *, decimals=0, out=None):
    """torch.round: half to even; with ``decimals``, its own node (RoundBackward1)."""
    kind = input._data.dtype.kind
    if kind == "c" or decimals != 0 and kind in "biu":  # (the kernel with decimals: floats)
        kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._cname}\'')
    return round_(input) if decimals == 0 else round_decimals(input, decimals)


def square(input, *, out=None):
    # torch composes square as pow(x, 2): PowBackward0 (its sparse kernel writes a bool
    # input's pow, a long, into a bool result)
    if input.is_sparse and input.dtype is _dt.bool:
        raise RuntimeError("result type Long can't be cast to the desired output type Bool")
    return pow_scalar_exp(input, 2)


# -- masked_fill ------------------------------------------------------------------------
def _masked_fill(self, mask, value):
    broadcast_shapes(mask.shape, self.shape)
    if mask.dtype != xp.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_CPP_TYPE[_FROM_NP[mask.dtype]]}")
    return xp.where(mask, xp.asarray(value).astype(self.dtype), self)


def _masked_fill_value_backward(grad, mask):
    # torch sums grad.masked_select(mask) (MaskedSelectBackward0, not in the table): the
    # same value, but a create_graph through it records WhereBackward0 instead
    from .reduction import sum_all
    return sum_all(where(mask, grad, 0.0))


masked_fill_op = Op("MaskedFillBackward0", _masked_fill, jvp=ELEMENTWISE, nondiff=("mask",),
                    self=lambda grad, mask: masked_fill_op(grad, mask, 0))
masked_fill_tensor = Op("MaskedFillBackward1", _masked_fill, nondiff=("mask",),
                        jvp=lambda self_t, mask, value_t: masked_fill_tensor(self_t, mask, value_t),
                        self=lambda grad, mask: masked_fill_op(grad, mask, 0),
                        value=_masked_fill_value_backward)


def masked_fill(input, mask, value):
    """torch.masked_fill: a number as the value (MaskedFillBackward0) or a 0-dim tensor
    (MaskedFillBackward1)."""
    if hasattr(value, "_data"):
        if value.dim() != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.dim()} dimension(s).")
        return masked_fill_tensor(input, mask, value)
    check_scalar(value, getattr(input, "_data", input).dtype)
    return masked_fill_op(input, mask, value)


OPMATH_SCALAR.update((mul, mul_scalar, div, div_mode, floor_divide))
NUMBER_OPERAND.update({rsub: 1, add_scalar: 1, sub_scalar: 1, remainder_scalar: 1,
                       fmod_scalar: 1, pow_scalar_exp: 1, pow_scalar_base: 0})


# -- tril / triu --------------------------------------------------------------------------
tril = Op("TrilBackward0", lambda self, diagonal: xp.tril(self, diagonal), jvp=LINEAR,
          self=lambda grad, diagonal: tril(grad, diagonal))
triu = Op("TriuBackward0", lambda self, diagonal: xp.triu(self, diagonal), jvp=LINEAR,
          self=lambda grad, diagonal: triu(grad, diagonal))


def _check_matrix(input, name):
    if input.dim() < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril_fn(input, diagonal=0, *, out=None):
    _check_matrix(input, "tril")
    return tril(input, diagonal)


def triu_fn(input, diagonal=0, *, out=None):
    _check_matrix(input, "triu")
    return triu(input, diagonal)

"""More pointwise math: atan2, hypot, logaddexp(2), xlogy, copysign, fmax/fmin, lerp,
addcmul, addcdiv, frac, sinc, deg2rad, rad2deg, exp2, logit, nan_to_num; and the ones
with no gradient: heaviside, signbit, isposinf/isneginf, isclose/allclose/equal, shifts.

Formulas are derivatives.yaml's, term by term (a Python number in a C++ formula is a
mul.Scalar: ``mul_scalar``; ``1 - t`` is rsub), so create_graph records torch's graph.
"""
import math

from .. import _backend
from .._meta_array import no_kernel
from .. import _dtype as _dt
from .._args import broadcast_shapes, type_name
from ..creation import as_read, check_scalar, overflow_error
from ..tensor import Tensor, _wrap
from ._promote import binary, result_dtype, to_float
from ._batched import refuse_batched
from ._low_precision import OPMATH_NUMBERS
from ._table import ELEMENTWISE, Op
from .pointwise import (add, fma, add_scalar, conj, eq, exp, ge, isnan, le, logical_and, logical_or,
                        div, masked_fill_op, mul, mul_scalar, neg, pow_scalar_base, reciprocal, sin, sub,
                        cos, where, zeros_like)
from .pointwise import gt, isinf
from .pointwise import logical_not
from .pointwise import on_sparse_values
from .pointwise import isfinite
from .pointwise import unchanged_copy
from .._sparse_coo import SparseCoo

from .._kernel_dtypes import ALL_BUT_COMPLEX, FLOATING, FLOATING_COMPLEX, check_kernel

xp = _backend.xp
_SILENT = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}
_F16, _F32, _F64 = xp.dtype(xp.float16), xp.dtype(xp.float32), xp.dtype(xp.float64)
_F32_MAX = float(xp.finfo(xp.float32).max)
_NUMBERS = (int, float, complex, bool)
_LN2 = math.log(2)


def _float_binary(ufunc, name, integers=False, complex_=False):
    """A binary forward in torch's result dtype; integers refused (``name``_cpu) or made
    floats, as torch's kernel for it does; complex numbers refused unless ``complex_``."""
    def forward(self, other):
        dt = result_dtype(self, other)
        if dt.kind not in "fc" or dt.kind == "c" and not complex_:
            if not integers or dt.kind == "c":
                raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                          f"'{_dt._FROM_NP[dt]._cname}'")
            dt = _dt.get_default_dtype().np
        try:
            with xp.errstate(**_SILENT):
                r = ufunc(xp.asarray(self, dt), xp.asarray(other, dt))
        except ValueError:  # NumPy's broadcasting refusal, said as torch says it
            broadcast_shapes(xp.shape(self), xp.shape(other))
            raise
        return xp.asarray(r).astype(dt, copy=False)
    return forward


# -- binary -----------------------------------------------------------------------------------
def _atan2_recip(self, other):
    recip = reciprocal(add(mul(self, self), mul(other, other), 1))
    return masked_fill_op(recip, isinf(recip), 0)


def _atan2_jvp(self, other, self_t, other_t):
    # derivatives.yaml's: no masked reciprocal here, so where self**2 + other**2 underflows
    # to 0 the tangent is inf or NaN, as torch's is
    return (other * self_t - self * other_t) / (self * self + other * other)


# (mul, not *: an integer input times a float gradient stays float32 on arrays too)
atan2 = Op("Atan2Backward0", _float_binary(xp.arctan2, "atan2", integers=True), jvp=_atan2_jvp,
           self=lambda grad, self, other: mul(mul(grad, other), _atan2_recip(self, other)),
           other=lambda grad, self, other: mul(mul(grad, neg(self)), _atan2_recip(self, other)))
hypot = Op("HypotBackward0", _float_binary(xp.hypot, "hypot"), jvp=ELEMENTWISE,
           self=lambda grad, self, result: grad * self / result,
           other=lambda grad, other, result: grad * other / result)
def log_add_exp(a, b):
    """log(exp(a) + exp(b)) over arrays: NumPy's logaddexp for real values; for complex
    ones (which NumPy's refuses) torch's: the value of larger real part taken out,
    ``max + log1p(exp(min - max))``, with its answers where the real parts are infinite."""
    if a.dtype.kind != "c" and b.dtype.kind != "c":
        return xp.logaddexp(a, b)
    a, b = xp.broadcast_arrays(a, b)
    first = b.real < a.real
    hi, lo = xp.where(first, a, b), xp.where(first, b, a)
    with xp.errstate(**_SILENT):
        out = xp.log1p(xp.exp(lo - hi)) + hi
        both_inf = ~xp.isfinite(lo.real) & (lo.real == hi.real)
        out = xp.where(both_inf, xp.where(lo.real < 0, lo, xp.log(xp.exp(lo) + xp.exp(hi))), out)
    return xp.where(xp.isnan(lo.real) | xp.isnan(lo.imag), xp.asarray(complex("nan+nanj"),
                                                                       out.dtype), out)


logaddexp = Op("LogaddexpBackward0", _float_binary(log_add_exp, "logaddexp", complex_=True), jvp=ELEMENTWISE,
               self=lambda grad, self, other: grad / conj(add_scalar(exp(other - self), 1, 1)),
               other=lambda grad, self, other: grad / conj(add_scalar(exp(self - other), 1, 1)))
logaddexp2 = Op("Logaddexp2Backward0", _float_binary(xp.logaddexp2, "logaddexp2"), jvp=ELEMENTWISE,
                self=lambda grad, self, other: grad / add_scalar(pow_scalar_base(2, other - self), 1, 1),
                other=lambda grad, self, other: grad / add_scalar(pow_scalar_base(2, self - other), 1, 1))


def _xlogy_array(x, y):
    with xp.errstate(**_SILENT):
        return xp.where((x == 0) & ~xp.isnan(y), xp.zeros((), xp.result_type(x, y)), x * xp.log(y))


def _xlogy_self_backward(grad, self, other):
    return masked_fill_op(xlogy(grad, other), logical_and(eq(self, 0.0), le(other, 0.0)), 0.0)


xlogy = Op("XlogyBackward0", _float_binary(_xlogy_array, "xlogy", integers=True), jvp=ELEMENTWISE,
           self=_xlogy_self_backward,
           other=lambda grad, self, other: grad * self / other)
# a number for self (XlogyBackward1: the tensor is other) or for other (XlogyBackward2)
xlogy_number_self = Op("XlogyBackward1", lambda self, other: xlogy.forward(self, other),
                       jvp=ELEMENTWISE,
                       other=lambda grad, self, other: mul_scalar(grad, self) / other)
xlogy_number_other = Op("XlogyBackward2", lambda self, other: xlogy.forward(self, other),
                        jvp=ELEMENTWISE,
                        self=lambda grad, self, other: _xlogy_scalar_other_backward(grad, self, other))


def _xlogy_scalar_other_backward(grad, self, other):
    # torch's: xlogy(grad, other), so a zero gradient stays 0 where log(other) is -inf or
    # NaN; unless other > 0, 0 wherever self is 0 (NaN too fails other > 0)
    out = xlogy_number_other(grad, other)
    return out if other > 0 else masked_fill_op(out, eq(self, 0.0), 0.0)


def xlogy_fn(input, other, *, out=None):
    if not isinstance(input, Tensor):
        return xlogy_number_self(input, other)
    if not isinstance(other, Tensor):
        return xlogy_number_other(input, other)
    return xlogy(input, other)


def _copysign_backward(grad, self, result):
    ratio = masked_fill_op(result / self, eq(self, 0), 0)
    return grad * ratio


def _copysign(self, other):
    dt = result_dtype(self, other)
    check_kernel(dt, "copysign_cpu", ALL_BUT_COMPLEX)
    if dt.kind not in "f":
        dt = _dt.get_default_dtype().np
    return xp.copysign(xp.asarray(self, dt), xp.asarray(other, dt)).astype(dt, copy=False)


copysign_op = Op("CopysignBackward0", _copysign, jvp=ELEMENTWISE, self=_copysign_backward,
                 other=lambda grad: zeros_like(grad))
copysign_number = Op("CopysignBackward1", _copysign, jvp=ELEMENTWISE, self=_copysign_backward)


def copysign(input, other, *, out=None):
    return copysign_op(input, other) if isinstance(other, Tensor) else copysign_number(input, other)


def _wins(cmp, self, other):
    return logical_or(cmp(self, other), isnan(other))


def _fmax_fmin_jvp(cmp):
    # torch's forward rules: fmax takes ``other``'s tangent at ties (``>``) where its
    # backward gives the gradient to ``self``; fmin takes ``self``'s (``<=``)
    def jvp(self_t, other_t, self, other):
        return other_t + where(logical_or(cmp(self, other), isnan(other)), self_t - other_t, 0.0)
    return jvp


fmax = Op("FmaxBackward0", lambda self, other: binary(xp.fmax, self, other), jvp=_fmax_fmin_jvp(gt),
          self=lambda grad, self, other: masked_fill_op(grad, _not(_wins(ge, self, other)), 0),
          other=lambda grad, self, other: masked_fill_op(grad, _wins(ge, self, other), 0))
fmin = Op("FminBackward0", lambda self, other: binary(xp.fmin, self, other), jvp=_fmax_fmin_jvp(le),
          self=lambda grad, self, other: masked_fill_op(grad, _not(_wins(le, self, other)), 0),
          other=lambda grad, self, other: masked_fill_op(grad, _wins(le, self, other), 0))


def _not(mask):
    return logical_not(mask)


# -- lerp, addcmul, addcdiv -------------------------------------------------------------------
def _opmath_number(value, *arrays):
    """A number argument (lerp's weight, addcmul's and addcdiv's value) as torch's kernels
    read it: in the opmath type of the tensors' dtype (float32 for float16; bfloat16
    arrives here as float32), refused where it does not fit (an imaginary part beside real
    tensors too), and no part of the result's dtype. (opmath dtype, the number converted
    to it, as a Python number.)"""
    dt = result_dtype(*arrays)
    if type(value) is float:  # the optimizers' case, kept short: a float beside floats
        if dt == _F64:
            return dt, value
        if dt == _F32 or dt == _F16:
            if _F32_MAX < abs(value) < math.inf:
                raise overflow_error(_F32)
            return _F32, float(_F32.type(value))
    opmath = _F32 if dt == _F16 else dt
    if type(value) not in _NUMBERS:  # (a number compile records, not read here)
        return opmath, value
    check_scalar(value, opmath)
    if type(value) is complex and opmath.kind != "c":
        if value.imag:
            raise overflow_error(opmath)
        value = value.real
    return opmath, opmath.type(as_read(value, opmath)).item()


def _in_dtype(dt, *arrays):
    return [a.astype(dt) if getattr(a, "dtype", dt) != dt else a for a in arrays]


def _lerp(self, end, weight):
    # torch's lerp kernel, one rounding (fma): start + w * (end - start) for |w| < 0.5,
    # else end + (w - 1) * (end - start); with a number weight, in the opmath type
    shapes = [a.shape for a in (self, end, weight) if hasattr(a, "shape")]
    if shapes.count(shapes[0]) != len(shapes):  # refused naming the operands in torch's order
        broadcast_shapes(*shapes)
    if not hasattr(weight, "dtype"):
        dt = result_dtype(self, end)
        opmath, weight = _opmath_number(weight, self, end)
        start, end = _in_dtype(opmath, self, end)
        diff = binary(xp.subtract, end, start)
        out = fma(weight, diff, start) if abs(weight) < 0.5 else fma(weight - 1, diff, end)
        return out.astype(dt, copy=False)
    diff = binary(xp.subtract, end, self)
    w = weight.astype(diff.dtype, copy=False)
    return xp.where(xp.abs(w) < 0.5, fma(w, diff, self), fma(w - 1, diff, end))


lerp_scalar = Op("LerpBackward0", _lerp, jvp=ELEMENTWISE,
                 self=lambda grad, weight: mul_scalar(grad, 1 - weight),
                 end=lambda grad, weight: mul_scalar(grad, weight))
lerp_tensor = Op("LerpBackward1", _lerp, jvp=ELEMENTWISE,
                 self=lambda grad, weight: grad * conj(sub(1, weight, 1)),
                 end=lambda grad, weight: grad * conj(weight),
                 weight=lambda grad, self, end: grad * conj(end - self))


def lerp(input, end, weight, *, out=None):
    kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
    check_kernel(result_dtype(input._data, end._data), kernel, FLOATING_COMPLEX)
    if isinstance(weight, Tensor):
        return lerp_tensor(input, end, weight)
    return lerp_scalar(input, end, weight)


def _addcmul(self, tensor1, tensor2, value):
    # torch's kernel is fma(value * tensor1, tensor2, self), in the opmath type: one
    # rounding where NumPy makes two, and one more to the result's dtype
    dt = result_dtype(self, tensor1, tensor2)
    if dt.kind == "b":
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    opmath, value = _opmath_number(value, self, tensor1, tensor2)
    self, tensor1, tensor2 = _in_dtype(opmath, self, tensor1, tensor2)
    return fma(binary(xp.multiply, tensor1, value), tensor2, self).astype(dt, copy=False)


def _addcdiv(self, tensor1, tensor2, value):
    if result_dtype(tensor1, tensor2).kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    dt = result_dtype(self, tensor1, tensor2)
    opmath, value = _opmath_number(value, self, tensor1, tensor2)
    self, tensor1, tensor2 = _in_dtype(opmath, self, tensor1, tensor2)
    # torch's kernel: self + value * tensor1 / tensor2, multiplied before it divides
    with xp.errstate(**_SILENT):
        quot = binary(xp.divide, binary(xp.multiply, tensor1, value), tensor2)
    return binary(xp.add, self, quot).astype(dt, copy=False)


addcmul = Op("AddcmulBackward0", _addcmul, jvp=ELEMENTWISE,
             self=lambda grad: grad,
             tensor1=lambda grad, tensor2, value: grad * conj(mul_scalar(tensor2, value)),
             tensor2=lambda grad, tensor1, value: grad * conj(mul_scalar(tensor1, value)))
addcdiv = Op("AddcdivBackward0", _addcdiv, jvp=ELEMENTWISE,
             self=lambda grad: grad,
             tensor1=lambda grad, tensor2, value: grad * conj(div(_wrapped(value, tensor2), tensor2)),
             tensor2=lambda grad, tensor1, tensor2, value:
                 -grad * conj(mul_scalar(tensor1, value) / (tensor2 * tensor2)))


OPMATH_NUMBERS.update((lerp_scalar, addcmul, addcdiv))


def _wrapped(value, like):
    """A number as torch's C++ formulas see it: a 0-dim (double) tensor beside a Tensor."""
    if hasattr(like, "_data"):
        return _wrap(xp.asarray(value))  # (a float is a float64 array)
    return value


def _fused3(op):
    def fn(input, tensor1, tensor2, *, value=1, out=None):
        return op(input, tensor1, tensor2, value)
    fn.__name__ = op.name
    return fn


# -- unary ------------------------------------------------------------------------------------
def _sinc(self):
    x = to_float(self)
    with xp.errstate(**_SILENT):
        return xp.sinc(x).astype(x.dtype, copy=False)


def _sinc_backward(grad, self):
    self_pi = mul_scalar(self, math.pi)
    self_squared_pi = mul_scalar(self * self, math.pi)
    out = grad * conj((self_pi * cos(self_pi) - sin(self_pi)) / self_squared_pi)
    return where(eq(self_squared_pi, 0.0), 0.0, out)


def _logit(self, eps):
    check_kernel(self, "logit_cpu", ALL_BUT_COMPLEX)
    x = to_float(self)
    if eps is not None:
        x = xp.clip(x, eps, 1 - eps)
    with xp.errstate(**_SILENT):
        return xp.log(x / (1 - x)).astype(x.dtype, copy=False)


def _logit_backward(grad, self, eps):
    # torch's infinitely_differentiable_logit_backward (the one it records under create_graph)
    lo, hi = (0.0, 1.0) if eps is None else (eps, 1.0 - eps)
    inside = logical_and(ge(self, lo), le(self, hi))
    return where(inside, grad / (self * sub(1.0, self, 1)), 0.0 if eps is not None else math.nan)


def _nan_to_num(self, nan, posinf, neginf):
    if self.dtype.kind not in "fc":
        return unchanged_copy(self)
    info = xp.finfo(self.dtype)
    return xp.nan_to_num(self, nan=0.0 if nan is None else nan,
                         posinf=info.max if posinf is None else posinf,
                         neginf=info.min if neginf is None else neginf)


def _isfinite(x):
    return isfinite(x)


def _frac_of(self):
    check_kernel(self, "frac_cpu", FLOATING)
    return self - xp.trunc(self)


_frac = on_sparse_values(_frac_of)


frac = Op("FracBackward0", _frac, jvp=ELEMENTWISE, self=lambda grad: grad)
sinc = Op("SincBackward0", _sinc, jvp=ELEMENTWISE, self=_sinc_backward)
deg2rad = Op("Deg2RadBackward0", lambda self: xp.deg2rad(to_float(self)), jvp=ELEMENTWISE,
             self=lambda grad: mul_scalar(grad, math.pi / 180))
rad2deg = Op("Rad2DegBackward0", lambda self: xp.rad2deg(to_float(self)), jvp=ELEMENTWISE,
             self=lambda grad: mul_scalar(grad, 180 / math.pi))
exp2 = Op("Exp2Backward0", lambda self: _silent(xp.exp2, to_float(self)), jvp=ELEMENTWISE,
          self=lambda grad, result: mul_scalar(grad * conj(result), _LN2))
logit_op = Op("LogitBackward0", _logit, jvp=ELEMENTWISE, self=_logit_backward)
nan_to_num_op = Op("NanToNumBackward0", _nan_to_num, jvp=ELEMENTWISE, real_grad_only="nan_to_num",
                   self=lambda grad, self: grad * _isfinite(self))


def _silent(ufunc, x):
    with xp.errstate(**_SILENT):
        return ufunc(x)


def logit(input, eps=None, *, out=None):
    return logit_op(input, eps)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    return nan_to_num_op(input, nan, posinf, neginf)


# -- no gradient ------------------------------------------------------------------------------
def _heaviside(self, values):
    if self.dtype.kind == "c" or values.dtype.kind == "c":
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if self.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return xp.where(self == 0, values, (self > 0).astype(self.dtype)).astype(self.dtype)


heaviside = Op(None, _heaviside, jvp=ELEMENTWISE, nondiff=("self", "values"))
def _signbit(self):
    if self.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    return xp.signbit(self)


def _infinity_test(test, name):
    def forward(self):
        if self.dtype.kind == "c":
            raise RuntimeError(f"{name} does not support complex inputs.")
        if self.dtype.kind == "f" or type(self) is SparseCoo:  # (sparse: False values)
            return test(self)
        return xp.zeros(self.shape, bool)
    return forward


signbit = Op(None, _signbit, jvp=ELEMENTWISE, nondiff=("self",))
isposinf = Op(None, _infinity_test(xp.isposinf, "isposinf"), jvp=ELEMENTWISE, nondiff=("self",))
isneginf = Op(None, _infinity_test(xp.isneginf, "isneginf"), jvp=ELEMENTWISE, nondiff=("self",))


def _isclose(self, other, rtol, atol, equal_nan):
    dt = result_dtype(self, other)
    a, b = xp.asarray(self, dt), xp.asarray(other, dt)
    return xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


isclose_op = Op(None, _isclose, jvp=ELEMENTWISE, nondiff=("self", "other"))


def _check_tensors(name, input, other, first=1):
    # ``first``: the position torch numbers ``input`` with (0 for a method's self)
    for pos, (arg, v) in enumerate((("input", input), ("other", other)), first):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{type_name(v)}")


def _checked_isclose(name, input, other, rtol, atol, equal_nan, first=1):
    _check_tensors(name, input, other, first)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype._cname} did not match {other.dtype._cname}")
    broadcast_shapes(input.shape, other.shape)
    return isclose_op(input, other, rtol, atol, equal_nan)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _checked_isclose("isclose", input, other, rtol, atol, equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    refuse_batched("vmap over torch.allclose isn't supported yet. Please file an issue at "
                   "https://github.com/pytorch/pytorch/issues if you need this feature.",
                   input, other)
    return bool(_checked_isclose("allclose", input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    refuse_batched("Batching rule not implemented for aten::equal. We could not generate a "
                   "fallback.", input, other)
    return _equal(input, other, 1)


def _equal(input, other, first):
    _check_tensors("equal", input, other, first)
    a, b = input._data, other._data
    if not (_backend.has_values(a) and _backend.has_values(b)):
        raise no_kernel("aten::equal")
    return a.shape == b.shape and bool((a == b).all())


def _shift(ufunc):
    def forward(self, other):
        if result_dtype(self, other).kind not in "iu":
            raise NotImplementedError(f'"{"lshift" if ufunc is xp.left_shift else "rshift"}_cpu" '
                                      f"not implemented for '{_dt._FROM_NP[result_dtype(self, other)]._cname}'")
        return binary(ufunc, self, other)
    return forward


bitwise_left_shift = Op(None, _shift(xp.left_shift), jvp=ELEMENTWISE, nondiff=("self", "other"))
bitwise_right_shift = Op(None, _shift(xp.right_shift), jvp=ELEMENTWISE, nondiff=("self", "other"))


def _fn(op, name):
    def fn(input, *args, out=None):
        return op(input, *args)
    fn.__name__ = name
    return fn


FUNCTIONS = {
    "atan2": _fn(atan2, "atan2"), "arctan2": _fn(atan2, "arctan2"), "hypot": _fn(hypot, "hypot"),
    "logaddexp": _fn(logaddexp, "logaddexp"), "logaddexp2": _fn(logaddexp2, "logaddexp2"),
    "xlogy": xlogy_fn, "copysign": copysign, "fmax": _fn(fmax, "fmax"), "fmin": _fn(fmin, "fmin"),
    "lerp": lerp, "addcmul": _fused3(addcmul), "addcdiv": _fused3(addcdiv),
    "frac": _fn(frac, "frac"), "sinc": _fn(sinc, "sinc"), "deg2rad": _fn(deg2rad, "deg2rad"),
    "rad2deg": _fn(rad2deg, "rad2deg"), "exp2": _fn(exp2, "exp2"), "logit": logit,
    "nan_to_num": nan_to_num, "heaviside": _fn(heaviside, "heaviside"),
    "signbit": _fn(signbit, "signbit"), "isposinf": _fn(isposinf, "isposinf"),
    "isneginf": _fn(isneginf, "isneginf"), "isclose": isclose, "allclose": allclose,
    "equal": equal, "bitwise_left_shift": _fn(bitwise_left_shift, "bitwise_left_shift"),
    "bitwise_right_shift": _fn(bitwise_right_shift, "bitwise_right_shift"),
}
METHODS = dict(FUNCTIONS)


def _isclose_method(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _checked_isclose("isclose", self, other, rtol, atol, equal_nan, 0)


def _allclose_method(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(_checked_isclose("allclose", self, other, rtol, atol, equal_nan, 0)._data.all())


def _equal_method(self, other):
    return _equal(self, other, 0)


METHODS.update({"isclose": _isclose_method, "allclose": _allclose_method, "equal": _equal_method})
METHODS.update({"__lshift__": FUNCTIONS["bitwise_left_shift"],
                "__rshift__": FUNCTIONS["bitwise_right_shift"]})
_INPLACE_OF = {"atan2": atan2, "hypot": hypot, "xlogy": xlogy, "fmax": None, "lerp": None,
               "heaviside": heaviside,
               "addcmul": addcmul, "addcdiv": addcdiv, "frac": frac, "sinc": sinc,
               "deg2rad": deg2rad, "rad2deg": rad2deg, "exp2": exp2, "logit": logit_op,
               "nan_to_num": nan_to_num_op, "copysign": None}


def _inplace_forms():
    from .inplace import apply_inplace

    def make(name, op):
        def method(self, *args, **kwargs):
            if name in ("addcmul", "addcdiv"):
                t1, t2 = args
                return apply_inplace(op, self, (self, t1, t2, kwargs.get("value", 1)))
            if name == "logit":
                return apply_inplace(op, self, (self, args[0] if args else kwargs.get("eps")))
            if name == "nan_to_num":
                a = list(args) + [None] * (3 - len(args))
                nan = kwargs.get("nan", 0.0 if a[0] is None else a[0])
                return apply_inplace(op, self, (self, nan, kwargs.get("posinf", a[1]),
                                                kwargs.get("neginf", a[2])))
            if name == "lerp":
                end, weight = args
                entry = lerp_tensor if isinstance(weight, Tensor) else lerp_scalar
                return apply_inplace(entry, self, (self, end, weight))
            if name == "copysign":
                entry = copysign_op if isinstance(args[0], Tensor) else copysign_number
                return apply_inplace(entry, self, (self, args[0]))
            if name == "xlogy" and not isinstance(args[0], Tensor):
                return apply_inplace(xlogy_number_other, self, (self, args[0]))
            if name == "fmax":
                return apply_inplace(fmax, self, (self, args[0]))
            return apply_inplace(op, self, (self,) + args)
        method.__name__ = name + "_"
        return method
    return {n + "_": make(n, op) for n, op in _INPLACE_OF.items()}


METHODS.update(_inplace_forms())

"""Pointwise ops: arithmetic, unary math, activations, clamp/where, comparisons."""
from .. import _backend
from ._promote import binary, result_dtype, to_float
from ._table import Op

xp = _backend.xp


def _scaled(grad, alpha):
    return grad if alpha == 1 else grad * alpha


# -- arithmetic -----------------------------------------------------------------------
def _add(self, other, alpha):
    return binary(xp.add, self, other if alpha == 1 else binary(xp.multiply, other, alpha))


def _sub(self, other, alpha):
    return binary(xp.subtract, self, other if alpha == 1 else binary(xp.multiply, other, alpha))


def _rsub(self, other, alpha):
    # other - alpha * self, with other a number (1 - x): one input edge, as in torch
    return binary(xp.subtract, other, self if alpha == 1 else binary(xp.multiply, self, alpha))


def _div(self, other):
    dt = result_dtype(self, other)
    if dt.kind not in "fc":  # int / int is a float division in torch
        dt = to_float(xp.empty(0, dtype=bool)).dtype
    return xp.true_divide(self, other, dtype=dt)


def _is_integral(x):
    d = getattr(x, "dtype", None)
    return d.kind in "biu" if d is not None else type(x) in (int, bool)


add = Op("AddBackward0", _add,
         self=lambda grad: grad,
         other=lambda grad, alpha: _scaled(grad, alpha))
sub = Op("SubBackward0", _sub,
         self=lambda grad: grad,
         other=lambda grad, alpha: -_scaled(grad, alpha))
rsub = Op("RsubBackward1", _rsub,
          self=lambda grad, alpha: -_scaled(grad, alpha))
mul = Op("MulBackward0", lambda self, other: binary(xp.multiply, self, other),
         self=lambda grad, other: grad * other,
         other=lambda grad, self: grad * self)
div = Op("DivBackward0", _div,
         self=lambda grad, other: grad / other,
         other=lambda grad, self, other: -grad * self / (other * other))
neg = Op("NegBackward0", lambda self: xp.negative(self), self=lambda grad: -grad)
reciprocal = Op("ReciprocalBackward0", lambda self: xp.reciprocal(to_float(self)),
                self=lambda grad, result: -grad * (result * result))


def _pow_scalar_backward(grad, self, exponent):
    if exponent == 0:
        return grad * 0
    return grad * exponent * pow_scalar_exp(self, exponent - 1)


def _pow_exponent_backward(grad, self, exponent, result):
    # d(a**b)/db = a**b * log(a); torch defines it as 0 where a == 0 and b >= 0
    return where(self_is_zero_and_exp_nonneg(self, exponent), 0.0, grad * result * log(self))


def self_is_zero_and_exp_nonneg(self, exponent):
    return logical_and(eq(self, 0), ge(exponent, 0))


def _pow(self, exponent):
    dt = result_dtype(self, exponent)
    if dt.kind in "iu" and _is_integral(exponent) and xp.any(xp.asarray(exponent) < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return xp.power(self, exponent, dtype=dt)


pow_scalar_exp = Op("PowBackward0", _pow, self=_pow_scalar_backward)
pow_tensor = Op("PowBackward1", _pow,
                self=lambda grad, self, exponent: grad * exponent * pow_tensor(self, exponent - 1),
                exponent=_pow_exponent_backward)
pow_scalar_base = Op("PowBackward2", _pow, exponent=_pow_exponent_backward)

# -- unary math -----------------------------------------------------------------------
exp = Op("ExpBackward0", lambda self: xp.exp(to_float(self)), self=lambda grad, result: grad * result)
log = Op("LogBackward0", lambda self: xp.log(to_float(self)), self=lambda grad, self: grad / self)
sqrt = Op("SqrtBackward0", lambda self: xp.sqrt(to_float(self)),
          self=lambda grad, result: grad / (2 * result))
sin = Op("SinBackward0", lambda self: xp.sin(to_float(self)), self=lambda grad, self: grad * cos(self))
cos = Op("CosBackward0", lambda self: xp.cos(to_float(self)), self=lambda grad, self: -grad * sin(self))
tanh = Op("TanhBackward0", lambda self: xp.tanh(to_float(self)),
          self=lambda grad, result: grad * (1 - result * result))


def _sigmoid(self):
    x = to_float(self)
    # exp of a large negative input overflows harmlessly to inf: 1/(1+inf) is 0
    with xp.errstate(over="ignore"):
        return 1 / (1 + xp.exp(-x))


sigmoid = Op("SigmoidBackward0", _sigmoid, self=lambda grad, result: grad * result * (1 - result))
abs_ = Op("AbsBackward0", lambda self: xp.abs(self), self=lambda grad, self: grad * sign(self))
sign = Op("SignBackward0", lambda self: xp.sign(self), self=lambda grad: grad * 0)
relu = Op("ReluBackward0", lambda self: xp.maximum(self, 0, dtype=self.dtype),
          self=lambda grad, result: grad * gt(result, 0))


def _clamp(self, min, max):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    out = self
    if min is not None:
        out = binary(xp.maximum, out, min)
    if max is not None:
        out = binary(xp.minimum, out, max)
    # numpy's maximum(x, nan) is nan as torch's clamp; both keep x's dtype for numbers
    return out


def _clamp_backward(grad, self, min, max):
    inside = None
    if min is not None:
        inside = ge(self, min)
    if max is not None:
        below = le(self, max)
        inside = below if inside is None else logical_and(inside, below)
    return where(inside, grad, 0.0)


clamp = Op("ClampBackward1", _clamp, self=_clamp_backward)


def _where(condition, self, other):
    return xp.where(condition, self, other).astype(result_dtype(self, other), copy=False)


where = Op("WhereBackward0", _where, nondiff=("condition",),
           self=lambda grad, condition: where(condition, grad, 0.0),
           other=lambda grad, condition: where(condition, 0.0, grad))


def _max_min_backward(grad, self, other, wins):
    # ties split the gradient evenly, as torch does
    return where(eq(self, other), grad / 2, where(wins(self, other), grad, 0.0))


maximum = Op("MaximumBackward0", lambda self, other: binary(xp.maximum, self, other),
             self=lambda grad, self, other: _max_min_backward(grad, self, other, gt),
             other=lambda grad, self, other: _max_min_backward(grad, other, self, gt))
minimum = Op("MinimumBackward0", lambda self, other: binary(xp.minimum, self, other),
             self=lambda grad, self, other: _max_min_backward(grad, self, other, lt),
             other=lambda grad, self, other: _max_min_backward(grad, other, self, lt))


# -- comparisons and logic (no gradient) ------------------------------------------------
def _compare(ufunc):
    return Op(None, lambda self, other: ufunc(self, other), nondiff=("self", "other"))


eq = _compare(xp.equal)
ne = _compare(xp.not_equal)
lt = _compare(xp.less)
le = _compare(xp.less_equal)
gt = _compare(xp.greater)
ge = _compare(xp.greater_equal)
logical_and = _compare(xp.logical_and)
logical_or = _compare(xp.logical_or)
logical_xor = _compare(xp.logical_xor)
bitwise_and = Op(None, lambda self, other: binary(xp.bitwise_and, self, other), nondiff=("self", "other"))
bitwise_or = Op(None, lambda self, other: binary(xp.bitwise_or, self, other), nondiff=("self", "other"))
bitwise_xor = Op(None, lambda self, other: binary(xp.bitwise_xor, self, other), nondiff=("self", "other"))
logical_not = Op(None, lambda self: xp.logical_not(self), nondiff=("self",))
bitwise_not = Op(None, lambda self: xp.invert(self), nondiff=("self",))
isnan = Op(None, lambda self: xp.isnan(self), nondiff=("self",))
isinf = Op(None, lambda self: xp.isinf(self), nondiff=("self",))
isfinite = Op(None, lambda self: xp.isfinite(self), nondiff=("self",))

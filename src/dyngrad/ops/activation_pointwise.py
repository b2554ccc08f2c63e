"""Pointwise activations of torch.nn.functional, each with torch's node and backward entry.

As in derivatives.yaml, an activation's formula calls its own ``*_backward`` entry (so a
create_graph backward records GeluBackwardBackward0, EluBackwardBackward0, ...), and that
entry's formulas are written with table ops. silu and mish have no backward entry: torch
differentiates them through their composite "infinitely differentiable" formulas when it
records a graph, and so do their formulas here.
"""
import math

from .. import _backend
from ._table import ELEMENTWISE, TRANSPOSED, Op
from .._kernel_dtypes import FLOATING, FLOATING_COMPLEX, NUMERIC, check_kernel
from .joining import cat
from .views import split
from ..tensor import _wrap
from .pointwise import (add_scalar, div_scalar, erf, exp, ge, log1p, logical_and, lt,
                        mul_scalar, sigmoid, sigmoid_backward, sub, sub_scalar, tanh, where,
                        zeros_like)
from .pointwise import keep_zero_ties, threshold_backward
from .pointwise import eq, masked_fill

xp = _backend.xp
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


def _typed(value, like):
    return xp.asarray(value, dtype=like.dtype)


# -- gelu -----------------------------------------------------------------------------------
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


# Numerical Recipes' Chebyshev fit erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0:
# fractional error below 1.2e-7 everywhere, so the far tail of the cdf keeps its digits.
# The last coefficient carries log(1/2), making exp(...) * t the half erfc the cdf needs.
_ERFC_FIT = (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806,
             0.09678418, 0.37409196, 1.00002368, -1.26551223 + math.log(0.5))


def _half_erfc_parts32(x):
    """(t, p) for float32 ``x`` such that Phi(-|x|) = erfc(|x|/sqrt 2)/2 = t exp(p - x^2/2),
    evaluated in float32 in place (a few ulps, as torch's own float kernel is an
    approximation too): about 25 passes over the data and no temporaries kept."""
    t = xp.abs(x)
    t *= 0.5 * math.sqrt(0.5)
    t += 1
    xp.reciprocal(t, out=t)
    p = xp.multiply(t, _ERFC_FIT[0])
    for c in _ERFC_FIT[1:-1]:
        p += c
        p *= t
    p += _ERFC_FIT[-1]
    return t, p


def _normal_cdf32(x, tail):
    """Phi(x) from tail = Phi(-|x|), in place in ``tail``'s new copy: tail + [x >= 0] (1 - 2
    tail). Multiplying by the mask rather than selecting with np.where: a select over random
    signs mispredicts its branches (1.5 ms against 0.15 ms on a GPT's 400k activations)."""
    cdf = xp.multiply(tail, -2.0)
    cdf += 1
    xp.multiply(cdf, x >= 0, out=cdf)
    cdf += tail
    return cdf


def _cdf_and_half_square32(x):
    """(Phi(x), -x^2/2) for float32 ``x``, in new arrays: Phi(-|x|) = t exp(p - x^2/2)."""
    t, tail = _half_erfc_parts32(x)
    sq = xp.multiply(x, x)
    sq *= -0.5
    tail += sq
    xp.exp(tail, out=tail)
    tail *= t
    return _normal_cdf32(x, tail), sq


def _gelu_exact32(x):
    cdf, _ = _cdf_and_half_square32(x)
    # (into a new array, not in place: a compiled step's backward reads this cdf)
    return xp.multiply(cdf, x)


def _gelu_backward_exact32(grad_output, x):
    # gelu'(x) = Phi(x) + x phi(x). Phi(x) and -x^2/2 come from the forward's own steps,
    # so a compiled step finds them computed already and skips their 30 passes (NOTE
    # [Repeated chains] in _compile/chains.py); phi(x) is exp(-x^2/2) / sqrt(2 pi).
    cdf, sq = _cdf_and_half_square32(x)
    out = xp.exp(sq)
    out *= x
    out *= _INV_SQRT_2PI
    out += cdf
    out *= grad_output
    return out


def _gelu(self, approximate):
    x = check_kernel(self, "GeluKernelImpl", FLOATING)
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)
        return (0.5 * x * (1 + xp.tanh(inner))).astype(x.dtype, copy=False)
    if x.dtype == xp.float32:
        # at least 1-d, so that the in-place steps have arrays to work on
        with xp.errstate(**_QUIET):
            return _gelu_exact32(xp.atleast_1d(x)).reshape(x.shape)
    return (x * 0.5 * (1 - erf(x * -math.sqrt(0.5)))).astype(x.dtype, copy=False)


def _gelu_backward(grad_output, self, approximate):
    x = self
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)
        t = xp.tanh(inner)
        d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
        out = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner
    elif x.dtype == xp.float32 and grad_output.dtype == xp.float32:
        with xp.errstate(**_QUIET):
            return _gelu_backward_exact32(grad_output, xp.atleast_1d(x)).reshape(x.shape)
    else:
        cdf = 0.5 * (1 - erf(x * -math.sqrt(0.5)))
        out = cdf + x * _INV_SQRT_2PI * xp.exp(-0.5 * x * x)
    return (grad_output * out).astype(x.dtype, copy=False)


def _gelu_double_backward(grad, grad_output, self, approximate):
    # gelu''(x) times grad_output. Exact form: pdf(x) * (2 - x^2). Tanh form, with
    # t = tanh(u), u = c (x + k x^3): (1 - t^2) u' + x/2 (1 - t^2) (u'' - 2 t u'^2)
    x = self
    x_sq = x * x
    if approximate == "tanh":
        t = tanh(mul_scalar(x + mul_scalar(x_sq * x, 0.044715), _SQRT_2_OVER_PI))
        sech2 = add_scalar(-(t * t), 1, 1)
        du = mul_scalar(add_scalar(mul_scalar(x_sq, 3 * 0.044715), 1, 1), _SQRT_2_OVER_PI)
        ddu = mul_scalar(x, 6 * 0.044715 * _SQRT_2_OVER_PI)
        second = sech2 * du + mul_scalar(x * sech2, 0.5) * (ddu - mul_scalar(t * du * du, 2))
        return grad * grad_output * second
    pdf = mul_scalar(exp(mul_scalar(x_sq, -0.5)), _INV_SQRT_2PI)
    return grad * grad_output * (mul_scalar(pdf, 2) - x_sq * pdf)


gelu = Op("GeluBackward0", _gelu, jvp=ELEMENTWISE,
          self=lambda grad, self, approximate: gelu_backward(grad, self, approximate))
gelu_backward = Op("GeluBackwardBackward0", _gelu_backward, jvp=ELEMENTWISE,
                   grad_output=lambda grad, self, approximate: gelu_backward(grad, self, approximate),
                   self=_gelu_double_backward)


# -- silu, mish (composite formulas, as torch's under create_graph) --------------------------
def _silu(self):
    x = check_kernel(self, "silu_cpu", FLOATING_COMPLEX)
    with xp.errstate(**_QUIET):
        return x / (1 + xp.exp(-x))


def _one_minus(x):
    # ``1.0 - x`` as torch's C++ writes it: a wrapped number minus a tensor (SubBackward0)
    return sub(1.0, x, 1)


def _silu_backward(grad, self):
    s = sigmoid(self)
    return grad * s * add_scalar(self * _one_minus(s), 1.0, 1)


def _mish(self):
    x = check_kernel(self, "mish_cpu", FLOATING)
    return x * xp.tanh(_softplus(x, 1, 20))


def _mish_backward(grad, self):
    s = sigmoid(self)
    with xp.errstate(over="ignore"):  # (exp's overflow gives tanh(inf) = 1, silently)
        tsp = tanh(log1p(exp(self)))
    return grad * (tsp + self * s * _one_minus(tsp * tsp))


silu = Op("SiluBackward0", _silu, jvp=ELEMENTWISE, real_grad_only="silu", self=_silu_backward)
mish = Op("MishBackward0", _mish, jvp=ELEMENTWISE, self=_mish_backward)


# -- leaky_relu, hardtanh, hardsigmoid, hardswish, threshold: piecewise linear ---------------
def _leaky_relu(self, negative_slope):
    x = check_kernel(self, "leaky_relu_cpu", FLOATING)
    return xp.where(x > 0, x, x * _typed(negative_slope, x))


def _leaky_relu_backward(grad_output, self, negative_slope, self_is_result):
    # the in-place form saves its result, whose sign is the input's only for a slope >= 0
    if self_is_result and negative_slope < 0:
        raise RuntimeError(
            "In-place leakyReLu backward calculation is triggered with a negative slope which "
            "is not supported. This is caused by calling in-place forward function with a "
            "negative slope, please call out-of-place version instead. File an issue at "
            "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
            "backward calculation with negative slope")
    return xp.where(self > 0, grad_output, grad_output * _typed(negative_slope, grad_output))


leaky_relu = Op("LeakyReluBackward0", _leaky_relu, jvp=ELEMENTWISE,
                self=lambda grad, self, negative_slope:
                    leaky_relu_backward(grad, self, negative_slope, False))
leaky_relu_backward = Op(
    "LeakyReluBackwardBackward0", _leaky_relu_backward, jvp=ELEMENTWISE,
    grad_output=lambda grad, self, negative_slope:
        leaky_relu_backward(grad, self, negative_slope, False),
    self=lambda grad: zeros_like(grad))


def _hardtanh(self, min_val, max_val):
    x = self
    if x.dtype.kind == "c":  # (torch's hardtanh is a clamp)
        raise NotImplementedError("clamp is not supported for complex types")
    if x.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if x.dtype.kind == "u" and min_val < 0:
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    low = xp.maximum(x, _typed(min_val, x))
    if min_val == 0:
        low = keep_zero_ties(low, x)
    out = xp.minimum(low, _typed(max_val, x))
    return keep_zero_ties(out, low) if max_val == 0 else out


def _hardtanh_backward(grad_output, self, min_val, max_val):
    inside = (self > min_val) & (self < max_val)
    return xp.where(inside, grad_output, xp.zeros((), grad_output.dtype))


hardtanh = Op("HardtanhBackward0", _hardtanh, jvp=ELEMENTWISE,
              self=lambda grad, self, min_val, max_val: hardtanh_backward(grad, self, min_val, max_val))
hardtanh_backward = Op(
    "HardtanhBackwardBackward0", _hardtanh_backward, jvp=ELEMENTWISE,
    grad_output=lambda grad, self, min_val, max_val: hardtanh_backward(grad, self, min_val, max_val),
    self=lambda grad: zeros_like(grad))


def _hardsigmoid(self):
    x = check_kernel(self, "hardsigmoid_cpu", FLOATING)
    return xp.minimum(xp.maximum(x + 3, 0), 6) / _typed(6, x)


def _hardsigmoid_backward(grad_output, self):
    inside = (self > -3) & (self < 3)
    return xp.where(inside, grad_output / _typed(6, grad_output), xp.zeros((), grad_output.dtype))


hardsigmoid = Op("HardsigmoidBackward0", _hardsigmoid, jvp=ELEMENTWISE,
                 self=lambda grad, self: hardsigmoid_backward(grad, self))
def _hardsigmoid_not_differentiable(grad):
    # torch has no derivative for hardsigmoid_backward (its node is NotImplemented)
    raise RuntimeError("derivative for aten::hardsigmoid_backward is not implemented")


hardsigmoid_backward = Op("HardsigmoidBackwardBackward0", _hardsigmoid_backward,
                          jvp_name="aten::hardsigmoid_backward",  # torch has no rule either
                          grad_output=_hardsigmoid_not_differentiable,
                          self=_hardsigmoid_not_differentiable)


def _hardswish(self):
    x = check_kernel(self, "hardswish_cpu", FLOATING)
    return x * xp.minimum(xp.maximum(x + 3, 0), 6) / _typed(6, x)


def _hardswish_backward(grad_output, self):
    mid = grad_output * (self / _typed(3, self) + _typed(0.5, self))
    out = xp.where(self < 3, mid, grad_output)
    return xp.where(self <= -3, xp.zeros((), grad_output.dtype), out)


def _hardswish_double_backward(grad, grad_output, self):
    inside = logical_and(lt(-3.0, self), lt(self, 3.0))
    return where(inside, div_scalar(grad * grad_output, 3.0), 0.0)


hardswish = Op("HardswishBackward0", _hardswish, jvp=ELEMENTWISE,
               self=lambda grad, self: hardswish_backward(grad, self))
hardswish_backward = Op("HardswishBackwardBackward0", _hardswish_backward, jvp=ELEMENTWISE,
                        grad_output=lambda grad, self: hardswish_backward(grad, self),
                        self=_hardswish_double_backward)


def _threshold(self, threshold, value):
    check_kernel(self, "threshold_cpu", NUMERIC)
    return xp.where(self <= threshold, xp.asarray(value).astype(self.dtype), self)


def _threshold_grad(grad, self, threshold):
    return threshold_backward(grad, self, threshold)


threshold = Op("ThresholdBackward0", _threshold, jvp=ELEMENTWISE, self=_threshold_grad)


# -- elu, celu, selu ----------------------------------------------------------------------------
def _elu(self, alpha, scale, input_scale):
    x = check_kernel(self, "elu_cpu", FLOATING)
    with xp.errstate(**_QUIET):
        neg = xp.expm1(x * _typed(input_scale, x)) * _typed(alpha * scale, x)
    return xp.where(x > 0, x * _typed(scale, x), neg)


def _elu_backward(grad_output, alpha, scale, input_scale, is_result, self_or_result):
    x = self_or_result
    with xp.errstate(**_QUIET):
        if is_result:
            neg = grad_output * _typed(input_scale, x) * (x + _typed(alpha * scale, x))
        else:
            neg = grad_output * _typed(input_scale * scale * alpha, x) * xp.exp(x * _typed(input_scale, x))
    return xp.where(x > 0, grad_output * _typed(scale, x), neg)


def _elu_double_backward(grad, grad_output, alpha, scale, input_scale, is_result, self_or_result):
    # torch's elu_double_backward: the negative side only (self_or_result < 0)
    x = self_or_result
    neg = _as_float(lt(x, 0.0), grad)
    g = mul_scalar(grad * grad_output, input_scale)
    if is_result:
        return g * neg
    return elu_backward(g, alpha, scale, input_scale, is_result, x) * neg


def _as_float(mask, like):
    """A bool mask as a float tensor or array of ``like``'s dtype, outside any graph."""
    m = getattr(mask, "_data", mask)
    out = m.astype(getattr(like, "_data", like).dtype)
    return _wrap(out) if hasattr(like, "_data") else out


def _elu_formula(grad, self, alpha, scale, input_scale):
    return elu_backward(grad, alpha, scale, input_scale, False, self)


elu = Op("EluBackward0", _elu, jvp=ELEMENTWISE, self=_elu_formula)
celu = Op("CeluBackward0", _elu, jvp=ELEMENTWISE, self=_elu_formula)
elu_backward = Op(
    "EluBackwardBackward0", _elu_backward, jvp=TRANSPOSED,
    grad_output=lambda grad, alpha, scale, input_scale, is_result, self_or_result:
        elu_backward(grad, alpha, scale, input_scale, is_result, self_or_result),
    self_or_result=_elu_double_backward)

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# -- softplus, log_sigmoid ----------------------------------------------------------------------
def _softplus(self, beta, threshold):
    x = check_kernel(self, "softplus_cpu", FLOATING)
    bx = x * _typed(beta, x)
    with xp.errstate(**_QUIET):
        soft = xp.log1p(xp.exp(bx)) / _typed(beta, x)
    return xp.where(bx > threshold, x, soft)


def _softplus_backward(grad_output, self, beta, threshold):
    bx = self * _typed(beta, self)
    with xp.errstate(**_QUIET):
        z = xp.exp(bx)
        soft = grad_output * z / (z + 1)
    return xp.where(bx > threshold, grad_output, soft)


def _softplus_double_backward(grad, self, beta, threshold):
    # (torch's softplus_double_backward masks with beta x < threshold, strictly: at the
    # threshold itself the first derivative is the smooth side's, its derivative 0)
    bx = mul_scalar(self, beta)
    return mul_scalar(sigmoid_backward(grad, sigmoid(bx)) * _as_float(lt(bx, threshold), grad), beta)


softplus = Op("SoftplusBackward0", _softplus, jvp=ELEMENTWISE,
              self=lambda grad, self, beta, threshold: softplus_backward(grad, self, beta, threshold))
softplus_backward = Op(
    "SoftplusBackwardBackward0", _softplus_backward, jvp=ELEMENTWISE,
    grad_output=lambda grad, self, beta, threshold: softplus_backward(grad, self, beta, threshold),
    self=lambda grad, grad_output, self, beta, threshold:
        _softplus_double_backward(grad * grad_output, self, beta, threshold))


def _log_sigmoid(self):
    x = check_kernel(self, "log_sigmoid_cpu", FLOATING)
    # -softplus(-x), stable on both sides: min(x, 0) - log1p(exp(-|x|))
    return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))


def _log_sigmoid_backward(grad_output, self):
    with xp.errstate(**_QUIET):
        return grad_output / (1 + xp.exp(self))


log_sigmoid = Op("LogSigmoidBackward0", _log_sigmoid, jvp=ELEMENTWISE,
                 self=lambda grad, self: log_sigmoid_backward(grad, self))
log_sigmoid_backward = Op(
    "LogSigmoidBackwardBackward0", _log_sigmoid_backward, jvp=ELEMENTWISE,
    grad_output=lambda grad, self: log_sigmoid_backward(grad, self),
    self=lambda grad, grad_output, self: _log_sigmoid_double_backward(grad * grad_output, self))


def _log_sigmoid_double_backward(grad, self):
    z = sigmoid(self)
    return grad * sub_scalar(z, 1, 1) * z


# -- glu --------------------------------------------------------------------------------------
def _halves(x, dim):
    n = x.shape[dim]
    return xp.split(x, [n // 2], axis=dim)


def _glu(self, dim):
    check_kernel(self, "glu_cpu", FLOATING)
    a, b = _halves(self, dim)
    with xp.errstate(**_QUIET):
        return a / (1 + xp.exp(-b))


def _glu_backward(grad_output, self, dim):
    a, b = _halves(self, dim)
    with xp.errstate(**_QUIET):
        s = 1 / (1 + xp.exp(-b))
    return xp.concatenate([grad_output * s, grad_output * a * s * (1 - s)], axis=dim)


def _split_halves(x, dim):
    """glu's two halves by the split op, which takes arrays (a backward run without
    create_graph) as well as Tensors."""
    dim = dim % len(x.shape)
    return split(x, x.shape[dim] // 2, dim)


def _glu_double_backward_grad_output(grad, self, dim):
    a, b = _split_halves(self, dim)
    ga, gb = _split_halves(grad, dim)
    s = sigmoid(b)
    return ga * s + gb * a * s * add_scalar(-s, 1, 1)


def _glu_double_backward(grad, grad_output, self, dim):
    a, b = _split_halves(self, dim)
    ga, gb = _split_halves(grad, dim)
    s = sigmoid(b)
    ds = s * add_scalar(-s, 1, 1)
    da = gb * grad_output * ds
    db = ga * grad_output * ds + gb * grad_output * a * ds * add_scalar(mul_scalar(s, -2), 1, 1)
    return cat([da, db], dim)


glu = Op("GluBackward0", _glu, jvp=TRANSPOSED,
         self=lambda grad, self, dim: glu_backward(grad, self, dim))
glu_backward = Op("GluBackwardBackward0", _glu_backward, jvp=TRANSPOSED,
                  grad_output=_glu_double_backward_grad_output,
                  self=_glu_double_backward)


# -- prelu --------------------------------------------------------------------------------------
def _prelu_kernel(self, weight):
    return xp.where(self > 0, self, self * weight)


def _prelu_kernel_backward(grad_output, self, weight):
    pos = self > 0
    zero = xp.zeros((), grad_output.dtype)
    return (xp.where(pos, grad_output, weight * grad_output),
            xp.where(pos, zero, self * grad_output))


def _prelu_double_backward(grads, grad_output, self, weight):
    # torch's prelu_double_backward, one joint formula for the three inputs' gradients.
    # It puts 0 on the positive side (self >= 0), where the first derivative puts it on
    # the negative one (self > 0): torch's values at 0, copied
    ggi, ggw = grads
    pos = ge(self, 0.0)
    ggi = zeros_like(grad_output) if ggi is None else ggi
    ggw = zeros_like(weight) if ggw is None else ggw
    return (where(pos, ggi, weight * ggi + ggw * self),
            where(pos, 0.0, grad_output * ggw),
            where(pos, 0.0, grad_output * ggi))


prelu_kernel = Op("PreluKernelBackward0", _prelu_kernel, jvp=TRANSPOSED,
                  self=lambda grad, self, weight: prelu_kernel_backward(grad, self, weight)[0],
                  weight=lambda grad, self, weight: prelu_kernel_backward(grad, self, weight)[1])
prelu_kernel_backward = Op(
    "PreluKernelBackwardBackward0", _prelu_kernel_backward, jvp=TRANSPOSED,
    outputs=("grad_input", "grad_weight"),
    grad_output=lambda grads, grad_output, self, weight: _prelu_double_backward(grads, grad_output, self, weight)[0],
    self=lambda grads, grad_output, self, weight: _prelu_double_backward(grads, grad_output, self, weight)[1],
    weight=lambda grads, grad_output, self, weight: _prelu_double_backward(grads, grad_output, self, weight)[2])


# -- hardshrink, softshrink ------------------------------------------------------------------
def _hardshrink(self, lambd):
    check_kernel(self, "hardshrink_cpu", FLOATING)
    return xp.where((self >= -lambd) & (self <= lambd), xp.zeros((), self.dtype), self)


def _hardshrink_backward(grad_out, self, lambd):
    return xp.where((self >= -lambd) & (self <= lambd), xp.zeros((), grad_out.dtype), grad_out)


def _softshrink(self, lambd):
    check_kernel(self, "softshrink_check", FLOATING)
    lam = _typed(lambd, self)
    return xp.where(self > lam, self - lam, xp.where(self < -lam, self + lam, xp.zeros((), self.dtype)))


def _softshrink_backward(grad_output, self, lambd):
    return xp.where((self >= -lambd) & (self <= lambd), xp.zeros((), grad_output.dtype),
                    grad_output)


hardshrink = Op("HardshrinkBackward0", _hardshrink, jvp=ELEMENTWISE,
                self=lambda grad, self, lambd: hardshrink_backward(grad, self, lambd))
hardshrink_backward = Op("HardshrinkBackwardBackward0", _hardshrink_backward, jvp=ELEMENTWISE,
                         grad_out=lambda grad, self, lambd: hardshrink_backward(grad, self, lambd),
                         self=lambda grad, self: zeros_like(self))
softshrink = Op("SoftshrinkBackward0", _softshrink, jvp=ELEMENTWISE,
                self=lambda grad, self, lambd: softshrink_backward(grad, self, lambd))
softshrink_backward = Op(
    "SoftshrinkBackwardBackward0", _softshrink_backward, jvp=ELEMENTWISE,
    grad_output=lambda grad, self, lambd: softshrink_backward(grad, self, lambd),
    self=lambda grad, self: zeros_like(self))


# -- the in-place forms torch records under their own nodes: they save the result -----------
def _elu_from_result(grad, result, alpha, scale, input_scale):
    return elu_backward(grad, alpha, scale, input_scale, True, result)


leaky_relu_ = Op("LeakyReluBackward1", _leaky_relu, jvp=ELEMENTWISE,
                 self=lambda grad, result, negative_slope:
                     leaky_relu_backward(grad, result, negative_slope, True))
elu_ = Op("EluBackward1", _elu, jvp=ELEMENTWISE, self=_elu_from_result)
celu_ = Op("CeluBackward1", _elu, jvp=ELEMENTWISE, self=_elu_from_result)
threshold_ = Op("ThresholdBackward1", _threshold, jvp=ELEMENTWISE, self=_threshold_grad)

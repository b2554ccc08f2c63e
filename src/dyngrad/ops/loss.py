"""Losses declared as ops: nll_loss (NllLossBackward0, NllLoss2DBackward0), mse_loss,
binary_cross_entropy (with and without logits), smooth_l1_loss and huber_loss.

``reduction`` is torch's enum as an int (0 none, 1 mean, 2 sum), which is what the nodes
save (``_saved_reduction``). cross_entropy is not an entry: torch composes it from
log_softmax and nll_loss, and so does nn/functional.py.
"""
import math

from .. import _backend
from .._dtype import _FROM_NP
from ._promote import binary, result_dtype
from ._table import TRANSPOSED, Op
from .._kernel_dtypes import FLOATING, check_kernel
from .pointwise import abs_, add_scalar, div_scalar, lt, mul_scalar, sigmoid, zeros_like

xp = _backend.xp

NONE, MEAN, SUM = 0, 1, 2


def _class_picks(self, target, weight, ignore_index):
    """For each target: the class dim, the safe index (ignored targets point at class 0)
    and the per-target weight (0 where ignored)."""
    n_classes = self.shape[0] if self.ndim == 1 else self.shape[1]
    keep = target != ignore_index
    bad = keep & ((target < 0) | (target >= n_classes))
    if _backend.has_values(bad) and _backend.array_module(bad).any(bad):
        raise IndexError(f"Target {int(target[bad].flat[0])} is out of bounds.")
    xp = _backend.array_module(self)
    safe = xp.where(keep, target, xp.zeros_like(target))
    w = (_backend.astype(keep, self.dtype) if weight is None else
         _backend.astype(xp.where(keep, xp.take(weight, safe), 0), self.dtype))
    return (0 if self.ndim == 1 else 1), safe, w


def _nll_loss(self, target, weight, reduction, ignore_index):
    check_kernel(self, "nll_loss2d_forward_out_frame" if self.ndim >= 3 else
                 "nll_loss_out_frame", FLOATING)
    dim, safe, w = _class_picks(self, target, weight, ignore_index)
    xp = _backend.array_module(self)
    picked = xp.squeeze(xp.take_along_axis(self, xp.expand_dims(safe, axis=dim), axis=dim),
                        axis=dim)
    losses = -(picked * w)
    total_weight = xp.sum(w, dtype=self.dtype)
    if reduction == NONE:
        return losses, xp.zeros_like(total_weight)
    total = xp.sum(losses, dtype=self.dtype)
    if reduction == SUM:
        return total, total_weight
    # every target ignored: nan, as torch gives it
    with _backend.errstate(xp, invalid="ignore", divide="ignore"):
        return _backend.astype(total / total_weight, self.dtype), total_weight


def _nll_loss_backward(grad_output, self, target, weight, reduction, ignore_index, total_weight):
    # d loss / d self[i, target_i] = -w_i (divided by the total weight for 'mean')
    dim, safe, w = _class_picks(self, target, weight, ignore_index)
    coef = -(grad_output * w)
    ns = _backend.array_module(self)
    if reduction == MEAN:
        with _backend.errstate(ns, invalid="ignore", divide="ignore"):
            coef = coef / total_weight
    # torch writes nothing for an ignored target: its row stays 0 (not 0 / 0 when every
    # target is ignored, nor nan * 0 from a per-sample mean under vmap)
    coef = ns.where(target != ignore_index, coef, ns.zeros_like(coef))
    if not _backend.is_numpy(self):  # the standard has no put_along_axis: a one-hot
        ns = _backend.array_module(self)
        classes = ns.arange(self.shape[dim], device=self.device)
        hit = ns.reshape(classes, (-1,) + (1,) * (self.ndim - 1 - dim)) == ns.expand_dims(
            safe, axis=dim)
        coef = ns.expand_dims(_backend.astype(coef, self.dtype), axis=dim)
        return ns.where(hit, coef, ns.zeros_like(self))
    out = xp.zeros(self.shape, dtype=self.dtype)
    xp.put_along_axis(out, xp.expand_dims(safe, dim), xp.expand_dims(coef.astype(self.dtype), dim), dim)
    return out


nll_loss = Op("NllLossBackward0", _nll_loss, jvp=TRANSPOSED, nondiff=("target", "weight"),
              outputs=("result", "total_weight"), differentiable_outputs=(0,),
              self=lambda grad, self, target, weight, reduction, ignore_index, total_weight:
                  nll_loss_backward(grad, self, target, weight, reduction, ignore_index,
                                    total_weight))
# torch's nll_loss_backward entry: linear in grad_output; self only gives the shape
nll_loss_backward = Op(
    "NllLossBackwardBackward0", _nll_loss_backward, jvp=TRANSPOSED,
    nondiff=("target", "weight", "total_weight"),
    grad_output=lambda grad, target, weight, reduction, ignore_index:
        nll_loss(grad, target, weight, reduction, ignore_index)[0],
    self=lambda grad: zeros_like(grad))


def _mse_loss(self, target, reduction):
    check_kernel(result_dtype(self, target), "mse_cpu", FLOATING)
    d = binary(xp.subtract, self, target)  # in torch's result dtype (float32 - int64: float32)
    sq = d * d
    if reduction == NONE:
        return sq
    total = _backend.array_module(sq).sum(sq, dtype=sq.dtype)
    return total if reduction == SUM else _backend.astype(total / sq.size, sq.dtype)


def _mse_loss_backward(grad_output, self, target, reduction):
    diff = self - target
    g = 2 * diff * grad_output
    return g / diff.size if reduction == MEAN else g


def _mse_double_backward(grad, reduction):
    # torch's mse_loss_double_backward: d(mse_loss_backward)/d self, times grad (which is
    # shaped like the broadcast difference, so its numel is the mean's count)
    g = mul_scalar(grad, 2)
    return div_scalar(g, math.prod(grad.shape)) if reduction == MEAN else g


mse_loss = Op("MseLossBackward0", _mse_loss, jvp=TRANSPOSED,
              self=lambda grad, self, target, reduction: mse_loss_backward(grad, self, target, reduction),
              target=lambda grad, self, target, reduction: mse_loss_backward(grad, target, self, reduction))
mse_loss_backward = Op(
    "MseLossBackwardBackward0", _mse_loss_backward, jvp=TRANSPOSED,
    grad_output=lambda grad, self, target, reduction: mse_loss_backward(grad, self, target, reduction),
    self=lambda grad, grad_output, reduction: _mse_double_backward(grad * grad_output, reduction),
    target=lambda grad, grad_output, reduction: -_mse_double_backward(grad * grad_output, reduction))


# nll_loss over (N, C, H, W): torch's nll_loss2d, the same arithmetic under its own nodes
nll_loss2d = Op("NllLoss2DBackward0", _nll_loss, jvp=TRANSPOSED, nondiff=("target", "weight"),
                outputs=("result", "total_weight"), differentiable_outputs=(0,),
                self=lambda grad, self, target, weight, reduction, ignore_index, total_weight:
                    nll_loss2d_backward(grad, self, target, weight, reduction, ignore_index,
                                        total_weight))
nll_loss2d_backward = Op(
    "NllLoss2DBackwardBackward0", _nll_loss_backward, jvp=TRANSPOSED,
    nondiff=("target", "weight", "total_weight"),
    grad_output=lambda grad, target, weight, reduction, ignore_index:
        nll_loss2d(grad, target, weight, reduction, ignore_index)[0],
    self=lambda grad: zeros_like(grad))


def _reduce(losses, reduction):
    if reduction == NONE:
        return losses
    total = xp.sum(losses, dtype=losses.dtype)
    return total if reduction == SUM else (total / losses.size).astype(losses.dtype, copy=False)


def _per_element(grad, reduction, numel):
    """A reduced loss's gradient per element: divided by the count for 'mean'."""
    return div_scalar(grad, numel) if reduction == MEAN else grad


# -- binary cross entropy ---------------------------------------------------------------------
_BCE_EPS = 1e-12


def _binary_cross_entropy(self, target, weight, reduction):
    check_kernel(self, "binary_cross_entropy", FLOATING)
    if target.dtype != self.dtype:
        raise RuntimeError(f"Found dtype {_FROM_NP[target.dtype]._cname} but expected "
                           f"{_FROM_NP[self.dtype]._cname}")
    # (written as not-inside, so that NaN fails too, as torch's checks do)
    if not ((self >= 0) & (self <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not ((target >= 0) & (target <= 1)).all():
        raise RuntimeError("all elements of target should be between 0 and 1")
    with xp.errstate(divide="ignore"):
        # torch clamps each log at -100, so that a 0 or 1 probability stays finite
        log_x = xp.maximum(xp.log(self), -100)
        log_1mx = xp.maximum(xp.log1p(-self), -100)
    losses = -(target * log_x + (1 - target) * log_1mx)
    if weight is not None:
        losses = losses * weight
    return _reduce(losses.astype(self.dtype, copy=False), reduction)


def _binary_cross_entropy_backward(grad_output, self, target, weight, reduction):
    g = grad_output * (self - target) / xp.maximum((1 - self) * self, _BCE_EPS)
    if weight is not None:
        g = g * weight
    return (g / self.size if reduction == MEAN else g).astype(self.dtype, copy=False)


def _bce_target_grad(grad, self, weight, reduction):
    from .pointwise_more import logit_op
    g = -logit_op(self, None) * grad
    if weight is not None:
        g = g * weight
    return _per_element(g, reduction, math.prod(self.shape))


def _bce_double_self(grad, grad_output, self, target, weight, reduction):
    # d/dx of (x - t) / (x (1 - x)): (x (1 - x) - (x - t)(1 - 2x)) / (x (1 - x))^2
    v = self * (1.0 - self)
    g = grad * grad_output * (v - (self - target) * (1.0 - self * 2.0)) / (v * v)
    if weight is not None:
        g = g * weight
    return _per_element(g, reduction, math.prod(self.shape))


def _bce_double_target(grad, grad_output, self, weight, reduction):
    g = -(grad * grad_output) / (self * (1.0 - self))
    if weight is not None:
        g = g * weight
    return _per_element(g, reduction, math.prod(self.shape))


binary_cross_entropy = Op(
    "BinaryCrossEntropyBackward0", _binary_cross_entropy, jvp=TRANSPOSED, nondiff=("weight",),
    self=lambda grad, self, target, weight, reduction:
        binary_cross_entropy_backward(grad, self, target, weight, reduction),
    target=lambda grad, self, weight, reduction: _bce_target_grad(grad, self, weight, reduction))
binary_cross_entropy_backward = Op(
    "BinaryCrossEntropyBackwardBackward0", _binary_cross_entropy_backward, jvp=TRANSPOSED,
    nondiff=("weight",),
    grad_output=lambda grad, self, target, weight, reduction:
        binary_cross_entropy_backward(grad, self, target, weight, reduction),
    self=_bce_double_self, target=_bce_double_target)


def _bce_with_logits(self, target, weight, pos_weight, reduction):
    check_kernel(self, "log_sigmoid_cpu", FLOATING)  # (torch composes it with log_sigmoid)
    # (1 - t) x + (1 + (pw - 1) t) * log(1 + exp(-x)), the log written stably
    with xp.errstate(over="ignore"):
        log_sig_neg = xp.log1p(xp.exp(-xp.abs(self))) + xp.maximum(-self, 0)
    if pos_weight is not None:
        losses = (1 - target) * self + (1 + (pos_weight - 1) * target) * log_sig_neg
    else:
        losses = (1 - target) * self + log_sig_neg
    if weight is not None:
        losses = losses * weight
    return _reduce(losses.astype(self.dtype, copy=False), reduction)


def _bce_with_logits_self(grad, self, target, weight, pos_weight, reduction):
    # torch's binary_cross_entropy_with_logits_backward, a composite of table ops
    if pos_weight is not None:
        t = pos_weight * target
        g = (add_scalar(t, 1, 1) - target) * sigmoid(self) - t
    else:
        g = sigmoid(self) - target
    g = g * grad
    if weight is not None:
        g = g * weight
    return _per_element(g, reduction, math.prod(self.shape))


def _bce_with_logits_target(grad, self, weight, pos_weight, reduction):
    from .activation_pointwise import log_sigmoid
    if pos_weight is not None:
        g = log_sigmoid(-self) - log_sigmoid(self) * pos_weight
    else:
        g = -self
    g = g * grad
    if weight is not None:
        g = g * weight
    return _per_element(g, reduction, math.prod(self.shape))


binary_cross_entropy_with_logits = Op(
    "BinaryCrossEntropyWithLogitsBackward0", _bce_with_logits, jvp=TRANSPOSED,
    nondiff=("weight", "pos_weight"),
    self=_bce_with_logits_self, target=_bce_with_logits_target)


# -- smooth_l1 and huber --------------------------------------------------------------------------
def _smooth_l1_loss(self, target, reduction, beta):
    check_kernel(result_dtype(self, target), "smooth_l1_cpu", FLOATING)
    d = xp.abs(self - target)
    losses = xp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta) if beta else d
    return _reduce(losses.astype(self.dtype, copy=False), reduction)


def _smooth_l1_loss_backward(grad_output, self, target, reduction, beta):
    g = xp.clip((self - target) / beta, -1, 1) * grad_output
    return (g / self.size if reduction == MEAN else g).astype(self.dtype, copy=False)


def _smooth_l1_double(grad, self, target, reduction, beta):
    # torch's smooth_l1_loss_double_backward: grad * (|x - y| < beta) / beta
    from .activation_pointwise import _as_float
    if beta == 0:
        return zeros_like(grad)
    inside = _as_float(lt(abs_(self - target), beta), grad)
    return _per_element(div_scalar(grad * inside, beta), reduction, math.prod(self.shape))


smooth_l1_loss = Op(
    "SmoothL1LossBackward0", _smooth_l1_loss, jvp=TRANSPOSED,
    self=lambda grad, self, target, reduction, beta:
        smooth_l1_loss_backward(grad, self, target, reduction, beta),
    target=lambda grad, self, target, reduction, beta:
        smooth_l1_loss_backward(grad, target, self, reduction, beta))
def _reduced_grad_output(backward, grad, grad_output, self, target, reduction, param):
    """The derivative of a reduced loss's backward by its (0-dim) grad_output: the backward
    at grad_output = 1, dotted with grad (torch's *_double_backward_grad_output)."""
    if reduction == NONE:
        return backward(grad, self, target, reduction, param)
    ones = add_scalar(zeros_like(grad_output), 1, 1)
    from .reduction import sum_all
    return sum_all(backward(ones, self, target, reduction, param) * grad)


def _smooth_l1_grad_output(grad, self, target, reduction, beta):
    # linear in grad_output, which is 0-dim when reduced: the backward at grad, summed
    g = smooth_l1_loss_backward(grad, self, target, reduction, beta)
    if reduction == NONE:
        return g
    from .reduction import sum_all
    return sum_all(g)


def _smooth_l1_backward_jvp(grad_output_t, self_t, target_t, grad_output, self, target,
                            reduction, beta):
    # linear in grad_output; in self and target, per element as the formulas below (the
    # transposed rule would go through _smooth_l1_grad_output, which takes a reduced
    # grad_output to be 0-dim)
    return (smooth_l1_loss_backward(grad_output_t, self, target, reduction, beta)
            + _smooth_l1_double((self_t - target_t) * grad_output, self, target, reduction, beta))


smooth_l1_loss_backward = Op(
    "SmoothL1LossBackwardBackward0", _smooth_l1_loss_backward, jvp=_smooth_l1_backward_jvp,
    grad_output=lambda grad, self, target, reduction, beta: _smooth_l1_grad_output(
        grad, self, target, reduction, beta),
    self=lambda grad, grad_output, self, target, reduction, beta:
        _smooth_l1_double(grad * grad_output, self, target, reduction, beta),
    target=lambda grad, grad_output, self, target, reduction, beta:
        -_smooth_l1_double(grad * grad_output, self, target, reduction, beta))


def _huber_loss(self, target, reduction, delta):
    check_kernel(result_dtype(self, target), "huber_cpu", FLOATING)
    d = xp.abs(self - target)
    losses = xp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _reduce(losses.astype(self.dtype, copy=False), reduction)


def _huber_loss_backward(grad_output, self, target, reduction, delta):
    g = xp.clip(self - target, -delta, delta) * grad_output
    return (g / self.size if reduction == MEAN else g).astype(self.dtype, copy=False)


def _huber_double(grad, self, target, reduction, delta):
    from .activation_pointwise import _as_float
    inside = _as_float(lt(abs_(self - target), delta), grad)
    return _per_element(grad * inside, reduction, math.prod(self.shape))


huber_loss = Op(
    "HuberLossBackward0", _huber_loss, jvp=TRANSPOSED,
    self=lambda grad, self, target, reduction, delta:
        huber_loss_backward(grad, self, target, reduction, delta),
    target=lambda grad, self, target, reduction, delta:
        huber_loss_backward(grad, target, self, reduction, delta))
huber_loss_backward = Op(
    "HuberLossBackwardBackward0", _huber_loss_backward, jvp=TRANSPOSED,
    grad_output=lambda grad, grad_output, self, target, reduction, delta: _reduced_grad_output(
        huber_loss_backward, grad, grad_output, self, target, reduction, delta),
    self=lambda grad, grad_output, self, target, reduction, delta:
        _huber_double(grad * grad_output, self, target, reduction, delta),
    target=lambda grad, grad_output, self, target, reduction, delta:
        -_huber_double(grad * grad_output, self, target, reduction, delta))

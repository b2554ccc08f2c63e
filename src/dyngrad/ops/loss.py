"""Losses declared as ops: nll_loss (NllLossBackward0) and mse_loss (MseLossBackward0).

``reduction`` is torch's enum as an int (0 none, 1 mean, 2 sum), which is what the nodes
save (``_saved_reduction``). cross_entropy is not an entry: torch composes it from
log_softmax and nll_loss, and so does nn/functional.py.
"""
import math

from .. import _backend
from ._table import Op
from .pointwise import div_scalar, mul_scalar, zeros_like

xp = _backend.xp

NONE, MEAN, SUM = 0, 1, 2


def _class_picks(self, target, weight, ignore_index):
    """For each target: the class dim, the safe index (ignored targets point at class 0)
    and the per-target weight (0 where ignored)."""
    n_classes = self.shape[0] if self.ndim == 1 else self.shape[1]
    keep = target != ignore_index
    bad = keep & ((target < 0) | (target >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(target[bad].flat[0])} is out of bounds.")
    safe = xp.where(keep, target, 0)
    w = keep.astype(self.dtype) if weight is None else xp.where(keep, weight[safe], 0).astype(self.dtype)
    return (0 if self.ndim == 1 else 1), safe, w


def _nll_loss(self, target, weight, reduction, ignore_index):
    dim, safe, w = _class_picks(self, target, weight, ignore_index)
    picked = xp.squeeze(xp.take_along_axis(self, xp.expand_dims(safe, dim), dim), dim)
    losses = -(picked * w)
    total_weight = xp.sum(w, dtype=self.dtype)
    if reduction == NONE:
        return losses, xp.zeros((), dtype=self.dtype)
    total = xp.sum(losses, dtype=self.dtype)
    if reduction == SUM:
        return total, total_weight
    with xp.errstate(invalid="ignore", divide="ignore"):  # every target ignored: nan, as torch
        return (total / total_weight).astype(self.dtype, copy=False), total_weight


def _nll_loss_backward(grad_output, self, target, weight, reduction, ignore_index, total_weight):
    # d loss / d self[i, target_i] = -w_i (divided by the total weight for 'mean')
    dim, safe, w = _class_picks(self, target, weight, ignore_index)
    coef = -(grad_output * w)
    if reduction == MEAN:
        coef = coef / total_weight
    out = xp.zeros(self.shape, dtype=self.dtype)
    xp.put_along_axis(out, xp.expand_dims(safe, dim), xp.expand_dims(coef.astype(self.dtype), dim), dim)
    return out


nll_loss = Op("NllLossBackward0", _nll_loss, nondiff=("target", "weight"),
              outputs=("result", "total_weight"), differentiable_outputs=(0,),
              self=lambda grad, self, target, weight, reduction, ignore_index, total_weight:
                  nll_loss_backward(grad, self, target, weight, reduction, ignore_index,
                                    total_weight))
# torch's nll_loss_backward entry: linear in grad_output; self only gives the shape
nll_loss_backward = Op(
    "NllLossBackwardBackward0", _nll_loss_backward, nondiff=("target", "weight", "total_weight"),
    grad_output=lambda grad, target, weight, reduction, ignore_index:
        nll_loss(grad, target, weight, reduction, ignore_index)[0],
    self=lambda grad: zeros_like(grad))


def _mse_loss(self, target, reduction):
    from ._promote import binary
    d = binary(xp.subtract, self, target)  # in torch's result dtype (float32 - int64: float32)
    sq = d * d
    if reduction == NONE:
        return sq
    total = xp.sum(sq, dtype=sq.dtype)
    return total if reduction == SUM else (total / sq.size).astype(sq.dtype, copy=False)


def _mse_loss_backward(grad_output, self, target, reduction):
    diff = self - target
    g = 2 * diff * grad_output
    return g / diff.size if reduction == MEAN else g


def _mse_double_backward(grad, reduction):
    # torch's mse_loss_double_backward: d(mse_loss_backward)/d self, times grad (which is
    # shaped like the broadcast difference, so its numel is the mean's count)
    g = mul_scalar(grad, 2)
    return div_scalar(g, math.prod(grad.shape)) if reduction == MEAN else g


mse_loss = Op("MseLossBackward0", _mse_loss,
              self=lambda grad, self, target, reduction: mse_loss_backward(grad, self, target, reduction),
              target=lambda grad, self, target, reduction: mse_loss_backward(grad, target, self, reduction))
mse_loss_backward = Op(
    "MseLossBackwardBackward0", _mse_loss_backward,
    grad_output=lambda grad, self, target, reduction: mse_loss_backward(grad, self, target, reduction),
    self=lambda grad, grad_output, reduction: _mse_double_backward(grad * grad_output, reduction),
    target=lambda grad, grad_output, reduction: -_mse_double_backward(grad * grad_output, reduction))

"""The multi-class hinge losses: multi_margin_loss (MultiMarginLossBackward0) and
multilabel_margin_loss (MultilabelMarginLossBackward0).

    multi-margin     loss_n = sum over i != y_n of  w[y_n] * max(0, margin - x[y_n] + x[i]) ** p  / C
    multilabel       loss_n = sum over targets j, non-targets i of  max(0, 1 - x[j] + x[i])  / C

(a multilabel target row lists its classes, ended by the first -1). Each backward is an
entry of its own, as torch's: torch has no derivative of either, so neither has one here.
"""
from .. import _backend
from .._dtype import _FROM_NP
from ._table import Op
from .loss import MEAN as _MEAN, NONE as _NONE
from .pointwise import _not_implemented

xp = _backend.xp


def _rows(self):
    """The input as (N, C): a vector is one sample (a 0-d input one sample of one class)."""
    if self.ndim > 2 or (self.ndim == 2 and self.shape[1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(self.shape)}")
    return self.reshape(-1, self.shape[-1] if self.ndim else 1)


def _check_long(target):
    # (torch reads no element of an empty target, so takes any type)
    if target.dtype != xp.int64 and target.size:
        raise RuntimeError(f"expected scalar type Long but found {_FROM_NP[target.dtype]._cname}")


def _reduce(per_sample, reduction, target_shape):
    if reduction == _NONE:
        return per_sample.reshape(target_shape)
    total = per_sample.sum()
    if reduction == _MEAN and per_sample.size:
        total = total / per_sample.size
    return xp.asarray(total, per_sample.dtype)


def _spread(grad_output, reduction, n, dtype):
    """The incoming gradient per sample, (N, 1)."""
    g = xp.broadcast_to(xp.asarray(grad_output, dtype).reshape(-1 if reduction == _NONE else 1), (n,))
    return (g / n if reduction == _MEAN and n else g)[:, None]


# -- multi_margin_loss ----------------------------------------------------------------------
def _multi_margin_terms(self, target, p, margin, weight):
    x = _rows(self)
    _check_long(target)
    n, c = x.shape
    t = target.reshape(-1)
    if t.shape[0] != n or target.ndim > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(self.shape)}.")
    if weight is not None and weight.shape != (c,):
        raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                           f"{list(weight.shape)}")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    rows = xp.arange(n)
    z = margin - x[rows, t][:, None] + x
    z[rows, t] = 0                        # the target's own class is no margin
    scale = xp.full((n, 1), 1.0 / c, x.dtype)
    if weight is not None:
        scale = scale * weight[t][:, None]
    return x, t, z, scale


def _multi_margin_loss(self, target, p, margin, weight, reduction):
    x, t, z, scale = _multi_margin_terms(self, target, p, margin, weight)
    h = xp.where(z > 0, z if p == 1 else z * z, 0)
    return _reduce((h * scale).sum(1), reduction, target.shape)


def _multi_margin_loss_backward(grad_output, self, target, p, margin, weight, reduction):
    x, t, z, scale = _multi_margin_terms(self, target, p, margin, weight)
    d = xp.where(z > 0, 1 if p == 1 else 2 * z, 0).astype(x.dtype) * scale
    rows = xp.arange(x.shape[0])
    d[rows, t] = 0
    d[rows, t] = -d.sum(1)
    return (d * _spread(grad_output, reduction, x.shape[0], x.dtype)).reshape(self.shape)


multi_margin_loss = Op(
    "MultiMarginLossBackward0", _multi_margin_loss, nondiff=("target", "weight"),
    jvp_name="multi_margin_loss",
    self=lambda grad, self, target, p, margin, weight, reduction:
        multi_margin_loss_backward(grad, self, target, p, margin, weight, reduction))
multi_margin_loss_backward = Op(
    "torch::autograd::NotImplemented", _multi_margin_loss_backward,
    nondiff=("target", "weight"), grad_output=_not_implemented("multi_margin_loss_backward"),
    self=_not_implemented("multi_margin_loss_backward"))


# -- multilabel_margin_loss -----------------------------------------------------------------
def _multilabel_terms(self, target):
    x = _rows(self)
    _check_long(target)
    if target.shape != self.shape and not (self.ndim <= 1 and target.size == x.size):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(self.shape)}")
    n, c = x.shape
    t = target.reshape(n, c)
    if t.size and (t.min() < -1 or t.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")
    # a row's classes are the entries before its first -1
    listed = xp.cumprod(t != -1, axis=1).astype(bool)
    is_target = xp.zeros((n, c), x.dtype)
    rows = xp.repeat(xp.arange(n), c).reshape(n, c)
    is_target[rows[listed], t[listed]] = 1
    return x, t, listed, is_target


def _hinges(x, t, listed, is_target):
    """Per listed target position: the hinge of every class against it, zero at targets."""
    rows = xp.arange(x.shape[0])
    for k in range(t.shape[1]):
        j = xp.where(listed[:, k], t[:, k], 0)
        z = 1 - x[rows, j][:, None] + x
        yield k, j, xp.where(listed[:, k, None] & (is_target == 0) & (z > 0), z, 0)


def _multilabel_margin_loss(self, target, reduction):
    x, t, listed, is_target = _multilabel_terms(self, target)
    per = xp.zeros(x.shape[0], x.dtype)
    for _, _, z in _hinges(x, t, listed, is_target):
        per += z.sum(1)
    return _reduce(per / x.shape[1], reduction, target.shape[:-1]), is_target.reshape(self.shape)


def _multilabel_margin_loss_backward(grad_output, self, target, reduction, is_target):
    x, t, listed, is_target = _multilabel_terms(self, target)
    d = xp.zeros_like(x)
    rows = xp.arange(x.shape[0])
    for _, j, z in _hinges(x, t, listed, is_target):
        active = (z > 0).astype(x.dtype)
        d += active
        xp.subtract.at(d, (rows, j), active.sum(1))
    d /= x.shape[1]
    return (d * _spread(grad_output, reduction, x.shape[0], x.dtype)).reshape(self.shape)


multilabel_margin_loss = Op(
    "MultilabelMarginLossBackward0", _multilabel_margin_loss, outputs=("result", "is_target"),
    differentiable_outputs=(0,), nondiff=("target",), jvp_name="multilabel_margin_loss_forward",
    self=lambda grad, self, target, reduction, is_target:
        multilabel_margin_loss_backward(grad, self, target, reduction, is_target))
multilabel_margin_loss_backward = Op(
    "torch::autograd::NotImplemented", _multilabel_margin_loss_backward,
    nondiff=("target", "is_target"),
    grad_output=_not_implemented("multilabel_margin_loss_backward"),
    self=_not_implemented("multilabel_margin_loss_backward"))

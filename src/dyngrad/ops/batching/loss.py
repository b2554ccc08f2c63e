"""Losses: the unreduced loss over the whole batch in one call, then each sample's own
reduction (a mean over a sample is not a mean over the batch)."""
from .. import loss, pointwise as pw, reduction as red, views as vw
from .. import torch_shape as ts
from ...creation import zeros
from ...tensor import Tensor
from .._batched import loop_rule, physical
from . import register
from .dims import front
from .pointwise import broadcasting


def _sample_sum(p, mean):
    dims = list(range(1, p.dim()))
    if not dims:
        return p
    return red.mean_dim(p, dims, False, None) if mean else red.sum_dim(p, dims, False, None)


def elementwise(op, args, level, size):
    """A loss of elementwise terms (mse, smooth_l1, huber, binary cross entropy): the
    unreduced terms of every sample at once, then each sample reduced on its own."""
    at = op.params.index("reduction")
    reduction = args[at]
    a = list(args)
    a[at] = loss.NONE
    each = broadcasting(op, a, level, size)
    return each if reduction == loss.NONE else _sample_sum(each, reduction == loss.MEAN)


def elementwise_backward(op, args, level, size):
    """Their backward ops (grad_output, self, ...): unreduced, with each sample's mean
    dividing the incoming gradient by that sample's size."""
    at = op.params.index("reduction")
    a = list(args)
    if args[at] == loss.MEAN:
        numel = max(args[i].numel() for i in op.tensor_pos[1:] if isinstance(args[i], Tensor))
        a[0] = pw.div_scalar(args[0], numel)  # (a batched division: its own rule)
    a[at] = loss.NONE
    return broadcasting(op, a, level, size)


def _flat_classes(self, target, level, size):
    """Scores as (samples * rows, classes) and targets as (samples * rows,): one row per
    target, so that nll_loss over rows of classes serves every sample shape (images
    (N, C, H, W) have their classes moved last first)."""
    scores = front(self, level, size)
    if self.dim() == 4:
        scores = vw.permute(scores, (0, 1, 3, 4, 2))
    rows = target.numel()
    return (ts.reshape(scores, (size * rows, scores.shape[-1])),
            ts.reshape(front(target, level, size), size * rows), rows)


def _unflat_classes(flat, self, size):
    """The inverse of _flat_classes on scores."""
    if self.dim() != 4:
        return ts.reshape(flat, (size,) + tuple(self.shape))
    n, c, h, w = self.shape
    return vw.permute(vw.view(flat, (size, n, h, w, c)), (0, 1, 4, 2, 3))


def _row_weights(scores, targets, weight, ignore_index):
    """Each row's weight (0 where its target is ignored), shaped like ``targets``: without
    class weights a comparison; with them, the loss of scores that are all -1."""
    if weight is None:
        return pw.ne(targets, ignore_index)
    return loss.nll_loss(pw.mul_scalar(pw.zeros_like(scores), 0) - 1, targets, weight,
                         loss.NONE, ignore_index)[0]


def _nll(op, args, level, size):
    # (nll_loss2d's images too: their rows of classes go through nll_loss)
    self, target, weight, reduction, ignore_index = args
    if physical(weight, level) is not None or self.dim() not in (1, 2, 4):
        return loop_rule(op, args, level, size)
    scores, targets, rows = _flat_classes(self, target, level, size)
    each = loss.nll_loss(scores, targets, weight, loss.NONE, ignore_index)[0]
    if reduction == loss.NONE:  # (no total weight: torch's is 0 then)
        return vw.view(each, (size,) + tuple(target.shape)), zeros(size, dtype=self.dtype)
    weights = _row_weights(scores, targets, weight, ignore_index)
    total = red.sum_dim(vw.view(weights, (size, rows)), [1], False, self.dtype)
    summed = red.sum_dim(vw.view(each, (size, rows)), [1], False, None)
    return (summed if reduction == loss.SUM else pw.div(summed, total), total)


def _nll_backward(op, args, level, size):
    grad_output, self, target, weight, reduction, ignore_index, total_weight = args
    if physical(weight, level) is not None or self.dim() not in (1, 2, 4):
        return loop_rule(op, args, level, size)
    scores, targets, rows = _flat_classes(self, target, level, size)
    go = front(grad_output, level, size)
    if reduction != loss.NONE:
        if reduction == loss.MEAN:
            go = pw.div(go, front(total_weight, level, size))
        if rows != 1:
            go = ts.reshape(vw.expand(vw.unsqueeze(go, 1), (size, rows)), size * rows)
    else:
        go = ts.reshape(go, size * rows)
    # (unreduced, the op reads no total weight: the mean's division is done above)
    flat = loss.nll_loss_backward(go, scores, targets, weight, loss.NONE, ignore_index, None)
    return _unflat_classes(flat, self, size)


register(elementwise, [loss.mse_loss, loss.smooth_l1_loss, loss.huber_loss,
                       loss.binary_cross_entropy, loss.binary_cross_entropy_with_logits])
register(elementwise_backward, [loss.mse_loss_backward, loss.smooth_l1_loss_backward,
                                loss.huber_loss_backward, loss.binary_cross_entropy_backward])
register(_nll, [loss.nll_loss, loss.nll_loss2d])
register(_nll_backward, [loss.nll_loss_backward, loss.nll_loss2d_backward])

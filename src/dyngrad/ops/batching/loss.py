"""Losses: the unreduced loss over the whole batch in one call, then each sample's own
reduction (a mean over a sample is not a mean over the batch)."""
from .. import loss, margin_loss, pointwise as pw, reduction as red, views as vw
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


def _margin_shapes(self, target, multilabel):
    """Whether a sample's input and target have shapes the margin losses take (else their
    loop raises the loss's own error): (N, C) or (C,) or a number, a multilabel target
    of the input's size, a multi-margin one of its rows."""
    if self.dim() > 2 or (self.dim() and self.shape[-1] == 0):
        return False
    if multilabel:
        return target.shape == self.shape or (self.dim() <= 1 and target.numel() == self.numel())
    return target.dim() <= 1 and target.numel() == (self.shape[0] if self.dim() == 2 else 1)


def _margin_rows(op, args, level, size):
    """The margin losses' input and target with every sample's rows as rows of one batch,
    (samples * rows, classes), and the number of rows a sample has; None where a sample's
    shapes are not ones the loss takes, or a class weight is per sample."""
    self, target = args[op.params.index("self")], args[op.params.index("target")]
    multilabel = "weight" not in op.params
    if not multilabel and physical(args[op.params.index("weight")], level) is not None:
        return None
    if not _margin_shapes(self, target, multilabel):
        return None
    c = self.shape[-1] if self.dim() else 1
    return (ts.reshape(front(self, level, size), (-1, c)),
            ts.reshape(front(target, level, size), (-1, c) if multilabel else -1),
            self.numel() // c)


def _margin(op, args, level, size):
    """multi_margin_loss, multilabel_margin_loss: each row's loss for every sample at once,
    then each sample's own reduction of its rows."""
    flat = _margin_rows(op, args, level, size)
    if flat is None:
        return loop_rule(op, args, level, size)
    a = list(args)
    a[0], a[1], rows = flat
    at = op.params.index("reduction")
    a[at] = loss.NONE
    out = op(*a)
    each = out[0] if op.n_out > 1 else out
    self, target, reduction = args[0], args[1], args[at]
    if reduction == loss.NONE:
        # (multilabel's per-row loss drops the target's last dim; multi-margin's keeps it)
        shape = target.shape[:-1] if op.n_out > 1 else target.shape
        each = ts.reshape(each, (size,) + tuple(shape))
    else:
        each = red.sum_dim(vw.view(each, (size, rows)), [1], False, None)
        if reduction == loss.MEAN and rows:
            each = pw.div_scalar(each, rows)
    if op.n_out == 1:
        return each
    return each, ts.reshape(out[1], (size,) + tuple(self.shape))  # (multilabel's is_target)


def _margin_backward(op, args, level, size):
    """Their backward ops: the incoming gradient spread over each sample's rows (divided
    by their number for a mean), then every row's gradient at once, unreduced."""
    flat = _margin_rows(op, args, level, size)
    if flat is None:
        return loop_rule(op, args, level, size)
    a = list(args)
    a[1], a[2], rows = flat
    at = op.params.index("reduction")
    reduction = args[at]
    go = front(args[0], level, size)
    if reduction != loss.NONE:
        if reduction == loss.MEAN and rows:
            go = pw.div_scalar(go, rows)
        go = vw.expand(vw.unsqueeze(go, 1), (size, rows))
    a[0] = ts.reshape(go, -1)
    a[at] = loss.NONE
    if "is_target" in op.params:
        k = op.params.index("is_target")
        a[k] = ts.reshape(front(args[k], level, size), tuple(a[1].shape))
    return ts.reshape(op(*a), (size,) + tuple(args[1].shape))


register(_margin, [margin_loss.multi_margin_loss, margin_loss.multilabel_margin_loss])
register(_margin_backward, [margin_loss.multi_margin_loss_backward,
                            margin_loss.multilabel_margin_loss_backward])
register(elementwise, [loss.mse_loss, loss.smooth_l1_loss, loss.huber_loss,
                       loss.binary_cross_entropy, loss.binary_cross_entropy_with_logits])
register(elementwise_backward, [loss.mse_loss_backward, loss.smooth_l1_loss_backward,
                                loss.huber_loss_backward, loss.binary_cross_entropy_backward])
register(_nll, [loss.nll_loss, loss.nll_loss2d])
register(_nll_backward, [loss.nll_loss_backward, loss.nll_loss2d_backward])

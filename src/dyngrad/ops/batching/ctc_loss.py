"""The CTC loss and its backward: the vmap batch joins the samples' N (log_probs' dim 1,
the targets' rows, or the concatenated targets one sample after another), the lengths
repeated for every sample. (Lengths that differ per sample are read before the op:
nn/functional's ctc_loss runs those once per sample.)"""
from .. import ctc_loss as ctc, torch_shape as ts, views as vw
from . import register
from .dims import front


def _joined(log_probs, level, size):
    """(S, T, N, C) as (T, S*N, C)."""
    p = front(log_probs, level, size)
    return ts.reshape(vw.transpose(p, 0, 1), (p.shape[1], -1, p.shape[3]))


def _targets(targets, level, size):
    p = front(targets, level, size)
    return ts.reshape(p, (-1,) + tuple(p.shape[2:]))


def _ctc_loss(op, args, level, size):
    log_probs, targets, input_lengths, target_lengths, blank, zero_infinity = args
    # one sample's checks (the folded shapes would name the batch's sizes)
    ctc._check(log_probs._data, targets._data, [int(v) for v in input_lengths],
               [int(v) for v in target_lengths], blank)
    n = log_probs.shape[1]
    nll, log_alpha = op(_joined(log_probs, level, size), _targets(targets, level, size),
                        list(input_lengths) * size, list(target_lengths) * size, blank,
                        zero_infinity)
    return vw.view(nll, (size, n)), vw.view(log_alpha, (size, n) + tuple(log_alpha.shape[1:]))


def _ctc_loss_backward(op, args, level, size):
    (grad_output, log_probs, targets, input_lengths, target_lengths, nll, log_alpha, blank,
     zero_infinity) = args
    t, n, c = log_probs.shape
    g = op(ts.reshape(front(grad_output, level, size), (-1,)), _joined(log_probs, level, size),
           _targets(targets, level, size), list(input_lengths) * size,
           list(target_lengths) * size, ts.reshape(front(nll, level, size), (-1,)),
           _targets(log_alpha, level, size), blank, zero_infinity)
    return vw.transpose(vw.view(g, (t, size, n, c)), 0, 1)


register(_ctc_loss, [ctc.ctc_loss])
register(_ctc_loss_backward, [ctc.ctc_loss_backward])

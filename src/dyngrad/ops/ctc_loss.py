"""The connectionist temporal classification loss (CtcLossBackward0): minus the log of the
total probability of every alignment of a target sequence to the input's time steps.

A target l_1 ... l_L is extended with blanks to l' = (blank, l_1, blank, ..., l_L, blank).
The forward variable log_alpha[t, s] (log probability of the paths that emit l'_1 ... l'_s
by time t) moves from s, s - 1, or s - 2 when l'_s differs from l'_(s-2); the backward
variable log_beta runs the same recursion from the end. The gradient with respect to the
log probabilities is torch's (which takes them to be a log_softmax's output):

    grad[t, c] = exp(lp[t, c]) - exp(logsumexp over s with l'_s = c of
                                     (log_alpha[t, s] + log_beta[t, s]) + nll - lp[t, c])

Both recursions run over time in Python, each step vectorised over the batch and the
extended target. torch has no derivative of the backward, nor has dyngrad.
"""
from .. import _backend
from ._table import Op
from .pointwise import _not_implemented

xp = _backend.xp


def _logsumexp3(a, b, c):
    """log(e^a + e^b + e^c), with torch's guard: a maximum of -inf counts as 0."""
    m = xp.maximum(xp.maximum(a, b), c)
    m = xp.where(xp.isneginf(m), 0, m)
    with xp.errstate(divide="ignore"):
        return xp.log(xp.exp(a - m) + xp.exp(b - m) + xp.exp(c - m)) + m


def _extended(targets, target_lengths, blank, n, max_length):
    """(N, 2 * max_length + 1): each target with blanks around and between its labels,
    and whether a state may be reached from two states back (its label differs)."""
    ext = xp.full((n, 2 * max_length + 1), blank, xp.int64)
    ext[:, 1::2] = targets
    skip = xp.zeros(ext.shape, bool)
    skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
    return ext, skip


def _target_rows(targets, target_lengths, n):
    """The targets as (N, max length), from a padded matrix or a concatenated vector."""
    max_length = max(target_lengths) if n else 0
    if targets.ndim == 2:
        return targets[:, :max_length], max_length
    rows = xp.zeros((n, max_length), xp.int64)
    start = 0
    for b, length in enumerate(target_lengths):
        rows[b, :length] = targets[start:start + length]
        start += length
    return rows, max_length


def _check(log_probs, targets, input_lengths, target_lengths, blank):
    where = "(while checking arguments for ctc_loss_allocate_outputs)"
    if log_probs.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional "
                           f"tensor for argument #1 'log_probs' {where}")
    t_max, n, c = log_probs.shape
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if len(input_lengths) != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(target_lengths) != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.ndim}-dimensional "
                           f"tensor for argument #2 'targets' {where}")
    for b in range(n):
        if input_lengths[b] > t_max:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got "
                               f"value {input_lengths[b]} {where}")
    if targets.ndim == 2 and n and targets.shape[1] < max(target_lengths):
        raise RuntimeError(f"Expected tensor to have size at least {max(target_lengths)} at "
                           f"dimension 1, but got size {targets.shape[1]} for argument #2 "
                           f"'targets' {where}")
    if targets.ndim == 1 and targets.shape[0] != sum(target_lengths):
        raise RuntimeError(f"Expected tensor to have size {sum(target_lengths)} at dimension 0, "
                           f"but got size {targets.shape[0]} for argument #2 'targets' {where}")


def _setup(log_probs, targets, input_lengths, target_lengths, blank):
    input_lengths = [int(v) for v in input_lengths]
    target_lengths = [int(v) for v in target_lengths]
    _check(log_probs, targets, input_lengths, target_lengths, blank)
    n = log_probs.shape[1]
    rows, max_length = _target_rows(targets.astype(xp.int64), target_lengths, n)
    ext, skip = _extended(rows, target_lengths, blank, n, max_length)
    lp = xp.moveaxis(log_probs, 1, 0)                      # (N, T, C)
    emit = xp.take_along_axis(lp, xp.broadcast_to(ext[:, None, :], (n, lp.shape[1],
                                                                   ext.shape[1])), 2)
    # states past a target's own end are unreachable
    states = xp.arange(ext.shape[1])
    valid = states[None, :] <= 2 * xp.asarray(target_lengths)[:, None]
    return input_lengths, target_lengths, ext, skip, emit, valid


def _alpha(emit, skip, valid):
    n, t_max, s = emit.shape
    neginf = emit.dtype.type(-xp.inf)
    log_alpha = xp.full((n, t_max, s), neginf, emit.dtype)
    if t_max == 0:
        return log_alpha
    log_alpha[:, 0, 0] = emit[:, 0, 0]
    if s > 1:
        log_alpha[:, 0, 1] = xp.where(valid[:, 1], emit[:, 0, 1], neginf)
    none = xp.full((n, 1), neginf, emit.dtype)
    for t in range(1, t_max):
        prev = log_alpha[:, t - 1]
        one_back = xp.concatenate([none, prev[:, :-1]], 1)
        two_back = xp.where(skip, xp.concatenate([none, none, prev[:, :-2]], 1)[:, :s], neginf)
        log_alpha[:, t] = xp.where(valid, _logsumexp3(prev, one_back, two_back) + emit[:, t],
                                   neginf)
    return log_alpha


def _nll(log_alpha, input_lengths, target_lengths):
    rows = xp.arange(log_alpha.shape[0])
    last = xp.asarray(input_lengths) - 1
    ends = 2 * xp.asarray(target_lengths)
    at_end = log_alpha[rows, last, ends]
    before = xp.where(ends > 0, log_alpha[rows, last, xp.maximum(ends - 1, 0)], -xp.inf)
    neginf = xp.full_like(at_end, -xp.inf)
    ll = _logsumexp3(at_end, before.astype(at_end.dtype), neginf)
    # an empty input: no alignment unless the target is empty too
    ll = xp.where(xp.asarray(input_lengths) == 0,
                  xp.where(ends == 0, 0, -xp.inf), ll).astype(at_end.dtype)
    return -ll


def _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    input_lengths, target_lengths, ext, skip, emit, valid = _setup(
        log_probs, targets, input_lengths, target_lengths, blank)
    log_alpha = _alpha(emit, skip, valid)
    nll = _nll(log_alpha, input_lengths, target_lengths)
    # (torch leaves the steps past an input's length at -inf)
    past = xp.arange(log_alpha.shape[1])[None, :] >= xp.asarray(input_lengths)[:, None]
    log_alpha[past] = -xp.inf
    return nll, log_alpha


def _beta(emit, skip, valid, input_lengths, target_lengths):
    n, t_max, s = emit.shape
    neginf = emit.dtype.type(-xp.inf)
    log_beta = xp.full((n, t_max, s), neginf, emit.dtype)
    none = xp.full((n, 1), neginf, emit.dtype)
    lengths = xp.asarray(input_lengths)
    ends = 2 * xp.asarray(target_lengths)
    states = xp.arange(s)
    # skip[s + 2]: state s + 2 may be reached from s
    skip_from = xp.concatenate([skip[:, 2:], xp.zeros((n, 2), bool)], 1)[:, :s]
    for t in range(t_max - 1, -1, -1):
        start = (lengths - 1 == t)[:, None] & ((states == ends[:, None])
                                               | (states == ends[:, None] - 1))
        if t + 1 < t_max:
            nxt = log_beta[:, t + 1]
            one_on = xp.concatenate([nxt[:, 1:], none], 1)
            two_on = xp.where(skip_from, xp.concatenate([nxt[:, 2:], none, none], 1)[:, :s],
                              neginf)
            step = _logsumexp3(nxt, one_on, two_on) + emit[:, t]
            inside = (t < lengths - 1)[:, None] & valid
        else:
            step = xp.full((n, s), neginf, emit.dtype)
            inside = xp.zeros((n, s), bool)
        log_beta[:, t] = xp.where(start, emit[:, t], xp.where(inside, step, neginf))
    return log_beta


def _ctc_loss_backward(grad_output, log_probs, targets, input_lengths, target_lengths,
                       neg_log_likelihood, log_alpha, blank, zero_infinity):
    input_lengths, target_lengths, ext, skip, emit, valid = _setup(
        log_probs, targets, input_lengths, target_lengths, blank)
    n, t_max, s = emit.shape
    c = log_probs.shape[2]
    log_beta = _beta(emit, skip, valid, input_lengths, target_lengths)
    both = log_alpha + log_beta                                 # (N, T, S)
    # logsumexp over the states of each label, per time step
    with xp.errstate(divide="ignore", invalid="ignore"):
        m = both.max(2, keepdims=True)
        m = xp.where(xp.isneginf(m), 0, m)
        per_label = xp.zeros((n, t_max, c), both.dtype)
        index = xp.broadcast_to(ext[:, None, :], both.shape)
        for b in range(n):
            xp.add.at(per_label[b], (xp.arange(t_max)[:, None], index[b]), xp.exp(both[b] - m[b]))
        per_label = xp.log(per_label) + m
        # torch's last step writes the last label's term over the blank's when the two are
        # the same class (a target holding the blank)
        for b in range(n):
            length, last = target_lengths[b], input_lengths[b] - 1
            if length and last >= 0 and ext[b, 2 * length - 1] == blank:
                per_label[b, last, blank] = both[b, last, 2 * length - 1]
        lp = xp.moveaxis(log_probs, 1, 0)
        nll = neg_log_likelihood[:, None, None]
        g = (xp.exp(lp) - xp.exp(per_label + nll - lp)) * grad_output.reshape(-1)[:, None, None]
    g = xp.where(xp.arange(t_max)[None, :, None] < xp.asarray(input_lengths)[:, None, None],
                 g, 0)
    if zero_infinity:
        g = xp.where(xp.isinf(neg_log_likelihood)[:, None, None], 0, g)
    return xp.moveaxis(g, 0, 1).astype(log_probs.dtype)


def _grad(grad, log_probs, targets, input_lengths, target_lengths, result0, result1, blank,
          zero_infinity):
    return ctc_loss_backward(grad, log_probs, targets, input_lengths, target_lengths, result0,
                             result1, blank, zero_infinity)


ctc_loss = Op("CtcLossBackward0", _ctc_loss, outputs=("result0", "result1"),
              differentiable_outputs=(0,), nondiff=("targets",), jvp_name="_ctc_loss",
              log_probs=_grad)
ctc_loss_backward = Op(
    "torch::autograd::NotImplemented", _ctc_loss_backward,
    nondiff=("targets", "neg_log_likelihood", "log_alpha"),
    grad_output=_not_implemented("_ctc_loss_backward"),
    log_probs=_not_implemented("_ctc_loss_backward"))

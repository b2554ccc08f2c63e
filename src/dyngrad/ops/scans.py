"""Scans: cummax, cummin and logcumsumexp (cumsum is reduction.py's, cumprod prod.py's).

Every formula is written with table ops that take arrays and Tensors alike, so the one
formula serves the first-order backward (on arrays) and create_graph (on Tensors).
"""
import math

from .. import _backend
from .._kernel_dtypes import ALL_BUT_COMPLEX, check_kernel
from .._dtype import _FROM_NP
from ..tensor import _wrap_dim
from . import pointwise as pw
from ._table import TRANSPOSED, Op
from .pointwise_more import log_add_exp
from .reduction import cumsum, flip, scatter_add
from .return_types import return_type
from .views import new_zeros

xp = _backend.xp


# -- cummax, cummin ---------------------------------------------------------------------------
def _cum_extreme(better, kernel):
    def forward(self, dim):
        if self.size:  # (an empty input passes, as in torch)
            check_kernel(self, kernel, ALL_BUT_COMPLEX)
        if self.ndim == 0:
            return self.copy(), xp.zeros((), xp.int64)
        moved = xp.moveaxis(self, dim, -1)
        values = xp.empty_like(moved)
        indices = xp.empty(moved.shape, xp.int64)
        if moved.shape[-1]:
            best, at = moved[..., 0].copy(), xp.zeros(moved.shape[:-1], xp.int64)
            nan = xp.isnan(best) if moved.dtype.kind in "fc" else xp.zeros(best.shape, bool)
            for i in range(moved.shape[-1]):
                cur = moved[..., i]
                cur_nan = xp.isnan(cur) if moved.dtype.kind in "fc" else xp.zeros(cur.shape, bool)
                # a tie moves the index on, and a NaN wins from its place on (torch's >=)
                take = ~nan & (cur_nan | better(cur, best))
                best = xp.where(take, cur, best)
                at = xp.where(take, i, at)
                nan |= cur_nan
                values[..., i], indices[..., i] = best, at
        return xp.moveaxis(values, -1, dim), xp.moveaxis(indices, -1, dim)
    return forward


def _cummaxmin_backward(grad, self, indices, dim):
    if math.prod(self.shape) == 0:
        return grad
    return scatter_add(new_zeros(grad, tuple(self.shape)), dim, indices, grad)


_CUM = dict(outputs=("values", "indices"), differentiable_outputs=(0,), self=_cummaxmin_backward)
cummax_op = Op("CummaxBackward0", _cum_extreme(xp.greater_equal, "cummax_cpu"), jvp=TRANSPOSED, **_CUM)
cummin_op = Op("CumminBackward0", _cum_extreme(xp.less_equal, "cummin_cpu"), jvp=TRANSPOSED, **_CUM)


def cummax(input, dim, *, out=None):
    values, indices = cummax_op(input, _wrap_dim(dim, input.dim()))
    return return_type("cummax")(values, indices)


def cummin(input, dim, *, out=None):
    values, indices = cummin_op(input, _wrap_dim(dim, input.dim()))
    return return_type("cummin")(values, indices)


# -- logcumsumexp -----------------------------------------------------------------------------
def _logcumsumexp(self, dim):
    if self.dtype.kind not in "fc":
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{_FROM_NP[self.dtype]._cname}'")
    if not self.ndim:
        return self.copy()
    if self.dtype.kind == "c":  # no ufunc to accumulate: one step along dim at a time
        out = xp.moveaxis(self.copy(), dim, 0)
        for i in range(1, out.shape[0]):
            out[i] = log_add_exp(out[i - 1], out[i])
        return xp.moveaxis(out, 0, dim)
    with xp.errstate(invalid="ignore", over="ignore"):
        return xp.logaddexp.accumulate(self, axis=dim).astype(self.dtype, copy=False)


def _reverse_logcumsumexp(x, dim):
    return flip(logcumsumexp_op(flip(x, (dim,)), dim), (dim,))


def _logcumsumexp_backward(grad, self, result, dim):
    """torch's logcumsumexp_backward: positive and negative parts of grad in log space
    (the log of a complex grad takes its sign along)."""
    if len(grad.shape) == 0 or math.prod(grad.shape) == 0:
        return grad
    if getattr(grad, "_data", grad).dtype.kind == "c":  # a complex log needs no signs split
        log_grad = pw.log(pw.conj(grad))
        return pw.conj(pw.exp(_reverse_logcumsumexp(log_grad - result, dim) + self))
    lowest = float(xp.finfo(getattr(grad, "_data", grad).dtype).min)
    log_abs_grad = pw.log(pw.abs_(grad))
    log_pos = pw.where(pw.gt(grad, 0), log_abs_grad, lowest)
    log_neg = pw.where(pw.lt(grad, 0), log_abs_grad, lowest)
    with xp.errstate(over="ignore"):  # lowest - result: -inf, as in torch
        out_pos = pw.exp(_reverse_logcumsumexp(log_pos - result, dim) + self)
        out_neg = pw.exp(_reverse_logcumsumexp(log_neg - result, dim) + self)
    return out_pos - out_neg


def _logcumsumexp_jvp(self_t, self, dim):
    # torch's logcumsumexp_jvp: d result_i = sum_{j<=i} exp(self_j) self_t_j / sum_{j<=i}
    # exp(self_j), each slice's largest value taken out of the exponentials (complex values
    # have no largest). The eps keeps a prefix of -inf or lowest (the values the backward's
    # log-space trick feeds in, which forward-over-reverse differentiates) at 0, not 0/0.
    if self._data.dtype.kind == "c":
        self_exp = pw.exp(self)
    else:
        self_exp = pw.exp(self - self.detach().amax(dim, keepdim=True))
    return cumsum(self_t * self_exp, dim, None) / pw.add_scalar(cumsum(self_exp, dim, None),
                                                                1e-13, 1)


logcumsumexp_op = Op("LogcumsumexpBackward0", _logcumsumexp, jvp=_logcumsumexp_jvp,
                     self=_logcumsumexp_backward)


def logcumsumexp(input, dim, *, out=None):
    return logcumsumexp_op(input, _wrap_dim(dim, input.dim()))


FUNCTIONS = {"cummax": cummax, "cummin": cummin,
             "logcumsumexp": logcumsumexp}
METHODS = dict(FUNCTIONS)

"""Activations over a dim: softmax and log_softmax (relu, sigmoid, tanh are pointwise.py's).

    log_softmax(x)_i = x_i - log(sum_j exp(x_j))     grad_x = grad - exp(result) * sum(grad)
    softmax(x)_i     = exp(x_i) / sum_j exp(x_j)     grad_x = result * (grad - sum(grad * result))

Both formulas ask for ``result`` and ``dim``, which is what torch's LogSoftmaxBackward0 and
SoftmaxBackward0 save (``_saved_result``, ``_saved_dim``). As in torch, each backward is an
entry of its own (_log_softmax_backward_data, _softmax_backward_data), so a create_graph
backward records LogSoftmaxBackwardDataBackward0 / SoftmaxBackwardDataBackward0 nodes with
derivatives.yaml's formulas.
"""
import math

from .. import _backend
from ._table import TRANSPOSED, Op
from .._kernel_dtypes import FLOATING, check_kernel
from .pointwise import exp
from .reduction import _dims, sum_dim

xp = _backend.xp
_QUIET = {"invalid": "ignore", "divide": "ignore"}


def _check_float(self, dim, kernel):
    """torch's softmax kernels: floating dtypes only, one kernel for the last dim (or a
    0-d input) and one for the others."""
    if _backend.kind(self.dtype) not in FLOATING:  # (the name is built only to refuse)
        last = self.ndim == 0 or dim in (-1, self.ndim - 1)
        check_kernel(self, f"{kernel}{'_lastdim' if last else ''}_kernel_impl", FLOATING)


def _shifted(self, dim):
    """``self`` minus its max along ``dim`` (finite maxima only), so exp cannot overflow."""
    xp = _backend.array_module(self)
    m = xp.max(self, axis=dim, keepdims=True)
    # a row of -inf is shifted by 0 (its result is nan either way); a row holding +inf is
    # shifted by inf, so that it is all nan, as in torch
    m = xp.where(m == -math.inf, xp.zeros_like(m), m)
    return self - m


def _log_softmax(self, dim):
    _check_float(self, dim, "log_softmax")
    d = _dims(dim, self.ndim)[0]
    if self.ndim == 0:
        return self - self
    if self.size == 0:
        return _backend.copy(self)
    xp = _backend.array_module(self)
    # (a row holding +inf, or all -inf, is nan or -inf, silently as in torch)
    with _backend.errstate(xp, **_QUIET):
        z = _shifted(self, d)
        return z - xp.log(xp.sum(xp.exp(z), axis=d, keepdims=True))


def _softmax(self, dim):
    _check_float(self, dim, "softmax")
    d = _dims(dim, self.ndim)[0]
    xp = _backend.array_module(self)
    if self.ndim == 0:
        return xp.ones_like(self)
    if self.size == 0:
        return _backend.copy(self)
    with _backend.errstate(xp, **_QUIET):
        e = xp.exp(_shifted(self, d))
        e /= xp.sum(e, axis=d, keepdims=True)
    return e


def _log_softmax_backward_data(grad_output, output, dim):
    xp = _backend.array_module(output)
    return grad_output - xp.exp(output) * xp.sum(grad_output, axis=_axis(dim, output), keepdims=True)


def _softmax_backward_data(grad_output, output, dim):
    go = grad_output * output
    return go - output * _backend.array_module(go).sum(go, axis=_axis(dim, output), keepdims=True)


def _axis(dim, output):
    return _dims(dim, output.ndim) if output.ndim else ()


def _softmax_double_backward(grad, grad_output, dim, output):
    # d/d output of output * (grad_output - sum(grad_output * output)), torch's
    # softmax_double_backward
    return (grad_output * grad - sum_dim(output * grad_output, dim, True) * grad
            - grad_output * sum_dim(output * grad, dim, True))


# derivatives.yaml's forward rules: softmax's tangent is result * (t - <result, t>) along
# dim, log_softmax's t - <softmax, t>
log_softmax = Op("LogSoftmaxBackward0", _log_softmax,
                 jvp=lambda self_t, result, dim: self_t - sum_dim(exp(result) * self_t, dim, True),
                 self=lambda grad, result, dim: log_softmax_backward_data(grad, result, dim))
# The backward of log_softmax as its own entry, so that create_graph records torch's node
log_softmax_backward_data = Op(
    "LogSoftmaxBackwardDataBackward0", _log_softmax_backward_data, jvp=TRANSPOSED,
    grad_output=lambda grad, output, dim: grad - sum_dim(grad * exp(output), dim, True),
    output=lambda grad, grad_output, output, dim: -sum_dim(grad_output, dim, True) * exp(output) * grad)

softmax = Op("SoftmaxBackward0", _softmax,
             jvp=lambda self_t, result, dim: result * (self_t - sum_dim(result * self_t, dim, True)),
             self=lambda grad, result, dim: softmax_backward_data(grad, result, dim))
softmax_backward_data = Op(
    "SoftmaxBackwardDataBackward0", _softmax_backward_data, jvp=TRANSPOSED,
    grad_output=lambda grad, output, dim: softmax_backward_data(grad, output, dim),
    output=lambda grad, grad_output, dim, output: _softmax_double_backward(grad, grad_output, dim, output))

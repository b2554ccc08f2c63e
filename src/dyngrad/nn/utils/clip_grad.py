"""clip_grad_norm_ and clip_grad_value_: rescale or clamp gradients in place.

As on torch's CPU path: one norm per gradient, the norm of those norms, and every
gradient multiplied by ``min(max_norm / (total + 1e-6), 1)``.
"""
import functools
import math
import types
import warnings

from ...autograd.grad_mode import no_grad
from ...creation import tensor as _tensor
from ...ops.joining import stack
from ...tensor import Tensor

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]


def _no_grad(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with no_grad():
            return fn(*args, **kwargs)
    return wrapper


def _vector_norm(t, norm_type):
    if norm_type == math.inf:
        return t.abs().amax()
    if norm_type == -math.inf:
        return t.abs().amin()
    return t.norm(norm_type)


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


@_no_grad
def _get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _tensor(0.0)
    # torch groups the tensors by dtype first (keeping the first-seen order of groups)
    groups = {}
    for t in tensors:
        groups.setdefault(t.dtype, []).append(t)
    norms = [_vector_norm(t, norm_type) for group in groups.values() for t in group]
    first = norms[0].dtype
    total = _vector_norm(stack([n.to(first) if n.dtype != first else n for n in norms], 0),
                         norm_type)
    if error_if_nonfinite and bool(total.isnan() | total.isinf()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` "
                           "is non-finite, so it cannot be clipped. To disable this error and "
                           "scale the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    return total


@_no_grad
def _clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coef)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients of ``parameters`` so that their joint norm is at most
    ``max_norm``; returns the norm before clipping."""
    with no_grad():
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = _as_list(parameters)
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=2)
        grads = [p.grad for p in parameters if p.grad is not None]
        total = _get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
        _clip_grads_with_norm_(parameters, max_norm, total, foreach)
        return total


@functools.wraps(clip_grad_norm_)
def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient of ``parameters`` into [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)


# torch's public names for the two halves of clip_grad_norm_
get_total_norm = _get_total_norm
clip_grads_with_norm_ = _clip_grads_with_norm_

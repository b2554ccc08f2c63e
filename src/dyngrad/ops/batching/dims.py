"""Where a sample's dims sit in the physical tensor, for the rules of this package: the
batch dim is always first, so logical dim d is physical dim d + 1."""
import math

from .. import torch_shape as ts, views as vw
from .._batched import physical
from ...tensor import Tensor, _wrap_dim


def wrap(dim, ndim):
    """A logical dim (maybe negative) as the physical dim it names."""
    return _wrap_dim(dim, ndim) + 1


def shifted(dims, ndim):
    """An int or a sequence of dims shifted past the batch dim (None: every dim)."""
    if dims is None:
        return tuple(range(1, ndim + 1))
    if isinstance(dims, int):
        return wrap(dims, ndim)
    return type(dims)(wrap(d, ndim) for d in dims) if isinstance(dims, (list, tuple)) else dims


def front(t, level, size):
    """``t``'s physical value; an unbatched tensor is expanded to the batch (for ops whose
    tensor arguments must have equal ranks: gather, scatter, ...)."""
    p = physical(t, level)
    if p is not None:
        return p
    return t.expand((size,) + tuple(t.shape))  # (expand puts new dims in front)


def padded(t, level, ndim, size):
    """``t``'s physical value with size-1 dims after the batch dim up to ``ndim`` sample
    dims, so that it broadcasts against other samples as the sample did; an unbatched
    tensor as it is (broadcasting from the right needs nothing)."""
    p = physical(t, level)
    if p is None:
        return t
    k = t.dim()
    if k == ndim:
        return p
    return ts.reshape(p, (size,) + (1,) * (ndim - k) + tuple(t.shape))


def aligned(t, level, ndim, size):
    """``t``'s physical value padded as ``padded`` does, an unbatched tensor expanded over
    the batch too (no copy): for ops that read their arguments' ranks (which is a
    vector, which a batch of matrices), where an unbatched argument may not broadcast."""
    p = physical(t, level)
    k = t.dim()
    shape = (1,) * (ndim - k) + tuple(t.shape)
    if p is None:
        return t.reshape((1,) + shape).expand((size,) + shape)
    return p if k == ndim else ts.reshape(p, (size,) + shape)


def folded(t, level, size, keep):
    """``t``'s value as ``front`` gives it with the batch and every dim before the last
    ``keep`` folded into one: for an op that runs over a leading dim of its own (rows,
    images), so that one call serves every sample; ``unfolded`` splits its result."""
    p = front(t, level, size)
    cut = p.dim() - keep
    # (the folded size spelled out: -1 cannot be inferred when a kept dim is 0)
    return ts.reshape(p, (math.prod(p.shape[:cut]),) + tuple(p.shape[cut:]))


def unfolded(out, lead):
    """An output of a call on ``folded`` arguments with its first dim split into ``lead``
    (the batch size, then the sample's own folded dims)."""
    return vw.view(out, tuple(lead) + tuple(out.shape[1:]))


def is_tensor(a):
    return isinstance(a, Tensor)


__all__ = ["wrap", "shifted", "front", "padded", "aligned", "folded", "unfolded", "is_tensor"]

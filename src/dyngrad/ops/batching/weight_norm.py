"""The fused weight norm (_weight_norm_interface): its norm is taken over every dim of a
sample but the first or the last, so the vmap batch joins that dim (moved beside it and
merged), and one call normalizes every sample's rows or columns. (torch loops this op
over the samples, with its performance warning.)"""
from .. import weight_norm
from . import register
from .dims import front


def _interface(op, args, level, size):
    v, g, dim = args
    v, g = front(v, level, size), front(g, level, size)
    shape, n = tuple(v.shape[1:]), v.shape[1 + dim]
    last = dim == len(shape) - 1 and dim != 0
    if last:  # (B, ..., n) as (..., B * n): the batch beside the last dim
        v = v.movedim(0, -2)
    merged = v.reshape(tuple(v.shape[:-2]) + (size * n,) if last
                       else (size * n,) + tuple(v.shape[2:]))
    out, norms = op(merged, g.reshape(size * n), dim)
    if last:
        return (out.reshape(tuple(v.shape)).movedim(-2, 0),
                norms.reshape(tuple(norms.shape[:-1]) + (size, n)).movedim(-2, 0))
    return out.reshape((size,) + shape), norms.reshape((size, n) + tuple(norms.shape[1:]))


register(_interface, [weight_norm.weight_norm_interface])

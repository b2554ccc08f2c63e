"""Convolution, pooling and layer norm: ops that already run over leading batch dims. The
vmap batch joins them (folded into the sample's own batch dim, or standing in for it),
one call for all samples; a per-sample weight runs once per sample."""
from .. import conv, normalization, pooling, views as vw
from .. import torch_shape as ts
from .._batched import loop_rule, physical
from . import register
from .dims import front
from .products import operand


def _fold(p, keep):
    """``p`` with every dim before its last ``keep`` folded into one."""
    return ts.reshape(p, (-1,) + tuple(p.shape[p.dim() - keep:]))


def pooled(k):
    """A pool (or its backward) over the last ``k`` dims: every tensor argument's leading
    dims, batch included, folded into one before the channel dim."""
    def rule(op, args, level, size):
        a = list(args)
        ref = args[op.tensor_pos[0]]
        for i in op.tensor_pos:
            if args[i] is not None:
                a[i] = _fold(front(args[i], level, size), k + 1)
        out = op(*a)
        lead = (size,) + tuple(ref.shape[:ref.dim() - k - 1])
        if isinstance(out, tuple):
            return tuple(vw.view(o, lead + tuple(o.shape[1:])) for o in out)
        return vw.view(out, lead + tuple(out.shape[1:]))
    return rule


def _convolution(op, args, level, size):
    input, weight, bias = args[:3]
    w, wb = operand(weight, level)
    b, bb = operand(bias, level) if bias is not None else (None, False)
    if wb or bb:  # a weight per sample
        return loop_rule(op, args, level, size)
    k = weight.dim() - 2
    out = op(_fold(front(input, level, size), k + 1), w, b, *args[3:])
    lead = (size,) + tuple(input.shape[:input.dim() - k - 1])
    return vw.view(out, lead + tuple(out.shape[1:]))


def _layer_norm(op, args, level, size):
    input, shape, weight, bias, eps = args
    if physical(weight, level) is not None or physical(bias, level) is not None:
        return loop_rule(op, args, level, size)
    return op(physical(input, level), shape, weight, bias, eps)


for _k, _ops in ((2, (pooling.max_pool2d_with_indices, pooling.max_pool2d_with_indices_backward,
                      pooling.avg_pool2d, pooling.avg_pool2d_backward,
                      pooling.adaptive_avg_pool2d, pooling.adaptive_avg_pool2d_backward,
                      pooling.adaptive_max_pool2d, pooling.adaptive_max_pool2d_backward)),
                 (3, (pooling.max_pool3d_with_indices, pooling.max_pool3d_with_indices_backward,
                      pooling.avg_pool3d, pooling.avg_pool3d_backward,
                      pooling.adaptive_avg_pool3d, pooling.adaptive_avg_pool3d_backward,
                      pooling.adaptive_max_pool3d, pooling.adaptive_max_pool3d_backward))):
    register(pooled(_k), _ops)
register(_convolution, [conv.convolution])
register(_layer_norm, [normalization.native_layer_norm])

"""Convolution, pooling and layer norm: ops that already run over leading batch dims. The
vmap batch joins them (folded into the sample's own batch dim, or standing in for it),
one call for all samples; a per-sample weight runs once per sample."""
from .. import complex_views, conv, grid_sample, normalization, padding, pooling, unpool
from .. import upsample
from .. import views as vw
from .. import pointwise as pw, reduction as red
from .. import torch_shape as ts
from .._batched import loop_rule, physical
from .._table import Op
from . import register
from .dims import aligned, folded, front, is_tensor, padded, unfolded
from .products import operand


def pooled(k):
    """A pool (or its backward) over the last ``k`` dims: every tensor argument's leading
    dims, batch included, folded into one before the channel dim."""
    def rule(op, args, level, size):
        a = list(args)
        ref = args[op.tensor_pos[0]]
        for i in op.tensor_pos:
            if args[i] is not None:
                a[i] = folded(args[i], level, size, k + 1)
        out = op(*a)
        lead = (size,) + tuple(ref.shape[:ref.dim() - k - 1])
        if isinstance(out, tuple):
            return tuple(unfolded(o, lead) for o in out)
        return unfolded(out, lead)
    return rule


def channels_alike(op, args, level, size):
    """Ops on (N, C, *) samples of any rank that treat each of the N alike
    (channel_shuffle): the batch folded into N, as a pool's."""
    return pooled(args[op.tensor_pos[0]].dim() - 2)(op, args, level, size)


def samples_joined(op, args, level, size):
    """Ops whose tensor arguments all start with the sample's N (grid sampling and its
    backward): the batch folded into N; an output the mask did not ask for is empty."""
    n = args[op.tensor_pos[0]].shape[0]
    a = list(args)
    for i in op.tensor_pos:
        if is_tensor(args[i]):
            a[i] = folded(args[i], level, size, args[i].dim() - 1)
    out = op(*a)
    outs = out if isinstance(out, tuple) else (out,)
    like = next(o for o in outs if o.dim())
    parts = tuple(unfolded(o, (size, n)) if o.dim() else _nothing(like, size) for o in outs)
    return parts if isinstance(out, tuple) else parts[0]


def _affine_grid(op, args, level, size):
    """The affine grids of every sample's N thetas at once: the batch folded into N, the
    size's N too."""
    theta, shape, align_corners = args
    out = op(folded(theta, level, size, 2), (size * shape[0],) + tuple(shape[1:]),
             align_corners)
    return unfolded(out, (size, shape[0]))


def _convolution(op, args, level, size):
    input, weight, bias = args[:3]
    w, wb = operand(weight, level)
    b, bb = operand(bias, level) if bias is not None else (None, False)
    k = weight.dim() - 2
    if not (wb or bb):  # one kernel: the batch joins the images
        out = op(folded(input, level, size, k + 1), w, b, *args[3:])
        return unfolded(out, (size,) + tuple(input.shape[:input.dim() - k - 1]))
    # a kernel per sample: the samples side by side as groups of one grouped convolution
    *rest, groups = args[3:]
    b = None if bias is None else _stacked(bias, level, size)
    out = op(_beside(input, level, size), _stacked(weight, level, size), b, *rest,
             groups * size)
    return _apart(out, size)


def _beside(t, level, size):
    """(S, N, C, *) as (N, S*C, *): each sample's channels a group of their own."""
    p = front(t, level, size)
    return ts.reshape(vw.transpose(p, 0, 1), (p.shape[1], -1) + tuple(p.shape[3:]))


def _apart(t, size):
    """The inverse of _beside: (N, S*C, *) as (S, N, C, *)."""
    split = vw.view(t, (t.shape[0], size, -1) + tuple(t.shape[2:]))
    return vw.transpose(split, 0, 1)


def _stacked(t, level, size):
    """A per-sample (C, ...) tensor as (S*C, ...): one kernel (or bias) per group."""
    p = front(t, level, size)
    return ts.reshape(p, (-1,) + tuple(p.shape[2:]))


def _convolution_backward(op, args, level, size):
    """The three gradients of a convolution per sample: one grouped convolution's
    backward, each sample a group, so that the kernel's gradient is per sample too."""
    grad_output, input, weight, bias_sizes, *rest, groups, mask = args
    w, wb = operand(weight, level)
    if not (wb or mask[1] or mask[2]):  # the input's gradient alone: the batch joins the images
        gi = op(folded(grad_output, level, size, weight.dim() - 1),
                folded(input, level, size, weight.dim() - 1), w, bias_sizes, *rest,
                groups, mask)[0]
        return (vw.view(gi, (size,) + tuple(input.shape)), _nothing(gi, size),
                _nothing(gi, size))
    sizes = [size * bias_sizes[0]] if bias_sizes else bias_sizes
    outs = op(_beside(grad_output, level, size), _beside(input, level, size),
              _stacked(weight, level, size), sizes, *rest, groups * size, mask)
    gi = _apart(outs[0], size) if mask[0] else _nothing(outs[0], size)
    gw = (vw.view(outs[1], (size,) + tuple(weight.shape)) if mask[1]
          else _nothing(outs[1], size))
    gb = vw.view(outs[2], (size, -1)) if mask[2] and bias_sizes else _nothing(outs[2], size)
    return gi, gw, gb


def _nothing(like, size):
    """The physical value of an output the mask did not ask for (an empty tensor)."""
    return like.new_zeros((size, 0))


_RUNNING_STATS = (
    "Batch norm got a batched tensor as input while the running_mean or running_var, which "
    "will be updated in place, were not batched.\nIf you are using a module and do not need "
    "eval mode, please set `track_running_stats` to be False.If you are using a prebuilt "
    "module and do not need eval mode, please see the functorch website for resources on how "
    "to patch your module to work with vmap")


def _stacked_or_none(t, level, size):
    return None if t is None else _stacked(t, level, size)


def _batch_norm(op, args, level, size):
    """A sample's statistics are per channel over its own images: the samples' channels
    side by side (N, S*C, *) make them one batch norm's channels."""
    input, weight, bias, running_mean, running_var, training, momentum, eps = args
    stats = [t for t in (running_mean, running_var) if t is not None]
    if training and any(physical(t, level) is None for t in stats):
        raise RuntimeError(_RUNNING_STATS)
    flat = [_stacked(t, level, size) for t in stats]
    it = iter(flat)
    rm = next(it) if running_mean is not None else None
    rv = next(it) if running_var is not None else None
    out, mean, invstd = op(_beside(input, level, size), _stacked_or_none(weight, level, size),
                           _stacked_or_none(bias, level, size), rm, rv, training, momentum,
                           eps)
    if training:  # the running statistics were updated in their flat copies: write them back
        for t, f in zip(stats, flat):
            p = physical(t, level)
            p._data[...] = f._data.reshape(p._data.shape)
    return _apart(out, size), _per_sample(mean, size), _per_sample(invstd, size)


def _per_sample(t, size):
    """A per-channel result of the side-by-side channels, (S*C,) as (S, C)."""
    return vw.view(t, (size, -1)) if t.numel() else _nothing(t, size)


def _batch_norm_backward(op, args, level, size):
    grad_out, input, weight, running_mean, running_var, save_mean, save_invstd, *rest = args
    mask = rest[-1]
    gi, gw, gb = op(_beside(grad_out, level, size), _beside(input, level, size),
                    *[_stacked_or_none(t, level, size) for t in
                      (weight, running_mean, running_var, save_mean, save_invstd)], *rest)
    return (_apart(gi, size) if mask[0] else _nothing(gi, size),
            _per_sample(gw, size) if mask[1] else _nothing(gw, size),
            _per_sample(gb, size) if mask[2] else _nothing(gb, size))


def _group_norm(op, args, level, size):
    input, weight, bias, n, c, hxw, group, eps = args
    w, wb = operand(weight, level) if weight is not None else (None, False)
    b, bb = operand(bias, level) if bias is not None else (None, False)
    if wb or bb:
        return loop_rule(op, args, level, size)
    out, mean, rstd = op(folded(input, level, size, input.dim() - 1), w, b, size * n, c,
                         hxw, group, eps)
    return (vw.view(out, (size,) + tuple(input.shape)), vw.view(mean, (size, n, group)),
            vw.view(rstd, (size, n, group)))


def _layer_norm_backward(op, args, level, size):
    """The input's gradient for the whole batch at once (a weight per sample scales the
    incoming gradient first); the weight's and the bias's are sums over each sample's own
    leading dims, taken here per sample."""
    grad_out, input, shape, mean, rstd, weight, bias, mask, eps = args
    w, wb = operand(weight, level) if weight is not None else (None, False)
    go, x = front(grad_out, level, size), front(input, level, size)
    mu, r = front(mean, level, size), front(rstd, level, size)
    scaled = pw.mul(go, padded(weight, level, input.dim(), size)) if wb else go
    gi = op(scaled, x, shape, mu, r, None if wb else w, None, (mask[0], False, False), eps)[0]
    lead = list(range(1, input.dim() - len(shape) + 1))

    def per_sample_sum(t):
        return red.sum_dim(t, lead, False, None) if lead else t
    gw = (per_sample_sum(pw.mul(go, pw.mul(pw.sub(x, mu, 1), r))) if mask[1] and weight is not None
          else _nothing(go, size))
    gb = per_sample_sum(go) if mask[2] and bias is not None else _nothing(go, size)
    return (gi if mask[0] else _nothing(go, size)), gw, gb


def _layer_norm(op, args, level, size):
    input, shape, weight, bias, eps = args
    w, wb = operand(weight, level) if weight is not None else (None, False)
    b, bb = operand(bias, level) if bias is not None else (None, False)
    x = physical(input, level)
    if not (wb or bb):
        return op(x, shape, w, b, eps)
    # an affine map per sample: the normalization for all, then each sample's own map
    out, mean, rstd = op(x, shape, None, None, eps)
    ndim = input.dim()
    if weight is not None:
        out = pw.mul(out, padded(weight, level, ndim, size))
    if bias is not None:
        out = pw.add(out, padded(bias, level, ndim, size), 1)
    return out, mean, rstd


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
register(samples_joined, [*grid_sample.grid_sampler.values(), *grid_sample.backward.values()])
register(_affine_grid, [grid_sample.affine_grid_generator])
register(_convolution_backward, [conv.convolution_backward])
register(_layer_norm, [normalization.native_layer_norm])
register(_layer_norm_backward, [normalization.native_layer_norm_backward])
register(_group_norm, [normalization.native_group_norm])
register(_batch_norm, [normalization.native_batch_norm])
register(_batch_norm_backward, [normalization.native_batch_norm_backward])


def leading(op, args, level, size):
    """Ops over a sample's last dims that take any leading dims (pads, upsampling, their
    backward ops): the batch is one more leading dim; a size argument gets it too."""
    a = list(args)
    for i in op.tensor_pos:
        if args[i] is not None:
            a[i] = front(args[i], level, size)
    for k, name in enumerate(op.params):
        if name == "input_size":
            a[k] = (size,) + tuple(args[k])
    return op(*a)


register(leading, [padding.constant_pad_nd,
                   padding.reflection_pad1d, padding.reflection_pad1d_backward,
                   padding.reflection_pad2d, padding.reflection_pad2d_backward,
                   padding.reflection_pad3d, padding.reflection_pad3d_backward,
                   padding.replication_pad1d, padding.replication_pad1d_backward,
                   padding.replication_pad2d, padding.replication_pad2d_backward,
                   padding.replication_pad3d, padding.replication_pad3d_backward,
                   complex_views.view_as_real_op, complex_views.view_as_complex_op,
                   unpool.max_unpool2d, unpool.max_unpool3d])
# every upsampling mode and its backward: separable maps of the last dims
register(leading, [v for v in vars(upsample).values() if isinstance(v, Op)])
# im2col takes (C, H, W) samples or (N, C, H, W) ones; col2im (C*k, L) or (N, C*k, L)
register(pooled(2), [conv.im2col])
register(pooled(1), [conv.col2im])


def attention(op, args, level, size):
    """Attention over a sample's last two dims, its leading dims broadcast: every tensor
    argument at the rank of the largest (the log-sum-exp one less), the batch in front."""
    ndim = max(args[i].dim() for i in op.tensor_pos if args[i] is not None)
    a = list(args)
    for i in op.tensor_pos:
        if args[i] is not None:
            rank = ndim - 1 if op.params[i] == "logsumexp" else ndim
            a[i] = aligned(args[i], level, rank, size)
    return op(*a)

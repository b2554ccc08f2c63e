"""Views, reshapes and joins: sizes get the batch size in front, dims shift past it."""
from .. import diagonal, joining, rearrange, reduction as red, summary, views as vw
from .. import torch_shape as ts, view_copies, view_inplace, view_scatter
from .._batched import aten_name, loop_rule, physical
from .._table import ALL_OPS
from ..inplace import clone_op
from . import register
from .dims import front, padded, wrap
from .reduction import along


def _sized(op, args, level, size):
    # reshape, not view: a mapped dim that was not first leaves the physical value strided
    # where one sample is contiguous, and a sample's view must still succeed
    return ts.reshape(physical(args[0], level), (size,) + tuple(args[1]))


def _expand(op, args, level, size):
    shape = tuple(args[1])
    return vw.expand(padded(args[0], level, len(shape), size), (size,) + shape)


def _permute(op, args, level, size):
    n = args[0].dim()
    return vw.permute(physical(args[0], level), (0,) + tuple(wrap(d, n) for d in args[1]))


def _t(op, args, level, size):
    p = physical(args[0], level)
    return vw.transpose(p, 1, 2) if args[0].dim() == 2 else vw.alias(p)


def _unsqueeze(op, args, level, size):
    a = list(args)
    a[0] = physical(args[0], level)
    a[1] = wrap(args[1], args[0].dim() + 1)
    return op(*a)


def _squeeze_all(op, args, level, size):
    dims = tuple(i + 1 for i, s in enumerate(args[0].shape) if s == 1)
    p = physical(args[0], level)
    return vw.squeeze_dims(p, dims) if dims else vw.alias(p)


def _alias(op, args, level, size):
    return op(physical(args[0], level))


def _backward_of_view(op, args, level, size):
    """select_backward and its kin: (grad, input_sizes, dims...) with the batch put in."""
    sizes = tuple(args[1])
    a = list(args)
    a[0] = front(args[0], level, size)
    a[1] = (size,) + sizes
    for k, name in enumerate(op.params):
        if name in ("dim", "dim1", "dim2"):
            a[k] = wrap(args[k], len(sizes))
    return op(*a)


def _repeat(op, args, level, size):
    reps = tuple(args[1])
    return red.repeat(padded(args[0], level, len(reps), size), (1,) + reps)


def _diag_embed(op, args, level, size):
    n = args[0].dim() + 1
    return op(physical(args[0], level), args[1], wrap(args[2], n), wrap(args[3], n))


def _unfold(op, args, level, size):
    if args[0].dim() == 0:
        return loop_rule(op, args, level, size)
    return op(physical(args[0], level), wrap(args[1], args[0].dim()), args[2], args[3])


def _cat(op, args, level, size):
    tensors = args[0]
    ref = next(t for t in tensors if physical(t, level) is not None)
    if ref.dim() == 0:
        return loop_rule(op, args, level, size)
    # a 1-dim empty tensor joins anything in torch's cat (legacy): it adds nothing
    parts = [front(t, level, size) for t in tensors
             if not (t.dim() == 1 and t.shape[0] == 0 and ref.dim() > 1)]
    return op(parts, wrap(args[1], ref.dim()))


def _stack(op, args, level, size):
    tensors = args[0]
    return op([front(t, level, size) for t in tensors], wrap(args[1], tensors[0].dim() + 1))


register(_sized, [vw.view, vw.unsafe_view, vw.reshape_alias])
register(_alias, [vw.alias])
register(_expand, [vw.expand])
register(_permute, [vw.permute])
register(_t, [vw.t])
register(_unsqueeze, [vw.unsqueeze, summary.unsqueeze_])
register(_squeeze_all, [vw.squeeze_all])
register(along, [vw.transpose, vw.squeeze_dim, vw.squeeze_dim_, vw.squeeze_dims, vw.select,
                 vw.slice_, vw.split, vw.split_with_sizes, vw.unbind])
register(_backward_of_view, [vw.select_backward, vw.slice_backward,
                             diagonal.diagonal_backward, rearrange.unfold_backward])
register(_repeat, [red.repeat])
register(_diag_embed, [diagonal.diag_embed_op])
register(_unfold, [rearrange.unfold_op])
# a view's scatter: self and src take the batch, the view's dims shift past it
register(along, [view_scatter.diagonal_scatter_op, view_scatter.select_scatter_op,
                 view_scatter.slice_scatter_op, view_copies.narrow_copy_op])
register(_alias, [view_copies.detach_copy_op])
register(_cat, [joining.cat])
register(_stack, [joining.stack])


def _as_strided(op, args, level, size):
    """Each sample's view over its own part of the storage: the physical view takes the
    batch's stride in front, as torch's rule does, and a sample may not reach outside the
    memory it can address (torch's refusal: it would read another sample)."""
    self, shape, stride, offset = args
    p = physical(self, level)
    data = self._data  # the first sample: its strides and offset are every sample's
    itemsize = data.itemsize
    start = self.storage_offset()
    end = start + (sum((n - 1) * s // itemsize for n, s in zip(data.shape, data.strides)) + 1
                   if data.size else 0)
    reach = offset + sum((n - 1) * s for n, s in zip(shape, stride)) + 1
    if all(shape) and (offset < start or reach > end):
        raise RuntimeError(
            f"result = tensor.as_strided({list(shape)}, {list(stride)}, {offset}) can access "
            f"memory outside of `tensor`. `result` can access some memory in range [{offset}, "
            f"{reach}], but `tensor` can only access some memory in range [{start}, {end}]. "
            "This is not supported inside of vmap, please try to rewrite the `as_strided` call "
            "as a sequence of PyTorch view operations")
    return op(p, (size,) + tuple(shape), (p._data.strides[0] // itemsize,) + tuple(stride),
              offset)


def _as_strided_(op, args, level, size):
    # torch runs it once per sample, on views of each sample it then drops: refused here
    raise NotImplementedError(f"vmap: {aten_name(op)} (as_strided_) is not supported under "
                              "vmap")


register(_as_strided, [view_inplace.as_strided_op])
register(_as_strided_, [view_inplace.as_strided__op])


# the in-place view ops (t_, transpose_, ...) run as their out-of-place twins do: the
# batched tensor takes the physical result (view_inplace.apply_view_inplace)
register(_t, [view_inplace.t_op])
register(along, [view_inplace.transpose_op, view_inplace.squeeze_dims_op])
register(_squeeze_all, [view_inplace.squeeze_all_op])
register(_unsqueeze, [view_inplace.unsqueeze_op])


def _copied(rule):
    """A copy variant's rule (NOTE [The view op, but a copy]): its view op's, the result
    copied (contiguous, as the variant's is)."""
    def copied(op, args, level, size):
        out = rule(op, args, level, size)
        return tuple(clone_op(t, True) for t in out) if isinstance(out, tuple) else \
            clone_op(out, True)
    return copied


def register_variants():
    """Give each variant of a view op (view_copies.py) its view op's rule, copying where
    the variant copies: run once every view op has its rule."""
    for op in ALL_OPS:
        view = getattr(op, "variant_of", None)
        if view is not None and view.batch_rule is not None and op.batch_rule is None:
            op.batch_rule = _copied(view.batch_rule) if op.copies else view.batch_rule


def _refused(message):
    """torch's vmap refusal of an op it has no rule or fallback for."""
    def rule(op, args, level, size):
        raise RuntimeError(message)
    return rule


_NO_FALLBACK = "Batching rule not implemented for aten::{}. We could not generate a fallback."
register(_refused(_NO_FALLBACK.format("split_copy.Tensor")), [view_copies.COPIES[vw.split]])
register(_refused(_NO_FALLBACK.format("unsafe_split_with_sizes")),
         [view_copies.unsafe_split_with_sizes_op])
register(_refused("Error: aten::as_strided_scatter requires special handling, and does not "
                  "yet have a batching rule. Feel free to file a github issue!"),
         [view_scatter.as_strided_scatter_op])

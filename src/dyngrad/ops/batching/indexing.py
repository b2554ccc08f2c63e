"""Indexing by index arrays: the batch dim is one more leading full slice, which keeps its
place when the advanced indices sit next to each other (NumPy moves them to the front
otherwise: those run once per sample)."""
from ... import _backend
from ...creation import arange
from ...tensor import _wrap
from .. import embedding, index_put, indexing, inplace, inplace_forms
from .. import pointwise as pw, reduction as red
from .. import scatter, sorting
from .. import torch_shape as ts, views as vw
from .._batched import BatchedTensor, loop_rule, physical
from . import register
from .dims import front, is_tensor, padded, wrap
from .products import operand
from .reduction import along

xp = _backend.xp


def _adjacent(indices):
    at = [k for k, i in enumerate(indices) if not isinstance(i, slice) and i is not None]
    return not at or at[-1] - at[0] == len(at) - 1


def _index(op, args, level, size):
    self, indices = args
    if not _adjacent(indices):
        return loop_rule(op, args, level, size)
    return op(physical(self, level), (slice(None),) + tuple(indices))


def _index_put(op, args, level, size):
    self, indices, values, accumulate = args
    if not _adjacent(indices):
        return loop_rule(op, args, level, size)
    target = self._data[tuple(indices)].ndim  # the rank of the indexed part of a sample
    return op(front(self, level, size), (slice(None),) + tuple(indices),
              padded(values, level, target, size), accumulate)


def _index_select(op, args, level, size):
    self, dim, index = args
    if physical(index, level) is not None or self.dim() == 0:
        return loop_rule(op, args, level, size)
    return op(physical(self, level), wrap(dim, self.dim()), index)


def _embedding(op, args, level, size):
    weight, indices = args[0], args[1]
    w, batched_weight = operand(weight, level)
    if not batched_weight:
        return op(w, front(indices, level, size), *args[2:])
    # a table per sample: the tables stacked, each sample's indices moved to its own rows
    rows = weight.shape[0]
    moved = _wrap(front(indices, level, size)._data
                  + _sample_offsets(size, rows, indices.dim()))
    return op(ts.reshape(w, (size * rows, -1)), moved, *args[2:])


register(_index, [indexing.index])
register(_index_put, [indexing.index_put, indexing.index_put_impl])
register(_index_select, [scatter.index_select])
register(_embedding, [embedding.embedding])


def _along_index(op, args, level, size):
    """index_add, index_copy, index_fill: one index for every sample (a batched index, or
    a batched fill value, runs per sample)."""
    self, dim, index = args[:3]
    rest = args[3:]
    if physical(index, level) is not None or self.dim() == 0 or any(
            physical(r, level) is not None for r in rest if is_tensor(r) and r.dim() == 0):
        return loop_rule(op, args, level, size)
    rest = [front(r, level, size) if is_tensor(r) and r.dim() else r for r in rest]
    return op(front(self, level, size), wrap(dim, self.dim()), index, *rest)


def _rows(size):
    """A column of batch positions: the first index of a per-sample flat lookup."""
    return arange(size).reshape(size, 1)


def _flat(t, level, size):
    return ts.reshape(front(t, level, size), (size, -1))


def _take(op, args, level, size):
    self, index = args
    idx = _flat(index, level, size) if physical(index, level) is not None else index.reshape(1, -1)
    out = indexing.index(_flat(self, level, size), (_rows(size), idx))
    return ts.reshape(out, (size,) + tuple(index.shape))


def _put(op, args, level, size):
    self, index, source, accumulate = args
    idx = _flat(index, level, size) if physical(index, level) is not None else index.reshape(1, -1)
    src = (_flat(source, level, size) if physical(source, level) is not None
           else source.reshape(1, -1))
    out = indexing.index_put(_flat(self, level, size), (_rows(size), idx), src, accumulate)
    return ts.reshape(out, (size,) + tuple(self.shape))


_MASK_BATCHED = ("vmap: Attempted to vmap over `mask` in torch.masked_select(self, mask) We "
                 "cannot support this because for each batch this would return a differently "
                 "shaped Tensor. Please file an issue at https://github.com/pytorch/pytorch/issues "
                 "if you need this feature.")


def _masked_select(op, args, level, size):
    self, mask = args
    if physical(mask, level) is not None:
        raise RuntimeError(_MASK_BATCHED)
    shape = tuple(xp.broadcast_shapes(tuple(self.shape), tuple(mask.shape)))
    values = vw.expand(padded(self, level, len(shape), size), (size,) + shape)
    return ts.reshape(op(values, mask), (size, -1))


def _masked_scatter(op, args, level, size):
    """Each sample takes its source's elements in order for its own True places: their
    positions are the running count of the sample's mask, one gather for all samples."""
    self, mask, source = args
    if type(mask) is BatchedTensor and mask._level != level:  # its values are another vmap's
        return loop_rule(op, args, level, size)
    shape = tuple(xp.broadcast_shapes(tuple(self.shape), tuple(mask.shape)))
    full = (size,) + shape
    m = vw.expand(padded(mask, level, len(shape), size), full)
    flat_mask = m._data.reshape(size, -1)
    src = _flat(source, level, size)
    if flat_mask.sum(1).max(initial=0) > src.shape[1]:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    at = xp.maximum(xp.cumsum(flat_mask, 1) - 1, 0)
    if src.shape[1] == 0:  # nothing to take (and no True places, as checked above)
        return pw.where(m, vw.expand(padded(self, level, len(shape), size), full),
                        vw.expand(padded(self, level, len(shape), size), full))
    taken = ts.reshape(red.gather(src, 1, _wrap(at)), full)
    return pw.where(m, taken, vw.expand(padded(self, level, len(shape), size), full))


def _dynamic_shape(op, args, level, size):
    raise RuntimeError("vmap: We do not support batching operators that can output dynamic "
                       f"shape. Attempted to vmap over {_ATEN[op]}. Please file an issue at "
                       "https://github.com/pytorch/pytorch/issues if you need this feature.")


_ATEN = {sorting.unique_op: "aten::_unique2", sorting.unique_dim_op: "aten::unique_dim",
         sorting.unique_consecutive_op: "aten::unique_consecutive"}

register(_along_index, [scatter.index_add, scatter.index_copy, scatter.index_fill,
                        scatter.index_fill_tensor, index_put.index_reduce_op,
                        index_put.index_reduce__op])
register(along, [scatter.scatter_reduce_op])
register(_take, [scatter.take])
register(_put, [scatter.put])
register(_masked_select, [scatter.masked_select])
register(_masked_scatter, [scatter.masked_scatter])
register(_dynamic_shape, list(_ATEN))


def _sample_offsets(size, numel, ndim):
    """Where each sample starts in the flat physical value, shaped to add to positions of
    ``ndim`` sample dims."""
    return xp.arange(size).reshape((size,) + (1,) * ndim) * numel


def _copy_new(op, args, level, size):
    return op(front(args[0], level, size), front(args[1], level, size))


def _embedding_backward(op, args, level, size):
    """Each sample's rows of the weight's gradient: the samples' indices moved to rows of
    their own (sample s's row i at s * num_weights + i), one scatter-add for all."""
    grad_output, indices, num_weights, padding_idx, scale_grad_by_freq = args
    idx = front(indices, level, size)
    moved = _wrap(idx._data + _sample_offsets(size, num_weights, indices.dim()))
    out = op(front(grad_output, level, size), moved, size * num_weights, -1,
             scale_grad_by_freq)
    out = vw.view(out, (size, num_weights, -1))
    if padding_idx >= 0:
        out = scatter.index_fill(out, 1, _wrap(xp.asarray([padding_idx])), 0)
    return out


register(_copy_new, [inplace._copy_new])
register(_embedding_backward, [embedding.embedding_dense_backward])


def _embedding_renorm(op, args, level, size):
    """Each sample's looked-up rows of its own table renormed: the tables stacked, the
    indices moved to their sample's rows, one renorm for all."""
    self, indices, max_norm, norm_type = args
    rows = self.shape[0]
    moved = front(indices, level, size)._data + _sample_offsets(size, rows, indices.dim())
    out = op(ts.reshape(front(self, level, size), (size * rows, -1)), _wrap(moved), max_norm,
             norm_type)
    return vw.view(out, (size,) + tuple(self.shape))


register(_embedding_renorm, [inplace_forms.embedding_renorm_op])

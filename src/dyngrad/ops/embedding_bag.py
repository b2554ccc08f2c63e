"""embedding_bag (EmbeddingBagBackward0): each bag, a run of indices between two offsets,
reduced to one row of the weight by sum (optionally weighted per index), mean or max.

    bag b = indices[offsets[b]:offsets[b+1]]      out[b] = reduce(weight[i] for i in bag)

Indices equal to ``padding_idx`` are left out of their bag (and of its size). An empty bag
gives a row of zeros. Besides the result the op returns torch's three bookkeeping
tensors: the bag of each index (offset2bag), each bag's size, and for max the index each
maximum came from. The weight's gradient (EmbeddingBagBackwardBackward0) and the
per-sample weights' gradient have no derivative in torch, and none here.
"""
from .. import _backend
from .. import _dtype as _dt
from .._cpu_math import fma_at
from ._table import Op, derivative_not_implemented
from .embedding import _FUSED, _check_indices
from .pointwise import _not_implemented
from .._stl_order import stl_sort_order

xp = _backend.xp
_SUM, _MEAN, _MAX = 0, 1, 2


def _bags(indices, offsets, include_last_offset, padding_idx):
    """Each index's bag, the number of bags, and which indices count (not padding)."""
    n = indices.shape[0]
    starts = offsets[:-1] if include_last_offset else offsets
    bag = xp.searchsorted(starts, xp.arange(n), side="right").astype(xp.int64) - 1
    keep = bag >= 0
    if include_last_offset:
        keep &= xp.arange(n) < offsets[-1]
    if padding_idx is not None and padding_idx >= 0:
        keep &= indices != padding_idx
    return bag, len(starts), keep


def _check(weight, indices, offsets, include_last_offset):
    _check_indices(indices, "embedding_bag")
    _check_indices(offsets, "embedding_bag")
    if weight.ndim != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                           f"{weight.ndim}")
    n, rows = indices.shape[0], weight.shape[0]
    if offsets.shape[0] and offsets[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                           f"mini-batch has to start from position 0. However, got "
                           f"{int(offsets[0])}\n[ torch.LongTensor{{}} ]")
    if offsets.shape[0] and offsets[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got "
                           f"offsets[-1] of {int(offsets[-1])}")
    bad = xp.nonzero((indices < 0) | (indices >= rows))[0]
    if bad.size:
        raise RuntimeError(f"Index {int(bad[0])} of input takes value {int(indices[bad[0]])} "
                           f"which is not in the valid range [0, {rows})")


def _padding(padding_idx, rows):
    if padding_idx is None:
        return -1
    return padding_idx + rows if padding_idx < 0 else padding_idx


def _meta_bags(weight, indices, offsets, mode, per_sample_weights, include_last_offset):
    """torch's meta kernel (an operand without values): its checks, and the four results'
    shapes, the bookkeeping ones in the indices' dtype (bag_size as long as the offsets,
    the maxima's indices only for max)."""
    for name, a in (("indices", indices), ("offsets", offsets)):
        if a.dtype not in (xp.int64, xp.int32):
            raise RuntimeError(f"expected {name} to be long or int, got {_dt._FROM_NP[a.dtype]}")
    if not _dt._FROM_NP[weight.dtype].is_floating_point:
        raise RuntimeError(f"expected weight to be floating point type, got "
                           f"{_dt._FROM_NP[weight.dtype]}")
    n_bags = offsets.shape[0]
    if include_last_offset:
        if n_bags < 1:
            raise RuntimeError("include_last_offset: numBags should be at least 1")
        n_bags -= 1
    if per_sample_weights is not None:
        if mode != _SUM:
            raise RuntimeError("embedding_bag: per_sample_weights only supported with "
                               "mode='sum'")
        if per_sample_weights.ndim != 1:
            raise RuntimeError(f"expected per_sample_weights to be 1D tensor, got "
                               f"{per_sample_weights.ndim}D")
        if per_sample_weights.size != indices.size:
            raise RuntimeError(f"expected per_sample_weights.numel() ({per_sample_weights.size} "
                               f"to be the same as indices.numel() ({indices.size})")
    ns = _backend.array_module(weight, indices, offsets)
    rows = (n_bags, weight.shape[1])
    return (ns.empty(rows, weight.dtype), ns.empty(indices.shape[:1], indices.dtype),
            ns.empty(offsets.shape, indices.dtype),
            ns.empty(rows if mode == _MAX else (0,), indices.dtype))


def _embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse,
                   per_sample_weights, include_last_offset, padding_idx):
    if not all(_backend.has_values(a) for a in (weight, indices, offsets)):
        return _meta_bags(weight, indices, offsets, mode, per_sample_weights,
                          include_last_offset)
    _check(weight, indices, offsets, include_last_offset)
    padding_idx = _padding(padding_idx, weight.shape[0])
    bag, n_bags, keep = _bags(indices, offsets, include_last_offset, padding_idx)
    rows = weight[indices[keep]]
    counts = xp.bincount(bag[keep], minlength=n_bags).astype(xp.int64)
    out = xp.zeros((n_bags, weight.shape[1]), weight.dtype)
    if mode == _MAX:
        out[counts > 0] = -xp.inf
        xp.maximum.at(out, bag[keep], rows)
        # the index of the first entry holding each column's maximum (torch's choice on ties)
        first = xp.full(out.shape, rows.shape[0], xp.int64)
        k, col = xp.nonzero(rows == out[bag[keep]])
        xp.minimum.at(first, (bag[keep][k], col), k)
        maxima = xp.where(first < rows.shape[0],
                          xp.append(indices[keep], 0)[first], 0).astype(xp.int64)
        return out, bag, counts, maxima
    if per_sample_weights is not None and out.dtype == xp.float32:
        # (torch's float kernel, fbgemm's, adds each weighted row with a fused
        # multiply-add; its double one multiplies and adds)
        fma_at(out, bag[keep], per_sample_weights[keep][:, None], rows)
    else:
        if per_sample_weights is not None:
            rows = rows * per_sample_weights[keep][:, None]
        xp.add.at(out, bag[keep], rows)
    if mode == _MEAN:
        out /= xp.maximum(counts, 1)[:, None].astype(out.dtype)
        return out, bag, counts, counts.copy()
    return out, bag, xp.zeros(n_bags, xp.int64), xp.zeros(n_bags, xp.int64)


def _embedding_bag_backward(grad_output, indices, offsets, offset2bag, bag_size, maximum_indices,
                            num_weights, scale_grad_by_freq, mode, per_sample_weights,
                            padding_idx):
    grad = grad_output
    if not _backend.has_values(grad):  # (meta: the shape alone)
        return _backend.array_module(grad).zeros((num_weights, grad.shape[1]), grad.dtype)
    out = xp.zeros((num_weights, grad.shape[1]), grad.dtype)
    if mode == _MAX:
        full = bag_size > 0
        cols = xp.broadcast_to(xp.arange(grad.shape[1]), maximum_indices[full].shape)
        xp.add.at(out, (maximum_indices[full], cols), grad[full])
        return out
    padding_idx = _padding(padding_idx, num_weights)
    keep = offset2bag >= 0
    if padding_idx >= 0:
        keep &= indices != padding_idx
    if out.dtype not in _FUSED:
        rows = grad[offset2bag[keep]]
        if per_sample_weights is not None:
            rows = rows * per_sample_weights[keep][:, None]
        if mode == _MEAN:
            rows /= xp.maximum(bag_size[offset2bag[keep]], 1)[:, None]  # (a new array)
        xp.add.at(out, indices[keep], rows)
        if scale_grad_by_freq:
            out /= _frequencies(indices, num_weights)[:, None]
        return out
    # torch's loop: the indices sorted (by std::sort: the order among equal indices is
    # its, NOTE [Order among ties]), each entry adding its bag's gradient row times a scale
    # worked out in double (the sample's weight, over the frequency, over the bag's size)
    # and rounded to the dtype, by axpy (a fused multiply-add)
    order = stl_sort_order(indices)
    order = order[keep[order]]
    index, bags = indices[order], offset2bag[order]
    scale = xp.ones(len(index)) if per_sample_weights is None else \
        per_sample_weights[order].astype(xp.float64)
    if scale_grad_by_freq:
        scale = scale / _frequencies(indices, num_weights)[index]
    if mode == _MEAN:
        scale = scale / xp.maximum(bag_size[bags], 1)
    return fma_at(out, index, scale.astype(out.dtype)[:, None], grad[bags])


def _frequencies(indices, num_weights):
    """The divisor of each row's gradient under scale_grad_by_freq, as torch's CPU kernel
    takes it: the k-th smallest distinct index is divided by the count of the k-th entry
    of the sorted indices (not always its own count: [1, 2, 4, 5, 4, 3, 0, 2] divides row 3
    by 2). ``indices`` 1-d, or 2-d: one row of indices per sample, a row of divisors each
    (vmap's rule)."""
    rows = indices[None] if indices.ndim == 1 else indices
    size = rows.shape[0]
    counts = xp.bincount((rows + xp.arange(size)[:, None] * num_weights).reshape(-1),
                         minlength=size * num_weights).reshape(size, num_weights)
    ordered = xp.sort(rows, 1)
    first = xp.ones(rows.shape, bool)  # where each distinct index first shows in order
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    sample, at = xp.nonzero(first)
    kth = xp.cumsum(first, 1)[sample, at] - 1
    divisor = xp.ones((size, num_weights), xp.int64)
    divisor[sample, ordered[sample, at]] = counts[sample, ordered[sample, kth]]
    return divisor[0] if indices.ndim == 1 else divisor


def _per_sample_weights_backward(grad_output, weight, indices, offsets, offset2bag, mode,
                                 padding_idx):
    if not all(_backend.has_values(a) for a in (grad_output, weight, indices, offset2bag)):
        return _backend.array_module(grad_output, weight).zeros(indices.shape, grad_output.dtype)
    keep = offset2bag >= 0
    padding_idx = _padding(padding_idx, weight.shape[0])
    if padding_idx >= 0:
        keep &= indices != padding_idx
    out = xp.zeros(indices.shape, grad_output.dtype)
    out[keep] = (grad_output[offset2bag[keep]] * weight[indices[keep]]).sum(1)
    return out


def _weight_grad(grad, indices, offsets, result1, result2, result3, weight_sym_sizes,
                 scale_grad_by_freq, mode, per_sample_weights, padding_idx):
    return embedding_bag_backward(grad, indices, offsets, result1, result2, result3,
                                  weight_sym_sizes[0], scale_grad_by_freq, mode,
                                  per_sample_weights, padding_idx)


def _per_sample_grad(grad, weight, indices, offsets, result1, mode, padding_idx):
    return per_sample_weights_backward(grad, weight, indices, offsets, result1, mode,
                                       padding_idx)


embedding_bag = Op("EmbeddingBagBackward0", _embedding_bag, jvp_name="_embedding_bag",
                   outputs=("result0", "result1", "result2", "result3"),
                   differentiable_outputs=(0,), nondiff=("indices", "offsets"),
                   weight=_weight_grad, per_sample_weights=_per_sample_grad)
embedding_bag_backward = Op(
    "EmbeddingBagBackwardBackward0", _embedding_bag_backward,
    nondiff=("indices", "offsets", "offset2bag", "bag_size", "maximum_indices"),
    grad_output=derivative_not_implemented("_embedding_bag_backward"),
    per_sample_weights=derivative_not_implemented("_embedding_bag_backward"))
per_sample_weights_backward = Op(
    "torch::autograd::NotImplemented", _per_sample_weights_backward,
    nondiff=("indices", "offsets", "offset2bag"),
    grad_output=_not_implemented("_embedding_bag_per_sample_weights_backward"),
    weight=_not_implemented("_embedding_bag_per_sample_weights_backward"))

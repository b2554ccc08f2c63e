"""Embedding lookups: embedding (EmbeddingBackward0) and its backward entry (whose own
derivative reads rows with index_select).

    out = weight[indices]           grad_weight[r] = sum of grad rows whose index is r

The padding row gets no gradient; ``scale_grad_by_freq`` divides each row's gradient by
how often its index occurs in the batch.
"""
from .. import _backend
from .._cpu_math import fma_at
from ..tensor import _wrap
from ._table import LINEAR, Op
from .scatter import index_select
from .sparse import sparse_coo_tensor_op
from .views import view
from .._dtype import _FROM_NP

xp = _backend.xp
# the dtypes torch's CPU loops add with fused multiply-adds (fma_at reproduces them)
_FUSED = (xp.dtype(xp.float32), xp.dtype(xp.float64))


# the dtypes torch's messages name by their legacy type (torch.FloatTensor)
_CLASSIC = ("Float", "Double", "Half", "Byte", "Char", "Short", "Int", "Long")


def _check_indices(indices, what="embedding"):
    if indices.dtype.kind not in "iu" or indices.dtype.itemsize < 4:
        d = _FROM_NP[indices.dtype]  # named by its legacy type, or as CPUBoolType
        name = f"torch.{d._legacy}" if d._cname in _CLASSIC else f"CPU{d._cname}Type"
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {name} instead "
                           f"(while checking arguments for {what})")


def _embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse):
    _check_indices(indices)
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    n = weight.shape[0]
    if indices.size and _backend.has_values(indices) and (indices.min() < 0
                                                          or indices.max() >= n):
        raise IndexError("index out of range in self")
    return xp.take(weight, indices, axis=0)


def _embedding_dense_backward(grad_output, indices, num_weights, padding_idx, scale_grad_by_freq):
    flat = indices.reshape(-1)
    rows = grad_output.reshape(flat.size, grad_output.shape[-1])
    if not _backend.has_values(grad_output):  # meta: the gradient's shape is all there is
        return _backend.array_module(grad_output).zeros((num_weights, rows.shape[1]),
                                                        grad_output.dtype)
    out = xp.zeros((num_weights, rows.shape[1]), dtype=grad_output.dtype)
    if scale_grad_by_freq and out.dtype in _FUSED:
        # torch adds each row scaled by 1 / its index's count (a double, rounded to the
        # dtype) with add_(alpha=): a fused multiply-add per row, in lookup order
        scale = (1.0 / xp.maximum(xp.bincount(flat, minlength=num_weights), 1)).astype(out.dtype)
        fma_at(out, flat, scale[flat][:, None], rows)
    else:
        # np.add.at over single elements rather than rows: NumPy's fast path for 1-d
        # targets (6x faster on a GPT's token embedding), adding in the same order, so the
        # sums are torch's index_add_ sums bit for bit
        width = rows.shape[1]
        cells = (flat[:, None] * width + xp.arange(width)).reshape(-1)
        xp.add.at(out.reshape(-1), cells, rows.reshape(-1))
        if scale_grad_by_freq:
            # (an in-place division by integer counts: the quotient rounded once)
            out /= xp.maximum(xp.bincount(flat, minlength=num_weights), 1)[:, None]
    if padding_idx >= 0:
        out[padding_idx] = 0
    return out


def _embedding_double_backward(grad, indices, padding_idx):
    # the rows of grad the indices pick (torch's embedding_dense_double_backward: the
    # frequency scaling is not applied again)
    rows = index_select(grad, 0, indices.reshape(-1))
    if padding_idx >= 0:
        from .pointwise import masked_fill
        keep = (indices.reshape(-1) == padding_idx)[:, None]
        rows = masked_fill(rows, keep, 0.0)
    return view(rows, tuple(indices.shape) + (-1,))


def _embedding_weight_grad(grad, indices, weight_sym_sizes, padding_idx, scale_grad_by_freq,
                           sparse):
    if sparse:
        return _embedding_sparse_backward(grad, getattr(indices, "_data", indices),
                                          weight_sym_sizes[0], padding_idx, scale_grad_by_freq)
    return embedding_dense_backward(grad, indices, weight_sym_sizes[0], padding_idx,
                                    scale_grad_by_freq)


embedding = Op("EmbeddingBackward0", _embedding, jvp=LINEAR, nondiff=("indices",),
               real_grad_only="embedding", weight=_embedding_weight_grad)


def _embedding_sparse_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq):
    """The weight's gradient as a sparse tensor, composed as torch composes it: one entry
    per lookup (the padding index's left out) in lookup order, uncoalesced, holding the
    gradient's rows (ViewBackward0, after IndexBackward0 when a padding index is left out)."""
    if scale_grad_by_freq:
        raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse "
                           "gradients")
    flat = indices.reshape(-1).astype(xp.int64)
    if padding_idx >= 0:
        keep = indices != padding_idx
        grad = grad[_wrap(keep) if hasattr(grad, "_data") else keep]
        flat = flat[keep.reshape(-1)]
    rows = view(grad, (-1, grad.shape[-1]))
    return sparse_coo_tensor_op(_wrap(flat[None]) if hasattr(grad, "_data") else flat[None],
                                rows, (num_weights, rows.shape[-1]), False)


embedding_dense_backward = Op(
    "EmbeddingDenseBackwardBackward0", _embedding_dense_backward, jvp=LINEAR, nondiff=("indices",),
    grad_output=lambda grad, indices, padding_idx: _embedding_double_backward(
        grad, getattr(indices, "_data", indices), padding_idx))

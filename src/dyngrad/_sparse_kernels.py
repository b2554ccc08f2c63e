"""The SparseCPU kernels of selection, joining, sparse products and elementwise functions
(NOTE at the top of _sparse_coo.py): functions of ``SparseCoo`` arrays that its namespace
lists (``NAMESPACE_FUNCTIONS``), and the sparse-sparse product and mask the table's sparse
ops use."""
import numpy

from ._sparse_coo import (_INDEX, SparseCoo, _common, _is_sparse, _keys, _unkeys, no_kernel,
                          scaled_rows_added)


def where(condition, x, y):
    # (only as sign's nan -> 0 is written for any array module, where(isnan(r),
    # zeros_like(r), r): a condition on y's entries, and an x holding none)
    if _is_sparse(condition) and _is_sparse(x) and _is_sparse(y) and x.nnz == 0 and \
            condition.indices is y.indices:
        return y.with_values(numpy.where(condition.values, x.values.dtype.type(0), y.values))
    raise no_kernel("where.self")


def take(a, indices, axis=None):
    if not _is_sparse(a) or axis is None:
        raise no_kernel("take")
    return index_select(a, numpy.asarray(indices).reshape(-1), axis % a.ndim)


def concat(arrays, axis=0):
    """torch.cat of COO tensors: the entries of each in turn, as they are (the result is
    not coalesced); along a sparse dim each one's indices shifted past the sizes
    before it, along a dense dim each one's values zero-padded to the others' parts."""
    _check_joined(arrays)
    ref = arrays[0]
    sd = ref.sparse_dim
    sizes = [a.shape[axis] for a in arrays]
    starts = numpy.cumsum([0] + sizes[:-1])
    indices = numpy.concatenate([a.indices for a in arrays], axis=1)
    if axis < sd:
        indices[axis] += numpy.repeat(starts, [a.nnz for a in arrays])
        values = numpy.concatenate([a.values for a in arrays])
    else:
        k = axis - sd + 1
        parts = []
        for a, start in zip(arrays, starts):
            shape = list(a.values.shape)
            shape[k] = sum(sizes)
            v = numpy.zeros(shape, a.values.dtype)
            where = [slice(None)] * len(shape)
            where[k] = slice(start, start + a.shape[axis])
            v[tuple(where)] = a.values
            parts.append(v)
        values = numpy.concatenate(parts)
    shape = list(ref.shape)
    shape[axis] = sum(sizes)
    return SparseCoo(indices, values, shape, False)


def stack(arrays, axis=0):
    """torch.stack of COO tensors: each given a dim of size one at ``axis`` (a sparse
    dim at index 0, or a dense one), then concatenated there."""
    _check_joined(arrays)
    return concat([unsqueeze(a, axis) for a in arrays], axis)


def select(x, dim, index):
    """torch's select of a COO tensor: the entries at ``index`` of a sparse dim, that dim
    dropped (in entry order, not marked coalesced; the last sparse dim selected leaves the
    dense sum of those entries' values), or every entry's slice of a dense dim."""
    sd = x.sparse_dim
    if dim >= sd:
        where = (slice(None),) * (dim - sd + 1) + (index,)
        return SparseCoo(x.indices, x.values[where], x.shape[:dim] + x.shape[dim + 1:])
    hit = x.indices[dim] == index
    if sd == 1:
        return x.values[hit].sum(axis=0)
    indices = numpy.delete(x.indices[:, hit], dim, axis=0)
    return SparseCoo(indices, x.values[hit], x.shape[:dim] + x.shape[dim + 1:])


def index_select(x, index, dim):
    """torch's index_select of a COO tensor along a sparse dim: for each position of
    ``index`` in turn, the entries holding that index (in entry order), renumbered to the
    position; along a dense dim, the values' slices. Not marked coalesced."""
    sd = x.sparse_dim
    if dim >= sd:
        return SparseCoo(x.indices, numpy.take(x.values, index, axis=dim - sd + 1),
                         x.shape[:dim] + (len(index),) + x.shape[dim + 1:])
    hits = x.indices[dim][None, :] == index[:, None]     # (position, entry)
    position, entry = numpy.nonzero(hits)
    indices = x.indices[:, entry]
    indices[dim] = position
    return SparseCoo(indices.astype(_INDEX), x.values[entry],
                     x.shape[:dim] + (len(index),) + x.shape[dim + 1:])


def _check_joined(arrays):
    ref = arrays[0]
    for i, a in enumerate(arrays):
        if not _is_sparse(a):
            raise RuntimeError(f"Concatenating sparse tensors, but a dense tensor was found at "
                               f"position {i}.")
        if a.sparse_dim != ref.sparse_dim or a.ndim != ref.ndim:
            raise RuntimeError(
                "All tensors must have the same sparse_dim and dense_dim: "
                f"{ref.sparse_dim}, {ref.ndim - ref.sparse_dim}, but tensor at position {i} "
                f"has {a.sparse_dim}, {a.ndim - a.sparse_dim}.")


def unsqueeze(x, axis):
    """A dim of size one at ``axis``: a sparse one where ``axis`` is at most sparse_dim
    (every index 0 there), else a dense one; not marked coalesced, as torch makes it."""
    axis = axis % (x.ndim + 1)
    shape = x.shape[:axis] + (1,) + x.shape[axis:]
    if axis <= x.sparse_dim:
        return SparseCoo(numpy.insert(x.indices, axis, 0, axis=0), x.values, shape)
    return SparseCoo(x.indices, numpy.expand_dims(x.values, axis - x.sparse_dim + 1), shape)


def sparse_product(a, b):
    """``a @ b`` for two sparse matrices as torch's sparse-sparse kernel makes it: coalesced,
    with an entry wherever a stored ``a[i, k]`` meets a stored ``b[k, j]`` (a sum that
    cancels stays, as an explicit zero)."""
    if a.sparse_dim != 2 or a.ndim != 2 or b.sparse_dim != 2 or b.ndim != 2:
        raise RuntimeError("sparse @ sparse: matrices with two sparse dims expected, got "
                           f"{a.ndim}D and {b.ndim}D tensors")
    a, b = a.coalesce(), b.coalesce()
    dt = _common(a, b)
    # each entry (i, k) of a meets the entries of b in row k: b's entries sorted by row,
    # and for each of a's entries the run of them it meets
    order = numpy.argsort(b.indices[0], kind="stable")
    rows_of_b = b.indices[0][order]
    starts = numpy.searchsorted(rows_of_b, a.indices[1], "left")
    counts = numpy.searchsorted(rows_of_b, a.indices[1], "right") - starts
    left = numpy.repeat(numpy.arange(a.nnz), counts)
    run_start = numpy.repeat(starts - (numpy.cumsum(counts) - counts), counts)
    right = order[run_start + numpy.arange(len(left))]
    m, n = a.shape[0], b.shape[1]
    keys = a.indices[0][left] * n + b.indices[1][right]
    unique, where = numpy.unique(keys, return_inverse=True)
    values = numpy.zeros(len(unique), dt)
    numpy.add.at(values, where.reshape(-1), a.values[left].astype(dt) * b.values[right].astype(dt))
    return SparseCoo(_unkeys(unique, (m, n)), values, (m, n), True)


def bmm(a, b):
    """``a @ b`` batch by batch, ``a`` sparse (three sparse dims), ``b`` dense, as torch's
    kernel makes it: ``a`` coalesced, then each entry (n, i, k, v) in turn adds
    ``v * b[n, k]`` to row i of batch n."""
    a = a.coalesce()
    batches, m = a.shape[:2]
    out = numpy.zeros((batches * m, b.shape[2]), _common(a, b))
    rows = a.indices[0] * m + a.indices[1]
    return scaled_rows_added(out, rows, a.values, b[a.indices[0], a.indices[2]]).reshape(
        batches, m, b.shape[2])


def matrix_mask(x, mask):
    """``x`` (sparse) at its own coalesced entries, zero where ``mask`` holds none: torch's
    _sparse_matrix_mask (the result is not marked coalesced)."""
    x, mask = x.coalesce(), mask.coalesce()
    kept = numpy.isin(_keys(x.indices, x.shape), _keys(mask.indices, mask.shape))
    values = numpy.where(kept.reshape((-1,) + (1,) * (x.values.ndim - 1)), x.values,
                         x.values.dtype.type(0))
    return SparseCoo(x.indices, values, x.shape, False)


def _on_values(f):
    """A function torch runs on a COO tensor entry by entry, as it runs them: on the
    coalesced values (the result is coalesced), an entry not stored staying zero, which
    holds for the functions that map zero to zero (``ZERO_PRESERVING``)."""
    def apply(x, *args, **kwargs):
        if not _is_sparse(x):
            raise no_kernel(f.__name__)
        c = x.coalesce()
        with numpy.errstate(all="ignore"):
            return c.with_values(numpy.asarray(f(c.values, *args, **kwargs)))
    apply.__name__ = f.__name__
    return apply


def _sign(values):
    out = numpy.sign(values)
    out[numpy.isnan(out)] = 0  # (torch's sign of nan is 0)
    return out


def _power(values, exponent):
    if numpy.ndim(exponent) or exponent == 0:
        if not numpy.ndim(exponent):
            raise RuntimeError("pow: cannot raise to zeroth power on sparse tensor; it would "
                               "make the result tensor dense")
        raise no_kernel("pow.Tensor_Tensor")
    return numpy.power(values, exponent)


def _round(values, decimals=0):
    if decimals:
        raise no_kernel("round.decimals")
    return numpy.round(values)


def _maximum(values, other):
    # (relu's max(x, 0), other a zero or a sparse tensor with no entries: all torch's
    # sparse relu takes)
    if _is_sparse(other) and other.nnz == 0:
        other = numpy.zeros((), other.dtype)
    if numpy.ndim(other) or other != 0:
        raise no_kernel("maximum")
    return numpy.maximum(values, other)


# numpy's name (and its array-API alias) -> the function on values
ZERO_PRESERVING = {
    "absolute": numpy.absolute, "abs": numpy.absolute, "sqrt": numpy.sqrt, "sin": numpy.sin,
    "sinh": numpy.sinh, "tan": numpy.tan, "tanh": numpy.tanh, "arcsin": numpy.arcsin,
    "asin": numpy.arcsin, "arcsinh": numpy.arcsinh, "asinh": numpy.arcsinh,
    "arctan": numpy.arctan, "atan": numpy.arctan, "arctanh": numpy.arctanh,
    "atanh": numpy.arctanh, "expm1": numpy.expm1, "log1p": numpy.log1p, "ceil": numpy.ceil,
    "floor": numpy.floor, "trunc": numpy.trunc, "round": _round, "rint": numpy.rint,
    "deg2rad": numpy.deg2rad, "rad2deg": numpy.rad2deg, "isnan": numpy.isnan,
    "isinf": numpy.isinf, "isposinf": numpy.isposinf, "isneginf": numpy.isneginf,
    "signbit": numpy.signbit, "nan_to_num": numpy.nan_to_num, "sign": _sign,
    "power": _power, "pow": _power, "maximum": _maximum,
}
NAMESPACE_FUNCTIONS = {"where": where, "take": take, "concat": concat, "stack": stack,
                       "expand_dims": unsqueeze,
                       **{name: _on_values(f) for name, f in ZERO_PRESERVING.items()}}

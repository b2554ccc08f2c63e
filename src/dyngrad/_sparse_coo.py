"""The array under a ``torch.sparse_coo`` tensor: indices, values and a size.

    indices  (sparse_dim, nnz) int64     where the stored entries are
    values   (nnz, *dense_shape)          what they hold (a dense slice each)
    shape    sparse_shape + dense_shape   the size of the dense tensor it stands for

A ``SparseCoo`` is an array of its own array module (NOTE [The array-module seam]): its
``__array_namespace__`` is ``NAMESPACE`` (named ``SparseCPU``, torch's backend name), which
holds the operations torch runs on sparse COO tensors. The table's ops therefore run on
sparse tensors unchanged where torch's do (``x * 2`` is MulBackward0 either way) and dense
NumPy arrays never pass through this file. An operation the namespace lacks raises
torch's NotImplementedError for an operator the SparseCPU backend has no kernel for.

Like torch, an uncoalesced tensor may hold an index more than once (its entries add up);
``coalesce`` sorts the indices and sums duplicates, keeping explicit zeros.
"""
import math

import numpy

from . import _backend
from ._cpu_math import fma_at
from ._stl_order import stl_sort_order

__all__ = ["SparseCoo", "NAMESPACE", "addmm", "scaled_rows_added", "coalesced_of",
           "from_dense", "values_at", "sparse_mask", "sparse_product", "matrix_mask",
           "sum_dims", "sum_dims_backward", "no_kernel", "softmax_values", "softmax_backward_values"]

_INDEX = numpy.dtype(numpy.int64)


class SparseCoo:
    """indices, values, shape and whether the indices are known to be coalesced."""

    __slots__ = ("indices", "values", "shape", "coalesced")

    def __init__(self, indices, values, shape, coalesced=False):
        if values.dtype.kind == "V":
            raise NotImplementedError("sparse tensors of bfloat16 or float8 values are not "
                                      "implemented in dyngrad")
        self.indices = indices
        self.values = values
        self.shape = tuple(shape)
        # (one entry or none is coalesced whatever its maker says, as in torch)
        self.coalesced = coalesced or indices.shape[1] <= 1

    # -- the array protocol the Tensor reads ----------------------------------------
    @property
    def dtype(self):
        return self.values.dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):  # the dense numel, as torch's numel() of a sparse tensor
        return math.prod(self.shape)

    @property
    def itemsize(self):
        return self.values.itemsize

    device = "cpu"

    @property
    def sparse_dim(self):
        return self.indices.shape[0]

    @property
    def nnz(self):
        return self.indices.shape[1]

    def __array_namespace__(self, api_version=None):
        return NAMESPACE

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        # a NumPy array met a sparse one (dense + sparse, dense += sparse)
        if method != "__call__":
            raise no_kernel(ufunc.__name__)
        fn = getattr(NAMESPACE, ufunc.__name__)
        result = fn(*inputs)
        dtype = kwargs.get("dtype")
        if dtype is not None and result.dtype != dtype:
            result = NAMESPACE.astype(result, numpy.dtype(dtype))
        if out is not None:
            out[0][...] = result
            return out[0]
        return result

    def __array_function__(self, func, types, args, kwargs):
        impl = _Namespace.__dict__.get(func.__name__)
        if impl is None:
            raise no_kernel(func.__name__)
        return impl.__func__(*args, **kwargs)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() "
                        "first.")

    def __add__(self, other):
        # (the engine's sum of two sparse gradients for one input: torch's comes out
        # coalesced)
        if type(other) is SparseCoo:
            return NAMESPACE.add(self, other).coalesce()
        return NAMESPACE.add(self, other)

    def __radd__(self, other):
        return NAMESPACE.add(other, self)

    def __iadd__(self, other):
        # a leaf's sparse .grad taking a dense gradient: the sum is dense (torch's
        # AccumulateGrad makes the new .grad ``new_grad + grad``)
        return NAMESPACE.add(self, other) if type(other) is SparseCoo else \
            NAMESPACE.add(other, self)

    def __sub__(self, other):
        return NAMESPACE.subtract(self, other)

    def __mul__(self, other):
        return NAMESPACE.multiply(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return NAMESPACE.divide(self, other)

    def __neg__(self):
        return NAMESPACE.negative(self)

    def __matmul__(self, other):
        return NAMESPACE.matmul(self, other)

    # comparisons with a number are not zero-preserving: no SparseCPU kernel (relu's
    # backward asks one: torch's sparse threshold_backward is not built here)
    def __le__(self, other):
        raise no_kernel("le.Scalar")

    def __lt__(self, other):
        raise no_kernel("lt.Scalar")

    def __ge__(self, other):
        raise no_kernel("ge.Scalar")

    def __gt__(self, other):
        raise no_kernel("gt.Scalar")

    @property
    def T(self):
        return NAMESPACE.permute_dims(self, tuple(range(self.ndim))[::-1])

    @property
    def real(self):
        return self

    def __getitem__(self, key):
        # select(dim, index), as the table's select asks it: (:, ..., :, index, ...)
        dim = len(key) - 2 if type(key) is tuple and len(key) >= 2 else -1
        if dim < 0 or key[-1] is not Ellipsis or key[:dim] != (slice(None),) * dim or \
                not isinstance(key[dim], (int, numpy.integer)):
            raise no_kernel("as_strided")
        return select(self, dim, int(key[dim]) % self.shape[dim])

    def __setitem__(self, key, value):
        # an in-place op's result stored into its sparse tensor: the whole of it, sparse
        if key not in (Ellipsis, ()) or type(value) is not SparseCoo or value.shape != self.shape:
            raise no_kernel("copy_")
        self.indices, self.coalesced = value.indices, value.coalesced
        self.values = value.values.astype(self.values.dtype, copy=False)

    def astype(self, dtype, copy=True):
        return NAMESPACE.astype(self, numpy.dtype(dtype), copy)

    def copy(self):
        return SparseCoo(self.indices.copy(), self.values.copy(), self.shape, self.coalesced)

    def with_values(self, values):
        """The same indices holding ``values``."""
        return SparseCoo(self.indices, values, self.shape, self.coalesced)

    def coalesce(self):
        """torch's coalesce: the entries sorted by position (by std::sort), each position's
        first value copied and the others added to it in that order (so a lone -0.0 stays
        -0.0, and a float sum of three or more follows std::sort's order among them)."""
        if self.coalesced:
            return self
        keys, values = _summed(_keys(self.indices, self.shape), self.values)
        return SparseCoo(_unkeys(keys, self.shape[:self.sparse_dim]), values, self.shape, True)

    def to_dense(self):
        out = numpy.zeros(self.shape, self.values.dtype)
        if self.sparse_dim == 0:
            out += self.values.sum(axis=0)
        else:
            numpy.add.at(out, tuple(self.indices), self.values)
        return out


def _keys(indices, shape):
    """Each entry's position in the sparse dims, row-major (one int per entry)."""
    sd = indices.shape[0]
    if sd == 0:
        return numpy.zeros(indices.shape[1], _INDEX)
    return numpy.ravel_multi_index(tuple(indices), shape[:sd])


def _summed(keys, values):
    """The distinct keys, sorted, and for each the sum of its values as torch's coalesce
    makes it: in the order std::sort leaves equal keys in (which only a float sum of three
    or more can tell from the stable order), the first value copied and the others added
    in turn (a lone -0.0 stays -0.0)."""
    order = numpy.argsort(keys, kind="stable")
    ranked = keys[order]
    first = numpy.ones(len(keys), bool)
    first[1:] = ranked[1:] != ranked[:-1]
    group = numpy.cumsum(first) - 1
    if len(keys) > 16 and values.dtype.kind in "fc" and \
            (numpy.bincount(group) > 2).any():
        order = stl_sort_order(keys)
    out = values[order[first]]
    numpy.add.at(out, group[~first], values[order[~first]])
    return ranked[first], out


def _unkeys(keys, sparse_shape):
    if not sparse_shape:
        return numpy.zeros((0, len(keys)), _INDEX)
    return numpy.stack(numpy.unravel_index(keys, sparse_shape)).astype(_INDEX).reshape(
        len(sparse_shape), len(keys))


def coalesced_of(indices, values, shape):
    """A tensor already known to be coalesced (to_sparse, sums, masks)."""
    return SparseCoo(indices, values, shape, True)


def from_dense(array, sparse_dim):
    """The entries of a dense array that are nonzero (with dense dims: the slices that
    hold a nonzero), coalesced, as torch's to_sparse makes them."""
    if sparse_dim == 0:  # a 0-d array: one entry, unless it is zero
        n = int(bool(array != 0))
        return coalesced_of(numpy.zeros((0, n), _INDEX), array[None][:n], array.shape)
    nonzero = array != 0
    if sparse_dim < array.ndim:
        nonzero = nonzero.reshape(array.shape[:sparse_dim] + (-1,)).any(axis=-1)
    where = numpy.nonzero(nonzero)
    indices = numpy.stack(where).astype(_INDEX).reshape(sparse_dim, -1)
    return coalesced_of(indices, array[where], array.shape)


def values_at(sparse, indices):
    """The value of ``sparse`` (summed over duplicates) at each column of ``indices``
    (zero where it holds nothing): the gradient of the values a sparse tensor was built
    from, torch's sparse_constructor_values_backward."""
    if not isinstance(sparse, SparseCoo):
        return sparse[tuple(indices)] if indices.shape[0] else numpy.broadcast_to(
            sparse, (indices.shape[1],) + sparse.shape).copy()
    c = sparse.coalesce()
    have = _keys(c.indices, c.shape)
    want = _keys(indices, c.shape)
    out = numpy.zeros((len(want),) + c.values.shape[1:], c.values.dtype)
    if len(have):
        pos = numpy.minimum(numpy.searchsorted(have, want), len(have) - 1)
        hit = have[pos] == want
        out[hit] = c.values[pos[hit]]
    return out


def sparse_mask(grad, mask, coalesce_mask):
    """``grad`` (dense or sparse) read at the entries of ``mask``: torch's
    ``grad.sparse_mask(mask)`` (the mask's indices as they are, and its coalesced flag),
    or with ``coalesce_mask`` the gradient of to_dense (at the coalesced indices, though
    a leaf's .grad from it is not marked coalesced: torch's AccumulateGrad rebuilds a
    sparse gradient nothing else holds, dropping the flag; dyngrad drops it here)."""
    if coalesce_mask:
        indices, flag = mask.coalesce().indices, False
    else:
        indices, flag = mask.indices, mask.coalesced
    return SparseCoo(indices, values_at(grad, indices), mask.shape, flag)


def sum_dims(x, dims):
    """The sum over ``dims`` (sorted, non-negative): sparse while a sparse dim is left
    (coalesced), else the dense sum of the values."""
    sd = x.sparse_dim
    dense_gone = tuple(d - sd + 1 for d in dims if d >= sd)
    values = x.values.sum(axis=dense_gone) if dense_gone else x.values
    keep = [d for d in range(sd) if d not in dims]
    if not keep:
        return values.sum(axis=0)
    shape = tuple(n for d, n in enumerate(x.shape) if d not in dims)
    return SparseCoo(x.indices[keep], values, shape).coalesce()


def sum_dims_backward(grad, self, dims):
    """The gradient of ``sum_dims(self, dims)``: at each of self's (coalesced) entries,
    the gradient at the entry it was summed into."""
    c = self.coalesce()
    sd = c.sparse_dim
    keep = [d for d in range(sd) if d not in dims]
    values = values_at(grad, c.indices[keep])
    for d in dims:
        if d >= sd:
            values = numpy.expand_dims(values, d - sd + 1)
    values = numpy.broadcast_to(values, c.values.shape).astype(grad.dtype)
    return SparseCoo(c.indices, values, c.shape)


def _groups(x, dim):
    """For softmax over ``dim``: each entry's group (the entries that share every other
    sparse index) and the number of groups; None when ``dim`` is a dense dim."""
    sd = x.sparse_dim
    if dim >= sd:
        return None
    others = [d for d in range(sd) if d != dim]
    keys = _keys(x.indices[others], tuple(x.shape[d] for d in others)) if others else \
        numpy.zeros(x.nnz, _INDEX)
    unique, where = numpy.unique(keys, return_inverse=True)
    return where.reshape(-1), len(unique)


def _group_sum(values, groups):
    where, n = groups
    out = numpy.zeros((n,) + values.shape[1:], values.dtype)
    numpy.add.at(out, where, values)
    return out[where]


def softmax_values(x, dim, log):
    """torch.sparse.softmax: over the stored entries only (the others count as -inf),
    shaped as the coalesced input."""
    c = x.coalesce()
    groups = _groups(c, dim)
    v = c.values
    if groups is None:
        axis = dim - c.sparse_dim + 1
        top = v.max(axis=axis, keepdims=True) if v.size else v
        e = numpy.exp(v - top)
        total = e.sum(axis=axis, keepdims=True)
    else:
        where, n = groups
        top = numpy.full((n,) + v.shape[1:], -numpy.inf, v.dtype)
        numpy.maximum.at(top, where, v)
        e = numpy.exp(v - top[where])
        total = _group_sum(e, groups)
    out = (v - top if groups is None else v - top[where]) - numpy.log(total) if log \
        else e / total
    return SparseCoo(c.indices, out.astype(v.dtype), c.shape, True)


def softmax_backward_values(grad, result, dim, log):
    """The gradient of softmax_values for the input, at the result's entries."""
    g = values_at(grad, result.indices)
    y = result.values
    groups = _groups(result, dim)
    axis = dim - result.sparse_dim + 1

    def total(a):
        return a.sum(axis=axis, keepdims=True) if groups is None else _group_sum(a, groups)
    out = g - numpy.exp(y) * total(g) if log else y * (g - total(g * y))
    return SparseCoo(result.indices, out.astype(y.dtype), result.shape)


# -- the SparseCPU array module ---------------------------------------------------------
def no_kernel(name, backend="SparseCPU"):
    """torch's error for an operator ``name`` that ``backend`` has no kernel for."""
    name = _ATEN.get(name, name)
    return NotImplementedError(
        f"Could not run 'aten::{name}' with arguments from the '{backend}' backend. This "
        "could be because the operator doesn't exist for this backend, or was omitted "
        "during the selective/custom build process (if using custom build). If you are a "
        "Facebook employee using PyTorch on mobile, please visit "
        "https://fburl.com/ptmfixes for possible resolutions.")


# NumPy's names of the operations torch names otherwise
_ATEN = {"true_divide": "div.Tensor", "divide": "div.Tensor", "power": "pow.Tensor_Scalar",
         "absolute": "abs", "equal": "eq.Tensor", "not_equal": "ne.Tensor",
         "less": "lt.Tensor", "greater": "gt.Tensor", "mean": "mean.dim",
         "reshape": "view", "isfinite": "ne.Scalar", "squeeze": "as_strided"}


def _is_sparse(x):
    return type(x) is SparseCoo


def _same_size(a, b, what="add"):
    if a.shape != b.shape:
        raise RuntimeError(f"{what}: expected sizes of 'self' and 'other' to match, but "
                           f"{list(a.shape)} != {list(b.shape)}")


def _common(a, b):
    return numpy.result_type(a.dtype if hasattr(a, "dtype") else a,
                             b.dtype if hasattr(b, "dtype") else b)


class _Namespace:
    """The array module of SparseCoo arrays (what ``__array_namespace__`` returns)."""

    __name__ = "SparseCPU"

    def __getattr__(self, name):
        if name.startswith("_") or name in _DTYPE_NAMES:
            raise AttributeError(name)

        def refuse(*args, **kwargs):
            raise no_kernel(name)
        refuse.__name__ = name
        return refuse

    @staticmethod
    def asarray(value, dtype=None, device=None, copy=None):
        if isinstance(value, SparseCoo):
            value = value.copy() if copy else value
            return value if dtype is None else _Namespace.astype(value, dtype)
        return numpy.asarray(value, dtype=dtype)

    @staticmethod
    def astype(x, dtype, copy=False):
        if not isinstance(x, SparseCoo):
            return numpy.asarray(x).astype(dtype, copy=copy)
        if x.dtype == dtype and not copy:
            return x
        with numpy.errstate(over="ignore", invalid="ignore"):
            return x.with_values(x.values.astype(dtype))

    @staticmethod
    def zeros_like(x, dtype=None):
        dtype = x.dtype if dtype is None else dtype
        return SparseCoo(x.indices[:, :0], numpy.zeros((0,) + x.values.shape[1:], dtype),
                         x.shape, True)

    @staticmethod
    def zeros(shape, dtype=None, device=None):
        """A sparse tensor holding no entries, every dim sparse (the zero gradient of a
        sparse input, as torch's zeros_like of a sparse grad)."""
        shape = tuple(shape)
        return SparseCoo(numpy.zeros((len(shape), 0), _INDEX),
                         numpy.zeros((0,), numpy.float32 if dtype is None else dtype), shape,
                         True)

    @staticmethod
    def add(a, b):
        if _is_sparse(a) and _is_sparse(b):
            return _add_sparse(a, b)
        if _is_sparse(a):  # (a number too: torch wraps it as a 0-d dense tensor)
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) "
                               "instead.")
        if numpy.shape(a) != b.shape:
            raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self "
                               f"has size {list(numpy.shape(a))} while other has size "
                               f"{list(b.shape)} (FYI: dense-sparse addition does not "
                               "currently support broadcasting)")
        out = numpy.array(a, dtype=_common(a, b), copy=True)
        if b.sparse_dim:
            numpy.add.at(out, tuple(b.indices), b.values)
        else:
            out += b.values.sum(axis=0)
        return out

    @staticmethod
    def subtract(a, b):
        if not _is_sparse(b):
            return _Namespace.add(a, b)  # (refused: sparse - dense)
        return _Namespace.add(a, _Namespace.negative(b))

    @staticmethod
    def negative(x):
        return x.with_values(-x.values)

    @staticmethod
    def multiply(a, b):
        if not _is_sparse(a):
            a, b = b, a
        if _is_sparse(b):
            _same_size(a, b, "mul")
            return NAMESPACE.multiply(a, b.to_dense())
        if numpy.ndim(b) == 0:
            return a.with_values(numpy.multiply(a.values, b, dtype=_common(a, b)))
        if b.shape != a.shape:
            raise no_kernel("mul.Tensor")
        # a dense factor of the same size: read at the stored entries
        return a.with_values(numpy.multiply(a.values, values_at(b, a.indices),
                                            dtype=_common(a, b)))

    @staticmethod
    def divide(a, b):
        shape = numpy.shape(b) if not _is_sparse(b) else b.shape
        if shape or _is_sparse(b):
            raise RuntimeError("Sparse division requires a scalar or zero-dim dense tensor "
                               f"divisor (got shape {list(shape)} for divisor)")
        if not _is_sparse(a):  # (a number over a sparse tensor: its reciprocal first)
            raise no_kernel("reciprocal")
        dt = _common(a, b)
        if dt.kind not in "fc":
            dt = numpy.result_type(dt, numpy.float32)
        return a.with_values(numpy.true_divide(a.values, b, dtype=dt))

    true_divide = divide

    @staticmethod
    def sum(x, axis=None, keepdims=False, dtype=None):
        if keepdims:
            raise no_kernel("sum.dim_IntList")
        if axis is None:
            return numpy.asarray(x.values.sum(dtype=dtype))
        n = x.ndim
        return sum_dims(NAMESPACE.astype(x, dtype) if dtype is not None else x,
                        tuple(sorted(d % n for d in axis)))

    @staticmethod
    def any(x, axis=None, keepdims=False):
        # (torch's: any stored value, whether or not entries of one position cancel)
        if axis is not None:
            raise no_kernel("any.dim")
        return numpy.asarray(x.values.any())

    @staticmethod
    def conj(x):
        return x if x.dtype.kind != "c" else x.with_values(numpy.conj(x.values))

    conjugate = conj

    @staticmethod
    def broadcast_to(x, shape):
        raise RuntimeError("expand is unsupported for Sparse tensors")

    @staticmethod
    def permute_dims(x, dims):
        sd = x.sparse_dim
        dims = tuple(dims)
        if dims[sd:] != tuple(range(sd, x.ndim)):
            moved = [d for d, k in enumerate(dims) if d != k]
            raise RuntimeError("sparse transpose: transposed dimensions must be sparse Got "
                               f"sparse_dim: {sd}, d0: {moved[0]}, d1: {moved[-1]}")
        shape = tuple(x.shape[d] for d in dims)
        values = x.values.transpose((0,) + tuple(d - sd + 1 for d in dims[sd:]))
        if dims[:sd] == tuple(range(sd)):
            return SparseCoo(x.indices, values, shape, x.coalesced)
        return SparseCoo(x.indices[list(dims[:sd])], values, shape, False)

    @staticmethod
    def matmul(a, b):
        if _is_sparse(a) and _is_sparse(b):
            return sparse_product(a, b)
        if _is_sparse(b) and not _is_sparse(a) and a.ndim == 2 == b.ndim == b.sparse_dim:
            # dense @ sparse: each entry (i, j, v) of b adds v * a[:, i] to column j
            out = numpy.zeros((b.shape[1], a.shape[0]), _common(a, b))
            return scaled_rows_added(out, b.indices[1], b.values, a.T[b.indices[0]]).T
        if not _is_sparse(a) or _is_sparse(b):
            raise no_kernel("mm")
        if a.sparse_dim != 2 or a.ndim != 2:
            raise RuntimeError(f"addmm: matrices expected, got {a.ndim}D tensor")
        if b.ndim == 1:
            return addmm(None, a, b[:, None], 0, 1)[:, 0]
        return addmm(None, a, b, 0, 1)


_DTYPE_NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32",
                "uint64", "float16", "float32", "float64", "complex64", "complex128",
                "bfloat16")


def addmm(bias, a, b, beta, alpha):
    """``beta * bias + alpha * (a @ b)``, ``a`` a sparse matrix, as torch's kernel makes it:
    the bias scaled first (left out where beta is 0), then each of a's entries (i, k, v) in
    turn adds ``(alpha * v) * b[k]`` to row i."""
    dt = _common(a, b)
    shape = (a.shape[0], b.shape[1])
    if beta == 0:
        out = numpy.zeros(shape, dt)
    else:
        out = numpy.array(numpy.broadcast_to(bias, shape), dtype=dt)
        if beta != 1:
            out *= beta
    scales = a.values.astype(dt, copy=False)
    if alpha != 1:
        scales = scales * dt.type(alpha)
    return scaled_rows_added(out, a.indices[0], scales, b[a.indices[1]])


def scaled_rows_added(out, rows, scales, added):
    """``out[rows[j]] += scales[j] * added[j]`` for each j in turn, as torch's sparse
    products add them (axpy: one rounding a step in float32 and float64)."""
    if out.dtype in (numpy.float32, numpy.float64):
        return fma_at(out, rows, scales[:, None].astype(out.dtype), added)
    numpy.add.at(out, rows, scales[:, None] * added)
    return out


def _add_sparse(a, b):
    """Sparse + sparse as torch's CPU kernel adds them: a merge of the two entry lists by
    position (equal positions summed into one entry, explicit zeros kept), which sorts
    and joins two coalesced tensors; on uncoalesced ones the same merge runs on the
    entries as they are, and so does dyngrad (a loop over the entries)."""
    _same_size(a, b)
    dt = _common(a, b)
    av, bv = a.values.astype(dt), b.values.astype(dt)
    ka, kb = _keys(a.indices, a.shape), _keys(b.indices, b.shape)
    if a.coalesced and b.coalesced:  # (every sum from zero: a lone -0.0 becomes 0.0)
        keys, where = numpy.unique(numpy.concatenate([ka, kb]), return_inverse=True)
        values = numpy.zeros((len(keys),) + av.shape[1:], dt)
        numpy.add.at(values, where.reshape(-1), numpy.concatenate([av, bv]))
        return SparseCoo(_unkeys(keys, a.shape[:a.sparse_dim]), values, a.shape, True)
    order, summed = [], []  # per output entry: (source, position), and a's entries summed
    i = j = 0
    while i < len(ka) or j < len(kb):
        if j == len(kb) or (i < len(ka) and ka[i] < kb[j]):
            order.append((0, i))
            i += 1
        elif i == len(ka) or kb[j] < ka[i]:
            order.append((1, j))
            j += 1
        else:
            summed.append(len(order))
            order.append((2, i, j))
            i += 1
            j += 1
    cols = [a.indices[:, o[1]] if o[0] != 1 else b.indices[:, o[1]] for o in order]
    vals = [av[o[1]] if o[0] == 0 else bv[o[1]] if o[0] == 1 else av[o[1]] + bv[o[2]]
            for o in order]
    indices = numpy.stack(cols, axis=1) if cols else a.indices[:, :0]
    values = numpy.stack(vals).astype(dt) if vals else av[:0]
    return SparseCoo(indices.astype(_INDEX), values, a.shape, False)


# the kernels of selection, joining, sparse products and elementwise functions (their own
# file, which builds on the above)
from ._sparse_kernels import (NAMESPACE_FUNCTIONS, matrix_mask, select,  # noqa: E402
                              sparse_product)

for _name, _f in NAMESPACE_FUNCTIONS.items():
    setattr(_Namespace, _name, staticmethod(_f))
NAMESPACE = _backend.register_numpy_dtyped(_Namespace())

"""Gathering and scattering along a dim or through a mask or flat positions.

gather, scatter and scatter_add are declared in reduction.py (max and min's backward
needs them); here are the rest of the family with derivatives.yaml's formulas:
scatter of a value, scatter_reduce, index_select/add/copy/fill, masked_select/scatter,
take and put, and torch's public signatures and checks for all of them. Each formula is
written with the family's own ops, so every derivative order comes free (index_select's
backward is an index_add, take's a put, masked_select's a masked_scatter, ...).
"""
import math

from .. import _backend
from .._meta_array import no_kernel
from .._sparse_coo import SparseCoo, no_kernel as sparse_no_kernel
from .. import _dtype as _dt
from .._args import user_stacklevel
from .._runtime_flags import warn_once
from ..creation import as_read, check_scalar
from ..tensor import Tensor, _wrap, _wrap_dim
from . import pointwise as pw
from ._promote import broadcast_shapes
from ._table import LINEAR, TRANSPOSED, Op
from .pointwise import _not_implemented, masked_fill_op, zeros_like
from .reduction import _scatter_into, gather, scatter, scatter_add, scatter_value, sum_all
from .views import new_zeros, reshape
from .views import slice_
from .views import new_zeros as nz
from .views import expand
from .views import view

xp = _backend.xp


def _index_array(index):
    return index._data if isinstance(index, Tensor) else index


def _check_bounds(index, size, dim):
    if index.size and _backend.has_values(index):
        bad = index[(index >= size) | (index < 0)]
        if bad.size:
            raise RuntimeError(f"index {int(bad.flat[0])} is out of bounds for dimension {dim} "
                               f"with size {size}")


def _check_gather_args(input, dim, index, name, who="input", src=None):
    idx = _index_array(index)
    if idx.dtype != xp.int64 and (name != "gather" or idx.dtype != xp.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index" if name == "gather"
                           else f"{name}(): Expected dtype int64 for index")
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    n = input.dim()
    if idx.ndim != n and not (idx.ndim <= 1 and n <= 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {who} tensor")
    d = _wrap_dim(dim, n)
    if idx.size:
        _check_shapes(tuple(input.shape), d, idx.shape, who,
                      tuple(src.shape) if isinstance(src, Tensor) else None)
    _check_bounds(idx, input.shape[d] if n else 1, d)
    return d


def _check_shapes(shape, dim, index_shape, who, src_shape):
    """torch's gather_shape_check and scatter_shape_check: the index no larger than the input
    along the other dims (and, scattering a tensor, than the source along every dim)."""
    def size(s, k):
        return s[k] if s else 1
    n = max(len(shape), 1)
    for k in range(n):
        if k != dim and size(index_shape, k) > size(shape, k):
            if who == "input":
                raise RuntimeError(f"Size does not match at dimension {k} expected index "
                                   f"{list(index_shape)} to be no larger than self {list(shape)} "
                                   f"apart from dimension {dim}")
            break
    else:
        if src_shape is None or all(size(index_shape, k) <= size(src_shape, k) for k in range(n)):
            return
    tail = "" if src_shape is None else f" and to be no larger size than src {list(src_shape)}"
    raise RuntimeError(f"Expected index {list(index_shape)} to be no larger than self "
                       f"{list(shape)} apart from dimension {dim}{tail}")


def _long(index):
    if isinstance(index, Tensor) and index.dtype is not _dt.int64:
        return _wrap(index._data.astype(xp.int64))
    return index


def gather_fn(input, dim, index, *, sparse_grad=False, out=None):
    d = _check_gather_args(input, dim, index, "gather")
    return gather(input, d, _long(index))


# -- scatter --------------------------------------------------------------------------------
def _check_scatter(input, dim, index, src, name):
    return _check_gather_args(input, dim, index, name, "self", src)


def scatter_fn(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    if src is None:
        src = value
    d = _check_scatter(input, dim, index, src, "scatter")
    if reduce is not None:
        op, args = _scatter_reduce_legacy(input, d, index, src, reduce, scatter_legacy_reduce)
        return op(*args)
    if isinstance(src, Tensor):
        return scatter(input, d, index, src)
    return scatter_value(input, d, index, src)


def _scatter_reduce_legacy(input, dim, index, src, reduce, op):
    if reduce not in ("add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply.")
    if isinstance(src, Tensor):
        warn_once(_REDUCE_DEPRECATED, _REDUCE_DEPRECATED, stacklevel=user_stacklevel() + 1)
    return op, (input, dim, index, src, reduce)


_REDUCE_DEPRECATED = (
    "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed "
    "in a future PyTorch release. Use torch.scatter_reduce instead for more reduction options. "
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
    "TensorAdvancedIndexing.cpp:225.)")


def _legacy_reduce_op(name):
    """scatter(..., reduce='add'|'multiply'): torch records a node whose backward raises,
    naming the op (scatter or scatter_)."""
    return Op("torch::autograd::NotImplemented",
              lambda self, dim, index, src, reduce: _scatter_into(
                  self, dim, index, src, xp.add if reduce == "add" else xp.multiply),
              nondiff=("index",), self=_not_implemented(name), src=_not_implemented(name))


scatter_legacy_reduce = _legacy_reduce_op("scatter")
scatter_legacy_reduce_ = _legacy_reduce_op("scatter_")


def scatter_add_fn(input, dim, index, src):
    d = _check_scatter(input, dim, index, src, "scatter_add")
    return scatter_add(input, d, index, src)


def _refuse_double_backward(grad, op_name, input_name):
    raise RuntimeError(f"{op_name}(): Double backward is unsupported for {input_name} when >1 "
                       f"zeros in {input_name} are scattered to the same position in self")


# torch's DelayedError: the gradient as it is, refusing to be differentiated (where two
# zeros of a source met in one product, torch gives no second derivative)
double_backward_refused = Op("torch::autograd::Error", lambda self, op_name, input_name: self,
                             jvp=LINEAR, self=_refuse_double_backward)


# -- scatter_reduce -----------------------------------------------------------------------
_REDUCE_UFUNC = {"sum": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum,
                 "mean": xp.add}


def _scatter_reduce(self, dim, index, src, reduce, include_self):
    out = self.copy()
    if not include_self:
        # the scattered-to places start from the reduction's identity
        ident = {"sum": 0, "mean": 0, "prod": 1,
                 "amax": -xp.inf if self.dtype.kind in "fc" else xp.iinfo(self.dtype).min,
                 "amin": xp.inf if self.dtype.kind in "fc" else xp.iinfo(self.dtype).max}[reduce]
        out = _scatter_into(out, dim, index, xp.asarray(ident, dtype=self.dtype), None)
    out = _scatter_into(out, dim, index, src[tuple(slice(0, s) for s in index.shape)],
                        _REDUCE_UFUNC[reduce])
    if reduce == "mean":
        count = xp.ones(self.shape, dtype=self.dtype) if include_self else \
            xp.zeros(self.shape, dtype=self.dtype)
        count = _scatter_into(count, dim, index, xp.ones(index.shape, self.dtype), xp.add)
        count[count == 0] = 1
        out = out / count if self.dtype.kind in "fc" else out // count
        out = out.astype(self.dtype, copy=False)
    return out


def _reduce_backward(grad, self, dim, index, src, reduce, include_self, result, want_src):
    """torch's scatter_reduce_backward, for self (want_src False) or for src."""
    if reduce == "sum":
        g_self, g_src = grad, gather(grad, dim, index)
    elif reduce == "mean":
        n = pw.add(new_zeros(grad, tuple(grad.shape)), 0.0 if not include_self else 1.0, 1)
        n = scatter_add(n, dim, index, _ones_like(src, index))
        n = pw.masked_fill_op(n, pw.eq(n, 0), 1)
        g_self, g_src = grad / n, gather(grad, dim, index) / gather(n, dim, index)
    elif reduce in ("amax", "amin"):
        value = gather(result, dim, index)
        self_is_result = _as_float(pw.eq(self, result), grad)
        # (a src wider than the index fails here, as torch's formula does)
        src_is_result = _as_float(pw.eq(src, value), grad)
        n = scatter_add(self_is_result, dim, index, src_is_result)
        distributed = grad / n
        g_self = self_is_result * distributed
        g_src = src_is_result * gather(distributed, dim, index)
    else:  # prod: the zeros' gradients are the products of the others
        masked_self = pw.masked_fill_op(self, pw.eq(self, 0), 1)
        masked_result = scatter_reduce_op(masked_self, dim, index, src, reduce, include_self)
        g_self = grad * masked_result / masked_self
        src_zero = pw.eq(src, 0)
        src_num_zeros = gather(scatter_add(pw.zeros_like(self), dim, index,
                                           _as_float(src_zero, self)), dim, index)
        src_single_zero = pw.logical_and(src_zero, pw.eq(src_num_zeros, 1))
        masked_src = pw.masked_fill_op(src, src_single_zero, 1)
        masked_src_result = scatter_reduce_op(self, dim, index, masked_src, reduce, include_self)
        g_src = pw.where(src_single_zero, gather(grad * masked_src_result, dim, index),
                         gather(grad * result, dim, index) / pw.masked_fill_op(src, src_zero, 1))
        if isinstance(grad, Tensor) and xp.any(src_num_zeros._data > 1):
            g_src = double_backward_refused(g_src, "scatter_reduce", "src")
    if not include_self:
        g_self = scatter_value(g_self, dim, index, 0.0)
    return g_src if want_src else g_self


def _ones_like(src, index):
    return pw.add(nz(src, tuple(index.shape)), 1.0, 1)


def _as_float(mask, like):
    if hasattr(mask, "_data"):
        from .torch_shape import to_copy
        return to_copy(mask, like.dtype)
    return mask.astype(like.dtype)


scatter_reduce_op = Op(
    "ScatterReduceBackward0", _scatter_reduce, jvp=TRANSPOSED, nondiff=("index",),
    real_grad_only="scatter_reduce",
    self=lambda grad, self, dim, index, src, reduce, include_self, result:
        _reduce_backward(grad, self, dim, index, src, reduce, include_self, result, False),
    src=lambda grad, self, dim, index, src, reduce, include_self, result:
        _reduce_backward(grad, self, dim, index, src, reduce, include_self, result, True))


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    d = _check_scatter(input, dim, index, src, "scatter_reduce")
    return scatter_reduce_op(input, d, index, src, reduce, include_self)


# -- index_select, index_add, index_copy, index_fill -------------------------------------------
def _along(dim, index, ndim):
    return (slice(None),) * dim + (index,) + (slice(None),) * (ndim - dim - 1)


def _index_select(self, dim, index):
    if self.ndim == 0:  # (index_select_fn has checked the index: one 0)
        return self.copy()
    return xp.take(self, index.reshape(-1), axis=dim)


def _index_add(self, dim, index, source, alpha):
    out = self.copy()
    src = source if alpha == 1 else source * xp.asarray(alpha, dtype=source.dtype)
    if self.ndim == 0:
        return out + src.reshape(()).astype(self.dtype) * len(index.reshape(-1))
    xp.add.at(out, _along(dim, index.reshape(-1), self.ndim), src.astype(self.dtype, copy=False))
    return out


def _index_copy(self, dim, index, source):
    out = self.copy()
    if self.ndim == 0:
        return source.reshape(()).astype(self.dtype)
    out[_along(dim, index.reshape(-1), self.ndim)] = source
    return out


def _index_fill(self, dim, index, value):
    value = as_read(value, self.dtype)
    out = self.copy()
    if self.ndim == 0:
        return xp.asarray(value, dtype=self.dtype) if index.size else out
    out[_along(dim, index.reshape(-1), self.ndim)] = value
    return out


def _index_select_backward(grad, self_sym_sizes, dim, index):
    if type(getattr(grad, "_data", grad)) is SparseCoo:  # (torch's zeros(...).index_add_)
        raise sparse_no_kernel("index_add_")
    return index_add(new_zeros(grad, tuple(self_sym_sizes)), dim, index, grad, 1)


def _source_backward(grad, dim, index, source):
    # torch: grad.index_select(dim, index).expand_as(source); a 0-d source takes the
    # selection as it is (one element, which the engine sums to the source's shape)
    if source.ndim == 0:
        return index_select(grad, dim, index)
    return expand(index_select(grad, dim, index), tuple(source.shape))


index_select = Op("IndexSelectBackward0", _index_select, jvp=LINEAR, nondiff=("index",),
                  self=_index_select_backward)
index_add = Op("IndexAddBackward0", _index_add, jvp=LINEAR, nondiff=("index",),
               self=lambda grad: grad,
               source=lambda grad, dim, index, source, alpha:
                   _maybe_multiply(_source_backward(grad, dim, index, source), alpha))
index_copy = Op("IndexCopyBackward0", _index_copy, jvp=LINEAR, nondiff=("index",),
                self=lambda grad, dim, index: index_fill(grad, dim, index, 0),
                source=_source_backward)
index_fill = Op("IndexFillBackward0", _index_fill, nondiff=("index",),
                jvp=lambda self_t, dim, index: index_fill(self_t, dim, index, 0),
                self=lambda grad, dim, index: index_fill(grad, dim, index, 0))


def _index_fill_value_backward(grad, dim, index):
    unique = xp.unique(_index_array(index))
    if hasattr(grad, "_data"):
        unique = _wrap(unique)
    return sum_all(index_select(grad, dim, unique))


index_fill_tensor = Op("IndexFillBackward1", _index_fill, jvp=LINEAR, nondiff=("index",),
                       self=lambda grad, dim, index: index_fill(grad, dim, index, 0),
                       value=_index_fill_value_backward)


def _maybe_multiply(x, s):
    return x if s == 1 else pw.mul_scalar(x, s)


def _check_index_vector(input, dim, index, name):
    idx = _index_array(index)
    if idx.ndim > 1:
        if name == "index_select":
            raise IndexError("index_select(): Index is supposed to be a vector")
        raise RuntimeError("Index has to be a vector/scalar" if name == "index_fill" else
                           f"{name}_(): Index is supposed to be a vector")
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index" if name ==
                           "index_select" else f"{name}_(): Expected a long tensor for index, "
                           f"but got {_dt._FROM_NP[idx.dtype]._cname}")
    d = _wrap_dim(dim, input.dim())
    return d, idx


def index_select_fn(input, dim, index, *, out=None):
    d, idx = _check_index_vector(input, dim, index, "index_select")
    if not input.dim() and idx.size != 1:
        raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                           f"{idx.size} value(s)")
    size = input.shape[d] if input.dim() else 1
    if idx.size and size == 0 and input.dim() > 1:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    bad = idx[(idx >= size) | (idx < 0)] if _backend.has_values(idx) else ()
    if len(bad):
        # (torch's CPU kernel has its own loop, and message, for dim 1 of a matrix or more)
        if d == 1 and input.dim() > 1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad.flat[0])} "
                               f"axis_dim={size}")
        raise IndexError("index out of range in self")
    return index_select(input, d, _long(index))


def index_add_fn(input, dim, index, source, *, alpha=1, out=None):
    d, idx = _check_index_vector(input, dim, index, "index_add")
    if source.dim() and d >= source.dim():
        raise RuntimeError(f"index_add_(): Indexing dim {d} is out of bounds of the source tensor "
                           f"with dim {source.dim()}")
    n = source.shape[d] if source.dim() else 1
    if idx.size != n and not source.dim():  # (torch then asks the 0-d source for its size)
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    if idx.size != n:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({n}), for dim: {d}")
    kept, given = list(input.shape), list(source.shape)
    if input.dim() and source.dim():  # (a 0-d one is compared whole)
        del kept[d], given[d]
    if kept != given:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    _check_bounds(idx, input.shape[d] if input.dim() else 1, d)
    return index_add(input, d, _long(index), source, alpha)


def index_copy_fn(input, dim, index, source, *, out=None):
    d, idx = _check_index_vector(input, dim, index, "index_copy")
    size = input.shape[d] if input.dim() else 1
    bad = idx[(idx >= size) | (idx < 0)]
    if bad.size:
        raise IndexError(f"index_copy_(): index {int(bad[0])} is out of bounds for dimension {d} "
                         f"with size {size}")
    return index_copy(input, d, _long(index), source)


def index_fill_fn(input, dim, index, value):
    d, idx = _check_index_vector(input, dim, index, "index_fill")
    size = input.shape[d] if input.dim() else 1
    # (a negative index counts from the end; a meta index has no values to check)
    bad = idx[(idx >= size) | (idx < -size)] if _backend.has_values(idx) else ()
    if len(bad):
        raise IndexError(f"index {int(bad.flat[0])} is out of bounds for dimension {d} with "
                         f"size {size}")
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.dim()} dimension(s).")
        return index_fill_tensor(input, d, _long(index), value)
    check_scalar(value, getattr(input, "_data", input).dtype)
    return index_fill(input, d, _long(index), value)


# -- masked_select, masked_scatter ----------------------------------------------------------
def _masked_select(self, mask):
    if not (_backend.has_values(self) and _backend.has_values(mask)):
        raise no_kernel("aten::masked_select")
    shape = broadcast_shapes(mask.shape, self.shape)  # (torch's order, in its message)
    return xp.broadcast_to(self, shape)[xp.broadcast_to(mask, shape)]


def _masked_scatter(self, mask, source):
    shape = broadcast_shapes(mask.shape, self.shape)  # (torch's order, in its message)
    m = xp.broadcast_to(mask, shape)
    if not (_backend.has_values(self) and _backend.has_values(mask)):  # meta: the shape only
        return xp.broadcast_to(self, shape).copy()
    n = int(m.sum())
    if n > source.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = xp.array(xp.broadcast_to(self, shape))
    out[m] = source.reshape(-1)[:n]
    return out


def _masked_select_backward(grad, self, mask):
    shape = broadcast_shapes(tuple(self.shape), tuple(mask.shape))
    return masked_scatter(new_zeros(grad, shape), mask, grad)


def _masked_scatter_backward(grad_output, mask, sizes):
    # the masked places of the gradient in order, then zeros for the source's unread rest
    selected = _masked_select(grad_output, mask)
    out = xp.zeros(math.prod(sizes), grad_output.dtype)
    out[:selected.size] = selected
    return out.reshape(sizes)


# torch's masked_scatter_backward, one node in the graph of masked_scatter's gradient
masked_scatter_backward = Op(
    "MaskedScatterBackwardBackward0", _masked_scatter_backward, jvp=LINEAR, nondiff=("mask",),
    grad_output=lambda grad, grad_output, mask: masked_scatter(zeros_like(grad_output), mask, grad))


masked_select = Op("MaskedSelectBackward0", _masked_select, jvp=LINEAR, nondiff=("mask",),
                   self=_masked_select_backward)
masked_scatter = Op("MaskedScatterBackward0", _masked_scatter, jvp=LINEAR, nondiff=("mask",),
                    self=lambda grad, mask: masked_fill_op(grad, mask, 0),
                    source=lambda grad, mask, source_sym_sizes: masked_scatter_backward(
                        grad, mask, tuple(source_sym_sizes)))


def _check_mask(mask, name):
    if mask.dtype is not _dt.bool:
        raise RuntimeError(f"{name}: expected BoolTensor for mask" if name == "masked_select" else
                           f"{name}_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype._cname.lower()}")


def masked_select_fn(input, mask, *, out=None):
    _check_mask(mask, "masked_select")
    return masked_select(input, mask)


def masked_scatter_fn(input, mask, source):
    _check_mask(mask, "masked_scatter")
    return masked_scatter(input, mask, source)


# -- take, put, take_along_dim ----------------------------------------------------------------
def _put(self, index, source, accumulate):
    out = self.copy().reshape(-1)
    idx = index.reshape(-1)
    src = source.reshape(-1).astype(self.dtype, copy=False)
    if accumulate:
        xp.add.at(out, idx, src)
    else:
        out[idx] = src
    return out.reshape(self.shape)


take = Op("TakeBackward0", lambda self, index: self.reshape(-1)[index], jvp=LINEAR,
          nondiff=("index",),
          self=lambda grad, self, index: put(zeros_like(self), index, grad, True))
put = Op("PutBackward0", _put, jvp=LINEAR, nondiff=("index",),
         self=lambda grad, index, source, accumulate:
             grad if accumulate else put(grad, index, zeros_like(source), False),
         source=lambda grad, index, source: reshape(take(grad, index), tuple(source.shape)))


def _check_take(input, index, name, source=None):
    idx = _index_array(index)
    if idx.dtype != xp.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got "
                           f"{_dt._FROM_NP[idx.dtype]._cname}")
    if source is not None:  # put_, whose out-of-place form is put_ too in torch's messages
        if source.dtype is not input.dtype:
            raise RuntimeError(f"put_(): self and source expected to have the same dtype, but "
                               f"got self.dtype = {input.dtype._cname} and source.dtype = "
                               f"{source.dtype._cname}")
        if source.numel() != idx.size:
            raise IndexError(f"put_(): Expected source and index to have the same number of "
                             f"elements, but got source.numel() = {source.numel()}, "
                             f"index.numel() = {idx.size}")
    n = input.numel()
    bad = idx[(idx >= n) | (idx < -n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor of {n} "
                         "elements.")


def take_fn(input, index, *, out=None):
    _check_take(input, index, "take")
    return take(input, index)


def put_fn(input, index, source, accumulate=False):
    _check_take(input, index, "put_", source)
    return put(input, index, source, accumulate)


def take_along_dim(input, indices, dim=None, *, out=None):
    from . import torch_shape as ts
    if dim is None:
        return gather_fn(ts.view(input, -1), 0, ts.view(indices, -1))
    if indices.dtype is not _dt.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{indices.dtype._cname}")
    d = _wrap_dim(dim, input.dim())
    if input.dim() != indices.dim():
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number "
                           f"of dimensions, but got {input.dim()} dimensions for input, and "
                           f"{indices.dim()} dimensions for indices")
    # torch broadcasts both (broadcast_to: an expand, always) but along dim
    sizes = list(input.shape)
    sizes[d] = indices.shape[d]
    index_shape = broadcast_shapes(tuple(sizes), tuple(indices.shape))
    sizes = list(indices.shape)
    sizes[d] = input.shape[d]
    input_shape = broadcast_shapes(tuple(sizes), tuple(input.shape))
    # (along a dim torch wraps a negative index: no bounds check here)
    return gather(ts.expand(input, input_shape), d, _long(ts.expand(indices, index_shape)))


# -- in-place forms ---------------------------------------------------------------------------
def _inplace(entry_fn, op_of):
    """``x.name_(...)``: the checked arguments of the out-of-place function, applied in place."""
    def method(self, *args, **kwargs):
        from .inplace import apply_inplace
        op, op_args = op_of(self, *args, **kwargs)
        return apply_inplace(op, self, op_args)
    method.__name__ = entry_fn.__name__ + "_"
    return method


def _scatter_args(self, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    d = _check_scatter(self, dim, index, src, "scatter_")
    if reduce is not None:
        return _scatter_reduce_legacy(self, d, index, src, reduce, scatter_legacy_reduce_)
    if isinstance(src, Tensor):
        return scatter, (self, d, index, src)
    return scatter_value, (self, d, index, src)


def _scatter_add_args(self, dim, index, src):
    return scatter_add, (self, _check_scatter(self, dim, index, src, "scatter_add_"), index, src)


def _scatter_reduce_args(self, dim, index, src, reduce, *, include_self=True):
    d = _check_scatter(self, dim, index, src, "scatter_reduce_")
    return scatter_reduce_op, (self, d, index, src, reduce, include_self)


def _index_add_args(self, dim, index, source, *, alpha=1):
    index_add_fn(self.detach(), dim, index, source.detach())  # the checks
    return index_add, (self, _wrap_dim(dim, self.dim()), _long(index), source, alpha)


def _index_copy_args(self, dim, index, source):
    index_copy_fn(self.detach(), dim, index, source.detach())
    return index_copy, (self, _wrap_dim(dim, self.dim()), _long(index), source)


def _index_fill_args(self, dim, index, value):
    d = _wrap_dim(dim, self.dim())
    if isinstance(value, Tensor):
        return index_fill_tensor, (self, d, _long(index), value)
    check_scalar(value, self._data.dtype)
    return index_fill, (self, d, _long(index), value)


def _masked_scatter_args(self, mask, source):
    _check_mask(mask, "masked_scatter")
    return masked_scatter, (self, mask, source)


def _put_args(self, index, source, accumulate=False):
    _check_take(self, index, "put_", source)
    return put, (self, index, source, accumulate)


FUNCTIONS = {
    "gather": gather_fn, "scatter": scatter_fn, "scatter_add": scatter_add_fn,
    "scatter_reduce": scatter_reduce, "index_select": index_select_fn, "index_add": index_add_fn,
    "index_copy": index_copy_fn, "index_fill": index_fill_fn, "masked_select": masked_select_fn,
    "masked_scatter": masked_scatter_fn, "take": take_fn, "put": put_fn,
    "take_along_dim": take_along_dim,
}
METHODS = dict(FUNCTIONS)
METHODS.update({
    "scatter_": _inplace(scatter_fn, _scatter_args),
    "scatter_add_": _inplace(scatter_add_fn, _scatter_add_args),
    "scatter_reduce_": _inplace(scatter_reduce, _scatter_reduce_args),
    "index_add_": _inplace(index_add_fn, _index_add_args),
    "index_copy_": _inplace(index_copy_fn, _index_copy_args),
    "index_fill_": _inplace(index_fill_fn, _index_fill_args),
    "masked_scatter_": _inplace(masked_scatter_fn, _masked_scatter_args),
    "put_": _inplace(put_fn, _put_args),
})

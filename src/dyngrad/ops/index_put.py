"""``index_put`` (``t[indices] = values`` as a function) and ``index_reduce`` (a reduction
of ``source``'s slices into ``self``'s along one dim), with their in-place forms.

``index_put`` is indexing.py's entry, the one ``t[mask] = v`` runs; here are its public
checks. ``index_reduce``'s derivatives are torch's index_reduce_backward, written with
the index family's own ops (index_select, index_add, index_fill).

>>> import dyngrad as torch
>>> torch.index_put(torch.zeros(3), (torch.tensor([0, 2]),), torch.tensor([1., 2.]))
tensor([1., 0., 2.])
"""
import warnings

from .. import _backend
from .._args import type_name
from .._runtime_flags import is_warn_always_enabled
from ..tensor import Tensor, _wrap_dim
from . import pointwise as pw
from ._table import LINEAR, Op
from .indexing import _advanced_key, _as_index_array, any_meta, index_put
from .inplace import apply_inplace
from .scatter import _as_float, _long, double_backward_refused, index_add, index_fill
from .scatter import index_select
from .scatter import _scatter_reduce

xp = _backend.xp


# -- index_put ------------------------------------------------------------------------------
def _put_args(self, indices, values, accumulate=False, name="index_put", argument=1):
    """index_put's checks in torch's order (index types, shapes, dtypes, bounds) and the
    entry's arguments. ``argument``: the indices' place in torch's words (0 for the
    methods)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' (position 2) must be tuple of Tensors, "
                        f"not {type_name(indices)}")
    for i, k in enumerate(indices):
        if not isinstance(k, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument {argument}, but got "
                            f"{type_name(k)}")
    if not isinstance(values, Tensor):
        raise TypeError(f"{name}(): argument 'values' (position 3) must be Tensor, not "
                        f"{type_name(values)}")
    keys = tuple(k._data for k in indices)
    if any_meta(self._data, values._data, *keys):  # (torch's meta kernel checks nothing)
        return index_put, (self, keys, values, bool(accumulate))
    advanced, dim = [], 0
    # a lone 0-dim mask with a 0-dim value is torch's masked_fill_ path (all or nothing)
    lone_mask = len(indices) == 1 and values.dim() == 0 and not accumulate
    for k in indices:
        a = _as_index_array(k, warn=True)
        if a.dtype.kind == "b" and a.ndim == 0 and not lone_mask:
            continue  # a 0-dim mask indexes no dim: torch's expandTensors drops it
        advanced.append((dim, a))
        dim += a.ndim if a.dtype.kind == "b" else 1
    if dim > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()} (got {dim})")
    # the result's shape first, from in-bound stand-ins: torch checks the bounds last
    stand_in = [(d, a if a.dtype.kind == "b" else xp.zeros_like(a)) for d, a in advanced]
    data = self._data
    ns = _backend.array_module(data)
    target = ns.broadcast_to(ns.zeros((), bool), data.shape)[_advanced_key(data, stand_in)].shape
    try:
        fits = xp.broadcast_shapes(tuple(values.shape), target) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot "
                           f"be broadcast to indexing result of shape {list(target)}")
    if values.dtype is not self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{self.dtype._cname} for the destination and {values.dtype._cname} "
                           "for the source.")
    if not advanced:
        raise RuntimeError('ntensor >= 3 INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/'
                           'src/ATen/native/cpu/IndexKernelUtils.h":8, please report a bug to '
                           'PyTorch. ')
    return index_put, (self, _advanced_key(data, advanced, indices), values, bool(accumulate))


def index_put_fn(input, indices, values, accumulate=False):
    op, args = _put_args(input, indices, values, accumulate)
    return op(*args)


def index_put_(self, indices, values, accumulate=False):
    op, args = _put_args(self, indices, values, accumulate, "index_put_")
    return apply_inplace(op, self, args)


def _index_put_method(self, indices, values, accumulate=False):
    op, args = _put_args(self, indices, values, accumulate, argument=0)
    return op(*args)


def _index_put__method(self, indices, values, accumulate=False):
    op, args = _put_args(self, indices, values, accumulate, "index_put_", argument=0)
    return apply_inplace(op, self, args)


# -- index_reduce ---------------------------------------------------------------------------
def _spread(index, dim, shape):
    """The index vector along ``dim``, broadcast to ``shape``: scatter_reduce's index."""
    along = [1] * len(shape)
    along[dim] = -1
    return xp.broadcast_to(index.reshape(along), shape)


def _index_reduce(self, dim, index, source, reduce, include_self):
    if self.ndim == 0:  # (a 0-d tensor is one slice of length 1)
        return _index_reduce(self.reshape(1), 0, index.reshape(-1), source.reshape(-1),
                             reduce, include_self).reshape(())
    return _scatter_reduce(self, dim, _spread(index.reshape(-1), dim, source.shape), source,
                           reduce, include_self)


def _index_reduce_backward(grad, self, dim, index, source, reduce, include_self, result,
                           grad_input_mask):
    """torch's index_reduce_backward: the gradients of self and source (NOTE [Joint
    formulas] in _table.py)."""
    if reduce == "prod":
        masked_self = pw.masked_fill_op(self, pw.eq(self, 0), 1)
        masked_self_result = index_reduce_op(masked_self, dim, index, source, reduce,
                                             include_self)
        grad_self = grad * masked_self_result / masked_self
        src_zero = pw.eq(source, 0)
        src_num_zeros = index_select(index_add(pw.zeros_like(self), dim, index,
                                               _as_float(src_zero, self), 1), dim, index)
        src_single_zero = pw.logical_and(src_zero, pw.eq(src_num_zeros, 1))
        # (where one zero went into a product, the others' product is its gradient)
        masked_src = pw.masked_fill_op(source, src_single_zero, 1)
        masked_src_result = index_reduce_op(self, dim, index, masked_src, reduce, include_self)
        grad_source = pw.where(src_single_zero,
                               index_select(grad * masked_src_result, dim, index),
                               index_select(grad * result, dim, index)
                               / pw.masked_fill_op(source, src_zero, 1))
        if isinstance(grad, Tensor) and xp.any(src_num_zeros._data > 1):
            grad_source = double_backward_refused(grad_source, "index_reduce", "source")
    elif reduce == "mean":
        n = pw.add(pw.zeros_like(grad), 1.0 if include_self else 0.0, 1)
        n = index_add(n, dim, index, pw.add(pw.zeros_like(source), 1.0, 1), 1)
        n = pw.masked_fill_op(n, pw.eq(n, 0), 1)
        grad_self = grad / n
        grad_source = index_select(grad, dim, index) / index_select(n, dim, index)
    else:  # amax, amin: shared among the elements equal to the result
        value = index_select(result, dim, index)
        self_is_result = _as_float(pw.eq(self, result), self)
        source_is_result = _as_float(pw.eq(source, value), self)
        distributed = grad / index_add(self_is_result, dim, index, source_is_result, 1)
        grad_self = self_is_result * distributed
        grad_source = source_is_result * index_select(distributed, dim, index)
    if not include_self:
        grad_self = index_fill(grad_self, dim, index, 0)
    return [grad_self if grad_input_mask[0] else None,
            grad_source if grad_input_mask[-1] else None]


# (torch has no forward formula for index_reduce: forward AD through it raises)
index_reduce_op = Op("IndexReduceBackward0", _index_reduce, jvp_name="index_reduce",
                     nondiff=("index",),
                     real_grad_only="index_reduce",
                     self=_index_reduce_backward, source=_index_reduce_backward)
# the in-place form: the same op under the name torch's forward-AD refusal gives it
index_reduce__op = Op("IndexReduceBackward0", _index_reduce, jvp_name="index_reduce_",
                      nondiff=("index",), real_grad_only="index_reduce_",
                      self=_index_reduce_backward, source=_index_reduce_backward)
_REDUCTIONS = ("prod", "mean", "amax", "amin")
_warned = [False]


def _reduce_args(self, dim, index, source, reduce, *, include_self=True):
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    idx = index._data
    if idx.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: "
                         f"{idx.ndim} with type: {index.dtype._cname} and size: "
                         f"{list(idx.shape)}")
    if idx.dtype != xp.int64 and idx.dtype != xp.int32:
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype._cname}")
    d = _wrap_dim(dim, self.dim())
    if source.dim() and d >= source.dim():
        raise RuntimeError(f"index_reduce_(): Indexing dim {d} is out of bounds of the source "
                           f"tensor with dim {source.dim()}")
    n = source.shape[d] if source.dim() else 1
    if idx.size != n:
        raise RuntimeError(f"index_reduce_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({n}), for dim: {d}")
    if source.dtype is not self.dtype:
        raise RuntimeError(f"index_reduce_(): self ({self.dtype._cname}) and source "
                           f"({source.dtype._cname}) must have the same scalar type")
    if source.dim() != self.dim() or any(a != b for k, (a, b) in enumerate(
            zip(source.shape, self.shape)) if k != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(self.shape)} "
                           f"source.shape = {list(source.shape)}")
    size = self.shape[d] if self.dim() else 1
    if idx.size and (idx.max() >= size or idx.min() < 0):
        raise IndexError("index out of range in self")
    # (once per process, after the checks, as torch's TORCH_WARN_ONCE; always under
    # set_warn_always(True))
    if not _warned[0] or is_warn_always_enabled():
        _warned[0] = True
        warnings.warn("index_reduce() is in beta and the API may change at any time. "
                      "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
                      "TensorAdvancedIndexing.cpp:1523.)", UserWarning, stacklevel=3)
    return index_reduce_op, (self, d, _long(index), source, reduce, include_self)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    op, args = _reduce_args(input, dim, index, source, reduce, include_self=include_self)
    return op(*args)


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    _, args = _reduce_args(self, dim, index, source, reduce, include_self=include_self)
    return apply_inplace(index_reduce__op, self, args)


FUNCTIONS = {"index_put": index_put_fn, "index_put_": index_put_, "index_reduce": index_reduce}
METHODS = {"index_put": _index_put_method, "index_put_": _index_put__method,
           "index_reduce": index_reduce,
           "index_reduce_": index_reduce_}

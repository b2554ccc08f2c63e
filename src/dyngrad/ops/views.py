"""View ops: the result shares storage and version counter with its input.

Each view op's forward returns an array view (NumPy's views are torch's views), and
``Op(view=True)`` makes the result a view in autograd's sense: ``_base``, the shared
version counter, and a replay function used when the view is written in place
(NOTE [In-place on a view] in inplace.py).
"""
import math
import warnings

from .. import _backend
from .._sparse_coo import SparseCoo, no_kernel
from ..creation import zeros
from ..tensor import _wrap
from ._table import LINEAR, Op

xp = _backend.xp
array_module = _backend.array_module
_ndarray = _backend.ndarray


def infer_size(size, numel):
    """A shape with at most one -1 filled in, checked against ``numel`` as torch does."""
    size = tuple(map(int, size))
    if -1 not in size and math.prod(size) == numel and (not size or min(size) >= 0):
        return size  # (the common case, checked in C: every view and reshape comes here)
    neg = [i for i, s in enumerate(size) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(size):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(size)}")
    known = math.prod(s for s in size if s != -1)
    if neg:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(size)} "
                               "because the unspecified dimension size -1 can be any value and "
                               "is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
        size = size[:neg[0]] + (numel // known,) + size[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
    return size


def _view(self, size):
    shape = infer_size(size, self.size)
    if type(self) is not _ndarray and not _backend.is_numpy(self):
        if _backend.has_values(self):
            return array_module(self).reshape(self, shape)  # another module views where it can
        try:  # a meta array, viewed by NumPy's rule
            return xp.reshape(self, shape, copy=False)
        except ValueError:
            raise RuntimeError(_NOT_VIEWABLE) from None
    out = self.view()
    try:
        out.shape = shape  # assigning a shape refuses where a copy would be needed
    except AttributeError:
        raise RuntimeError(_NOT_VIEWABLE) from None
    return out


_NOT_VIEWABLE = ("view size is not compatible with input tensor's size and stride (at least "
                 "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                 "instead.")


def can_view(array, size):
    if type(array) is not _ndarray and not _backend.is_numpy(array):
        if type(array) is SparseCoo:  # (reshape asks only of a tensor that is not contiguous)
            raise RuntimeError("reshape is not implemented for sparse tensors")
        if _backend.has_values(array):
            return True
        try:  # a meta array, by NumPy's rule
            xp.reshape(array, size, copy=False)
            return True
        except ValueError:
            return False
    out = array.view()
    try:
        out.shape = size
        return True
    except AttributeError:
        return False


view = Op("ViewBackward0", _view, jvp=LINEAR, view=True,
          self=lambda grad, self_sym_sizes: reshape(grad, tuple(self_sym_sizes)))


def _reshape(self, size):
    if type(self) is _ndarray:  # NumPy's path stays one call (NOTE [The array-module seam])
        return xp.reshape(self, size)
    return array_module(self).reshape(self, size)


# The result of reshape when a view is impossible: a fresh copy, not a view.
unsafe_view = Op("UnsafeViewBackward0", _reshape, jvp=LINEAR,
                 self=lambda grad, self_sym_sizes: reshape(grad, tuple(self_sym_sizes)))


def reshape(x, size):
    """reshape for formulas: a view when possible (arrays and Tensors alike)."""
    if hasattr(x, "_data"):
        return x.reshape(size)
    return _reshape(x, size)


# reshape of a tensor that is not contiguous but can still be viewed (a transpose, an
# expand): torch records _reshape_alias, not view
reshape_alias = Op("ReshapeAliasBackward0", _reshape, jvp=LINEAR, view=True,
                   self=lambda grad, self_sym_sizes: reshape(grad, tuple(self_sym_sizes)))
# t[...] and t[:, :]: a view of the whole tensor
alias = Op("AliasBackward0", lambda self: self.view() if isinstance(self, _ndarray) else self,
           jvp=LINEAR,
           view=True, self=lambda grad: grad)


def new_zeros(like, shape):
    """Zeros of ``like``'s dtype and kind (array or Tensor), with no graph."""
    if hasattr(like, "_data"):
        if _backend.is_numpy(like._data):
            return zeros(shape, dtype=like.dtype)
        like = like._data  # an array of another module: zeros beside it, as a tensor
        return _wrap(array_module(like).zeros(shape, dtype=like.dtype, device=like.device))
    if type(like) is _ndarray or _backend.is_numpy(like):
        return xp.zeros(shape, dtype=like.dtype)
    return array_module(like).zeros(shape, dtype=like.dtype, device=like.device)


def _permute(self, dims):
    return array_module(self).permute_dims(self, dims)


def _transpose(self, dim0, dim1):
    if not self.ndim:  # dims 0 and -1 of a 0-d tensor are itself
        return self.view() if isinstance(self, _ndarray) else self
    if isinstance(self, _ndarray):
        return xp.swapaxes(self, dim0, dim1)
    dims = list(range(self.ndim))
    dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
    return array_module(self).permute_dims(self, dims)


def _inverse(dims):
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return tuple(inv)


permute = Op("PermuteBackward0", _permute, jvp=LINEAR, view=True,
             self=lambda grad, dims: permute(grad, _inverse(dims)))
transpose = Op("TransposeBackward0", _transpose, jvp=LINEAR, view=True,
               self=lambda grad, dim0, dim1: transpose(grad, dim0, dim1))


def _t(self):
    if type(self) is _ndarray:
        return self.T  # (xp.transpose's Python dispatch costs more than the view)
    if isinstance(self, _ndarray):  # compile's Traced arrays: a call the capture records
        return xp.transpose(self)
    return _permute(self, tuple(range(self.ndim))[::-1])


t = Op("TBackward0", _t, jvp=LINEAR, view=True, self=lambda grad: t(grad))
# expand's gradient is the broadcast-shaped grad itself: the engine sums it down
# (NOTE [Broadcasting is undone by the engine]).
def _expand(self, size):
    if type(self) is _ndarray and not self.ndim and self.dtype.kind in "fc":
        # a 0-d array (the gradient of a full sum, in a first-order backward) read at
        # every position: ndarray's constructor over its memory with zero strides, as
        # read-only as broadcast_to's result (measured: 1.8 to 0.5 us)
        out = _ndarray(size, self.dtype, self, 0, (0,) * len(size))
        out.flags.writeable = False
        return out
    out = array_module(self).broadcast_to(self, size)
    if type(out) is _ndarray and out.size == self.size and out.size and self.flags.writeable:
        # nothing repeated (its own shape, or new dims of size 1): torch's view can be
        # written through, where broadcast_to's is read-only all the same
        return self.reshape(out.shape)
    return out


expand = Op("ExpandBackward0", _expand, jvp=LINEAR, view=True,
            self=lambda grad: grad)
unsqueeze = Op("UnsqueezeBackward0",
               lambda self, dim: array_module(self).expand_dims(self, axis=dim), jvp=LINEAR,
               view=True,
               self=lambda grad, dim: squeeze_dim(grad, dim))


def _unsqueeze_to(grad, dims, sizes):
    """torch's unsqueeze_to: put back, in order, the squeezed dims that had size 1."""
    for d in sorted(dims):
        if d < len(sizes) and sizes[d] == 1:  # (a 0-d input squeezes nothing)
            grad = unsqueeze(grad, d)
    return grad


squeeze_all = Op("SqueezeBackward0", lambda self: array_module(self).squeeze(
                     self, axis=tuple(i for i, n in enumerate(self.shape) if n == 1)),
                 jvp=LINEAR, view=True,
                 self=lambda grad, self_sym_sizes:
                     _unsqueeze_to(grad, range(len(self_sym_sizes)), self_sym_sizes))


def _squeeze_dims(self, dim):
    dims = tuple(d for d in dim if self.shape[d] == 1) if self.ndim else ()
    if not dims:
        return self.view() if _backend.is_numpy(self) else self
    return array_module(self).squeeze(self, axis=dims)


squeeze_dim = Op("SqueezeBackward1", lambda self, dim: _squeeze_dims(self, (dim,)), jvp=LINEAR,
                 view=True,
                 self=lambda grad, self_sym_sizes, dim: _unsqueeze_to(grad, (dim,), self_sym_sizes))
# squeeze_(dim) on a fresh result (matmul's 1-D @ 2-D): in place, so not a view
squeeze_dim_ = Op("SqueezeBackward4", squeeze_dim.forward, jvp=LINEAR,
                  self=squeeze_dim.formulas["self"])
squeeze_dims = Op("SqueezeBackward2", _squeeze_dims, jvp=LINEAR, view=True,
                  self=lambda grad, self_sym_sizes, dim: _unsqueeze_to(grad, dim, self_sym_sizes))


def _select(self, dim, index):
    size = self.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    # the trailing Ellipsis keeps a 0-d result a view (a[0] of a 1-d array is a copied scalar)
    return self[(slice(None),) * dim + (index, Ellipsis)]


def _select_backward(grad, input_sizes, dim, index):
    if type(grad) is SparseCoo:
        raise no_kernel("select_backward")
    out = new_zeros(grad, input_sizes)
    out[(slice(None),) * dim + (index, Ellipsis)] = grad
    return out


select = Op("SelectBackward0", _select, jvp=LINEAR, view=True,
            self=lambda grad, self_sym_sizes, dim, index: select_backward(grad, tuple(self_sym_sizes), dim, index))
select_backward = Op("SelectBackwardBackward0", _select_backward, jvp=LINEAR,
                     grad=lambda grad, dim, index: select(grad, dim, index))


def _slice(self, dim, start, end, step):
    return self[(slice(None),) * dim + (slice(start, end, step), Ellipsis)]


def _slice_backward(grad, input_sizes, dim, start, end, step):
    out = new_zeros(grad, input_sizes)
    out[(slice(None),) * dim + (slice(start, end, step), Ellipsis)] = grad
    return out


slice_ = Op("SliceBackward0", _slice, jvp=LINEAR, view=True,
            self=lambda grad, self_sym_sizes, dim, start, end, step:
                slice_backward(grad, tuple(self_sym_sizes), dim, start, end, step))
slice_backward = Op("SliceBackwardBackward0", _slice_backward, jvp=LINEAR,
                    grad=lambda grad, dim, start, end, step: slice_(grad, dim, start, end, step))


def _split(self, split_size, dim):
    n = self.shape[dim]
    bounds = list(range(split_size, n, split_size)) if split_size else []
    if n == 0:
        return (self,)
    return tuple(xp.split(self, bounds, axis=dim))


def _split_sizes(self, split_sizes, dim):
    if sum(split_sizes) != self.shape[dim]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                           f"{self.shape[dim]} (input tensor's size at dimension {dim}), but got "
                           f"split_sizes={list(split_sizes)}")
    bounds = list(itertools_accumulate(split_sizes))[:-1]
    return tuple(xp.split(self, bounds, axis=dim))


def itertools_accumulate(xs):
    total = 0
    for x in xs:
        total += x
        yield total


def _split_backward(grads, self_sym_sizes, dim, split_sizes):
    from .joining import cat
    parts = []
    for g, n in zip(grads, split_sizes):
        if g is None:
            shape = list(self_sym_sizes)
            shape[dim] = n
            g = new_zeros(_first(grads), shape)
        parts.append(g)
    return cat(parts, dim)


def _first(grads):
    return next(g for g in grads if g is not None)


def split_sizes_of(n, split_size):
    if n == 0:
        return [0]
    return [min(split_size, n - i) for i in range(0, n, split_size)]


split = Op("SplitBackward0", _split, jvp=LINEAR, view=True, outputs=None,
           self=lambda grads, self_sym_sizes, dim, split_size:
               _split_backward(grads, self_sym_sizes, dim, split_sizes_of(self_sym_sizes[dim], split_size)))
split_with_sizes = Op("SplitWithSizesBackward0", _split_sizes, jvp=LINEAR, view=True, outputs=None,
                      self=lambda grads, self_sym_sizes, dim, split_sizes:
                          _split_backward(grads, self_sym_sizes, dim, split_sizes))


def _unbind_backward(grads, self_sym_sizes, dim):
    from .joining import stack
    shape = list(self_sym_sizes)
    del shape[dim]
    if any(g is None for g in grads) and \
            type(getattr(_first(grads), "_data", _first(grads))) is SparseCoo:
        # (torch stands in zeros({1}).expand(size) of the gradients' layout for the missing)
        raise RuntimeError("expand is unsupported for Sparse tensors")
    return stack([g if g is not None else new_zeros(_first(grads), shape) for g in grads], dim)


def _unbind(self, dim):
    if type(self) is SparseCoo:  # (a sparse tensor's selects, one per index)
        return tuple(self[(slice(None),) * dim + (i, Ellipsis)] for i in range(self.shape[dim]))
    return tuple(xp.moveaxis(self, dim, 0))


unbind = Op("UnbindBackward0", _unbind, jvp=LINEAR,
            view=True,
            outputs=None, self=_unbind_backward)


def deprecated_T_warning():
    warnings.warn(
        "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
        "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
        "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
        "dimensions of a tensor.", UserWarning, stacklevel=3)

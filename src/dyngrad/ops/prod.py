"""Products of elements: prod and cumprod, and the exclusive products that their
backwards need where the input holds zeros.

Every formula is written with table ops that take arrays and Tensors alike, so the one
formula serves the first-order backward (on arrays) and create_graph (on Tensors): the
products over zeros are differentiable to any order, as in torch (FunctionsManual.cpp:
prod_backward, prod_safe_zeros_backward, cumprod_backward).
"""
import math

from .. import _backend
from .. import _dtype as _dt
from ..tensor import _wrap_dim
from . import pointwise as pw
from ._table import TRANSPOSED, Op
from .joining import cat
from .reduction import _axes, _dims, _sum_dtype, cumsum, flip, scan, sum_dim
from .views import expand, new_zeros, slice_, unsqueeze

xp = _backend.xp


def _narrow(x, dim, start, length):
    return slice_(x, dim, start, start + length, 1)


def _ones(like, shape):
    return pw.add(new_zeros(like, shape), 1, 1)


def _reversed_cumsum(x, dim):
    return flip(cumsum(flip(x, (dim,)), dim), (dim,))


def prod_safe_zeros_backward(grad, inp, dim):
    """torch's prod_safe_zeros_backward: grad times the product of every other element
    along ``dim``, from an exclusive cumprod each way (no division, so zeros are safe)."""
    n = inp.shape[dim]
    if n == 0:
        return grad
    ones_shape = list(inp.shape)
    ones_shape[dim] = 1
    ones = _ones(inp, tuple(ones_shape))
    exclusive_normal = cumprod(cat([ones, _narrow(inp, dim, 0, n - 1)], dim), dim)
    reverse = flip(_narrow(inp, dim, 1, n - 1), (dim,))
    exclusive_reverse = flip(cumprod(cat([ones, reverse], dim), dim), (dim,))
    return grad * pw.conj(exclusive_normal * exclusive_reverse)


# -- cumprod ----------------------------------------------------------------------------------
def _cumprod(self, dim, dtype=None):
    if not self.ndim:
        return self.astype(_sum_dtype(self, dtype))
    return scan(xp.cumprod, self, dim, _sum_dtype(self, dtype))


def _cumprod_backward(grad, self, dim, result):
    """torch's cumprod_backward: a reversed cumsum over a division when no input is zero;
    otherwise, for each k, the sum of grad[k:] times the products that omit self[k]
    (torch's O(n^2) form, the one that is itself differentiable)."""
    if math.prod(self.shape) <= 1 or self.shape[dim] == 1:
        return grad
    w = pw.conj(result) * grad
    if not bool((getattr(self, "_data", self) == 0).any()):
        return _reversed_cumsum(w, dim) / pw.conj(self)
    n = self.shape[dim]
    ones_shape = list(self.shape)
    ones_shape[dim] = 1
    grad_input = new_zeros(grad, tuple(self.shape))
    for k in range(n):
        if k == 0:
            omitted = cat([_ones(self, tuple(ones_shape)), cumprod(_narrow(self, dim, 1, n - 1), dim)], dim)
        else:
            until_k = prod_dim(_narrow(self, dim, 0, k), dim, True)
            if k == n - 1:
                omitted = until_k
            else:
                after = cumprod(_narrow(self, dim, k + 1, n - k - 1), dim)
                omitted = cat([until_k, expand(until_k, tuple(after.shape)) * after], dim)
        _write_select(grad_input, dim, k,
                      sum_dim(_narrow(grad, dim, k, n - k) * pw.conj(omitted), (dim,), False))
    return grad_input


def _write_select(target, dim, k, value):
    """``target.select(dim, k).copy_(value)``: in place, so that on Tensors the graph
    holds torch's CopySlices nodes."""
    if hasattr(target, "_data"):
        from .torch_shape import copy_method, select
        copy_method(select(target, dim, k), value)
    else:
        target[(slice(None),) * dim + (k,)] = value


cumprod_op = Op("CumprodBackward0", _cumprod, jvp=TRANSPOSED, self=_cumprod_backward)


def cumprod(input, dim, dtype=None):
    """cumprod for formulas (arrays or Tensors) and, through cumprod_fn, torch.cumprod."""
    return cumprod_op(input, dim, dtype)


def cumprod_fn(input, dim, *, dtype=None, out=None):
    return cumprod_op(input, _wrap_dim(dim, input.dim()), dtype)


# -- prod ---------------------------------------------------------------------------------
def _prod_all(self, dtype=None):
    return xp.asarray(xp.prod(self, dtype=_sum_dtype(self, dtype)))


def _prod_dim(self, dim, keepdim, dtype=None):
    return xp.asarray(xp.prod(self, axis=_axes(dim, self.ndim), keepdims=keepdim,
                              dtype=_sum_dtype(self, dtype)))


def _as_dtype(x, np_dtype):
    """``x.to(dtype)`` in a formula: x itself when it has that dtype already, as in torch."""
    if getattr(x, "_data", x).dtype == np_dtype:
        return x
    from .torch_shape import to_copy
    return to_copy(x, _dt._FROM_NP[np_dtype])


def _np_dtype(x):
    return getattr(x, "_data", x).dtype


def _prod_backward_with_dtype(grad, self, result):
    # prod(dtype=...): torch computes in the gradient's dtype and converts back
    return _as_dtype(_prod_backward(grad, _as_dtype(self, _np_dtype(grad)), result), _np_dtype(self))


def _prod_dim_backward_with_dtype(grad, self, result, dim, keepdim):
    return _as_dtype(_prod_dim_backward(grad, _as_dtype(self, _np_dtype(grad)), result, dim, keepdim),
                     _np_dtype(self))


def _prod_backward(grad, self, result):
    if self.ndim == 0:
        return grad
    if (getattr(self, "_data", self) == 0).any():
        return prod_safe_zeros_backward(grad, self.reshape(-1), 0).reshape(self.shape)
    return grad * pw.conj(result / self)


def _prod_dim_backward(grad, self, result, dim, keepdim):
    if self.ndim == 0:
        return grad
    d = _dims(dim, self.ndim)[0]
    if not keepdim:
        grad, result = unsqueeze(grad, d), unsqueeze(result, d)
    if (getattr(self, "_data", self) == 0).any():
        return prod_safe_zeros_backward(grad, self, d)
    return grad * pw.conj(result / self)


prod_all = Op("ProdBackward0", _prod_all, jvp=TRANSPOSED, self=_prod_backward_with_dtype)
prod_dim = Op("ProdBackward1", _prod_dim, jvp=TRANSPOSED, self=_prod_dim_backward_with_dtype)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return prod_all(input, dtype)
    return prod_dim(input, dim, keepdim, dtype)

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
from .._autograd_state import in_transform, state as _gstate
from ..tensor import _wrap_dim
from . import pointwise as pw
from ._table import TRANSPOSED, Op
from .joining import cat, stack
from .reduction import _axes, _dims, _sum_dtype, cumsum, flip, scan, sum_dim
from .views import expand, new_zeros, slice_, unsqueeze

xp = _backend.xp


def _head(x, dim, stop):
    return slice_(x, dim, 0, stop, 1)


def _tail(x, dim, start):
    return slice_(x, dim, start, x.shape[dim], 1)


def _ones(like, shape):
    return pw.add(new_zeros(like, shape), 1, 1)


def _reversed_cumsum(x, dim):
    return flip(cumsum(flip(x, (dim,)), dim), (dim,))


def prod_safe_zeros_backward(grad, inp, dim):
    """torch's prod_safe_zeros_backward: grad times the product of every other element
    along ``dim``, from an exclusive cumprod each way (no division, so zeros are safe)."""
    n = inp.shape[dim]
    if n == 1:  # the product of no other element: grad itself (and no nodes, as in torch)
        return grad
    ones_shape = list(inp.shape)
    ones_shape[dim] = 1
    ones = _ones(inp, tuple(ones_shape))
    exclusive_normal = cumprod(cat([ones, _head(inp, dim, n - 1)], dim), dim)
    reverse = flip(_tail(inp, dim, 1), (dim,))
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
    # inside torch.func's transforms torch's tensors are wrappers (tensor subclasses): it
    # takes the O(n^2) form whatever the values, and stacks its slices rather than
    # writing them into zeros
    wrapped = in_transform()
    if not wrapped and not bool((getattr(self, "_data", self) == 0).any()):
        return _reversed_cumsum(w, dim) / pw.conj(self)
    if not _gstate.enabled and not wrapped and not hasattr(self, "_data"):
        # (on arrays only: Tensors with grad off carry forward-mode tangents through it)
        return _cumprod_backward_over_zeros(grad, self, dim, result, w)
    n = self.shape[dim]
    ones_shape = list(self.shape)
    ones_shape[dim] = 1
    grad_input = new_zeros(grad, tuple(self.shape))
    slices = []
    for k in range(n):
        if k == 0:
            omitted = cat([_ones(self, tuple(ones_shape)), cumprod(_tail(self, dim, 1), dim)], dim)
        else:
            until_k = prod_dim(_head(self, dim, k), dim, True)
            if k == n - 1:
                omitted = until_k
            else:
                after = cumprod(_tail(self, dim, k + 1), dim)
                omitted = cat([until_k, expand(until_k, tuple(after.shape)) * after], dim)
        slices.append(sum_dim(_tail(grad, dim, k) * pw.conj(omitted), (dim,), False))
        if not wrapped:
            _write_select(grad_input, dim, k, slices[-1])
    return stack(slices, dim) if wrapped else grad_input


def _cumprod_backward_over_zeros(grad, self, dim, result, w):
    """torch's O(n) first-order form where a slice holds zeros (its own derivative is not
    cumprod's second, so create_graph takes the form above): before a slice's first zero
    the reversed cumsum over the division; at the first zero the products before it times
    the sum of grad[j] * prod(self[z1 + 1:j + 1]) up to the second zero; after it 0. It
    gives torch's values where an inf or NaN meets a zero, and torch's rounding."""
    # (the engine runs formulas silently: 0 / 0 and inf * 0 land only where masked out)
    x = xp.conj(self)
    zeros_seen = xp.cumsum(self == 0, axis=dim)
    before = zeros_seen == 0
    grad_input = xp.where(before, _reversed_cumsum(xp.where(before, w, 0), dim) / x, 0)
    span = zeros_seen == 1  # from the first zero up to the second
    at_first = span & (xp.cumsum(span, axis=dim) == 1)
    first = xp.argmax(span, axis=dim, keepdims=True)  # (0 where a slice has no zero)
    after = xp.where(span & ~at_first, x, 1)
    products = sum_dim(cumprod(after, dim) * xp.where(span, grad, 0), (dim,), True)
    until = xp.take_along_axis(xp.conj(result), xp.maximum(first - 1, 0), axis=dim)
    value = products * xp.where(first == 0, 1, until)
    return xp.where(at_first, value, grad_input)


def _write_select(target, dim, k, value):
    """``target.select(dim, k).copy_(value)`` on Tensors: in place, so that the graph holds
    torch's CopySlices nodes."""
    from .torch_shape import copy_method, select
    copy_method(select(target, dim, k), value)


def _cumprod_jvp(self_t, self, result, dim):
    """torch's cumprod_jvp: the cumsum of self_t / self times the result before a slice's
    first zero; from it on, the cumprod of self with that zero replaced by its tangent
    (where an inf meets a zero this puts torch's infs and NaNs, not the backward's)."""
    gradient = cumsum(self_t / self, dim) * result
    zeros = getattr(self, "_data", self) == 0
    if not self.ndim:
        return pw.where(zeros, self_t, gradient)
    first = zeros & (xp.cumsum(zeros, axis=dim) == 1)
    from_first = cumprod(pw.where(first, self_t, self), dim)
    return pw.where(xp.cumsum(first, axis=dim) > 0, from_first, gradient)


cumprod_op = Op("CumprodBackward0", _cumprod, jvp=_cumprod_jvp, self=_cumprod_backward)


def cumprod(input, dim):
    """cumprod for formulas (arrays or Tensors)."""
    return cumprod_op(input, dim)


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
    if in_transform():  # (a tensor subclass in torch: its safe form whatever the values)
        return prod_safe_zeros_backward(grad, self.reshape(-1), 0).reshape(self.shape)
    zeros = int((getattr(self, "_data", self) == 0).sum())
    if zeros > 1 and not _gstate.enabled:
        # torch's shortcut: every other product holds a zero, so the first-order gradient
        # is 0, even where an inf or NaN elsewhere would make the full formula NaN
        return new_zeros(self, tuple(self.shape))
    if zeros:
        return prod_safe_zeros_backward(grad, self.reshape(-1), 0).reshape(self.shape)
    return grad * pw.conj(result / self)


def _prod_dim_backward(grad, self, result, dim, keepdim):
    if self.ndim == 0:
        return grad
    d = _dims(dim, self.ndim)[0]
    if not keepdim:
        grad, result = unsqueeze(grad, d), unsqueeze(result, d)
    if in_transform() or (getattr(self, "_data", self) == 0).any():
        return prod_safe_zeros_backward(grad, self, d)
    return grad * pw.conj(result / self)


prod_all = Op("ProdBackward0", _prod_all, jvp=TRANSPOSED, self=_prod_backward_with_dtype)
prod_dim = Op("ProdBackward1", _prod_dim, jvp=TRANSPOSED, self=_prod_dim_backward_with_dtype)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return prod_all(input, dtype)
    return prod_dim(input, dim, keepdim, dtype)

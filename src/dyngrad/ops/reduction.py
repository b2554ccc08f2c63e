"""Reductions: sum, mean, max/min (all and over a dim), and the gather/scatter they need;
cumsum with the flip its backward runs on, and repeat, whose backward is a sum."""
import math

from .. import _backend
from .. import _dtype as _dt
from .._args import dim_list
from ._table import LINEAR, TRANSPOSED, Op
from .pointwise import div, div_scalar, eq, isnan, masked_fill_tensor

xp = _backend.xp
_ndarray = _backend.ndarray


def _dims(dim, ndim):
    """A dim, a sequence of dims or None (all dims) as a sorted tuple of non-negative dims,
    checked as torch checks them (range, repeats)."""
    if dim is None:
        return tuple(range(ndim))
    return dim_list(dim, ndim)


def _axes(dim, ndim):
    """``_dims`` for NumPy's ``axis=``: a 0-d tensor's dim 0 (or -1) is no axis at all."""
    axes = _dims(dim, ndim)
    return axes if ndim else ()


def _sum_dtype(self, dtype, ns=xp):
    if ns is not xp:  # another module's dtypes (NOTE [The array-module seam])
        if dtype is None:
            dtype = _dt.int64 if _backend.kind(self.dtype) in "biu" else None
        return self.dtype if dtype is None else _dt.native(dtype, ns)
    if dtype is not None:
        return dtype.np
    # integer and bool sums accumulate in int64, as in torch
    return xp.dtype(xp.int64) if self.dtype.kind in "biu" else self.dtype


_HALF = xp.dtype(xp.float16)


def _sum_all(self, dtype=None):
    if type(self) is _ndarray and self.dtype != _HALF:
        # the array's method: the same reduction without xp.sum's wrapper (measured:
        # 1.6 to 0.9 us for a small array)
        return self.sum(dtype=_sum_dtype(self, dtype))
    ns = _backend.array_module(self)
    if ns is xp and self.dtype == _HALF:
        return _half_sum(self, None, False, dtype)
    return ns.sum(self, dtype=_sum_dtype(self, dtype, ns))


def _sum_dim(self, dim, keepdim, dtype=None):
    axes = _axes(dim, self.ndim)
    if type(self) is _ndarray and self.dtype != _HALF:  # (as in _sum_all)
        return self.sum(axis=axes, keepdims=keepdim, dtype=_sum_dtype(self, dtype))
    ns = _backend.array_module(self)
    if ns is xp and self.dtype == _HALF:
        return _half_sum(self, axes, keepdim, dtype)
    return ns.sum(self, axis=axes, keepdims=keepdim, dtype=_sum_dtype(self, dtype, ns))


def _half_sum(self, axes, keepdim, dtype):
    """A float16 sum accumulated in float32 and rounded once, as torch's CPU kernel does
    (NumPy would round every partial sum to float16 along a strided axis)."""
    out = xp.sum(self, axis=axes, keepdims=keepdim, dtype=xp.float32)
    return xp.asarray(out).astype(_sum_dtype(self, dtype))


def _unreduce(grad, self_sym_sizes, dim, keepdim):
    """Bring a reduced gradient back to the input's rank, broadcastable to its shape."""
    if not keepdim and self_sym_sizes:
        for d in _dims(dim, len(self_sym_sizes)):
            grad = unsqueeze(grad, d)
    return expand(grad, tuple(self_sym_sizes))


sum_all = Op("SumBackward0", _sum_all, jvp=LINEAR,
             self=lambda grad, self_sym_sizes: expand(grad, tuple(self_sym_sizes)))
sum_dim = Op("SumBackward1", _sum_dim, jvp=LINEAR, self=_unreduce)


def _mean_check(self, dtype, which="Input"):
    d = _dt.of_array(self) if dtype is None else dtype
    if d._category < _dt._FLOAT:
        raise RuntimeError(f"mean(): could not infer output dtype. {which} dtype must be either "
                           f"a floating point or complex dtype. Got: {d._cname}")


def _mean_all(self, dtype=None):
    _mean_check(self, dtype, "Input" if dtype is None else "Optional")
    xp = _backend.array_module(self)
    out_dtype = self.dtype if dtype is None else _dt.native(dtype, xp)
    if self.size == 0:  # nan, as torch gives it, without NumPy's "Mean of empty slice"
        return xp.full((), math.nan, dtype=out_dtype)
    return xp.mean(_backend.astype(self, out_dtype))


def _mean_dim(self, dim, keepdim, dtype=None):
    _mean_check(self, dtype, "Input" if dtype is None else "Optional")
    xp = _backend.array_module(self)
    axes = _axes(dim, self.ndim)
    x = self if dtype is None else _backend.astype(self, _dt.native(dtype, xp))
    with _backend.errstate(xp, invalid="ignore", divide="ignore"):
        return (xp.mean(x, axis=axes, keepdims=keepdim) if self.size else
                xp.sum(x, axis=axes, keepdims=keepdim) / 0)


def _mean_dim_backward(grad, self_sym_sizes, dim, keepdim):
    count = 1
    for d in _dims(dim, len(self_sym_sizes)) if self_sym_sizes else ():  # 0-d: dim 0 is itself
        count *= self_sym_sizes[d]
    return div_scalar(_unreduce(grad, self_sym_sizes, dim, keepdim), count)


mean_all = Op("MeanBackward0", _mean_all, jvp=LINEAR,
              self=lambda grad, self_sym_sizes, self_sym_numel:
                  div_scalar(expand(grad, tuple(self_sym_sizes)), self_sym_numel))
mean_dim = Op("MeanBackward1", _mean_dim, jvp=LINEAR, self=_mean_dim_backward)


def evenly_distribute_backward(grad, self, result):
    """torch's evenly_distribute_backward (its CPU form, so that a double backward shows
    torch's nodes): the places equal to the result (the NaN ones when the result is NaN)
    share the gradient, written into zeros with masked_fill. For max, min, median."""
    mask = isnan(self) if bool(isnan(result)) else eq(self, result)
    # div, not NumPy's /: the count is an int64 0-d array, which must not promote the gradient
    return masked_fill_tensor(new_zeros(grad, tuple(self.shape)), mask, div(grad, sum_all(mask)))


def _check_nonempty(self, name):
    if self.dtype.kind == "c":
        raise NotImplementedError(f'"{name}_all" not implemented for '
                                  f"'{_dt._FROM_NP[self.dtype]._cname}'")
    if self.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")


def _max_all(self):
    _check_nonempty(self, "max")
    return xp.max(self)


def _min_all(self):
    _check_nonempty(self, "min")
    return xp.min(self)


def evenly_read_jvp(self_t, self, result):
    """torch's evenly_read_jvp: the mean of the tangents where ``self`` equals the result
    (a NaN result equals nothing: the tangent is NaN, where the backward picks the NaNs)."""
    mask = eq(self, result)
    return sum_all(self_t * mask) / sum_all(mask)


max_all = Op("MaxBackward1", _max_all, jvp=evenly_read_jvp, self=evenly_distribute_backward)
min_all = Op("MinBackward1", _min_all, jvp=evenly_read_jvp, self=evenly_distribute_backward)


def _select_dim(self, dim, keepdim, arg, pick):
    d = _dims(dim, self.ndim)[0]
    if self.ndim == 0:
        return self.copy(), xp.zeros((), dtype=xp.int64)
    if self.shape[d] == 0:
        raise IndexError(f"{pick}(): Expected reduction dim {d} to have non-zero size.")
    if self.dtype.kind == "c":
        raise RuntimeError(f"{pick}(): does not support complex input")
    idx = xp.expand_dims(arg(self, axis=d), d)
    values = xp.take_along_axis(self, idx, d)
    if not keepdim:
        values, idx = xp.squeeze(values, d), xp.squeeze(idx, d)
    return values, idx.astype(xp.int64, copy=False)


def _value_selecting_backward(grad, dim, indices, self_sym_sizes, keepdim):
    if not keepdim and self_sym_sizes:
        d = _dims(dim, len(self_sym_sizes))[0]
        grad, indices = unsqueeze(grad, d), unsqueeze(indices, d)
    return scatter_zeros(grad, dim, indices, tuple(self_sym_sizes))


max_dim = Op("MaxBackward0", lambda self, dim, keepdim: _select_dim(self, dim, keepdim, xp.argmax, "max"),
             jvp=TRANSPOSED, outputs=("result", "indices"), differentiable_outputs=(0,),
             self=_value_selecting_backward)
min_dim = Op("MinBackward0", lambda self, dim, keepdim: _select_dim(self, dim, keepdim, xp.argmin, "min"),
             jvp=TRANSPOSED, outputs=("result", "indices"), differentiable_outputs=(0,),
             self=_value_selecting_backward)


def _gather(self, dim, index):
    if self.ndim == 0:  # (the result has index's shape: a 0-d index, or one of one element)
        return xp.broadcast_to(self, index.shape).copy()
    if not index.size:  # (torch checks no shape for an empty index)
        return xp.empty(index.shape, self.dtype)
    d = _dims(dim, self.ndim)[0]
    if index.shape != self.shape:  # the result has index's shape: only self's leading part is read
        self = self[tuple(slice(None) if k == d else slice(0, n) for k, n in enumerate(index.shape))]
    return xp.take_along_axis(self, index, d)


def _scatter_into(self, dim, index, src, ufunc):
    out = self.copy()
    if not self.ndim:
        return ufunc(out, src) if ufunc is not None else xp.array(src, dtype=self.dtype)
    d = _dims(dim, self.ndim)[0]
    idx = [xp.arange(s).reshape([-1 if i == k else 1 for k in range(index.ndim)])
           for i, s in enumerate(index.shape)]
    idx[d] = index
    if getattr(src, "ndim", 0) == index.ndim and src.shape != index.shape:
        src = src[tuple(slice(0, n) for n in index.shape)]  # torch reads src's leading part
    src = xp.broadcast_to(src, index.shape)
    if ufunc is None:
        out[tuple(idx)] = src
    else:
        ufunc.at(out, tuple(idx), src)
    return out


def _gather_backward(grad, dim, index, self_sym_sizes):
    # torch: grad.new_zeros(sizes).scatter_add_(dim, index, grad), repeats summed
    return scatter_add(new_zeros(grad, tuple(self_sym_sizes)), dim, index, grad)


def _scatter_self_backward(grad, dim, index):
    # the written places get no gradient: grad.scatter(dim, index, 0), a 0 even where grad
    # is inf or NaN
    return scatter_value(grad, dim, index, 0.0)


gather = Op("GatherBackward0", _gather, jvp=LINEAR, nondiff=("index",), self=_gather_backward)
scatter = Op("ScatterBackward0", lambda self, dim, index, src: _scatter_into(self, dim, index, src, None),
             jvp=LINEAR, nondiff=("index",), self=_scatter_self_backward,
             src=lambda grad, dim, index: gather(grad, dim, index))
scatter_add = Op("ScatterAddBackward0",
                 lambda self, dim, index, src: _scatter_into(self, dim, index, src, xp.add),
                 jvp=LINEAR, nondiff=("index",), self=lambda grad: grad,
                 src=lambda grad, dim, index: gather(grad, dim, index))
scatter_value = Op("ScatterBackward1",
                   lambda self, dim, index, value: _scatter_into(self, dim, index, value, None),
                   nondiff=("index",),
                   jvp=lambda self_t, dim, index: scatter_value(self_t, dim, index, 0.0),
                   self=lambda grad, dim, index: scatter_value(grad, dim, index, 0.0))


def scatter_zeros(src, dim, index, sizes):
    """zeros(sizes) with ``src`` written at ``index`` along ``dim``: how torch's formulas
    put a reduced gradient back (value_selecting_reduction_backward)."""
    return scatter(new_zeros(src, sizes), dim, index, src)


# -- cumsum and flip ------------------------------------------------------------------------
def _flip(self, dims):
    axes = _axes(dims, self.ndim)
    return xp.flip(self, axis=axes).copy() if self.ndim else self.copy()


flip = Op("FlipBackward0", _flip, jvp=LINEAR, self=lambda grad, dims: flip(grad, dims))


def _flip_dims(dims):
    return tuple(dims[0]) if len(dims) == 1 and not isinstance(dims[0], int) else tuple(dims)


def flip_fn(input, dims):
    return flip(input, _flip_dims((dims,)))


def flip_method(self, *dims):
    return flip(self, _flip_dims(dims))


# torch's CPU scans accumulate in a wider type (at::acc_type: double for float, float for
# half) and round each output once; NumPy's float32 cumsum accumulates in float32 and
# drifts (hundreds of ulps after 10^6 elements, more where the sums cancel)
_SCAN_ACCUMULATOR = {xp.dtype(xp.float16): xp.float32, xp.dtype(xp.float32): xp.float64,
                     xp.dtype(xp.complex64): xp.complex128}


def scan(accumulate, self, axis, dtype):
    """``accumulate`` (NumPy's cumsum or cumprod) along ``axis``, giving ``dtype``, with
    torch's accumulator."""
    wide = _SCAN_ACCUMULATOR.get(dtype)
    if wide is None:
        return accumulate(self, axis=axis, dtype=dtype)
    return accumulate(self, axis=axis, dtype=wide).astype(dtype)


def _cumsum(self, dim, dtype=None):
    d = _dims(dim, self.ndim)[0]
    if not self.ndim:
        return self.astype(_sum_dtype(self, dtype))
    return scan(xp.cumsum, self, d, _sum_dtype(self, dtype))


def _cumsum_backward(grad, dim):
    # torch's cumsum_backward: the reversed cumsum, skipped when there is nothing to sum
    if math.prod(grad.shape) <= 1 or grad.shape[dim] == 1:
        return grad
    return flip(cumsum(flip(grad, (dim,)), dim), (dim,))


cumsum = Op("CumsumBackward0", _cumsum, jvp=LINEAR, self=_cumsum_backward)


def cumsum_fn(input, dim, *, dtype=None, out=None):
    return cumsum(input, dim, dtype)


# -- repeat -----------------------------------------------------------------------------------
def _repeat(self, repeats):
    if len(repeats) < self.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    shape = (1,) * (len(repeats) - self.ndim) + self.shape
    target = [r * s for r, s in zip(repeats, shape)]
    for t in target:
        if t < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {t}: {target}")
    return xp.tile(self, repeats)


def _repeat_backward(grad, repeats, self_sym_sizes):
    """torch's repeat_backward: sum the leading new dims away, then one reshape to
    (repeat, size) pairs and one sum over the repeats."""
    if 0 in repeats:
        return new_zeros(grad, tuple(self_sym_sizes))
    n = len(self_sym_sizes)
    for _ in range(len(repeats) - n):
        grad = sum_dim(grad, 0, False)
    grad_size, sum_dims = [], []
    for d in range(n):
        if repeats[d + len(repeats) - n] != 1:
            grad_size.append(repeats[d + len(repeats) - n])
            sum_dims.append(len(grad_size) - 1)
        grad_size.append(self_sym_sizes[d])
    if sum_dims:
        grad = sum_dim(reshape(grad, tuple(grad_size)), tuple(sum_dims), False)
    return grad


repeat = Op("RepeatBackward0", _repeat, jvp=LINEAR, self=_repeat_backward)


def repeat_method(self, *sizes):
    return repeat(self, _flip_dims(sizes))


from .views import expand, new_zeros, reshape, unsqueeze  # noqa: E402  (views.py uses nothing from here)

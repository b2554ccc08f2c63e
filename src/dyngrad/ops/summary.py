"""More reductions: nansum and nanmean, var_mean and std_mean, aminmax, count_nonzero,
all and any, quantile and nanquantile.

var_mean, std_mean and aminmax are one node with two outputs (VarMeanBackward0, ...),
their formula summing what each output's gradient gives, as torch's var_mean_backward.
quantile is composed from sort, gather, lerp_ and squeeze_ as torch composes it.
"""
from .. import _backend
from .. import _dtype as _dt
from .._kernel_dtypes import ALL_BUT_COMPLEX, check_kernel
from ..tensor import Tensor, _wrap, _wrap_dim
from . import pointwise as pw
from ._batched import BatchedTensor, on_batch, sample_wise
from ._table import LINEAR, TRANSPOSED, Op
from .reduction import _dims, _sum_dtype, mean_dim, sum_dim
from .return_types import return_type
from .statistics import (_amax_amin_backward, _correction, _std, _std_backward, _var,
                         _var_backward, _var_check, _unsqueeze_multiple, _warn_dof, std_jvp,
                         var_jvp)
from .views import expand
from .reduction import gather
from .views import squeeze_dim_
from .views import squeeze_dim
from .views import transpose
from .views import select
from .reduction import cumsum

xp = _backend.xp


def _axes(dim, ndim):
    # (an empty tuple or list, as torch reads it: every dim)
    return tuple(range(ndim)) if dim is None or dim == () or dim == [] else _dims(dim, ndim)


def _dim_arg(dim):
    if dim is None:
        return None
    return (dim,) if isinstance(dim, int) else tuple(dim)


# -- nansum, nanmean --------------------------------------------------------------------------
def _nansum(self, dim, keepdim, dtype=None):
    axes = _axes(dim, self.ndim) if self.ndim else ()
    if self.dtype.kind in "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    return xp.asarray(xp.nansum(self, axis=axes, keepdims=keepdim, dtype=_sum_dtype(self, dtype)))


def _nansum_backward(grad, self, dim, keepdim):
    # torch: sum_backward(grad, sizes, dim, keepdim) * self.isnan().logical_not()
    sizes = tuple(self.shape)
    if not keepdim and sizes and dim:
        grad = _unsqueeze_multiple(grad, dim, len(sizes))
    return expand(grad, sizes) * pw.logical_not(pw.isnan(self))


nansum_op = Op("NansumBackward0", _nansum, jvp=TRANSPOSED, self=_nansum_backward)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    return nansum_op(input, _dim_arg(dim), keepdim, dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                           f"but got {input.dtype._cname}")
    dims = _dim_arg(dim)
    count = sum_dim(pw.logical_not(pw.isnan(input)), _axes(dims, input.dim()), keepdim)
    return pw.div(nansum_op(input, dims, keepdim, dtype), count)


# -- var_mean, std_mean -------------------------------------------------------------------------
def _mean_of(self, dim, keepdim):
    axes = None if dim is None else _axes(dim, self.ndim) if self.ndim else ()
    if self.size:
        out = xp.mean(self, axis=axes, keepdims=keepdim and dim is not None)
    else:  # (torch's mean of nothing is nan; NumPy's warns)
        out = xp.full(xp.sum(self, axis=axes, keepdims=keepdim and dim is not None).shape,
                      xp.nan, self.dtype)
    if keepdim and dim is None:
        out = xp.reshape(out, (1,) * self.ndim)
    out = xp.asarray(out).astype(self.dtype, copy=False)
    if self.ndim and self.size and self.dtype.kind in "fV" and not xp.isfinite(self).all():
        every = dim is None or len(dim) == 0
        out = _running_mean_infinities(self, out, tuple(range(self.ndim)) if every else axes)
    return out


def _running_mean_infinities(self, mean, axes):
    """torch's var_mean takes the mean by Welford's running update m += (x - m) / n, which
    keeps an infinity only as the last element of its slice: any element
    after it gives inf - inf, so var_mean's mean of [inf, 0] is nan where mean() is inf."""
    kept = self.ndim - len(axes)
    rows = xp.moveaxis(self, axes, tuple(range(kept, self.ndim)))
    rows = rows.reshape(rows.shape[:kept] + (-1,))
    last = rows[..., -1]
    early = ~xp.isfinite(rows[..., :-1]).all(axis=-1)
    with_inf = xp.isinf(rows).any(axis=-1)
    fixed = xp.where(early, xp.asarray(xp.nan, self.dtype), last)
    return xp.where(with_inf, fixed, mean.reshape(with_inf.shape)).reshape(mean.shape).astype(
        self.dtype, copy=False)


def _mean_backward(grad, self, dim, keepdim):
    """torch's mean_backward: the gradient spread back, divided by the count (div.Scalar)."""
    sizes = tuple(self.shape)
    n = 1
    for d in (_axes(dim, len(sizes)) if sizes else ()):
        n *= sizes[d]
    if not keepdim and sizes and dim is not None:
        grad = _unsqueeze_multiple(grad, dim, len(sizes))
    return pw.div_scalar(expand(grad, sizes), n)


def _var_mean(self, dim, correction, keepdim):
    return _var(self, dim, correction, keepdim), _mean_of(self, dim, keepdim)


def _std_mean(self, dim, correction, keepdim):
    return _std(self, dim, correction, keepdim), _mean_of(self, dim, keepdim)


def _var_mean_backward(grads, self, dim, correction, keepdim):
    gvar, gmean = grads
    out = None
    if gvar is not None:
        out = _var_backward(gvar, self, dim, correction, keepdim)
    if gmean is not None:
        aux = _mean_backward(gmean, self, dim, keepdim)
        out = aux if out is None else out + aux
    return out


def _std_mean_backward(grads, self, result0, dim, correction, keepdim):
    gstd, gmean = grads
    out = None
    if gstd is not None:
        out = _std_backward(result0, gstd, self, dim, correction, keepdim)
    if gmean is not None:
        aux = _mean_backward(gmean, self, dim, keepdim)
        out = aux if out is None else out + aux
    return out


def _mean_jvp(self_t, dim, keepdim):
    # derivatives.yaml's result1: mean(self_t, dim.value_or({}), keepdim) (nan over no elements)
    if self_t.ndim == 0:
        return self_t
    return mean_dim(self_t, tuple(range(self_t.ndim)) if not dim else dim, keepdim)


def _var_mean_jvp(self_t, self, dim, correction, keepdim):
    return var_jvp(self_t, self, dim, correction, keepdim), _mean_jvp(self_t, dim, keepdim)


def _std_mean_jvp(self_t, self, result0, dim, correction, keepdim):
    return (std_jvp(self_t, self, result0, dim, correction, keepdim),
            _mean_jvp(self_t, dim, keepdim))


var_mean_op = Op("VarMeanBackward0", _var_mean, jvp=_var_mean_jvp, outputs=("result0", "result1"),
                 self=_var_mean_backward)
std_mean_op = Op("StdMeanBackward0", _std_mean, jvp=_std_mean_jvp, outputs=("result0", "result1"),
                 self=_std_mean_backward)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _var_check(input._data, "var_mean")
    dim, correction = _correction(dim, unbiased, correction)
    _warn_dof("var_mean", input, dim, correction)
    return var_mean_op(input, dim, correction, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _var_check(input._data, "std_mean")
    dim, correction = _correction(dim, unbiased, correction)
    _warn_dof("std_mean", input, dim, correction)
    return std_mean_op(input, dim, correction, keepdim)


# -- aminmax ----------------------------------------------------------------------------------
def _aminmax(self, dim, keepdim):
    if self.size == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    check_kernel(self, "aminmax_cpu", ALL_BUT_COMPLEX)
    axes = None if dim is None else (_dims(dim, self.ndim) if self.ndim else None)
    kd = keepdim and (dim is not None)
    lo, hi = xp.min(self, axis=axes, keepdims=kd), xp.max(self, axis=axes, keepdims=kd)
    if keepdim and dim is None:
        lo, hi = xp.reshape(lo, (1,) * self.ndim), xp.reshape(hi, (1,) * self.ndim)
    return xp.asarray(lo), xp.asarray(hi)


def _aminmax_backward(grads, self, dim, keepdim, min, max):
    dims = () if dim is None else (dim,)
    out = None
    for g, r in zip(grads, (min, max)):
        if g is not None:
            part = _amax_amin_backward(g, self, dims, keepdim, r)
            out = part if out is None else out + part
    return out


aminmax_op = Op("AminmaxBackward0", _aminmax, jvp=TRANSPOSED,
                outputs=("min", "max"), self=_aminmax_backward)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    d = None if dim is None else _wrap_dim(dim, input.dim())
    lo, hi = aminmax_op(input, d, keepdim)
    return return_type("aminmax", ("min", "max"))(lo, hi)


# -- count_nonzero, all, any ----------------------------------------------------------------------
def _sample_dims(dim, ndim):
    """A reduction's dims of a sample as dims of the batch (every sample dim for None)."""
    dims = range(ndim) if dim is None else _dim_arg(dim)
    return tuple(_wrap_dim(d, ndim) + 1 for d in dims)


def count_nonzero(input, dim=None):
    if type(input) is BatchedTensor:  # NOTE [Functions that read arrays under vmap]
        if not input.dim():  # (the batch dim would be all a 0-dim sample's dims)
            return sample_wise("aten::count_nonzero")(count_nonzero)(input, dim)
        return on_batch(lambda p: count_nonzero(p, _sample_dims(dim, input.dim())), input)
    a = input._data
    axes = None if dim is None else _axes(_dim_arg(dim), a.ndim)
    return _wrap(xp.asarray(xp.count_nonzero(a, axis=axes), dtype=xp.int64))


def _logical_reduce(ufunc, name):
    def fn(input, dim=None, keepdim=False, *, out=None):
        if type(input) is BatchedTensor:  # NOTE [Functions that read arrays under vmap]
            if not input.dim():
                return sample_wise(f"aten::{name}")(fn)(input, dim, keepdim)
            return on_batch(lambda p: fn(p, _sample_dims(dim, input.dim()),
                                         keepdim and dim is not None), input)
        a = input._data
        axes = None if dim is None else _axes(_dim_arg(dim), a.ndim) if a.ndim else None
        res = ufunc(a, axis=axes, keepdims=keepdim and dim is not None)
        # uint8 in, uint8 out (torch's legacy); bool for every other dtype
        return _wrap(xp.asarray(res, dtype=xp.uint8 if a.dtype == xp.uint8 else bool))
    fn.__name__ = name
    return fn


all_ = _logical_reduce(xp.all, "all")
any_ = _logical_reduce(xp.any, "any")


# -- quantile ---------------------------------------------------------------------------------
_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    from . import torch_shape as ts
    from .inplace import apply_inplace
    from .pointwise_more import lerp_tensor
    from .sorting import sort_op
    name = "quantile()"  # (nanquantile's messages too, as torch's checks are shared)
    if not isinstance(q, Tensor) and not 0 <= q <= 1:
        raise RuntimeError(f"{name} q must be in the range [0, 1] but got {q:g}")
    if input.numel() == 0:
        raise RuntimeError(f"{name} input tensor must be non-empty")
    qt = q if isinstance(q, Tensor) else _wrap(xp.asarray(q, dtype=input._data.dtype))
    qa = qt._data
    if qa.ndim > 1:
        raise RuntimeError(f"{name} q must be a scalar or 1D tensor")
    if input.dtype not in (_dt.float32, _dt.float64):
        raise RuntimeError(f"{name} input tensor must be either float or double dtype")
    if qt.dtype is not input.dtype:
        raise RuntimeError(f"{name} q tensor must be same dtype as the input tensor")
    if qa.size and (qa.min() < 0 or qa.max() > 1):
        raise RuntimeError(f"{name} q values must be in the range [0, 1]")
    if interpolation not in _MODES:
        raise RuntimeError(f"{name} interpolation must be one of linear, lower, higher, midpoint "
                           f"or nearest, but got {interpolation}")
    n = input.dim()
    if dim is None:
        sorted_ = sort_op(ts.flatten(input), 0, False)[0]
        out_shape = [1] * n if keepdim else []
    else:
        d = _wrap_dim(dim, n)
        if d == n - 1 or n == 0:
            sorted_ = sort_op(input, max(n - 1, 0), False)[0]
        else:
            sorted_ = sort_op(ts.transpose(ts.unsqueeze(input, -1), d, -1), n, False)[0]
        out_shape = list(input.shape)
        if keepdim:
            out_shape[d] = 1
        elif n:
            del out_shape[d]
    out_shape.insert(0, qa.size if qa.ndim else 1)
    in_shape = out_shape[1:] + [0]
    in_shape[-1] = sorted_.shape[-1] if sorted_.dim() else 1
    sorted_ = ts.view(sorted_, tuple(in_shape))
    # the ranks, from q with table ops: torch's quantile is differentiable in q too
    s = sorted_._data
    last = s.shape[-1] - 1
    qv = qt
    if ignore_nan:
        counts = _wrap((~xp.isnan(s)).sum(-1, keepdims=True) - 1)
        ranks = pw.mul(qv, counts)
        ranks = pw.masked_fill_op(ranks, pw.lt(ranks, 0), 0)
    else:
        nan_rows = _wrap(xp.isnan(s).any(-1, keepdims=True))
        ranks = pw.mul_scalar(qv, last)
        shape = tuple(xp.broadcast_shapes(tuple(ranks.shape), tuple(nan_rows.shape)))
        if tuple(ranks.shape) != shape:
            ranks = ts.expand(ranks, shape)
        if tuple(nan_rows.shape) != shape:
            nan_rows = ts.expand(nan_rows, shape)
        ranks = pw.masked_fill_op(ranks, nan_rows, last)
    if interpolation in ("lower", "higher", "nearest"):
        entry = {"lower": pw.floor, "higher": pw.ceil, "nearest": pw.round_}[interpolation]
        ranks = apply_inplace(entry, ranks, (ranks,))
    below = _wrap(ranks._data.astype(xp.int64))
    values = gather(sorted_, -1, below)
    if interpolation in ("linear", "midpoint"):
        if interpolation == "midpoint":
            weights = _wrap(xp.full(ranks.shape, 0.5, dtype=s.dtype))
        else:
            weights = pw.sub(ranks, below, 1)
        above = _wrap(xp.ceil(ranks._data).astype(xp.int64))
        apply_inplace(lerp_tensor, values, (values, gather(sorted_, -1, above), weights))
    if qa.ndim == 0:
        return squeeze_dim_(values, values.dim() - 1)
    return _move_quantiles_first(values)


def _move_quantiles_first(values):
    # torch: values.unsqueeze_(0).transpose_(0, -1).squeeze_(-1), in place
    values = unsqueeze_(values, 0)
    values = transpose_(values, 0, values.dim() - 1)
    return squeeze_dim_(values, values.dim() - 1)


# in-place view ops on a fresh result, so not views: their own node names, as squeeze_
unsqueeze_ = Op("UnsqueezeBackward1", lambda self, dim: xp.expand_dims(self, dim), jvp=LINEAR,
                self=lambda grad, dim: _squeeze_dim(grad, dim))
transpose_ = Op("TransposeBackward1", lambda self, dim0, dim1: xp.swapaxes(self, dim0, dim1).copy(),
                jvp=LINEAR, self=lambda grad, dim0, dim1: _transpose(grad, dim0, dim1))


def _squeeze_dim(grad, dim):
    return squeeze_dim(grad, dim)


def _transpose(grad, dim0, dim1):
    return transpose(grad, dim0, dim1)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, True)


# -- trapezoid ----------------------------------------------------------------------------------
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule along ``dim``: dx * (sum(y) - (y[0] + y[-1]) / 2) for a spacing,
    sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])) / 2 for sample points, as torch composes it."""
    from . import torch_shape as ts
    _refuse_bool("trapezoid", y)
    d = _wrap_dim(dim, y.dim())
    n = y.shape[d]
    if x is not None and isinstance(x, Tensor):
        if n == 0:
            return sum_dim(y, (d,), False)
        return pw.div_scalar(sum_dim(pw.mul(_pairs(y, d, n), _spacings(x, y, d)), (d,), False), 2.0)
    spacing = 1 if dx is None and x is None else (x if x is not None else dx)
    if n == 0:
        return pw.mul_scalar(sum_dim(y, (d,), False), spacing)
    ends = pw.add(select(y, d, 0), select(y, d, n - 1), 1)
    return pw.mul_scalar(pw.sub(sum_dim(y, (d,), False), pw.mul_scalar(ends, 0.5), 1), spacing)


def _pairs(y, d, n):
    from . import torch_shape as ts
    return pw.add(ts.narrow(y, d, 1, max(n - 1, 0)), ts.narrow(y, d, 0, max(n - 1, 0)), 1)


def _spacings(x, y, d):
    """x's differences along d; a 1-D x is first viewed along y's dim d, as torch does."""
    from . import torch_shape as ts
    if x.dim() == 1 and y.dim() > 1:
        shape = [1] * y.dim()
        shape[d] = -1
        x = ts.view(x, tuple(shape))
    m = x.shape[d]
    lo = ts.narrow(x, d, 0, m - 1)  # made first, as in torch (the engine's order follows it)
    return pw.sub(ts.narrow(x, d, 1, m - 1), lo, 1)


def _refuse_bool(name, y):
    if y.dtype is _dt.bool:
        raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    from . import torch_shape as ts
    _refuse_bool("cumulative_trapezoid", y)
    d = _wrap_dim(dim, y.dim())
    n = y.shape[d]
    pairs = _pairs(y, d, n)
    if x is not None and isinstance(x, Tensor):
        return cumsum(pw.div_scalar(pw.mul(pairs, _spacings(x, y, d)), 2.0), d)
    spacing = 1 if dx is None and x is None else (x if x is not None else dx)
    return cumsum(pw.mul_scalar(pairs, spacing / 2.0), d)


FUNCTIONS = {
    "trapezoid": trapezoid, "trapz": trapezoid, "cumulative_trapezoid": cumulative_trapezoid,
    "nansum": nansum, "nanmean": nanmean, "var_mean": var_mean, "std_mean": std_mean,
    "aminmax": aminmax, "count_nonzero": count_nonzero, "all": all_, "any": any_,
    "quantile": quantile, "nanquantile": nanquantile,
}
METHODS = {n: f for n, f in FUNCTIONS.items() if n not in ("var_mean", "std_mean")}

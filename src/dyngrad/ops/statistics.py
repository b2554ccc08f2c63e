"""Statistical reductions: var and std, logsumexp, amax/amin and vector norms (prod is
prod.py's).

Each backward is torch's (FunctionsManual.cpp: var_backward, std_backward,
logsumexp_backward, scale_grad_by_count, norm_backward) written with table ops, so that
the graphs recorded under create_graph are torch's.
"""
import math
import warnings

from .. import _backend
from .._args import user_stacklevel
from .._kernel_dtypes import ALL_BUT_COMPLEX, check_kernel
from ..creation import full_like
from ._promote import to_float
from ._table import TRANSPOSED, Op
from .pointwise import (abs_, conj, div, eq, exp, logical_or, isnan, masked_fill_op,
                        mul_scalar, pow_scalar_exp, sgn)
from .reduction import _axes, _dims, mean_all, mean_dim, sum_dim
from .complex_views import real
from .views import reshape, unsqueeze

xp = _backend.xp
_SILENT = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}


def _unsqueeze_multiple(x, dim, ndim):
    """torch's unsqueeze_multiple: put back the reduced dims, in increasing order."""
    for d in _dims(dim, ndim):
        x = unsqueeze(x, d)
    return x


# -- var and std ---------------------------------------------------------------------------
def _var_check(self, name="std and var"):
    if self.dtype.kind not in "fcV":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


def _in_float32(a):
    """float16 summed as torch's kernels sum it, in float32 (NumPy's sum of float16 squares
    overflows at 256)."""
    return a.astype(xp.float32) if a.dtype == xp.float16 else a


def _every_dim_if_empty(dim):
    # torch reads an empty dim list as every dim, as it reads None
    return None if dim is not None and not isinstance(dim, int) and len(dim) == 0 else dim


def _var(self, dim, correction, keepdim, then=None):
    """The variance (``then`` applied before rounding to the result's dtype: std's sqrt)."""
    _var_check(self)
    dim = _every_dim_if_empty(dim)
    axes = None if dim is None else _axes(dim, self.ndim)
    keep = keepdim and dim is not None
    x = _in_float32(self)
    count = x.size if axes is None else math.prod(x.shape[a] for a in axes)
    with xp.errstate(**_SILENT):
        if count - correction > 0 and count:
            out = xp.var(x, axis=axes, ddof=correction, keepdims=keep)
        else:
            out = _var_without_dof(x, axes, count, correction, keep)
    if keepdim and dim is None:
        out = xp.reshape(out, (1,) * self.ndim)
    if then is not None:
        with xp.errstate(**_SILENT):
            out = then(out)
    return xp.asarray(out).astype(self.real.dtype, copy=False)


def _var_without_dof(x, axes, count, correction, keepdims):
    """torch's variance where the correction leaves no degrees of freedom (inf, or nan),
    or of no elements (nan): NumPy's var gives the same numbers with a RuntimeWarning,
    which a catch_warnings here would hide at the price of resetting every module's
    record of warnings already shown (torch's own dof warning would then repeat)."""
    if not count:
        shape = xp.sum(x, axis=axes, keepdims=keepdims).shape
        return xp.full(shape, xp.nan, dtype=x.real.dtype)
    deviation = xp.abs(x - xp.mean(x, axis=axes, keepdims=True)) ** 2
    return xp.sum(deviation, axis=axes, keepdims=keepdims) / x.real.dtype.type(
        max(count - correction, 0))


def _var_backward(grad, self, dim, correction, keepdim):
    """torch's var_backward: (2 / dof) * grad * (self - mean)."""
    # (an empty dim list is no dims here, not every dim: torch's dof is then 1 - correction)
    shape = tuple(self.shape)
    if len(shape) == 0 or dim is None:
        dof = math.prod(shape) - correction
        # C++'s 2.0 / 0 is inf (the gradient is then nan, shaped as the input), Python's raises
        return mul_scalar(grad, 2.0 / dof if dof else math.inf) * (self - mean_all(self))
    if not keepdim and len(shape) > 1:
        grad = _unsqueeze_multiple(grad, dim, len(shape))
    dof = math.prod(shape[d] for d in _dims(dim, len(shape))) - correction
    # C++'s 2.0 / 0 is inf (the gradient is then nan), Python's raises
    # (but the mean subtracted is every element's)
    dims = tuple(range(len(shape))) if _every_dim_if_empty(dim) is None else dim
    return mul_scalar(grad, 2.0 / dof if dof else math.inf) * (self - mean_dim(self, dims, True))


def _std(self, dim, correction, keepdim):
    return _var(self, dim, correction, keepdim, then=xp.sqrt)


def _std_backward(result, grad, self, dim, correction, keepdim):
    grad_var = masked_fill_op(grad / mul_scalar(result, 2), eq(result, 0), 0)
    return _var_backward(grad_var, self, dim, correction, keepdim)


def var_jvp(self_t, self, dim, correction, keepdim):
    """torch's var_jvp: each element's (2 / dof) * Re(self_t * conj(self - mean)), then
    summed, so that with no degrees of freedom (2 / 0 = inf) the terms are inf or nan one
    by one. dof is as var_backward counts it (an empty dim list reduces every dim but
    counts none: 1 - correction). A full reduction (no dim, or a 0-dim input) with
    dof <= 0 gives, in torch, each element's tangent times +inf, nan where the element
    equals the mean (the sum is then inf of the tangents' sign, or nan)."""
    if (dim is None or self.ndim == 0) and self.numel() - correction <= 0:
        at_mean = eq(self, mean_all(self))
        terms = self_t * masked_fill_op(full_like(self, math.inf), at_mean, math.nan)
    else:
        terms = real(_var_backward(conj(self_t), self, dim, correction, True))
    dim = _every_dim_if_empty(dim)
    return sum_dim(terms, tuple(range(self.ndim)) if dim is None else dim, keepdim)


def std_jvp(self_t, self, result, dim, correction, keepdim):
    # torch's rule: var's tangent over 2 * std, 0 where std is 0 (the transposed backward
    # would give 0 * inf there)
    var_t = var_jvp(self_t, self, dim, correction, keepdim)
    return masked_fill_op(var_t / mul_scalar(result, 2), eq(result, 0), 0)


var_op = Op("VarBackward0", _var, jvp=var_jvp, self=_var_backward)
std_op = Op("StdBackward0", _std, jvp=std_jvp, self=_std_backward)


def _correction(dim, unbiased, correction):
    if isinstance(dim, bool):  # var(input, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    if isinstance(dim, int):
        dim = (dim,)
    return dim, correction


def _warn_dof(name, input, dim, correction):
    """torch warns when the correction leaves no degrees of freedom (the result is inf or nan)."""
    shape = tuple(input.shape)
    every = dim is None or not shape or len(dim) == 0  # (an empty dim list: every dim)
    reduced = range(len(shape)) if every else _dims(dim, len(shape))
    kept = math.prod(s for d, s in enumerate(shape) if d not in reduced)
    count = math.prod(shape) // max(kept, 1)  # input numel divided by output numel
    if count - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=user_stacklevel())


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    dim, correction = _correction(dim, unbiased, correction)
    _warn_dof("var", input, dim, correction)
    return var_op(input, dim, correction, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    dim, correction = _correction(dim, unbiased, correction)
    _warn_dof("std", input, dim, correction)
    return std_op(input, dim, correction, keepdim)


# -- logsumexp -------------------------------------------------------------------------
def _logsumexp(self, dim, keepdim):
    x = to_float(self)
    axes = _axes(dim, x.ndim)
    m = xp.max(x, axis=axes, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
    m = xp.where(xp.isinf(m), xp.zeros((), x.dtype), m)
    with xp.errstate(divide="ignore"):
        out = xp.log(xp.sum(xp.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdim else xp.reshape(out, [s for i, s in enumerate(x.shape) if i not in axes])


def _logsumexp_backward(grad, self, result, dim, keepdim):
    if not keepdim and self.ndim:
        grad = _unsqueeze_multiple(grad, dim, self.ndim)
        result = _unsqueeze_multiple(result, dim, self.ndim)
    return grad * conj(exp(self - result))


def _logsumexp_jvp(self_t, self, result, dim, keepdim):
    # the tangents weighted by softmax along dim (torch's logsumexp_jvp)
    r = result if keepdim or not self.ndim else _unsqueeze_multiple(result, dim, self.ndim)
    return sum_dim(exp(self - r) * self_t, dim, keepdim)


logsumexp_op = Op("LogsumexpBackward0", _logsumexp, jvp=_logsumexp_jvp,
                  self=_logsumexp_backward)


def logsumexp(input, dim=None, keepdim=False, *, out=None):
    if dim is None:
        raise TypeError('logsumexp() missing 1 required positional arguments: "dim"')
    return logsumexp_op(input, (dim,) if isinstance(dim, int) else tuple(dim), keepdim)


# -- amax / amin ---------------------------------------------------------------------------
def _restore_reduced_dims(output, dim, keepdim):
    """torch's restore_reduced_dims: the reduced dims back as ones, by one reshape."""
    if keepdim:
        return output
    total = len(output.shape) + len(dim)
    target = [0] * total
    for d in dim:
        target[d % total if total else 0] = 1
    sizes = iter(output.shape)
    target = [t or next(sizes) for t in target]
    return reshape(output, tuple(target))


def _amax_amin_backward(grad, self, dim, keepdim, result):
    # torch's scale_grad_by_count: ties share the gradient
    mask = eq(_restore_reduced_dims(result, dim, keepdim), self)
    dims = dim if dim else tuple(range(self.ndim))
    # div, not NumPy's /: an int64 count must not promote the gradient (a 0-d input keeps it)
    return div(_restore_reduced_dims(grad, dim, keepdim), sum_dim(mask, dims, True)) * mask


def _extreme(ufunc, name):
    def forward(self, dim, keepdim):
        axes = _axes(dim, self.ndim) if dim else None
        for d in axes or ():
            if self.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        if self.size == 0 and not axes:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        check_kernel(self, f"{name[1:]}_values_cpu", ALL_BUT_COMPLEX)  # (max_values_cpu)
        return xp.asarray(ufunc(self, axis=axes, keepdims=keepdim))
    return forward


amax_op = Op("AmaxBackward0", _extreme(xp.max, "amax"), jvp=TRANSPOSED, self=_amax_amin_backward)
amin_op = Op("AminBackward0", _extreme(xp.min, "amin"), jvp=TRANSPOSED, self=_amax_amin_backward)


def _dim_list(dim):
    return (dim,) if isinstance(dim, int) else tuple(dim)


def amax(input, dim=(), keepdim=False, *, out=None):
    return amax_op(input, _dim_list(dim), keepdim)


def amin(input, dim=(), keepdim=False, *, out=None):
    return amin_op(input, _dim_list(dim), keepdim)


# -- vector norms ---------------------------------------------------------------------------
def _vector_norm(self, ord, dim, keepdim):
    x = xp.abs(to_float(self))
    dtype = x.dtype
    x = _in_float32(x)
    axes = None if dim is None else _axes(dim, x.ndim)
    if ord == math.inf:
        out = xp.max(x, axis=axes, keepdims=keepdim)
    elif ord == -math.inf:
        out = xp.min(x, axis=axes, keepdims=keepdim)
    elif ord == 0:
        out = xp.sum(x != 0, axis=axes, keepdims=keepdim).astype(x.dtype)
    elif ord == 1:
        out = xp.sum(x, axis=axes, keepdims=keepdim)
    elif ord == 2:
        out = xp.sqrt(xp.sum(x * x, axis=axes, keepdims=keepdim))
    else:
        with xp.errstate(**_SILENT):
            out = xp.sum(x ** ord, axis=axes, keepdims=keepdim) ** (1.0 / ord)
    return xp.asarray(out).astype(dtype, copy=False)


def _norm_backward(grad, self, ord, result, dim, keepdim):
    """torch's norm_backward for ord 0, 1, 2, +-inf and other p.

    For other p torch raises |self| to a power in place (pow_), so its second derivatives
    hold a CloneBackward0 of the saved |self| that these formulas do not record; the values
    are the same."""
    norm = result
    dims = () if dim is None else dim
    if not keepdim and self.ndim:
        grad = _unsqueeze_multiple(grad, dims, self.ndim)
        norm = _unsqueeze_multiple(norm, dims, self.ndim)
    if ord == 0:
        return None  # torch returns an undefined gradient: the input's .grad stays None
    if ord == 1:
        return sgn(self) * grad
    if ord == 2:
        return grad * masked_fill_op(self / norm, eq(norm, 0), 0)
    if math.isinf(ord):
        self_abs = abs_(self)
        mask = logical_or(eq(self_abs, norm), isnan(self_abs))
        all_dims = dims if dims else tuple(range(self.ndim))
        return sgn(self) * (div(grad, sum_dim(mask, all_dims, True)) * mask)
    if ord < 1:
        self_scaled = sgn(self) * masked_fill_op(pow_scalar_exp(abs_(self), ord - 1), eq(self, 0), 0)
        return self_scaled * grad * pow_scalar_exp(norm, 1 - ord)
    if ord < 2:
        self_scaled = sgn(self) * pow_scalar_exp(abs_(self), ord - 1)
    else:
        self_scaled = self * pow_scalar_exp(abs_(self), ord - 2)
    scale_v = masked_fill_op(grad / pow_scalar_exp(norm, ord - 1), eq(norm, 0), 0)
    return self_scaled * scale_v


vector_norm = Op("LinalgVectorNormBackward0", _vector_norm, jvp=TRANSPOSED, self=_norm_backward)


def _norm_dim(self, p, dim, keepdim):
    return _vector_norm(self, p, dim, keepdim)


def _norm_dim_backward(grad, self, p, result, dim, keepdim):
    return _norm_backward(grad, self, p, result, dim, keepdim)


# aten's norm.ScalarOpt_dim: the same norm under its own node (and torch's saved names),
# which the ops composed in C++ (pairwise_distance) and torch.frobenius_norm record where
# Python's torch.norm records linalg_vector_norm
norm_dim = Op("NormBackward1", _norm_dim, jvp=TRANSPOSED, self=_norm_dim_backward)
# at::norm(self, p), which torch's C++ composites record (norm_except_dim over every dim)
norm_op = Op("NormBackward0", _vector_norm, jvp=TRANSPOSED, self=_norm_backward)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: vector norms (p a number or 'fro', over all dims or ``dim``), and the
    nuclear norm of a matrix (p 'nuc')."""
    if input._data.dtype.kind not in "fcV":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype._cname}")
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        if p != "nuc":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        from ..linalg.norms import matrix_norm  # torch.linalg builds on the ops
        dim = tuple(range(input.ndim)) if dim is None else _dim_list(dim)
        return matrix_norm(input, "nuc", dim, keepdim)
    if dim is not None:
        dim = _dim_list(dim)
    return vector_norm(input, float(p), dim, keepdim)


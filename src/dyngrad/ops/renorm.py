"""renorm: each slice along ``dim`` scaled down to a p-norm of at most ``maxnorm`` (torch's
RenormBackward0, its renorm_backward formula written with dyngrad's ops)."""
from .. import _backend
from .. import _dtype as _dt
from ..tensor import _wrap_dim
from ..creation import ones_like
from ._table import Op
from .pointwise import _real_part, add_scalar, conj, gt, mul_scalar, reciprocal, where
from .reduction import sum_dim
from .statistics import _norm_backward, vector_norm

xp = _backend.xp
_EPS = 1e-7  # (torch's: a norm just above maxnorm is scaled to just below it)


def _reduced(ndim, dim):
    return tuple(d for d in range(ndim) if d != dim)


def _renorm(self, p, dim, maxnorm):
    # torch's kernel: the norm in the accumulate type (float for half), the scale factor
    # rounded to the tensor's type, then one multiply
    x = self.astype(xp.float32) if self.dtype == xp.float16 else self
    norm = vector_norm.forward(x, p, _reduced(self.ndim, dim), True)
    factor = xp.where(norm > maxnorm, norm.dtype.type(maxnorm) / (norm + norm.dtype.type(_EPS)),
                      norm.dtype.type(1))
    return self * factor.astype(self.dtype, copy=False)


def _renorm_backward(grad, self, p, dim, maxnorm):
    dims = _reduced(self.ndim, dim)
    norm = vector_norm(self, p, dims, True)
    grad_output = sum_dim(_real_part(conj(self) * grad), dims, True)
    nb = _norm_backward(grad_output, self, p, norm, dims, True)
    invnorm = reciprocal(add_scalar(norm, _EPS, 1))
    grad_norm = mul_scalar(invnorm, maxnorm) * (grad - invnorm * nb)
    if getattr(self, "_data", self).dtype not in (xp.float64, xp.complex128):
        grad_norm = _to_copy(grad_norm, grad)
    return where(gt(norm, maxnorm), grad_norm, grad)


def _to_copy(x, like):
    """torch's ``grad_norm.to(grad.scalar_type())``: torch computes grad_norm in the
    accumulate type (double for float), so the cast is a copy (ToCopyBackward0) unless self
    is double already; here the values stay in self's type and only the node is torch's."""
    if hasattr(x, "_data"):
        from .torch_shape import to_copy
        return to_copy(x, like.dtype)
    return x.astype(like.dtype)


def _renorm_jvp(self, self_t, p, dim, maxnorm):
    # out = self * s(norm), s = maxnorm / (norm + eps) above maxnorm: the tangent is
    # s * self_t + self * s'(norm) * norm_t, norm_t the norm's own tangent (its gradient
    # paired with self_t)
    self = self.clone()  # (renorm_ then writes self: the rule keeps torch's original_self_p)
    dims = _reduced(self.ndim, dim)
    norm = vector_norm(self, p, dims, True)
    norm_grad = _norm_backward(ones_like(norm), self, p, norm, dims, True)
    norm_t = sum_dim(_real_part(conj(norm_grad) * self_t), dims, True)
    invnorm = reciprocal(add_scalar(norm, _EPS, 1))
    scaled = mul_scalar(invnorm, maxnorm) * self_t - self * mul_scalar(invnorm * invnorm, maxnorm) * norm_t
    return where(gt(norm, maxnorm), scaled, self_t)


renorm_op = Op("RenormBackward0", _renorm, jvp=_renorm_jvp, self=_renorm_backward)


def _checked(input, p, dim, maxnorm):
    """torch's checks, in its order; the dim wrapped."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.dim() < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} "
                           "dimensions")
    dim = _wrap_dim(dim, input.dim())
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype._cname}")
    return dim


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice of ``input`` along ``dim`` with a ``p``-norm above ``maxnorm`` scaled down
    to ``maxnorm``, as torch.renorm.

    >>> torch.renorm(torch.tensor([[3., 4.], [0.3, 0.4]]), 2, 0, 1.)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    return renorm_op(input, p, _checked(input, p, dim, maxnorm), maxnorm)


def renorm_(self, p, dim, maxnorm):
    from .inplace import apply_inplace
    return apply_inplace(renorm_op, self, (self, p, _checked(self, p, dim, maxnorm), maxnorm))


FUNCTIONS = {"renorm": renorm}
METHODS = {"renorm": renorm, "renorm_": renorm_}

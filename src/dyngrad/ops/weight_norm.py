"""torch._weight_norm and its fused form _weight_norm_interface: ``w = v * (g / ||v||)``,
the norm taken over every dim but ``dim`` (the weight normalization of
``nn.utils.weight_norm``).

    >>> torch._weight_norm(torch.tensor([[3., 4.]]), torch.tensor([10.]), 0)
    tensor([[6., 8.]])

torch fuses the first and the last dim (WeightNormInterfaceBackward0, which also returns
the norms) and composes any other dim from ``norm_except_dim``.
"""
from .. import _backend
from .. import _dtype as _dt
from ._table import Op
from .reduction import sum_dim
from .torch_native import norm_except_dim
from .views import reshape

xp = _backend.xp


def _other_dims(ndim, dim):
    return tuple(d for d in range(ndim) if d != dim)


def _norm_shape(v, dim):
    return tuple(n if d == dim else 1 for d, n in enumerate(v.shape))


def _weight_norm_interface(v, g, dim):
    # the norms in the accumulate type (float for half and bfloat16), as torch's kernel
    wide = v.astype(xp.float32) if v.dtype.itemsize < 4 and v.dtype.kind != "c" else v
    norms = xp.sqrt(xp.sum(wide * wide, axis=_other_dims(v.ndim, dim), keepdims=True))
    scale = g.reshape(_norm_shape(v, dim)).astype(norms.dtype) / norms
    return (wide * scale).astype(v.dtype, copy=False), norms


def _sum_except(x, dim, shape):
    """The sum over every dim but ``dim`` (first or last) of ``x``, shaped as the norms:
    over a 2-d view, as torch's backward does."""
    n = x.shape[dim]
    if dim == 0:
        return reshape(sum_dim(reshape(x, (n, -1)), (1,), False), shape)
    return reshape(sum_dim(reshape(x, (-1, n)), (0,), False), shape)


def _as_shape(x, shape):
    return x if tuple(x.shape) == shape else reshape(x, shape)


def _weight_norm_grads(grad, v, g, result1, dim, g_sym_sizes, grad_input_mask):
    # d(v * g / n) with n = ||v||: dg = <grad, v> / n; dv = g / n * (grad - v <grad, v> / n^2)
    norms = result1
    shape = tuple(norms.shape)
    gv = _sum_except(grad * v, dim, shape)
    g_ = _as_shape(g, shape)
    grad_v = g_ / norms * (grad - v * (gv / (norms * norms))) if grad_input_mask[0] else None
    grad_g = _as_shape(gv / norms, tuple(g_sym_sizes)) if grad_input_mask[1] else None
    return grad_v, grad_g


weight_norm_interface = Op("WeightNormInterfaceBackward0", _weight_norm_interface,
                           jvp_name="_weight_norm_interface",  # (torch has no forward rule)
                           outputs=("result0", "result1"),
                           differentiable_outputs=(0,), result_dtype_of="v",
                           v=_weight_norm_grads, g=_weight_norm_grads)


def _check(v, g, dim):
    if v.dtype != g.dtype and not (v.dtype.itemsize < 4 and g.dtype == _dt.float32):
        raise RuntimeError(f"expected scalar type {v.dtype._cname} but found "
                           f"{g.dtype._cname}")


def _weight_norm_interface_fn(v, g, dim=0):
    dim = dim + v.dim() if dim < 0 else dim
    if dim not in (0, v.dim() - 1):
        raise RuntimeError("dim == 0 || dim == v.dim() - 1 INTERNAL ASSERT FAILED at "
                           "\"/__w/pytorch/pytorch/aten/src/ATen/native/cpu/WeightNormKernel.cpp"
                           "\":408, please report a bug to PyTorch. fused kernels can only be "
                           "applied for first or last dim")
    _check(v, g, dim)
    return weight_norm_interface(v, g, dim)


def weight_norm(v, g, dim=0):
    """``v * (g / norm_except_dim(v, 2, dim))``, fused (WeightNormInterfaceBackward0) when
    ``dim`` is the first or the last dim, as torch's."""
    if dim in (0, v.dim() - 1):
        return _weight_norm_interface_fn(v, g, dim)[0]
    return v * (g / norm_except_dim(v, 2, dim))


FUNCTIONS = {"_weight_norm": weight_norm, "_weight_norm_interface": _weight_norm_interface_fn}

"""torch.gradient: a function's derivatives estimated from its samples by finite
differences, central inside and one-sided (first or second order) at the edges.

Composed of slices, arithmetic and one cat per dim, as torch composes it (its graph ends
in CatBackward0): with a number for the spacing, ``(x[2:] - x[:-2]) / h / 2`` inside;
with coordinates, the second-order weights of unevenly spaced samples.
"""
from .. import _dtype as _dt
from .._args import dim_list
from ..tensor import Tensor, _wrap_dim
from .joining import cat
from .pointwise import div_scalar, mul_scalar


def _slice(x, dim, start, stop=None):
    return x[(slice(None),) * dim + (slice(start, stop),)]


def _by_number(x, dim, h, edge_order):
    # (a number in torch's C++ is a Scalar operand: mul.Scalar and div.Scalar nodes)
    center = div_scalar(_slice(x, dim, 2) - _slice(x, dim, 0, -2), h)
    if edge_order == 1:
        first = div_scalar(_slice(x, dim, 1, 2) - _slice(x, dim, 0, 1), h)
        last = div_scalar(_slice(x, dim, -1) - _slice(x, dim, -2, -1), h)
    else:
        first = div_scalar(mul_scalar(_slice(x, dim, 0, 1), -1.5)
                           + mul_scalar(_slice(x, dim, 1, 2), 2)
                           - mul_scalar(_slice(x, dim, 2, 3), 0.5), h)
        last = div_scalar(mul_scalar(_slice(x, dim, -3, -2), 0.5)
                          - mul_scalar(_slice(x, dim, -2, -1), 2)
                          + mul_scalar(_slice(x, dim, -1), 1.5), h)
    return cat([first, div_scalar(center, 2), last], dim)


def _by_coordinates(x, dim, coords, edge_order):
    if coords.dim() != 1:
        raise RuntimeError("torch.gradient expected each element of spacing to have one "
                           f"dimension, but got an element with {coords.dim()} dimensions!")
    shape = [1] * x.dim()
    shape[dim] = -1
    dx = coords.diff(1, 0)
    dx1, dx2 = dx[:-1], dx[1:]
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * _slice(x, dim, 0, -2) + b * _slice(x, dim, 1, -1) + c * _slice(x, dim, 2)
    if edge_order == 1:
        first = (_slice(x, dim, 1, 2) - _slice(x, dim, 0, 1)) / dx[0]
        last = (_slice(x, dim, -1) - _slice(x, dim, -2, -1)) / dx[-1]
    else:
        a = -(mul_scalar(dx[0], 2.0) + dx[1]) / (dx[0] * (dx[0] + dx[1]))
        b = (dx[0] + dx[1]) / (dx[0] * dx[1])
        c = -dx[0] / (dx[1] * (dx[0] + dx[1]))
        first = a * _slice(x, dim, 0, 1) + b * _slice(x, dim, 1, 2) + c * _slice(x, dim, 2, 3)
        a = dx[-1] / (dx[-2] * (dx[-1] + dx[-2]))
        b = -(dx[-1] + dx[-2]) / (dx[-1] * dx[-2])
        c = (mul_scalar(dx[-1], 2) + dx[-2]) / (dx[-1] * (dx[-1] + dx[-2]))
        last = a * _slice(x, dim, -3, -2) + b * _slice(x, dim, -2, -1) + c * _slice(x, dim, -1)
    return cat([first, center, last], dim)


def _check(x, spacing_size, dim, edge_order):
    """torch's pre_check_gradient, in its order."""
    if x.dtype is _dt.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    if spacing_size is not None and dim is None and spacing_size != x.dim():
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
            f"equal to 'self.dim() = {x.dim()}', since dim argument was not given, but got a "
            f"list of length {spacing_size}")
    if spacing_size is not None and dim is not None and spacing_size != len(dim):
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
            "dim arguments to have the same length, but got a spacing argument of length "
            f"{spacing_size} and a dim argument of length {len(dim)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dim is not None:
        dim_list(dim, x.dim())
    for d in (range(x.dim()) if dim is None else dim):
        if x.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")


def gradient(input, *, spacing=None, dim=None, edge_order=1):
    """Estimates the gradient of a function sampled at ``input``'s points, one tensor per
    dim, as torch.gradient.

    >>> torch.gradient(torch.tensor([1., 4., 9., 16.]))
    (tensor([3., 4., 6., 7.]),)
    """
    dims = [dim] if isinstance(dim, int) else None if dim is None else list(dim)
    listed = isinstance(spacing, (list, tuple))
    _check(input, len(spacing) if listed else None, dims, edge_order)
    if dims is None:
        dims = list(range(input.dim()))
    dims = [_wrap_dim(d, input.dim()) for d in dims]
    if not listed:
        spacing = [1.0 if spacing is None else spacing] * len(dims)
    if listed and spacing and isinstance(spacing[0], Tensor):
        return tuple(_by_coordinates(input, d, c, edge_order) for d, c in zip(dims, spacing))
    return tuple(_by_number(input, d, h, edge_order) for d, h in zip(dims, spacing))


FUNCTIONS = {"gradient": gradient}

"""vander: the Vandermonde matrix of a vector, written as torch writes it (a column of
ones, the vector copied into the other columns, their running product, flipped unless
``increasing``), so the graph and the type (promoted with int64) are torch's."""
from .. import _dtype
from ..creation import empty
from .joining import cat


def vander(x, N=None, increasing=False):
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    result = empty((x.shape[0], n), dtype=_dtype.promote_types(x.dtype, _dtype.int64))
    if n > 0:
        result.select(1, 0).fill_(1)
        if n > 1:
            result[:, 1:].copy_(x.unsqueeze(1))
            result[:, 1:].copy_(result[:, 1:].cumprod(1))
    return result if increasing else result.flip(1)


# linalg.vander's floating dtypes (complex and integer ones, but not bool, too)
_WIDE = (_dtype.float32, _dtype.float64)


def linalg_vander(x, *, N=None):
    dt = x.dtype
    if dt not in _WIDE and (dt.is_floating_point or dt == _dtype.bool):
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer "
                           f"tensors, but got {dt._cname}")
    if x.dim() == 0:  # (torch reads a number as a vector of one)
        x = x.unsqueeze(-1)
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = x.unsqueeze(-1).expand(tuple(x.shape) + (n - 1,))
    ones = powers.new_ones(tuple(x.shape) + (1,))
    return cat([ones, powers.cumprod(-1)], -1)


FUNCTIONS = {"vander": vander}

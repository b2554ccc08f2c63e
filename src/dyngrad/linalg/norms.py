"""Norms: vector_norm (LinalgVectorNormBackward0, statistics.py), matrix_norm composed as
torch composes it (Frobenius: a vector norm; nuclear and spectral: from the singular
values; 1 and inf: a max of sums of absolute values), and norm choosing between them."""
import math

from ..ops import pointwise as pw
from ..ops.reduction import sum_dim
from ..ops.statistics import amax_op, amin_op, vector_norm as vector_norm_op
from ..tensor import _wrap_dim
from ._common import check_float
from ..ops import torch_shape as ts


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if dtype is not None:
        x = x.to(dtype)
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
    return vector_norm_op(x, float(ord), dim, keepdim)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    # (the spectral and nuclear norms take singular values: no half types)
    check_float(A, "linalg.matrix_norm" if ord not in ("nuc", 2, -2) else "linalg.norm:svd")
    if A.dim() < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    n = A.dim()
    if len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                           + " ".join(str(d) for d in dim))
    d0, d1 = (_wrap_dim(d, n) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    if ord == "fro":
        return vector_norm_op(A, 2.0, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        from .decompositions import svdvals
        moved = ts.permute(A, *[d for d in range(n) if d not in (d0, d1)], d0, d1)
        s = svdvals(moved)
        if ord == "nuc":
            out = sum_dim(s, (s.dim() - 1,), False)
        else:
            out = (amax_op if ord == 2 else amin_op)(s, (s.dim() - 1,), False)
        if keepdim:
            for d in sorted((d0, d1)):
                out = ts.unsqueeze(out, d)
        return out
    if ord in (1, -1, math.inf, -math.inf):
        # 1: max over columns of the column sums; inf: max over rows of the row sums
        sum_over, max_over = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = sum_dim(pw.abs_(A), (sum_over,), True)
        pick = amax_op if ord > 0 else amin_op
        out = pick(sums, (max_over,), True)
        if not keepdim:
            out = ts.squeeze(out, (d0, d1))
        return out
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and A.dim() == 2):
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)

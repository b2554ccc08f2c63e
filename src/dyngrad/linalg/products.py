"""Products: matrix_power by repeated squaring, multi_dot in the cheapest order, vecdot,
and the tensor forms of inv and solve (tensorinv, tensorsolve), composed from matmul,
inv and solve as torch composes them; linalg.matmul and linalg.diagonal are torch's."""
import math

from .. import _backend
from .. import _dtype as _dt
from ..ops import torch_shape as ts
from ..ops.autocast_policy import lower_precision_fp
from ..tensor import _wrap
from ._common import check_float, check_square, warn_once
from .inverses import inv, solve

matmul = ts.matmul

xp = _backend.xp
# the products run through autocast as torch's at::mm and at::matmul do
_mm = lower_precision_fp(ts.mm)
_matmul = lower_precision_fp(ts.matmul)


def matrix_power(A, n, *, out=None):
    check_square(A, "linalg.matrix_power")
    if n == 0:
        eye = xp.broadcast_to(xp.eye(A.shape[-1], dtype=A._data.dtype), tuple(A.shape)).copy()
        return _wrap(eye)
    a = inv(A) if n < 0 else A
    n = abs(n)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else _matmul(z, z)
        if bit:
            result = z if result is None else _matmul(z, result)
    return result


def _order(shapes):
    """The cheapest parenthesisation (matrix-chain dynamic programme): split[i][j]."""
    n = len(shapes)
    dims = [shapes[0][0]] + [s[1] for s in shapes]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def chain_matmul(*matrices, out=None):
    """The deprecated torch.chain_matmul: multi_dot of its arguments; one matrix comes
    back as a copy."""
    warn_once("chain_matmul", "torch.chain_matmul is deprecated and will be removed in a "
              "future PyTorch release. Use torch.linalg.multi_dot instead, which accepts a "
              "list of two or more tensors rather than multiple parameters.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) == 1:
        if matrices[0].dim() != 2:
            raise RuntimeError(f"Tensor dimension is {matrices[0].dim()}, expected 2 instead.")
        return ts.clone(matrices[0])
    return multi_dot(matrices)


def multi_dot(tensors, *, out=None):
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first_1d, last_1d = tensors[0].dim() == 1, tensors[-1].dim() == 1
    if first_1d:
        tensors[0] = ts.unsqueeze(tensors[0], 0)
    if last_1d:
        tensors[-1] = ts.unsqueeze(tensors[-1], -1)
    for i, t in enumerate(tensors):
        if t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    if len(tensors) == 2:
        result = _mm(tensors[0], tensors[1])
    elif len(tensors) == 3:
        # torch's own rule for three: (AB)C unless A(BC) is strictly cheaper
        (a, b), (c, d) = tensors[0].shape, tensors[2].shape
        if a * c * (b + d) > b * d * (a + c):
            result = _mm(tensors[0], _mm(tensors[1], tensors[2]))
        else:
            result = _mm(_mm(tensors[0], tensors[1]), tensors[2])
    else:
        split = _order([tuple(t.shape) for t in tensors])

        def chain(i, j):
            if i == j:
                return tensors[i]
            k = split[i][j]
            return _mm(chain(i, k), chain(k + 1, j))
        result = chain(0, len(tensors) - 1)
    shape = tuple(result.shape)
    out_shape = shape[1:] if first_1d else shape
    out_shape = out_shape[:-1] if last_1d else out_shape
    return ts.view(result, out_shape)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset, dim1, dim2)


def vecdot(x, y, *, dim=-1, out=None):
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {x.dtype._cname} and y of type {y.dtype._cname} instead")
    if x.dtype is not _dt.bfloat16:  # (a product and a sum: bfloat16 too, unlike LAPACK's)
        check_float(x, "linalg.vecdot")
    return ((x.conj() if x.is_complex() else x) * y).sum(dim)


def _flattened(A, split, name):
    """A as a matrix: the first ``split`` dims its rows, the rest its columns."""
    rows, cols = math.prod(A.shape[:split]), math.prod(A.shape[split:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement {name}, but got "
                           f"{cols} != {rows}")
    return ts.reshape(A, (rows, cols))


def tensorinv(A, ind=2, *, out=None):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A.shape)
    M = _flattened(A, ind, "prod(self.shape[ind:]) == prod(self.shape[:ind])")
    return ts.reshape(inv(M), shape[ind:] + shape[:ind])


def tensorsolve(A, B, dims=None, *, out=None):
    if dims is not None:
        n = A.dim()
        dims = [d % n for d in dims]
        A = ts.permute(A, *[d for d in range(n) if d not in dims], *dims)
    M = _flattened(A, B.dim(), "prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim])")
    return ts.reshape(solve(M, ts.reshape(B, (-1,))), tuple(A.shape[B.dim():]))

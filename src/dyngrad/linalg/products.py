"""Products of several matrices: matrix_power by repeated squaring and multi_dot in the
cheapest order, composed from matmul as torch composes them."""
from .. import _backend
from ..ops import torch_shape as ts
from ..ops.autocast_policy import lower_precision_fp
from ..tensor import _wrap
from ._common import check_square
from .inverses import inv

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


def vecdot(x, y, *, dim=-1, out=None):
    """The dot product of vectors along ``dim``, conjugating ``x``, composed as torch's
    (a product, then a sum)."""
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but "
                           f"found x of type {x.dtype._cname} and y of type "
                           f"{y.dtype._cname} instead")
    return (x.conj() * y).sum(dim)

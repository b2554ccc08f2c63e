"""Products beyond mm: outer (ger), kron, cross, and the fused addmm, addmv, addbmm, baddbmm.

``outer`` and ``kron`` are composed (a reshape and a broadcast mul) as torch composes
them; cross and the add*mm family are table entries with derivatives.yaml's formulas
(``maybe_multiply``: a factor of 1 is no op at all, any other a mul.Scalar).
"""
import warnings

from .. import _backend, _meta_array
from .. import _dtype as _dt
from .._kernel_dtypes import NUMERIC_COMPLEX, check_kernel
from .._sparse_coo import SparseCoo, addmm as sparse_dense_addmm
from ..tensor import _wrap_dim
from . import pointwise as pw
from ._promote import broadcast_shapes
from ._table import LINEAR, TRANSPOSED, Op
from .linalg import _check_same_dtype, _outer_of, _mm_mat2_backward, _mm_self_backward, bmm, mv
from .pointwise import conj
from .views import expand, t, transpose, unsafe_view, unsqueeze
from ._promote import result_dtype
from .views import new_zeros, reshape, slice_, squeeze_dim

xp = _backend.xp


def _maybe_multiply(x, s):
    return x if s == 1 else pw.mul_scalar(x, s)


def outer(input, vec2):
    from .torch_shape import reshape
    if input.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.dim()}-D"
                           if input.dim() != 1 else
                           f"outer: Expected 1-D argument vec2, but got {vec2.dim()}-D")
    return pw.mul(reshape(input, (input.shape[0], 1)), vec2)


def kron(input, other):
    n = max(input.dim(), other.dim())
    pa, pb = n - input.dim(), n - other.dim()
    a_shape, b_shape, out_shape = [], [], []
    for i in range(n):
        a = input.shape[i - pa] if i >= pa else 1
        b = other.shape[i - pb] if i >= pb else 1
        a_shape += [a, 1]
        b_shape += [1, b]
        out_shape.append(a * b)
    prod = pw.mul(unsafe_view(input, tuple(a_shape)), unsafe_view(other, tuple(b_shape)))
    return unsafe_view(prod, tuple(out_shape))


# -- cross ----------------------------------------------------------------------------------
def _cross(self, other, dim):
    check_kernel(result_dtype(self, other), "cross", NUMERIC_COMPLEX)
    return xp.cross(self, other, axis=dim)


cross_op = Op("LinalgCrossBackward0", lambda self, other, dim: _cross(*xp.broadcast_arrays(self, other), dim),
              jvp=TRANSPOSED, self=lambda grad, other, dim: cross_op(conj(other), grad, dim),
              other=lambda grad, self, dim: cross_op(grad, conj(self), dim))


def linalg_cross(input, other, *, dim=-1, out=None):
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = broadcast_shapes(tuple(input.shape), tuple(other.shape))
    d = _wrap_dim(dim, len(shape))
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d]} and {other.shape[d]}")
    return cross_op(input, other, d)


_CROSS_WARNING = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
    "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
    "with that of linalg.cross in a future release.")


def cross(input, other, dim=None, *, out=None):
    if dim is None:
        warnings.warn(_CROSS_WARNING, UserWarning, stacklevel=2)
        shape = broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
        if dim == -1:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


# -- addmm, addmv, addbmm, baddbmm ------------------------------------------------------------
def _fused(self, prod, beta, alpha):
    """beta * self + alpha * prod, in prod's dtype; beta == 0 ignores self (nan included)."""
    out = prod if alpha == 1 else prod * xp.asarray(alpha, dtype=prod.dtype)
    if beta == 0:
        return xp.array(xp.broadcast_to(out, broadcast_shapes(self.shape, out.shape)))
    scaled = self if beta == 1 else self * xp.asarray(beta, dtype=self.dtype)
    broadcast_shapes(self.shape, out.shape)
    return (out + scaled).astype(prod.dtype, copy=False)


def _addmm(self, mat1, mat2, beta, alpha):
    if mat1.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2.ndim}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        if not _backend.has_values(mat1):  # torch's meta kernel words it its own way
            raise RuntimeError(_meta_array.reduction_dim_error(mat1, mat2))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                           f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    _check_same_dtype(mat1, mat2)
    if type(mat1) is SparseCoo and type(mat2) is not SparseCoo:
        # (torch's sparse kernel scales the bias first, then adds alpha * each entry's row)
        return sparse_dense_addmm(self, mat1, mat2, beta, alpha)
    try:
        prod = xp.matmul(mat1, mat2)
    except _meta_array.DeviceMismatch:  # (NOTE [CPU and meta operands] in _meta_array.py)
        prod = _meta_array.product_on(mat1, mat1, mat2)
    return _fused(self, prod, beta, alpha)


def _addmv(self, mat, vec, beta, alpha):
    if mat.ndim != 2 or vec.ndim != 1 or self.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {self.ndim}, {mat.ndim}, "
                           f"{vec.ndim}")
    if mat.shape[1] != vec.shape[0] or self.ndim and self.shape[0] not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({self.shape[0] if self.ndim else 1}), mat "
                           f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    return _fused(self, xp.matmul(mat, vec), beta, alpha)


def _check_batches(batch1, batch2):
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch1.shape[0]}, {batch1.shape[2]}] but got: [{batch2.shape[0]}, "
                           f"{batch2.shape[1]}].")
    _check_same_dtype(batch1, batch2, "bmm")


def _baddbmm(self, batch1, batch2, beta, alpha):
    _check_batches(batch1, batch2)
    return _fused(self, xp.matmul(batch1, batch2), beta, alpha)


def _addbmm(self, batch1, batch2, beta, alpha):
    _check_batches(batch1, batch2)
    return _fused(self, xp.matmul(batch1, batch2).sum(0), beta, alpha)


def _batched_grad(grad, batch1, batch2):
    return expand(unsqueeze(grad, 0), (batch1.shape[0], batch1.shape[1], batch2.shape[2]))


addmm = Op("AddmmBackward0", _addmm, jvp=TRANSPOSED,
           self=lambda grad, beta: _maybe_multiply(grad, beta),
           mat1=lambda grad, mat1, mat2, alpha: _maybe_multiply(_mm_self_backward(grad, mat1, mat2), alpha),
           mat2=lambda grad, mat1, mat2, alpha: _maybe_multiply(_mm_mat2_backward(grad, mat1, mat2), alpha))
addmv = Op("AddmvBackward0", _addmv, jvp=TRANSPOSED,
           self=lambda grad, beta: _maybe_multiply(grad, beta),
           mat=lambda grad, vec, alpha: _maybe_multiply(_outer_of(grad, conj(vec)), alpha),
           vec=lambda grad, mat, alpha: _maybe_multiply(mv(conj(t(mat)), grad), alpha))
baddbmm = Op("BaddbmmBackward0", _baddbmm, jvp=TRANSPOSED,
             self=lambda grad, beta: _maybe_multiply(grad, beta),
             batch1=lambda grad, batch2, alpha:
                 _maybe_multiply(bmm(grad, conj(transpose(batch2, 1, 2))), alpha),
             batch2=lambda grad, batch1, alpha:
                 _maybe_multiply(bmm(conj(transpose(batch1, 1, 2)), grad), alpha))
addbmm = Op("AddbmmBackward0", _addbmm, jvp=TRANSPOSED,
            self=lambda grad, beta: _maybe_multiply(grad, beta),
            batch1=lambda grad, batch1, batch2, alpha: _maybe_multiply(
                bmm(_batched_grad(grad, batch1, batch2), conj(transpose(batch2, 1, 2))), alpha),
            batch2=lambda grad, batch1, batch2, alpha: _maybe_multiply(
                bmm(conj(transpose(batch1, 1, 2)), _batched_grad(grad, batch1, batch2)), alpha))


def _fused_fn(op):
    def fn(input, a, b, *, beta=1, alpha=1, out=None):
        return op(input, a, b, beta, alpha)
    fn.__name__ = op.name
    return fn


FUSED = {"addmm": _fused_fn(addmm), "addmv": _fused_fn(addmv), "baddbmm": _fused_fn(baddbmm),
         "addbmm": _fused_fn(addbmm)}


# -- vdot, addr, dist, block_diag ---------------------------------------------------------------
def _vdot(self, other):
    if self.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
    if self.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{self.shape[0]}] and src "
                           f"[{other.shape[0]}] to have the same number of elements, but got "
                           f"{self.shape[0]} and {other.shape[0]} elements respectively")
    _check_same_dtype(self, other, "dot : expected both vectors to have same dtype")
    return xp.asarray(xp.vdot(self, other))


vdot = Op("VdotBackward0", _vdot, jvp=TRANSPOSED,
          self=lambda grad, other: conj(grad) * other,
          other=lambda grad, self: grad * self)


def vdot_fn(input, other, *, out=None):
    return vdot(input, other)


def _addr(self, vec1, vec2, beta, alpha):
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D"
                           if vec1.ndim != 1 else f"addr: Expected 1-D argument vec2, but got "
                           f"{vec2.ndim}-D")
    return _fused(self, xp.outer(vec1, vec2), beta, alpha)


addr_op = Op("AddrBackward0", _addr, jvp=TRANSPOSED,
             self=lambda grad, beta: _maybe_multiply(grad, beta),
             vec1=lambda grad, vec2, alpha: _maybe_multiply(mv(grad, conj(vec2)), alpha),
             vec2=lambda grad, vec1, alpha: _maybe_multiply(mv(t(grad), conj(vec1)), alpha))


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    return addr_op(input, vec1, vec2, beta, alpha)


def _dist(self, other, p):
    from .statistics import _vector_norm
    return _vector_norm(xp.asarray(self - other), float(p), None, False)


def _dist_self_backward(grad, self, other, p, result):
    from .statistics import _norm_backward
    return _norm_backward(grad, self - other, float(p), result, None, False)


dist_op = Op("DistBackward0", lambda self, other, p: _dist(*xp.broadcast_arrays(self, other), p),
             jvp=TRANSPOSED, self=_dist_self_backward,
             other=lambda grad, self, other, p, result: -_dist_self_backward(grad, self, other, p, result))


def dist(input, other, p=2):
    if input.dtype is _dt.bool and other.dtype is _dt.bool:  # (torch subtracts first)
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    broadcast_shapes(tuple(input.shape), tuple(other.shape))  # (torch's words, before the norm)
    kind = result_dtype(input._data, other._data).kind
    if kind in "iu":
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {_dt._FROM_NP[result_dtype(input._data, other._data)]._cname} "
                           "instead.")
    return dist_op(input, other, p)


def _block_diag(tensors):
    mats = [a.reshape(1, -1) if a.ndim < 2 else a for a in tensors]
    for i, a in enumerate(mats):
        if a.ndim != 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {a.ndim} dimensions")
    out = xp.zeros((sum(a.shape[0] for a in mats), sum(a.shape[1] for a in mats)),
                   dtype=result_dtype(*mats) if mats else xp.float32)
    r = c = 0
    for a in mats:
        out[r:r + a.shape[0], c:c + a.shape[1]] = a
        r, c = r + a.shape[0], c + a.shape[1]
    return out


def _block_diag_backward(grad, tensors_sizes):
    out, r, c = [], 0, 0
    for size in tensors_sizes:
        rows, cols = (size[0], size[1]) if len(size) == 2 else (1, size[0] if size else 1)
        if tuple(size) == (0,):  # an empty vector (its empty row): zeros, as torch's
            out.append(new_zeros(grad, (0,)))
        else:
            g = slice_(slice_(grad, 0, r, r + rows, 1), 1, c, c + cols, 1)
            # torch squeezes the last dim (twice for a 0-d block); a vector's row of 1 is
            # left for the engine to sum away
            for _ in range(2 - len(size)):
                g = squeeze_dim(g, -1)
            out.append(g)
        r, c = r + rows, c + cols
    return out


block_diag_op = Op("BlockDiagBackward0", _block_diag, jvp=LINEAR,
                   variadic=True, tensors=_block_diag_backward)


def block_diag(*tensors):
    return block_diag_op(list(tensors))

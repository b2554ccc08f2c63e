"""The LU family: lu_factor(_ex), lu, lu_unpack and lu_solve, with torch's derivatives
(linalg_lu_backward, lu_factor_ex_backward, lu_unpack_backward, and lu_solve's, this one
through the gradient of A = P L U), and torch.lu / torch.lu_solve, the deprecated forms.

A = P L U: P a permutation (LAPACK's row interchanges, elimination.py), L unit lower
triangular (m x k), U upper triangular (k x n), k = min(m, n). LU holds L below the
diagonal and U on and above it.
"""
from .. import _backend
from ..ops import joining
from ..ops import pointwise as pw
from ..ops._table import TRANSPOSED, Op
from ..ops.return_types import return_type
from ..tensor import _wrap
from ._common import batch_prefix, check_float, matmul, mH, mT, warn_once
from .elimination import getrf, getrs, permutation
from .triangular import check_batches, solve_triangular_op

xp = _backend.xp


def _data(x):
    return getattr(x, "_data", x)


def _like(x, a):
    """``a`` (a constant) as a Tensor where the formula runs on Tensors."""
    return _wrap(a) if hasattr(x, "_data") else a


def _permutation_matrix(pivots, m, dtype):
    if not _backend.has_values(pivots):  # meta: no interchanges to read
        return _backend.array_module(pivots).empty((m, m), dtype)
    perm = permutation(pivots, m)
    eye = xp.eye(m, dtype=dtype)
    # P with A = P L U: column j of P is e_perm[j]
    return xp.swapaxes(eye[perm], -1, -2).copy()


def _unpack(LU_data, LU_pivots, unpack_data, unpack_pivots):
    LU, pivots = LU_data, LU_pivots
    m, n = LU.shape[-2:]
    k = min(m, n)
    ns = _backend.array_module(LU)
    if unpack_data:
        L = xp.tril(LU[..., :, :k], -1) + ns.eye(m, k, dtype=LU.dtype)
        U = xp.triu(LU[..., :k, :])
    else:
        L = U = ns.zeros((0,), LU.dtype)
    P = (_permutation_matrix(pivots, m, LU.dtype) if unpack_pivots
         else ns.zeros((0,), LU.dtype))
    if unpack_pivots:
        P = xp.broadcast_to(P, LU.shape[:-2] + (m, m)).copy()
    return P, L, U


def _lu_unpack_backward(grads, LU_data):
    """Each entry of LU is in L (below the diagonal) or U (on and above it)."""
    _, gL, gU = grads
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    gL = pw.tril(gL, -1) if gL is not None else None
    gU = pw.triu(gU, 0) if gU is not None else None
    if m < n and gL is not None:
        gL = _pad(gL, n - k, len(gL.shape) - 1)
    if m > n and gU is not None:
        gU = _pad(gU, m - k, len(gU.shape) - 2)
    if gL is None:
        return gU
    return gL if gU is None else gL + gU


def _pad(x, extra, dim):
    """x with ``extra`` zeros appended along ``dim``."""
    shape = list(x.shape)
    shape[dim] = extra
    return joining.cat([x, _like(x, xp.zeros(shape, _data(x).dtype))], dim)


lu_unpack_op = Op("LuUnpackBackward0", _unpack, outputs=("P", "L", "U"), nondiff=("LU_pivots",),
                  differentiable_outputs=(1, 2), jvp=TRANSPOSED, LU_data=_lu_unpack_backward)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    name = "torch.lu_unpack"
    if LU_data.dim() < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    if LU_pivots.dtype._cname != "Int":
        raise RuntimeError(f"{name}: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype.\nNote: this function is intended to be used "
                           "with the output produced by torch.linalg.lu_factor")
    m, n = LU_data.shape[-2:]
    p = LU_pivots._data
    read = p.size and _backend.has_values(p)  # (a meta tensor's pivots have no values)
    if unpack_pivots and (p.shape[-1:] != (min(m, n),) or (read and (p.min() < 1
                                                                       or p.max() > m))):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) "
                           "inclusive.Did you properly pass the result of lu_factor?")
    P, L, U = lu_unpack_op(LU_data, LU_pivots, unpack_data, unpack_pivots)
    return return_type("lu_unpack", ("P", "L", "U"))(P, L, U)


# -- lu, lu_factor_ex ----------------------------------------------------------------------
def _lu_backward(gL, gU, P, L, U):
    """torch's linalg_lu_backward: with k = min(m, n),
    square: gA = P L^-H [tril(L^H gL, -1) + triu(gU U^H)] U^-H;
    wide:   gA = P L^-H [U1 block + tril(L^H gL - triu(gU) U^H, -1) U1^-H | gU2];
    tall:   gA = P [L1 block + L1^-H triu(gU U^H - L^H tril(gL, -1)) | gL2] U^-H."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = pw.tril(matmul(mH(L), gL), -1) if gL is not None else None
        if gU is not None:
            part = pw.triu(matmul(gU, mH(U)), 0)
            gA = part if gA is None else gA + part
        gA = solve_triangular_op(mH(U), gA, False, False, False)
        gA = solve_triangular_op(mH(L), gA, True, True, True)
    elif m < n:
        U1 = U[..., :, :k]
        gA = matmul(mH(L), gL) if gL is not None else None
        if gU is not None:
            part = matmul(pw.triu(gU, 0), mH(U))
            gA = -part if gA is None else gA - part
        gA = solve_triangular_op(mH(U1), pw.tril(gA, -1), False, False, False)
        if gU is not None:
            gA = joining.cat([gA + pw.triu(gU[..., :, :k], 0), gU[..., :, k:]], len(gA.shape) - 1)
        gA = solve_triangular_op(mH(L), gA, True, True, True)
        if gU is None:
            gA = _pad(gA, n - k, len(gA.shape) - 1)
    else:
        L1 = L[..., :k, :]
        gA = matmul(gU, mH(U)) if gU is not None else None
        if gL is not None:
            part = matmul(mH(L), pw.tril(gL, -1))
            gA = -part if gA is None else gA - part
        gA = solve_triangular_op(mH(L1), pw.triu(gA, 0), True, True, True)
        if gL is not None:
            gA = joining.cat([gA + pw.tril(gL[..., :k, :], -1), gL[..., k:, :]], len(gA.shape) - 2)
        gA = solve_triangular_op(mH(U), gA, False, False, False)
        if gL is None:
            gA = _pad(gA, m - k, len(gA.shape) - 2)
    return matmul(P, gA)


def _lu(A, pivot):
    LU, pivots, _ = getrf(A)
    return _unpack(LU, pivots, True, True)


lu_op = Op("LinalgLuBackward0", _lu, outputs=("P", "L", "U"), differentiable_outputs=(1, 2),
           jvp=TRANSPOSED, A=lambda grads, P, L, U: _lu_backward(grads[1], grads[2], P, L, U))


def _lu_factor_ex_backward(grads, LU, pivots):
    P, L, U = lu_unpack_op(LU, pivots, True, True)
    grad = grads[0]
    k = min(LU.shape[-2:])
    return _lu_backward(pw.tril(grad[..., :, :k], -1), pw.triu(grad[..., :k, :], 0), P, L, U)


lu_factor_ex_op = Op("LinalgLuFactorExBackward0", lambda A, pivot: getrf(A),
                     outputs=("LU", "pivots", "info"), differentiable_outputs=(0,),
                     jvp=TRANSPOSED, A=_lu_factor_ex_backward)


def _check_lu_input(A, name):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")
    if not (A.is_floating_point() or A.is_complex()):
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{A.dtype._cname}'")


def _refuse_unpivoted(pivot):
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def lu(A, *, pivot=True, out=None):
    _check_lu_input(A, "linalg.lu")
    _refuse_unpivoted(pivot)
    P, L, U = lu_op(A, pivot)
    return return_type("linalg_lu", ("P", "L", "U"))(P, L, U)


def _singular_error(name, info):
    if not _backend.has_values(info._data):  # meta: no factorization ran to fail
        return
    bad = xp.flatnonzero(info._data.reshape(-1))
    if bad.size:
        i = int(bad[0])
        k = int(info._data.reshape(-1)[i])
        raise RuntimeError(f"{name}: {batch_prefix(i, info.dim())}U[{k},{k}] is zero and using "
                           "it on lu_solve would result in a division by zero. If you still "
                           "want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    _check_lu_input(A, "torch.lu_factor")
    _refuse_unpivoted(pivot)
    LU, pivots, info = lu_factor_ex_op(A, pivot)
    if check_errors:
        _singular_error("torch.linalg.lu_factor_ex", info)
    return return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))(LU, pivots, info)


def lu_factor(A, *, pivot=True, out=None):
    _check_lu_input(A, "torch.lu_factor")
    _refuse_unpivoted(pivot)
    LU, pivots, info = lu_factor_ex_op(A, pivot)
    _singular_error("torch.linalg.lu_factor", info)
    return return_type("linalg_lu_factor", ("LU", "pivots"))(LU, pivots)


# -- lu_solve ------------------------------------------------------------------------------
def _lu_solve_backward(grad, LU, pivots, B, result, left, adjoint, grad_input_mask):
    """gB = lu_solve(LU, pivots, gX, left, not adjoint); gA from X's equation, and gLU from
    A = P L U: tril(P^T gA U^H, -1) + triu(L^H P^T gA)."""
    gB = lu_solve_op(LU, pivots, grad, left, not adjoint)
    gLU = None
    if grad_input_mask[0]:
        X = result
        gA = (-matmul(gB, mH(X)) if left and not adjoint else -matmul(X, mH(gB)) if left
              else -matmul(mH(X), gB) if not adjoint else -matmul(mH(gB), X))
        P, L, U = lu_unpack_op(LU, pivots, True, True)
        PtgA = matmul(mT(P), gA)
        gLU = pw.tril(matmul(PtgA, mH(U)), -1) + pw.triu(matmul(mH(L), PtgA), 0)
    return [gLU, gB if grad_input_mask[1] else None]


lu_solve_op = Op("LinalgLuSolveBackward0", getrs, nondiff=("pivots",), jvp=TRANSPOSED,
                 LU=_lu_solve_backward, B=_lu_solve_backward)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    name = "linalg.lu_solve"
    if LU.dim() < 2:
        raise RuntimeError(f"torch.{name}: The input tensor A must have at least 2 dimensions.")
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(f"torch.{name}: A must be batches of square matrices, but they are "
                           f"{LU.shape[-2]} by {LU.shape[-1]} matrices")
    if B.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX' if left else 'XA'} = B ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    if B.dtype != LU.dtype:
        raise RuntimeError(f"{name}: Expected LU and B to have the same dtype, but found LU of "
                           f"type {LU.dtype._cname} and B of type {B.dtype._cname} instead")
    if pivots.dtype._cname != "Int":
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")
    if tuple(pivots.shape[-1:]) != (n,) and n:
        raise RuntimeError(f"{name}: Number of pivots per batch should be same as the "
                           "dimension of the matrix")
    check_batches(LU, B)
    check_float(LU, name)
    return lu_solve_op(LU, pivots, B, left, adjoint)


# -- torch.lu, torch.lu_solve (deprecated) ---------------------------------------------------
def torch_lu(A, pivot=True, get_infos=False, out=None):
    warn_once("lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                    "torch.linalg.lu_factor_ex and will be removed in a future PyTorch "
                    "release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced "
                    "with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, "
                    "pivots, info = torch.lu(A, compute_pivots, get_infos=True)\nshould be "
                    "replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, "
                    "compute_pivots)")
    # (torch's check_errors here never fires: a singular matrix is factored quietly)
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    return (LU, pivots, info) if get_infos else (LU, pivots)


def torch_lu_solve(b, LU_data, LU_pivots, *, out=None):
    warn_once("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand "
                          "will be removed in a future PyTorch release.\nNote that "
                          "torch.linalg.lu_solve has its arguments reversed.\nX = "
                          "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = "
                          "torch.linalg.lu_solve(LU, pivots, B)")
    return lu_solve(LU_data, LU_pivots, b)

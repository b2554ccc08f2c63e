"""ldl_factor, ldl_factor_ex and ldl_solve: the Bunch-Kaufman factorisation of a symmetric
(or Hermitian) matrix as LAPACK's sytrf/hetrf leaves it, and the solve (sytrs/hetrs) that
reads it back.

LD holds L below the diagonal and the blocks of D on and under it; ``pivots`` are LAPACK's
1-based interchanges: k > 0 swapped row and column k with k's own step (a 1x1 block),
two equal negative entries -p a 2x2 block whose second row was swapped with p. Only the
lower triangle of A is read, as torch's uplo='L'. torch records no derivative for either
(its NotImplemented node): nor does dyngrad.
"""
import math

from .. import _backend
from ..ops._table import Op
from ..ops.pointwise import _not_implemented
from ..ops.return_types import return_type
from ._common import check_float, check_square, check_system, lapack_empty

xp = _backend.xp

_ALPHA = (1 + math.sqrt(17.0)) / 8  # Bunch-Kaufman's growth bound


def _size(z):
    # LAPACK's pivot size for complex entries: |re| + |im| (cabs1), for real ones |x|
    return abs(z.real) + abs(z.imag)


def _factor_one(a, hermitian):
    """sytf2/hetf2 (lower) on one matrix, in place: returns (pivots, info)."""
    n = a.shape[0]
    conj = (lambda z: z.conjugate()) if hermitian else (lambda z: z)
    ipiv = xp.zeros(n, xp.int32)
    info = 0
    k = 0
    while k < n:
        kstep = 1
        absakk = abs(a[k, k].real) if hermitian else _size(a[k, k])
        if k + 1 < n:
            imax = k + 1 + int(xp.argmax(_size(a[k + 1:, k])))
            colmax = _size(a[imax, k])
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0 or absakk != absakk:
            if info == 0:
                info = k + 1
            kp = k
            if hermitian:
                a[k, k] = a[k, k].real
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                rowmax = max(_size(a[imax, k:imax]).max(initial=0.0),
                             _size(a[imax + 1:, imax]).max(initial=0.0))
                diag = abs(a[imax, imax].real) if hermitian else _size(a[imax, imax])
                if absakk * rowmax >= _ALPHA * colmax * colmax:
                    kp = k
                elif diag >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:
                _interchange(a, kk, kp, conj)
                if kstep == 2:
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            if kstep == 1:
                _pivot_1x1(a, k, conj, hermitian)
            else:
                _pivot_2x2(a, k, conj, hermitian)
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return ipiv, info


def _interchange(a, kk, kp, conj):
    """Swap rows and columns kk < kp of the trailing lower triangle."""
    a[kp + 1:, kk], a[kp + 1:, kp] = a[kp + 1:, kp].copy(), a[kp + 1:, kk].copy()
    between = slice(kk + 1, kp)
    col, row = a[between, kk].copy(), a[kp, between].copy()
    a[between, kk], a[kp, between] = conj(row), conj(col)
    a[kp, kk] = conj(a[kp, kk])
    a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]


def _pivot_1x1(a, k, conj, hermitian):
    if hermitian:
        a[k, k] = a[k, k].real
    x = a[k + 1:, k].copy()
    d11 = 1 / a[k, k]
    # the rank-one update of the lower triangle (syr/her)
    a[k + 1:, k + 1:] -= xp.tril(d11 * xp.outer(x, conj(x)))
    if hermitian:
        idx = xp.arange(k + 1, a.shape[0])
        a[idx, idx] = a[idx, idx].real
    a[k + 1:, k] = x * d11


def _pivot_2x2(a, k, conj, hermitian):
    n = a.shape[0]
    if k + 2 < n:
        if hermitian:  # hetf2 scales by |A(k+1, k)|, keeping D11 and D22 real
            d = abs(a[k + 1, k])
            d11, d22 = a[k + 1, k + 1].real / d, a[k, k].real / d
            d21 = a[k + 1, k] / d
            scale = 1 / (d11 * d22 - 1) / d
        else:
            d21 = a[k + 1, k]
            d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
            scale = 1 / (d11 * d22 - 1) / d21
            d21 = 1
        for j in range(k + 2, n):
            wk = scale * (d11 * a[j, k] - d21 * a[j, k + 1])
            wkp1 = scale * (d22 * a[j, k + 1] - conj(d21) * a[j, k])
            a[j:, j] -= a[j:, k] * conj(wk) + a[j:, k + 1] * conj(wkp1)
            if hermitian:
                a[j, j] = a[j, j].real
            a[j, k], a[j, k + 1] = wk, wkp1
    if hermitian:
        a[k, k], a[k + 1, k + 1] = a[k, k].real, a[k + 1, k + 1].real


def _ldl_factor(A, hermitian):
    if not _backend.has_values(A):  # meta: LAPACK's column-major factor, int32 pivots
        ns = _backend.array_module(A)
        return (lapack_empty(A, A.shape, A.dtype), ns.empty(A.shape[:-1], xp.int32),
                ns.empty(A.shape[:-2], xp.int32))
    batch = A.reshape(-1, *A.shape[-2:])
    LD = xp.tril(batch).astype(A.dtype, copy=True)
    pivots = xp.zeros(batch.shape[:-1], xp.int32)
    info = xp.zeros(batch.shape[:-2], xp.int32)
    for b in range(batch.shape[0]):
        pivots[b], info[b] = _factor_one(LD[b], hermitian and A.dtype.kind == "c")
    return (LD.reshape(A.shape), pivots.reshape(A.shape[:-1]),
            info.reshape(A.shape[:-2]))


ldl_factor_op = Op("torch::autograd::NotImplemented", _ldl_factor,
                   outputs=("LD", "pivots", "info"), differentiable_outputs=(0,),
                   jvp_name="linalg_ldl_factor_ex",
                   A=_not_implemented("linalg_ldl_factor_ex"))


def _unknown_error(name, info):
    return RuntimeError('false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/'
                        'native/BatchLinearAlgebra.cpp":1642, please report a bug to PyTorch. '
                        f"{name}: Unknown error code: {info}.")


def _checked_factor(A, hermitian, name):
    check_square(A, name)
    return ldl_factor_op(A, hermitian)


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    name = "torch.linalg.ldl_factor_ex"
    LD, pivots, info = _checked_factor(A, hermitian, name)
    bad = info._data[info._data != 0] if _backend.has_values(info._data) else ()
    if check_errors and len(bad):
        raise _unknown_error(name, int(bad[0]))
    return return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))(LD, pivots, info)


def ldl_factor(A, *, hermitian=False, out=None):
    LD, pivots, info = _checked_factor(A, hermitian, "torch.linalg.ldl_factor_ex")
    bad = info._data[info._data != 0] if _backend.has_values(info._data) else ()
    if len(bad):
        raise _unknown_error("torch.linalg.ldl_factor", int(bad[0]))
    return return_type("linalg_ldl_factor", ("LD", "pivots"))(LD, pivots)


# -- ldl_solve ---------------------------------------------------------------------------
def _solve_one(a, ipiv, b, hermitian):
    """sytrs/hetrs (lower) on one factorisation: b overwritten with A^-1 b."""
    n = a.shape[0]
    conj = (lambda z: z.conjugate()) if hermitian else (lambda z: z)
    k = 0
    while k < n:  # L D X = B, forwards
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= xp.outer(a[k + 1:, k], b[k])
            b[k] /= a[k, k].real if hermitian else a[k, k]
            k += 1
        else:
            kp = -ipiv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2:] -= xp.outer(a[k + 2:, k], b[k]) + xp.outer(a[k + 2:, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1 = a[k, k] / conj(akm1k)
            ak = a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1, bk = b[k] / conj(akm1k), b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T X = B (L^H), backwards
        if ipiv[k] > 0:
            b[k] -= conj(a[k + 1:, k]) @ b[k + 1:]
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= conj(a[k + 1:, k]) @ b[k + 1:]
            b[k - 1] -= conj(a[k + 1:, k - 1]) @ b[k + 1:]
            kp = -ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def _ldl_solve(LD, pivots, B, hermitian):
    batch = xp.broadcast_shapes(LD.shape[:-2], B.shape[:-2])
    if not (_backend.has_values(LD) and _backend.has_values(B)):  # meta: column-major
        return lapack_empty(B, batch + B.shape[-2:], B.dtype)
    lds = xp.broadcast_to(LD, batch + LD.shape[-2:]).reshape(-1, *LD.shape[-2:])
    pivs = xp.broadcast_to(pivots, batch + pivots.shape[-1:]).reshape(-1, pivots.shape[-1])
    X = xp.broadcast_to(B, batch + B.shape[-2:]).reshape(-1, *B.shape[-2:]).copy()
    for i in range(X.shape[0]):
        _solve_one(lds[i], pivs[i], X[i], hermitian and LD.dtype.kind == "c")
    return X.reshape(batch + B.shape[-2:])


ldl_solve_op = Op("torch::autograd::NotImplemented", _ldl_solve, nondiff=("pivots",),
                  jvp_name="linalg_ldl_solve",
                  LD=_not_implemented("linalg_ldl_solve"), B=_not_implemented("linalg_ldl_solve"))


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    name = "torch.linalg.ldl_solve"
    if LD.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    check_square(LD, name)
    if B.dim() < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-{B.dim()}, "
                         f"{B.dim() - 1}], but got -2)")
    if tuple(LD.shape[:-1]) != tuple(pivots.shape):
        raise RuntimeError(f"{name}: Expected LD.shape[:-1] and pivots.shape to be the same, "
                           f"but got pivots with shape {list(pivots.shape)} instead")
    check_system(LD, B, name)
    return ldl_solve_op(LD, pivots, B, hermitian)

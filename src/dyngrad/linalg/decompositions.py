"""Decompositions: cholesky, qr, eigh/eigvalsh, svd/svdvals, with torch's backward formulas
(cholesky_backward, linalg_qr_backward, linalg_eig_backward for Hermitian input,
svd_backward), written with table ops.

Eigenvectors and singular vectors are defined up to sign: NumPy's LAPACK and torch's may
pick different ones. Gauge-invariant results (eigenvalues, singular values, products such
as U diag(S) Vh, and the gradients of losses that do not depend on the signs) agree.
"""
from .. import _backend
from ..ops import joining
from ..ops import pointwise as pw
from ..ops._table import TRANSPOSED, Op
from ..ops.diagonal import diagonal_op
from ..ops.return_types import return_type
from ..ops.views import new_zeros
from ._common import (_LinAlgError, batch_prefix, check_float, check_phase, check_square, col,
                      diag_embed, lapack_empty, matmul, mH, mT, row)
from .elimination import potf2_failed
from .inverses import solve_op
from ..tensor import _wrap

xp = _backend.xp


def _tril(x, k=0):
    return pw.tril(x, k)


def _eye_like(x, n):
    e = xp.eye(n, dtype=getattr(x, "_data", x).dtype)
    if hasattr(x, "_data"):
        return _wrap(e)
    return e


# -- cholesky -----------------------------------------------------------------------------------
def _potrf(A, upper):
    """The factor and info, reading A's lower triangle (upper: its upper one, as A^H's lower)."""
    if not _backend.has_values(A):  # meta: the factor either way, as LAPACK lays it out
        info = _backend.array_module(A).zeros(A.shape[:-2], xp.int32)
        return lapack_empty(A, A.shape, A.dtype), info
    a = xp.swapaxes(A.conj() if A.dtype.kind == "c" else A, -1, -2) if upper else A
    info = xp.zeros(A.shape[:-2], xp.int32)
    try:
        L = xp.linalg.cholesky(a)
    except xp.linalg.LinAlgError:
        L = xp.empty_like(a)
        flat_a, flat_L, flat_info = (x.reshape((-1,) + x.shape[info.ndim:]) for x in (a, L, info))
        for i, m in enumerate(flat_a):
            try:
                flat_L[i] = xp.linalg.cholesky(m)
            except xp.linalg.LinAlgError:
                flat_L[i], flat_info[i] = potf2_failed(m, False)
    if upper:
        L = xp.swapaxes(L.conj() if L.dtype.kind == "c" else L, -1, -2).copy()
    return L, info


def raise_not_positive_definite(info, name):
    info = getattr(info, "_data", info)
    if not _backend.has_values(info):  # meta: no factorization ran to fail
        return
    flat = info.reshape(-1)
    bad = xp.flatnonzero(flat)
    if bad.size:
        i = int(bad[0])
        raise _LinAlgError(f"{name}: {batch_prefix(i, info.ndim)}The factorization could not be "
                           "completed because the input is not positive-definite (the leading "
                           f"minor of order {int(flat[i])} is not positive-definite).")


def _cholesky_backward(grad, upper, result):
    """torch's cholesky_backward: gA = L^-H Phi(L^H gL) L^-1, symmetrised."""
    L = mH(result) if upper else result
    gL = mH(grad) if upper else grad
    gA = _tril(matmul(mH(L), gL))
    gA = pw.mul_scalar(gA + mH(_tril(gA, -1)), 0.5)
    gA = solve_op(mH(L), gA, True)        # L^-H gA (torch: solve_triangular, upper)
    return solve_op(L, gA, False)         # ... L^-1 (torch: solve_triangular, right side)


cholesky_op = Op("LinalgCholeskyExBackward0", _potrf, outputs=("L", "info"),
                 differentiable_outputs=(0,), jvp=TRANSPOSED,
                 A=lambda grads, upper, L: _cholesky_backward(grads[0], upper, L))


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    check_square(A, "linalg.cholesky")
    L, info = cholesky_op(A, upper)
    if check_errors:
        raise_not_positive_definite(info, "linalg.cholesky_ex")
    return return_type("linalg_cholesky_ex", ("L", "info"))(L, info)


def cholesky(A, *, upper=False, out=None):
    check_square(A, "linalg.cholesky")
    L, info = cholesky_op(A, upper)
    raise_not_positive_definite(info, "linalg.cholesky")
    return L


# -- qr -----------------------------------------------------------------------------------------
def _qr(A, mode):
    q, r = xp.linalg.qr(A, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        return _backend.array_module(A).zeros((0,), A.dtype), r
    return q, r


def _copyltu(M):
    # the Hermitian matrix with M's lower triangle: tril(M, -1) + tril(M, -1)^H + re(diag(M))
    d = diagonal_op(M, 0, len(M.shape) - 2, len(M.shape) - 1)
    if getattr(M, "_data", M).dtype.kind == "c":
        d = pw.mul_scalar(d + pw.conj(d), 0.5)
    return _tril(M, -1) + mH(_tril(M, -1)) + diag_embed(d)


def _qr_backward(grads, Q, R, mode):
    """torch's linalg_qr_backward: gA = [gQ + Q copyltu(M)] R^-H, M = R gR^H - gQ^H Q for
    m >= n; a wide A through its leading square block."""
    gQ, gR = grads
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                           "differentiate through linalg.qr.")
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                           "nrows > ncols.")
    if m < n:
        # A = Q [R1 R2]: its first m columns X = Q R1 as a square QR (Q's gradient taking
        # in what flows through Y = Q R2), the rest Y with gY = Q gR2
        R1, R2 = R[..., :, :m], R[..., :, m:]
        gR1 = gR2 = None
        if gR is not None:
            gR1, gR2 = gR[..., :, :m], gR[..., :, m:]
            part = matmul(matmul(Q, R2), mH(gR2))
            gQ = part if gQ is None else gQ + part
        gX = _qr_backward_square(gQ, gR1, Q, R1)
        if gR2 is None:
            return joining.cat([gX, new_zeros(gX, tuple(gX.shape[:-1]) + (n - m,))],
                               len(gX.shape) - 1)
        return joining.cat([gX, matmul(Q, gR2)], len(gX.shape) - 1)
    return _qr_backward_square(gQ, gR, Q, R)


def _qr_backward_square(gQ, gR, Q, R):
    M = None
    if gR is not None:
        M = matmul(R, mH(gR))
    if gQ is not None:
        part = matmul(mH(gQ), Q)
        M = -part if M is None else M - part
    b = matmul(Q, _copyltu(M))
    if gQ is not None:
        b = gQ + b
    # b R^-H: solve X R^H = b
    return solve_op(mH(R), b, False)


qr_op = Op("LinalgQrBackward0", _qr, jvp=TRANSPOSED, outputs=("Q", "R"), A=_qr_backward)


def qr(A, mode="reduced", *, out=None):
    check_float(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    Q, R = qr_op(A, mode)
    return return_type("linalg_qr", ("Q", "R"))(Q, R)


# -- eigh ---------------------------------------------------------------------------------------
def _eigh(A, UPLO):
    w, v = xp.linalg.eigh(A, UPLO=UPLO)
    return w.astype(A.real.dtype, copy=False), v


def _eigh_backward(grads, eigenvalues, eigenvectors):
    """torch's linalg_eig_backward for Hermitian input:
    gA = V (diag(gL) + skew(V^H gV) / 2 / (L_j - L_i)) V^H."""
    gL, gV = grads
    L, V = eigenvalues, eigenvectors
    n = L.shape[-1]
    if gV is None:
        return matmul(V * row(gL), mH(V))
    VhgV = matmul(mH(V), gV)
    check_phase(VhgV, "eigh")
    VhgV = pw.mul_scalar(VhgV - mH(VhgV), 0.5)
    E = row(L) - col(L)
    E = E + diag_embed(pw.add(new_zeros(L, tuple(L.shape)), 1, 1))  # 1 on the diagonal
    ret = VhgV / E
    eye = _eye_like(ret, n)
    ret = ret - ret * eye  # the diagonal from gL alone
    if gL is not None:
        ret = ret + diag_embed(gL)
    return matmul(V, matmul(ret, mH(V)))


eigh_op = Op("LinalgEighBackward0", _eigh, jvp=TRANSPOSED, outputs=("eigenvalues", "eigenvectors"),
             A=_eigh_backward)


def eigh(A, UPLO="L", *, out=None):
    check_square(A, "linalg.eigh")
    w, v = eigh_op(A, UPLO)
    return return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))(w, v)


def eigvalsh(A, UPLO="L", *, out=None):
    check_square(A, "linalg.eigvalsh")
    return eigh_op(A, UPLO)[0]


# -- svd ----------------------------------------------------------------------------------------
def _svd(A, full_matrices):
    u, s, vh = xp.linalg.svd(A, full_matrices=full_matrices)
    return u, s.astype(A.real.dtype, copy=False), vh


FACTOR = 4


def _svd_backward(grads, U, S, Vh, full_matrices):
    """torch's svd_backward for the reduced factors."""
    gU, gS, gVh = grads
    if full_matrices and (gU is not None or gVh is not None):
        raise NotImplementedError("dyngrad: the gradient of svd(full_matrices=True) through U or "
                                  "Vh (torch: only where U and Vh are square)")
    m, n, k = U.shape[-2], Vh.shape[-1], S.shape[-1]
    if gU is None and gVh is None:
        return matmul(U * row(gS), Vh)
    V, gV = mH(Vh), (mH(gVh) if gVh is not None else None)
    S2 = S * S
    E = row(S2) - col(S2)
    E = E + diag_embed(pw.add(new_zeros(S, tuple(S.shape)), 1, 1))
    inner = UhgU = VhgV = None
    if gU is not None:
        UhgU = matmul(mH(U), gU)
        inner = (UhgU - mH(UhgU)) * row(S)
    if gV is not None:
        VhgV = matmul(mH(V), gV)
        part = col(S) * (VhgV - mH(VhgV))
        inner = part if inner is None else inner + part
    check_phase(UhgU if VhgV is None else VhgV if UhgU is None else UhgU + VhgV, "svd")
    inner = inner / E
    inner = inner - inner * _eye_like(inner, k)
    if gU is not None and getattr(U, "_data", U).dtype.kind == "c":
        # the phase of each singular pair: i Im(diag(U^H gU)) / S, with U's phase tied to V's
        d = diagonal_op(UhgU, 0, len(UhgU.shape) - 2, len(UhgU.shape) - 1)
        inner = inner + diag_embed((d - pw.conj(d)) / (S * 2))
    if gS is not None:
        inner = inner + diag_embed(gS)
    gA = matmul(U, matmul(inner, Vh))
    if m > k and gU is not None:
        gUSinv = gU / row(S)
        gA = gA + matmul(gUSinv - matmul(U, matmul(mH(U), gUSinv)), Vh)
    if n > k and gV is not None:
        gVSinv = gV / row(S)
        gA = gA + matmul(U, mH(gVSinv - matmul(V, matmul(Vh, gVSinv))))
    return gA


svd_op = Op("LinalgSvdBackward0", _svd, jvp=TRANSPOSED, outputs=("U", "S", "Vh"), A=_svd_backward)


def svd(A, full_matrices=True, *, driver=None, out=None):
    check_float(A, "linalg.svd")
    U, S, Vh = svd_op(A, full_matrices)
    return return_type("linalg_svd", ("U", "S", "Vh"))(U, S, Vh)


def svdvals(A, *, driver=None, out=None):
    check_float(A, "linalg.svd")  # (torch's svdvals is its svd)
    return svd_op(A, False)[1]


def torch_svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: U, S, V (not V^H); reduced unless some=False."""
    check_float(input, "linalg.svd")
    U, S, Vh = svd_op(input, not some)
    return return_type("svd", ("U", "S", "V"))(U, S, mH(Vh))

"""Gaussian elimination over arrays, step by step as LAPACK's unblocked routines run it:
getf2 (LU with partial pivoting), trsm's substitution, and potf2 (Cholesky, for the state
a failed factorisation leaves). Each step is vectorised over the batch.

Pivots are the ones LAPACK picks: the first entry of largest size in the column (idamax;
for complex entries izamax's size |re| + |im|), so ties go to the upper row as torch's.
A zero pivot is recorded in ``info`` (1-based, the first one) and the elimination goes on,
so the results of a singular matrix hold the infs and nans LAPACK's would.
"""
from .. import _backend

xp = _backend.xp


def _size(x):
    return xp.abs(x.real) + xp.abs(x.imag) if x.dtype.kind == "c" else xp.abs(x)


def getrf(A):
    """LU of (..., m, n): (LU, pivots (..., min(m, n)) int32 1-based, info (...) int32)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    a = A.reshape((-1, m, n) if A.size else (int(xp.prod(batch)), m, n)).copy()
    piv = xp.zeros((a.shape[0], k), xp.int32)
    info = xp.zeros(a.shape[0], xp.int32)
    rows = xp.arange(a.shape[0])
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in range(k):
            p = j + xp.argmax(_size(a[:, j:, j]), axis=1)
            piv[:, j] = p + 1
            top = a[rows, j].copy()
            a[rows, j] = a[rows, p]
            a[rows, p] = top
            pivot = a[:, j, j]
            zero = pivot == 0
            info[(info == 0) & zero] = j + 1
            # (getf2 scales by the reciprocal; a zero pivot's column is zero: left as it is)
            a[:, j + 1:, j] *= xp.where(zero, 1, 1 / xp.where(zero, 1, pivot))[:, None]
            a[:, j + 1:, j + 1:] -= a[:, j + 1:, j, None] * a[:, j, None, j + 1:]
    return a.reshape(A.shape), piv.reshape(batch + (k,)), info.reshape(batch)


def permutation(pivots, m):
    """The row order (..., m) that LAPACK's interchanges 1..k make of 0..m-1: row i of
    P^T A is row perm[i] of A."""
    batch = pivots.shape[:-1]
    flat = int(xp.prod(batch))
    perm = xp.broadcast_to(xp.arange(m), batch + (m,)).reshape(flat, m).copy()
    piv = pivots.reshape(flat, pivots.shape[-1]).astype(xp.int64) - 1
    rows = xp.arange(perm.shape[0])
    for j in range(piv.shape[1]):
        p = piv[:, j]
        top = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = top
    return perm.reshape(batch + (m,))


def getrs(LU, pivots, B, left=True, adjoint=False):
    """X with A X = B (A^H X = B when ``adjoint``; X A = B, X A^H = B when not ``left``)
    for A = P L U given as getrf leaves it (batches broadcast)."""
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return _conj_t(getrs(LU, pivots, _conj_t(B), True, not adjoint))
    batch = xp.broadcast_shapes(LU.shape[:-2], B.shape[:-2])
    LU = xp.broadcast_to(LU, batch + LU.shape[-2:])
    B = xp.broadcast_to(B, batch + B.shape[-2:])
    perm = xp.broadcast_to(permutation(pivots, LU.shape[-1]), batch + LU.shape[-1:])
    if not adjoint:  # U^-1 L^-1 P^T B
        PtB = xp.take_along_axis(B, perm[..., None], -2)
        return substitute(LU, substitute(LU, PtB, True, True), False, False)
    LUh = _conj_t(LU)  # A^H = U^H L^H P^T: X = P L^-H U^-H B
    Y = substitute(LUh, substitute(LUh, B, True, False), False, True)
    return xp.take_along_axis(Y, xp.argsort(perm, -1)[..., None], -2)


def _conj_t(a):
    return xp.swapaxes(a.conj() if a.dtype.kind == "c" else a, -1, -2)


def substitute(T, B, lower, unit):
    """X with T X = B for triangular T (..., n, n), B (..., n, r) of the same batch, reading
    only T's triangle (and not its diagonal if ``unit``), row by row as trsm does."""
    X = B.astype(xp.result_type(T, B), copy=True)
    n = T.shape[-1]
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in (range(n) if lower else range(n - 1, -1, -1)):
            done = slice(0, i) if lower else slice(i + 1, n)
            if i != (0 if lower else n - 1):
                X[..., i, :] -= xp.matmul(T[..., i:i + 1, done], X[..., done, :])[..., 0, :]
            if not unit:
                X[..., i, :] /= T[..., i, i, None]
    return X


def potf2_failed(a, upper):
    """What potrf leaves of one matrix that is not positive-definite, as torch returns it
    (the factor's triangle): the columns before the failing one factored, its diagonal
    entry the non-positive pivot, the rest of the input untouched; and info."""
    hermitian = a.dtype.kind == "c"
    L = (a.conj().T if upper else a).copy()
    n = L.shape[0]
    info = 0
    for j in range(n):
        ajj = L[j, j] - xp.dot(L[j, :j], L[j, :j].conj())
        if hermitian:
            ajj = ajj.real
        if not ajj > 0:
            L[j, j] = ajj
            info = j + 1
            break
        ajj = xp.sqrt(ajj)
        L[j, j] = ajj
        L[j + 1:, j] = (L[j + 1:, j] - L[j + 1:, :j] @ L[j, :j].conj()) / ajj
    L = xp.tril(L)
    return (L.conj().T if upper else L), info

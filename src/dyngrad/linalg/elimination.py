"""Gaussian elimination over arrays as LAPACK runs it: getrf (LU with partial pivoting,
blocked), trsm's substitution, and potf2 (Cholesky, for the state a failed factorisation
leaves). Each step is vectorised over the batch.

Pivots are the ones LAPACK picks: the first entry of largest size in the column (idamax;
for complex entries izamax's size |re| + |im|), so ties go to the upper row as torch's.
A zero pivot is recorded in ``info`` (1-based, the first one) and the elimination goes on,
so the results of a singular matrix hold the infs and nans LAPACK's would.
"""
from .. import _backend
from ._common import lapack_empty

xp = _backend.xp

# Columns per panel of the blocked LU. The panel is eliminated column by column (a Python
# step each); everything right of it is updated once per panel by a triangular solve and
# a matrix product. 32 measured best at n = 256 to 512 (64 is within noise, 16 slower).
PANEL = 32


def _size(x):
    return xp.abs(x.real) + xp.abs(x.imag) if x.dtype.kind == "c" else xp.abs(x)


def _eliminate_panel(Pt, pivots):
    """getf2 on a panel stored transposed, (batch, w + 1, rows): row j of ``Pt`` is column j
    of the panel, so a column's search and scaling read contiguous memory. Row w holds the
    panel rows' original positions, carried along by the interchanges. ``pivots`` (batch,
    w) receives each column's pivot row, 0-based within the panel."""
    b, w = Pt.shape[0], Pt.shape[1] - 1
    batch = xp.arange(b)
    for j in range(w):
        p = xp.argmax(_size(Pt[:, j, j:]), axis=1)
        p += j
        pivots[:, j] = p
        if b == 1:  # (a scalar interchange, skipped when the pivot is in place)
            q = int(p[0])
            if q != j:
                Pt[0, :, [j, q]] = Pt[0, :, [q, j]]
        else:
            top = Pt[batch, :, j].copy()
            Pt[batch, :, j] = Pt[batch, :, p]
            Pt[batch, :, p] = top
        pivot = Pt[:, j, j]
        # (getf2 scales by the reciprocal; a zero pivot's column is zero: left as it is)
        Pt[:, j, j + 1:] *= (1 / xp.where(pivot == 0, 1, pivot))[:, None]
        Pt[:, j + 1:w, j + 1:] -= Pt[:, j + 1:w, j, None] * Pt[:, j, None, j + 1:]


def _solve_unit_lower(L, B):
    """L^-1 B for L unit lower triangular with |entries| <= 1 (LU's L): LAPACK's gesv on
    it picks no interchange and leaves U = I, so this is trsm's forward substitution."""
    L = xp.tril(L, -1) + xp.eye(L.shape[-1], dtype=L.dtype)
    try:
        return xp.linalg.solve(L, B)
    except xp.linalg.LinAlgError:  # (only with nans in L: substitute row by row)
        return substitute(L, B, True, True)


def getrf(A):
    """LU of (..., m, n): (LU, pivots (..., min(m, n)) int32 1-based, info (...) int32).

    Right-looking and blocked: a panel of PANEL columns is eliminated, its interchanges
    are applied to the columns left and right of it as one reordering of the rows that
    moved, the rows of U right of the panel come from one triangular solve, and the
    trailing matrix is updated by one matrix product."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    if not _backend.has_values(A):  # a meta array: the shapes are all there is
        ns = _backend.array_module(A)
        return (lapack_empty(A, A.shape, A.dtype), ns.empty(batch + (k,), xp.int32),
                ns.empty(batch, xp.int32))
    b = int(xp.prod(batch))
    a = A.reshape(b, m, n).copy()
    pivots = xp.zeros((b, k), xp.int32)
    rows = xp.arange(b)[:, None]
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j0 in range(0, k, PANEL):
            j1 = min(j0 + PANEL, k)
            w = j1 - j0
            Pt = xp.empty((b, w + 1, m - j0), a.dtype)
            Pt[:, :w] = xp.swapaxes(a[:, j0:, j0:j1], 1, 2)
            Pt[:, w] = xp.arange(m - j0)
            _eliminate_panel(Pt, pivots[:, j0:j1])
            pivots[:, j0:j1] += j0 + 1
            a[:, j0:, j0:j1] = xp.swapaxes(Pt[:, :w], 1, 2)
            if n == w:
                continue
            order = Pt[:, w].real.astype(xp.intp)
            moved = xp.flatnonzero((order != xp.arange(m - j0)).any(0))
            if j0:
                a[rows, j0 + moved, :j0] = a[rows, j0 + order[:, moved], :j0]
            if j1 < n:
                a[rows, j0 + moved, j1:] = a[rows, j0 + order[:, moved], j1:]
                a[:, j0:j1, j1:] = _solve_unit_lower(a[:, j0:j1, j0:j1], a[:, j0:j1, j1:])
                a[:, j1:, j1:] -= a[:, j1:, j0:j1] @ a[:, j0:j1, j1:]
    zero = xp.diagonal(a, 0, -2, -1) == 0  # (U's diagonal holds the pivots)
    info = xp.where(zero.any(-1), zero.argmax(-1) + 1, 0) if k else xp.zeros(b, xp.intp)
    return a.reshape(A.shape), pivots.reshape(batch + (k,)), info.astype(xp.int32).reshape(batch)


def permutation(pivots, m):
    """The row order (..., m) that LAPACK's interchanges 1..k make of 0..m-1: row i of
    P^T A is row perm[i] of A."""
    batch = pivots.shape[:-1]
    flat = int(xp.prod(batch))
    piv = (pivots.reshape(flat, pivots.shape[-1]).astype(xp.int64) - 1).tolist()
    # (the interchanges run one after another: on Python lists, a swap costs ~0.1 us
    # where an indexing step over the batch costs ~10 us)
    rows = []
    for steps in piv:
        perm = list(range(m))
        for j, p in enumerate(steps):
            perm[j], perm[p] = perm[p], perm[j]
        rows.append(perm)
    return xp.asarray(rows, dtype=xp.int64).reshape(batch + (m,))


def getrs(LU, pivots, B, left=True, adjoint=False):
    """X with A X = B (A^H X = B when ``adjoint``; X A = B, X A^H = B when not ``left``)
    for A = P L U given as getrf leaves it (batches broadcast)."""
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return _conj_t(getrs(LU, pivots, _conj_t(B), True, not adjoint))
    batch = xp.broadcast_shapes(LU.shape[:-2], B.shape[:-2])
    if not all(map(_backend.has_values, (LU, pivots, B))):  # meta: no pivots to apply
        return lapack_empty(B, batch + B.shape[-2:], xp.result_type(LU, B))
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
    only T's triangle (and not its diagonal if ``unit``), as trsm does: by blocks of PANEL
    rows, each updated by one matrix product with the rows solved before it, then solved
    on its diagonal block."""
    if not (_backend.has_values(T) and _backend.has_values(B)):  # meta: no rows to substitute
        return lapack_empty(B, B.shape, xp.result_type(T, B))
    X = B.astype(xp.result_type(T, B), copy=True)
    n = T.shape[-1]
    starts = range(0, n, PANEL) if lower else range((n - 1) // PANEL * PANEL, -1, -PANEL)
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i0 in starts:
            i1 = min(i0 + PANEL, n)
            done = slice(0, i0) if lower else slice(i1, n)
            if done.start != done.stop:
                X[..., i0:i1, :] -= xp.matmul(T[..., i0:i1, done], X[..., done, :])
            X[..., i0:i1, :] = _diagonal_block(T[..., i0:i1, i0:i1], X[..., i0:i1, :],
                                               lower, unit)
    return X


def _diagonal_block(T, B, lower, unit):
    """A block of substitute: one LAPACK solve when all is finite and the diagonal has no
    zero (a triangle with a non-zero diagonal is regular: gesv's answer is the
    substitution's, to rounding), else row by row, so that zero pivots, infs and nans
    spread as they did in the rows before."""
    tri = xp.tril(T, -1 if unit else 0) if lower else xp.triu(T, 1 if unit else 0)
    if unit:
        tri = tri + xp.eye(T.shape[-1], dtype=T.dtype)
    if not (xp.isfinite(tri).all() and xp.isfinite(B).all()
            and (unit or (xp.diagonal(T, 0, -2, -1) != 0).all())):
        return _rows(T, B, lower, unit)
    try:
        return xp.linalg.solve(tri, B)
    except xp.linalg.LinAlgError:
        return _rows(T, B, lower, unit)


def _rows(T, B, lower, unit):
    X = B.copy()
    n = T.shape[-1]
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

"""svd_lowrank and pca_lowrank: Halko, Martinsson and Tropp's randomised range finder
(a Gaussian sketch, ``niter`` power iterations re-orthonormalised by QR), then the SVD of
the small projected matrix. The sketch is drawn from the default generator as torch draws
it, so a seeded run gives torch's values; everything is composed from differentiable ops."""
from .. import random as _random
from ..ops import torch_shape as ts
from .decompositions import qr, svd


def _approximate_basis(A, q, niter, M):
    """Q with orthonormal columns whose span approximates the range of A - M."""
    dtype = A.dtype if A.is_floating_point() or A.is_complex() else None
    R = _random.randn(A.shape[-1], q, dtype=dtype)

    def apply(X, H=False):
        out = ts.matmul(A.mH if H else A, X)
        return out if M is None else out - ts.matmul(M.mH if H else M, X)
    Q = qr(apply(R)).Q
    for _ in range(2 if niter is None else niter):
        Q = qr(apply(Q, True)).Q
        Q = qr(apply(Q)).Q
    return Q


def _svd_lowrank(A, q, niter, M):
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:  # work with the tall one
        A = A.mH
        M = M.mH if M is not None else None
    Q = _approximate_basis(A, q, niter, M)
    B = ts.matmul(Q.mH, A)
    if M is not None:
        B = B - ts.matmul(Q.mH, M)
    U, S, Vh = svd(B, full_matrices=False)
    U, V = ts.matmul(Q, U), Vh.mH
    return (V, S, U) if m < n else (U, S, V)


def svd_lowrank(A, q=6, niter=2, M=None):
    return _svd_lowrank(A, q, niter, M)


def pca_lowrank(A, q=None, center=True, niter=2):
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if center:
        A = A - A.mean(dim=(-2,), keepdim=True)
    return _svd_lowrank(A, q, niter, None)

"""matrix_exp, the general eigendecomposition (eig, eigvals: complex results), cond and
matrix_rank, with torch's gradients where torch has them."""
import math

from .. import _backend
from ..ops import joining
from ..ops.complex_views import view_as_real_op
from ..ops.diagonal import diagonal_op
from ..ops.pointwise import conj
from ..ops._table import TRANSPOSED, Op
from ..ops.return_types import return_type
from ..ops.views import new_zeros
from ..tensor import _wrap
from ._common import check_float, check_phase, check_square, col, diag_embed, matmul, mT, pw, row
from .decompositions import _eye_like, svd_op
from .inverses import inv, solve_op

xp = _backend.xp


# -- matrix_exp ---------------------------------------------------------------------------
def _expm(self):
    """exp(A) by scaling and squaring a degree-18 Taylor polynomial, in double."""
    if not _backend.has_values(self):  # a meta array: no norm to scale by
        return _backend.array_module(self).empty(self.shape, self.dtype)
    a = self.astype(xp.complex128 if self.dtype.kind == "c" else xp.float64)
    norm = xp.abs(a).sum(-2).max(-1, initial=0.0).max(initial=0.0) if a.size else 0.0
    s = max(0, int(math.ceil(math.log2(norm / 0.5)))) if norm > 0.5 else 0
    a = a / (2.0 ** s)
    eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    term, out = eye, eye.copy()
    for k in range(1, 19):
        term = term @ a / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out.astype(self.dtype)


def _matrix_exp_backward(grad, self):
    # the upper-right block of exp([[A^H, G], [0, A^H]]) (Fréchet derivative's adjoint)
    n = self.shape[-1]
    aH = _conj_t(self)
    nd = len(self.shape)
    top = joining.cat([aH, grad], nd - 1)
    bottom = joining.cat([grad * 0, aH], nd - 1)
    big = matrix_exp_op(joining.cat([top, bottom], nd - 2))
    return big[..., :n, n:]


def _conj_t(x):
    return conj(mT(x))


matrix_exp_op = Op("LinalgMatrixExpBackward0", _expm, jvp=TRANSPOSED, self=_matrix_exp_backward)


def matrix_exp(A):
    check_square(A, "linalg.matrix_exp")
    return matrix_exp_op(A)


# -- eig, eigvals ---------------------------------------------------------------------------
def _eig(self):
    w, v = xp.linalg.eig(self)
    ctype = xp.complex128 if self.dtype in (xp.float64, xp.complex128) else xp.complex64
    # torch normalises each eigenvector to unit norm (LAPACK's geev already does)
    return w.astype(ctype), v.astype(ctype)


def _real_part(x):
    return view_as_real_op(x)[..., 0]


def _eig_backward(grads, eigenvalues, eigenvectors, self):
    """torch's linalg_eig_backward (general case):
    gA = V^-H (diag(gL) + (V^H gV - V^H V diag(re(V^H gV))) / conj(L_j - L_i)) V^H,
    its real part for a real A."""
    gL, gV = grads
    L, V = eigenvalues, eigenvectors
    VH = _conj_t(V)
    if gV is None:
        inner = diag_embed(gL)
    else:
        VhgV = matmul(VH, gV)
        check_phase(VhgV, "eig")
        Lc = conj(L)
        E = row(Lc) - col(Lc)
        E = E + diag_embed(pw.add(new_zeros(L, tuple(L.shape)), 1, 1))  # 1 on the diagonal
        re_diag = _real_part(diagonal_op(VhgV, 0, len(VhgV.shape) - 2, len(VhgV.shape) - 1))
        inner = (VhgV - matmul(VH, V * row(re_diag))) / E
        # the diagonal: gL alone (what is left there is the phase term the check bounded)
        inner = inner - inner * _eye_like(inner, L.shape[-1])
        if gL is not None:
            inner = inner + diag_embed(gL)
    gA = solve_op(VH, matmul(inner, VH), True)
    if getattr(self, "_data", self).dtype.kind == "c":
        return gA
    return _real_part(gA)


eig_op = Op("LinalgEigBackward0", _eig, outputs=("eigenvalues", "eigenvectors"),
            jvp=TRANSPOSED, self=_eig_backward)


def eig(A, *, out=None):
    check_square(A, "linalg.eig")
    w, v = eig_op(A)
    return return_type("linalg_eig", ("eigenvalues", "eigenvectors"))(w, v)


def eigvals(A, *, out=None):
    check_square(A, "linalg.eigvals")
    return eig_op(A)[0]


# -- cond, matrix_rank ---------------------------------------------------------------------
def cond(A, p=None, *, out=None):
    from .norms import matrix_norm
    check_float(A, "linalg.cond")
    if p is None or p in (2, -2):
        s = svd_op(A, False)[1]
        ratio = (s[..., :1] / s[..., -1:]) if p != -2 else (s[..., -1:] / s[..., :1])
        return ratio.squeeze(-1)
    check_square(A, "linalg.cond")
    a = A._data
    wide = xp.complex128 if a.dtype.kind == "c" else xp.float64
    if _backend.has_values(a) and not xp.isfinite(xp.linalg.cond(a.astype(wide))).all():
        # a singular matrix: torch's inverse fails quietly and the condition number is inf
        return _wrap(xp.full(a.shape[:-2], xp.inf, dtype=a.real.dtype))
    # (torch maps the nan of a singular batch entry to inf: a NanToNumBackward0 node)
    return (matrix_norm(A, p) * matrix_norm(inv(A), p)).nan_to_num(math.inf, math.inf,
                                                                     -math.inf)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    check_float(A, "linalg.matrix_rank")
    a = A._data
    s = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
    smax = s.max(-1, initial=0.0) if s.size else xp.zeros(s.shape[:-1], s.dtype)
    if tol is not None:
        atol, rtol = tol, 0.0
    if rtol is None:
        eps = float(xp.finfo(s.dtype).eps)
        rtol = eps * max(a.shape[-2:]) if atol is None or _is_zero(atol) else 0.0
    atol = _value(atol, 0.0)
    rtol = _value(rtol, 0.0)
    limit = xp.maximum(atol, rtol * smax)
    return _wrap(xp.asarray((s > limit[..., None]).sum(-1), dtype=xp.int64))


def _value(v, default):
    if v is None:
        return default
    return v._data if hasattr(v, "_data") else v


def _is_zero(v):
    return bool(xp.all(_value(v, 0.0) == 0))


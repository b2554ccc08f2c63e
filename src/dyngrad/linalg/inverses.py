"""Inverses and solvers: inv, det, slogdet, solve, pinv, lstsq.

Formulas are torch's (FunctionsManual.cpp) in value; where torch factors through LU
(det, slogdet, solve), these are written with the inverse and solve entries instead, so
the second-order graphs hold other node names than torch's while the values agree.
"""
from .. import _backend
from .._meta_array import no_kernel
from .. import _dtype as _dt
from ..ops import pointwise as pw
from ..ops._table import TRANSPOSED, Op
from ..ops.return_types import return_type
from ..ops.views import unsqueeze
from ..tensor import _wrap
from ._common import (_LinAlgError, batch_prefix, check_float, check_square, lapack_empty, matmul,
                      mH, mT)
from .elimination import getrf, getrs

xp = _backend.xp


def _inv(A):
    try:
        return xp.linalg.inv(A)
    except xp.linalg.LinAlgError:  # torch's values: LU's solve with its zero pivots
        eye = xp.broadcast_to(xp.eye(A.shape[-1], dtype=A.dtype), A.shape)
        return getrs(*getrf(A)[:2], eye)


def _singular(A, result, message):
    """Where a result is not finite, the first singular matrix's position and LU's info
    (torch's checks read getrf's info: a matrix is singular when a pivot is zero)."""
    if not _backend.has_values(result._data) or xp.isfinite(result._data).all():
        return None
    info = getrf(A._data)[2]
    bad = xp.flatnonzero(info.reshape(-1))
    if bad.size:
        i = int(bad[0])
        return message(batch_prefix(i, info.ndim), int(info.reshape(-1)[i]))
    return None


def _raise(error):
    if error is not None:
        raise _LinAlgError(error)


def _inv_error(name):
    return lambda where, k: (f"{name}: {where}The diagonal element {k} is zero, the inversion "
                             "could not be completed because the input matrix is singular.")


inv_op = Op("LinalgInvExBackward0", _inv, jvp=TRANSPOSED,
            A=lambda grad, result: -matmul(mH(result), matmul(grad, mH(result))))


def inv(A, *, out=None):
    check_square(A, "linalg.inv")
    result = inv_op(A)
    _raise(_singular(A, result, _inv_error("linalg.inv")))
    return result


def _info(A, result):
    """getrf's info: zeros where LAPACK's solve found no zero pivot (a finite result), so
    the elimination is only run again for a singular batch."""
    if not _backend.has_values(result._data) or xp.isfinite(result._data).all():
        return _wrap(_backend.array_module(A._data).zeros(A.shape[:-2], xp.int32))
    return _wrap(getrf(A._data)[2])


def inv_ex(A, *, check_errors=False, out=None):
    check_square(A, "linalg.inv_ex")
    result = inv_op(A)
    if check_errors:
        _raise(_singular(A, result, _inv_error("linalg.inv_ex")))
    return return_type("linalg_inv_ex", ("inverse", "info"))(result, _info(A, result))


def _unsqueeze2(x):
    return unsqueeze(unsqueeze(x, len(x.shape)), len(x.shape) + 1)


def _det_backward(grad, A, result):
    return _unsqueeze2(grad * pw.conj(result)) * mH(inv_op(A))


det_op = Op("LinalgDetBackward0", lambda A: xp.asarray(xp.linalg.det(A)), jvp=TRANSPOSED,
            A=_det_backward)


def det(A, *, out=None):
    check_square(A, "linalg.det")
    return det_op(A)


def _slogdet(A):
    sign, logabsdet = xp.linalg.slogdet(A)
    return xp.asarray(sign).astype(A.dtype), xp.asarray(logabsdet).astype(A.real.dtype)


def _slogdet_backward(grads, A):
    # torch: solve(A^H, g * I), which is g A^-H; the sign (real input) carries no gradient
    if grads[1] is None:
        return None
    n = A.shape[-1]
    eye = xp.eye(n, dtype=getattr(A, "_data", A).dtype)
    if hasattr(A, "_data"):
        eye = _wrap(eye)
    return solve_op(mH(A), _unsqueeze2(grads[1]) * eye, True)


# (both outputs carry the node, as in torch, though only logabsdet has a gradient)
slogdet_op = Op("LinalgSlogdetBackward0", _slogdet, jvp=TRANSPOSED, outputs=("sign", "logabsdet"),
                A=_slogdet_backward)


def slogdet(A, *, out=None):
    check_square(A, "linalg.slogdet")
    sign, logabsdet = slogdet_op(A)
    return return_type("linalg_slogdet", ("sign", "logabsdet"))(sign, logabsdet)


def logdet(input):
    """torch.logdet: log|det| where the determinant is positive, nan where negative."""
    check_square(input, "logdet")
    sign, logabsdet = slogdet_op(input)
    if input.is_complex():  # log det = log|det| + i arg(det)
        return pw.log(sign) + logabsdet
    return pw.where(pw.eq(sign, -1), float("nan"), logabsdet)


# -- solve --------------------------------------------------------------------------------------
def _is_vector_rhs(A, B):
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


def _solve(A, B, left):
    vector = _is_vector_rhs(A, B)
    if not (_backend.has_values(A) and _backend.has_values(B)):
        return _meta_solution(A, B, left, vector)
    if vector:
        B = B[..., None]
    try:
        if not left:  # X A = B  <=>  A^T X^T = B^T
            X = xp.swapaxes(xp.linalg.solve(xp.swapaxes(A, -1, -2), xp.swapaxes(B, -1, -2)), -1, -2)
        else:
            X = xp.linalg.solve(*_broadcast(A, B))
    except xp.linalg.LinAlgError:  # torch's values: LU's solve with its zero pivots
        X = getrs(*getrf(A)[:2], B, left)
    return X[..., 0] if vector else X


def _meta_solution(A, B, left, vector):
    """The solution of a meta system: torch's meta kernel lays the result out as LAPACK's
    matrices (column-major) for the left solve, a vector one's included, as if its last
    two dims were a matrix (a single vector stays as it is), and the right solve, the
    transpose of a left one, row-major."""
    batch = xp.broadcast_shapes(A.shape[:-2], B.shape[:-2 + vector])
    shape, dtype = batch + B.shape[-2 + vector:], xp.result_type(A, B)
    if len(shape) < 2 or not left:
        return _backend.array_module(B).empty(shape, dtype)
    return lapack_empty(B, shape, dtype)


def _broadcast(A, B):
    batch = xp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    return xp.broadcast_to(A, batch + A.shape[-2:]), xp.broadcast_to(B, batch + B.shape[-2:])


def _solve_B_backward(grad, A, left):
    return solve_op(mH(A), grad, left)


def _solve_A_backward(grad, A, B, result, left):
    gB = solve_op(mH(A), grad, left)
    if not left:
        return -matmul(mH(result), gB)
    if _is_vector_rhs(getattr(A, "_data", A), getattr(B, "_data", B)):
        return -matmul(unsqueeze(gB, len(gB.shape)),
                       unsqueeze(pw.conj(result), len(result.shape) - 1))
    return -matmul(gB, mH(result))


solve_op = Op("LinalgSolveExBackward0", _solve, jvp=TRANSPOSED,
              A=_solve_A_backward, B=_solve_B_backward)


def _solve_error(name):
    return lambda where, k: f"{name}: {where}The solver failed because the input matrix is singular."


def solve(A, B, *, left=True, out=None):
    check_square(A, "linalg.solve")
    result = solve_op(A, B, left)
    _raise(_singular(A, result, _solve_error("torch.linalg.solve")))
    return result


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    check_square(A, "linalg.solve")
    result = solve_op(A, B, left)
    if check_errors:
        _raise(_singular(A, result, _solve_error("torch.linalg.solve_ex")))
    return return_type("linalg_solve_ex", ("result", "info"))(result, _info(A, result))


# -- pinv, lstsq --------------------------------------------------------------------------------
def _pinv_backward(grad, self, result):
    """torch's pinv_backward, arranged for the smaller of the two sizes."""
    A, pinvA = self, result
    m, n = A.shape[-2], A.shape[-1]
    pinvAh, gradh = mH(pinvA), mH(grad)
    if m <= n:
        K = matmul(gradh, pinvA)
        KpinvAh = matmul(K, pinvAh)
        return (-mH(matmul(pinvA, K)) + KpinvAh - matmul(matmul(A, pinvA), KpinvAh)
                + matmul(matmul(pinvAh, pinvA), gradh - matmul(K, A)))
    K = matmul(pinvA, gradh)
    pinvAhK = matmul(pinvAh, K)
    return (-mH(matmul(K, pinvA)) + matmul(matmul(gradh - matmul(A, K), pinvA), pinvAh)
            + pinvAhK - matmul(matmul(pinvAhK, pinvA), A))


_PINV_DTYPES = (_dt.float32, _dt.float64, _dt.complex64, _dt.complex128)


def _pinv(self, atol=None, rtol=None, hermitian=False):
    """The pseudo-inverse: singular values (eigenvalues' sizes, when ``hermitian``) at most
    max(atol, rtol * the largest) count as zero. Without either, rtol = eps * max(m, n)
    (NumPy's default, kept for its results); an atol alone means rtol = 0."""
    if atol is None and rtol is None and not hermitian:
        return xp.linalg.pinv(self).astype(self.dtype, copy=False)
    m, n = self.shape[-2:]
    eps = xp.finfo(self.dtype).eps
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else eps * max(m, n)
    atol = 0.0 if atol is None else atol
    if hermitian:
        w, V = xp.linalg.eigh(self)
        size = xp.abs(w)
        tol = xp.maximum(atol, rtol * size.max(-1, keepdims=True))
        with xp.errstate(divide="ignore"):
            inv = xp.where(size > tol, 1 / w, 0)
        return xp.matmul(V * inv[..., None, :], xp.conj(xp.swapaxes(V, -1, -2))).astype(
            self.dtype, copy=False)
    U, s, Vh = xp.linalg.svd(self, full_matrices=False)
    tol = xp.maximum(atol, rtol * s[..., :1])
    with xp.errstate(divide="ignore"):
        inv = xp.where(s > tol, 1 / s, 0)
    Vs = xp.conj(xp.swapaxes(Vh, -1, -2)) * inv[..., None, :]
    return xp.matmul(Vs, xp.conj(xp.swapaxes(U, -1, -2))).astype(self.dtype, copy=False)


pinv_op = Op("LinalgPinvBackward0", _pinv, jvp=TRANSPOSED, self=_pinv_backward)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    if A.dim() < 2 or A.dtype not in _PINV_DTYPES:
        shape = ", ".join(str(n) for n in A.shape)
        raise RuntimeError(f"linalg.pinv({A.dtype._cname}{{[{shape}]}}): expected a tensor with 2 "
                           "or more dimensions of float, double, cfloat or cdouble types")
    if atol is None and rtol is None and not hermitian:
        return pinv_op(A)
    return pinv_op(A, _tolerance(atol), _tolerance(rtol), bool(hermitian))


def _tolerance(t):
    """A tolerance given as a number or a one-element tensor (a tensor of per-matrix
    tolerances is not taken)."""
    if t is None or not hasattr(t, "numel"):
        return t
    if t.numel() != 1:
        raise NotImplementedError("linalg.pinv: per-matrix tolerance tensors are not "
                                  "implemented in dyngrad; give a number")
    return float(t.item())


def _lstsq_A_backward(grad, self, b):
    pinvA = pinv_op(self)
    return _pinv_backward(matmul(grad, mH(b)), self, pinvA)


def _lstsq(self, b):
    return xp.linalg.lstsq(self, b, rcond=None)[0].astype(self.dtype, copy=False) if self.ndim == 2 \
        else xp.matmul(xp.linalg.pinv(self), b).astype(self.dtype, copy=False)


lstsq_op = Op("LinalgLstsqBackward0", _lstsq, jvp=TRANSPOSED, self=_lstsq_A_backward,
              b=lambda grad, self: matmul(mH(pinv_op(self)), grad))


def lstsq(A, B, rcond=None, *, driver=None):
    if A.is_meta or B.is_meta:
        raise no_kernel("aten::linalg_lstsq.out")
    check_float(A, "linalg.lstsq")
    solution = lstsq_op(A, B)
    empty = _wrap(xp.zeros((0,), A._data.dtype))
    rank = _wrap(xp.asarray(xp.linalg.matrix_rank(A._data), dtype=xp.int64))
    return return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(
        solution, empty, rank, _wrap(xp.zeros((0,), A._data.dtype)))


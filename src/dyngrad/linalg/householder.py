"""geqrf, householder_product (torch.orgqr) and ormqr: a QR factorisation as LAPACK's geqrf
leaves it (R on and above the diagonal, the Householder vectors below it, their scales in
tau), the first n columns of Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H, v_i the i-th
column below the diagonal with a 1 on it (LAPACK's orgqr/ungqr), and the product of Q
(or Q^H) with another matrix (ormqr/unmqr), with their gradients."""
from .. import _backend
from .._meta_array import no_kernel
from ..ops import joining
from ..ops import pointwise as pw
from ..ops._low_precision import NO_BFLOAT16
from ..ops._table import TRANSPOSED, Op, derivative_not_implemented
from ..ops.return_types import return_type
from ..ops.views import new_zeros, unsqueeze
from ..tensor import _wrap
from ._common import lapack_empty, matmul, mH

xp = _backend.xp


def _eye(like, m, n):
    a = getattr(like, "_data", like)
    e = _backend.array_module(a).eye(m, n, dtype=a.dtype)
    return _wrap(e) if hasattr(like, "_data") else e


def _reflectors(input, tau):
    """v_i as (..., m, 1) columns and tau_i as (..., 1, 1), for i < k."""
    m, n, k = input.shape[-2], input.shape[-1], tau.shape[-1]
    V = pw.tril(input, -1) + _eye(input, m, n)
    taus = unsqueeze(unsqueeze(tau, len(tau.shape)), len(tau.shape) + 1)
    return [V[..., :, i:i + 1] for i in range(k)], [taus[..., i, :, :] for i in range(k)]


def _reflect(X, v, tau):
    # H X = X - tau v (v^H X): a rank-one update, never the m x m reflector
    return X - tau * matmul(v, matmul(mH(v), X))


def _householder_product(input, tau):
    m, n = input.shape[-2:]
    if not _backend.has_values(input):  # meta: the shape is all there is
        return lapack_empty(input, input.shape, input.dtype)
    vs, taus = _reflectors(input, tau)
    Q = xp.broadcast_to(xp.eye(m, n, dtype=input.dtype), input.shape)
    for v, t in zip(reversed(vs), reversed(taus)):
        Q = _reflect(Q, v, t)
    return xp.array(Q)


def _householder_product_backward(grad, input, tau, grad_input_mask):
    """With Q = P_i H_i R_{i+1} (P_i = H_1 ... H_{i-1}, R_{i+1} = H_{i+1} ... H_k E) and
    K_i = P_i^H G R_{i+1}^H: g tau_i = -v^H K_i v, g v_i = -conj(tau_i) K_i v - tau_i K_i^H v,
    of which the entries below the diagonal are the input's. P_i^H G and R_{i+1} are built
    by one reflection each per step."""
    m, n, k = input.shape[-2], input.shape[-1], tau.shape[-1]
    if k == 0:  # no reflector: Q does not depend on the input (torch: no gradient)
        return [None, None]
    vs, taus = _reflectors(input, tau)
    R = [None] * (k + 1)
    R[k] = _eye(input, m, n)
    for i in reversed(range(k)):
        R[i] = _reflect(R[i + 1], vs[i], taus[i])
    W = grad
    g_vs, g_taus = [], []
    for i in range(k):
        v, t, Rn = vs[i], taus[i], R[i + 1]
        RHv = matmul(mH(Rn), v)
        g_taus.append(-matmul(matmul(mH(v), W), RHv)[..., 0])
        g_vs.append(-pw.conj(t) * matmul(W, RHv) - t * matmul(Rn, matmul(mH(W), v)))
        W = _reflect(W, v, pw.conj(t))
    if k < n:
        g_vs.append(new_zeros(g_vs[0], tuple(g_vs[0].shape[:-1]) + (n - k,)))
    g_input = pw.tril(joining.cat(g_vs, len(input.shape) - 1), -1)
    g_tau = joining.cat(g_taus, len(tau.shape) - 1)
    return [g_input if grad_input_mask[0] else None, g_tau if grad_input_mask[1] else None]


householder_product_op = Op("LinalgHouseholderProductBackward0", _householder_product,
                            jvp=TRANSPOSED, input=_householder_product_backward,
                            tau=_householder_product_backward)


def householder_product(A, tau, *, out=None):
    name = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if A.shape[-1] < tau.shape[-1] if tau.dim() else False:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but "
                           f"got tau.ndim equal to {tau.dim()} and input.ndim is equal to "
                           f"{A.dim()}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype._cname} does not match input dtype "
                           f"{A.dtype._cname}")
    if not (A.is_floating_point() or A.is_complex()):
        raise NotImplementedError(f"\"orgqr_cpu\" not implemented for '{A.dtype._cname}'")
    return householder_product_op(A, tau)


def _geqrf(self):
    k = min(self.shape[-2:])
    tau_shape = self.shape[:-2] + (k,)
    if self.size == 0:
        return self.copy(), xp.zeros(tau_shape, self.dtype)
    h, tau = xp.linalg.qr(self, mode="raw")  # (h is LAPACK's array, transposed)
    return xp.ascontiguousarray(xp.swapaxes(h, -1, -2)), tau


geqrf_op = Op("GeqrfBackward0", _geqrf, outputs=("a", "tau"), jvp_name="geqrf",
              self=derivative_not_implemented("geqrf"))
NO_BFLOAT16[geqrf_op] = "geqrf_cpu"


def geqrf(input, *, out=None):
    if input.is_meta:
        raise no_kernel("aten::geqrf")
    if input.dim() < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if not (input.is_floating_point() or input.is_complex()):
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{input.dtype._cname}'")
    a, tau = geqrf_op(input)
    return return_type("geqrf", ("a", "tau"))(a, tau)


# -- ormqr ----------------------------------------------------------------------------------
def _square_reflectors(input, k):
    """input's first k columns, padded with zero columns to m x m: the same reflectors,
    whose householder_product is the whole m x m Q."""
    m = input.shape[-2]
    cols = input[..., :, :k]
    if k == m:
        return cols
    pad = xp.zeros(tuple(input.shape[:-1]) + (m - k,), getattr(input, "_data", input).dtype)
    return joining.cat([cols, _wrap(pad) if hasattr(input, "_data") else pad],
                       len(input.shape) - 1)


def _ormqr(input, tau, other, left, transpose):
    X = other
    vs, taus = _reflectors(input, tau)
    # Q = H_1 ... H_k; Q^H = H_k^H ... H_1^H, H_i^H = I - conj(tau_i) v_i v_i^H
    order = list(zip(vs, taus))
    if left != transpose:  # Q X applies H_k first; X Q^H (= (Q X^H)^H) likewise
        order.reverse()
    if not left:
        X = xp.swapaxes(X.conj(), -1, -2)
    for v, t in order:
        X = _reflect(X, v, t.conj() if transpose == left else t)
    if not left:
        X = xp.swapaxes(X.conj(), -1, -2)
    return xp.array(X)


def _ormqr_backward(grad, input, tau, other, result, left, transpose, grad_input_mask):
    """gC from the same product with Q's adjoint; gQ, then the reflectors' gradients as
    householder_product's for the whole m x m Q."""
    g_other = ormqr_op(input, tau, grad, left, not transpose) if grad_input_mask[2] else None
    if not (grad_input_mask[0] or grad_input_mask[1]):
        return [None, None, g_other]
    if left:
        gQ = matmul(grad, mH(other)) if not transpose else matmul(other, mH(grad))
    else:
        gQ = matmul(mH(other), grad) if not transpose else matmul(mH(grad), other)
    k, n = tau.shape[-1], input.shape[-1]
    g_input, g_tau = _householder_product_backward(gQ, _square_reflectors(input, k), tau,
                                                   (grad_input_mask[0], grad_input_mask[1]))
    if g_input is not None:
        g_input = g_input[..., :, :k]
        if n > k:
            g_input = joining.cat([g_input, new_zeros(g_input, tuple(g_input.shape[:-1]) + (n - k,))],
                                  len(g_input.shape) - 1)
    return [g_input, g_tau, g_other]


# (torch has no forward-mode rule for ormqr: neither has dyngrad)
ormqr_op = Op("OrmqrBackward0", _ormqr, jvp_name="ormqr", input=_ormqr_backward,
              tau=_ormqr_backward, other=_ormqr_backward)


def ormqr(input, input2, input3, left=True, transpose=False, *, out=None):
    name = "torch.ormqr"
    tau, other = input2, input3
    if input.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if other.dim() < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    if tau.dim() != input.dim() - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but "
                           f"got tau.ndim equal to {tau.dim()} and input.ndim is equal to "
                           f"{input.dim()}")
    if other.dim() != input.dim():
        raise RuntimeError(f"{name}: Expected other to have the same number of dimensions as "
                           f"input, but got other.ndim equal to {other.dim()} and input.ndim "
                           f"is equal to {input.dim()}")
    m = other.shape[-2] if left else other.shape[-1]
    if m != input.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{-2 if left else -1}] must be equal to "
                           "input.shape[-2]")
    if tau.shape[-1] != min(m, input.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[-2], "
                           "input.shape[-1])")
    for what, t in (("tau", tau), ("other", other)):
        if t.dtype != input.dtype:
            raise RuntimeError(f"{name}: Expected input and {what} to have the same dtype, but "
                               f"input has dtype{input.dtype._cname} and {what} has dtype "
                               f"{t.dtype._cname}")
    if not (input.is_floating_point() or input.is_complex()):
        raise NotImplementedError(f"\"ormqr_cpu\" not implemented for '{input.dtype._cname}'")
    return ormqr_op(input, tau, other, left, transpose)

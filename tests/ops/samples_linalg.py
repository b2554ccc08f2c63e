"""Sample inputs of the torch.linalg entries that test_op_table runs through the oracle
(the decompositions whose second-order graphs differ by name are in test_linalg.py).

householder_product's double backward is torch's hand-written in-place loop (its graphs
hold CopySlices and TrilBackward0): the first-order graphs are compared, the second
derivatives by value."""
import numpy as np

from dyngrad.linalg import householder, ldl, legacy, triangular
from dyngrad.linalg import lu_decomposition as lu
from dyngrad.ops import statistics

f32 = np.float32
REFLECTORS = np.array([[0.9, -0.3, 0.4], [0.5, 1.2, -0.7], [-0.6, 0.2, 0.8], [0.3, -1.1, 0.1]],
                      f32)                                           # 4x3, below the diagonal
TAU = np.array([1.2, 0.4], f32)                                     # two reflectors of three
TAU3 = np.array([[1.2, 0.4, 1.9], [0.0, 1.5, -0.3]], f32)           # tau = 0: H = I

# the Q of a QR factorisation: LAPACK's geqrf output (NumPy gives it transposed)
GEQRF_A, GEQRF_TAU = (np.ascontiguousarray(v.T if v.ndim == 2 else v).astype(f32)
                      for v in np.linalg.qr(REFLECTORS.astype(float), mode="raw"))


SAMPLES = {
    householder.householder_product_op: [
        ("householder_product", lambda t, a, tau: t.linalg.householder_product(a, tau),
         [REFLECTORS, TAU]),
        ("householder_product_of_geqrf", lambda t, a, tau: t.linalg.householder_product(a, tau),
         [GEQRF_A, GEQRF_TAU]),
        ("householder_product_batch", lambda t, a, tau: t.orgqr(a, tau),
         # (double: float32 rounding of the second derivatives' cancellations)
         [np.stack([REFLECTORS, REFLECTORS[::-1]]).astype(float), TAU3.astype(float)]),
    ],
}
GRAPHS = {cid: ("forward", "backward", "second_order")
          for cases in SAMPLES.values() for cid, _, _ in cases}

# torch records no derivative for geqrf (its backward raises), nor for the LDL
# factorisation and solve (its NotImplemented node): the backward fails naming the op. (x, y: 2x3 matrices; LD reads x's lower triangle)
RAISES_IN_BACKWARD = {
    # (rounded: LAPACK builds may differ in the last bit)
    householder.geqrf_op: [lambda t, x, y: t.geqrf(x).a.round(decimals=4),
                           lambda t, x, y: x.T.geqrf().tau.round(decimals=4)],
    ldl.ldl_factor_op: [lambda t, x, y: t.linalg.ldl_factor(x[:, :2]).LD,
                        lambda t, x, y: t.linalg.ldl_factor_ex(x @ y.T, hermitian=True).LD],
    ldl.ldl_solve_op: [lambda t, x, y: t.linalg.ldl_solve(*t.linalg.ldl_factor(x[:, 1:]), y),
                       lambda t, x, y: t.linalg.ldl_solve(*t.linalg.ldl_factor(x[:, :2].detach()),
                                                          y.T[:2])],
}

# -- the LU family, triangular and Cholesky solves -------------------------------------------
# (TIES: equal sizes in a pivot column, |1| = |-1|: LAPACK takes the upper row, as must we)
TIES = np.array([[1.0, 2.0, 3.0, 0.5], [-1.0, 2.0, 1.0, 1.5], [1.0, 0.0, 2.0, -1.0],
                 [0.5, -1.5, 1.0, 2.0]], f32)
SQ = np.array([[1.5, 0.3, -0.4], [0.2, 1.1, 0.5], [-0.3, 0.6, 2.0]], f32)
TRI_RHS = np.array([[0.5, -1.0], [1.2, 0.3], [-0.4, 0.8]], f32)
TALL = np.array([[0.9, -0.2, 0.3], [0.4, 1.3, -0.6], [-0.7, 0.5, 1.1], [0.1, 0.8, 0.2],
                 [1.2, -0.4, 0.7]], f32)
PIVOTS = np.array([3, 2, 3], np.int32)


def _factor(t, u):
    """A Cholesky factor made of u: lower triangular, with a real diagonal (LAPACK's potri
    reads only the real part of a complex factor's diagonal; torch.cholesky_inverse too)."""
    return u.tril(-1) + t.diag_embed(u.diagonal(0, -2, -1).abs())


def _lu_solve(left, adjoint):
    def call(t, a, b):
        return t.linalg.lu_solve(*t.linalg.lu_factor(a), b if left else b.mT, left=left,
                                 adjoint=adjoint)
    return call


SAMPLES.update({
    lu.lu_factor_ex_op: [
        ("lu_factor_ties", lambda t, x: t.linalg.lu_factor(x), [TIES]),
        ("lu_factor_ex_wide", lambda t, x: t.linalg.lu_factor_ex(x), [TALL.T.copy()]),
        ("torch_lu_tall_batch", lambda t, x: t.lu(x, get_infos=True),
         [np.stack([TALL, TALL[::-1] * 2])]),
    ],
    lu.lu_op: [
        ("lu_ties", lambda t, x: t.linalg.lu(x), [TIES]),
        ("lu_wide", lambda t, x: t.linalg.lu(x).U, [TALL.T.copy()]),
        ("lu_tall", lambda t, x: t.linalg.lu(x)[1:], [TALL]),
        ("lu_tall_L_only", lambda t, x: t.linalg.lu(x).L, [TALL]),
    ],
    lu.lu_unpack_op: [
        ("lu_unpack", lambda t, x, p: t.lu_unpack(x, p), [SQ, PIVOTS]),
        ("lu_unpack_tall", lambda t, x, p: t.lu_unpack(x, p)[1:], [TALL, np.array([5, 2, 3], np.int32)]),
        ("lu_unpack_wide_U", lambda t, x, p: t.lu_unpack(x, p).U, [TALL.T.copy(), np.array([1, 3, 3], np.int32)]),
    ],
    lu.lu_solve_op: [
        ("lu_solve", _lu_solve(True, False), [TIES, TIES[:, :2].copy()]),
        ("lu_solve_adjoint", _lu_solve(True, True), [SQ, TRI_RHS]),
        ("lu_solve_right", _lu_solve(False, False), [SQ, TRI_RHS]),
        ("lu_solve_right_adjoint", _lu_solve(False, True), [SQ, TRI_RHS]),
        ("torch_lu_solve_batch", lambda t, a, b: t.lu_solve(b, *t.linalg.lu_factor(a)),
         [np.stack([SQ, SQ.T]), TRI_RHS]),
    ],
    triangular.solve_triangular_op: [
        ("solve_triangular_upper", lambda t, a, b: t.linalg.solve_triangular(a, b, upper=True),
         [SQ, TRI_RHS]),
        ("solve_triangular_lower_unit", lambda t, a, b: t.linalg.solve_triangular(
            a, b, upper=False, unitriangular=True), [SQ, TRI_RHS]),
        ("solve_triangular_right", lambda t, a, b: t.linalg.solve_triangular(
            a, b.mT, upper=False, left=False), [np.stack([SQ, SQ.T]), TRI_RHS]),
    ],
    triangular.triangular_solve_op: [
        ("triangular_solve", lambda t, b, a: t.triangular_solve(b, a), [TRI_RHS, SQ]),
        ("triangular_solve_transpose", lambda t, b, a: b.triangular_solve(
            a, upper=False, transpose=True, unitriangular=True), [TRI_RHS, SQ]),
    ],
    triangular.cholesky_solve_op: [
        ("cholesky_solve", lambda t, b, u: t.cholesky_solve(b, u.tril()), [TRI_RHS, SQ]),
        ("cholesky_solve_upper", lambda t, b, u: b.cholesky_solve(u.triu(), upper=True),
         [TRI_RHS, SQ]),
    ],
    triangular.cholesky_inverse_op: [
        ("cholesky_inverse", lambda t, u: t.cholesky_inverse(_factor(t, u)), [SQ]),
        ("cholesky_inverse_upper", lambda t, u: _factor(t, u).mH.cholesky_inverse(upper=True),
         [np.stack([SQ, SQ.T])]),
    ],
    legacy.cholesky_op: [
        ("torch_cholesky", lambda t, x: t.cholesky(x @ x.mH + t.eye(3)), [SQ]),
        ("torch_cholesky_upper", lambda t, x: ((x + x.mH) / 2).cholesky(upper=True),
         [SQ @ SQ.T + np.eye(3, dtype=f32)]),
    ],
})
GRAPHS.update({cid: ("forward", "backward", "second_order")
               for op in (lu.lu_factor_ex_op, lu.lu_op, lu.lu_unpack_op, lu.lu_solve_op,
                          triangular.solve_triangular_op, triangular.triangular_solve_op,
                          triangular.cholesky_solve_op, triangular.cholesky_inverse_op,
                          legacy.cholesky_op)
               for cid, _, _ in SAMPLES[op]})
# a tie in a pivot column is a kink: a step of finite differences picks another row
AT_A_KINK = {"lu_factor_ties", "lu_ties"}

SAMPLES.update({
    householder.ormqr_op: [
        # (double: float32 rounding of the second derivatives' cancellations)
        ("ormqr", lambda t, a, tau, c: t.ormqr(a, tau, c),
         [REFLECTORS.astype(float), TAU3[0].astype(float), TALL[:4, :2].astype(float)]),
        ("ormqr_right_transpose", lambda t, a, tau, c: a.ormqr(tau, c, left=False, transpose=True),
         [REFLECTORS, TAU3[0], TALL[:4, :2].T.copy()]),
        ("ormqr_wide_batch", lambda t, a, tau, c: t.ormqr(a, tau, c, transpose=True),
         [np.stack([REFLECTORS.T, REFLECTORS[::-1].T]).astype(float), TAU3.astype(float),
          np.stack([SQ, SQ.T]).astype(float)]),
    ],
    statistics.norm_dim: [
        ("frobenius_norm", lambda t, x: t.frobenius_norm(x, (0, 1)), [TALL]),
        ("frobenius_norm_keepdim", lambda t, x: t.frobenius_norm(x, 1, keepdim=True), [TALL]),
    ],
})
GRAPHS.update({cid: ("forward", "backward", "second_order")
               for cid, _, _ in SAMPLES[householder.ormqr_op]})

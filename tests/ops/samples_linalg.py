"""Sample inputs of the torch.linalg entries that test_op_table runs through the oracle
(the decompositions whose second-order graphs differ by name are in test_linalg.py).

householder_product's double backward is torch's hand-written in-place loop (its graphs
hold CopySlices and TrilBackward0): the first-order graphs are compared, the second
derivatives by value."""
import numpy as np

from dyngrad.linalg import householder, ldl

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

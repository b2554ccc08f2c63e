"""torch.linalg against torch: values, first and second derivatives (by value: where
torch factors through LU its second-order graphs hold other node names), finite
differences, node names of the results, and errors.

Eigen- and singular vectors are fixed only up to sign, so the losses built on them are
gauge-invariant (squares of their entries, products such as U diag(S) Vh).
"""
import numpy as np
import pytest

import dyngrad
from dyngrad.linalg import decompositions as dc, inverses as iv, matrix_functions as mf

from .oracle import assert_same_error, assert_same_tensor, finite_difference_check, record

f32 = np.float32
rng = np.random.default_rng(3)
SQ = np.array([[1.5, 0.3, -0.4], [0.2, 1.1, 0.5], [-0.3, 0.6, 2.0]], f32)
SPD = (SQ @ SQ.T + np.eye(3, dtype=f32)).astype(f32)
TALL = np.array([[0.9, -0.2], [0.4, 1.3], [-0.7, 0.5], [0.1, 0.8]], f32)
WIDE = TALL.T.copy()
BATCH = np.stack([SQ, SQ.T + np.eye(3, dtype=f32)])
RHS = np.array([[0.5, -1.0], [1.2, 0.3], [-0.4, 0.8]], f32)
V3 = np.array([0.5, -1.0, 2.0], f32)


def _sym(t, x):
    return (x + x.mT) / 2


CASES = {
    "inv": (lambda t, x: t.linalg.inv(x), [SQ]),
    "inv_batch": (lambda t, x: t.inverse(x), [BATCH]),
    "det": (lambda t, x: t.linalg.det(x), [SQ]),
    "det_batch": (lambda t, x: t.det(x), [BATCH]),
    "slogdet": (lambda t, x: t.linalg.slogdet(x), [SQ]),
    "solve": (lambda t, a, b: t.linalg.solve(a, b), [SQ, RHS]),
    "solve_vector": (lambda t, a, b: t.linalg.solve(a, b), [SQ, V3]),
    "solve_right": (lambda t, a, b: t.linalg.solve(a, b, left=False), [SQ, RHS.T.copy()]),
    "cholesky": (lambda t, x: t.linalg.cholesky(_sym(t, x)), [SPD]),
    "cholesky_upper": (lambda t, x: t.linalg.cholesky(_sym(t, x), upper=True), [SPD]),
    "qr": (lambda t, x: [y * y for y in t.linalg.qr(x)], [TALL]),
    "qr_square": (lambda t, x: t.linalg.qr(x).R ** 2, [SQ]),
    "eigh": (lambda t, x: [w * 1 for w in (t.linalg.eigh(_sym(t, x))[0],)]
             + [t.linalg.eigh(_sym(t, x))[1] ** 2], [SPD]),
    "eigvalsh": (lambda t, x: t.linalg.eigvalsh(_sym(t, x)), [SQ]),
    "svd": (lambda t, x: (lambda u, s, vh: [u ** 2, s, vh ** 2])(*t.linalg.svd(x, full_matrices=False)),
            [TALL]),
    "svd_wide": (lambda t, x: (lambda u, s, vh: [u ** 2, s, vh ** 2])(*t.linalg.svd(x, False)), [WIDE]),
    "svd_product": (lambda t, x: (lambda u, s, vh: (u * s) @ vh)(*t.linalg.svd(x, full_matrices=False)),
                    [SQ]),
    "torch_svd": (lambda t, x: (lambda u, s, v: [u ** 2, s, v ** 2])(*t.svd(x)), [TALL]),
    "svdvals": (lambda t, x: t.linalg.svdvals(x), [TALL]),
    "pinv": (lambda t, x: t.linalg.pinv(x), [TALL]),
    "pinv_wide": (lambda t, x: t.linalg.pinv(x), [WIDE]),
    "lstsq": (lambda t, a, b: t.linalg.lstsq(a, b).solution, [TALL, RHS[:, :1].repeat(4, 0)[:4]]),
    "matrix_power": (lambda t, x: t.linalg.matrix_power(x, 3), [SQ]),
    "matrix_power_negative": (lambda t, x: t.linalg.matrix_power(x, -2), [SQ]),
    "multi_dot": (lambda t, a, b, c: t.linalg.multi_dot([a, b, c]), [TALL, WIDE, TALL]),
    "multi_dot_vectors": (lambda t, a, b, c: t.linalg.multi_dot([a, b, c]), [V3, SQ, V3]),
    "norm": (lambda t, x: t.linalg.norm(x), [SQ]),
    "norm_vector_ord": (lambda t, x: t.linalg.norm(x, 3, dim=1), [SQ]),
    "vector_norm": (lambda t, x: t.linalg.vector_norm(x, 1.5, (0, 1), keepdim=True), [TALL]),
    "matrix_norm_fro": (lambda t, x: t.linalg.matrix_norm(x), [BATCH]),
    "matrix_norm_nuc": (lambda t, x: t.linalg.matrix_norm(x, "nuc"), [TALL]),
    "matrix_norm_2": (lambda t, x: t.linalg.matrix_norm(x, 2), [SQ]),
    "matrix_norm_1": (lambda t, x: t.linalg.matrix_norm(x, 1), [SQ]),
    "matrix_norm_inf": (lambda t, x: t.linalg.norm(x, float("inf")), [SQ]),
    "matrix_norm_neg2_keepdim": (lambda t, x: t.linalg.matrix_norm(x, -2, keepdim=True), [BATCH]),
    "matrix_exp": (lambda t, x: t.linalg.matrix_exp(x), [SQ]),
    "matrix_exp_batch": (lambda t, x: t.matrix_exp(x * 3), [BATCH]),
    "cond": (lambda t, x: t.linalg.cond(x), [SQ]),
    "cond_norms": (lambda t, x: [t.linalg.cond(x.detach(), p) for p in ("fro", "nuc", 1, -1,
                                                                          float("inf"))]
                   + [t.linalg.cond(x.detach() * 0)], [SQ]),
    "cond_neg2": (lambda t, x: t.linalg.cond(x, -2), [TALL]),
    "matrix_rank": (lambda t, x, y: [t.linalg.matrix_rank(x), t.linalg.matrix_rank(x * 0 + 1),
                                     t.linalg.matrix_rank(y, atol=1.0, rtol=0.1),
                                     t.linalg.matrix_rank(x, hermitian=True)], [SQ, BATCH]),
}
# results whose node name is torch's (the others are composed: their last op's name)
NAMED = {"inv", "det", "slogdet", "solve", "cholesky", "qr", "eigvalsh", "svdvals", "pinv",
         "lstsq", "norm", "matrix_exp", "cond"}


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    import torch
    call, arrays = CASES[name]
    want, got = record(torch, call, arrays), record(dyngrad, call, arrays)
    for key in ("forward", "backward", "grad", "grad2"):
        assert (key in want) == (key in got), key
        for i, (a, b) in enumerate(zip(want.get(key, ()), got.get(key, ()))):
            if a is not None and b is not None:
                a, b = dict(a, graph=None), dict(b, graph=None)
                tol = dict(rtol=2e-4, atol=2e-5)
                assert a["dtype"] == b["dtype"] and a["shape"] == b["shape"], f"{key}[{i}]"
                np.testing.assert_allclose(b["value"], a["value"], err_msg=f"{key}[{i}]", **tol)
            else:
                assert_same_tensor(a, b, f"{key}[{i}]")
    if name in NAMED:
        first = lambda r: r["forward"][-1]["graph"].split("(")[0]  # noqa: E731
        assert first(got) == first(want)


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh",
                                  "svd", "svd_wide", "pinv", "lstsq", "matrix_norm_nuc",
                                  "matrix_exp", "cond"])
def test_finite_differences(name):
    call, arrays = CASES[name]
    finite_difference_check(call, arrays)


@pytest.mark.parametrize("call", [lambda t, x: t.linalg.eigvals(x).abs(),
                                  lambda t, x: t.linalg.eig(x * x).eigenvalues.abs(),
                                  lambda t, x: t.linalg.eigvals(x.to(t.complex64)).abs() ** 2])
def test_eigenvalues_first_order(call):
    # (the order of the eigenvalues is LAPACK's, which may differ between NumPy's and
    # torch's builds: sorted values, and a loss that does not depend on the order; a second
    # derivative runs back through the eigenvectors, whose gradient is not built yet)
    import torch
    seen = []
    for lib in (torch, dyngrad):
        x = lib.tensor(BATCH, requires_grad=True)
        y = call(lib, x)
        (g,) = lib.autograd.grad(y.sum(), x)
        seen.append((np.sort(y.detach().numpy(), -1), g.numpy(), y.grad_fn.name()))
    np.testing.assert_allclose(seen[1][0], seen[0][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(seen[1][1], seen[0][1], rtol=1e-4, atol=1e-5)
    assert seen[1][2] == seen[0][2]


ERRORS = {
    "inv_singular": (lambda t, x: t.linalg.inv(x * 0), [SQ]),
    "inv_not_square": (lambda t, x: t.linalg.inv(x), [TALL]),
    "inv_int": (lambda t: t.linalg.inv(t.tensor([[1, 2], [3, 4]])), []),
    "det_not_square": (lambda t, x: t.linalg.det(x), [TALL]),
    "cholesky_not_pd": (lambda t: t.linalg.cholesky(-t.eye(2)), []),
    "solve_singular": (lambda t: t.linalg.solve(t.zeros(2, 2), t.ones(2)), []),
    "eigh_not_square": (lambda t, x: t.linalg.eigh(x), [TALL]),
    "matrix_exp_not_square": (lambda t, x: t.linalg.matrix_exp(x), [TALL]),
    "eig_not_square": (lambda t, x: t.linalg.eig(x), [TALL]),
    "eig_vectors_grad": (lambda t, x: t.linalg.eig(x).eigenvectors.abs().sum().backward(),
                         [SQ]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    call, arrays = ERRORS[name]
    assert_same_error(call, *arrays)


def test_singular_error_is_a_runtime_error():
    with pytest.raises(RuntimeError):
        dyngrad.linalg.inv(dyngrad.zeros(2, 2))
    assert issubclass(dyngrad.linalg.LinAlgError, RuntimeError)


# the entries test_op_table leaves to this file (their second-order graphs differ by name)
TESTED_BY_VALUE = {iv.inv_op, iv.det_op, iv.slogdet_op, iv.solve_op, iv.pinv_op, iv.lstsq_op,
                   dc.cholesky_op, dc.qr_op, dc.eigh_op, dc.svd_op, mf.matrix_exp_op,
                   mf.eig_op}

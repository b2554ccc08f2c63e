"""torch.linalg against torch: values, first and second derivatives (by value: where
torch factors through LU its second-order graphs hold other node names), finite
differences, node names of the results, and errors.

Eigen- and singular vectors are fixed only up to sign, so the losses built on them are
gauge-invariant (squares of their entries, products such as U diag(S) Vh).
"""
import numpy as np
import pytest

import dyngrad
import torch
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
    "norm_nuc": (lambda t, x, y: [t.norm(x, "nuc"), y.norm(p="nuc", dim=(-1, 0), keepdim=True)],
                 [TALL, BATCH]),
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
    # torch's builds: sorted values, and a loss that does not depend on the order)
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


ROT = np.array([[0.2, -1.0, 0.3], [1.1, 0.1, -0.2], [0.4, 0.5, 1.3]])  # a complex pair
_Z = np.array([[0.4, -1.1, 0.7], [0.9, 0.3, -0.5], [-0.2, 0.8, 1.2], [0.6, -0.3, 0.1]])
CTALL = TALL.astype(np.float64) + 1j * _Z[:, :2]
CSQ = SQ.astype(np.float64) + 1j * _Z[:3]
HERM = CSQ @ CSQ.conj().T + np.eye(3)


def _eig_loss(t, x):
    # independent of each eigenvector's phase and of the order of the eigenpairs
    L, V = t.linalg.eig(x)
    return (V.abs() ** 2 * (L.real ** 2).unsqueeze(-2)).sum() + (L.abs() ** 3).sum()


def _gauge_free(t, ys):
    ys = ys if isinstance(ys, (list, tuple)) else [ys]
    return sum(((y * y.conj()).real * 1.3 + y.real).sum() for y in ys)


# complex (and complex-valued) decompositions: torch's conjugate convention and the phase
# terms; losses that do not depend on the phase of eigen- or singular vectors
COMPLEX = {
    "eig_vectors": (lambda t, x: _eig_loss(t, x), SQ.astype(np.float64)),
    "eig_vectors_complex_pair": (lambda t, x: _eig_loss(t, x), ROT),
    "eig_vectors_complex": (lambda t, x: _eig_loss(t, x), CSQ),
    "inv": (lambda t, x: _gauge_free(t, t.linalg.inv(x)), CSQ),
    "det": (lambda t, x: _gauge_free(t, t.linalg.det(x)), CSQ),
    "slogdet": (lambda t, x: _gauge_free(t, t.linalg.slogdet(x).logabsdet), CSQ),
    "solve": (lambda t, x: _gauge_free(t, t.linalg.solve(x, x[:, :2] * 2)), CSQ),
    "solve_right": (lambda t, x: _gauge_free(t, t.linalg.solve(x, x[:2], left=False)), CSQ),
    "cholesky": (lambda t, x: _gauge_free(t, t.linalg.cholesky((x + x.mT.conj()) / 2)), HERM),
    "eigh": (lambda t, x: _gauge_free(t, (lambda w, v: [w, v.abs()])(
        *t.linalg.eigh((x + x.mT.conj()) / 2))), HERM),
    "qr": (lambda t, x: _gauge_free(t, (lambda q, r: (q * q.conj()) @ r)(*t.linalg.qr(x))),
           CTALL),
    "svd": (lambda t, x: _gauge_free(t, (lambda u, s, vh: [u.abs(), s, vh.abs(),
                                                           (u * s.to(u.dtype)) @ vh])(
        *t.linalg.svd(x, full_matrices=False))), CTALL),
    "pinv": (lambda t, x: _gauge_free(t, t.linalg.pinv(x)), CTALL),
}


@pytest.mark.parametrize("name", list(COMPLEX))
def test_complex_and_eigenvector_gradients(name):
    # first and second derivatives against torch (second: a weighted sum of the first)
    import torch
    call, array = COMPLEX[name]
    seen = []
    for lib in (torch, dyngrad):
        x = lib.tensor(array, requires_grad=True)
        g, = lib.autograd.grad(call(lib, x), x, create_graph=True)
        w = lib.tensor(np.arange(g.numel()).reshape(g.shape) % 5 - 2.0, dtype=g.dtype)
        g2, = lib.autograd.grad(_gauge_free(lib, g * w), x)
        seen.append([g.detach().resolve_conj().numpy(), g2.resolve_conj().numpy()])
    for got, want in zip(seen[1], seen[0]):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)


def test_eigenvector_gradient_by_finite_differences():
    finite_difference_check(lambda t, x: _eig_loss(t, x), [ROT])


def _ldl_matrices():
    """Symmetric and Hermitian inputs that take every branch of Bunch-Kaufman's pivoting:
    1x1 pivots with and without a swap, 2x2 blocks, small diagonals, tied entries (a
    half-integer grid), singular matrices (info > 0), float32 and complex."""
    r = np.random.default_rng(7)
    out = []
    for k in range(36):
        n = 1 + k % 7
        a = r.normal(size=(n, n))
        if k % 3 == 0:
            a = np.round(a * 2) / 2
        if k % 4 == 1:
            a[np.diag_indices(n)] *= 0.01
        if k % 9 == 4:
            a = a * 0 + 1.0     # rank one
        if k % 5 == 2:
            a = a + 1j * r.normal(size=(n, n))
        out.append(a.astype(np.complex64 if a.dtype.kind == "c" else np.float32)
                   if k % 6 == 5 else a)
    return out


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3), (0, 3), (2, 0, 2)])
def test_geqrf(shape):
    import torch
    a = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) % 7 - 2.5
    want, got = (lib.geqrf(lib.tensor(a)) for lib in (torch, dyngrad))
    for w, g in zip(want, got):
        assert tuple(g.shape) == tuple(w.shape)
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("hermitian", [False, True])
def test_ldl_factor_and_solve(hermitian):
    import torch
    r = np.random.default_rng(8)
    for a in _ldl_matrices() + [r.normal(size=(2, 3, 4, 4)), r.normal(size=(70, 70))]:
        seen = []
        for lib in (torch, dyngrad):
            LD, pivots, info = lib.linalg.ldl_factor_ex(lib.tensor(a), hermitian=hermitian)
            b = lib.tensor(np.linspace(-1, 1, a.shape[-1] * 2).reshape(-1, 2), dtype=LD.dtype)
            x = (lib.linalg.ldl_solve(LD, pivots, b, hermitian=hermitian)
                 if not info.any() else None)
            seen.append([LD.numpy(), pivots.numpy(), info.numpy(), x])
        (LD0, p0, i0, x0), (LD1, p1, i1, x1) = seen
        assert LD1.dtype == LD0.dtype and p1.dtype == p0.dtype and i1.dtype == i0.dtype
        np.testing.assert_array_equal(p1, p0)
        np.testing.assert_array_equal(i1, i0)
        single = a.dtype in (np.float32, np.complex64)
        tol = dict(rtol=1e-4, atol=1e-5) if single else dict(rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(LD1, LD0, **tol)
        if x0 is not None:
            np.testing.assert_allclose(x1.numpy(), x0.numpy(), **tol)


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
    "householder_wide": (lambda t, x: t.linalg.householder_product(x, x[0]), [WIDE]),
    "householder_tau_long": (lambda t, x: t.linalg.householder_product(x, x[:3, 0]), [TALL]),
    "householder_1d": (lambda t, x: t.orgqr(x[0], x[0]), [TALL]),
    "householder_tau_dims": (lambda t, x: t.linalg.householder_product(x, x), [TALL]),
    "householder_batch": (lambda t, x: t.linalg.householder_product(
        t.stack([x, x]), x[:3, 0].expand(3, 1)), [TALL]),
    "householder_dtype": (lambda t, x: t.linalg.householder_product(x, x[0, :1].double()),
                          [TALL]),
    "householder_int": (lambda t: t.linalg.householder_product(t.ones(3, 2).long(),
                                                                t.ones(1).long()), []),
    "geqrf_1d": (lambda t, x: t.geqrf(x[0]), [TALL]),
    "geqrf_int": (lambda t: t.geqrf(t.ones(3, 2).long()), []),
    "ldl_not_square": (lambda t, x: t.linalg.ldl_factor(x), [TALL]),
    "ldl_1d": (lambda t, x: t.linalg.ldl_factor_ex(x[0]), [TALL]),
    "ldl_int": (lambda t: t.linalg.ldl_factor(t.ones(2, 2).long()), []),
    "ldl_singular": (lambda t: t.linalg.ldl_factor(t.ones(3, 3)), []),
    "ldl_ex_check_errors": (lambda t: t.linalg.ldl_factor_ex(t.ones(2, 2, 2),
                                                             check_errors=True), []),
    "ldl_solve_dtype": (lambda t, x: t.linalg.ldl_solve(*t.linalg.ldl_factor(x), x.double()),
                        [SQ]),
    "ldl_solve_1d": (lambda t, x: t.linalg.ldl_solve(*t.linalg.ldl_factor(x), x[0]), [SQ]),
    "ldl_solve_pivots": (lambda t, x: t.linalg.ldl_solve(t.linalg.ldl_factor(x).LD,
                                                         t.ones(2).int(), x), [SQ]),
    "ldl_solve_rows": (lambda t, x: t.linalg.ldl_solve(*t.linalg.ldl_factor(x), x[:2]), [SQ]),
    "ldl_solve_not_square": (lambda t, x: t.linalg.ldl_solve(x[:2], t.ones(2).int(), x),
                             [SQ]),
    # a loss that depends on the phase of the eigen- or singular vectors
    "eig_phase": (lambda t, x: t.autograd.grad(
        t.linalg.eig(x.requires_grad_()).eigenvectors.real.sum(), x), [ROT]),
    "eigh_phase": (lambda t, x: t.autograd.grad(
        t.linalg.eigh(x.requires_grad_()).eigenvectors.real.sum(), x), [HERM]),
    "svd_phase": (lambda t, x: t.autograd.grad(
        t.linalg.svd(x.requires_grad_(), full_matrices=False).Vh.imag.sum(), x), [CTALL]),
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


# -- the *_ex forms, the composed functions and torch's older names -------------------------
SINGULAR = np.array([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0], [0.3, -0.2, 1.1]], f32)
NOT_PD = np.array([[4.0, 2.0, 1.0, 3.0], [2.0, 1.0, 5.0, 1.0], [1.0, 5.0, 3.0, 2.0],
                   [3.0, 1.0, 2.0, 6.0]])
A6 = (np.eye(6) * 3 + np.linspace(-1, 1, 36).reshape(6, 6)).astype(f32)


def _tensor_sq(t, x):
    return x.reshape(6, 6) @ x.reshape(6, 6).mT + t.eye(6, dtype=x.dtype)


def _lowrank(t, name, x, **kw):
    t.manual_seed(0)
    U, S, V = getattr(t, name)(x, **kw)
    return [(U * S) @ V.mT, S]


EX_CASES = {
    "inv_ex": (lambda t, x: t.linalg.inv_ex(x), [SQ]),
    "inv_ex_singular": (lambda t, x: t.linalg.inv_ex(x.detach()), [SINGULAR]),
    "solve_ex": (lambda t, a, b: t.linalg.solve_ex(a, b), [BATCH, RHS]),
    "solve_ex_singular": (lambda t, a, b: t.linalg.solve_ex(a.detach(), b.detach(), left=False),
                          [SINGULAR, RHS.T.copy()]),
    "cholesky_ex": (lambda t, x: t.linalg.cholesky_ex(_sym(t, x), upper=True), [SPD]),
    "cholesky_ex_not_pd": (lambda t, x: [t.linalg.cholesky_ex(x.detach(), upper=u)
                                         for u in (False, True)], [NOT_PD]),
    "cholesky_ex_batch_not_pd": (lambda t, x: t.linalg.cholesky_ex(
        t.stack([x.detach(), x.detach() @ x.detach().mT])), [NOT_PD]),
    "cholesky_upper_reads_upper": (lambda t, x: t.linalg.cholesky(x.triu() + x.triu(1).mT,
                                                                   upper=True), [SPD]),
    "lu_factor_ex_singular": (lambda t, x: t.linalg.lu_factor_ex(x.detach() * 0), [BATCH]),
    "vecdot": (lambda t, x, y: t.linalg.vecdot(x, y, dim=0), [TALL, TALL[::-1].copy()]),
    "vecdot_broadcast": (lambda t, x, y: t.linalg.vecdot(x, y), [BATCH, V3]),
    "linalg_matmul": (lambda t, x, y: t.linalg.matmul(x, y), [BATCH, TALL[:3]]),
    "linalg_diagonal": (lambda t, x: t.linalg.diagonal(x, offset=1, dim1=0, dim2=2), [BATCH]),
    "tensorinv": (lambda t, x: t.linalg.tensorinv(_tensor_sq(t, x).reshape(2, 3, 6), ind=2),
                  [np.linspace(-1, 1, 36).reshape(2, 3, 6)]),
    "tensorsolve": (lambda t, a, b: t.linalg.tensorsolve(a, b), [A6.reshape(2, 3, 2, 3),
                                                                   RHS.T.copy()]),
    "tensorsolve_dims": (lambda t, a, b: t.linalg.tensorsolve(a, b, dims=(0,)),
                         [np.moveaxis(A6.reshape(2, 3, 6), -1, 0).copy(), RHS.T.copy()]),
    "torch_qr_complete": (lambda t, x: (lambda q, r: [q * q, r * r])(*t.qr(x, some=False)),
                          [WIDE]),
    "torch_qr": (lambda t, x: (lambda q, r: [q @ r, r * r])(*x.qr()), [SQ]),
    "nuclear_norm": (lambda t, x: [t.nuclear_norm(x), t.nuclear_norm(x, (1, 0))], [TALL]),
    "svd_lowrank": (lambda t, x: _lowrank(t, "svd_lowrank", x, q=2, niter=1), [TALL]),
    "svd_lowrank_wide": (lambda t, x, m: _lowrank(t, "svd_lowrank", x, q=2, M=m),
                         [WIDE, WIDE[:1].copy()]),
    "pca_lowrank": (lambda t, x: _lowrank(t, "pca_lowrank", x, q=2), [TALL]),
}


@pytest.mark.parametrize("name", list(EX_CASES))
def test_ex_and_composed_against_torch(name):
    CASES[name] = EX_CASES[name]
    try:
        test_against_torch(name)
    finally:
        del CASES[name]


@pytest.mark.parametrize("name", ["solve_ex", "cholesky_ex", "vecdot", "tensorinv",
                                  "tensorsolve_dims", "nuclear_norm", "torch_qr_complete"])
def test_ex_and_composed_finite_differences(name):
    call, arrays = EX_CASES[name]
    finite_difference_check(call, arrays)


LU_MATRICES = [np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros((3, 3)), np.ones((3, 3)),
               np.array([[1.0, 2, 3], [3, 2, 1], [-3, 1, 2]]),
               np.arange(20.0).reshape(4, 5) % 3 - 1, np.arange(24.0).reshape(2, 4, 3) % 4 - 2,
               np.array([[1 + 1j, 2], [2j, 1 - 2j]]), np.array([[1j, 1], [1, -1j]]),
               np.zeros((0, 3, 3)), np.zeros((2, 0, 0)),
               np.random.default_rng(5).normal(size=(3, 6, 6)).astype(f32)]


@pytest.mark.parametrize("k", range(len(LU_MATRICES)))
def test_lu_pivots_and_solves(k):
    # ties (|1| = |-1|, |1 + 1j| = |2| by LAPACK's |re| + |im|), singular and empty matrices:
    # the same factors and pivots as torch, and every lu_solve form on them
    import torch
    a = LU_MATRICES[k]
    seen = []
    for lib in (torch, dyngrad):
        A = lib.tensor(a)
        LU, piv, info = lib.linalg.lu_factor_ex(A)
        out = [LU, piv, info, *lib.linalg.lu(A), *lib.lu_unpack(LU, piv)]
        if a.shape[-1] == a.shape[-2] and not info.any():
            b = lib.tensor(np.linspace(-1, 1, a.shape[-1] * 2).reshape(-1, 2), dtype=A.dtype)
            out += [lib.linalg.lu_solve(LU, piv, rhs, left=left, adjoint=adjoint)
                    for left, rhs in ((True, b), (False, b.mT)) for adjoint in (False, True)]
        seen.append([o.resolve_conj().numpy() for o in out])
    for want, got in zip(*seen):
        assert want.dtype == got.dtype and want.shape == got.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_removed_and_unbuilt_functions():
    import torch
    a = np.eye(3, dtype=f32)
    for name, args in (("matrix_rank", 1), ("lstsq", 2), ("solve", 2), ("eig", 1),
                       ("symeig", 1)):
        assert_same_error(lambda t, x: getattr(t, name)(*[x] * args), a)
        if hasattr(torch.Tensor, name):
            assert_same_error(lambda t, x: getattr(x, name)(*[x] * (args - 1)), a)
    with pytest.raises(NotImplementedError, match="lobpcg"):
        dyngrad.lobpcg(dyngrad.eye(3), k=1)


_DEPRECATED = ("[t.lu(a), t.lu_solve(b, *t.linalg.lu_factor(a)), t.triangular_solve(b, a), "
               "t.cholesky(a), t.qr(a), t.nuclear_norm(a), t.frobenius_norm(a, (0,))] * 2")


def test_deprecation_warnings_once_as_torch():
    # torch warns once per process: its messages come from a fresh one
    import subprocess
    import sys
    import warnings
    from dyngrad import _runtime_flags
    script = ("import warnings, torch as t\nwarnings.simplefilter('always')\n"
              "a = t.eye(3) * 2\nb = t.ones(3, 2)\n"
              "with warnings.catch_warnings(record=True) as w:\n"
              f"    {_DEPRECATED}\n"
              "print(repr([str(x.message).split(' (Triggered internally')[0] for x in w]))\n")
    want = eval(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               check=True).stdout)
    _runtime_flags._warned.clear()
    t, a, b = dyngrad, dyngrad.eye(3) * 2, dyngrad.ones(3, 2)  # noqa: F841 (read by eval)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        eval(_DEPRECATED)
    assert [str(x.message) for x in w] == want


ERRORS.update({
    "lu_factor_singular": (lambda t, x: t.linalg.lu_factor(x * 0), [SQ]),
    "lu_factor_batch_singular": (lambda t, x: t.linalg.lu_factor(t.stack([x, x * 0])), [SQ]),
    "lu_factor_ex_check": (lambda t, x: t.linalg.lu_factor_ex(x * 0, check_errors=True), [SQ]),
    "lu_factor_1d": (lambda t, x: t.linalg.lu_factor(x[0]), [SQ]),
    "lu_factor_int": (lambda t: t.linalg.lu_factor(t.ones(3, 3, dtype=t.long)), []),
    "lu_1d": (lambda t, x: t.linalg.lu(x[0]), [SQ]),
    "lu_no_pivot": (lambda t, x: t.linalg.lu(x, pivot=False), [SQ]),
    "lu_solve_not_square": (lambda t, x: t.linalg.lu_solve(x, t.ones(2, dtype=t.int32), x),
                            [TALL]),
    "lu_solve_rows": (lambda t, x, b: t.linalg.lu_solve(*t.linalg.lu_factor(x), b[:2]),
                      [SQ, RHS]),
    "lu_solve_right": (lambda t, x, b: t.linalg.lu_solve(*t.linalg.lu_factor(x), b, left=False),
                       [SQ, RHS]),
    "lu_solve_dtype": (lambda t, x, b: t.linalg.lu_solve(*t.linalg.lu_factor(x), b.double()),
                       [SQ, RHS]),
    "lu_solve_pivot_dtype": (lambda t, x, b: t.linalg.lu_solve(
        t.linalg.lu_factor(x).LU, t.ones(3, dtype=t.long), b), [SQ, RHS]),
    "lu_solve_pivot_count": (lambda t, x, b: t.lu_solve(b, t.linalg.lu_factor(x).LU,
                                                        t.ones(2, dtype=t.int32)), [SQ, RHS]),
    "lu_solve_1d": (lambda t, x, b: t.linalg.lu_solve(*t.linalg.lu_factor(x), b[:, 0]),
                    [SQ, RHS]),
    "lu_solve_batch": (lambda t, x, b: t.linalg.lu_solve(*t.linalg.lu_factor(t.stack([x, x])),
                                                         t.stack([b, b, b])), [SQ, RHS]),
    "lu_unpack_1d": (lambda t, x: t.lu_unpack(x[0], t.ones(3, dtype=t.int32)), [SQ]),
    "lu_unpack_pivot_dtype": (lambda t, x: t.lu_unpack(x, t.ones(3, dtype=t.long)), [SQ]),
    "lu_unpack_pivot_range": (lambda t, x: t.lu_unpack(x, t.tensor([4, 1, 1], dtype=t.int32)),
                              [SQ]),
    "solve_triangular_1d": (lambda t, x, b: t.linalg.solve_triangular(x, b[:, 0], upper=True),
                            [SQ, RHS]),
    "solve_triangular_not_square": (lambda t, x, b: t.linalg.solve_triangular(x, b, upper=True),
                                    [TALL, RHS]),
    "solve_triangular_rows": (lambda t, x, b: t.linalg.solve_triangular(x, b[:2], upper=True),
                              [SQ, RHS]),
    "solve_triangular_int": (lambda t: t.linalg.solve_triangular(
        t.ones(2, 2, dtype=t.long), t.ones(2, 2, dtype=t.long), upper=True), []),
    "solve_triangular_batch": (lambda t, x, b: t.linalg.solve_triangular(
        t.stack([x, x]), t.stack([b, b, b]), upper=True), [SQ, RHS]),
    "triangular_solve_not_square": (lambda t, x, b: t.triangular_solve(b, x), [TALL, RHS]),
    "triangular_solve_rows": (lambda t, x, b: t.triangular_solve(b[:2], x), [SQ, RHS]),
    "triangular_solve_1d": (lambda t, x, b: t.triangular_solve(b[:, 0], x), [SQ, RHS]),
    "triangular_solve_dtype": (lambda t, x, b: t.triangular_solve(b.double(), x), [SQ, RHS]),
    "cholesky_inverse_not_square": (lambda t, x: t.cholesky_inverse(x), [TALL]),
    "cholesky_inverse_1d": (lambda t, x: t.cholesky_inverse(x[0]), [SQ]),
    "cholesky_inverse_int": (lambda t: t.cholesky_inverse(t.ones(2, 2, dtype=t.long)), []),
    "cholesky_solve_rows": (lambda t, x, b: t.cholesky_solve(b[:2], x), [SQ, RHS]),
    "cholesky_solve_not_square": (lambda t, x, b: t.cholesky_solve(b, x), [TALL, RHS]),
    "cholesky_solve_dtype": (lambda t, x, b: t.cholesky_solve(b.double(), x), [SQ, RHS]),
    "cholesky_solve_1d": (lambda t, x, b: t.cholesky_solve(b[:, 0], x), [SQ, RHS]),
    "torch_cholesky_not_pd": (lambda t: t.cholesky(-t.eye(2)), []),
    "cholesky_batch_not_pd": (lambda t, x: t.linalg.cholesky(t.stack([x @ x.mT, -x])), [SQ]),
    "cholesky_ex_check": (lambda t: t.linalg.cholesky_ex(-t.eye(2), check_errors=True), []),
    "cholesky_ex_not_square": (lambda t, x: t.linalg.cholesky_ex(x), [TALL]),
    "inv_ex_check": (lambda t, x: t.linalg.inv_ex(x, check_errors=True), [SINGULAR]),
    "inv_batch_singular": (lambda t, x: t.linalg.inv(t.stack([x.T, x])), [SINGULAR]),
    "solve_ex_check": (lambda t, x, b: t.linalg.solve_ex(x, b, check_errors=True),
                       [SINGULAR, RHS]),
    "solve_batch_singular": (lambda t, x, b: t.linalg.solve(t.stack([x.T + 1, x]), b),
                             [SINGULAR, RHS]),
    "vecdot_sizes": (lambda t, x, b: t.linalg.vecdot(x, b), [SQ, RHS]),
    "vecdot_dtype": (lambda t, x: t.linalg.vecdot(x, x.double()), [SQ]),
    "vecdot_int": (lambda t: t.linalg.vecdot(t.ones(2, dtype=t.long), t.ones(2, dtype=t.long)), []),
    "tensorinv_ind": (lambda t, x: t.linalg.tensorinv(x, ind=0), [SQ]),
    "tensorinv_shape": (lambda t, x: t.linalg.tensorinv(x.reshape(1, 3, 3), ind=1), [SQ]),
    "tensorsolve_shape": (lambda t, x, b: t.linalg.tensorsolve(x, b), [TALL, RHS[:, 0].copy()]),
    "torch_qr_int": (lambda t: t.qr(t.ones(2, 2, dtype=t.long)), []),
    "qr_complete_tall_grad": (lambda t, x: t.linalg.qr(x.requires_grad_(), "complete").R.sum()
                              .backward(), [TALL]),
    "nuclear_norm_1d": (lambda t, x: t.nuclear_norm(x[0]), [SQ]),
    "frobenius_norm_dims": (lambda t, x: t.frobenius_norm(x, (0, 1, 0)), [SQ]),
    "frobenius_norm_repeated": (lambda t, x: t.frobenius_norm(x, (1, 1)), [SQ]),
    "frobenius_norm_int": (lambda t: t.frobenius_norm(t.ones(2, 2, dtype=t.long), (0,)), []),
    "pca_lowrank_q": (lambda t, x: t.pca_lowrank(x, q=4), [TALL]),
    "ormqr_1d": (lambda t, x: t.ormqr(x[0], x[0], x), [SQ]),
    "ormqr_other_1d": (lambda t, x: t.ormqr(x, x[0], x[0]), [SQ]),
    "ormqr_tau_dims": (lambda t, x: t.ormqr(x, x, x), [SQ]),
    "ormqr_tau_length": (lambda t, x: t.ormqr(x, x[0, :2], x), [SQ]),
    "ormqr_rows": (lambda t, x: t.ormqr(x, x[0], x[:2]), [SQ]),
    "ormqr_right": (lambda t, x, b: t.ormqr(x, x[0], b, left=False), [SQ, RHS]),
    "ormqr_dtype": (lambda t, x: t.ormqr(x, x[0].double(), x), [SQ]),
    "ormqr_other_dtype": (lambda t, x: t.ormqr(x, x[0], x.double()), [SQ]),
    "ormqr_batch": (lambda t, x: t.ormqr(t.stack([x, x]), t.stack([x[0], x[0]]), x), [SQ]),
    "ormqr_int": (lambda t: t.ormqr(t.ones(2, 2, dtype=t.long), t.ones(2, dtype=t.long),
                                    t.ones(2, 2, dtype=t.long)), []),
})


PINV_TOLERANCES = [{}, {"rtol": 0.5}, {"atol": 1e-3}, {"atol": 1e-3, "rtol": 1e-8},
                   {"atol": 0.0, "rtol": 0.0}, {"hermitian": True},
                   {"hermitian": True, "rtol": 0.1}, {"atol": "tensor"}]


@pytest.mark.parametrize("kwargs", PINV_TOLERANCES, ids=str)
def test_pinv_tolerances_as_torch(kwargs):
    # a nearly rank-deficient matrix: the tolerances decide which singular values count
    results = []
    for lib in (torch, dyngrad):
        A = lib.tensor([[1., 2.], [2., 4.0001], [0., 1e-4]], dtype=lib.float64,
                       requires_grad=True)
        kw = {k: lib.tensor(1e-3, dtype=lib.float64) if v == "tensor" else v
              for k, v in kwargs.items()}
        B = A[:2, :2] if kw.get("hermitian") else A
        r = lib.linalg.pinv(B, **kw)
        g, = lib.autograd.grad((r * r).sum(), A)
        results.append((type(r.grad_fn).__name__, r.detach().numpy(), g.numpy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(results[1][2], results[0][2], rtol=1e-7)

"""torch.lobpcg against torch (same seed, so the same random start) and against eigh:
eigenvalues, eigenvectors up to each column's sign (eigh's signs are LAPACK's, which
differ between NumPy's build and torch's), the gradient, the node, and torch's errors."""
import numpy as np
import pytest
import torch

import dyngrad
from tests.ops.oracle import assert_same_error


def _spd(m, seed, shift=1.0):
    a = np.random.default_rng(seed).normal(size=(m, m))
    return a @ a.T / m + np.diag(np.arange(shift, m + shift))


A20, B20 = _spd(20, 1), _spd(20, 2) / 10
X20 = np.random.default_rng(3).normal(size=(20, 3))
# (the lowest eigenvalues sit close together: 'basic' needs more steps for them)
CASES = {
    "ortho_largest": dict(k=2),
    "ortho_smallest": dict(k=3, largest=False),
    "basic_largest": dict(k=2, method="basic"),
    "basic_smallest": dict(k=2, largest=False, method="basic", niter=3000),
    "n_wider": dict(k=2, n=4),
    "given_X": dict(k=2, X=X20),
    "given_X_k_default": dict(X=X20[:, :2]),
    "B": dict(k=2, B=B20),
    "B_basic": dict(k=2, B=B20, method="basic"),
    "iK": dict(k=2, iK=np.diag(1 / np.diag(A20))),
    "niter_stops_early": dict(k=1, niter=3),
    "ortho_drop": dict(k=2, ortho_bparams={"ortho_use_drop": True}),
    "float32": dict(k=2, A=A20.astype(np.float32)),
    "batch": dict(k=2, A=np.stack([A20, _spd(20, 4, 2.0)])),
}


def _run(lib, case):
    lib.manual_seed(0)
    kw = {key: lib.tensor(v) if isinstance(v, np.ndarray) else v for key, v in case.items()}
    A = kw.pop("A", lib.tensor(A20))
    E, X = lib.lobpcg(A, **kw)
    return A, kw.get("B"), E, X


@pytest.mark.parametrize("name", CASES)
def test_eigenpairs_as_torch_and_eigh(name):
    case = CASES[name]
    _, _, E_want, X_want = _run(torch, case)
    A, B, E, X = _run(dyngrad, case)
    assert str(E.dtype) == str(E_want.dtype) and X.shape == X_want.shape
    tol = 1e-3 if E.dtype == dyngrad.float32 else 1e-7
    np.testing.assert_allclose(E.numpy(), E_want.numpy(), rtol=tol)
    sign = np.sign((X.numpy() * X_want.numpy()).sum(-2, keepdims=True))
    np.testing.assert_allclose(X.numpy() * sign, X_want.numpy(), atol=tol * 100)
    if name in ("niter_stops_early", "B_basic"):
        return  # (not converged; torch's 'basic' with this B returns one pair twice)
    # the pairs of the (generalised) eigenproblem: A X = B X diag(E), X^T B X = I
    a = A.double().numpy()
    b = np.eye(a.shape[-1]) if B is None else B.numpy()
    x, e = X.double().numpy(), E.double().numpy()
    np.testing.assert_allclose(a @ x, b @ x * e[..., None, :], atol=tol * 1e3)
    np.testing.assert_allclose(x.swapaxes(-1, -2) @ b @ x, np.broadcast_to(np.eye(x.shape[-1]),
                               e.shape[:-1] + (x.shape[-1],) * 2), atol=tol * 10)


def test_tracker_sees_the_iterations():
    seen = {}
    for lib in (torch, dyngrad):
        steps = []
        lib.manual_seed(0)
        lib.lobpcg(lib.tensor(A20), k=2, tracker=lambda w: steps.append(
            (w.ivars["istep"], w.ivars["converged_count"], sorted(w.fvars))))
        seen[lib] = steps
    assert seen[dyngrad] == seen[torch]


@pytest.mark.parametrize("largest", [True, False])
def test_gradient_as_torch(largest):
    # a loss of the eigenvalues and of the vectors' squares (blind to their signs), and
    # the gradient of its gradient
    grads = []
    for lib in (torch, dyngrad):
        lib.manual_seed(0)
        A = lib.tensor(A20, requires_grad=True)
        E, X = lib.lobpcg(A, k=2, largest=largest)
        assert E.grad_fn.name() == X.grad_fn.name() == "LOBPCGAutogradFunctionBackward"
        loss = E.sum() + (X ** 2 * lib.arange(20.)[:, None]).sum()
        g, = lib.autograd.grad(loss, A, create_graph=True)
        g2, = lib.autograd.grad((g * g).sum(), A)  # (torch's backward is differentiable)
        grads.append((g.detach().numpy(), g2.numpy()))
    for got, want in zip(*grads[::-1]):
        np.testing.assert_allclose(got, want, atol=1e-6)


A12 = np.diag(np.arange(1, 13.0))
ERRORS = {
    "not_square": lambda t, a: t.lobpcg(a[:, :11], k=1),
    "B_shape": lambda t, a: t.lobpcg(a, k=1, B=t.eye(11, dtype=t.float64)),
    "too_many_pairs": lambda t, a: t.lobpcg(a, k=5),
    "X_shape": lambda t, a: t.lobpcg(a, k=1, X=t.ones(12, 2, 1, dtype=t.float64)),
    "X_batch_shape": lambda t, a: t.lobpcg(a, k=1, X=t.ones(2, 12, 1, dtype=t.float64)),
    "half": lambda t, a: t.lobpcg(a.half(), k=1),
    "long": lambda t, a: t.lobpcg(a.long(), k=1),
    "complex": lambda t, a: t.lobpcg(a.to(t.complex128), k=1),
    "backward_with_B": lambda t, a: t.lobpcg(a.requires_grad_(), k=1, B=t.eye(
        12, dtype=t.float64))[0].sum().backward(),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    assert_same_error(ERRORS[name], A12)

"""pdist against torch for every kind of p (0, below 1, 1, between 1 and 2, 2, above 2, inf)
with equal rows and equal coordinates (where the norm has no derivative), rows at distance 1,
float32 and float64, degenerate shapes; values, gradients, node names, errors, no double
backward."""
import warnings

import numpy as np
import pytest

import dyngrad
import torch

X = np.random.default_rng(1).standard_normal((6, 3))
X[0, 0] = 0.5
X[1] = X[0]                       # a zero distance
X[2, 0] = X[3, 0]                 # a zero coordinate difference
X[4, 1] = X[0, 1] + 0.5
X[5] = X[0] + [1.0, 0, 0]         # a distance of exactly 1 for every p
PS = [0, 0.5, 1, 1.5, 2, 2.5, 3, float("inf")]


def _run(lib, p, dtype, x=X):
    x = lib.tensor(x.astype(dtype), requires_grad=True)
    try:
        y = lib.pdist(x, p)
    except RuntimeError as e:
        return type(e).__name__, str(e)
    w = lib.tensor(np.linspace(-1, 1, y.numel()).astype(dtype))
    g, = lib.autograd.grad(y, x, w, create_graph=True)
    try:
        g.sum().backward()
        second = None
    except NotImplementedError as e:
        second = str(e)
    return y.detach().numpy(), g.detach().numpy(), y.grad_fn.name(), second


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("p", PS)
def test_pdist_matches_torch(p, dtype):
    want = _run(torch, p, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (NumPy's zero divisions where the norm has no derivative)
        got = _run(dyngrad, p, dtype)
    assert got[2:] == want[2:]
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got[0], want[0], rtol=tol)
    np.testing.assert_allclose(got[1], want[1], rtol=tol, atol=tol)


# (no rows at all is left out: torch's backward of it crashes the process)
@pytest.mark.parametrize("shape", [(1, 3), (3, 0), (2, 1)])
def test_pdist_degenerate_shapes(shape):
    x = np.ones(shape)
    want, got = _run(torch, 2, "float64", x), _run(dyngrad, 2, "float64", x)
    assert got[0].shape == want[0].shape and got[2] == want[2]
    np.testing.assert_array_equal(got[1], want[1])


@pytest.mark.parametrize("case", ["1d", "int", "negative_p"])
def test_pdist_errors(case):
    seen = []
    for lib in (torch, dyngrad):
        x = {"1d": lib.ones(3), "int": lib.ones(3, 2, dtype=lib.int64)}.get(case, lib.ones(3, 2))
        try:
            lib.nn.functional.pdist(x, -1.0 if case == "negative_p" else 2)
        except RuntimeError as e:
            seen.append(str(e))
    assert len(seen) == 2 and seen[0] == seen[1]

"""cdist against torch: every kind of p, each compute mode (the matrix-product Euclidean
path past 25 rows or when asked), broadcast batches, equal rows (zero distances); values,
gradients of both inputs, second derivatives (the Euclidean path's) or torch's refusal,
node names, and errors."""
import warnings

import numpy as np
import pytest

import dyngrad
import torch

R = np.random.default_rng(0)
SHAPES = [((3, 4), (5, 4)), ((2, 3, 4), (5, 4)), ((2, 1, 3, 4), (3, 5, 4)), ((30, 4), (5, 4)),
          ((2, 30, 4), (2, 5, 4))]
MODES = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
         "donot_use_mm_for_euclid_dist"]
CASES = [(s, p, m) for s in range(len(SHAPES)) for p in (0, 0.5, 1, 1.5, 2, 3, float("inf"))
         for m in MODES if p == 2 or m == MODES[0]]


def _euclidean_by_products(shape, p, mode):
    rows = max(SHAPES[shape][0][-2], SHAPES[shape][1][-2])
    return p == 2 and (mode == MODES[1] or (mode == MODES[0] and rows > 25))


def _arrays(shape, zero_distance):
    a, b = (R.standard_normal(s) for s in SHAPES[shape])
    if zero_distance:
        # where the norms have no derivative. (Not by matrix products: there a zero distance
        # is the rounding of |a|^2 - 2ab + |b|^2, which differs between BLAS libraries)
        a[..., 0, :] = b.reshape(-1, b.shape[-1])[0]
    return a, b


def _names(node, depth=3):
    out = []
    while node is not None and len(out) < depth:
        out.append(node.name())
        node = node.next_functions[0][0] if node.next_functions else None
    return out


def _run(lib, a, b, p, mode):
    x1, x2 = (lib.tensor(v, requires_grad=True) for v in (a, b))
    y = lib.cdist(x1, x2, p, mode)
    w = lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
    g1, g2 = lib.autograd.grad(y, (x1, x2), w, create_graph=True)
    try:
        (g1.sum() + g2.sum()).backward()
        second = (x1.grad.numpy(), x2.grad.numpy())
    except NotImplementedError as e:
        second = str(e)
    return y.detach().numpy(), g1.detach().numpy(), g2.detach().numpy(), _names(y.grad_fn), second


@pytest.mark.parametrize("shape,p,mode", CASES)
def test_cdist_matches_torch(shape, p, mode):
    a, b = _arrays(shape, not _euclidean_by_products(shape, p, mode))
    want = _run(torch, a, b, p, mode)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (NumPy's zero divisions where the norm has no derivative)
        got = _run(dyngrad, a, b, p, mode)
    assert got[3] == want[3]
    for x, y in zip(got[:3], want[:3]):
        np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-9)
    if isinstance(want[4], str):
        assert got[4] == want[4]
    else:
        for x, y in zip(got[4], want[4]):
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-9)


ERRORS = {"columns": ((3, 4), (5, 3), {}), "one_dim": ((4,), (5, 4), {}),
          "negative_p": ((3, 4), (5, 4), {"p": -1.0}), "mode": ((3, 4), (5, 4), {"compute_mode": "x"})}


@pytest.mark.parametrize("name", list(ERRORS) + ["integer"])
def test_cdist_errors(name):
    seen = []
    for lib in (torch, dyngrad):
        if name == "integer":
            x1 = x2 = lib.ones(3, 4, dtype=lib.int64)
            kw = {}
        else:
            s1, s2, kw = ERRORS[name]
            x1, x2 = lib.ones(s1), lib.ones(s2)
        try:
            lib.cdist(x1, x2, **kw)
        except (RuntimeError, ValueError) as e:
            seen.append((type(e).__name__, str(e)))
    assert len(seen) == 2 and seen[0] == seen[1]

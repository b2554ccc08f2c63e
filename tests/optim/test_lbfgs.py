"""LBFGS against torch: fixed step and strong-Wolfe line search, short histories that
wrap, the step's return value, state and state_dict, and the argument errors.

With two scalar parameters every dot product and sum runs in the same order in both
libraries, so the iterates must be equal bit for bit; except in float32 with the line
search, whose cubic interpolation takes a square root, and torch's float32 sqrt is not
always correctly rounded (NumPy's is). A larger problem (where NumPy's and torch's
reductions add in other orders) must agree to rounding.
"""
import numpy as np
import pytest
import torch

import dyngrad

from side_by_side import assert_same

CONFIGS = [{}, {"line_search_fn": "strong_wolfe"},
           {"history_size": 2, "max_iter": 6, "lr": 0.5},
           {"history_size": 2, "max_iter": 6, "lr": 0.5, "line_search_fn": "strong_wolfe"},
           {"max_iter": 3, "max_eval": 4, "line_search_fn": "strong_wolfe"},
           {"tolerance_grad": 1e-3, "tolerance_change": 1e-4}]


def _rosenbrock(lib, dtype, config, steps):
    a = lib.nn.Parameter(lib.tensor([-1.2], dtype=dtype))
    b = lib.nn.Parameter(lib.tensor([1.0], dtype=dtype))
    opt = lib.optim.LBFGS([a, b], **config)

    def closure():
        opt.zero_grad()
        loss = (100 * (b - a ** 2) ** 2 + (1 - a) ** 2).sum()
        loss.backward()
        return loss
    losses = [opt.step(closure).detach() for _ in range(steps)]
    return [a, b], losses, opt


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_iterates_equal_torch(config, dtype):
    ours = _rosenbrock(dyngrad, dyngrad.float64 if dtype == "float64" else dyngrad.float32,
                       config, 3)
    theirs = _rosenbrock(torch, getattr(torch, dtype), config, 3)
    exact = dtype == "float64" or "line_search_fn" not in config
    for x, y in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        if exact:
            assert np.array_equal(x.detach().numpy(), y.detach().numpy())
        else:
            np.testing.assert_allclose(x.detach().numpy(), y.detach().numpy(), rtol=1e-4,
                                       atol=1e-8)
    s_ours, s_theirs = ours[2].state_dict(), theirs[2].state_dict()
    assert s_ours["param_groups"] == s_theirs["param_groups"]
    st_ours, st_theirs = s_ours["state"][0], s_theirs["state"][0]
    assert list(st_ours) == list(st_theirs)
    for key in ("func_evals", "n_iter"):
        assert st_ours[key] == st_theirs[key]
    if exact:
        assert st_ours["prev_loss"] == st_theirs["prev_loss"]
        for key in ("d", "prev_flat_grad"):
            assert np.array_equal(st_ours[key].numpy(), st_theirs[key].numpy())
    assert type(st_ours["t"]).__name__ == type(st_theirs["t"]).__name__
    assert len(st_ours["old_dirs"]) == len(st_theirs["old_dirs"])


def _least_squares(lib, config):
    rng = np.random.default_rng(3)
    A, y = lib.tensor(rng.standard_normal((20, 6))), lib.tensor(rng.standard_normal(20))
    w = lib.nn.Parameter(lib.zeros(6, dtype=lib.float64))
    opt = lib.optim.LBFGS([w], **config)

    def closure():
        opt.zero_grad()
        loss = ((A @ w - y) ** 2).mean() + 0.1 * (w ** 4).sum()
        loss.backward()
        return loss
    for _ in range(2):
        opt.step(closure)
    return w.detach().numpy(), opt.state[w]["func_evals"]


@pytest.mark.parametrize("config", CONFIGS[:2], ids=str)
def test_larger_problem_agrees(config):
    (w1, n1), (w2, n2) = _least_squares(dyngrad, config), _least_squares(torch, config)
    assert n1 == n2
    np.testing.assert_allclose(w1, w2, rtol=1e-9, atol=1e-12)


def test_stops_at_once_when_gradient_is_small():
    def case(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = lib.optim.LBFGS([p])

        def closure():
            opt.zero_grad()
            loss = (p * 0).sum()
            loss.backward()
            return loss
        return opt.step(closure), p, dict(opt.state[p])
    assert_same(case)


@pytest.mark.parametrize("make", [
    lambda lib, p: lib.optim.LBFGS([p], lr=-1.0),
    lambda lib, p: lib.optim.LBFGS([p], lr=lib.tensor([1.0, 2.0])),
    lambda lib, p: lib.optim.LBFGS([{"params": [p]}, {"params": [p * 1]}]),
    lambda lib, p: lib.optim.LBFGS([p], line_search_fn="armijo").step(
        lambda: (p * p).sum().backward() or (p * p).sum()),
])
def test_errors(make):
    def case(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        return make(lib, p)
    assert_same(case)


def test_repr_and_defaults():
    def case(lib):
        p = lib.nn.Parameter(lib.tensor([1.0]))
        opt = lib.optim.LBFGS([p], max_iter=8)
        return repr(opt), opt.defaults
    assert_same(case)

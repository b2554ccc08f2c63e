"""ASGD, Rprop, Adafactor and Muon against torch: 20-step trajectories (parameters after
each step, state and state_dict) for every option, their argument errors, state_dict
round trips, and the CPU's refusal of capturable=True and of an in-place update of a
leaf under differentiable=True."""
import inspect

import numpy as np
import pytest
import torch

import dyngrad

from side_by_side import assert_same, outcomes
from .test_optimizers import _trajectory

CASES = [
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=3, weight_decay=0.1)),
    ("ASGD", dict(lr=0.02, t0=0, maximize=True, foreach=False)),
    ("ASGD", dict(lr=0.02, t0=5, foreach=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
    ("Rprop", dict(lr=0.02, differentiable=False, foreach=False)),
    ("Rprop", dict(lr=0.02, foreach=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-4, 1e-2), d=1.5, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.5, maximize=True, foreach=False)),
    ("Adafactor", dict(lr=0.1, weight_decay=0.1, foreach=True)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory(name, kwargs, dtype):
    # (Rprop's arithmetic is exact but for products of step sizes; Adafactor takes norms
    # and reciprocal square roots, whose last bits torch's vectorised kernels round alike
    # only mostly)
    tol = 1e-13 if dtype == "float64" else 1e-6
    if name == "ASGD" and kwargs.get("foreach"):
        tol = 1e-6  # eta is a float32 power there, and torch's vectorised pow rounds its own way
    assert_same(lambda lib: _trajectory(lib, name, kwargs, dtype, steps=20), rtol=tol, atol=tol)


def _muon(lib, kwargs, dtype, steps=20):
    dt = getattr(lib, dtype)
    rng = np.random.default_rng(0)
    shapes = [(3, 5), (6, 2), (4, 4)]
    params = [lib.nn.Parameter(lib.tensor(rng.standard_normal(s), dtype=dt)) for s in shapes]
    targets = [lib.tensor(rng.standard_normal(s), dtype=dt) for s in shapes]
    opt = lib.optim.Muon(params, **kwargs)
    seen = []
    for _ in range(steps):
        opt.zero_grad()
        sum(((p - t) ** 2).sum() for p, t in zip(params, targets)).backward()
        opt.step()
        seen.append([p.detach().clone() for p in params])
    return seen, opt.state_dict(), repr(opt)


MUON_CASES = [dict(), dict(lr=0.02, momentum=0.9, nesterov=False, weight_decay=0.0),
              dict(lr=0.01, adjust_lr_fn="match_rms_adamw", ns_steps=3,
                   ns_coefficients=(3.0, -3.2, 1.2), eps=1e-5)]


@pytest.mark.parametrize("kwargs", MUON_CASES)
def test_muon_trajectory(kwargs):
    # the Newton-Schulz steps run in bfloat16, as torch's: the same roundings each step
    assert_same(lambda lib: _muon(lib, kwargs, "float32"), rtol=1e-5, atol=1e-6)


def _errors(lib):
    p = [lib.nn.Parameter(lib.ones(2, 2))]
    makers = [
        lambda: lib.optim.ASGD(p, lr=-1), lambda: lib.optim.ASGD(p, weight_decay=-1),
        lambda: lib.optim.Rprop(p, lr=-1), lambda: lib.optim.Rprop(p, etas=(1.2, 0.5)),
        lambda: lib.optim.Rprop(p, etas=(0.5, 1.0)),
        lambda: lib.optim.Adafactor(p, lr=-1), lambda: lib.optim.Adafactor(p, beta2_decay=0.5),
        lambda: lib.optim.Adafactor(p, eps=(-1, 1e-3)),
        lambda: lib.optim.Adafactor(p, eps=(None, -1)), lambda: lib.optim.Adafactor(p, d=0.5),
        lambda: lib.optim.Adafactor(p, weight_decay=-1),
        lambda: lib.optim.Adafactor(p, lr=lib.tensor([0.1, 0.2])),
        lambda: lib.optim.Muon(p, lr=-1), lambda: lib.optim.Muon(p, momentum=-1),
        lambda: lib.optim.Muon(p, weight_decay=-1), lambda: lib.optim.Muon(p, adjust_lr_fn="x"),
        lambda: lib.optim.Muon([lib.nn.Parameter(lib.ones(3))]),
        lambda: lib.optim.Muon(p, ns_steps=100).step(),
    ]
    return outcomes(makers)


def test_argument_errors():
    assert_same(_errors)


def _refusals(lib):
    out = []
    for name, kwargs in (("ASGD", dict(capturable=True)), ("Rprop", dict(capturable=True)),
                         ("ASGD", dict(differentiable=True)),
                         ("Rprop", dict(differentiable=True)),
                         ("Muon", dict(ns_steps=100))):
        p = lib.nn.Parameter(lib.tensor([[1.0, -2.0]]))
        opt = getattr(lib.optim, name)([p], **kwargs)
        (p * p).sum().backward()
        try:
            opt.step()
            out.append(None)
        except Exception as e:
            out.append((type(e).__name__, str(e)))
        out.append((p.detach().clone(), opt.state_dict()))
    return out


def test_capturable_and_differentiable_on_the_cpu():
    assert_same(_refusals)


@pytest.mark.parametrize("name", ["ASGD", "Rprop", "Adafactor", "Muon"])
def test_state_dict_round_trip(name):
    def case(lib):
        def run(opt_state=None, steps=3):
            rng = np.random.default_rng(1)
            w = lib.nn.Parameter(lib.tensor(rng.standard_normal((3, 2)), dtype=lib.float32))
            opt = getattr(lib.optim, name)([w], lr=0.05)
            if opt_state is not None:
                opt.load_state_dict(opt_state)
            for _ in range(steps):
                opt.zero_grad()
                (w ** 3).sum().backward()
                opt.step()
            return w, opt
        _, opt = run()
        w, opt2 = run(opt.state_dict(), steps=2)
        return w.detach(), opt2.state_dict()
    assert_same(case, rtol=1e-5, atol=1e-6)


def test_signatures_match_torch():
    for name in ("ASGD", "Rprop", "Adafactor", "Muon"):
        ours = inspect.signature(getattr(dyngrad.optim, name).__init__)
        theirs = inspect.signature(getattr(torch.optim, name).__init__)
        assert [(p.name, p.default, p.kind) for p in ours.parameters.values()] == \
               [(p.name, p.default, p.kind) for p in theirs.parameters.values()], name

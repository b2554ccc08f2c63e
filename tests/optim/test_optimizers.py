"""Optimizers against torch: the same parameters and gradients, several steps, every
option; parameters, state and state_dict compared after each step (float64 and float32).

The updates use torch's fused multiply-add rounding (addcmul_, lerp_, add_ with alpha),
so SGD matches bit for bit; the optimizers that take a square root match to the last
bits or so, as torch's vectorised sqrt is not NumPy's correctly rounded one.
"""
import numpy as np
import pytest
import torch

import dyngrad

from side_by_side import assert_same, outcomes

SHAPES = [(3, 4), (4,), ()]


def _trajectory(lib, name, kwargs, dtype, steps=8, closure=False):
    """Run ``steps`` updates on fixed parameters with gradients from a fixed loss."""
    dt = getattr(lib, dtype)
    rng = np.random.default_rng(0)
    params = [lib.nn.Parameter(lib.tensor(rng.standard_normal(s), dtype=dt)) for s in SHAPES]
    targets = [lib.tensor(rng.standard_normal(s), dtype=dt) for s in SHAPES]
    opt = getattr(lib.optim, name)(params, **kwargs)
    seen = []

    def loss_fn():
        opt.zero_grad()
        loss = sum(((p - t) ** 2 * (i + 1)).sum() + (p ** 3).sum() * 0.1
                   for i, (p, t) in enumerate(zip(params, targets)))
        loss.backward()
        return loss

    for _ in range(steps):
        if closure:
            seen.append(opt.step(loss_fn))
        else:
            loss_fn()
            opt.step()
        seen.append([p.detach().clone() for p in params])
    versions = [p._version for p in params]
    state = opt.state_dict()
    return seen, versions, state, repr(opt)


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, eps=1e-6)),
    ("Adam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.1, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
]
EXACT = {"SGD"}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory(name, kwargs, dtype):
    tol = 0 if name in EXACT else (1e-13 if dtype == "float64" else 1e-6)
    assert_same(lambda lib: _trajectory(lib, name, kwargs, dtype), rtol=tol, atol=tol)


def test_closure_returns_loss():
    assert_same(lambda lib: _trajectory(lib, "SGD", dict(lr=0.1, momentum=0.5), "float64",
                                        steps=3, closure=True), rtol=1e-12, atol=0)


def _errors(lib):
    p = [lib.nn.Parameter(lib.ones(2))]
    return outcomes([lambda: lib.optim.SGD(p, lr=-1), lambda: lib.optim.SGD(p, momentum=-1),
                     lambda: lib.optim.SGD(p, nesterov=True),
                     lambda: lib.optim.Adam(p, betas=(1.0, 0.9)),
                     lambda: lib.optim.Adam(p, eps=-1), lambda: lib.optim.Adam([]),
                     lambda: lib.optim.Adam(p[0]), lambda: lib.optim.SGD([p[0] * 2]),
                     lambda: lib.optim.SGD([1.0]), lambda: lib.optim.RMSprop(p, alpha=-1),
                     lambda: lib.optim.Adagrad(p, lr_decay=-1),
                     lambda: lib.optim.SGD([{"params": p}, {"params": p}])])


def test_argument_errors():
    assert_same(_errors)


def _groups_and_state_dict(lib):
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Linear(2, 1))
    opt = lib.optim.Adam([{"params": net[0].parameters()},
                          {"params": net[1].parameters(), "lr": 0.1}], lr=0.01)
    net(lib.ones(4, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    lib.manual_seed(0)
    net2 = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Linear(2, 1))
    opt2 = lib.optim.Adam([{"params": net2[0].parameters()},
                           {"params": net2[1].parameters(), "lr": 0.1}], lr=0.01)
    opt2.load_state_dict(sd)
    opt2.zero_grad()
    net2.load_state_dict(net.state_dict())
    net2(lib.ones(4, 3)).sum().backward()
    opt2.step()
    opt.add_param_group({"params": [lib.nn.Parameter(lib.zeros(1))], "lr": 0.5})
    return sd, repr(opt), opt2.state_dict(), list(net2.parameters())


def test_param_groups_and_state_dict():
    assert_same(_groups_and_state_dict, rtol=1e-6, atol=1e-7)


def _load_errors(lib):
    p = [lib.nn.Parameter(lib.ones(2))]
    opt = lib.optim.SGD(p, lr=0.1)
    out = []
    for sd in ({"state": {}, "param_groups": []},
               {"state": {}, "param_groups": [{"params": [0, 1], "lr": 0.1}]}):
        try:
            opt.load_state_dict(sd)
        except ValueError as e:
            out.append(str(e))
    return out


def test_load_state_dict_errors():
    assert_same(_load_errors)


def _zero_grad_and_hooks(lib):
    p = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([p], lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    (p * 2).sum().backward()
    opt.step()
    opt.zero_grad(set_to_none=False)
    kept = p.grad
    opt.zero_grad()
    return calls, kept, p.grad, p


def test_zero_grad_and_step_hooks():
    assert_same(_zero_grad_and_hooks)


def test_signatures_match_torch():
    import inspect
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam",
                 "RAdam"):
        ours = inspect.signature(getattr(dyngrad.optim, name).__init__)
        theirs = inspect.signature(getattr(torch.optim, name).__init__)
        assert [(p.name, p.default, p.kind) for p in ours.parameters.values()] == \
               [(p.name, p.default, p.kind) for p in theirs.parameters.values()], name

"""Adam's and SGD's direct updates (NOTE [Direct updates] in optim/_direct.py) against the in-place
methods it stands for, and against torch where it must step aside.

The methods are the oracle for the numbers: the same steps run once as they run by
default and once with the direct update turned off must leave the same bits in every
parameter and state tensor and the same version counters. Where a parameter shares
memory with its gradient or state, or its state does not fit it, the methods run and
torch's results or errors come out.
"""
import numpy as np
import pytest
import torch

import dyngrad
from dyngrad.optim import _direct

from side_by_side import assert_same

SHAPES = [(3, 4), (4,), (), (2, 1, 3)]
CONFIGS = [
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, maximize=True, eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.02, betas=(0.5, 0.7))),
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, maximize=True)),
]


def _run(name, kwargs, dtype, direct, monkeypatch):
    """Eight steps with gradients over twenty decades (zeros and tiny ones among them),
    one parameter skipped on some steps; everything the steps leave, as bits."""
    if not direct:
        monkeypatch.setattr(_direct, "usable", lambda tensors: False)
    taken = []
    if direct:
        real = _direct.usable
        monkeypatch.setattr(_direct, "usable", lambda tensors: taken.append(real(tensors))
                            or taken[-1])
    rng = np.random.default_rng(0)
    params = [dyngrad.nn.Parameter(dyngrad.tensor(rng.standard_normal(s), dtype=dtype))
              for s in SHAPES]
    opt = getattr(dyngrad.optim, name)(params, **kwargs)
    for step in range(8):
        for i, p in enumerate(params):
            g = np.asarray(rng.standard_normal(p.shape) * 10.0 ** rng.integers(-30, 3, p.shape))
            g[rng.random(p.shape) < 0.1] = 0
            p.grad = None if (i == 1 and step % 3 == 1) else dyngrad.tensor(g, dtype=dtype)
        opt.step()
    monkeypatch.undo()
    out = [(p.detach().numpy().tobytes(), p._version) for p in params]
    for p in params:
        for k, v in opt.state[p].items():
            out.append((k, v.numpy().tobytes(), v._version, str(v.dtype)))
    return out, taken


@pytest.mark.parametrize("dtype", [dyngrad.float32, dyngrad.float64])
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[f"{n}{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_direct_update_equals_the_methods(name, kwargs, dtype, monkeypatch):
    direct, taken = _run(name, kwargs, dtype, True, monkeypatch)
    methods, _ = _run(name, kwargs, dtype, False, monkeypatch)
    assert taken and all(taken)
    assert direct == methods


def _aliased_grad(lib):
    # the gradient is the parameter's own memory: each write changes what the next reads
    p = lib.nn.Parameter(lib.tensor([0.5, -1.0, 2.0, 3.0]))
    q = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
    opt = lib.optim.AdamW([p, q], lr=0.1)
    for _ in range(3):
        p.grad = p.detach()
        q.grad = p.detach()[1:3]
        opt.step()
    return p, q, opt.state_dict()


def _state_of_another_shape(lib):
    p = lib.nn.Parameter(lib.ones(3))
    opt = lib.optim.Adam([p], lr=0.1)
    p.grad = lib.ones(3)
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = lib.zeros(2)
    opt.load_state_dict(sd)
    opt.step()


def _state_overlapping_the_parameter(lib):
    # torch refuses the addcdiv_ whose exp_avg holds part of the parameter's memory
    memory = lib.zeros(6)
    p = lib.nn.Parameter(memory[:3])
    opt = lib.optim.Adam([p], lr=0.1)
    p.grad = lib.ones(3)
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = memory[2:5]
    opt.load_state_dict(sd)
    opt.step()


def _momentum_of_another_dtype(lib):
    # a momentum buffer loaded in float64 for a float32 parameter: torch's dtype rules
    p = lib.nn.Parameter(lib.tensor([1.0, -2.0]))
    opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        p.grad = lib.tensor([0.5, 0.25])
        opt.step()
    sd = opt.state_dict()
    sd["state"][0]["momentum_buffer"] = lib.tensor([1.0, 2.0], dtype=lib.float64)
    opt.load_state_dict(sd)
    p.grad = lib.tensor([0.5, 0.25])
    opt.step()
    return p, opt.state_dict()


def _inference_parameter(lib):
    with lib.inference_mode():
        w = lib.ones(3)
    p = lib.nn.Parameter(lib.ones(3))
    opt = lib.optim.Adam([w, p], lr=0.1)
    w.grad = lib.ones(3)
    p.grad = lib.ones(3)
    opt.step()


@pytest.mark.parametrize("case", [_aliased_grad, _state_of_another_shape,
                                  _state_overlapping_the_parameter, _momentum_of_another_dtype,
                                  _inference_parameter])
def test_methods_run_where_direct_updates_cannot(case):
    assert_same(case, rtol=1e-6, atol=1e-7)

"""Repeated in-place chains made once (dyngrad/_compile/chains.py, NOTE [Repeated
chains]): compiled against eager dyngrad, bit for bit, and the plan's calls counted."""
import numpy as np
import pytest

import dyngrad
import dyngrad.nn as nn
import dyngrad.nn.functional as F
from dyngrad._compile.api import _ops_of


def _same(a, b):
    for x, y in zip(a, b):
        x, y = x.detach().numpy(), y.detach().numpy()
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), (x, y)


def _read_after(x):
    a = x.exp().mul_(2).add_(1)
    b = x.exp().mul_(2).add_(1)   # a repeat, only read: a itself
    return a * b


def _repeat_written(x):
    a = x.exp().mul_(2).add_(1)
    b = x.exp().mul_(2).add_(1)   # a repeat, written afterwards: a copy of a
    b.mul_(3)
    return a + b


def _first_written(x):
    a = x.exp().mul_(2).add_(1)
    b = x.exp().mul_(2).add_(1)
    a.sub_(5)                     # the first chain moves on: b is a copy taken before
    return a * b


def _first_moved_on_before(x):
    a = x.exp().mul_(2)
    a.add_(1)
    a.mul_(4)                     # a's array holds another value when the repeat comes
    b = x.exp().mul_(2).add_(1)
    return a - b


def _viewed_after(x):
    a = x.exp().mul_(2).add_(1)
    b = x.exp().mul_(2).add_(1)
    v = b.view(-1)                # a view of the repeat: b is left alone (made again)
    v.mul_(3)
    return a - b, v + 1


def _not_a_repeat(x):
    a = x.exp().mul_(0.0).add_(1)   # (each x.exp() a copy of the first: the values part
    b = x.exp().mul_(-0.0).add_(1)  # later) another number: another value
    c = x.exp().mul_(2).add_(x)
    d = x.exp().mul_(2).add_(x.exp())  # another argument: another value
    return a + b, c * d


# (function, exp calls left in the plan)
CASES = {"read_after": (_read_after, 1), "repeat_written": (_repeat_written, 1),
         "first_written": (_first_written, 1),
         "first_moved_on_before": (_first_moved_on_before, 1),
         "viewed_after": (_viewed_after, 2), "not_a_repeat": (_not_a_repeat, 1)}


@pytest.mark.parametrize("name", CASES)
def test_a_repeated_chain_is_made_once_and_keeps_eagers_values(name):
    fn, exps = CASES[name]
    compiled = dyngrad.compile(fn)
    for i in range(3):
        x = dyngrad.randn(5, 7) * (i + 1)
        _same(fn(x.clone()), compiled(x.clone()))
    assert _ops_of(compiled._entries[0].plans[0]).count("exp") == exps


@pytest.mark.parametrize("shape", [(3, 5, 8), (3, 100, 1000)])  # (the second in chunks)
def test_hundred_compiled_gelu_steps_equal_eager_with_one_cdf_per_gelu(shape):
    B, S, C = shape

    def build():
        dyngrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, C), nn.GELU(), nn.Linear(C, C), nn.GELU(),
                              nn.Linear(C, 2))
        opt = dyngrad.optim.AdamW(model.parameters(), lr=1e-2)
        x, y = dyngrad.randn(B, S, 4), dyngrad.randn(B, S, 2)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.mse_loss(model(x), y)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            return loss, norm, model[0].weight.grad
        return model, step
    m1, eager = build()
    m2, step = build()
    compiled = dyngrad.compile(step)
    for _ in range(100 if B * S * C < 10_000 else 4):
        _same(eager(), compiled())
    _same(list(m1.parameters()), list(m2.parameters()))
    plan = compiled._entries[-1].plans[0]
    assert _ops_of(plan).count("reciprocal") == 2  # the forward's: the backward reuses it

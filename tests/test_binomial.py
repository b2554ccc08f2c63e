"""torch.binomial draws torch's numbers for the same seed: inversion below a mean of 10,
BTRS from 10 up, p above and below 1/2, the edges (count 0, p 0 and 1, fractional and
huge counts), float32 and float64, broadcasting and generators; and refuses what torch
refuses."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

rng = np.random.default_rng(3)
COUNTS = np.concatenate([rng.integers(0, 200, 24).astype(float),
                         [0, 5, 1e6, 1e9, 3.5, 1000, 12, 50, -1, 7]])
PROBS = np.concatenate([rng.random(24), [0.5, 1.0, 0.3, 0.999, 0.7, 0.001, 0.9, 0.8, 0.5, 0.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_same_draws_as_torch(seed, dtype):
    out = []
    for lib in (torch, dyngrad):
        lib.manual_seed(seed)
        d = getattr(lib, dtype)
        first = lib.binomial(lib.tensor(COUNTS, dtype=d), lib.tensor(PROBS, dtype=d))
        out.append((first.numpy(), str(first.dtype), lib.rand(2).numpy()))  # the stream goes on
    assert out[0][1] == out[1][1]
    for a, b in zip(out[0][::2], out[1][::2]):
        np.testing.assert_array_equal(a, b)


def _run(lib, call):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        lib.manual_seed(5)
        r = call(lib)
    return (repr(r.detach()), str(r.dtype), None if r.grad_fn is None else r.grad_fn.name(),
            [str(w.message).split(" (Triggered internally")[0] for w in seen])


CALLS = {
    "broadcast_prob": lambda t: t.binomial(t.tensor([10.0, 20]), t.tensor([0.5])),
    "broadcast_resized": lambda t: t.binomial(t.tensor([[10.0], [30]]), t.tensor([0.5, 0.2])),
    "generator": lambda t: t.binomial(t.tensor([10.0, 20]), t.tensor([0.5, 0.2]),
                                      generator=t.Generator().manual_seed(3)),
    "requires_grad": lambda t: t.binomial(t.tensor([10.0, 20], requires_grad=True),
                                          t.tensor([0.5, 0.2])),
    "zero_dim": lambda t: t.binomial(t.tensor(5.0), t.tensor(0.5)),
    "empty": lambda t: t.binomial(t.tensor([]), t.tensor([])),
    "prob_nan_and_outside": lambda t: t.binomial(t.tensor([5.0, 5, 5]),
                                                 t.tensor([float("nan"), 1.5, -0.5])),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_calls(name):
    assert _run(dyngrad, CALLS[name]) == _run(torch, CALLS[name])


@pytest.mark.parametrize("call", [
    lambda t: t.binomial(t.tensor([10]), t.tensor([0.5])),
    lambda t: t.binomial(t.tensor([10.0]), t.tensor([1])),
    lambda t: t.binomial(t.tensor([10.0]), t.tensor([0.5], dtype=t.float64)),
    lambda t: t.binomial(t.tensor([10.0]).half(), t.tensor([0.5]).half()),
    lambda t: t.binomial(t.tensor([5.0, 4]), t.tensor([0.5, 0.5, 0.5])),
    lambda t: t.binomial(t.tensor([5.0]), 0.5),
    lambda t: t.binomial(t.tensor([5.0]), t.tensor([0.5]), out=t.empty(1)),
])
def test_errors(call):
    errs = []
    for lib in (torch, dyngrad):
        with pytest.raises(Exception) as e:
            call(lib)
        errs.append((type(e.value).__name__, str(e.value)))
    assert errs[0] == errs[1]


def test_nan_count_is_nan():
    # torch's inversion loop never ends on a nan count; dyngrad answers nan
    assert dyngrad.binomial(dyngrad.tensor([float("nan")]), dyngrad.tensor([0.3])).isnan().all()

"""bfloat16 random numbers against torch, bit for bit, for the same seed: every sampler at
sizes on both sides of 16 (where torch's contiguous normal switches to its vectorised
fill, and its tail is recomputed), with the warnings and errors torch gives."""
import warnings

import numpy as np
import pytest

pytest.importorskip("ml_dtypes")

import dyngrad  # noqa: E402
import torch  # noqa: E402

SIZES = (0, 1, 7, 15, 16, 17, 31, 33, 1000)
DRAWS = {
    "rand": lambda t, n: t.rand(n, dtype=t.bfloat16),
    "rand_2d": lambda t, n: t.rand(n, 3, dtype=t.bfloat16),
    "randn": lambda t, n: t.randn(n, dtype=t.bfloat16),
    "rand_like": lambda t, n: t.rand_like(t.zeros(n, dtype=t.bfloat16)),
    "randn_like": lambda t, n: t.randn_like(t.zeros(n, 2, dtype=t.bfloat16).mT),
    "normal": lambda t, n: t.normal(2.0, 3.0, (n,), dtype=t.bfloat16),
    "normal_": lambda t, n: t.empty(n, dtype=t.bfloat16).normal_(-1, 0.5),
    "normal_strided": lambda t, n: t.empty(n, 2, dtype=t.bfloat16)[:, 0].normal_(),
    "uniform_": lambda t, n: t.empty(n, dtype=t.bfloat16).uniform_(-3, 5),
    "randint": lambda t, n: t.randint(-5, 300, (n,), dtype=t.bfloat16),
    "randint_small": lambda t, n: t.randint(3, 9, (n,), dtype=t.bfloat16),
    "random_": lambda t, n: t.empty(n, dtype=t.bfloat16).random_(),
    "random_to": lambda t, n: t.empty(n, dtype=t.bfloat16).random_(7),
    "random_from_to": lambda t, n: t.empty(n, dtype=t.bfloat16).random_(-4, 100),
    "bernoulli_": lambda t, n: t.empty(n, dtype=t.bfloat16).bernoulli_(0.3),
    "bernoulli": lambda t, n: t.bernoulli(t.linspace(0, 1, n).to(t.bfloat16)),
    "exponential_": lambda t, n: t.empty(n, dtype=t.bfloat16).exponential_(2.0),
    "geometric_": lambda t, n: t.empty(n, dtype=t.bfloat16).geometric_(0.3),
    "log_normal_": lambda t, n: t.empty(n, dtype=t.bfloat16).log_normal_(0.5, 0.7),
    "cauchy_": lambda t, n: t.empty(n, dtype=t.bfloat16).cauchy_(1.0, 2.0),
    "randperm": lambda t, n: t.randperm(n, dtype=t.bfloat16),
    "poisson": lambda t, n: t.poisson(t.linspace(0.1, 5, n).to(t.bfloat16)),
    "dropout": lambda t, n: t.nn.functional.dropout(t.ones(n, dtype=t.bfloat16), 0.4),
    "multinomial": lambda t, n: t.multinomial(t.linspace(0.1, 1, n + 1).to(t.bfloat16), 5,
                                              replacement=True),
}


def _draw(lib, call, n):
    lib.manual_seed(7)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = call(lib, n)
            out = (str(r.dtype), tuple(r.shape), (r.view(lib.int16) if r.dtype == lib.bfloat16
                                                  else r).numpy().tolist())
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            out = (type(e).__name__, str(e))
    text = [str(w.message).split(" (Triggered")[0] for w in caught]
    return out, text, lib.rand(2).tolist()  # (and the stream after: the same draws used)


@pytest.mark.parametrize("name", DRAWS)
def test_same_bits_as_torch(name):
    for n in SIZES:
        want = _draw(torch, DRAWS[name], n)
        got = _draw(dyngrad, DRAWS[name], n)
        assert str(got).replace("dyngrad", "torch") == str(want), (name, n)


ERRORS = {
    "uniform_bounds": lambda t: t.empty(3, dtype=t.bfloat16).uniform_(0, 1e39),
    "randint_empty_range": lambda t: t.randint(5, 5, (3,), dtype=t.bfloat16),
    "normal_std": lambda t: t.randn(3, dtype=t.bfloat16).normal_(0, -1),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name):
    seen = []
    for lib in (torch, dyngrad):
        try:
            ERRORS[name](lib)
            seen.append(None)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            seen.append((type(e).__name__, str(e)))
    assert seen[0] is not None and seen[1] == seen[0]


def test_nextafter():
    vals = np.array([0.0, -0.0, 1.0, -1.0, 3.5, np.inf, -np.inf, np.nan, 1e-40, -1e-40,
                     3.3895e38, 9.2e-41], np.float32)
    seen = []
    for lib in (torch, dyngrad):
        x = lib.tensor(np.repeat(vals, len(vals))).to(lib.bfloat16).requires_grad_()
        y = lib.tensor(np.tile(vals, len(vals))).to(lib.bfloat16)
        r = lib.nextafter(x, y)
        r.backward(lib.ones_like(r))
        seen.append((str(r.dtype), r.grad_fn.name(), r.view(lib.int16).tolist(),
                     x.grad.view(lib.int16).tolist()))
    assert str(seen[1]).replace("dyngrad", "torch") == str(seen[0])

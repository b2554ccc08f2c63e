"""torch.binomial against torch: the same seed gives the same draws, bit for bit, in each
regime of torch's sampler (inversion below count * p = 10, BTRS above, p past 1/2 drawn
as count minus the draw at 1 - p, the edges p = 0, p = 1 and count = 0), and the errors."""
import pytest
import torch

import dyngrad

COUNTS = [0., 1., 5., 9., 30., 200., 3000., 1e6]
PROBS = [0., 1e-4, 0.02, 0.3, 0.5, 0.51, 0.8, 0.999, 1.]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_draws_like_torch(dtype):
    seen = []
    for lib in (torch, dyngrad):
        counts = lib.tensor(COUNTS, dtype=getattr(lib, dtype)).repeat_interleave(len(PROBS))
        probs = lib.tensor(PROBS, dtype=getattr(lib, dtype)).repeat(len(COUNTS))
        lib.manual_seed(2)
        first = lib.binomial(counts, probs)
        seen.append((first.numpy().tolist(), str(first.dtype),
                     lib.binomial(counts.reshape(8, 9), probs.reshape(8, 9),
                                  generator=lib.Generator().manual_seed(4)).numpy().tolist(),
                     lib.rand(3).numpy().tolist()))  # (the stream after the draws)
    assert seen[0] == seen[1]


# BTRS many times over where most tries reach the exact bound (small count * p: a narrow
# squeeze), count * p and count * (1 - p) exactly 10 (the first counts BTRS takes) and
# 10 ** 4 (the tails' series far from 9, where log k! takes over from the table)
MANY = [(20., 0.5), (26., 0.45), (40., 0.75), (45., 0.75), (10000., 0.3)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_many_draws_like_torch(dtype):
    seen = []
    for lib in (torch, dyngrad):
        counts = lib.tensor([c for c, _ in MANY], dtype=getattr(lib, dtype)).repeat(320)
        probs = lib.tensor([p for _, p in MANY], dtype=getattr(lib, dtype)).repeat(320)
        lib.manual_seed(5)
        seen.append(lib.binomial(counts, probs).numpy().tolist())
    assert seen[0] == seen[1]


ERRORS = ["t.binomial(t.tensor([5]), t.tensor([.3]))",
          "t.binomial(t.tensor([5.], dtype=t.float64), t.tensor([.3]))",
          "t.binomial(t.tensor([5.]), 0.3)", "t.binomial([5.], t.tensor([.3]))"]


@pytest.mark.parametrize("snippet", ERRORS)
def test_errors_like_torch(snippet):
    seen = []
    for lib in (torch, dyngrad):
        try:
            eval(snippet, {"t": lib})
            seen.append(None)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            seen.append((type(e).__name__, str(e)))
    assert seen[0] == seen[1]

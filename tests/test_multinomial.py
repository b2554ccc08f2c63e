"""torch.multinomial draws torch's numbers for the same seed, with and without
replacement, and refuses what torch refuses."""
import numpy as np
import pytest
import torch

import dyngrad

rng = np.random.default_rng(11)
WIDE = rng.random((3, 40))
CASES = [([0.1, 0.2, 0.3, 0.4], 3, False), ([0.1, 0.2, 0.3, 0.4], 10, True),
         ([[1.0, 2, 3], [0, 1, 1]], 2, False), ([[1.0, 2, 3], [0, 1, 1]], 5, True),
         ([0.5, 0.5], 1, True), ([[0.2, 0.8]] * 3, 1, False), (WIDE, 40, False), (WIDE, 100, True),
         ([3.0, 0.0, 1.0], 2, False),
         # many equal probabilities: p / q ties often in float16 and bfloat16, and torch's
         # topk (a partial sort for few draws, a selection for more) orders the ties
         (np.r_[np.full(40, 0.01), np.full(200, 0.002), np.zeros(10)], 30, False),
         (np.r_[np.full(40, 0.01), np.full(200, 0.002)], 3, False)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("probs, n, replacement", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_same_draws_as_torch(probs, n, replacement, dtype):
    if dtype == "bfloat16":
        pytest.importorskip("ml_dtypes")
    out = []
    for lib in (torch, dyngrad):
        lib.manual_seed(7)
        p = lib.tensor(np.asarray(probs), dtype=getattr(lib, dtype))
        first = lib.multinomial(p, n, replacement)
        second = p.multinomial(n, replacement=replacement)  # the stream goes on
        out.append((first.numpy(), second.numpy(), str(first.dtype), lib.rand(2).numpy()))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)


def test_generator_argument():
    got = []
    for lib in (torch, dyngrad):
        g = lib.Generator().manual_seed(5)
        got.append(lib.multinomial(lib.tensor([0.3, 0.3, 0.4]), 6, True, generator=g).numpy())
    np.testing.assert_array_equal(*got)


@pytest.mark.parametrize("call", [
    lambda t: t.multinomial(t.tensor([0.5, 0.5]), 3),
    lambda t: t.multinomial(t.tensor([0.5, -0.5]), 1),
    lambda t: t.multinomial(t.tensor([0.0, 0.0]), 1),
    lambda t: t.multinomial(t.tensor([[[0.5]]]), 1),
    lambda t: t.multinomial(t.tensor([1, 2]), 1),
], ids=["too_many", "negative", "zero_sum", "3d", "integers"])
def test_errors(call):
    errs = []
    for lib in (torch, dyngrad):
        with pytest.raises(RuntimeError) as e:
            call(lib)
        errs.append(str(e.value))
    assert errs[0] == errs[1]

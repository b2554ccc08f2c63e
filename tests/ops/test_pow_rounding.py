"""pow with the number exponents torch's CPU kernel computes as products (x*x*x, 1/(x*x),
1/sqrt(x)) gives torch's bits, not NumPy's once-rounded power."""
import numpy as np
import pytest
import torch

import dyngrad


@pytest.mark.parametrize("exponent", [3, 3.0, -2, -0.5, 2, -1])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pow_bits_equal_torch(exponent, dtype):
    x = np.random.default_rng(0).standard_normal(2000) * 3
    x[:3] = [0.0, -0.0, np.inf]
    ours = (dyngrad.tensor(x, dtype=getattr(dyngrad, dtype)) ** exponent).numpy()
    theirs = (torch.tensor(x, dtype=getattr(torch, dtype)) ** exponent).numpy()
    assert ours.dtype == theirs.dtype
    assert np.array_equal(ours, theirs, equal_nan=True)

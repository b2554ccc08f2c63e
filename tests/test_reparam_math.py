"""The reparameterisation gradients of Gamma and Beta draws against torch's kernels
(torch._standard_gamma_grad, torch._dirichlet_grad), over a grid that crosses every regime
boundary of their approximations."""
import numpy as np
import pytest
import torch

from dyngrad import _reparam_math as rm

_r = np.random.default_rng(0)
ALPHA = np.exp(_r.uniform(-4, 4, 4000))
# draws from far below to far above the mean, and within 10% of it (Rice's inner form)
X = np.concatenate([np.exp(_r.uniform(-8, 5, 3000)), _r.uniform(0.85, 1.15, 1000)]) * ALPHA
X = np.concatenate([X, [0.8, 0.7999999]])
ALPHA = np.concatenate([ALPHA, [8.0, 8.0000001]])
TOTAL = ALPHA + np.exp(_r.uniform(-4, 4, ALPHA.size))
UNIT = np.concatenate([_r.uniform(0, 1, ALPHA.size - 4), [0.5, 0.5, 1e-6, 1 - 1e-6]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_standard_gamma_grad(dtype):
    a, x = ALPHA.astype(dtype), X.astype(dtype)
    want = torch._standard_gamma_grad(torch.tensor(a), torch.tensor(x)).numpy()
    got = rm.standard_gamma_grad(a, x).astype(dtype)
    np.testing.assert_allclose(got, want, rtol=1e-12 if dtype == np.float64 else 0, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dirichlet_grad(dtype):
    x, a, t = (v.astype(dtype) for v in (UNIT, ALPHA, TOTAL))
    want = torch._dirichlet_grad(torch.tensor(x), torch.tensor(a), torch.tensor(t)).numpy()
    got = rm.dirichlet_grad(x, a, t).astype(dtype)
    # float32: torch sums the series near 0 and 1 with the C library's float log and pow,
    # whose last bits NumPy's need not share; cancellations there leave up to ~1e-3
    np.testing.assert_allclose(got, want, rtol=1e-9 if dtype == np.float64 else 2e-3,
                               atol=0)

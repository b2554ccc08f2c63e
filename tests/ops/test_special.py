"""Special functions' values over their whole range (poles, tails, inf and nan, both float
types) against torch; the derivatives are test_op_table's (samples_special.py)."""
import numpy as np
import pytest
import torch

import dyngrad

X = np.array([0.0, -1.0, -2.5, 0.5, 3.0, np.inf, -np.inf, np.nan, 1e-8, 50.0, -30.0, 7.3,
              12.0, 0.01, 31.0, -45.0, 0.999, -0.999])
UNIT = np.array([0.0, 0.3, -0.9, 0.999999, -1.0, 1.0, 1.5, 1e-9, 0.5, np.nan])
PROB = np.array([0.1, 0.5, 0.99, 1e-5, 0.0, 1.0, -0.5, np.nan])
FUNCS = {
    "lgamma": (lambda t: t.lgamma, X), "digamma": (lambda t: t.digamma, X),
    "erfc": (lambda t: t.erfc, X), "erfinv": (lambda t: t.erfinv, UNIT),
    "i0": (lambda t: t.i0, X), "i0e": (lambda t: t.special.i0e, X),
    "i1": (lambda t: t.special.i1, X), "i1e": (lambda t: t.special.i1e, X),
    "ndtr": (lambda t: t.special.ndtr, X), "ndtri": (lambda t: t.special.ndtri, PROB),
    "log_ndtr": (lambda t: t.special.log_ndtr, X), "entr": (lambda t: t.special.entr, X),
    "polygamma1": (lambda t: lambda x: t.polygamma(1, x), X[X > 0]),
    "polygamma3": (lambda t: lambda x: t.special.polygamma(3, x), X[X > 0]),
    "mvlgamma": (lambda t: lambda x: t.mvlgamma(x, 3), X[X > 1]),
    "gammaln": (lambda t: t.special.gammaln, X), "expit": (lambda t: t.special.expit, X),
    "sinc": (lambda t: t.special.sinc, X), "xlogy": (lambda t: lambda x: t.special.xlogy(x, x), X),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(FUNCS))
def test_values(name, dtype):
    fn, x = FUNCS[name]
    want = fn(torch)(torch.tensor(x, dtype=getattr(torch, dtype)))
    got = fn(dyngrad)(dyngrad.tensor(x, dtype=getattr(dyngrad, dtype)))
    assert str(got.dtype) == str(want.dtype)
    rtol, atol = (2e-6, 1e-37) if dtype == "float32" else (1e-9, 1e-300)  # (float32 subnormals)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=atol, equal_nan=True)


def test_integer_inputs_become_floats():
    for name in ("lgamma", "digamma", "erfc", "i0"):
        assert str(getattr(dyngrad, name)(dyngrad.tensor([1, 2])).dtype) == \
            str(getattr(torch, name)(torch.tensor([1, 2])).dtype)


def test_zeta():
    s, q = np.array([2.0, 3.0, 4.5]), np.array([1.0, -0.5, 2.3])
    np.testing.assert_allclose(dyngrad.special.zeta(dyngrad.tensor(s), dyngrad.tensor(q)).numpy(),
                               torch.special.zeta(torch.tensor(s), torch.tensor(q)).numpy(), rtol=1e-10)

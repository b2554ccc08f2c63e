"""Gamma's cdf (the regularised incomplete gamma function), and the families built on it
(Chi2, InverseGamma), against torch: values, the gradient wrt the rate, support errors."""
import numpy as np
import pytest
import torch

import dyngrad


@pytest.mark.parametrize("family", ["Gamma", "Chi2", "InverseGamma"])
def test_cdf_like_torch(family):
    def run(lib):
        D = lib.distributions
        c = lib.tensor([2.0, 0.5, 7.0, 1.0])
        r = lib.tensor([1.5, 3.0, 0.2, 1.0], requires_grad=True)
        v = lib.tensor([0.7, 1.2, 30.0, 1e-3])
        # (no derivative wrt the concentration, in torch either: Chi2's reaches r through v)
        dist = {"Gamma": lambda: D.Gamma(c, r), "Chi2": lambda: D.Chi2(c),
                "InverseGamma": lambda: D.InverseGamma(c, r)}[family]()
        out = dist.cdf(v * r if family == "Chi2" else v)
        out.sum().backward()
        try:
            dist.cdf(lib.tensor([-1.0, 1.0, 1.0, 1.0]))
            err = None
        except ValueError as e:
            err = str(e).split(" found invalid")[0]
        return out.detach().numpy(), r.grad.numpy(), err
    ours, theirs = run(dyngrad), run(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=5e-5, atol=1e-7)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=5e-4, atol=1e-6)
    assert ours[2] == theirs[2]

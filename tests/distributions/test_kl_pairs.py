"""kl_divergence for every pair torch registers, against torch: a member of each family
(float64 parameters that require grad), the divergence of each registered pair, its
gradients with respect to every parameter, or the error it raises; and the registry
itself (the same pairs as torch's)."""
import pytest
import torch
from torch.distributions.kl import _KL_REGISTRY

import dyngrad

from ._probe import assert_same, shown


def _family(t, name, z):
    """A member of family ``name`` of library ``t``; ``z(*values)`` makes a leaf."""
    D = t.distributions
    make = {
        "Normal": lambda: D.Normal(z(0.3, -1.0), z(1.5, 0.4)),
        "Laplace": lambda: D.Laplace(z(0.2, 0.6), z(0.7, 2.0)),
        "Uniform": lambda: D.Uniform(z(0.1, -0.5), z(0.8, 1.9)),
        "Exponential": lambda: D.Exponential(z(0.5, 2.0)),
        "Gamma": lambda: D.Gamma(z(0.7, 3.0), z(1.3, 0.4)),
        "Beta": lambda: D.Beta(z(0.6, 2.0), z(1.5, 0.3)),
        "Cauchy": lambda: D.Cauchy(z(0.6, 2.0), z(1.5, 0.3)),
        "Poisson": lambda: D.Poisson(z(0.6, 2.0)),
        "Geometric": lambda: D.Geometric(z(0.6, 0.2)),
        "Bernoulli": lambda: D.Bernoulli(z(0.6, 0.2)),
        "Binomial": lambda: D.Binomial(t.tensor([5., 3.], dtype=t.float64), z(0.6, 0.2)),
        "Categorical": lambda: D.Categorical(z(0.2, 0.3, 0.5)),
        "OneHotCategorical": lambda: D.OneHotCategorical(z(0.2, 0.3, 0.5)),
        "Dirichlet": lambda: D.Dirichlet(z(0.7, 2.0, 1.0)),
        "ContinuousBernoulli": lambda: D.ContinuousBernoulli(z(0.3, 0.5)),
        "Gumbel": lambda: D.Gumbel(z(0.3, -1.0), z(1.5, 0.4)),
        "Pareto": lambda: D.Pareto(z(0.3, 1.0), z(2.5, 0.8)),
        "HalfNormal": lambda: D.HalfNormal(z(1.5, 0.4)),
        "MultivariateNormal": lambda: D.MultivariateNormal(
            z(0.3, -1.0), scale_tril=z(1.0, 0.0, 0.5, 2.0).reshape(2, 2).tril()),
        "LowRankMultivariateNormal": lambda: D.LowRankMultivariateNormal(
            z(0.3, -1.0), z(1.0, 0.5, -0.2, 0.7).reshape(2, 2), z(0.5, 1.5)),
        "Independent": lambda: D.Independent(D.Normal(z(0.3, -1.0), z(1.5, 0.4)), 1),
        "TransformedDistribution": lambda: D.TransformedDistribution(
            D.Normal(z(0.3, -1.0), z(1.5, 0.4)), [D.transforms.ExpTransform()]),
        "ExponentialFamily": lambda: D.Wishart(z(4.0), z(2.0, 0.3, 0.3, 0.5).reshape(2, 2)),
    }
    return make[name]()


PAIRS = sorted((p.__name__, q.__name__) for p, q in _KL_REGISTRY)


def test_registered_pairs_like_torch():
    ours = sorted((p.__name__, q.__name__) for p, q in dyngrad.distributions.kl._KL)
    assert ours == PAIRS


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_kl_like_torch(pair):
    seen = []
    for lib in (torch, dyngrad):
        leaves = []

        def z(*values):
            leaves.append(lib.tensor(values, dtype=lib.float64, requires_grad=True))
            return leaves[-1]
        p, q = (_family(lib, name, z) for name in pair)
        k = shown(lambda: lib.distributions.kl_divergence(p, q))
        out = [k]
        if not isinstance(k, str) and k.requires_grad:
            out += lib.autograd.grad(k.sum(), leaves, allow_unused=True)
        seen.append(out)
    assert_same(*seen)

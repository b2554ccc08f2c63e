"""The families beyond the common ones, against torch: each case builds one
distribution from parameters that require grad, on both libraries from the same seed, and
compares everything _probe shows (samples bit for bit, densities, moments, reprs,
expand, gradients through rsample and log_prob), and the errors bad parameters raise."""
import pytest
import torch

import dyngrad

from ._probe import assert_same, probe, shown


# name: (constructor over the parameter leaves, the leaves' values[, probe's options])
FAMILIES = {
    "LogNormal": (lambda D, a, b: D.LogNormal(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "HalfNormal": (lambda D, s: D.HalfNormal(s), ([1.5, 0.3],)),
    "HalfCauchy": (lambda D, s: D.HalfCauchy(s), ([1.5, 0.3],)),
    "Gumbel": (lambda D, a, b: D.Gumbel(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "Weibull": (lambda D, a, b: D.Weibull(a, b), ([1.5, 0.3], [0.7, 2.0])),
    "Pareto": (lambda D, a, b: D.Pareto(a, b), ([1.5, 0.3], [0.7, 3.0])),
    "Kumaraswamy": (lambda D, a, b: D.Kumaraswamy(a, b), ([1.5, 0.3], [0.7, 3.0])),
    "InverseGamma": (lambda D, a, b: D.InverseGamma(a, b), ([1.5, 3.3], [0.7, 3.0]),
                     {"missing": ("cdf",)}),  # (Gamma's cdf needs torch.special.gammainc)
    "StudentT": (lambda D, a, b, c: D.StudentT(a, b, c), ([0.8, 1.5, 4.0], [0., 1., -2.],
                                                          [1., 0.5, 2.])),
    "FisherSnedecor": (lambda D, a, b: D.FisherSnedecor(a, b), ([1.5, 3.3, 5.], [0.7, 3., 9.])),
    "LogisticNormal": (lambda D, a, b: D.LogisticNormal(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "GeneralizedPareto": (lambda D, a, b, c: D.GeneralizedPareto(a, b, c),
                          ([0., 1., -2.], [1., 0.5, 2.], [0.0, 0.3, -0.2])),
    "Binomial": (lambda D, p: D.Binomial(t_count(D, [5., 30., 200., 0.]), p),
                 ([0.3, 0.8, 0.02, 0.5],)),
    "BinomialLogits": (lambda D, p: D.Binomial(t_count(D, [4., 4.]), logits=p), ([0.3, -2.],)),
    "NegativeBinomial": (lambda D, p: D.NegativeBinomial(t_count(D, [5., 3.5, 0.]), p),
                         ([0.3, 0.8, 0.5],)),
    "NegativeBinomialLogits": (lambda D, p: D.NegativeBinomial(3., logits=p), ([0.3, -2.],)),
    "Multinomial": (lambda D, p: D.Multinomial(7, p), ([[0.2, 0.3, 0.5], [0.0, 0.9, 0.1]],)),
    "MultinomialLogits": (lambda D, p: D.Multinomial(3, logits=p), ([1.0, -2.0, 0.0],)),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(p), ([0.2, 0.5, 0.9999],)),
    "ContinuousBernoulliLogits": (lambda D, p: D.ContinuousBernoulli(logits=p), ([0.3, -4.],)),
    "RelaxedBernoulli": (lambda D, T, p: D.RelaxedBernoulli(T, p), (0.7, [0.2, 0.9])),
    "RelaxedOneHotCategorical": (lambda D, T, p: D.RelaxedOneHotCategorical(T, logits=p),
                                 (0.5, [[0.2, -1.0, 2.0]])),
    "OneHotCategoricalStraightThrough": (lambda D, p: D.OneHotCategoricalStraightThrough(p),
                                         ([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]],)),
    "LowRankMultivariateNormal": (lambda D, a, W, d: D.LowRankMultivariateNormal(a, W, d),
                                  ([0.5, -1.0, 0.], [[1., 0.], [0.5, 2.], [-1., 0.3]],
                                   [0.4, 1., 2.])),
    "MixtureSameFamily": (lambda D, w, a, b: D.MixtureSameFamily(D.Categorical(w),
                                                                  D.Normal(a, b)),
                          ([0.2, 0.5, 0.3], [-1., 0., 3.], [0.5, 1., 2.])),
    "VonMises": (lambda D, a, k: D.VonMises(a, k), ([0.5, -3.0, 1.], [0.3, 4., 1e-6])),
    # (torch's rsample with a sample shape fails its own backward: it changes the mask its
    # resampling indexes with; dyngrad's gives the gradient. And its redraw, an assignment
    # through a 0-dim mask, is recorded as IndexPutBackward0 where torch has CopySlices)
    "Wishart": (lambda D, df, c: D.Wishart(df, c), ([4.0, 3.5], [[2., 0.3], [0.3, 0.5]]),
                {"rsample_shape": (), "graph_names": False}),
    "LKJCholesky": (lambda D, c: D.LKJCholesky(3, c), ([0.5, 2.0],)),
    # the common families too: their expand, modes and icdf
    "Normal": (lambda D, a, b: D.Normal(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "Gamma": (lambda D, a, b: D.Gamma(a, b), ([0.5, 3.0], [1.5, 0.3]), {"missing": ("cdf",)}),
    "Chi2": (lambda D, a: D.Chi2(a), ([0.5, 3.0],), {"missing": ("cdf",)}),
    "Beta": (lambda D, a, b: D.Beta(a, b), ([0.5, 3.0], [1.5, 0.3])),
    "Dirichlet": (lambda D, a: D.Dirichlet(a), ([[0.5, 3.0], [1.5, 0.3]],)),
    "Categorical": (lambda D, p: D.Categorical(p), ([[0.2, 0.8], [0.5, 0.5]],)),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(logits=p), ([[0.2, 0.8]],)),
    "Bernoulli": (lambda D, p: D.Bernoulli(logits=p), ([0.2, -3.],)),
    "Geometric": (lambda D, p: D.Geometric(p), ([0.2, 0.7],)),
    "Poisson": (lambda D, p: D.Poisson(p), ([0.2, 7.],)),
    "Exponential": (lambda D, p: D.Exponential(p), ([0.2, 7.],)),
    "Uniform": (lambda D, a, b: D.Uniform(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "Laplace": (lambda D, a, b: D.Laplace(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "Cauchy": (lambda D, a, b: D.Cauchy(a, b), ([0.5, -1.0], [1.5, 0.3])),
    "MultivariateNormal": (lambda D, a, c: D.MultivariateNormal(a, c),
                           ([0.5, -1.0], [[2., 0.3], [0.3, 0.5]])),
    "Independent": (lambda D, a, b: D.Independent(D.Laplace(a, b), 1),
                    ([[0.5, -1.0]], [[1.5, 0.3]])),
}


def t_count(D, values):
    """A count tensor of the library ``D`` belongs to."""
    return (torch if D is torch.distributions else dyngrad).tensor(values)


@pytest.mark.parametrize("name", FAMILIES)
def test_family_like_torch(name):
    make, values, *options = FAMILIES[name]
    options = dict(options[0]) if options else {}
    graph_names = options.pop("graph_names", True)
    seen = []
    for lib in (torch, dyngrad):
        lib.manual_seed(11)
        leaves = [lib.tensor(v, requires_grad=True) for v in values]
        seen.append(probe(lib, make(lib.distributions, *leaves), leaves, **options))
    assert_same(*seen, graph_names=graph_names)


ERRORS = [
    "D.Binomial(t.tensor([2.5]), t.tensor([0.3]))", "D.Binomial(3, t.tensor([1.3]))",
    "D.Binomial(3)", "D.Binomial(t.tensor([3.]), t.tensor([0.3])).log_prob(t.tensor([4.]))",
    "D.Binomial(t.tensor([3., 4.]), t.tensor([0.3, 0.5])).entropy()",
    "D.Multinomial(t.tensor(3.), t.tensor([0.3, 0.7]))",
    "D.Multinomial(3, t.tensor([0.3, 0.7])).log_prob(t.tensor([1.5, 1.]))",
    "D.NegativeBinomial(t.tensor([-1.]), t.tensor([0.3]))", "D.NegativeBinomial(2., 1.)",
    "D.ContinuousBernoulli(t.tensor([1.2]), validate_args=True)",
    "D.ContinuousBernoulli(t.tensor([1.2]))", "D.VonMises(t.tensor([0.]), t.tensor([-1.]))",
    "D.LowRankMultivariateNormal(t.zeros(2), t.ones(3, 1), t.ones(2))",
    "D.LowRankMultivariateNormal(t.zeros(2), t.ones(2), t.ones(2))",
    "D.LowRankMultivariateNormal(t.zeros(2), t.ones(2, 1), t.ones(3))",
    "D.LowRankMultivariateNormal(t.zeros(2), t.ones(2, 1), -t.ones(2))",
    "D.MixtureSameFamily(D.Normal(0., 1.), D.Normal(t.zeros(2), 1.))",
    "D.MixtureSameFamily(D.Categorical(t.ones(3)), D.Normal(t.zeros(2), 1.))",
    "D.MixtureSameFamily(D.Categorical(t.ones(2)), 3)",
    "D.Wishart(1., t.eye(3))", "D.Wishart(3., t.eye(2), t.eye(2))",
    "D.Wishart(3., t.tensor([[1., 2.], [2., 1.]]))", "D.LKJCholesky(1)",
    "D.LKJCholesky(3, t.tensor([-1.]))", "D.LKJCholesky(2).log_prob(t.eye(2) * 2)",
    "D.RelaxedBernoulli(t.tensor(0.5))", "D.RelaxedBernoulli(t.tensor(0.5), t.tensor([2.]))",
    "D.RelaxedOneHotCategorical(t.tensor(0.5), t.tensor([0.5, -0.2]))",
    "D.StudentT(t.tensor([1.]), scale=t.tensor([0.]))", "D.FisherSnedecor(0., 1.)",
    "D.GeneralizedPareto(0., -1., 0.)", "D.Kumaraswamy(0., 1.)", "D.Pareto(1., -1.)",
    "D.InverseGamma(t.tensor([1.]), t.tensor([-1.]))", "D.LogisticNormal(0., 1.).batch_shape",
    "D.LogisticNormal(t.zeros(2), 1.).log_prob(t.tensor([0.5, 0.5, 0.5]))",
    "D.Weibull(1., -1.)", "D.HalfNormal(t.tensor([1.])).expand((2, 3))",
    "D.Gumbel(0., 1.).expand((2,)).log_prob(t.zeros(2))",
]


@pytest.mark.parametrize("snippet", ERRORS)
def test_errors_like_torch(snippet):
    seen = []
    for lib in (torch, dyngrad):
        seen.append([shown(lambda: eval(snippet, {"t": lib, "D": lib.distributions}))])
    assert_same(*seen)


def test_user_subclasses_like_torch():
    # a family of the user's: the warning when it defines no arg_constraints (the place
    # it points at), and expand refused unless it says how
    import warnings
    seen = []
    for lib in (torch, dyngrad):
        class Mine(lib.distributions.Distribution):
            def __init__(self):
                super().__init__(lib.Size([2]))

        class MyNormal(lib.distributions.Normal):
            def __init__(self):
                super().__init__(lib.zeros(2), 1.)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mine = Mine()
        seen.append([[(str(w.message), w.lineno) for w in caught],
                     shown(lambda: mine.expand((3, 2))),
                     shown(lambda: MyNormal().expand((3, 2))),
                     shown(lambda: lib.distributions.Normal(0., 1.).expand((2,)).batch_shape)])
    assert_same(*seen)

"""torch.distributions against torch: each case builds distributions from the same seed on
both libraries and compares everything printed (samples bit for bit, log_prob, entropy,
moments, shapes, reprs, gradients through rsample), or the error raised."""
import pytest
import torch

import dyngrad


@pytest.fixture(autouse=True)
def validating():
    # validation on in both libraries (torch's default under ``__debug__``, which other
    # tests' imports may have turned off), as it was afterwards
    before = [lib.distributions.Distribution._validate_args for lib in (torch, dyngrad)]
    for lib in (torch, dyngrad):
        lib.distributions.Distribution.set_default_validate_args(True)
    yield
    for lib, value in zip((torch, dyngrad), before):
        lib.distributions.Distribution.set_default_validate_args(value)


def _normal(t):
    loc = t.tensor([0.5, -1.0], requires_grad=True)
    scale = t.tensor([1.5, 0.3], requires_grad=True)
    n = t.distributions.Normal(loc, scale)
    x = n.rsample((3,))
    seen = [n, x, n.sample((2,)), n.log_prob(x), n.entropy(), n.mean, n.stddev, n.variance,
            n.cdf(x), n.icdf(t.tensor([0.1, 0.9])), n.batch_shape, n.event_shape]
    (x.sum() + n.log_prob(x.detach()).sum()).backward()
    return seen + [loc.grad, scale.grad, t.distributions.Normal(0., 1.)]


def _uniform(t):
    u = t.distributions.Uniform(t.tensor([0., 1.]), 3.)
    y = u.sample((2,))
    return [u, y, u.log_prob(y), u.log_prob(t.tensor([0., 3.])), u.entropy(), u.rsample(),
            u.mean, u.variance, u.cdf(y), u.support]


def _bernoulli(t):
    b = t.distributions.Bernoulli(probs=t.tensor([0.2, 0.7, 1.0, 0.0]))
    s = b.sample((4,))
    b2 = t.distributions.Bernoulli(logits=t.tensor([0.3, -2.]))
    return [b, s, b.log_prob(s), b.entropy(), b.logits, b.mode, b.enumerate_support(),
            b2, b2.probs, b2.sample(), b2.mean, b2.variance, b2.entropy()]


def _categorical(t):
    c = t.distributions.Categorical(probs=t.tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]]))
    cs = c.sample((5,))
    c2 = t.distributions.Categorical(logits=t.tensor([1., 2., 0.5]))
    zero = t.distributions.Categorical(probs=t.tensor([0.0, 1.0]))
    return [c, cs, c.log_prob(cs), c.entropy(), c.probs, c.logits, c.enumerate_support(),
            c.mean, c.mode, c2.sample((3, 2)), c2.probs, c2.mode, zero.entropy(),
            zero.sample((4,))]


def _one_hot(t):
    oh = t.distributions.OneHotCategorical(t.tensor([0.2, 0.3, 0.5]))
    s = oh.sample((3,))
    return [oh, s, oh.log_prob(s), oh.entropy(), oh.mean, oh.mode, oh.event_shape,
            oh.enumerate_support()]


def _exponential_laplace(t):
    e = t.distributions.Exponential(t.tensor([0.5, 2.]))
    es = e.rsample((2,))
    lp = t.distributions.Laplace(0., t.tensor([1., 2.]))
    ls = lp.rsample((3,))
    return [e, es, e.log_prob(es), e.entropy(), e.cdf(es), e.mean, e.variance, lp, ls,
            lp.log_prob(ls), lp.entropy(), lp.variance, lp.stddev, lp.cdf(ls)]


def _gamma_family(t):
    # alpha below and above 1, float32 and float64: torch's Marsaglia-Tsang stream
    g = t.distributions.Gamma(t.tensor([0.5, 3.0, 0.05]), t.tensor([1.0, 2.0, 1.0]))
    gs = g.sample((3,))
    g64 = t.distributions.Gamma(t.tensor([0.3, 7.0], dtype=t.float64), 1.0)
    be = t.distributions.Beta(t.tensor([0.5, 2.0]), 3.0)
    bs = be.sample((2,))
    d = t.distributions.Dirichlet(t.tensor([0.5, 1.0, 2.0]))
    ds = d.sample((2,))
    return [g, gs, g.log_prob(gs), g.entropy(), g.mean, g.variance, g64.sample((2,)), be, bs,
            be.log_prob(bs), be.entropy(), be.mean, be.variance, d, ds, d.log_prob(ds),
            d.entropy(), d.mean, d.variance]


def _mvn_independent(t):
    cov = t.tensor([[2.0, 0.3], [0.3, 0.5]])
    m = t.distributions.MultivariateNormal(t.zeros(2), cov)
    ms = m.rsample((3,))
    m2 = t.distributions.MultivariateNormal(t.ones(2, 2), scale_tril=t.tensor([[1., 0.],
                                                                                 [0.5, 2.]]))
    ind = t.distributions.Independent(t.distributions.Normal(t.zeros(2, 3), 1.), 1)
    return [m, ms, m.entropy(), m.variance, m.mean, m.covariance_matrix, m2, m2.sample(),
            m2.batch_shape, m2.event_shape, m2.precision_matrix.shape, ind, ind.batch_shape,
            ind.event_shape, ind.log_prob(t.ones(2, 3)), ind.entropy(), ind.sample()]


def _kl(t):
    D = t.distributions
    b = D.Bernoulli(probs=t.tensor([0.2, 0.7, 1.0, 0.0]))
    c = D.Categorical(probs=t.tensor([[0.1, 0.6, 0.3], [0.0, 0.5, 0.5]]))
    return [D.kl_divergence(D.Normal(0., 1.), D.Normal(1., 2.)),
            D.kl_divergence(b, D.Bernoulli(t.tensor([0.5, 0.5, 0.0, 1.0]))),
            D.kl_divergence(c, D.Categorical(t.tensor([0.3, 0.3, 0.4]))),
            D.kl_divergence(D.Uniform(0., 2.), D.Uniform(-1., 4.)),
            D.kl_divergence(D.Uniform(0., 2.), D.Uniform(1., 4.)),
            D.kl_divergence(D.Exponential(t.tensor([0.5, 2.])), D.Exponential(1.)),
            D.kl_divergence(D.Laplace(0., 2.), D.Laplace(1., 1.)),
            D.kl_divergence(D.Gamma(2., 3.), D.Gamma(1., 1.)),
            D.kl_divergence(D.Beta(2., 3.), D.Beta(1., 1.)),
            D.kl_divergence(D.Dirichlet(t.tensor([0.5, 2., 1.])), D.Dirichlet(t.ones(3))),
            D.kl_divergence(D.Independent(D.Normal(t.zeros(2, 3), 1.), 1),
                            D.Independent(D.Normal(t.ones(2, 3), 2.), 1)),
            D.kl_divergence(D.OneHotCategorical(t.tensor([0.2, 0.8])),
                            D.OneHotCategorical(t.tensor([0.5, 0.5])))]


CASES = {f.__name__[1:]: f for f in (_normal, _uniform, _bernoulli, _categorical, _one_hot,
                                     _exponential_laplace, _gamma_family, _mvn_independent,
                                     _kl)}


@pytest.mark.parametrize("case", CASES)
def test_like_torch(case):
    seen = []
    for lib in (torch, dyngrad):
        lib.manual_seed(7)
        seen.append([str(v) for v in CASES[case](lib)])
    assert seen[0] == seen[1]


def test_multivariate_normal_log_prob():
    # (the triangular solve is LAPACK's in torch: the last bits may differ)
    values = []
    for lib in (torch, dyngrad):
        lib.manual_seed(3)
        cov = lib.tensor([[2.0, 0.3, 0.1], [0.3, 0.5, 0.0], [0.1, 0.0, 1.0]], requires_grad=True)
        m = lib.distributions.MultivariateNormal(lib.tensor([0.5, 0.0, -1.0]), cov)
        lp = m.log_prob(m.sample((4,)))
        lp.sum().backward()
        values.append((lp.detach().numpy(), cov.grad.numpy(),
                       lib.distributions.kl_divergence(
                           m, lib.distributions.MultivariateNormal(lib.ones(3), lib.eye(3))
                       ).detach().numpy()))
    for a, b in zip(*values):
        assert abs(a - b).max() < 1e-5


ERRORS = [
    "D.Normal(t.tensor([float('nan'), 0.]), 1.)", "D.Normal(0., -1.)",
    "D.Exponential(t.tensor([1., 2.])).log_prob(t.tensor([-1., 1.]))",
    "D.Bernoulli(probs=0.5, logits=0.)", "D.Bernoulli()", "D.Uniform(1., 0.)",
    "D.Uniform(t.tensor([0., 2.]), t.tensor([1., 1.]))", "D.Categorical(t.tensor(0.5))",
    "D.Normal(0., 1.).log_prob(1.0)", "D.Normal(t.zeros(2), 1.).log_prob(t.zeros(3))",
    "D.Bernoulli(t.tensor([1.5]))", "D.Categorical(t.tensor([0.5, -0.1]))",
    "D.Dirichlet(t.tensor([1., -1.]))", "D.Beta(1., 0.)", "D.Gamma(t.tensor([1., 0.]), 1.)",
    "D.MultivariateNormal(t.zeros(2), t.tensor([[1., 2.], [2., 1.]]))",
    "D.MultivariateNormal(t.zeros(2))", "D.MultivariateNormal(t.zeros(2), t.eye(2), t.eye(2))",
    "D.Independent(D.Normal(0., 1.), 1)", "D.Categorical(t.tensor([0.2, 0.8])).log_prob(t.tensor(2))",
    "D.Bernoulli(0.3).log_prob(t.tensor(0.5))", "D.Normal(0., 1., validate_args=False).log_prob(t.tensor(float('nan')))",
    "D.Gamma(t.tensor([0.5], requires_grad=True), 1.).rsample()",
    "D.Uniform(t.tensor([0., 1.]), 3.).log_prob(t.tensor([-1., 3.]))",
]


@pytest.mark.parametrize("snippet", ERRORS)
def test_errors_like_torch(snippet):
    seen = []
    for lib in (torch, dyngrad):
        try:
            seen.append(("ok", str(eval(snippet, {"t": lib, "D": lib.distributions}))))
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            seen.append((type(e).__name__, str(e)))
    if snippet.startswith("D.Gamma(t.tensor([0.5], requires_grad=True)"):
        # dyngrad has no reparameterised Gamma gradient yet: it refuses, naming it
        assert seen[1][0] == "NotImplementedError" and "_standard_gamma_grad" in seen[1][1]
        return
    assert seen[0] == seen[1]

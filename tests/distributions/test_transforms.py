"""Transforms, the constraint registries and TransformedDistribution against torch: each
transform maps the same input on both libraries; its output, inverse, log |det J|, the
gradient of both, its domain and codomain, shapes, sign, equality and repr must agree."""
import pytest
import torch

import dyngrad

from ._probe import assert_same, probe, shown


def _transforms(t):
    T = t.distributions.transforms
    f64 = dict(dtype=t.float64)
    return {
        "exp": T.ExpTransform(), "affine": T.AffineTransform(1., -2.),
        "affine_event": T.AffineTransform(t.tensor([1., 2., 3.], **f64), t.tensor(0.5, **f64),
                                          event_dim=1),
        "sigmoid": T.SigmoidTransform(), "tanh": T.TanhTransform(),
        "softplus": T.SoftplusTransform(), "abs": T.AbsTransform(),
        "stick_breaking": T.StickBreakingTransform(), "softmax": T.SoftmaxTransform(),
        "corr_cholesky": T.CorrCholeskyTransform(),
        "compose": T.ComposeTransform([T.ExpTransform(), T.AffineTransform(0., 3.)]),
        "compose_cached": T.ComposeTransform([T.SigmoidTransform(), T.ExpTransform()],
                                             cache_size=1),
        "identity": T.identity_transform,
        "independent": T.IndependentTransform(T.SigmoidTransform(), 1),
        "reshape": T.ReshapeTransform((3,), (3, 1)),
        "cat": T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], dim=1, lengths=[1, 2]),
        "stack": T.StackTransform([T.ExpTransform(), T.TanhTransform()], dim=0),
        "power": T.PowerTransform(2.), "inverse": T.ExpTransform().inv,
        "cdf": T.CumulativeDistributionTransform(t.distributions.Normal(0., 2.)),
    }


@pytest.mark.parametrize("name", list(_transforms(torch)))
def test_transform_like_torch(name):
    seen = []
    for lib in (torch, dyngrad):
        tr = _transforms(lib)[name]
        x = lib.tensor([[-1.5, 0.2, 3.0], [0., -0.3, 1.]], dtype=lib.float64, requires_grad=True)
        xx = x.exp() if name in ("power", "inverse") else x  # (on the positive reals)
        y = tr(xx)
        out = [repr(tr), y, repr(tr.domain), repr(tr.codomain), tr.bijective,
               shown(lambda: tr.sign), shown(lambda: tr.event_dim), tr == tr.inv.inv,
               tr == _transforms(lib)[name], tr.inv(y), shown(lambda: tr.inv.inv is tr)]
        ladj = shown(lambda: tr.log_abs_det_jacobian(xx, y))
        out += [ladj, shown(lambda: tr.inv.log_abs_det_jacobian(y, xx)),
                shown(lambda: tr.forward_shape(xx.shape)),
                shown(lambda: tr.inverse_shape(y.shape))]
        if not isinstance(ladj, str):
            out += list(lib.autograd.grad(ladj.sum() + y.sum(), x))
        seen.append(out)
    assert_same(*seen)


def _matrices(t):
    T = t.distributions.transforms
    m = t.tensor([[1., 0.5], [-.3, .2]], dtype=t.float64)
    pd = T.PositiveDefiniteTransform()
    return [T.LowerCholeskyTransform()(m), T.LowerCholeskyTransform().inv(m.tril().exp()),
            pd(m), pd.inv(pd(m)), T.CorrCholeskyTransform().inv(
                T.CorrCholeskyTransform()(t.tensor([0.3, -1.2, 2.0], dtype=t.float64)))]


def _registries(t):
    C, D = t.distributions.constraints, t.distributions
    found = []
    for c in [C.real, C.positive, C.nonnegative, C.greater_than(2.), C.greater_than_eq(-1.),
              C.less_than(1.), C.interval(-1., 2.), C.half_open_interval(0., 3.),
              C.unit_interval, C.simplex, C.real_vector, C.lower_cholesky, C.positive_definite,
              C.positive_semidefinite, C.corr_cholesky, C.boolean, C.integer_interval(0, 3),
              C.independent(C.positive, 2), C.cat([C.positive, C.real], 0, [2, 1]),
              C.stack([C.unit_interval, C.positive], -1)]:
        for registry in (D.transform_to, D.biject_to):
            found.append(shown(lambda: repr(registry(c))))
    x = t.tensor([0.3, -2.0, 1.5])
    found += [D.biject_to(C.interval(-1., 2.))(x), D.transform_to(C.simplex)(x),
              D.biject_to(C.simplex)(x), D.biject_to(C.cat([C.positive, C.real], 0, [2, 1]))(x),
              D.transform_to(C.stack([C.unit_interval, C.positive], 0))(x[:2])]
    return found


def _transformed(t):
    D, T = t.distributions, t.distributions.transforms
    loc = t.tensor([0.5, -1.0], requires_grad=True)
    d = D.TransformedDistribution(D.Normal(loc, 2.),
                                  [T.AffineTransform(1., -3.), T.SigmoidTransform()])
    return probe(t, d, [loc])


def _transformed_event(t):
    D, T = t.distributions, t.distributions.transforms
    loc = t.tensor([[0.5, -1.0], [0., 2.]], requires_grad=True)
    d = D.TransformedDistribution(D.Normal(loc, 1.), T.StickBreakingTransform())
    return probe(t, d, [loc]) + [d.support]


def _transformed_decreasing(t):
    # a decreasing chain turns the base's CDF around; a CDF as a transform
    D, T = t.distributions, t.distributions.transforms
    scale = t.tensor([2.0, 0.5], requires_grad=True)
    d = D.TransformedDistribution(D.Normal(0., scale), [T.AffineTransform(1., -3.)])
    u = D.TransformedDistribution(D.Normal(0., 1.), [T.CumulativeDistributionTransform(
        D.Normal(0., 1.))])
    x = t.tensor([0.5, -1.0])
    U = t.distributions.utils
    return probe(t, d, [scale]) + [d.cdf(x), d.icdf(t.tensor([0.2, 0.9])), u.sample((3,)),
                                   u.log_prob(t.tensor([0.2, 0.7])), u.support,
                                   U.probs_to_logits(t.tensor([0.2, 0.5]), is_binary=True),
                                   U.vec_to_tril_matrix(t.arange(6.)),
                                   U.tril_matrix_to_vec(t.ones(3, 3), diag=-1),
                                   shown(lambda: U.vec_to_tril_matrix(t.arange(5.)))]


def _constraints(t):
    C = t.distributions.constraints
    m = t.tensor([[[1., 0.], [0.5, 2.]], [[1., 0.2], [0.2, 1.]], [[0.6, 0.], [0.8, 0.]]])
    checks = [C.lower_triangular, C.lower_cholesky, C.corr_cholesky, C.square, C.symmetric,
              C.positive_semidefinite, C.positive_definite, C.multinomial(3),
              C.positive_integer, C.cat([C.positive, C.real], -1, [1, 1]),
              C.stack([C.positive, C.real], -1)]
    return [(repr(c), c.event_dim, c.is_discrete, c.check(m)) for c in checks] + [
        isinstance(C.dependent_property(lambda self: 0), property),
        C.is_dependent(C.dependent), repr(C.greater_than(t.tensor(2.))),
        shown(lambda: C.dependent.event_dim), C.dependent(event_dim=1).event_dim]


@pytest.mark.parametrize("case", [_matrices, _registries, _transformed, _transformed_event,
                                  _transformed_decreasing, _constraints])
def test_like_torch(case):
    seen = []
    for lib in (torch, dyngrad):
        lib.manual_seed(5)
        seen.append(case(lib))
    assert_same(*seen)


ERRORS = [
    "T.Transform(cache_size=2)", "T.ExpTransform().sign and T.Transform().sign",
    "D.TransformedDistribution(D.Normal(0., 1.), 3)",
    "D.TransformedDistribution(D.Normal(0., 1.), [3])",
    "D.TransformedDistribution(D.Normal(0., 1.), T.StickBreakingTransform())",
    "T.ReshapeTransform((2,), (3,))", "T.ReshapeTransform((2,), (2, 1)).forward_shape((3,))",
    "T.CorrCholeskyTransform().forward_shape((4,))", "D.biject_to(D.constraints.boolean)",
    "D.transform_to.register(3, lambda c: c)",
    "T.AffineTransform(0., 2.).with_cache(1) == T.AffineTransform(0., 2.)",
    "T.ExpTransform().domain.event_dim, T.StickBreakingTransform().event_dim",
    "T.ComposeTransform([T.ExpTransform(), T.StickBreakingTransform()]).event_dim",
    "D.LogNormal(0., -1.)", "D.Gumbel(t.tensor([0.]), t.tensor([-1.]))",
    "D.LogNormal(0., 1.).log_prob(t.tensor(-1.))", "D.HalfNormal(1.).log_prob(t.tensor([-1.]))",
    "D.HalfCauchy(1.).log_prob(1.)", "D.Pareto(1., 1.).log_prob(t.tensor(0.5))",
    "D.StudentT(t.tensor([-1.]))", "D.Kumaraswamy(1., 1.).log_prob(t.tensor(1.5))",
    "D.Weibull(1., 1.).expand((2, 3)).sample().shape",
    "D.Normal(0., 1.).expand((2,)).expand((3, 2))",
    "D.Normal(t.zeros(2), 1.).expand((3,))",
]


@pytest.mark.parametrize("snippet", ERRORS)
def test_errors_like_torch(snippet):
    seen = []
    for lib in (torch, dyngrad):
        seen.append(shown(lambda: eval(snippet, {"t": lib, "D": lib.distributions,
                                                 "T": lib.distributions.transforms})))
    assert_same([seen[0]], [seen[1]])

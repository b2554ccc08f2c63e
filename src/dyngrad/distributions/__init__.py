"""torch.distributions: the distributions, their shapes, validation, sampling on torch's
random stream, log_prob, entropy and moments; transforms, TransformedDistribution and the
constraint registries (biject_to, transform_to); kl_divergence for the pairs torch
registers."""
from . import constraints  # noqa: F401
from .continuous import Cauchy, Exponential, Laplace, Normal, Uniform  # noqa: F401
from .counts import Geometric, Poisson  # noqa: F401
from .discrete import Bernoulli, Categorical, OneHotCategorical  # noqa: F401
from .distribution import Distribution  # noqa: F401
from .exp_family import ExponentialFamily  # noqa: F401
from .gamma import Beta, Chi2, Dirichlet, Gamma  # noqa: F401
from .kl import kl_divergence, register_kl  # noqa: F401
from . import kl_families  # noqa: F401  (registers the pairs of different families)
from .multivariate import Independent, MultivariateNormal  # noqa: F401
from . import transforms  # noqa: F401
from .transforms import *  # noqa: F401,F403
from .constraint_registry import biject_to, transform_to  # noqa: F401
from .transformed_distribution import TransformedDistribution  # noqa: F401
from .extreme_value import GeneralizedPareto, Gumbel, Pareto, Weibull  # noqa: F401
from .from_gamma import FisherSnedecor, InverseGamma, StudentT  # noqa: F401
from .half import HalfCauchy, HalfNormal  # noqa: F401
from .kumaraswamy import Kumaraswamy  # noqa: F401
from .log_normal import LogisticNormal, LogNormal  # noqa: F401
from .trials import Binomial, Multinomial, NegativeBinomial  # noqa: F401
from .continuous_bernoulli import ContinuousBernoulli  # noqa: F401
from .relaxed import (OneHotCategoricalStraightThrough, RelaxedBernoulli,  # noqa: F401
                      RelaxedOneHotCategorical)
from .lowrank_multivariate_normal import LowRankMultivariateNormal  # noqa: F401
from .mixture_same_family import MixtureSameFamily  # noqa: F401
from .von_mises import VonMises  # noqa: F401
from .wishart import Wishart  # noqa: F401
from .lkj_cholesky import LKJCholesky  # noqa: F401
from . import kl_cross, kl_same  # noqa: F401  (the pairs with the later families)
from . import utils  # noqa: F401

__all__ = ["Bernoulli", "Beta", "biject_to", "Binomial", "Categorical", "Cauchy", "Chi2",
           "ContinuousBernoulli", "Dirichlet", "Distribution", "Exponential",
           "ExponentialFamily", "FisherSnedecor", "Gamma", "GeneralizedPareto", "Geometric",
           "Gumbel", "HalfCauchy", "HalfNormal", "Independent", "InverseGamma",
           "kl_divergence", "Kumaraswamy", "Laplace", "LKJCholesky", "LogisticNormal",
           "LogNormal", "LowRankMultivariateNormal", "MixtureSameFamily", "Multinomial",
           "MultivariateNormal", "NegativeBinomial", "Normal", "OneHotCategorical",
           "OneHotCategoricalStraightThrough", "Pareto", "Poisson", "register_kl",
           "RelaxedBernoulli", "RelaxedOneHotCategorical", "StudentT", "transform_to",
           "TransformedDistribution", "Uniform", "VonMises", "Weibull", "Wishart",
           *transforms.__all__]

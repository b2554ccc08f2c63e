"""torch.distributions: the common distributions, their shapes, validation, sampling on
torch's random stream, log_prob, entropy and moments; kl_divergence for the common pairs."""
from . import constraints  # noqa: F401
from .continuous import Cauchy, Exponential, Laplace, Normal, Uniform  # noqa: F401
from .counts import Geometric, Poisson  # noqa: F401
from .discrete import Bernoulli, Categorical, OneHotCategorical  # noqa: F401
from .distribution import Distribution  # noqa: F401
from .gamma import Beta, Chi2, Dirichlet, Gamma  # noqa: F401
from .kl import kl_divergence, register_kl  # noqa: F401
from . import kl_families  # noqa: F401  (registers the pairs of different families)
from .multivariate import Independent, MultivariateNormal  # noqa: F401

__all__ = ["Bernoulli", "Beta", "Categorical", "Cauchy", "Chi2", "Dirichlet", "Distribution",
           "Exponential", "Gamma", "Geometric", "Independent", "Laplace", "MultivariateNormal",
           "Normal", "OneHotCategorical", "Poisson", "Uniform", "constraints", "kl_divergence",
           "register_kl"]

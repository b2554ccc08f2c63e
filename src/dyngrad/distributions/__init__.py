"""torch.distributions: the common distributions, their shapes, validation, sampling on
torch's random stream, log_prob, entropy and moments; kl_divergence for the common pairs."""
from . import constraints  # noqa: F401
from .continuous import Exponential, Laplace, Normal, Uniform  # noqa: F401
from .discrete import Bernoulli, Categorical, OneHotCategorical  # noqa: F401
from .distribution import Distribution  # noqa: F401
from .gamma import Beta, Dirichlet, Gamma  # noqa: F401
from .kl import kl_divergence, register_kl  # noqa: F401
from .multivariate import Independent, MultivariateNormal  # noqa: F401

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "Distribution", "Exponential",
           "Gamma", "Independent", "Laplace", "MultivariateNormal", "Normal",
           "OneHotCategorical", "Uniform", "constraints", "kl_divergence", "register_kl"]

"""HalfNormal and HalfCauchy: |X| for a centred Normal or Cauchy X, so twice its density
on the nonnegative reals."""
import math

from ..creation import full, zeros_like
from ..ops.torch_math import where
from . import constraints
from .continuous import Cauchy, Normal
from .transformed_distribution import TransformedDistribution
from .transforms_pointwise import AbsTransform

__all__ = ["HalfCauchy", "HalfNormal"]


class _Half(TransformedDistribution):
    """|X| for X of the centred family ``_base`` with the given scale."""
    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        super().__init__(self._base(0, scale, validate_args=False), AbsTransform(),
                         validate_args=validate_args)

    scale = property(lambda self: self.base_dist.scale)
    mode = property(lambda self: zeros_like(self.scale))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, -math.inf)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_Half):
    _base = Normal
    mean = property(lambda self: self.scale * math.sqrt(2 / math.pi))
    variance = property(lambda self: self.scale.pow(2) * (1 - 2 / math.pi))


class HalfCauchy(_Half):
    _base = Cauchy
    mean = property(lambda self: full(self._extended_shape(), math.inf,
                                      dtype=self.scale.dtype))
    variance = property(lambda self: self.base_dist.variance)

    def log_prob(self, value):
        from .. import as_tensor  # (the namespace sits above this package)
        if self._validate_args:  # (before the conversion: a number is refused)
            self._validate_sample(value)
        return super().log_prob(as_tensor(value, dtype=self.base_dist.scale.dtype))

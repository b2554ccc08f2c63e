"""Poisson and Geometric: counts, drawn from torch's random stream as torch draws them."""
from .. import _dtype_info
from .._size import Size
from ..autograd import grad_mode
from ..creation import zeros_like
from ..ops.sampling import poisson
from . import constraints
from .discrete import BinaryProbsLogits, probs_or_logits
from .exp_family import ExponentialFamily
from .distribution import Distribution, broadcast_all


class Poisson(ExponentialFamily):
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(Size(()) if self.rate.dim() == 0 else self.rate.size(),
                         validate_args=validate_args)

    mean = property(lambda self: self.rate)
    mode = property(lambda self: self.rate.floor())
    variance = property(lambda self: self.rate)

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            return poisson(self.rate.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()

    _natural_params = property(lambda self: (self.rate.log(),))

    def _log_normalizer(self, x):
        return x.exp()


class Geometric(BinaryProbsLogits, Distribution):
    """The number of failures before the first success, by probs or by logits."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        super().__init__(probs_or_logits(self, probs, logits), validate_args=validate_args)
        if self._validate_args and probs is not None:
            # (probs = 0 passes the unit interval, but no success ever comes)
            valid = self.probs > 0
            if not valid.all():
                raise ValueError(f"Expected parameter probs ({type(self.probs).__name__} of "
                                 f"shape {tuple(self.probs.shape)}) of distribution "
                                 f"{self!r} to be positive but found invalid values:\n"
                                 f"{self.probs.data[~valid]}")

    mean = property(lambda self: 1.0 / self.probs - 1.0)
    mode = property(lambda self: zeros_like(self.probs))
    variance = property(lambda self: (1.0 / self.probs - 1.0) / self.probs)

    def sample(self, sample_shape=Size()):
        # inversion of the CDF: floor(log u / log(1 - p)), u uniform on [tiny, 1)
        shape = self._extended_shape(sample_shape)
        tiny = _dtype_info.finfo(self.probs.dtype).tiny
        with grad_mode.no_grad():
            u = self.probs.new_empty(shape).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = probs.clone()
        probs[(probs == 1) & (value == 0)] = 0  # (0 * log 0 counts as 0 at p = 1)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        from ..nn.functional import binary_cross_entropy_with_logits as bce
        return bce(self.logits, self.probs, reduction="none") / self.probs

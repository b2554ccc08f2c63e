"""Distribution: batch and event shapes, argument and sample validation with torch's
messages, sample through rsample, the repr; and the helpers its families share."""
import math
import warnings

from .. import _dtype_info
from .._size import Size
from ..autograd import grad_mode
from ..creation import tensor
from ..tensor import Tensor
from . import constraints


class lazy_property:
    """A value computed on first read and kept on the instance (probs from logits, ...)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with grad_mode.enable_grad():
            value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


def _shown(value):
    """A parameter as torch's messages show it: a one-element tensor by value."""
    if value.dim() == 0:
        return format(value.item())
    return str(value)


class Distribution:
    _abstract = True  # (a base for families, not one)
    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    arg_constraints = {}
    support = None

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=Size(), event_shape=Size(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if not self._validate_args:
            return
        if self.arg_constraints is Distribution.arg_constraints:
            warnings.warn(f"{type(self)} does not define `arg_constraints`. Please set "
                          "`arg_constraints = {}` or initialize the distribution with "
                          "`validate_args=False` to turn off validation.", stacklevel=2)
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(getattr(type(self), param, None),
                                                         lazy_property):
                continue  # (the other parametrisation, made on demand)
            value = getattr(self, param)
            if not constraint.check(value).all():
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                    f"{constraint!r}, but found invalid values:\n{_shown(value)}")

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    # the tensors expand() broadcasts to the new batch shape: the parameters (and any
    # parametrisation already made from them), each keeping its trailing event dims
    _expanded = ()
    # the distributions it is made of, over the same batch shape (Beta's Dirichlet, ...)
    _inner = ()

    def expand(self, batch_shape, _instance=None):
        """A view of this distribution with a larger batch shape; the parameters are
        expanded, never copied, so samples match those of the expanded parameters."""
        owner = _library_class(self)
        if owner.__dict__.get("_abstract", False):
            raise NotImplementedError  # (a user's family: it says how it expands)
        new = self._get_checked_instance(owner, _instance)
        batch_shape = Size(batch_shape)
        self._expand_params(new, batch_shape)
        for name in self._inner:
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name].expand(batch_shape)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _expand_params(self, new, batch_shape):
        """Give ``new`` this distribution's attributes, the parameters expanded."""
        new.__dict__.update(self.__dict__)
        for name in tuple(self.arg_constraints) + self._expanded:
            value = self.__dict__.get(name)
            if isinstance(value, Tensor):
                trailing = tuple(value.shape[len(self._batch_shape):])
                new.__dict__[name] = value.expand(tuple(batch_shape) + trailing)

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def _extended_shape(self, sample_shape=Size()):
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=Size()):
        with grad_mode.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=Size()):
        raise NotImplementedError

    def sample_n(self, n):
        return self.sample(Size((n,)))

    def log_prob(self, value):
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError

    def icdf(self, value):
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def perplexity(self):
        return self.entropy().exp()

    def enumerate_support(self, expand=True):
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def _validate_sample(self, value):
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.size()) - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        actual_shape = value.size()
        expected_shape = self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{actual_shape} vs {expected_shape}.")
        support = self.support
        if not constraints.is_dependent(support) and not support.check(value).all():
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{_shown(value)}")

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        shown = ", ".join(f"{p}: {_repr_param(self.__dict__[p])}" for p in names)
        return f"{type(self).__name__}({shown})"


def _library_class(d):
    """The nearest class of ``d`` that this package defines: a user's subclass with its
    own __init__ must define its own expand, as torch requires."""
    return next(c for c in type(d).__mro__ if c.__module__.startswith(__name__.rpartition(".")[0]))


def _repr_param(value):
    return format(value) if value.numel() == 1 else str(value.size())


def as_tensor(value, like=None):
    """A parameter given as a number becomes a tensor of the default dtype (or like's)."""
    if isinstance(value, Tensor):
        return value
    return tensor(value, dtype=None if like is None else like.dtype)


def broadcast_all(*values):
    """Tensors and numbers broadcast to one shape; numbers take the tensors' dtype."""
    from .. import broadcast_tensors  # (the namespace sits above this package)
    like = next((v for v in values if isinstance(v, Tensor)), None)
    if like is None and not all(isinstance(v, (int, float)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    return broadcast_tensors(*[as_tensor(float(v) if not isinstance(v, Tensor) else v, like)
                               for v in values])


def clamp_probs(probs):
    eps = _dtype_info.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


def logits_to_probs(logits, is_binary=False):
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


def sum_rightmost(value, dim):
    if dim == 0:
        return value
    return value.reshape(value.shape[:value.dim() - dim] + (-1,)).sum(-1)


LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))
euler_constant = 0.57721566490153286060  # Euler-Mascheroni

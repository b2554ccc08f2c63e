"""Samplers recorded in the graph with a zero gradient, as torch records them."""
from .. import random as _random
from ..tensor import Tensor
from ._table import ELEMENTWISE, Op
from .inplace import zeros_like


def _poisson(self, generator):
    return _random._generator(generator).poisson(self)


poisson_op = Op("PoissonBackward0", _poisson, jvp=ELEMENTWISE, self=zeros_like)


def poisson(input, generator=None):
    """torch.poisson: a Poisson draw per element with its rate, on torch's stream."""
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input._data.dtype.kind not in "fV":
        raise NotImplementedError(f'"poisson_cpu" not implemented for '
                                  f"'{input.dtype._cname}'")
    return _random._per_element(lambda rates: _poisson_checked(rates, generator), input)


def _poisson_checked(rates, generator):
    if (rates._data < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return poisson_op(rates, generator)


FUNCTIONS = {"poisson": poisson}

"""Samplers recorded in the graph: Poisson with a zero gradient, Gamma with its implicit
reparameterisation gradient (_reparam_math.py), as torch records them."""
from .. import _reparam_math
from .._args import type_name
from .. import random as _random
from ..tensor import Tensor
from ._table import ELEMENTWISE, Op, derivative_not_implemented
from .inplace import zeros_like


def _poisson(self, generator):
    if (self < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return _random._generator(generator).poisson(self)


poisson_op = Op("PoissonBackward0", _poisson, jvp=ELEMENTWISE, self=zeros_like)


def poisson(input, generator=None):
    """torch.poisson: a Poisson draw per element with its rate, on torch's stream."""
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(input)}")
    if input._data.dtype.kind not in "fV":
        raise NotImplementedError(f'"poisson_cpu" not implemented for '
                                  f"'{input.dtype._cname}'")
    return _random._per_element_op(poisson_op, input, generator)


def _standard_gamma_grad(self, output):
    return _reparam_math.standard_gamma_grad(self, output).astype(self.dtype)


standard_gamma_grad_op = Op("StandardGammaGradBackward0", _standard_gamma_grad,
                            nondiff=("output",),
                            self=derivative_not_implemented("_standard_gamma_grad"),
                            jvp_name="_standard_gamma_grad")  # (no forward rule in torch)


def _standard_gamma(self, generator):
    return _random._generator(generator).standard_gamma(self)


# a draw x of Gamma(alpha, 1) moves with alpha by dx/dalpha = -(dF/dalpha) / pdf(x)
standard_gamma_op = Op("StandardGammaBackward0", _standard_gamma, jvp_name="_standard_gamma",
                       self=lambda grad, self, result: grad * standard_gamma_grad_op(self, result))


def standard_gamma(self, generator=None):
    """torch._standard_gamma: one Gamma(alpha, 1) draw per element, on torch's stream."""
    if self._data.dtype.kind not in "fV":
        raise NotImplementedError(f'"gamma_cpu" not implemented for \'{self.dtype._cname}\'')
    return _random._per_element_op(standard_gamma_op, self, generator)


FUNCTIONS = {"poisson": poisson, "_standard_gamma": standard_gamma,
             "_standard_gamma_grad": standard_gamma_grad_op}

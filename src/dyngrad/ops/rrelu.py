"""rrelu (RreluWithNoiseBackward0; in place RreluWithNoiseBackward1): a leaky ReLU whose
negative slope is drawn per element from U(lower, upper) in training, and is their mean in
evaluation.

The slopes drawn are the op's ``noise`` (1 where the input is positive), as torch's
rrelu_with_noise keeps them: the gradient is the incoming one times the noise, and in
evaluation a leaky ReLU's. Each non-positive element, in order, takes one double from the
generator, as torch's CPU kernel draws them, so a seed gives torch's slopes.
"""
from .. import _backend
from .. import random as _random
from ._table import ELEMENTWISE, Op
from .activation_pointwise import _leaky_relu_backward
from .inplace import zeros_like

xp = _backend.xp


def draw_noise(self, lower, upper, generator=None):
    """torch's slopes for an input array: U(lower, upper) at each element <= 0, else 1."""
    noise = xp.ones(self.shape, self.dtype)
    negative = self <= 0
    # the bounds pass through the input's compute type first (float for every type but
    # double), the draw is in double
    opmath = xp.float64 if self.dtype == xp.float64 else xp.float32
    low, high = (float(opmath(b)) for b in (lower, upper))
    u = _random._generator(generator)._uniform_double01(int(negative.sum()))
    noise[negative] = (u * (high - low) + low).astype(self.dtype)
    return noise


def _slopes(self, noise, lower, upper, training):
    if training:
        return noise
    return xp.where(self > 0, self.dtype.type(1), self.dtype.type((lower + upper) / 2))


def _rrelu_with_noise(self, noise, lower, upper, training):
    return self * _slopes(self, noise, lower, upper, training)


def _rrelu_with_noise_backward(grad_output, self, noise, lower, upper, training,
                               self_is_result):
    if training:
        return grad_output * noise
    # evaluation: torch's leaky_relu_backward at the mean slope, which refuses the in-place
    # form's saved result when that slope is negative (the result lost the input's sign)
    return _leaky_relu_backward(grad_output, self, (lower + upper) / 2, self_is_result)


def _grad(grad, self, noise, lower, upper, training):
    return rrelu_with_noise_backward(grad, self, noise, lower, upper, training, False)


rrelu_with_noise = Op("RreluWithNoiseBackward0", _rrelu_with_noise, jvp=ELEMENTWISE,
                      nondiff=("noise",), self=_grad)
rrelu_with_noise_ = Op("RreluWithNoiseBackward1", _rrelu_with_noise, jvp_name="rrelu_with_noise_",
                       nondiff=("noise",),
                       self=lambda grad, result, noise, lower, upper, training:
                           rrelu_with_noise_backward(grad, result, noise, lower, upper, training,
                                                     True))
rrelu_with_noise_backward = Op(
    "RreluWithNoiseBackwardBackward0", _rrelu_with_noise_backward, jvp=ELEMENTWISE,
    nondiff=("noise",), grad_output=_grad, self=lambda grad: zeros_like(grad))

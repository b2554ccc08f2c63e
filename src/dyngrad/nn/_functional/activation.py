"""Activations of torch.nn.functional, each resolved to its op-table entry
(ops/activation_pointwise.py) or composed as torch composes it (softsign, tanhshrink,
gumbel_softmax)."""
import warnings

from ... import creation as _creation
from ...ops import activation_pointwise as _ap
from ...ops import torch_nn as _nn
from ...ops.inplace import apply_inplace as _apply_inplace


def _run(op, inplace, input, *args, inplace_op=None):
    # the in-place form writes the result into ``input``: under the same node, or under
    # ``inplace_op`` where torch records its own (LeakyReluBackward1 saves the result)
    if inplace:
        return _apply_inplace(inplace_op or op, input, (input,) + args)
    return op(input, *args)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _ap.gelu(input, approximate)


def silu(input, inplace=False):
    return _run(_ap.silu, inplace, input)


def mish(input, inplace=False):
    return _run(_ap.mish, inplace, input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _run(_ap.leaky_relu, inplace, input, negative_slope, inplace_op=_ap.leaky_relu_)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not (input._data.dtype.kind == "u" and min_val < 0):  # (refused by the kernel first)
        for bound in (min_val, max_val):  # (converted to the input's dtype, as torch's clamp)
            _creation.check_scalar(bound, input._data.dtype)
    return _run(_ap.hardtanh, inplace, input, min_val, max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input, inplace=False):
    return _run(_ap.hardsigmoid, inplace, input)


def hardswish(input, inplace=False):
    return _run(_ap.hardswish, inplace, input)


def elu(input, alpha=1.0, inplace=False):
    return _run(_ap.elu, inplace, input, alpha, 1.0, 1.0, inplace_op=_ap.elu_)


def selu(input, inplace=False):
    return _run(_ap.elu, inplace, input, _ap.SELU_ALPHA, _ap.SELU_SCALE, 1.0,
                inplace_op=_ap.elu_)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _run(_ap.celu, inplace, input, alpha, 1.0, 1.0 / alpha, inplace_op=_ap.celu_)


def softplus(input, beta=1.0, threshold=20.0):
    return _ap.softplus(input, beta, threshold)


def logsigmoid(input):
    return _ap.log_sigmoid(input)


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):
    for number in (threshold, value):  # (converted to the input's dtype)
        _creation.check_scalar(number, input._data.dtype)
    return _run(_ap.threshold, inplace, input, threshold, value, inplace_op=_ap.threshold_)


def glu(input, dim=-1):
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    n = input.shape[dim]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension "
                           f"{dim % input.dim()} is size {n}")
    return _ap.glu(input, dim % input.dim())


def prelu(input, weight):
    # torch views the weight so that it broadcasts along dim 1 (the channels)
    if weight.numel() != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() >= 2 else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    if input.dim() >= 2:
        shape = [1] * input.dim()
        shape[1] = weight.numel()
        weight = weight.view(*shape) if weight.numel() != 1 else weight.view([1] * input.dim())
    elif weight.dim() == 1 and input.dim() == 0:
        weight = weight.view(())  # (one weight: the result stays 0-dim)
    return _ap.prelu_kernel(input, weight)


def hardshrink(input, lambd=0.5):
    return _ap.hardshrink(input, lambd)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return _ap.softshrink(input, lambd)


# the in-place forms torch also names with a trailing underscore
def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


def selu_(input):
    return selu(input, True)


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def threshold_(input, threshold_, value):
    return threshold(input, threshold_, value, True)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A softmax of logits plus Gumbel(0, 1) noise, at temperature ``tau``; ``hard`` returns
    the one-hot argmax whose gradient is the soft sample's (straight through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -_creation.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _creation.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    return (_nn.rrelu_ if inplace else _nn.rrelu)(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return _nn.rrelu_(input, lower, upper, training)

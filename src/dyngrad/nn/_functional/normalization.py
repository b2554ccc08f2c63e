"""Normalization functionals: batch_norm, layer_norm, group_norm, instance_norm, normalize,
local_response_norm."""
import math

from ...ops import torch_nn as _nn
from ...ops.out import call_with_out
from ...ops.torch_math import div as _div
from ...ops import torch_pooling as _pool
from .padding import pad as _pad


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    return _nn.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    _verify_batch_size([input.shape[0] * input.shape[1] // num_groups, num_groups]
                       + list(input.shape[2:]))
    return _nn.group_norm(input, num_groups, weight, bias, eps)


def _verify_batch_size(size):
    if size[0] * math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _nn.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


def _verify_spatial_size(size):
    if math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{size}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    if use_input_stats:
        _verify_spatial_size(input.size())
    return _nn.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                             momentum, eps)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    # written into ``out`` (spectral norm's power iteration keeps its buffers this way)
    return call_with_out("div", _div, (input, denom), {}, out)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Each value divided by (k + alpha * mean of squares over ``size`` neighbouring
    channels) ** beta: the channel window is an average pool over a zero-padded channel
    axis, placed as a pooled spatial axis."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    squares = input.mul(input)
    before, after = size // 2, (size - 1) // 2
    if dim == 3:
        window = _pad(squares.unsqueeze(1), (0, 0, before, after))
        mean = _pool.avg_pool2d(window, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        window = _pad(squares.view(sizes[0], 1, sizes[1], sizes[2], -1),
                      (0, 0, 0, 0, before, after))
        mean = _pool.avg_pool3d(window, (size, 1, 1), stride=1).squeeze(1).view(sizes)
    return input / mean.mul(alpha).add(k).pow(beta)

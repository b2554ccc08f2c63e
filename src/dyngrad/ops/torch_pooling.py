"""Pooling with torch's signatures (torch.max_pool2d, F.max_pool3d, F.avg_pool1d, ...):
arguments checked as torch checks them, the 1-d forms run on an unsqueezed input as
torch composes them, and adaptive average pooling to 1x1 is a mean, as in torch."""
from .._kernel_dtypes import FLOATING, check_kernel
from . import pooling as _pl
from .pool_checks import (adaptive_avg_size, adaptive_max_size, adaptive_one_d,
                          max_pool1d_checks, one_d, window)


def _max_pool(n, forward, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    kernel, stride, padding, dilation = window(f"max_pool{n}d", input, kernel_size, stride,
                                               padding, dilation, ceil_mode)
    out, indices = forward(input, kernel, stride, padding, dilation, ceil_mode)
    return (out, indices) if return_indices else out


def _avg_pool(n, forward, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    kernel, stride, padding, _ = window(f"avg_pool{n}d", input, kernel_size, stride, padding,
                                        ceil_mode=ceil_mode, divisor_override=divisor_override)
    return forward(input, kernel, stride, padding, ceil_mode, count_include_pad,
                   divisor_override)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(2, _pl.max_pool2d_with_indices, input, kernel_size, stride, padding,
                     dilation, ceil_mode, return_indices)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    max_pool1d_checks(input, kernel_size, stride, padding, dilation, ceil_mode)
    if not input.requires_grad:  # torch's own kernel for this case
        check_kernel(input._data, "max_pool1d_impl", FLOATING)
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)[0]


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    args = one_d("max_pool1d", input, kernel_size, stride, padding, dilation)
    out, indices = max_pool2d(*args, ceil_mode, True)
    return out.squeeze(-2), indices.squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool(2, _pl.avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    x, kernel, stride, padding, _ = one_d("avg_pool1d", input, kernel_size, stride, padding)
    return avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    size, mean = adaptive_avg_size(input, output_size, 2)
    if mean:  # as torch: an output of 1x1 is a mean
        return input.mean((-1, -2), keepdim=True)
    return _pl.adaptive_avg_pool2d(input, size)


def adaptive_avg_pool1d(input, output_size):
    x, size = adaptive_one_d("adaptive_avg_pool1d", input, output_size)
    return adaptive_avg_pool2d(x, size).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    out, indices = _pl.adaptive_max_pool2d(input, adaptive_max_size(input, output_size, 2))
    return (out, indices) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    x, size = adaptive_one_d("adaptive_max_pool1d", input, output_size)
    out = adaptive_max_pool2d(x, size, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


FUNCTIONS = {"max_pool2d": max_pool2d, "max_pool1d": max_pool1d,
             "max_pool1d_with_indices": max_pool1d_with_indices, "avg_pool1d": avg_pool1d,
             "adaptive_avg_pool1d": adaptive_avg_pool1d,
             "adaptive_max_pool1d": lambda input, output_size: adaptive_max_pool1d(
                 input, output_size, True)}


# -- 3-d -------------------------------------------------------------------------------------
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(3, _pl.max_pool3d_with_indices, input, kernel_size, stride, padding,
                     dilation, ceil_mode, return_indices)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool(3, _pl.avg_pool3d, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def adaptive_avg_pool3d(input, output_size):
    size, mean = adaptive_avg_size(input, output_size, 3)
    if mean:
        return input.mean((-1, -2, -3), keepdim=True)
    return _pl.adaptive_avg_pool3d(input, size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    out, indices = _pl.adaptive_max_pool3d(input, adaptive_max_size(input, output_size, 3))
    return (out, indices) if return_indices else out


FUNCTIONS.update({"max_pool3d": max_pool3d, "avg_pool3d": avg_pool3d,
                  "adaptive_avg_pool3d": adaptive_avg_pool3d})

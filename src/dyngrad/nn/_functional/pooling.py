"""Pooling functionals: torch's own functions (ops/torch_pooling.py)."""
from ...ops.torch_pooling import (  # noqa: F401
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
    avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices, max_pool2d,
    max_pool2d_with_indices, adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d,
    max_pool3d_with_indices)


def _lp_pool(avg_pool, max_pool, input, norm_type, kernel_size, stride, ceil_mode, window):
    """The power-average pool: the p-th root of the window's sum of x**p (the window's
    mean times its size). p = +-inf is a max pool of |x| (a min for -inf)."""
    if norm_type == float("inf"):
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -float("inf"):
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    powered = input.pow(norm_type)
    out = (avg_pool(powered, kernel_size, stride, 0, ceil_mode) if stride is not None
           else avg_pool(powered, kernel_size, padding=0, ceil_mode=ceil_mode))
    # a negative mean (odd p) is clipped to 0 before the root, with sign*relu(abs) so the
    # gradient at 0 is torch's
    return (out.sign() * out.abs().relu()).mul(window).pow(1.0 / norm_type)


def _window(kernel_size, n):
    sizes = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * n
    out = 1
    for s in sizes:
        out *= s
    return out


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool1d, max_pool1d, input, norm_type, kernel_size, stride, ceil_mode,
                    kernel_size)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool2d, max_pool2d, input, norm_type, kernel_size, stride, ceil_mode,
                    _window(kernel_size, 2))


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool3d, max_pool3d, input, norm_type, kernel_size, stride, ceil_mode,
                    _window(kernel_size, 3))

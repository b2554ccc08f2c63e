"""Pooling functionals: torch's own functions (ops/torch_pooling.py), the power-average
pools and max unpooling."""
from ...ops import unpool as _unpool
from ._sizes import ntuple
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


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    """The unpooled spatial size: what the pool's input would have been, or ``output_size``
    when given (the pool's rounding leaves up to one stride of choice)."""
    k = len(kernel_size)
    default = [(input.shape[-k + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d]
               for d in range(k)]
    if output_size is None:
        size = default
    else:
        if len(output_size) == k + 2:
            output_size = output_size[2:]
        if len(output_size) != k:
            raise ValueError(f"output_size should be a sequence containing {k} or {k + 2} "
                             f"elements, but it has a length of '{len(output_size)}'")
        for d in range(k):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < output_size[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                                 f'{low} and {high})')
        size = output_size
    for d in range(k):
        if size[d] < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial "
                             f"dimensions, but got output_size[{d}]={size[d]}")
    return size


def _max_unpool(k, op, input, indices, kernel_size, stride, padding, output_size):
    kernel_size = ntuple(kernel_size, k)
    stride = ntuple(stride, k) if stride is not None else kernel_size
    size = _unpool_output_size(input, kernel_size, stride, ntuple(padding, k), output_size)
    return op(input, indices, tuple(size))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    # as torch: a 2-d unpool over a unit last dim
    def unpool_1d(x, i, size):
        return _unpool.max_unpool2d(x.unsqueeze(-1), i.unsqueeze(-1), size + (1,)).squeeze(-1)
    return _max_unpool(1, unpool_1d, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, _unpool.max_unpool2d, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, _unpool.max_unpool3d, input, indices, kernel_size, stride, padding,
                       output_size)

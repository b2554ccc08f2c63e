"""Pooling functionals: torch's own functions (ops/torch_pooling.py), the power-average
pools and max unpooling."""
from ... import random as _random
from ...ops import fractional_pool as _fractional
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


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool3d(input, output_size, True)


def _fractional_args(k, name, input, kernel_size, output_size, output_ratio):
    """torch's Python side of fractional max pooling: the output size (given, or the
    ratio of the input's size) and the random samples, one row per plane, drawn from
    torch's stream."""
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if k == 2 and len(output_ratio) > 2:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple "
                             "of Ints.")
        ratio = ntuple(output_ratio, k)
        output_size = [int(input.size(d - k) * r) for d, r in enumerate(ratio)]
    n_batch = 1 if input.dim() == k + 1 else input.size(0)
    return output_size, (n_batch, input.size(-k - 1), k)


_FRACTIONAL_DIMS = {2: ("height", "width"), 3: ("time", "height", "width")}


def _check_fractional(k, input, kernel_size, output_size, samples):
    """The checks of torch's fractional_max_pool kernels, in their order (the samples
    are checked after the output is allocated)."""
    name = "fractional_max_pool2d" if k == 2 else "fractional_max_pool3d_out"
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size,) * k
    if isinstance(output_size, int):
        output_size = (output_size,) * k
    if k == 2:
        if len(kernel_size) != 2:
            raise RuntimeError("fractional_max_pool2d: kernel_size must either be a single Int "
                               "or tuple of Ints")
        if len(output_size) != 2:
            raise RuntimeError("fractional_max_pool2d: output_size must either be a single Int "
                               "or tuple of Ints")
    if input.dim() not in (k + 1, k + 2):
        raise RuntimeError(f"{name}(): Expected {k + 1}D or {k + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    for d in range(1, input.dim()):
        if input.size(d) == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but got{list(input.shape)} with dimension {d} "
                               "being empty.")
    # (the 3-d kernel wants the last window to end before the input does, and checks the
    # width before the height)
    order = (0, 1) if k == 2 else (0, 2, 1)
    for d in order:
        what, size = _FRACTIONAL_DIMS[k][d], input.shape[d - k]
        o, kk = output_size[d], kernel_size[d]
        if o + kk - 1 > size or k == 3 and o + kk - 1 == size:
            raise RuntimeError(f"{name}(): pool {what} {kk} too large relative to input "
                               f"{what} {size}")
    for o in output_size:
        if o < 0:
            shape = list(input.shape[:-k]) + list(output_size)
            raise RuntimeError(f"Trying to create tensor with negative dimension {o}: {shape}")
    if input.dtype != samples.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.dim() != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.dim()}")
    batched = input.dim() == k + 2
    if samples.size(0) < (input.size(0) if batched else 1):
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.size(1) != input.size(-k - 1):
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.size(2) != k:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {k}; got "
                           f"{samples.size(2)}.")
    return tuple(kernel_size), tuple(output_size)


def _fractional_max_pool(k, op, input, kernel_size, output_size, output_ratio, _random_samples):
    name = f"fractional_max_pool{k}d"
    output_size, samples_shape = _fractional_args(k, name, input, kernel_size, output_size,
                                                  output_ratio)
    if _random_samples is None:
        _random_samples = _random.rand(*samples_shape, dtype=input.dtype)
    kernel_size, output_size = _check_fractional(k, input, kernel_size, output_size,
                                                 _random_samples)
    return op(input, kernel_size, output_size, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional_max_pool(2, _fractional.fractional_max_pool2d, input, kernel_size,
                                output_size, output_ratio, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional_max_pool(3, _fractional.fractional_max_pool3d, input, kernel_size,
                                output_size, output_ratio, _random_samples)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    out = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return out if return_indices else out[0]


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    out = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return out if return_indices else out[0]

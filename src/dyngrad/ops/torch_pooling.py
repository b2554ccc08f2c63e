"""Pooling with torch's signatures (torch.max_pool2d, F.max_pool3d, F.avg_pool1d, ...):
arguments checked as torch checks them, the 1-d forms run on an unsqueezed input as
torch composes them, and adaptive average pooling to 1x1 is a mean, as in torch."""
from .._kernel_dtypes import FLOATING, check_kernel
from . import pooling as _pl


def _pair(v, n=2):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    return v * n if len(v) == 1 else v


def _window(input, n, kernel_size, stride, padding):
    """An n-d pooling's input checked and its window arguments as n-tuples, as torch
    checks and reads them."""
    if input.dim() not in (n + 1, n + 2) or input.numel() == 0:
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected "
                           "for input")
    kernel = _pair(kernel_size, n)
    stride = kernel if stride is None or stride == [] or stride == () else _pair(stride, n)
    return kernel, stride, _pair(padding, n)


def _check_window(input, kernel, stride, padding, dilation, ceil_mode):
    n = len(kernel)
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    out = [_pl.pooled_size(m, k, s, p, d, ceil_mode) for m, k, s, p, d in
           zip(input.shape[-n:], kernel, stride, padding, dilation)]
    if min(out) < 1:
        c = input.shape[-n - 1]
        raise RuntimeError(f"Given input size: ({c}x{'x'.join(str(m) for m in input.shape[-n:])})."
                           f" Calculated output size: ({c}x{'x'.join(str(o) for o in out)}). "
                           f"Output size is too small")


def _max_pool(n, forward, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    kernel, stride, padding = _window(input, n, kernel_size, stride, padding)
    dilation = _pair(dilation, n)
    _check_window(input, kernel, stride, padding, dilation, ceil_mode)
    out, indices = forward(input, kernel, stride, padding, dilation, ceil_mode)
    return (out, indices) if return_indices else out


def _avg_pool(n, forward, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    kernel, stride, padding = _window(input, n, kernel_size, stride, padding)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_window(input, kernel, stride, padding, (1,) * n, ceil_mode)
    return forward(input, kernel, stride, padding, ceil_mode, count_include_pad,
                   divisor_override)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(2, _pl.max_pool2d_with_indices, input, kernel_size, stride, padding,
                     dilation, ceil_mode, return_indices)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _one(v):
    return v if isinstance(v, int) else tuple(v)[0]


def _as_2d(input, name):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"{name}() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    return input.unsqueeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    k = _one(kernel_size)
    s = k if stride is None or stride == [] or stride == () else _one(stride)
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if not return_indices and not input.requires_grad:  # torch's own kernel for this case
        check_kernel(input._data, "max_pool1d_impl", FLOATING)
    out = max_pool2d(_as_2d(input, "max_pool1d"), (1, k), (1, s), (0, _one(padding)),
                     (1, _one(dilation)), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool(2, _pl.avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    k = _one(kernel_size)
    s = k if stride is None or stride == [] or stride == () else _one(stride)
    return avg_pool2d(_as_2d(input, "avg_pool1d"), (1, k), (1, s), (0, _one(padding)),
                      ceil_mode, count_include_pad).squeeze(-2)


def _output_size(input, output_size, name):
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    size = _pair(output_size)
    return tuple(input.shape[-2 + i] if s is None else s for i, s in enumerate(size))


def _nonempty(input, name, first=1):
    """torch's refusal of an empty dim from ``first`` on (the non-batch dims; 2-d adaptive
    average pooling reads only the last two)."""
    shape = list(input.shape)
    for i in range(first, len(shape)):
        if shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {shape} with dimension {i} "
                               "being empty")


def adaptive_avg_pool2d(input, output_size):
    size = _output_size(input, output_size, "adaptive_avg_pool2d")
    if size == (1, 1):  # (a mean before any check, as torch's: an empty plane gives nan)
        return input.mean((-1, -2), keepdim=True)
    _nonempty(input, "adaptive_avg_pool2d", input.dim() - 2)
    return _pl.adaptive_avg_pool2d(input, size)


def adaptive_avg_pool1d(input, output_size):
    return adaptive_avg_pool2d(_as_2d(input, "adaptive_avg_pool1d"), (1, _one(output_size))).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    size = _output_size(input, output_size, "adaptive_max_pool2d")
    _nonempty(input, "adaptive_max_pool2d")
    out, indices = _pl.adaptive_max_pool2d(input, size)
    return (out, indices) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    flat = _as_2d(input, "adaptive_max_pool1d")
    _nonempty(input, "adaptive_max_pool1d")
    out = adaptive_max_pool2d(flat, (1, _one(output_size)), return_indices)
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


def _output_size_3d(input, output_size, name):
    if input.dim() not in (4, 5):
        raise RuntimeError(f"{name}(): Expected 4D or 5D tensor, but got {list(input.shape)}")
    size = _pair(output_size, 3)
    return tuple(input.shape[-3 + i] if s is None else s for i, s in enumerate(size))


def adaptive_avg_pool3d(input, output_size):
    size = _output_size_3d(input, output_size, "adaptive_avg_pool3d")
    if size == (1, 1, 1):
        return input.mean((-1, -2, -3), keepdim=True)
    _nonempty(input, "adaptive_avg_pool3d")
    return _pl.adaptive_avg_pool3d(input, size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    size = _output_size_3d(input, output_size, "adaptive_max_pool3d")
    _nonempty(input, "adaptive_max_pool3d")
    out, indices = _pl.adaptive_max_pool3d(input, size)
    return (out, indices) if return_indices else out


FUNCTIONS.update({"max_pool3d": max_pool3d, "avg_pool3d": avg_pool3d,
                  "adaptive_avg_pool3d": adaptive_avg_pool3d})

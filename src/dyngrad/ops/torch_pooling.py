"""Pooling with torch's signatures (torch.max_pool2d, F.max_pool3d, F.avg_pool1d, ...):
arguments checked as torch checks them, the 1-d forms run on an unsqueezed input as
torch composes them, and adaptive average pooling to 1x1 is a mean, as in torch."""
from .._kernel_dtypes import FLOATING, check_kernel
from ..tensor import _wrap_dim
from . import pooling as _pl


_WORDS = {2: "two", 3: "three"}


def _omitted(stride):
    return stride is None or stride == [] or stride == ()


def _sizes(name, arg, value, n):
    """A window argument as an n-tuple (one int for every dim), its length checked in
    torch's words."""
    v = (value,) if isinstance(value, int) else tuple(value)
    if len(v) not in (1, n):
        how = "be either" if arg == "dilation" else "be" if name == "avg_pool3d" else "either be"
        omitted = " omitted," if arg == "stride" else ""
        raise RuntimeError(f"{name}: {arg} must {how}{omitted} a single int, or a tuple of "
                           f"{_WORDS[n]} ints")
    return v * n if len(v) == 1 else v


def _window(name, n, kernel_size, stride, padding):
    kernel = _sizes(name, "kernel_size", kernel_size, n)
    stride = kernel if _omitted(stride) else _sizes(name, "stride", stride, n)
    return kernel, stride, _sizes(name, "padding", padding, n)


def _half(v):
    return -(-v // 2) if v < 0 else v // 2  # (C++'s division, toward zero)


def _output_sizes(input, kernel, stride, padding, dilation, ceil_mode):
    """torch's pooling_output_shape for each dim, with its checks, dim by dim."""
    out = []
    for m, k, s, p, d in zip(input.shape[-len(kernel):], kernel, stride, padding, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > _half((k - 1) * d + 1):
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
        out.append(_pl.pooled_size(m, k, s, p, d, ceil_mode))
    return out


def _positive(what, prefix, values, names):
    if min(values) <= 0:
        got = " ".join(f"{prefix}{a}: {v}" for a, v in zip(names, values))
        raise RuntimeError(f"{what} should be greater than zero, but got {got}")


def _check_shape(input, kernel, stride, padding, dilation, out, fn=None, sized=False):
    """torch's pool2d_shape_check and pool3d_shape_check (``fn`` names the 3-d op)."""
    n, shape = len(kernel), list(input.shape)
    names = "HW" if n == 2 else "THW"
    _positive("kernel size", "k", kernel, names)
    _positive("stride", "d", stride, names)
    _positive("dilation", "dilation", dilation, names)
    if n == 2:
        ndim = len(shape)
        valid = shape[1] != 0 and shape[2] != 0
        if not (ndim == 3 and shape[0] != 0 and valid or ndim == 4 and valid and shape[3] != 0):
            raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                               f"size for input, but got:{shape}")
    else:
        for i, size in enumerate(shape):
            if size == 0 and not (len(shape) == 5 and i == 0):  # (torch names the size)
                raise RuntimeError(f"{fn}: Expected input's non-batch dimensions to have "
                                   f"positive length, but input has a shape of {shape} and "
                                   f"non-batch dimension {size} has length zero!")
        if sized and any(m < k for m, k in zip(shape[-3:], kernel)):
            raise RuntimeError("input image (T: {} H: {} W: {}) smaller than kernel size "
                               "(kT: {} kH: {} kW: {})".format(*shape[-3:], *kernel))
    if any(p > k // 2 for k, p in zip(kernel, padding)):
        if n == 2:
            raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                               f"got padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, "
                               f"kH = {kernel[0]}")
        raise RuntimeError("pad should be smaller than or equal to half of kernel size, but got "
                           "kT: {} kW: {} kH: {} padT: {} padW: {} padH: {}".format(
                               kernel[0], kernel[2], kernel[1], padding[0], padding[2],
                               padding[1]))
    if min(out) < 1:
        c = shape[-n - 1]
        raise RuntimeError(f"Given input size: ({c}x{'x'.join(str(m) for m in shape[-n:])})."
                           f" Calculated output size: ({c}x{'x'.join(str(o) for o in out)}). "
                           f"Output size is too small")


_MAX_FN = {2: None, 3: "max_pool3d_with_indices_out_cpu_template()"}


def _max_pool(n, forward, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    name = f"max_pool{n}d"
    kernel, stride, padding = _window(name, n, kernel_size, stride, padding)
    dilation = _sizes(name, "dilation", dilation, n)
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for "
                           "input")
    out = _output_sizes(input, kernel, stride, padding, dilation, ceil_mode)
    _check_shape(input, kernel, stride, padding, dilation, out, _MAX_FN[n])
    out, indices = forward(input, kernel, stride, padding, dilation, ceil_mode)
    return (out, indices) if return_indices else out


def _avg_pool(n, forward, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    name = f"avg_pool{n}d"
    kernel, stride, padding = _window(name, n, kernel_size, stride, padding)
    if n == 3 and input.dim() not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _wrap_dim(-n - 1, input.dim())  # (torch reads the planes' count here)
    ones = (1,) * n
    out = _output_sizes(input, kernel, stride, padding, ones, ceil_mode)
    _check_shape(input, kernel, stride, padding, ones, out, "avg_pool3d()", sized=True)
    return forward(input, kernel, stride, padding, ceil_mode, count_include_pad,
                   divisor_override)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(2, _pl.max_pool2d_with_indices, input, kernel_size, stride, padding,
                     dilation, ceil_mode, return_indices)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _one(name, arg, value):
    """A 1-d pooling's window argument as one int: torch's check1d."""
    v = (value,) if isinstance(value, int) else tuple(value)
    if len(v) != 1:
        raise RuntimeError(f"{name}() argument '{arg}' should contain one int (got {len(v)})")
    return v[0]


def _check_dims(input, name):
    """torch's checkDimRange(2, 4) of a 1-d pooling's input."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {name})")


# (torch's words for each argument, commas and all)
_MAX1D_SIZES = {"kernel_size": "an int, list of ints or",
                "stride": "None, an int, list of ints, or",
                "padding": "an int, list of ints, or", "dilation": "an int, list of ints or"}


def _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode):
    """torch's max_pool1d checks (made before it picks a kernel, with indices or not)."""
    shape = list(input.shape)
    if not (len(shape) == 2 and shape[0] != 0 and shape[1] != 0
            or len(shape) == 3 and shape[1] != 0 and shape[2] != 0):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{shape}")
    args = {"kernel_size": kernel_size, "stride": () if _omitted(stride) else stride,
            "padding": padding, "dilation": dilation}
    for arg, value in args.items():
        v = (value,) if isinstance(value, int) else tuple(value)
        if len(v) != 1 and not (arg == "stride" and not v):
            raise RuntimeError(f"max_pool1d() {arg} must be {_MAX1D_SIZES[arg]} tuple of ints "
                               f"of size 1 but got size {len(v)}")
        args[arg] = v[0] if v else None
    k, p, d = args["kernel_size"], args["padding"], args["dilation"]
    s = k if args["stride"] is None else args["stride"]
    for what, v in (("kernel_size", k), ("stride", s)):
        if v <= 0:
            raise RuntimeError(f"max_pool1d() {what} must be greater than zero, but got {v}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out, = _output_sizes(input, (k,), (s,), (p,), (d,), ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if not return_indices:  # torch.max_pool1d: its own checks first
        _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
        if not input.requires_grad:  # torch's own kernel for this case
            check_kernel(input._data, "max_pool1d_impl", FLOATING)
    if _omitted(stride):
        stride = kernel_size
    _check_dims(input, "max_pool1d")
    k, s, p, d = (_one("max_pool1d", a, v) for a, v in (
        ("kernel_size", kernel_size), ("stride", stride), ("padding", padding),
        ("dilation", dilation)))
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode,
                     return_indices)
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
    if _omitted(stride):
        stride = kernel_size
    _check_dims(input, "avg_pool1d")
    k, s, p = (_one("avg_pool1d", a, v) for a, v in (
        ("kernel_size", kernel_size), ("stride", stride), ("padding", padding)))
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                      count_include_pad).squeeze(-2)


def _list_with_default(output_size, input, n):
    """F's _list_with_default: an int stands for every dim; a sequence's None entries take
    the input's sizes, and the input needs a dim more than the sequence has entries."""
    if isinstance(output_size, int):
        return (output_size,) * n
    size, shape = tuple(output_size), tuple(input.shape)
    if len(shape) <= len(size):
        raise ValueError(f"Input dimension should be at least {len(size) + 1}")
    return tuple(d if v is None else v for v, d in zip(size, shape[len(shape) - len(size):]))


def _nonempty(input, name, first=1):
    """torch's refusal of an empty dim from ``first`` on (the non-batch dims; 2-d adaptive
    average pooling reads only the last two)."""
    shape = list(input.shape)
    for i in range(first, len(shape)):
        if shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {shape} with dimension {i} "
                               "being empty")


def _check_rank(input, n, name, colon=""):
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got{colon} "
                           f"{list(input.shape)}")


def _adaptive_avg_pool(n, forward, input, output_size):
    name = f"adaptive_avg_pool{n}d"
    size = _list_with_default(output_size, input, n)
    if len(size) != n:
        raise RuntimeError(f"{name}: output_size must be {n}")
    if min(size) < 0:  # (torch's words, its spacing too)
        got = f"{size[0]}, {size[1]}" + (f",{size[2]}" if n == 3 else "")
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to "
                           f"0 but received {{{got}}}")
    if size == (1,) * n:  # a mean before any check (as torch's: an empty plane gives nan)
        return input.mean(tuple(range(-1, -n - 1, -1)), keepdim=True)
    _check_rank(input, n, name)
    _nonempty(input, name, input.dim() - 2 if n == 2 else 1)
    return forward(input, size)


def _adaptive_max_pool(n, forward, input, output_size, return_indices):
    name = f"adaptive_max_pool{n}d"
    size = _list_with_default(output_size, input, n)
    _check_rank(input, n, name, ":")
    _nonempty(input, name)
    if len(size) != n:
        raise RuntimeError(f"{name}(): internal error: output_size.size() must be {n}")
    out, indices = forward(input, size)
    return (out, indices) if return_indices else out


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_pool(2, _pl.adaptive_avg_pool2d, input, output_size)


def adaptive_avg_pool1d(input, output_size):
    _check_dims(input, "adaptive_avg_pool1d")
    size = _one("adaptive_avg_pool1d", "output_size", output_size)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max_pool(2, _pl.adaptive_max_pool2d, input, output_size, return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    _check_dims(input, "adaptive_max_pool1d")
    size = _one("adaptive_max_pool1d", "output_size", output_size)
    _nonempty(input, "adaptive_max_pool1d")
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
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
    return _adaptive_avg_pool(3, _pl.adaptive_avg_pool3d, input, output_size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max_pool(3, _pl.adaptive_max_pool3d, input, output_size, return_indices)


FUNCTIONS.update({"max_pool3d": max_pool3d, "avg_pool3d": avg_pool3d,
                  "adaptive_avg_pool3d": adaptive_avg_pool3d})

"""The window arguments of torch's max and average pooling, checked as torch checks them.

torch reads them in three steps, and the first failing check names the error:
1. each argument's length (one int, or one per pooled dim; a stride may be omitted), the
   input's dims, average pooling's divisor;
2. per pooled dim, outermost first, its output size (pooling_output_shape): the stride is
   not zero, the padding not negative and at most half the dilated kernel;
3. the window's signs (kernel, stride, dilation above zero), the input's sizes, the
   padding against the plain kernel, and an output of at least one element
   (pool2d_shape_check, pool3d_shape_check).
The 1-d forms are the 2-d ones over an unsqueezed input, with checks of their own first.
"""
from .pooling import pooled_size

_COUNT = {2: "two", 3: "three"}
_AXES = {2: "HW", 3: "THW"}


def _half(n):
    """n / 2 in C++'s integers (toward zero, where Python's // floors)."""
    return -(-n // 2) if n < 0 else n // 2


def _ints(value, n, message, may_omit=False):
    v = (value,) if isinstance(value, int) else tuple(value)
    if not (len(v) in (1, n) or may_omit and not v):
        raise RuntimeError(message)
    return v * n if len(v) == 1 else v


def _shape(input):
    return str(list(input.shape))


def window(fn, input, kernel_size, stride, padding, dilation=1, ceil_mode=False,
           divisor_override=None):
    """(kernel, stride, padding, dilation) of ``fn`` (max_pool2d, avg_pool2d, max_pool3d or
    avg_pool3d) as tuples of one int per pooled dim, after torch's checks."""
    n, avg = int(fn[-2]), fn.startswith("avg")
    either = "" if fn == "avg_pool3d" else "either "
    kernel = _ints(kernel_size, n, f"{fn}: kernel_size must {either}be a single int, or a "
                                   f"tuple of {_COUNT[n]} ints")
    if stride is None:
        stride = ()
    stride = _ints(stride, n, f"{fn}: stride must {either}be omitted, a single int, or a tuple "
                              f"of {_COUNT[n]} ints", may_omit=True) or kernel
    padding = _ints(padding, n, f"{fn}: padding must {either}be a single int, or a tuple of "
                                f"{_COUNT[n]} ints")
    dilation = _ints(dilation, n, f"{fn}: dilation must be either a single int, or a tuple "
                                  f"of {_COUNT[n]} ints")
    if n == 3 or not avg:  # (avg_pool2d reads the sizes below without checking the dims)
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected "
                               "for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    planes = input.size(-n - 1)
    sizes = tuple(input.shape[-n:])
    out = []
    for size, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > _half((k - 1) * d + 1):
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
        out.append(pooled_size(size, k, s, p, d, ceil_mode))
    axes = _AXES[n]
    for what, prefix, values in (("kernel size", "k", kernel), ("stride", "d", stride),
                                 ("dilation", "dilation", dilation)):
        if min(values) <= 0:
            got = " ".join(f"{prefix}{a}: {v}" for a, v in zip(axes, values))
            raise RuntimeError(f"{what} should be greater than zero, but got {got}")
    _check_sizes(fn, input, kernel, padding, avg)
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (planes,) + sizes))}). "
                           f"Calculated output size: "
                           f"({'x'.join(map(str, [planes] + out))}). Output size is too small")
    return kernel, stride, padding, dilation


def _check_sizes(fn, input, kernel, padding, avg):
    if len(kernel) == 2:
        kh, kw = kernel
        ph, pw = padding
        dims = input.shape[1:] if input.dim() == 4 else input.shape
        if input.dim() not in (3, 4) or 0 in dims:
            raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                               f"batch size for input, but got:{_shape(input)}")
        if kw // 2 < pw or kh // 2 < ph:
            raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, "
                               f"but got padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}")
        return
    name = "avg_pool3d()" if avg else "max_pool3d_with_indices_out_cpu_template()"
    dims = input.shape[1:] if input.dim() == 5 else input.shape
    if 0 in dims:
        raise RuntimeError(f"{name}: Expected input's non-batch dimensions to have positive "
                           f"length, but input has a shape of {_shape(input)} and non-batch "
                           "dimension 0 has length zero!")
    (kt, kh, kw), (pt, ph, pw) = kernel, padding
    it, ih, iw = input.shape[-3:]
    if avg and (it < kt or ih < kh or iw < kw):
        raise RuntimeError(f"input image (T: {it} H: {ih} W: {iw}) smaller than kernel size "
                           f"(kT: {kt} kH: {kh} kW: {kw})")
    if kt // 2 < pt or kw // 2 < pw or kh // 2 < ph:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                           f"got kT: {kt} kW: {kw} kH: {kh} padT: {pt} padW: {pw} padH: {ph}")


def one_d(fn, input, kernel_size, stride, padding, dilation=1):
    """A 1-d pooling's arguments as the 2-d forms take them (a window of height 1 over the
    input with a dim of 1 inserted), after the checks of torch's max_pool1d_with_indices
    and avg_pool1d."""
    if stride is None or not isinstance(stride, int) and len(stride) == 0:
        stride = kernel_size
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {fn})")
    args = []
    for name, value in (("kernel_size", kernel_size), ("stride", stride),
                        ("padding", padding), ("dilation", dilation)):
        v = (value,) if isinstance(value, int) else tuple(value)
        if len(v) != 1:
            raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(v)})")
        args.append(v[0])
    k, s, p, d = args
    return input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d)


def max_pool1d_checks(input, kernel_size, stride, padding, dilation, ceil_mode):
    """torch's own checks of max_pool1d (the form without indices), before it runs."""
    sizes = input.shape
    if not (input.dim() == 2 and 0 not in sizes or input.dim() == 3 and 0 not in sizes[1:]):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{_shape(input)}")
    values = {}
    for name, value, what in (("kernel_size", kernel_size, "an int, list of ints or"),
                              ("stride", stride, "None, an int, list of ints, or"),
                              ("padding", padding, "an int, list of ints, or"),
                              ("dilation", dilation, "an int, list of ints or")):
        v = () if value is None else (value,) if isinstance(value, int) else tuple(value)
        if len(v) != 1 and not (name == "stride" and not v):
            raise RuntimeError(f"max_pool1d() {name} must be {what} tuple of ints of size 1 "
                               f"but got size {len(v)}")
        values[name] = v[0] if v else None
    k, p, d = values["kernel_size"], values["padding"], values["dilation"]
    s = k if values["stride"] is None else values["stride"]
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = pooled_size(input.shape[-1], k, s, p, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")


# -- adaptive pooling ---------------------------------------------------------------------------
def _list_with_default(output_size, input, n):
    """nn.functional's reading of an adaptive output size: None takes the input's size."""
    if output_size is None:
        raise TypeError("object of type 'NoneType' has no len()")
    if isinstance(output_size, int):
        return (output_size,) * n
    size = tuple(output_size)
    if input.dim() <= len(size):
        raise ValueError(f"Input dimension should be at least {len(size) + 1}")
    return tuple(input.shape[i - len(size)] if s is None else s for i, s in enumerate(size))


def _empty_dim(fn, input, dims):
    for i in dims:
        if input.shape[i] == 0:
            raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {_shape(input)} with dimension "
                               f"{i % input.dim()} being empty")


def adaptive_avg_size(input, output_size, n):
    """The output size of adaptive_avg_pool{n}d after torch's checks, and whether torch
    takes the mean instead (an output of ones: no checks of the input follow)."""
    fn = f"adaptive_avg_pool{n}d"
    size = _list_with_default(output_size, input, n)
    if len(size) != n:
        raise RuntimeError(f"{fn}: output_size must be {n}")
    if min(size) < 0:
        got = ", ".join(map(str, size[:2])) + "".join(f",{s}" for s in size[2:])
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{got}}}")
    if all(s == 1 for s in size):
        return size, True
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{fn}(): Expected {n + 1}D or {n + 2}D tensor, but got {_shape(input)}")
    _empty_dim(fn, input, (-2, -1) if n == 2 else range(1, input.dim()))
    return size, False


def adaptive_max_size(input, output_size, n):
    """The output size of adaptive_max_pool{n}d after torch's checks."""
    fn = f"adaptive_max_pool{n}d"
    size = _list_with_default(output_size, input, n)
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{fn}(): Expected {n + 1}D or {n + 2}D tensor, but got: "
                           f"{_shape(input)}")
    _empty_dim(fn, input, range(1, input.dim()))
    if len(size) != n:
        raise RuntimeError(f"{fn}(): internal error: output_size.size() must be {n}")
    if min(size) < 0:
        shape = list(input.shape[:-n]) + list(size)
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: "
                           f"{shape}")
    return size


def adaptive_one_d(fn, input, output_size):
    """A 1-d adaptive pooling's input and output size as the 2-d forms take them, after
    torch's checks of ``fn``."""
    if output_size is None:
        raise TypeError(f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, "
                        "not NoneType")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {fn})")
    size = (output_size,) if isinstance(output_size, int) else tuple(output_size)
    for k, s in enumerate(size):
        if not isinstance(s, int):
            raise TypeError(f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, "
                            f"but found element of type {type(s).__name__} at pos {k}")
    if len(size) != 1:
        raise RuntimeError(f"{fn}() argument 'output_size' should contain one int "
                           f"(got {len(size)})")
    if fn == "adaptive_max_pool1d":
        _empty_dim(fn, input, range(1, input.dim()))
    return input.unsqueeze(-2), (1, size[0])

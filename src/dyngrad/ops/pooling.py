"""Pooling over the last two or three dims: max pooling with indices, average pooling,
adaptive average and max pooling, each with its backward entry under torch's node names
(MaxPool2DWithIndicesBackward0, AvgPool3DBackward0, ...). The 1-d forms are the 2-d ones
on an unsqueezed input, as torch composes them.

Windows are strided views (sliding_window_view), so no Python loop runs over pixels;
loops run over kernel offsets or over output cells (the adaptive max pool, whose output
is small). Adaptive average pooling is separable: a product with one averaging matrix
per pooled dim.
"""
import math

from .. import _backend
from .._kernel_dtypes import FLOATING, NUMERIC, check_kernel
from ._table import LINEAR, TRANSPOSED, Op
from .pointwise import zeros_like
from .reduction import _mean_check, gather
from ._low_precision import NO_BFLOAT16

xp = _backend.xp
_windows_of = _backend.sliding_window_view


def pooled_size(size, k, s, p, d, ceil_mode):
    """torch's pooling_output_shape: a last window that starts inside the padded input
    counts in ceil mode, one that starts in the right padding does not."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded_windows(x, kernel, stride, padding, dilation, out_sp, fill):
    """(..., *out, *kernel) windows of x padded with ``fill`` (enough for ceil mode)."""
    k = len(kernel)
    pads = []
    for size, kk, s, p, d, o in zip(x.shape[-k:], kernel, stride, padding, dilation, out_sp):
        need = (o - 1) * s + d * (kk - 1) + 1
        pads.append((p, max(need - size - p, 0)))
    lead = [(0, 0)] * (x.ndim - k)
    xpad = xp.pad(x, lead + pads, constant_values=fill) if any(a or b for a, b in pads) else x
    extent = tuple(d * (kk - 1) + 1 for kk, d in zip(kernel, dilation))
    win = _windows_of(xpad, extent, axis=tuple(range(-k, 0)))
    key = ((Ellipsis,) + tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(out_sp, stride))
           + tuple(slice(None, None, d) for d in dilation))
    return win[key]


def _out_hw(x, kernel, stride, padding, dilation, ceil_mode):
    k = len(kernel)
    return tuple(pooled_size(n, kk, s, p, d, ceil_mode) for n, kk, s, p, d in
                 zip(x.shape[-k:], kernel, stride, padding, dilation))


def _plane_strides(shape):
    """Each pooled dim's step in an in-plane flat index (torch's indices count within the
    last two or three dims)."""
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= n
    return tuple(reversed(out))


# -- max_pool2d ---------------------------------------------------------------------------------
def _max_pool_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode):
    k = len(kernel_size)
    check_kernel(self, f"max_pool{k}d", NUMERIC)
    out_sp = _out_hw(self, kernel_size, stride, padding, dilation, ceil_mode)
    fill = -xp.inf if self.dtype.kind == "f" else xp.iinfo(self.dtype).min
    win = _padded_windows(self, kernel_size, stride, padding, dilation, out_sp, fill)
    # torch's choice: the first maximum in scan order, and a nan over anything (the last
    # nan). ``arg`` keeps the chosen element's in-plane offset from its window's corner.
    steps = _plane_strides(self.shape[-k:])
    shifts = [sum(i * d * st for i, d, st in zip(offset, dilation, steps))
              for offset in xp.ndindex(*kernel_size)]
    views = [win[(Ellipsis,) + offset] for offset in xp.ndindex(*kernel_size)]
    arg = xp.zeros(win.shape[:-k], xp.int64)
    # (a compiled call takes the nan-aware path: NOTE [No shortcuts while capturing])
    if not (self.dtype.kind == "f" and (_backend.capturing or _backend.has_values(self)
                                        and bool(xp.isnan(self).any()))):
        # no nan: the maximum first, then the first offset that holds it, all with plain
        # elementwise passes (measured on cnn_step: masked copies, as below, were a fifth
        # of the whole step's instructions)
        out = views[0].copy()
        for v in views[1:]:
            xp.maximum(out, v, out=out)
        found = xp.zeros(out.shape, bool)
        hit = xp.empty(out.shape, bool)
        for v, shift in zip(views, shifts):
            xp.equal(v, out, out=hit)
            xp.greater(hit, found, out=hit)  # equal here, and not found before
            if shift:
                arg += hit * shift
            found |= hit
    else:
        # one pass per kernel offset over all windows (a strided view each)
        out = xp.full(win.shape[:-k], fill, self.dtype)
        better = xp.empty(win.shape[:-k], bool)
        for v, shift in zip(views, shifts):
            xp.greater(v, out, out=better)
            better |= v != v
            xp.copyto(out, v, where=better)
            xp.copyto(arg, shift, where=better)
    for axis, (o, s, p, st) in enumerate(zip(out_sp, stride, padding, steps)):
        corner = (xp.arange(o) * s - p) * st
        arg += corner.reshape((o,) + (1,) * (k - 1 - axis))
    return out, arg


def _scatter_to_planes(grad, indices, shape, k, overlapping=True):
    """Sum ``grad`` into zeros of ``shape`` at the in-plane flat ``indices`` (planes of the
    last k dims). Overlapping windows may pick the same input element (a bincount sums
    them); windows that do not overlap pick each element once, and a plain assignment is
    several times faster."""
    if not _backend.has_values(grad):  # meta: the gradient's shape is all there is
        return _backend.array_module(grad).zeros(shape, grad.dtype)
    plane = math.prod(shape[-k:])
    rows = math.prod(shape[:-k])
    offsets = (xp.arange(rows) * plane).reshape(indices.shape[:-k] + (1,) * k)
    flat = (indices + offsets).reshape(-1)
    if not overlapping:
        out = xp.zeros(rows * plane, grad.dtype)
        out[flat] = grad.reshape(-1)
        return out.reshape(shape)
    out = xp.bincount(flat, weights=grad.reshape(-1).astype(xp.float64), minlength=rows * plane)
    return out.astype(grad.dtype).reshape(shape)


def _gather_from_planes(grad, indices, k):
    """grad (shaped as the input) read at the in-plane flat indices: torch's
    max_pool_double_backward."""
    from .views import reshape
    lead = tuple(indices.shape[:-k])
    # (the planes' sizes spelled out: -1 cannot be inferred in an empty batch)
    flat = reshape(grad, lead + (math.prod(grad.shape[-k:]),))
    picked = gather(flat, len(lead), indices.reshape(lead + (math.prod(indices.shape[-k:]),)))
    return reshape(picked, tuple(indices.shape))


def _max_pool_backward(grad_output, self, kernel_size, stride, padding, dilation, ceil_mode,
                       indices):
    overlapping = any(s < d * (k - 1) + 1 for k, s, d in zip(kernel_size, stride, dilation))
    return _scatter_to_planes(grad_output, indices, self.shape, len(kernel_size), overlapping)


def _max_pool_entries(name):
    """A max pool entry (values and indices) and its backward entry, each the other's
    formula."""
    def backward_of_grad(grad, self, kernel_size, stride, padding, dilation, ceil_mode, result1):
        return back(grad, self, kernel_size, stride, padding, dilation, ceil_mode, result1)

    def gather_grad(grad, kernel_size, indices):
        return _gather_from_planes(grad, indices, len(kernel_size))

    def no_grad_for_self(grad, self):
        return zeros_like(self)

    fwd = Op(f"{name}Backward0", _max_pool_with_indices, jvp=TRANSPOSED,
             outputs=("result0", "result1"),
             differentiable_outputs=(0,), self=backward_of_grad)
    back = Op(f"{name}BackwardBackward0", _max_pool_backward, jvp=TRANSPOSED, nondiff=("indices",),
              grad_output=gather_grad, self=no_grad_for_self)
    return fwd, back


max_pool2d_with_indices, max_pool2d_with_indices_backward = _max_pool_entries(
    "MaxPool2DWithIndices")
max_pool3d_with_indices, max_pool3d_with_indices_backward = _max_pool_entries(
    "MaxPool3DWithIndices")


# -- avg_pool2d -----------------------------------------------------------------------------------
def _divisors(size, k, s, p, o, count_include_pad):
    start = xp.arange(o) * s - p
    end = xp.minimum(start + k, size + p)
    whole = end - start
    start, end = xp.maximum(start, 0), xp.minimum(end, size)
    return whole if count_include_pad else end - start


def _avg_divisor(self, kernel_size, stride, padding, out_sp, count_include_pad,
                 divisor_override):
    if divisor_override:
        return divisor_override
    k = len(kernel_size)
    div = 1
    for axis, (n, kk, s, p, o) in enumerate(zip(self.shape[-k:], kernel_size, stride, padding,
                                                 out_sp)):
        d = _divisors(n, kk, s, p, o, count_include_pad)
        div = div * d.reshape((o,) + (1,) * (k - 1 - axis))
    return div.astype(self.dtype)


def _avg_pool(self, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    k = len(kernel_size)
    # of the integers torch's average pools take int64 only; the 3-d one, no float16 (nor
    # bfloat16: NO_BFLOAT16)
    if self.dtype != xp.int64:
        check_kernel(self, "avg_pool2d" if k == 2 else "avg_pool3d_out_frame",
                     FLOATING if k == 2 or self.dtype != xp.float16 else "")
    out_sp = _out_hw(self, kernel_size, stride, padding, (1,) * k, ceil_mode)
    win = _padded_windows(self, kernel_size, stride, padding, (1,) * k, out_sp, 0)
    total = win.sum(axis=tuple(range(-k, 0)))
    div = _avg_divisor(self, kernel_size, stride, padding, out_sp, count_include_pad,
                       divisor_override)
    return (total / div).astype(self.dtype, copy=False)


def _avg_pool_backward(grad_output, self, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override):
    k = len(kernel_size)
    out_sp = grad_output.shape[-k:]
    div = _avg_divisor(self, kernel_size, stride, padding, out_sp, count_include_pad,
                       divisor_override)
    g = grad_output / div
    # long enough for the crop below and for the last window (in ceil mode past the padding)
    size = tuple(max(p + n, (o - 1) * s + kk) for n, p, o, s, kk in
                 zip(self.shape[-k:], padding, out_sp, stride, kernel_size))
    acc = xp.zeros(self.shape[:-k] + size, grad_output.dtype)
    # one strided add per kernel offset: every output spreads over its window
    for offset in xp.ndindex(*kernel_size):
        key = tuple(slice(i, i + (o - 1) * s + 1, s) for i, o, s in zip(offset, out_sp, stride))
        acc[(Ellipsis,) + key] += g
    crop = tuple(slice(p, p + n) for p, n in zip(padding, self.shape[-k:]))
    return xp.ascontiguousarray(acc[(Ellipsis,) + crop])


def _avg_pool_entries(name):
    def backward_of_grad(grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad,
                         divisor_override):
        return back(grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad,
                    divisor_override)

    def pool_of_grad(grad, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override):
        return fwd(grad, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   divisor_override)

    def no_grad_for_self(grad, self):
        return zeros_like(self)

    fwd = Op(f"{name}Backward0", _avg_pool, jvp=LINEAR, self=backward_of_grad)
    back = Op(f"{name}BackwardBackward0", _avg_pool_backward, jvp=LINEAR, grad_output=pool_of_grad,
              self=no_grad_for_self)
    return fwd, back


avg_pool2d, avg_pool2d_backward = _avg_pool_entries("AvgPool2D")
avg_pool3d, avg_pool3d_backward = _avg_pool_entries("AvgPool3D")
NO_BFLOAT16[avg_pool3d] = "avg_pool3d_out_frame"


# -- adaptive pools ----------------------------------------------------------------------------
def _cells(size, out):
    i = xp.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _averaging(n, o, dtype):
    """The (o, n) matrix that averages each adaptive cell's input range."""
    start, end = _cells(n, o)
    cols = xp.arange(n)
    inside = (cols[None, :] >= start[:, None]) & (cols[None, :] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _adaptive_avg_pool(self, output_size):
    from .upsample import _apply
    k = len(output_size)
    if all(o == 1 for o in output_size):  # torch takes a mean: complex numbers pass
        _mean_check(self, None)
    else:
        check_kernel(self, f"adaptive_avg_pool{k}d" + ("_cpu" if k == 3 else ""), FLOATING)
    mats = [_averaging(n, o, self.dtype) for n, o in zip(self.shape[-k:], output_size)]
    return _apply(self, mats, False)


def _adaptive_max_pool(self, output_size):
    k = len(output_size)
    check_kernel(self, f"adaptive_max_pool{k}d" + ("_cpu" if k == 3 else ""), FLOATING)
    cells = [_cells(n, o) for n, o in zip(self.shape[-k:], output_size)]
    steps = _plane_strides(self.shape[-k:])
    out = xp.empty(self.shape[:-k] + tuple(output_size), self.dtype)
    idx = xp.empty(self.shape[:-k] + tuple(output_size), xp.int64)
    for cell in xp.ndindex(*output_size):
        bounds = [(c[0][i], c[1][i]) for c, i in zip(cells, cell)]
        region = self[(Ellipsis,) + tuple(slice(a, b) for a, b in bounds)]
        # (the cell's size spelled out: -1 cannot be inferred in an empty batch)
        flat = region.reshape(region.shape[:-k] + (math.prod(region.shape[-k:]),))
        a = xp.argmax(flat, axis=-1)
        out[(Ellipsis,) + cell] = xp.take_along_axis(flat, a[..., None], -1)[..., 0]
        pos = xp.unravel_index(a, region.shape[-k:])
        idx[(Ellipsis,) + cell] = sum((q + lo) * st for q, (lo, _), st in zip(pos, bounds, steps))
    return out, idx


def _adaptive_entries(name, k):
    """The adaptive average and max pool entries over k dims and their backward entries."""
    def backward_of_grad(grad, self):
        return back_avg(grad, self)

    def pool_of_grad(grad, grad_output):
        return fwd_avg(grad, tuple(grad_output.shape[-k:]))

    def no_grad_for_self(grad, self):
        return zeros_like(self)

    def max_backward_of_grad(grad, self, result1):
        return back_max(grad, self, result1)

    def gather_grad(grad, indices):
        return _gather_from_planes(grad, indices, k)

    def avg_backward(grad_output, self):
        from .upsample import _apply
        mats = [_averaging(n, o, grad_output.dtype)
                for n, o in zip(self.shape[-k:], grad_output.shape[-k:])]
        return _apply(grad_output, mats, True)

    def max_backward(grad_output, self, indices):
        return _scatter_to_planes(grad_output, indices, self.shape, k)

    fwd_avg = Op(f"AdaptiveAvgPool{name}Backward0", _adaptive_avg_pool, jvp=LINEAR,
                 self=backward_of_grad)
    back_avg = Op(f"AdaptiveAvgPool{name}BackwardBackward0", avg_backward, jvp=LINEAR,
                  grad_output=pool_of_grad, self=no_grad_for_self)
    fwd_max = Op(f"AdaptiveMaxPool{name}Backward0", _adaptive_max_pool, jvp=TRANSPOSED,
                 outputs=("result0", "result1"), differentiable_outputs=(0,),
                 self=max_backward_of_grad)
    back_max = Op(f"AdaptiveMaxPool{name}BackwardBackward0", max_backward, jvp=TRANSPOSED,
                  nondiff=("indices",),
                  grad_output=gather_grad, self=no_grad_for_self)
    return fwd_avg, back_avg, fwd_max, back_max


(adaptive_avg_pool2d, adaptive_avg_pool2d_backward, adaptive_max_pool2d,
 adaptive_max_pool2d_backward) = _adaptive_entries("2D", 2)
(adaptive_avg_pool3d, adaptive_avg_pool3d_backward, adaptive_max_pool3d,
 adaptive_max_pool3d_backward) = _adaptive_entries("3D", 3)

"""Pooling over the last two dims: max_pool2d_with_indices, avg_pool2d, adaptive_avg_pool2d,
adaptive_max_pool2d, each with its backward entry (torch's node names). The 1-d forms are
these on an unsqueezed input, as torch composes them.

Windows are strided views (sliding_window_view), so no Python loop runs over pixels;
loops run over kernel offsets (avg_pool2d's backward) or output cells (the adaptive
pools, whose output is small).
"""
import math

from .. import _backend
from ._table import Op
from .pointwise import zeros_like

xp = _backend.xp
_windows_of = xp.lib.stride_tricks.sliding_window_view


def pooled_size(size, k, s, p, d, ceil_mode):
    """torch's pooling_output_shape: a last window that starts inside the padded input
    counts in ceil mode, one that starts in the right padding does not."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded_windows(x, kernel, stride, padding, dilation, out_hw, fill):
    """(..., oH, oW, kH, kW) windows of x padded with ``fill`` (enough for ceil mode)."""
    pads = []
    for size, k, s, p, d, o in zip(x.shape[-2:], kernel, stride, padding, dilation, out_hw):
        need = (o - 1) * s + d * (k - 1) + 1
        pads.append((p, max(need - size - p, 0)))
    lead = [(0, 0)] * (x.ndim - 2)
    xpad = xp.pad(x, lead + pads, constant_values=fill) if any(a or b for a, b in pads) else x
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    win = _windows_of(xpad, extent, axis=(-2, -1))
    key = ((Ellipsis,) + tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(out_hw, stride))
           + tuple(slice(None, None, d) for d in dilation))
    return win[key]


def _out_hw(x, kernel, stride, padding, dilation, ceil_mode):
    return tuple(pooled_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in
                 zip(x.shape[-2:], kernel, stride, padding, dilation))


# -- max_pool2d ---------------------------------------------------------------------------------
def _max_pool2d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode):
    out_hw = _out_hw(self, kernel_size, stride, padding, dilation, ceil_mode)
    fill = -xp.inf if self.dtype.kind == "f" else xp.iinfo(self.dtype).min
    win = _padded_windows(self, kernel_size, stride, padding, dilation, out_hw, fill)
    # one pass per kernel offset over all windows (a strided view each), keeping torch's
    # choice: the first maximum in scan order, and a nan over anything (the last nan)
    # ``arg`` keeps the chosen element's offset from its window's corner, in-plane
    width = self.shape[-1]
    out = xp.full(win.shape[:-2], fill, self.dtype)
    arg = xp.zeros(win.shape[:-2], xp.int64)
    better = xp.empty(win.shape[:-2], bool)
    nan = self.dtype.kind == "f" and bool(xp.isnan(self).any())
    for i in range(kernel_size[0]):
        for j in range(kernel_size[1]):
            v = win[..., i, j]
            xp.greater(v, out, out=better)
            if nan:
                better |= v != v
            xp.copyto(out, v, where=better)
            xp.copyto(arg, i * dilation[0] * width + j * dilation[1], where=better)
    corner = ((xp.arange(out_hw[0]) * stride[0] - padding[0])[:, None] * width
              + (xp.arange(out_hw[1]) * stride[1] - padding[1])[None, :])
    arg += corner
    return out, arg


def _scatter_to_planes(grad, indices, shape, overlapping=True):
    """Sum ``grad`` into zeros of ``shape`` at the in-plane flat ``indices``. Overlapping
    windows may pick the same input element (a bincount sums them); windows that do not
    overlap pick each element once, and a plain assignment is several times faster."""
    plane = shape[-2] * shape[-1]
    rows = math.prod(shape[:-2])
    offsets = (xp.arange(rows) * plane).reshape(indices.shape[:-2] + (1, 1))
    flat = (indices + offsets).reshape(-1)
    if not overlapping:
        out = xp.zeros(rows * plane, grad.dtype)
        out[flat] = grad.reshape(-1)
        return out.reshape(shape)
    out = xp.bincount(flat, weights=grad.reshape(-1).astype(xp.float64), minlength=rows * plane)
    return out.astype(grad.dtype).reshape(shape)


def _gather_from_planes(grad, indices):
    """grad (shaped as the input) read at the in-plane flat indices: torch's
    max_pool_double_backward."""
    from .reduction import gather
    from .views import reshape
    lead = tuple(indices.shape[:-2])
    flat = reshape(grad, lead + (-1,))
    picked = gather(flat, len(lead), indices.reshape(lead + (-1,)))
    return reshape(picked, tuple(indices.shape))


def _max_pool2d_backward(grad_output, self, kernel_size, stride, padding, dilation, ceil_mode,
                         indices):
    overlapping = any(s < d * (k - 1) + 1 for k, s, d in zip(kernel_size, stride, dilation))
    return _scatter_to_planes(grad_output, indices, self.shape, overlapping)


max_pool2d_with_indices = Op(
    "MaxPool2DWithIndicesBackward0", _max_pool2d_with_indices, outputs=("result0", "result1"),
    differentiable_outputs=(0,),
    self=lambda grad, self, kernel_size, stride, padding, dilation, ceil_mode, result1:
        max_pool2d_with_indices_backward(grad, self, kernel_size, stride, padding, dilation,
                                         ceil_mode, result1))
max_pool2d_with_indices_backward = Op(
    "MaxPool2DWithIndicesBackwardBackward0", _max_pool2d_backward, nondiff=("indices",),
    grad_output=lambda grad, indices: _gather_from_planes(grad, _array(indices)),
    self=lambda grad, self: zeros_like(self))


def _array(x):
    return getattr(x, "_data", x)


# -- avg_pool2d -----------------------------------------------------------------------------------
def _divisors(size, k, s, p, o, count_include_pad):
    start = xp.arange(o) * s - p
    end = xp.minimum(start + k, size + p)
    whole = end - start
    start, end = xp.maximum(start, 0), xp.minimum(end, size)
    return whole if count_include_pad else end - start


def _avg_divisor(self, kernel_size, stride, padding, out_hw, count_include_pad,
                 divisor_override):
    if divisor_override:
        return divisor_override
    dh = _divisors(self.shape[-2], kernel_size[0], stride[0], padding[0], out_hw[0],
                   count_include_pad)
    dw = _divisors(self.shape[-1], kernel_size[1], stride[1], padding[1], out_hw[1],
                   count_include_pad)
    return (dh[:, None] * dw[None, :]).astype(self.dtype)


def _avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
    out_hw = _out_hw(self, kernel_size, stride, padding, (1, 1), ceil_mode)
    win = _padded_windows(self, kernel_size, stride, padding, (1, 1), out_hw, 0)
    total = win.sum(axis=(-2, -1))
    div = _avg_divisor(self, kernel_size, stride, padding, out_hw, count_include_pad,
                       divisor_override)
    return (total / div).astype(self.dtype, copy=False)


def _avg_pool2d_backward(grad_output, self, kernel_size, stride, padding, ceil_mode,
                         count_include_pad, divisor_override):
    out_hw = grad_output.shape[-2:]
    div = _avg_divisor(self, kernel_size, stride, padding, out_hw, count_include_pad,
                       divisor_override)
    g = grad_output / div
    (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
    H = max(self.shape[-2] + 2 * ph, (out_hw[0] - 1) * sh + kh)
    W = max(self.shape[-1] + 2 * pw, (out_hw[1] - 1) * sw + kw)
    acc = xp.zeros(self.shape[:-2] + (H, W), grad_output.dtype)
    # one strided add per kernel offset: every output spreads over its window
    for i in range(kh):
        for j in range(kw):
            acc[..., i:i + (out_hw[0] - 1) * sh + 1:sh, j:j + (out_hw[1] - 1) * sw + 1:sw] += g
    return xp.ascontiguousarray(acc[..., ph:ph + self.shape[-2], pw:pw + self.shape[-1]])


avg_pool2d = Op(
    "AvgPool2DBackward0", _avg_pool2d,
    self=lambda grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: avg_pool2d_backward(grad, self, kernel_size, stride, padding, ceil_mode,
                                          count_include_pad, divisor_override))
avg_pool2d_backward = Op(
    "AvgPool2DBackwardBackward0", _avg_pool2d_backward,
    grad_output=lambda grad, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: avg_pool2d(grad, kernel_size, stride, padding, ceil_mode,
                                 count_include_pad, divisor_override),
    self=lambda grad, self: zeros_like(self))


# -- adaptive pools ----------------------------------------------------------------------------
def _cells(size, out):
    i = xp.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _adaptive_avg_pool2d(self, output_size):
    (sh, eh), (sw, ew) = (_cells(n, o) for n, o in zip(self.shape[-2:], output_size))
    # an integral image: each cell's sum from four corners
    c = xp.zeros(self.shape[:-2] + (self.shape[-2] + 1, self.shape[-1] + 1),
                 xp.float64 if self.dtype == xp.float32 else self.dtype)
    c[..., 1:, 1:] = self.cumsum(-2).cumsum(-1)
    total = (c[..., eh[:, None], ew[None, :]] - c[..., sh[:, None], ew[None, :]]
             - c[..., eh[:, None], sw[None, :]] + c[..., sh[:, None], sw[None, :]])
    count = (eh - sh)[:, None] * (ew - sw)[None, :]
    return (total / count).astype(self.dtype)


def _adaptive_avg_pool2d_backward(grad_output, self):
    oh, ow = grad_output.shape[-2:]
    (sh, eh), (sw, ew) = (_cells(n, o) for n, o in zip(self.shape[-2:], (oh, ow)))
    g = grad_output / ((eh - sh)[:, None] * (ew - sw)[None, :])
    # spread each cell's value over its rectangle: +-g at its four corners, then 2-d cumsum
    d = xp.zeros(self.shape[:-2] + (self.shape[-2] + 1, self.shape[-1] + 1), g.dtype)
    for rows, cols, sign in ((sh, sw, 1), (sh, ew, -1), (eh, sw, -1), (eh, ew, 1)):
        for i in range(oh):
            xp.add.at(d, (Ellipsis, rows[i], cols), sign * g[..., i, :])
    out = d.cumsum(-2).cumsum(-1)[..., :-1, :-1]
    return xp.ascontiguousarray(out, dtype=grad_output.dtype)


adaptive_avg_pool2d = Op(
    "AdaptiveAvgPool2DBackward0", _adaptive_avg_pool2d,
    self=lambda grad, self: adaptive_avg_pool2d_backward(grad, self))
adaptive_avg_pool2d_backward = Op(
    "AdaptiveAvgPool2DBackwardBackward0", _adaptive_avg_pool2d_backward,
    grad_output=lambda grad, grad_output: adaptive_avg_pool2d(grad, tuple(grad_output.shape[-2:])),
    self=lambda grad, self: zeros_like(self))


def _adaptive_max_pool2d(self, output_size):
    (sh, eh), (sw, ew) = (_cells(n, o) for n, o in zip(self.shape[-2:], output_size))
    oh, ow = output_size
    out = xp.empty(self.shape[:-2] + (oh, ow), self.dtype)
    idx = xp.empty(self.shape[:-2] + (oh, ow), xp.int64)
    W = self.shape[-1]
    for i in range(oh):
        for j in range(ow):
            cell = self[..., sh[i]:eh[i], sw[j]:ew[j]]
            flat = cell.reshape(cell.shape[:-2] + (-1,))
            a = xp.argmax(flat, axis=-1)
            out[..., i, j] = xp.take_along_axis(flat, a[..., None], -1)[..., 0]
            r, c = divmod(a, cell.shape[-1])
            idx[..., i, j] = (r + sh[i]) * W + c + sw[j]
    return out, idx


adaptive_max_pool2d = Op(
    "AdaptiveMaxPool2DBackward0", _adaptive_max_pool2d, outputs=("result0", "result1"),
    differentiable_outputs=(0,),
    self=lambda grad, self, result1: adaptive_max_pool2d_backward(grad, self, result1))
adaptive_max_pool2d_backward = Op(
    "AdaptiveMaxPool2DBackwardBackward0",
    lambda grad_output, self, indices: _scatter_to_planes(grad_output, indices, self.shape),
    nondiff=("indices",),
    grad_output=lambda grad, indices: _gather_from_planes(grad, _array(indices)),
    self=lambda grad, self: zeros_like(self))

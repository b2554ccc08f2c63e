"""Upsampling (F.interpolate): nearest and (bi)linear over the last one or two dims, each an
entry with its backward entry (UpsampleNearest2DBackward0, UpsampleBilinear2DBackward0, ...).

Both modes are separable: along each resized dim the output is a fixed matrix times the
input (one 1 per row for nearest, two weights per row for linear), so the forward is a
product with those matrices and the backward a product with their transposes.
"""
import math

from .. import _backend
from ._table import LINEAR, Op

xp = _backend.xp


def _scale(in_size, out_size, scale, align_corners):
    """torch's area_pixel_compute_scale: how far apart output samples are, in input pixels."""
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size


def _nearest_matrix(in_size, out_size, scale, dtype):
    s = xp.float32(_scale(in_size, out_size, scale, False))
    # torch's nearest_idx computes the source index in float
    src = xp.minimum(xp.floor(xp.arange(out_size, dtype=xp.float32) * s).astype(xp.int64),
                     in_size - 1)
    m = xp.zeros((out_size, in_size), dtype)
    m[xp.arange(out_size), src] = 1
    return m


def _linear_matrix(in_size, out_size, scale, align_corners, dtype):
    s = _scale(in_size, out_size, scale, align_corners)
    dst = xp.arange(out_size, dtype=xp.float64)
    src = dst * s if align_corners else xp.maximum((dst + 0.5) * s - 0.5, 0.0)
    i0 = xp.minimum(xp.floor(src).astype(xp.int64), in_size - 1)
    i1 = xp.minimum(i0 + 1, in_size - 1)
    w1 = src - i0
    m = xp.zeros((out_size, in_size), xp.float64)
    rows = xp.arange(out_size)
    xp.add.at(m, (rows, i0), 1 - w1)
    xp.add.at(m, (rows, i1), w1)
    return m.astype(dtype)


def _matrices(in_sizes, out_sizes, scales, dtype, align_corners):
    if align_corners is None:
        return [_nearest_matrix(i, o, s, dtype) for i, o, s in zip(in_sizes, out_sizes, scales)]
    return [_linear_matrix(i, o, s, align_corners, dtype)
            for i, o, s in zip(in_sizes, out_sizes, scales)]


def _apply(x, mats, transpose):
    """Multiply the last len(mats) dims of x by the matrices (or their transposes)."""
    k = len(mats)
    for j, m in enumerate(mats):
        axis = x.ndim - k + j
        x = xp.moveaxis(xp.tensordot(x, m if transpose else m.T, axes=([axis], [0])), -1, axis)
    return xp.ascontiguousarray(x)


def _upsample(self, output_size, align_corners, scales):
    k = len(output_size)
    mats = _matrices(self.shape[-k:], output_size, scales, self.dtype, align_corners)
    return _apply(self, mats, False)


def _upsample_backward(grad_output, output_size, input_size, align_corners, scales):
    k = len(output_size)
    mats = _matrices(tuple(input_size[-k:]), output_size, scales, grad_output.dtype,
                     align_corners)
    return _apply(grad_output, mats, True)


def _entries(name):
    """An upsample entry and its backward entry, each the other's formula. ``align_corners``
    None means nearest."""
    def backward_of_grad(grad, output_size, self_sym_sizes, align_corners, scales):
        return back(grad, output_size, tuple(self_sym_sizes), align_corners, scales)

    def upsample_of_grad(grad, output_size, align_corners, scales):
        return fwd(grad, output_size, align_corners, scales)

    fwd = Op(f"{name}Backward0", _upsample, jvp=LINEAR, self=backward_of_grad)
    back = Op(f"{name}BackwardBackward0", _upsample_backward, jvp=LINEAR,
              grad_output=upsample_of_grad)
    return fwd, back


upsample_nearest1d, upsample_nearest1d_backward = _entries("UpsampleNearest1D")
upsample_nearest2d, upsample_nearest2d_backward = _entries("UpsampleNearest2D")
upsample_linear1d, upsample_linear1d_backward = _entries("UpsampleLinear1D")
upsample_bilinear2d, upsample_bilinear2d_backward = _entries("UpsampleBilinear2D")


def output_size_of(input_shape, size, scale_factor, k):
    if size is not None:
        return (size,) * k if isinstance(size, int) else tuple(size)
    scales = (scale_factor,) * k if not isinstance(scale_factor, (tuple, list)) else scale_factor
    return tuple(int(math.floor(n * s)) for n, s in zip(input_shape[-k:], scales))

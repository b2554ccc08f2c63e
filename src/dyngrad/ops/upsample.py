"""Upsampling (F.interpolate): nearest, nearest-exact, (bi/tri)linear and bicubic over the
last one to three dims, each an entry with its backward entry (UpsampleNearest2DBackward0,
UpsampleBicubic2DBackward0, UpsampleBilinear2DAaBackward0, ...).

Every mode is separable: along each resized dim the output is a fixed matrix times the input
(one 1 per row for nearest, two weights for linear, four for cubic, a normalised filter
window for antialiasing), so the forward is a product with those matrices and the backward a
product with their transposes. Each mode is just the function that builds its matrix.
"""
import math

from .. import _backend
from .._kernel_dtypes import check_kernel
from ._low_precision import NO_BFLOAT16
from ._table import LINEAR, Op

xp = _backend.xp


def _scale(in_size, out_size, scale, align_corners):
    """torch's area_pixel_compute_scale: how far apart output samples are, in input pixels."""
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size


def _nearest_matrix(in_size, out_size, scale, align_corners, dtype, exact=False):
    s = xp.float32(_scale(in_size, out_size, scale, False))
    # torch's source index: floorf(dst * scale) in float, or for nearest-exact
    # floorf((dst + 0.5) * scale) with the product in double, rounded to float
    if exact:
        src = ((xp.arange(out_size) + 0.5) * xp.float64(s)).astype(xp.float32)
    else:
        src = xp.arange(out_size, dtype=xp.float32) * s
    src = xp.minimum(xp.floor(src).astype(xp.int64), in_size - 1)
    m = xp.zeros((out_size, in_size), dtype)
    m[xp.arange(out_size), src] = 1
    return m


def _nearest_exact_matrix(in_size, out_size, scale, align_corners, dtype):
    return _nearest_matrix(in_size, out_size, scale, align_corners, dtype, exact=True)


def _weights_matrix(in_size, out_size, index, weights, dtype):
    """The (out, in) matrix with ``weights[:, k]`` at columns ``index[:, k]`` (clamped into
    the input, as torch reads border pixels again), summed where columns repeat."""
    m = xp.zeros((out_size, in_size), xp.float64)
    rows = xp.repeat(xp.arange(out_size), index.shape[1])
    xp.add.at(m, (rows, xp.clip(index, 0, in_size - 1).reshape(-1)), weights.reshape(-1))
    return m.astype(dtype)


def _linear_matrix(in_size, out_size, scale, align_corners, dtype):
    s = _scale(in_size, out_size, scale, align_corners)
    dst = xp.arange(out_size, dtype=xp.float64)
    src = dst * s if align_corners else xp.maximum((dst + 0.5) * s - 0.5, 0.0)
    # src stays below in_size - 1/2 (in_size - 1 with align_corners): i0 in the input,
    # and i0 + 1 is clamped at the border by _weights_matrix
    i0 = xp.floor(src).astype(xp.int64)
    w1 = src - i0
    return _weights_matrix(in_size, out_size, xp.stack([i0, i0 + 1], 1),
                           xp.stack([1 - w1, w1], 1), dtype)


def _cubic(x, a):
    """Keys' cubic convolution kernel with parameter ``a`` at distance ``|x|`` (< 2)."""
    x = xp.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return xp.where(x <= 1, near, xp.where(x < 2, far, 0.0))


def _bicubic_matrix(in_size, out_size, scale, align_corners, dtype):
    s = _scale(in_size, out_size, scale, align_corners)
    dst = xp.arange(out_size, dtype=xp.float64)
    # the cubic source index is not clamped at 0: the taps beyond the border are clamped
    src = dst * s if align_corners else (dst + 0.5) * s - 0.5
    i0 = xp.floor(src).astype(xp.int64)
    t = (src - i0)[:, None]
    taps = xp.arange(-1, 3)
    return _weights_matrix(in_size, out_size, i0[:, None] + taps, _cubic(t - taps, -0.75), dtype)


def _antialiased(support, kernel):
    """The matrix of an antialiased mode: when shrinking, the kernel is stretched by the
    scale so every input pixel contributes, and each row's weights are normalised (their
    sum is never 0: each window holds a pixel within |x| <= 1/2 of its center, where every
    kernel is positive)."""
    def matrix(in_size, out_size, scale, align_corners, dtype):
        s = _scale(in_size, out_size, scale, align_corners)
        stretch = max(s, 1.0)
        half = support * stretch
        m = xp.zeros((out_size, in_size), xp.float64)
        for i in range(out_size):
            center = s * (i + 0.5)
            lo = max(int(center - half + 0.5), 0)
            hi = min(int(center + half + 0.5), in_size)
            w = kernel((xp.arange(lo, hi) - center + 0.5) / stretch)
            m[i, lo:hi] = w / w.sum()
        return m.astype(dtype)
    return matrix


_bilinear_aa_matrix = _antialiased(1.0, lambda x: xp.maximum(1 - xp.abs(x), 0.0))
_bicubic_aa_matrix = _antialiased(2.0, lambda x: _cubic(x, -0.5))
_lanczos_aa_matrix = _antialiased(3.0, lambda x: xp.where(xp.abs(x) < 3,
                                                         xp.sinc(x) * xp.sinc(x / 3), 0.0))


def _apply(x, mats, transpose):
    """Multiply the last len(mats) dims of x by the matrices (or their transposes)."""
    k = len(mats)
    for j, m in enumerate(mats):
        axis = x.ndim - k + j
        x = xp.moveaxis(xp.tensordot(x, m if transpose else m.T, axes=([axis], [0])), -1, axis)
    return xp.ascontiguousarray(x)


def _entries(name, matrix, backward_kernel=None):
    """An upsample entry and its backward entry, each the other's formula, for the mode
    whose per-dim matrix ``matrix`` builds. ``align_corners`` is None for the nearest modes.
    ``backward_kernel``: torch's backward kernel, where it has float32 and float64 only (the
    antialiased modes: their forward of another dtype is refused unless it copies)."""
    def mats(in_sizes, output_size, scales, align_corners, dtype):
        return [matrix(i, o, s, align_corners, dtype)
                for i, o, s in zip(in_sizes, output_size, scales)]

    def upsample(self, output_size, align_corners, scales):
        k = len(output_size)
        return _apply(self, mats(self.shape[-k:], output_size, scales, align_corners,
                                 self.dtype), False)

    def upsample_backward(grad_output, output_size, input_size, align_corners, scales):
        # (a bfloat16 gradient arrives widened to float32: NO_BFLOAT16 refuses it when
        # recorded, and without create_graph it passes)
        if backward_kernel and grad_output.dtype == xp.float16:
            check_kernel(grad_output, backward_kernel, "")
        k = len(output_size)
        return _apply(grad_output, mats(tuple(input_size[-k:]), output_size, scales,
                                        align_corners, grad_output.dtype), True)

    def backward_of_grad(grad, output_size, self_sym_sizes, align_corners, scales):
        return back(grad, output_size, tuple(self_sym_sizes), align_corners, scales)

    def upsample_of_grad(grad, output_size, align_corners, scales):
        return fwd(grad, output_size, align_corners, scales)

    fwd = Op(f"{name}Backward0", upsample, jvp=LINEAR, self=backward_of_grad)
    back = Op(f"{name}BackwardBackward0", upsample_backward, jvp=LINEAR,
              grad_output=upsample_of_grad)
    if backward_kernel:
        NO_BFLOAT16[back] = backward_kernel
    return fwd, back


upsample_nearest1d, upsample_nearest1d_backward = _entries("UpsampleNearest1D", _nearest_matrix)
upsample_nearest2d, upsample_nearest2d_backward = _entries("UpsampleNearest2D", _nearest_matrix)
upsample_nearest3d, upsample_nearest3d_backward = _entries("UpsampleNearest3D", _nearest_matrix)
upsample_nearest_exact1d, upsample_nearest_exact1d_backward = _entries(
    "UpsampleNearestExact1D", _nearest_exact_matrix)
upsample_nearest_exact2d, upsample_nearest_exact2d_backward = _entries(
    "UpsampleNearestExact2D", _nearest_exact_matrix)
upsample_nearest_exact3d, upsample_nearest_exact3d_backward = _entries(
    "UpsampleNearestExact3D", _nearest_exact_matrix)
upsample_linear1d, upsample_linear1d_backward = _entries("UpsampleLinear1D", _linear_matrix)
upsample_bilinear2d, upsample_bilinear2d_backward = _entries("UpsampleBilinear2D", _linear_matrix)
upsample_trilinear3d, upsample_trilinear3d_backward = _entries("UpsampleTrilinear3D",
                                                               _linear_matrix)
upsample_bicubic2d, upsample_bicubic2d_backward = _entries("UpsampleBicubic2D", _bicubic_matrix)
upsample_bilinear2d_aa, upsample_bilinear2d_aa_backward = _entries(
    "UpsampleBilinear2DAa", _bilinear_aa_matrix, "upsample_bilinear2d_aa_backward_cpu")
upsample_bicubic2d_aa, upsample_bicubic2d_aa_backward = _entries(
    "UpsampleBicubic2DAa", _bicubic_aa_matrix, "upsample_bicubic2d_aa_backward_cpu")
upsample_lanczos2d_aa, upsample_lanczos2d_aa_backward = _entries(
    "UpsampleLanczos2DAa", _lanczos_aa_matrix, "upsample_lanczos2d_aa_backward_cpu")

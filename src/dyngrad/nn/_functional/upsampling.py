"""F.interpolate and F.upsample: each mode and dimension an upsample entry of the op table
(area: adaptive average pooling), with torch's checks in torch's order."""
import math
import warnings

from ... import _dtype
from ..._kernel_dtypes import check_kernel
from ...ops import upsample as _up
from ...ops import torch_pooling as _pool

_ENTRIES = {("nearest", 3): _up.upsample_nearest1d, ("nearest", 4): _up.upsample_nearest2d,
            ("nearest", 5): _up.upsample_nearest3d,
            ("nearest-exact", 3): _up.upsample_nearest_exact1d,
            ("nearest-exact", 4): _up.upsample_nearest_exact2d,
            ("nearest-exact", 5): _up.upsample_nearest_exact3d,
            ("linear", 3): _up.upsample_linear1d, ("bilinear", 4): _up.upsample_bilinear2d,
            ("trilinear", 5): _up.upsample_trilinear3d, ("bicubic", 4): _up.upsample_bicubic2d,
            ("bilinear", "aa"): _up.upsample_bilinear2d_aa,
            ("bicubic", "aa"): _up.upsample_bicubic2d_aa,
            ("lanczos", "aa"): _up.upsample_lanczos2d_aa}
_AREA = {3: _pool.adaptive_avg_pool1d, 4: _pool.adaptive_avg_pool2d, 5: _pool.adaptive_avg_pool3d}
_NEEDS = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _per_dim(value, dim, input, what):
    if not isinstance(value, (list, tuple)):
        return [value] * dim
    if len(value) != dim:
        raise ValueError(
            f"Input and {what} must have the same number of spatial dimensions, but got input "
            f"with spatial dimensions of {list(input.shape[2:])} and "
            + (f"output size of {value}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
               "format and output size in (o1, o2, ...,oK) format." if what == "output" else
               f"scale_factor of shape {value}. Please provide input tensor in (N, C, d1, d2, "
               "...,dK) format and scale_factor in (s1, s2, ...,sK) format."))
    return list(value)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        output_size, scales = _per_dim(size, dim, input, "output"), None
        if isinstance(size, (list, tuple)) and not all(
                isinstance(s, int) and not isinstance(s, bool) for s in size):
            raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                            f"Tuple[int, int, int], but got size with types "
                            f"{[type(s) for s in size]}")
    elif scale_factor is not None:
        output_size, scales = None, _per_dim(scale_factor, dim, input, "scale_factor")
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [int(input.shape[i + 2] * scales[i]) for i in range(dim)]
        scales = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if mode == "lanczos" and input.dim() == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    if mode == "area" and input.dim() in _AREA:
        return _AREA[input.dim()](input, output_size)
    entry = _ENTRIES.get((mode, "aa" if antialias else input.dim()))
    if entry is None:
        if mode in _NEEDS and input.dim() in (3, 4, 5):
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                      f"{_NEEDS[mode]}D input")
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported"
            f" (got {input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | "
            f"trilinear | lanczos | area | nearest-exact (got {mode})")
    if output_size is None:
        output_size = [int(math.floor(n * s)) for n, s in zip(input.shape[2:], scales)]
    _check_sizes(input, output_size)
    # (the antialiased kernels copy an input whose size does not change, of any dtype)
    if not (antialias and list(output_size) == list(input.shape[2:])):
        _check_kernel_dtype(input, mode, antialias)
    return entry(input, tuple(output_size),
                 None if mode in ("nearest", "nearest-exact") else align_corners,
                 tuple(scales) if scales is not None else (None,) * dim)


def _check_sizes(input, output_size):
    sizes = list(input.shape)
    if min(sizes[2:]) <= 0 or min(output_size) <= 0:
        names = "DHW"[3 - len(output_size):]
        got = [", ".join(f"{n}: {v}" for n, v in zip(names, vs))
               for vs in (sizes[2:], output_size)]
        raise RuntimeError("Input and output sizes should be greater than 0, but got input "
                           f"({got[0]}){' and' if len(names) == 1 else ''} output ({got[1]})")
    if not math.prod(sizes[1:]):  # (an empty batch passes)
        raise RuntimeError(f"Non-empty {len(sizes)}D data tensor expected but got a tensor "
                           f"with sizes {sizes}")


# the kernel torch's CPU interpolation meets first (by mode and spatial dims) and whether
# it takes uint8 images; floating inputs always pass
_KERNELS = {("nearest", 2): ("upsample_nearest2d_channels_last", True),
            ("nearest-exact", 2): ("upsample_nearest2d_channels_last", True),
            ("bilinear", 2): ("upsample_bilinear2d_channels_last", True),
            ("bicubic", 2): ("compute_indices_weights_cubic", True),
            ("linear", 1): ("compute_indices_weights_linear", False),
            ("trilinear", 3): ("compute_indices_weights_linear", False)}


def _check_kernel_dtype(input, mode, antialias):
    kernel, images = (("compute_index_ranges_weights", True) if antialias else
                      _KERNELS.get((mode, input.dim() - 2),
                                   ("compute_indices_weights_nearest", True)))
    if input.dtype in (_dtype.float32, _dtype.float64) or images and input.dtype is _dtype.uint8:
        return
    if input.dtype.is_floating_point and not antialias:  # (the antialiased: no half types)
        return
    check_kernel(input._data, kernel, "")


def _deprecated(name):
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=3)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)

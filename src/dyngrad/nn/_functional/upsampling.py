"""F.interpolate (nearest, linear, bilinear) and F.upsample."""
from ...ops import upsample as _up

_ENTRIES = {("nearest", 1): _up.upsample_nearest1d, ("nearest", 2): _up.upsample_nearest2d,
            ("linear", 1): _up.upsample_linear1d, ("bilinear", 2): _up.upsample_bilinear2d}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    k = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None and isinstance(size, (list, tuple)) and len(size) != k:
        raise ValueError(f"Input and output must have the same number of spatial dimensions, but "
                         f"got input with spatial dimensions of {list(input.shape[2:])} and output "
                         f"size of {list(size)}. Please provide input tensor in (N, C, d1, d2, "
                         "...,dK) format and output size in (o1, o2, ...,oK) format.")
    out = _up.output_size_of(tuple(input.shape), size, scale_factor, k)
    if scale_factor is not None and not recompute_scale_factor:
        scales = (tuple(scale_factor) if isinstance(scale_factor, (list, tuple))
                  else (scale_factor,) * k)
    else:
        scales = (None,) * k
    entry = _ENTRIES.get((mode, k))
    if entry is None:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.dim()}D) for the modes: nearest | linear | bilinear | "
                                  f"bicubic | trilinear | area | nearest-exact (got {mode})"
                                  if (mode, k) not in {("nearest", 3), ("trilinear", 3),
                                                       ("bicubic", 2), ("area", 2)}
                                  else f"dyngrad: interpolate mode '{mode}' for {k}-d inputs "
                                       "is not implemented")
    return entry(input, out, None if mode == "nearest" else align_corners, scales)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)

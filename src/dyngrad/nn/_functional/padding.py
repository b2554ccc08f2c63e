"""F.pad: constant, reflect, replicate and circular padding."""
from ...creation import check_scalar
from ...ops import padding as _pd
from ... import ops

_MODES = {"reflect": ("reflection", _pd.reflection_pad1d, _pd.reflection_pad2d,
                      _pd.reflection_pad3d),
          "replicate": ("replication", _pd.replication_pad1d, _pd.replication_pad2d,
                        _pd.replication_pad3d)}


def pad(input, pad, mode="constant", value=None):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           "dimension but got padding length "
                           f"{len(pad)} and input of dimension {input.dim()}")
    if mode == "constant":
        _pd.check_constant_pad(input, pad)
        if isinstance(value, int):  # (torch takes the value as a double)
            value = float(value)
        if value is not None:
            check_scalar(value, input._data.dtype, wraps=False)  # (torch's strict conversion)
        return _pd.constant_pad_nd(input, list(pad), 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    k = len(pad) // 2
    if not (k in (1, 2, 3) and input.dim() in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode == "circular":
        return _circular(input, pad)
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    # (every dim non-empty but a batch dim: reflect and replicate have no element to copy)
    if 0 in (input.shape[1:] if input.dim() == k + 2 else input.shape):
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
                           "batch size and other non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    if mode == "reflect":
        for i in range(k):  # (torch numbers the pads of width, height, depth as arguments)
            size = input.shape[input.dim() - 1 - i]
            a, b = pad[2 * i], pad[2 * i + 1]
            if a >= size or b >= size:
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({a}, {b}) "
                                   f"at dimension {input.dim() - 1 - i} of input {list(input.shape)}")
    _check_output(input, pad, mode)
    return _MODES[mode][k](input, list(pad))


def _check_output(input, pad, mode):
    """torch's checks of the padded size (negative pads crop): every padded dim empty or
    less is too small; otherwise a negative dim fails when the output is made."""
    k = len(pad) // 2
    sizes = list(input.shape[input.dim() - k:])
    out = [n + pad[2 * (k - 1 - i)] + pad[2 * (k - 1 - i) + 1] for i, n in enumerate(sizes)]
    if all(n < 1 for n in out):
        names = "DHW"[3 - k:]
        given = ", ".join(f"{c}: {n}" for c, n in zip(names, sizes))
        if k == 3:  # (torch's spacing, different for each rank and mode)
            given = given.replace(", ", " ", 1)
        elif k == 2 and mode == "replicate":
            given += " "
        raise RuntimeError(f"input ({given}) is too small. Calculated output "
                           + " ".join(f"{c}: {n}" for c, n in zip(names, out)))
    if any(n < 0 for n in out):
        if k == 2 and mode == "reflect":
            raise RuntimeError("numel: integer multiplication overflow")
        shape = list(input.shape[:input.dim() - k]) + out
        first = next(n for n in out if n < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {first}: {shape}")


def _circular(input, pad):
    # each padded dim cropped by its negative pads, then wrapped around with slices and a
    # cat (torch writes the same values into a new tensor slice by slice: its graph is
    # CopySlices nodes)
    k = len(pad) // 2
    dims = [(input.dim() - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(k)]
    for d, a, b in reversed(dims):  # (torch checks the outermost padded dim first)
        if a > input.shape[d] or b > input.shape[d]:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if input.shape[d] + a + b < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    out = input
    for d, a, b in dims:
        n = out.shape[d]
        out = out.narrow(d, max(-a, 0), n - max(-a, 0) - max(-b, 0))
        n = out.shape[d]
        parts = [out.narrow(d, n - a, a)] if a > 0 else []
        parts.append(out)
        if b > 0:
            parts.append(out.narrow(d, 0, b))
        out = ops.FUNCTIONS["cat"](parts, d)
    return out

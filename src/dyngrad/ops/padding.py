"""Padding: constant_pad_nd (ConstantPadNdBackward0) and the reflection and replication
pads (ReflectionPad2DBackward0, ...), whose backward entries fold the padded border back
onto the edge it copies (torch's *_backward ops, differentiable as pads of the grad)."""
import math

from .. import _backend
from ._table import LINEAR, Op
from .pointwise import zeros_like

xp = _backend.xp


def _pairs(pad, ndim):
    """torch's pad list (last dim first, (left, right) each) as NumPy's per-axis pairs."""
    k = len(pad) // 2
    pairs = [(0, 0)] * (ndim - k)
    for i in range(k - 1, -1, -1):
        pairs.append((pad[2 * i], pad[2 * i + 1]))
    return pairs


def check_constant_pad(input, pad):
    """torch's checks of constant_pad_nd's ``pad``: its length, then each negative pad
    cropping its dim (outermost padded dim first, left before right) with ``narrow``,
    which refuses a crop past the dim's size."""
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    k = len(pad) // 2
    if k > input.dim():
        raise RuntimeError("Length of pad should be no more than twice the number of "
                           f"dimensions of the input. Pad length is {len(pad)}while the input "
                           f"has {input.dim()}dimensions.")
    for i in range(input.dim() - k, input.dim()):
        size = input.shape[i]
        for p in pad[2 * (input.dim() - i - 1):2 * (input.dim() - i)]:
            if p < 0:
                if size + p < 0:
                    raise RuntimeError("narrow(): length must be non-negative.")
                size += p


def _constant_pad_nd(self, pad, value):
    pairs = _pairs(pad, self.ndim)
    # negative pads crop
    crop = tuple(slice(max(-a, 0), self.shape[i] - max(-b, 0)) for i, (a, b) in enumerate(pairs))
    out = self[crop]
    grow = [(max(a, 0), max(b, 0)) for a, b in pairs]
    if any(a or b for a, b in grow):
        out = xp.pad(out, grow, constant_values=xp.asarray(value).astype(self.dtype))
    return xp.ascontiguousarray(out)


constant_pad_nd = Op("ConstantPadNdBackward0", _constant_pad_nd,
                     jvp=lambda self_t, pad: constant_pad_nd(self_t, pad, 0),
                     self=lambda grad, pad: constant_pad_nd(grad, [-p for p in pad], 0))


def _mode_padded(x, padding, mode):
    """``x`` padded by ``padding``'s positive entries in ``mode``, then cropped by its
    negative ones (torch's kernels read a reflection or edge from the whole input, so a
    crop on one side leaves the other side's padding as it was)."""
    pairs = _pairs(padding, x.ndim)
    out = xp.pad(x, [(max(a, 0), max(b, 0)) for a, b in pairs], mode=mode)
    if all(a >= 0 and b >= 0 for a, b in pairs):
        return out
    # (a copy: NumPy's contiguous view of size-1 dims keeps the base's strides)
    return out[tuple(slice(max(-a, 0), n - max(-b, 0)) for (a, b), n in zip(pairs, out.shape))].copy()


def _mode_pad(mode):
    def forward(self, padding):
        return _mode_padded(self, padding, mode)
    return forward


def _fold_back(mode):
    """The gradient of a reflect or edge pad: each padded element's gradient added to the
    element it copies (a cropped element gets none). Computed by padding an index array
    the same way."""
    def backward(grad_output, self, padding):
        k = len(padding) // 2
        lead = self.shape[:self.ndim - k]
        inner = self.shape[self.ndim - k:]
        idx = xp.arange(math.prod(inner)).reshape(inner)
        src = _mode_padded(idx, padding, mode).reshape(-1)
        out = xp.zeros(lead + (idx.size,), grad_output.dtype)
        flat_out = out.reshape(-1, idx.size)
        flat_g = grad_output.reshape(-1, src.size)
        for row in range(flat_g.shape[0]):
            flat_out[row] = _bincount(src, flat_g[row], idx.size)
        return out.reshape(self.shape)
    return backward


def _bincount(src, weights, n):
    """NumPy's bincount, which takes real weights only: complex ones in two parts."""
    if weights.dtype.kind == "c":
        return (xp.bincount(src, weights=weights.real, minlength=n)
                + 1j * xp.bincount(src, weights=weights.imag, minlength=n))
    return xp.bincount(src, weights=weights, minlength=n)


def _pad_ops(name, mode):
    """The pad entry and its backward entry: each one's formula is the other."""
    def pad_of_grad(grad, padding):
        return pad(grad, padding)

    def fold_grad(grad, self, padding):
        return back(grad, self, padding)

    def no_grad_for_self(grad, self):
        return zeros_like(self)

    back = Op(f"{name}BackwardBackward0", _fold_back(mode), jvp=LINEAR, grad_output=pad_of_grad,
              self=no_grad_for_self)
    pad = Op(f"{name}Backward0", _mode_pad(mode), jvp=LINEAR, self=fold_grad)
    return pad, back


reflection_pad1d, reflection_pad1d_backward = _pad_ops("ReflectionPad1D", "reflect")
reflection_pad2d, reflection_pad2d_backward = _pad_ops("ReflectionPad2D", "reflect")
reflection_pad3d, reflection_pad3d_backward = _pad_ops("ReflectionPad3D", "reflect")
replication_pad1d, replication_pad1d_backward = _pad_ops("ReplicationPad1D", "edge")
replication_pad2d, replication_pad2d_backward = _pad_ops("ReplicationPad2D", "edge")
replication_pad3d, replication_pad3d_backward = _pad_ops("ReplicationPad3D", "edge")

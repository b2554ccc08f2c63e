"""Discrete Fourier transforms as torch's three primitives: c2c (complex to complex),
r2c (real to the one-sided or full spectrum) and c2r (one-sided spectrum to real), each
with derivatives.yaml's formula: c2c's gradient is the opposite c2c with the same
normalisation; r2c's is the real part of an inverse c2c of the zero-filled spectrum;
c2r's is an r2c with the mirrored entries doubled.

``normalization`` is torch's fft_norm_mode: 0 none, 1 by 1/sqrt(n), 2 by 1/n.
"""
import math

from .. import _backend
from .. import _dtype as _dt
from ..creation import _check as _factory_module
from ..tensor import _wrap, _wrap_dim
from ._table import LINEAR, Op
from .joining import cat
from .inplace_forms import conj_physical_op
from .pointwise import conj, real_op
from .views import new_zeros
from ..tensor import _wrap

xp = _backend.xp
_COMPLEX_OF = {xp.dtype(xp.float32): xp.complex64, xp.dtype(xp.float64): xp.complex128,
               xp.dtype(xp.complex64): xp.complex64, xp.dtype(xp.complex128): xp.complex128}
_REAL_OF = {xp.dtype(xp.complex64): xp.float32, xp.dtype(xp.complex128): xp.float64}


def _scale(out, n, normalization):
    if normalization == 1:
        return out / math.sqrt(n)
    if normalization == 2:
        return out / n
    return out


def _c2c(self, dim, normalization, forward):
    fn = xp.fft.fftn if forward else xp.fft.ifftn
    out = fn(self, axes=dim, norm="backward" if forward else "forward")  # unscaled both ways
    n = math.prod(self.shape[d] for d in dim)
    return _scale(out, n, normalization).astype(_COMPLEX_OF[self.dtype], copy=False)


def _r2c(self, dim, normalization, onesided):
    out = xp.fft.rfftn(self, axes=dim) if onesided else xp.fft.fftn(self, axes=dim)
    n = math.prod(self.shape[d] for d in dim)
    return _scale(out, n, normalization).astype(_COMPLEX_OF[self.dtype], copy=False)


def _c2r(self, dim, normalization, last_dim_size):
    s = [self.shape[d] for d in dim[:-1]] + [last_dim_size]
    out = xp.fft.irfftn(self, s=s, axes=dim, norm="forward")
    n = math.prod(s)
    return _scale(out, n, normalization).astype(_REAL_OF[self.dtype], copy=False)




def _r2c_backward(grad, dim, normalization, onesided, self_sym_sizes):
    if onesided:
        last = dim[-1]
        missing = self_sym_sizes[last] - grad.shape[last]
        if missing > 0:
            shape = list(grad.shape)
            shape[last] = missing
            grad = cat([grad, new_zeros(grad, tuple(shape))], last)
    return real_op(fft_c2c(grad, dim, normalization, False))


def _c2r_backward(grad, dim, normalization):
    gI = fft_r2c(grad, dim, normalization, True)
    last = dim[-1]
    double = grad.shape[last] - gI.shape[last]
    if double > 0:  # the entries whose mirror images fell outside the one-sided half
        data = getattr(gI, "_data", gI)
        factor = _backend.array_module(data).ones(gI.shape[last],
                                                  dtype=_REAL_OF[xp.dtype(data.dtype)])
        factor[1:1 + double] = 2
        shape = [1] * len(gI.shape)
        shape[last] = -1
        factor = factor.reshape(shape)
        if hasattr(gI, "_data"):
            factor = _wrap(factor)
        gI = gI * factor
    return gI


fft_c2c = Op("FftC2CBackward0", _c2c, jvp=LINEAR,
             self=lambda grad, dim, normalization, forward: fft_c2c(grad, dim, normalization, not forward))
fft_r2c = Op("FftR2CBackward0", _r2c, jvp=LINEAR, self=_r2c_backward)
fft_c2r = Op("FftC2RBackward0", _c2r, jvp=LINEAR, self=_c2r_backward)

_FORWARD_MODE = {None: 0, "backward": 0, "ortho": 1, "forward": 2}
_INVERSE_MODE = {None: 2, "backward": 2, "ortho": 1, "forward": 0}


def _mode(norm, forward):
    table = _FORWARD_MODE if forward else _INVERSE_MODE
    if norm not in table:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return table[norm]


def _resize(x, dims, sizes):
    """Trim (a slice) or zero-pad (constant_pad_nd) ``x`` to ``sizes`` along ``dims``."""
    from . import torch_shape as ts
    for d, s in zip(dims, sizes):
        s = x.shape[d] if s is None or s == -1 else s
        if s < 1:
            raise RuntimeError(f"Invalid number of data points ({s}) specified")
        if s == x.shape[d]:
            continue
        if s < x.shape[d]:
            x = ts.narrow(x, d, 0, s)
        else:
            from .padding import constant_pad_nd
            pad = [0, 0] * (x.dim() - 1 - d) + [0, s - x.shape[d]]
            x = constant_pad_nd(x, tuple(pad), 0.0)
    return x


def _dims_sizes(x, s, dim, default_all):
    if dim is None:
        dims = list(range(x.dim())) if s is None else list(range(x.dim() - len(s), x.dim()))
    else:
        dims = [dim] if isinstance(dim, int) else list(dim)
    if dims and x.dim() == 0:  # (wrap_scalar=false: a 0-dim tensor has no dim -1)
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    dims = [_wrap_dim(d, x.dim()) for d in dims]
    sizes = [None] * len(dims) if s is None else list(s)
    return tuple(dims), sizes


def _complex(x):
    if x.is_complex():
        return x
    from .torch_shape import to_copy
    return to_copy(x, _dt.complex128 if x.dtype is _dt.float64 else _dt.complex64)


def _float(x):
    if x.dtype.is_floating_point and x.dtype.itemsize < 4:  # (pocketfft has no half types)
        raise RuntimeError(f"Unsupported dtype {x.dtype._cname}")
    if x.dtype.is_floating_point or x.is_complex():
        return x
    from .torch_shape import to_copy
    return to_copy(x, _dt.get_default_dtype())


def _fftn(x, s, dim, norm, forward):
    x = _float(x)
    dims, sizes = _dims_sizes(x, s, dim, True)
    x = _resize(x, dims, sizes)
    if not x.is_complex() and forward:
        return fft_r2c(x, dims, _mode(norm, True), False)
    return fft_c2c(_complex(x), dims, _mode(norm, forward), forward)


def _rfftn(x, s, dim, norm):
    if x.is_complex():
        raise RuntimeError("rfftn expects a real-valued input tensor, but got ComplexFloat")
    x = _float(x)
    dims, sizes = _dims_sizes(x, s, dim, True)
    x = _resize(x, dims, sizes)
    return fft_r2c(x, dims, _mode(norm, True), True)


def _irfftn(x, s, dim, norm):
    x = _complex(_float(x))
    dims, sizes = _dims_sizes(x, s, dim, True)
    last = sizes[-1] if sizes[-1] not in (None, -1) else 2 * (x.shape[dims[-1]] - 1)
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    sizes = sizes[:-1] + [last // 2 + 1]
    x = _resize(x, dims, sizes)
    return fft_c2r(x, dims, _mode(norm, False), last)


def _hfftn(x, s, dim, norm, name):
    """A Hermitian-symmetric signal's real spectrum: c2c over all dims but the last, then
    the conjugate's c2r over the last (torch's order: its graph ends FftC2RBackward0 <-
    ConjBackward0)."""
    x = _complex(_float(x))
    dims, sizes = _dims_sizes(x, s, dim, True)
    if not dims:
        raise RuntimeError(f"{name} must transform at least one axis")
    last = sizes[-1] if sizes[-1] not in (None, -1) else 2 * (x.shape[dims[-1]] - 1)
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    x = _resize(x, dims, sizes[:-1] + [last // 2 + 1])
    mode = _mode(norm, True)
    if len(dims) > 1:
        x = fft_c2c(x, dims[:-1], mode, True)
    return fft_c2r(conj(x), dims[-1:], mode, last)


def _ihfftn(x, s, dim, norm, name):
    """The inverse: the one-sided r2c over the last dim, conjugated, then an inverse c2c
    over the others (a physical conjugate before it, as torch's graph shows)."""
    if x.is_complex():
        if name == "ihfft":
            raise RuntimeError(f"ihfft expects a real input tensor, but got {x.dtype._cname}")
        raise RuntimeError(f"Only supports floating-point dtypes, but found: {x.dtype._cname}")
    x = _float(x)
    dims, sizes = _dims_sizes(x, s, dim, True)
    if not dims:
        raise RuntimeError(f"{name} must transform at least one axis")
    x = _resize(x, dims, sizes)
    mode = _mode(norm, False)
    half = fft_r2c(x, dims[-1:], mode, True)
    if len(dims) == 1:
        return conj(half)
    return fft_c2c(conj_physical_op(half), dims[:-1], mode, False)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _hfftn(input, None if n is None else [n], dim, norm, "hfft")


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _ihfftn(input, None if n is None else [n], dim, norm, "ihfft")


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _hfftn(input, s, dim, norm, "hfftn")


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _ihfftn(input, s, dim, norm, "ihfftn")


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _hfftn(input, s, dim, norm, "hfftn")


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _ihfftn(input, s, dim, norm, "ihfftn")


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    return _fftn(input, None if n is None else [n], dim, norm, True)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    return _fftn(input, None if n is None else [n], dim, norm, False)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _rfftn(input, None if n is None else [n], dim, norm)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _irfftn(input, None if n is None else [n], dim, norm)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _fftn(input, s, dim, norm, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _fftn(input, s, dim, norm, False)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _rfftn(input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _irfftn(input, s, dim, norm)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    return _fftn(input, s, dim, norm, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    return _fftn(input, s, dim, norm, False)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _rfftn(input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _irfftn(input, s, dim, norm)


def _freq_dtype(dtype):
    return (dtype or _dt.get_default_dtype()).np


def _frequencies(freqs, n, d, dtype, device, requires_grad):
    ns = _factory_module(freqs.__name__, device, requires_grad)
    if ns is not xp:  # the meta device: the frequencies' shape and dtype, no values
        return _wrap(ns.empty(freqs(n).shape, _freq_dtype(dtype)))
    return _wrap(freqs(n, d).astype(_freq_dtype(dtype)))


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False, out=None):
    return _frequencies(xp.fft.fftfreq, n, d, dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False, out=None):
    return _frequencies(xp.fft.rfftfreq, n, d, dtype, device, requires_grad)


def _shift(input, dim, sign):
    from .rearrange import roll
    dims = list(range(input.dim())) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    shifts = [sign * (input.shape[d] // 2) if sign > 0 else -(input.shape[d] // 2) for d in dims]
    return roll(input, shifts, dims)


def fftshift(input, dim=None):
    return _shift(input, dim, 1)


def ifftshift(input, dim=None):
    return _shift(input, dim, -1)


__all__ = ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

"""The rules of numpy.linalg and numpy.fft for meta arrays (NOTE [Meta arrays] in
_meta_array.py): the shapes and dtypes NumPy gives, laid out as torch's meta kernels lay
out their results.

The layouts are torch's, not NumPy's: LAPACK writes its factors column-major, so torch's
meta kernels give inv, solve, cholesky, qr, lu, the left singular vectors and eigh's
eigenvectors column-major strides (the batch dims outermost), and the rest row-major.
Its FFT meta kernels follow cuFFT's plan (NOTE [FFT layouts on meta] below).
"""
import numpy

from ._meta_array import MetaArray, _contiguous
from ._meta_functions import _rule  # (one table of rules: numpy.linalg's and fft's join it)


def _laid_out(shape, order):
    """Strides of a dense array of ``shape`` whose dims, outermost first, are ``order``."""
    strides, n = [0] * len(shape), 1
    for d in reversed(order):
        strides[d] = n
        n *= max(shape[d], 1)
    return tuple(strides)


def _column_major(shape, dtype):
    """A batch of column-major matrices (what LAPACK writes)."""
    n = len(shape)
    order = list(range(n - 2)) + [n - 1, n - 2] if n >= 2 else list(range(n))
    return MetaArray(shape, dtype, _laid_out(shape, order))


def _real(dtype):
    return numpy.empty(0, dtype).real.dtype


def _complex(dtype):
    return numpy.result_type(dtype, numpy.complex64)


# -- linear algebra ---------------------------------------------------------------------
@_rule(numpy.linalg.inv, numpy.linalg.cholesky)
def _factor(a, *args, **kwargs):
    return _column_major(a.shape, a.dtype)


@_rule(numpy.linalg.det)
def _det(a):
    return MetaArray(a.shape[:-2], a.dtype)


@_rule(numpy.linalg.slogdet)
def _slogdet(a):
    return MetaArray(a.shape[:-2], a.dtype), MetaArray(a.shape[:-2], _real(a.dtype))


@_rule(numpy.linalg.solve)
def _solve(a, b):
    batch = numpy.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return _column_major(batch + b.shape[-2:], numpy.result_type(a.dtype, b.dtype))


@_rule(numpy.linalg.qr)
def _qr(a, mode="reduced"):
    m, n = a.shape[-2:]
    k = m if mode == "complete" else min(m, n)
    r = _column_major(a.shape[:-2] + (k, n), a.dtype)
    if mode == "r":
        return r
    return _column_major(a.shape[:-2] + (m, k), a.dtype), r


@_rule(numpy.linalg.svd)
def _svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    s = MetaArray(batch + (k,), _real(a.dtype))
    if not compute_uv:
        return s
    mu, nv = (m, n) if full_matrices else (k, k)
    return (_column_major(batch + (m, mu), a.dtype), s,
            MetaArray(batch + (nv, n), a.dtype))


@_rule(numpy.linalg.svdvals)
def _svdvals(a):
    return _svd(a, compute_uv=False)


@_rule(numpy.linalg.eigh)
def _eigh(a, UPLO="L"):
    return MetaArray(a.shape[:-1], _real(a.dtype)), _column_major(a.shape, a.dtype)


@_rule(numpy.linalg.eigvalsh)
def _eigvalsh(a, UPLO="L"):
    return MetaArray(a.shape[:-1], _real(a.dtype))


@_rule(numpy.linalg.eig)
def _eig(a):
    return MetaArray(a.shape[:-1], _complex(a.dtype)), MetaArray(a.shape, _complex(a.dtype))


@_rule(numpy.linalg.eigvals)
def _eigvals(a):
    return MetaArray(a.shape[:-1], _complex(a.dtype))


@_rule(numpy.linalg.pinv)
def _pinv(a, *args, **kwargs):
    return MetaArray(a.shape[:-2] + a.shape[-2:][::-1], a.dtype)


@_rule(numpy.linalg.matrix_rank)
def _matrix_rank(a, *args, **kwargs):
    return MetaArray(a.shape[:-2], numpy.int64)


@_rule(numpy.linalg.cond)
def _cond(a, p=None):
    return MetaArray(a.shape[:-2], _real(a.dtype))


# -- FFT --------------------------------------------------------------------------------
# NOTE [FFT layouts on meta]
# torch's meta kernels of _fft_c2c, _fft_r2c and _fft_c2r lay their results out as cuFFT's
# plans would (a meta tensor counts as a CUDA one there): one step transforms up to three
# dims at once and writes the dims it leaves alone outermost, in the order of their
# strides in its input, then the dims it transforms, in the order it was given them. A
# complex transform of more dims takes them, by their input strides, three at a time from
# the innermost; a real-to-complex one does its last dim first (unless it can do all in
# one step: at most three dims, not starting with dims 0 and 1), a complex-to-real one its
# last dim last (from a contiguous input when it takes one step). torch's one-dimensional
# fft of a real input is a real-to-complex transform kept two-sided, laid out as one step.
_STEP = 3


def _step(strides, out_shape, dims):
    """The strides one transform step over ``dims`` writes."""
    kept = sorted((d for d in range(len(out_shape)) if d not in dims), key=lambda d: -strides[d])
    return _laid_out(out_shape, kept + list(dims))


def _c2c_steps(strides, shape, dims):
    dims = list(dims)
    while dims:
        dims.sort(key=lambda d: -strides[d])
        strides = _step(strides, shape, dims[-_STEP:])
        dims = dims[:-_STEP]
    return strides


def _in_one_step(dims):
    return len(dims) <= _STEP and not (len(dims) >= 2 and dims[0] == 0 and dims[1] == 1)


def _r2c(a, out_shape, dims):
    if _in_one_step(dims):
        return _step(a._strides, out_shape, dims)
    return _c2c_steps(_step(a._strides, out_shape, dims[-1:]), out_shape, dims[:-1])


def _c2r(a, out_shape, dims):
    if _in_one_step(dims):
        return _step(_contiguous(a.shape), out_shape, dims)
    return _step(_c2c_steps(a._strides, a.shape, dims[:-1]), out_shape, dims[-1:])


def _axes(a, s, axes):
    axes = list(range(a.ndim)) if axes is None else [x % a.ndim for x in axes]
    shape = list(a.shape)
    if s is not None:
        for d, n in zip(axes, s):
            shape[d] = n
    return axes, shape


@_rule(numpy.fft.fftn, numpy.fft.ifftn)
def _fftn(a, s=None, axes=None, norm=None, out=None):
    # (a real input is made complex first, in its layout: torch's fftn does the same)
    dims, shape = _axes(a, s, axes)
    return MetaArray(shape, _complex(a.dtype), _c2c_steps(a._strides, shape, dims))


@_rule(numpy.fft.rfftn)
def _rfftn(a, s=None, axes=None, norm=None, out=None):
    dims, shape = _axes(a, s, axes)
    shape[dims[-1]] = shape[dims[-1]] // 2 + 1
    return MetaArray(shape, _complex(a.dtype), _r2c(a, shape, dims))


@_rule(numpy.fft.irfftn)
def _irfftn(a, s=None, axes=None, norm=None, out=None):
    dims, shape = _axes(a, s, axes)
    if s is None:
        shape[dims[-1]] = 2 * (a.shape[dims[-1]] - 1)
    return MetaArray(shape, _real(a.dtype), _c2r(a, shape, dims))

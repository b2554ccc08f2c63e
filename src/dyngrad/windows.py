"""The window functions of torch's signal helpers (hann, hamming, blackman, bartlett and
kaiser windows), each computed in the window's own floating type, step by step as torch
computes it, so the values round as torch's do.

A periodic window of length N is the symmetric window of length N + 1 without its last
point (the form spectral analysis wants); length 1 is [1], length 0 empty.
"""
import math

from . import _backend, _dtype
from .creation import _check, _default, _leaf

xp = _backend.xp


def _window(name, window_length, periodic, dtype, requires_grad, device, layout, pin_memory,
            shape):
    _check(name, device, requires_grad, pin_memory, layout=layout)
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    d = _default(dtype)
    if d.kind not in "f":
        # torch prints the whole of its tensor options, naming the type in C++
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                           f"{_dtype.CPP_NAMES[_dtype._FROM_NP[d]]}, device=cpu, layout=Strided "
                           "(default), requires_grad=false (default), pinned_memory=false, "
                           "memory_format=(nullopt))")
    if window_length <= 1:
        return _leaf(xp.ones(window_length, d), requires_grad)
    n = window_length + 1 if periodic else window_length
    w = shape(n, d)
    return _leaf(w[:window_length] if periodic else w, requires_grad)


def _ramp(n, d, scale):
    return xp.arange(n, dtype=d) * d.type(scale)


def _cosine(name, window_length, periodic, alpha, beta, dtype, layout, device, pin_memory,
            requires_grad):
    def shape(n, d):
        return xp.cos(_ramp(n, d, 2 * math.pi / (n - 1))) * d.type(-beta) + d.type(alpha)
    return _window(name, window_length, periodic, dtype, requires_grad, device, layout,
                   pin_memory, shape)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    return _cosine("hamming_window", window_length, periodic, alpha, beta, dtype, layout,
                   device, pin_memory, requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    return _cosine("hann_window", window_length, periodic, 0.5, 0.5, dtype, layout, device,
                   pin_memory, requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    def shape(n, d):
        w = _ramp(n, d, math.pi / (n - 1))
        return (xp.cos(w * d.type(4)) * d.type(0.08) - xp.cos(w * d.type(2)) * d.type(0.5)
                + d.type(0.42))
    return _window("blackman_window", window_length, periodic, dtype, requires_grad, device,
                   layout, pin_memory, shape)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    def shape(n, d):
        w = _ramp(n, d, 2.0 / (n - 1))
        first = (n - 1) // 2 + 1
        return xp.concatenate([w[:first], d.type(2) - w[first:]])
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad, device,
                   layout, pin_memory, shape)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    def shape(n, d):
        alpha = (n - 1) / 2.0
        ratio = (xp.arange(n, dtype=xp.float64) - alpha) / alpha
        w = xp.i0(beta * xp.sqrt(xp.maximum(1 - ratio * ratio, 0))) / xp.i0(beta)
        return w.astype(d)
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, device,
                   layout, pin_memory, shape)

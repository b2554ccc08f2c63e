"""The orthogonal polynomials of torch.special, over float32 or float64 arrays.

torch evaluates them by their three-term recurrences, in the input's own precision, with
the multiply-subtract of each step fused (its CPU kernels are built with FMA); for |x| < 1
and larger degrees the Chebyshev families switch to their trigonometric forms. The
recurrences here take the same steps in the same precision with the same fused rounding,
so the values agree with torch's to the last bit or nearly, including where a recurrence
overflows to inf and then nan (torch stops there, as we do).

The degree n arrives as a float array of the result's dtype and is truncated to an
integer as C++'s cast does; nan, inf and out-of-range degrees become the most negative
integer (the x86 conversion's answer), so they count as negative degrees: 0.
"""
import math

import numpy as np  # kernels of the NumPy-only special ops (NOTE [The array-module seam])

from ._special_math import fma

_INT64_MIN = np.iinfo(np.int64).min


def degree(n):
    """C++'s static_cast<int64_t> of a float degree (x86: out of range gives INT64_MIN)."""
    n = np.asarray(n)
    if n.dtype.kind in "iub":
        return n.astype(np.int64)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(n) & (n > -2.0 ** 63) & (n < 2.0 ** 63)
        return np.where(ok, np.trunc(np.where(ok, n, 0)), _INT64_MIN).astype(np.int64)


def _recur(x, n, p, q, first, step, stop_at_nan=True):
    """Run ``r = step(x, k, p, q); p, q = q, r`` for k = first .. n lane by lane,
    stopping a lane early where q is nan (torch's loops check it); the final r of each
    lane (nan where the loop never ran, where torch's value is undefined)."""
    out = np.full(x.shape, np.nan, x.dtype)
    idx = np.nonzero(n >= first)[0]
    stop = n[idx]
    xs, ps, qs = x[idx], p[idx], q[idx]
    k = first
    while idx.size:
        live = (stop >= k) & ~np.isnan(qs) if stop_at_nan else stop >= k
        if not live.all():
            idx, stop, xs, ps, qs = idx[live], stop[live], xs[live], ps[live], qs[live]
            if not idx.size:
                break
        r = step(xs, k, ps, qs)
        out[idx] = r
        ps, qs = qs, r
        k += 1
    return out


def _chebyshev_step(x, k, p, q):
    return fma(x + x, q, -p)


_acos64 = np.frompyfunc(math.acos, 1, 1)


def _libm(name, x):
    """The C library's function as torch's scalar kernels call it: float64 through the
    math module (NumPy's own arccos differs from it in the last bit at times, which the
    trigonometric forms multiply by n); float32 rounded from float64."""
    if name == "acos" and x.dtype == np.float64:
        return np.asarray(_acos64(x), np.float64).reshape(x.shape)
    return getattr(np, "arc" + name[1:] if name == "acos" else name)(
        x.astype(np.float64)).astype(x.dtype)


def _chebyshev(x, n, kind, shifted):
    """T, U, V or W of degree n at x (the shifted ones come in with x mapped to 2x - 1):
    the recurrence's value, and the trigonometric form's."""
    dt = x.dtype.type
    one = dt(1)
    with np.errstate(all="ignore"):
        q0 = {"t": x, "u": x + x, "v": x + x - one, "w": x + x + one}[kind]
        out = _recur(x, n, np.ones_like(x), q0, 2, _chebyshev_step)
        out = np.where(n == 1, q0, out)
        out = np.where(n == 0, one, out)
        nf = n.astype(x.dtype)
        n1 = (n + 1).astype(x.dtype)
        n21 = (n + n + 1).astype(x.dtype)
        theta = _libm("acos", np.clip(x, -1, 1))
        if kind == "t":
            trig = _libm("cos", nf * theta)
        elif kind == "u":
            s = _libm("sin", theta)
            trig = np.where(s != 0, _libm("sin", n1 * theta) / s,
                            n1 * _libm("cos", n1 * theta) / x)
        elif kind == "v":
            half = theta / dt(2)
            trig = np.where(_libm("sin", half) != one,
                            _libm("cos", (nf + dt(0.5)) * theta) / _libm("cos", half),
                            np.where(n % 2 == 0, n21, -n21))
        else:
            half = theta / dt(2)
            parity = np.where(n % 2 == 0, one, -one)
            trig = np.where(_libm("cos", half) != one,
                            _libm("sin", (nf + dt(0.5)) * theta) / _libm("sin", half),
                            parity if shifted else np.where(x > 0, n21, parity))
        return out, trig.astype(x.dtype)


# degrees above which |x| < 1 takes the trigonometric form, per family (torch's choice)
_TRIG_FROM = {"t": 6, "u": 8, "v": 8, "w": 8}
_SHIFTED_TRIG_FROM = {"t": 6, "u": 6, "v": 6, "w": 4}


def _at_ends(x, n, kind, top, bottom):
    """The values at the interval's ends (x == top: 1 or n + 1 or 2n + 1; x == bottom:
    the same up to the parity sign), which torch returns exactly."""
    n1 = (n + 1).astype(x.dtype)
    n21 = (n + n + 1).astype(x.dtype)
    odd = n % 2 == 1
    one = np.ones_like(x)
    at_top = {"t": one, "u": n1, "v": one, "w": n21}[kind]
    mag = {"t": one, "u": n1, "v": n21, "w": one}[kind]
    at_bottom = np.where(odd, -mag, mag)
    out = np.where(x == top, at_top, np.nan)
    return np.where(x == bottom, at_bottom, out), (x == top) | (x == bottom)


def chebyshev(x, n, kind, shifted=False):
    n = degree(n)
    with np.errstate(all="ignore"):
        y = (x + x - x.dtype.type(1)) if shifted else x
        out, trig = _chebyshev(y, n, kind, shifted)
        limit = (_SHIFTED_TRIG_FROM if shifted else _TRIG_FROM)[kind]
        out = np.where((n > limit) & (np.abs(y) < 1), trig, out)
        ends, at_end = _at_ends(x, n, kind, 1, 0) if shifted else _at_ends(x, n, kind, 1, -1)
        out = np.where(at_end, ends, out)
        return np.where(n < 0, x.dtype.type(0), out).astype(x.dtype)


def _hermite_h_step(x, k, p, q):
    return fma(x + x, q, -(np.asarray(2 * k - 2, x.dtype) * p))


def _hermite_he_step(x, k, p, q):
    return fma(x, q, -(np.asarray(k - 1, x.dtype) * p))


def hermite(x, n, physicists):
    """H_n (physicists') or He_n (probabilists'); nan above degree 512 (float64) or 128
    (float32), where torch gives up."""
    n = degree(n)
    limit = 512 if x.dtype == np.float64 else 128
    with np.errstate(all="ignore"):
        q0 = x + x if physicists else x
        # torch's loops: k = 2, 4, .. < 2n for H (step coefficient k), k = 1 .. n-1 for He;
        # both are n - 1 steps, written here with k = 2 .. n
        step = _hermite_h_step if physicists else _hermite_he_step
        out = _recur(x, np.where(n > limit, 0, n), np.ones_like(x), q0, 2, step,
                     stop_at_nan=False)
        out = np.where(n > limit, np.nan, out)
        out = np.where(n == 1, q0, out)
        out = np.where(n == 0, 1, out)
        return np.where(n < 0, 0, out).astype(x.dtype)


def _laguerre_step(x, k, p, q):
    k -= 1  # torch's k runs from 1
    dt = x.dtype.type
    return fma(dt(k + k) + (dt(1) - x), q, -(dt(k) * p)) / dt(k + 1)


def _legendre_step(x, k, p, q):
    k -= 1
    dt = x.dtype.type
    return fma(dt(k + k + 1) * x, q, -(dt(k) * p)) / dt(k + 1)


def laguerre(x, n):
    n = degree(n)
    with np.errstate(all="ignore"):
        q0 = 1 - x
        out = _recur(x, n, np.ones_like(x), q0, 2, _laguerre_step)
        out = np.where(n == 1, q0, out)
        out = np.where((n == 0) | (x == 0), 1, out)
        return np.where(n < 0, 0, out).astype(x.dtype)


def legendre(x, n):
    n = degree(n)
    with np.errstate(all="ignore"):
        out = _recur(x, n, np.ones_like(x), x, 2, _legendre_step)
        out = np.where(n == 1, x, out)
        out = np.where(n == 0, 1, out)
        ends = np.where((x > 0) | (n % 2 == 0), 1, -1)
        out = np.where(np.abs(x) == 1, ends, out)
        return np.where(n < 0, 0, out).astype(x.dtype)


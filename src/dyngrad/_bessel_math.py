"""Bessel and Airy functions of torch.special over float64 arrays, NumPy only.

- J0, J1, Y0, Y1: power series for x < 2; Miller's backward recurrence for 2 <= x < 25
  (normalised by J0 + 2 (J2 + J4 + ...) = 1, with Y0 and Y1 from Neumann's series over the
  same J_n); Hankel's asymptotic expansion beyond.
- K0, K1 (and exp(x) times them): power series for x <= 1; the trapezoidal rule on
  K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt, which converges geometrically in the
  step, for 1 < x <= 40; the asymptotic expansion beyond.
- Ai: Maclaurin's series for |x| <= 1; Ai(x) = sqrt(x / 3) K_{1/3}(2/3 x^1.5) / pi above;
  Taylor steps along the Airy equation Ai'' = x Ai on a grid below, down to -10, and the
  asymptotic expansion further out.

torch evaluates the oscillating ones beyond a point (J, Y for x > 5, Ai for x < -2.09) as
an amplitude times the cosine of a phase it computes by one rounded subtraction,
``x - pi/4``, in the input's precision. The phase error that rounding makes is part of
torch's value, and grows with x: ``phase_error`` measures it, and the values here are
turned by it (J cos d - Y sin d, as the angle-sum rule gives), so they agree with torch's.
"""
import math
from fractions import Fraction

import numpy as np  # kernels of the NumPy-only special ops (NOTE [The array-module seam])

_EULER = 0.57721566490153286061
_PIO4_LOW = 3.061616997868383e-17  # pi/4 - float64(pi/4)


def phase_error(x, shift, dtype):
    """fl(x - c) - (x - shift pi/4) for c = shift pi/4 rounded to ``dtype``, with fl the
    subtraction in ``dtype``: the error of torch's phase."""
    x = np.asarray(x, np.float64)
    c = np.asarray(shift * math.pi / 4, dtype)
    xn = (x.astype(dtype) - c).astype(np.float64)  # what torch's kernel computes
    c = float(c)
    # x - c == s + err exactly (a two-sum), and c's distance to shift pi/4
    s = x - c
    v = s - x
    err = (x - (s - v)) + (-c - v)
    true_minus_c = float(Fraction(shift) * Fraction(math.pi) / 4 - Fraction(c)) + shift * _PIO4_LOW
    return (xn - s) - err + true_minus_c


def _series_j(x):
    """J0, J1, Y0, Y1 for 0 < x < 2 (Y: nan where x <= 0 is handled by the caller)."""
    q = x * x / 4
    t0, t1 = np.ones_like(x), np.ones_like(x)
    j0, j1 = t0.copy(), t1.copy()
    h, y0s, y1s = 0.0, np.zeros_like(x), -(2 * -_EULER + 1) * t1
    for k in range(1, 30):
        t0 = -t0 * q / (k * k)
        t1 = -t1 * q / (k * (k + 1))
        h += 1.0 / k
        j0 = j0 + t0
        j1 = j1 + t1
        y0s = y0s - t0 * h  # (-1)^(k+1) H_k q^k / k!^2
        # psi(k+1) + psi(k+2) = 2 H_k + 1/(k+1) - 2 gamma
        y1s = y1s - t1 * (2 * h + 1.0 / (k + 1) - 2 * _EULER)
    j1 = j1 * x / 2
    lg = np.log(x / 2)
    y0 = 2 / math.pi * ((lg + _EULER) * j0 + y0s)
    y1 = -2 / (math.pi * x) + 2 / math.pi * lg * j1 + x / (2 * math.pi) * y1s
    return j0, j1, y0, y1


_MILLER_START = 80


def _miller(x):
    """J0, J1, Y0, Y1 for 2 <= x < 25 by the backward recurrence from order 80."""
    n = _MILLER_START
    jn1, jn = np.zeros_like(x), np.full_like(x, 1e-30)
    norm = np.zeros_like(x)
    s0 = np.zeros_like(x)  # sum_k (-1)^k J_2k / k
    s1 = np.zeros_like(x)  # sum_k (-1)^k (J_2k-1 - J_2k+1) / k
    j = {n + 1: jn1, n: jn}
    for m in range(n, 0, -1):  # J_{m-1} = 2m/x J_m - J_{m+1}
        j[m - 1] = 2 * m / x * j[m] - j[m + 1]
    for k in range(1, n // 2 + 1):
        sign = -1.0 if k % 2 else 1.0
        norm = norm + j[2 * k]
        s0 = s0 + sign * j[2 * k] / k
        s1 = s1 + sign * (j[2 * k - 1] - j[2 * k + 1]) / k
    scale = 1 / (j[0] + 2 * norm)
    j0, j1 = j[0] * scale, j[1] * scale
    lg = np.log(x / 2) + _EULER
    y0 = 2 / math.pi * (lg * j0 - 2 * s0 * scale)
    y1 = 2 / math.pi * (-j0 / x + lg * j1 + s1 * scale)
    return j0, j1, y0, y1


def _hankel(x, nu, phase):
    """J_nu and Y_nu for large x, with the phase given (x - (2 nu + 1) pi / 4 as rounded)."""
    mu = 4.0 * nu * nu
    p, q = np.ones_like(x), np.zeros_like(x)
    term = np.ones_like(x)
    for k in range(1, 40):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        if k % 2:
            q = q + (term if k % 4 == 1 else -term)
        else:
            p = p + (term if k % 4 == 0 else -term)
    amp = np.sqrt(2 / (math.pi * x))
    c, s = np.cos(phase), np.sin(phase)
    return amp * (p * c - q * s), amp * (p * s + q * c)


_HANKEL_FROM = 25.0


def bessel_jy(x, dtype):
    """J0, J1, Y0, Y1 at x (float64 values of a ``dtype`` input), as torch's kernels give
    them in ``dtype``."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = [np.full(x.shape, np.nan) for _ in range(4)]
    with np.errstate(all="ignore"):
        small = (ax < 2) & (ax > 0)
        if small.any():
            for o, v in zip(out, _series_j(ax[small])):
                o[small] = v
        mid = (ax >= 2) & (ax < _HANKEL_FROM)
        if mid.any():
            j0, j1, y0, y1 = _miller(ax[mid])
            # torch turns to the phase form above 5: its rounded phase, added here
            d0 = np.where(ax[mid] > 5, phase_error(ax[mid], 1, dtype), 0.0)
            d1 = np.where(ax[mid] > 5, phase_error(ax[mid], 3, dtype), 0.0)
            out[0][mid] = j0 * np.cos(d0) - y0 * np.sin(d0)
            out[2][mid] = y0 * np.cos(d0) + j0 * np.sin(d0)
            out[1][mid] = j1 * np.cos(d1) - y1 * np.sin(d1)
            out[3][mid] = y1 * np.cos(d1) + j1 * np.sin(d1)
        big = ax >= _HANKEL_FROM
        if big.any():
            b = ax[big]
            for nu, shift, (ji, yi) in ((0, 1, (0, 2)), (1, 3, (1, 3))):
                phase = b - shift * math.pi / 4 + phase_error(b, shift, dtype)
                jv, yv = _hankel(b, nu, phase)
                out[ji][big], out[yi][big] = jv, yv
        j0, j1, y0, y1 = out
        j0 = np.where(x == 0, 1.0, j0)
        j1 = np.where(x == 0, 0.0, np.where(x < 0, -j1, j1))
        y0 = np.where(x == 0, -np.inf, np.where(x < 0, np.nan, y0))
        y1 = np.where(x == 0, -np.inf, np.where(x < 0, np.nan, y1))
        # torch's asymptotic forms take cos(inf): nan
        return [np.where(np.isinf(x), np.nan, v) for v in (j0, j1, y0, y1)]


# -- modified Bessel functions of the second kind -------------------------------------------
_H = 0.1
_T = np.arange(0, 6.0 + _H / 2, _H)
_WEIGHT = np.where(_T == 0, _H / 2, _H)
_COSH_M1 = 2 * np.sinh(_T / 2) ** 2  # cosh t - 1, without cancellation


def _k_scaled_trapezoid(x, nu):
    """exp(x) K_nu(x) for 1 <= x <= 40 by the trapezoidal rule (the integrand decays like
    exp(-x (cosh t - 1)): by t = 6 it is below exp(-200); the rule's error with step 0.1
    is below exp(-pi^2 / 0.1 + x), far below rounding)."""
    e = np.exp(-x[:, None] * _COSH_M1[None, :]) * np.cosh(nu * _T)[None, :]
    return e @ _WEIGHT


def _k_scaled_asymptotic(x, nu):
    """exp(x) K_nu(x) for x > 40: sqrt(pi / 2x) sum_k a_k(nu) / x^k."""
    mu = 4.0 * nu * nu
    total, term = np.ones_like(x), np.ones_like(x)
    for k in range(1, 40):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        total = total + term
    return np.sqrt(math.pi / (2 * x)) * total


def _k_series(x):
    """K0 and K1 for 0 < x <= 1 by their power series."""
    q = x * x / 4
    t0, t1 = np.ones_like(x), np.ones_like(x)
    i0, i1 = t0.copy(), t1.copy()
    h = 0.0
    s0 = np.zeros_like(x)
    s1 = (1 - 2 * _EULER) * t1  # psi(1) + psi(2) = 1 - 2 gamma
    for k in range(1, 25):
        h += 1.0 / k
        t0 = t0 * q / (k * k)
        t1 = t1 * q / (k * (k + 1))
        i0, i1 = i0 + t0, i1 + t1
        s0 = s0 + t0 * h
        s1 = s1 + t1 * (2 * h + 1.0 / (k + 1) - 2 * _EULER)
    lg = np.log(x / 2)
    i1 = i1 * x / 2
    k0 = -(lg + _EULER) * i0 + s0
    k1 = 1 / x + lg * i1 - x / 4 * s1
    return k0, k1


def bessel_k(x, order, scaled):
    """K0 or K1 at x, or exp(x) times it with ``scaled``: inf at 0, nan below."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        small = (x > 0) & (x <= 1)
        if small.any():
            v = _k_series(x[small])[order]
            out[small] = v * np.exp(x[small]) if scaled else v
        for part, fn in (((x > 1) & (x <= 40), _k_scaled_trapezoid),
                         (x > 40, _k_scaled_asymptotic)):
            if part.any():
                v = fn(x[part], order)
                out[part] = v if scaled else v * np.exp(-x[part])
        out = np.where(x == 0, np.inf, out)
        return np.where(x == np.inf, 0.0, out)


# -- Airy's Ai --------------------------------------------------------------------------
# Ai(0), -Ai'(0), Bi(0), Bi'(0): 3^(-2/3) / Gamma(2/3), 3^(-1/3) / Gamma(1/3), and sqrt(3)
# times them
_AI0 = 0.355028053887817239260
_DAI0 = -0.258819403792806798405
_BI0 = 0.614926627446000735150
_DBI0 = 0.448288357353826357914
_GRID_STEP = 0.25
_GRID_END = 10.0
_TAYLOR_TERMS = 30


def _taylor(c, y, dy, d):
    """y(c + d) and y'(c + d) for y'' = x y, from y and y' at c, by the Taylor series
    whose coefficients follow (k + 2)(k + 1) a_{k+2} = c a_k + a_{k-1}."""
    prev, a0, a1 = np.zeros_like(y), y, dy
    value, slope = a0 + a1 * d, a1.copy()
    coef = [a0, a1]
    for k in range(0, _TAYLOR_TERMS):
        nxt = (c * coef[k] + (coef[k - 1] if k else prev)) / ((k + 2) * (k + 1))
        coef.append(nxt)
        value = value + nxt * d ** (k + 2)
        slope = slope + (k + 2) * nxt * d ** (k + 1)
    return value, slope


_grid = []


def _airy_grid():
    """Ai, Ai', Bi, Bi' at 0, -0.25, .., -10 (stepped once, kept)."""
    if not _grid:
        c = -np.arange(0, _GRID_END + _GRID_STEP * 1.5, _GRID_STEP)
        y = np.empty((4, c.size))
        y[:, 0] = (_AI0, _DAI0, _BI0, _DBI0)
        for i in range(1, c.size):
            for f in (0, 2):
                v, s = _taylor(c[i - 1], y[f, i - 1:i], y[f + 1, i - 1:i], -_GRID_STEP)
                y[f, i], y[f + 1, i] = v[0], s[0]
        _grid.extend((c, y))
    return _grid


def _airy_negative(x, dtype):
    """Ai(x) for -10 <= x < -1, with torch's phase rounding below -2.09."""
    c, y = _airy_grid()
    i = np.rint(-x / _GRID_STEP).astype(int)
    d = x - c[i]
    ai, _ = _taylor(c[i], y[0, i], y[1, i], d)
    bi, _ = _taylor(c[i], y[2, i], y[3, i], d)
    delta = np.where(x < -2.09, _airy_phase(x, dtype) - _airy_zeta(x) - math.pi / 4, 0.0)
    return ai * np.cos(delta) + bi * np.sin(delta)


def _airy_zeta(x):
    return 2 / 3 * (-x) ** 1.5


def _airy_phase(x, dtype):
    """torch's phase for x < -2.09: -2 x sqrt(-x) / 3 + pi / 4, rounded in ``dtype``."""
    xd = x.astype(dtype)
    t = (dtype(-2.0) * xd * np.sqrt(-xd.astype(np.float64)).astype(dtype) / dtype(3.0)
         + dtype(0.25 * math.pi))
    return t.astype(np.float64)


def _airy_far_negative(x, dtype):
    zeta = _airy_zeta(x)
    p, q = np.ones_like(x), np.zeros_like(x)
    u = 1.0
    for k in range(1, 30):
        u = u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        term = u / zeta ** k
        if k % 2:
            q = q + (term if k % 4 == 1 else -term)
        else:
            p = p + (term if k % 4 == 0 else -term)
    t = _airy_phase(x, dtype)
    return (np.sin(t) * p - np.cos(t) * q) / (math.sqrt(math.pi) * (-x) ** 0.25)


def _airy_maclaurin(x):
    cube = x ** 3
    f, g = np.ones_like(x), x.copy()
    tf, tg = np.ones_like(x), x.copy()
    for k in range(1, 30):
        tf = tf * cube / ((3 * k - 1) * (3 * k))
        tg = tg * cube / ((3 * k) * (3 * k + 1))
        f, g = f + tf, g + tg
    return _AI0 * f + _DAI0 * g


def airy_ai(x, dtype):
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        parts = ((np.abs(x) <= 1, _airy_maclaurin),
                 ((x >= -_GRID_END) & (x < -1), lambda v: _airy_negative(v, dtype)),
                 (x < -_GRID_END, lambda v: _airy_far_negative(v, dtype)))
        for part, fn in parts:
            if part.any():
                out[part] = fn(x[part])
        pos = (x > 1) & (x <= 103.892)  # torch gives 0 beyond (where Ai underflows)
        if pos.any():
            v = x[pos]
            zeta = _airy_zeta(-v)
            k = np.where(zeta <= 40, _k_scaled_trapezoid(np.minimum(zeta, 40), 1 / 3),
                         _k_scaled_asymptotic(np.maximum(zeta, 40), 1 / 3))
            out[pos] = np.sqrt(v / 3) / math.pi * k * np.exp(-zeta)
        out = np.where(x > 103.892, 0.0, out)
        return np.where(np.isinf(x), np.nan, out)


def spherical_j0(x):
    """sin(x) / x; its Maclaurin series below 0.5, where the quotient loses digits; 0 at
    both infinities."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        sq = x * x
        series = np.ones_like(x)
        term = np.ones_like(x)
        for k in range(1, 9):
            term = -term * sq / ((2 * k) * (2 * k + 1))
            series = series + term
        out = np.where(np.abs(x) < 0.5, series, np.sin(x) / x)
        return np.where(np.isinf(x), 0.0, out)

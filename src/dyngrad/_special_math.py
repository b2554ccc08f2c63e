"""Special functions over float64 arrays, with NumPy and the math module only.

lgamma and erfc come from the math module, element by element; the rest are series and
recurrences accurate to a few ulps of float64 (well inside float32 and torch's test
tolerances): digamma by recurrence and the asymptotic series, polygamma through the
Hurwitz zeta function (Euler-Maclaurin), erfinv by a rational first guess and Newton
steps, the modified Bessel functions I0 and I1 by their power series, and by their
asymptotic series for large arguments, where the power series loses digits.
"""
import math

import numpy as np  # kernels of the NumPy-only special ops (NOTE [The array-module seam])

def _lgamma_one(v):
    if v != v:
        return math.nan
    if math.isinf(v) or (v <= 0 and v == math.floor(v)):  # poles and both infinities
        return math.inf
    return math.lgamma(v)


_lgamma_scalar = np.frompyfunc(_lgamma_one, 1, 1)
_erf_scalar = np.frompyfunc(math.erf, 1, 1)
_erfc_scalar = np.frompyfunc(math.erfc, 1, 1)


def lgamma(x):
    return np.asarray(_lgamma_scalar(x), dtype=np.float64)


def erf(x):
    return np.asarray(_erf_scalar(x), dtype=np.float64)


def erfc(x):
    return np.asarray(_erfc_scalar(x), dtype=np.float64)


def digamma(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        neg = x < 0
        # reflection: psi(x) = psi(1 - x) - pi / tan(pi x); poles at the non-positive integers
        y = np.where(neg, 1 - x, x)
        acc = np.zeros_like(y)
        for _ in range(10):
            small = y < 10
            acc = np.where(small, acc - 1 / y, acc)
            y = np.where(small, y + 1, y)
        inv2 = 1 / (y * y)
        series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (
            1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))))
        res = np.log(y) - 0.5 / y - series + acc
        res = np.where(neg, res - np.pi / np.tan(np.pi * x), res)
        out[...] = res
        out[x == 0] = -np.inf
        out[neg & (x == np.floor(x))] = np.nan
        out[x == np.inf] = np.inf
    return out


# Bernoulli numbers B_2k / (2k)! for the Euler-Maclaurin tail
_B2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
        -174611 / 330]
_B2K_OVER_FACT = [b / math.factorial(2 * (k + 1)) for k, b in enumerate(_B2K)]


def zeta(s, q):
    """Hurwitz zeta sum_k (q + k)^-s, for s > 1; q <= 0 by the recurrence (poles at the
    non-positive integers)."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    s, q = s.copy(), q.copy()
    with np.errstate(all="ignore"):
        acc = np.zeros(np.broadcast_shapes(s.shape, q.shape))
        pole = (q <= 0) & (q == np.floor(q))
        for _ in range(64):  # q < 1: peel terms off until q >= 1 (bounded for q > -63)
            low = q < 1
            if not low.any():
                break
            acc = np.where(low, acc + q ** -s, acc)
            q = np.where(low, q + 1, q)
        n = 20
        for k in range(n):
            acc = acc + (q + k) ** -s
        a = q + n
        tail = a ** (1 - s) / (s - 1) + 0.5 * a ** -s
        # sum_j B_2j/(2j)! * s(s+1)...(s+2j-2) * a^(-s-2j+1)
        rising = s.copy()
        power = a ** (-s - 1)
        for j, c in enumerate(_B2K_OVER_FACT):
            tail = tail + c * rising * power
            rising = rising * (s + 2 * j + 1) * (s + 2 * j + 2)
            power = power / (a * a)
        out = acc + tail
        out = np.where(pole, np.inf, out)
        out = np.where(s == 1, np.inf, out)
        out = np.where(s < 1, np.nan, out)
    return out


def polygamma(n, x):
    if n == 0:
        return digamma(x)
    with np.errstate(all="ignore"):
        out = (-1) ** (n + 1) * math.factorial(n) * zeta(n + 1.0, x)
        # torch's kernels give 0 for n = 1 at inf and nan for higher n
        return np.where(np.asarray(x) == np.inf, 0.0 if n == 1 else np.nan, out)


def erfinv(y):
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        # first guess (Giles, "Approximating the erfinv function"), then Newton on erf
        w = -np.log((1.0 - y) * (1.0 + y))
        small = w < 5
        ws = w - 2.5
        p_small = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            p_small = c + p_small * ws
        wl = np.sqrt(w) - 3
        p_large = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):
            p_large = c + p_large * wl
        x = np.where(small, p_small, p_large) * y
        for _ in range(3):
            err = erf(x) - y
            x = x - err / (2 / math.sqrt(math.pi) * np.exp(-x * x))
        x = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, x))
        x = np.where(np.abs(y) > 1, np.nan, x)
    return x


def _bessel_series(x, order):
    """I_order(x) for order 0 or 1 by its power series (for moderate |x|)."""
    half_sq = (x / 2) ** 2
    term = np.ones_like(x) if order == 0 else x / 2
    total = term.copy()
    for k in range(1, 120):
        term = term * half_sq / (k * (k + order))
        total = total + term
    return total


def _bessel_scaled_asymptotic(ax, order):
    """exp(-x) I_order(x) for large x > 0: 1/sqrt(2 pi x) * sum_k (-1)^k a_k(nu) / x^k."""
    mu = 4.0 * order * order
    term = np.ones_like(ax)
    total = term.copy()
    for k in range(1, 30):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * ax)
        total = total + term
    return total / np.sqrt(2 * np.pi * ax)


_BIG = 30.0


def bessel_i(x, order, scaled):
    """I0/I1 (or exp(-|x|) times them with ``scaled``) of a float64 array."""
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    with np.errstate(all="ignore"):
        small = _bessel_series(np.where(ax <= _BIG, x, 0.0), order)
        if scaled:
            small = small * np.exp(-ax)
        big = _bessel_scaled_asymptotic(np.where(ax > _BIG, ax, _BIG + 1), order)
        if not scaled:
            big = big * np.exp(ax)
        if order == 1:
            big = np.sign(x) * big
        out = np.where(ax <= _BIG, small, big)
        if not scaled:
            out = np.where(np.isinf(x), np.nan, out)
        else:
            out = np.where(np.isinf(x), 0.0 * np.sign(x) if order else 0.0, out)
        out = np.where(np.isnan(x), np.nan, out)
    return out


def ndtri(p):
    return math.sqrt(2) * erfinv(2 * np.asarray(p, dtype=np.float64) - 1)


def log_ndtr(x):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        # above 0, log1p of the upper tail keeps the tiny negative values torch gives
        direct = np.where(x > 0, np.log1p(-0.5 * erfc(x / math.sqrt(2))),
                          np.log(0.5 * erfc(-x / math.sqrt(2))))
        # far in the lower tail erfc underflows: the asymptotic series of log Phi(x)
        inv2 = 1 / (x * x)
        tail = (-0.5 * x * x - np.log(-x) - 0.5 * math.log(2 * math.pi)
                + np.log1p(-inv2 * (1 - 3 * inv2 * (1 - 5 * inv2 * (1 - 7 * inv2)))))
        return np.where(x < -20, tail, direct)

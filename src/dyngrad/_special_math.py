"""Special functions over float64 arrays, with NumPy and the math module only.

lgamma and erfc come from the math module, element by element; the rest are series and
recurrences accurate to a few ulps of float64 (well inside float32 and torch's test
tolerances): digamma by recurrence and the asymptotic series, polygamma through the
Hurwitz zeta function (Euler-Maclaurin), erfinv by a rational first guess and Newton
steps, the modified Bessel functions I0 and I1 by their power series, and by their
asymptotic series for large arguments, where the power series loses digits; erfcx from
erfc and an exactly squared exponent, or Laplace's continued fraction; the regularized
incomplete gamma functions by their series and continued fraction, region by region as
torch chooses (with its fused multiply-adds: ``fma``, exact here).
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


def _square_exp(x):
    """exp(x * x) without the rounding of x * x: the square split exactly in two parts."""
    split = x * 134217729.0  # Veltkamp: hi keeps 26 bits, so hi * hi is exact
    hi = split - (split - x)
    lo = x - hi
    return np.exp(hi * hi) * np.exp(lo * (2 * hi + lo))


def erfcx(x, dtype):
    """exp(x^2) erfc(x). For x >= 0: the product, its square exact, below 26 (where erfc
    is still normal); Laplace's continued fraction for erfc beyond. For x < 0 torch's
    formula, 2 exp(x^2) - erfcx(-x) with x^2 rounded in ``dtype`` (that rounding is
    most of its value's error, and is kept); inf below -26.7."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    with np.errstate(all="ignore"):
        near = ax < 26
        small = _square_exp(np.where(near, ax, 0)) * erfc(np.where(near, ax, 0))
        big = np.where(near, 26.0, ax)
        frac = big
        for k in range(60, 0, -1):  # erfc(x) exp(x^2) sqrt(pi) = 1 / (x + (1/2) / (x + 1 / (x + ..
            frac = big + (k / 2) / frac
        pos = np.where(near, small, 1 / (math.sqrt(math.pi) * frac))
        sq = (x.astype(dtype) * x.astype(dtype)).astype(np.float64)
        neg = np.where(x < -6.1, 2 * np.exp(sq), 2 * np.exp(sq) - pos)
        out = np.where(x >= 0, pos, np.where(x < -26.7, np.inf, neg))
        return np.where(np.isnan(x), np.nan, out)


# -- fused multiply-add -------------------------------------------------------------------
_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitting constant for float64


def fma(a, b, c):
    """a * b + c with one rounding, as the fused instruction gives it."""
    if a.dtype == np.float32:  # the float64 product of two floats is exact
        return (a.astype(np.float64) * b + c.astype(np.float64)).astype(np.float32)
    with np.errstate(all="ignore"):
        # near overflow the split below would overflow: there b and c are scaled down by
        # a power of two first (exact), and the result scaled back
        big = np.abs(b) > 2.0 ** 900
        scale = np.where(big, 2.0 ** -128, 1.0)
        b, c = b * scale, c * scale
        ph = a * b
        sa = a * _SPLIT
        ah = sa - (sa - a)
        sb = b * _SPLIT
        bh = sb - (sb - b)
        al, bl = a - ah, b - bh
        pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl  # a * b == ph + pl exactly
        s = ph + c
        v = s - ph
        e = (ph - (s - v)) + (c - v)  # ph + c == s + e exactly
        out = s + (e + pl)
        # (inf or nan operands: the plain value, as the fused one is)
        out = np.where(np.isfinite(out), out, s)
        return out / scale


# -- the regularized incomplete gamma functions ---------------------------------------------
# (torch's kernels are built with FMA: where its expression is a * b +- c, so is ours)
_MAX_TERMS = 4000


def _log1pmx(s):
    """log(1 + s) - s, by its series for small s (where the difference cancels)."""
    small = np.abs(s) < 0.3
    return np.where(small, _series_log1pmx(np.where(small, s, 0.0)), np.log1p(s) - s)


def _series_log1pmx(s):
    total, power = np.zeros_like(s), s.copy()
    for k in range(2, 60):
        power = -power * s  # (-1)^(k+1) s^k
        total = total + power / k
    return total


def _stirling_correction(a):
    """log Gamma(a) - ((a - 1/2) log a - a + log(2 pi) / 2), for a >= 10."""
    inv2 = 1 / (a * a)
    return (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188)))) / a


def _prefactor(a, x, maxlog):
    """x^a exp(-x) / Gamma(a). torch takes exp(a log x - x - lgamma(a)) where x is far
    from a (as here), and 0 where that exponent is below -maxlog (its float type's); near
    a, for a >= 10, Stirling's form keeps the digits that the difference of large terms
    loses."""
    exponent = fma(a, np.log(x), -x) - lgamma(a)
    direct = np.where(exponent < -maxlog, 0.0, np.exp(exponent))
    big = np.maximum(a, 10.0)
    s = (x - big) / big
    stirling = np.sqrt(big / (2 * math.pi)) * np.exp(big * _log1pmx(s) - _stirling_correction(big))
    return np.where((a >= 10) & (np.abs(x - a) <= 0.4 * a), stirling, direct)


def _lower_series(a, x, maxlog):
    """P(a, x) by its power series x^a e^-x / Gamma(a + 1) sum_k x^k / ((a+1)..(a+k))."""
    term, total = np.ones_like(x), np.ones_like(x)
    live = np.ones(x.shape, bool)
    r = a.copy()
    for _ in range(_MAX_TERMS):
        r = r + 1
        term = np.where(live, term * x / r, 0.0)
        total = total + term
        live = term > 1.1e-16 * total
        if not live.any():
            break
    return total * _prefactor(a, x, maxlog) / a


def _upper_fraction(a, x, maxlog):
    """Q(a, x) by its continued fraction (modified Lentz), for x > 1.1 and x >= a."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full_like(x, 1 / tiny)
    d = 1 / b
    h = d.copy()
    live = np.ones(x.shape, bool)
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        delta = np.where(live, d * c, 1.0)
        h = h * delta
        live = np.abs(delta - 1) > 1.1e-16
        if not live.any():
            break
    return h * _prefactor(a, x, maxlog)


_ZETA_INT = []


def _lgamma1p(a):
    """lgamma(1 + a): near a = 0 by -gamma a + sum_k (-1)^k zeta(k) a^k / k (the math
    module's lgamma loses digits next to its zero at 1, where torch's does not)."""
    if not _ZETA_INT:
        _ZETA_INT.extend(float(zeta(k, 1.0)) for k in range(2, 60))
    near = np.abs(a) < 0.25
    t = np.where(near, a, 0.0)
    total, power = np.zeros_like(t), -t
    for k, z in enumerate(_ZETA_INT, start=2):
        power = -power * t
        total = total + z * power / k
    return np.where(near, -0.5772156649015329 * t + total, lgamma(1 + a))


def _upper_small_x(a, x, maxlog):
    """Q(a, x) for x <= 1.1 and small a: 1 - x^a / Gamma(a + 1) taken by expm1, less
    x^a / Gamma(a) sum_n (-x)^n / (n! (a + n)), so no digits cancel."""
    fac, total = np.ones_like(x), np.zeros_like(x)
    for n in range(1, 60):
        fac = fac * -x / n
        total = total + fac / (a + n)
    logx = np.log(x)
    lg1p = _lgamma1p(a)
    lead = -np.expm1(fma(a, logx, -lg1p))
    return fma(-np.exp(fma(a, logx, -(lg1p - np.log(a)))), total, lead)


def _upper(a, x, maxlog):
    """Q(a, x) for a > 0 and 0 < x < inf, by torch's choice of method per region."""
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        by_fraction = (x > 1.1) & (x >= a)
        one_minus_series = np.where(x > 1.1, x < a,
                                    np.where(x <= 0.5, -0.4 / np.log(x) < a, x * 1.1 < a))
        small = ~by_fraction & ~one_minus_series
        for part, fn in ((by_fraction, _upper_fraction),
                         (one_minus_series, lambda a, x, m: 1 - _lower_series(a, x, m)),
                         (small, _upper_small_x)):
            if part.any():
                out[part] = fn(a[part], x[part], maxlog)
    return out


_PI_FLOAT32 = float(np.float32(math.pi))


def _as_torch_asymptotic(a, x, value, upper):
    """Where a is large and x near it, torch takes Temme's uniform expansion,
    erfc(+-eta sqrt(a/2)) / 2 + R, and divides R's series by sqrt(2 pi a) with pi in single
    precision: R comes out sqrt(pi / pi_float32) times its size (1.4e-8 too small). The
    same skew is put on the accurate value here, so the two agree."""
    ratio = np.abs(x - a) / a
    region = ((a > 20) & (a < 200) & (ratio < 0.3)) | ((a > 200) & (ratio < 4.5 / np.sqrt(a)))
    if not region.any():
        return value
    sigma = (x - a) / a
    eta = np.sign(sigma) * np.sqrt(-2 * _log1pmx(sigma))
    lead = 0.5 * erfc((1 if upper else -1) * eta * np.sqrt(a / 2))
    skewed = lead + (value - lead) * math.sqrt(math.pi / _PI_FLOAT32)
    return np.where(region, skewed, value)


def _incomplete_gamma(a, x, upper, dtype):
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(a.shape, np.nan)
    maxlog = 88.72283905206835 if dtype == np.float32 else 709.782712893384
    with np.errstate(all="ignore"):
        inside = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
        if inside.any():
            ai, xi = a[inside], x[inside]
            lower = (xi > 1) & (xi > ai)  # P there is 1 - Q, as torch takes it
            q = np.empty_like(xi)
            q[lower] = _upper(ai[lower], xi[lower], maxlog)
            p = np.empty_like(xi)
            p[lower] = 1 - q[lower]
            rest = ~lower
            if rest.any():
                p[rest] = _lower_series(ai[rest], xi[rest], maxlog)
                q[rest] = _upper(ai[rest], xi[rest], maxlog)
            out[inside] = _as_torch_asymptotic(ai, xi, q if upper else p, upper)
        # torch's (SciPy's) values on the edges of the domain, checked in torch's order
        # (last here, first there): so a nan a with x == 0 still gives x == 0's value
        low, high = (1.0, 0.0) if upper else (0.0, 1.0)
        out = np.where(np.isinf(x), high, out)
        out = np.where(np.isinf(a), np.where(np.isinf(x), np.nan, low), out)
        out = np.where(x == 0, low, out)
        out = np.where(a == 0, np.where(x > 0, high, np.nan), out)
        out = np.where((x < 0) | (a < 0), np.nan, out)
    return out


def igamma(a, x, dtype=np.float64):
    """The regularized lower incomplete gamma function P(a, x), as torch's kernel for
    ``dtype`` gives it."""
    return _incomplete_gamma(a, x, False, dtype)


def igammac(a, x, dtype=np.float64):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _incomplete_gamma(a, x, True, dtype)

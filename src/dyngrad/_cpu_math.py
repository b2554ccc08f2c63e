"""torch's CPU float kernels, reproduced bit for bit with NumPy.

torch's random kernels are compiled with fused multiply-add contraction and call the C
library's log/log1p/sin/cos; the float normal path uses the AVX2 log256_ps/sincos256_ps
of avx_mathfun.h. This module holds those building blocks; ``_cpu_generator`` uses them
to draw the same numbers as torch.
"""
import ctypes
import functools
import math
from fractions import Fraction

from . import _backend

np = _backend.xp  # dyngrad's array namespace, so that a capture sees these calls too;
# the CPU kernels of the random stream: NumPy by design (NOTE [The array-module seam])

def _f32(bits):
    return np.array(bits, dtype=np.uint32).view(np.float32)[()]


# Constants of the Cephes-derived AVX log/sincos (avx_mathfun.h) exactly as
# the torch binary stores them (given by bit pattern so no decimal rounding
# question arises).
_MIN_NORM = _f32(0x00800000)
_SQRTHF = _f32(0x3F3504F3)
_LOG_P = [_f32(b) for b in (0x3D9021BB, 0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F, 0x3E11E9BF,
                            0xBE2AAE50, 0x3E4CCEAC, 0xBE7FFFFC, 0x3EAAAAAA)]
_LOG_Q1 = _f32(0xB95E8083)   # -2.12194440e-4
_LOG_Q2 = _f32(0x3F318000)   # 0.693359375
_FOPI = _f32(0x3FA2F983)     # 4 / pi
_DP1 = _f32(0xBF490000)
_DP2 = _f32(0xB97DA000)
_DP3 = _f32(0xB3222169)
_COSCOF = [_f32(b) for b in (0x37CCF5CE, 0xBAB6061A, 0x3D2AAAA5)]
_SINCOF = [_f32(b) for b in (0xB94CA1F9, 0x3C08839E, 0xBE2AAAA3)]
_TWO_PI_F = np.float32(2.0 * math.pi)   # _mm256_set1_ps(2.0f * pi<double>)
_ONE_F = np.float32(1.0)
_HALF_F = np.float32(0.5)
_TWO_PI_D = 2.0 * math.pi


# --------------------------------------------------------------------------
# Exact fused multiply-add emulation (torch's kernels are compiled with FMA
# contraction, so a*b+c is rounded once; NumPy has no fma).
# --------------------------------------------------------------------------

def _fma32(a, b, c, tiny=True):
    """Single-rounding float32 a*b+c (vectorised).  ``tiny=False`` skips the
    subnormal-result guard where results are known to be normal numbers."""
    # a*b is exact in float64; the sum is made in place, and both tests below read
    # narrow arrays where they can: each pass over these arrays costs as much as the
    # arithmetic (measured: 97 to 50 us for 65,536 numbers)
    s = np.asarray(np.multiply(a, b, dtype=np.float64))
    if np.ndim(c) == 0 or np.shape(c) == s.shape:
        np.add(s, c, out=s, dtype=np.float64)
    else:
        s = np.add(s, c, dtype=np.float64)
    r = s.astype(np.float32)
    # Rounding s (already rounded to f64) to f32 can only differ from rounding
    # the exact sum when s lands exactly on an f32 rounding midpoint, or when
    # the result is f32-subnormal.  Fix those few lanes with round-to-odd.
    bad = np.bitwise_and(s.view(np.uint64), np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
    if tiny:
        # |s| < 2**-125 makes |r| <= 2**-125 (rounding keeps order): a lane this flags
        # besides is fixed to the same value
        bad |= np.abs(r) <= np.float32(2.0 ** -125)
    # (the method: np.any's wrapper builds a dict of its keywords on every call;
    # measured: 1.6 to 0.8 us a call)
    if _backend.capturing or bad.any():  # (NOTE [No shortcuts while capturing])
        # (each operand selected by a call on ``bad``: indexing a plain array, a number
        # broadcast, with a compiled call's recorded mask is a selection no capture
        # sees, a constant of the plan with the capture's size)
        a_, b_, c_, s_ = (np.where(bad, v, 0)[bad] for v in (a, b, c, s))
        p_ = np.multiply(a_, b_, dtype=np.float64)
        c_ = np.asarray(c_, np.float64)
        bb = s_ - p_
        err = (p_ - (s_ - bb)) + (c_ - bb)
        s_ = _round_to_odd(s_, err)
        r[bad] = s_.astype(np.float32)
    return r


def _round_to_odd(s, err):
    """Turn round-to-nearest results s (with exact residual err) into
    round-to-odd ones, which can then be rounded again without error."""
    s = np.array(s, dtype=np.float64, copy=True)
    bits = s.view(np.int64)
    fix = (err != 0) & ((bits & 1) == 0) & np.isfinite(s)
    if _backend.capturing or np.any(fix):
        away = (err > 0) == (s > 0)  # true value is farther from zero than s
        bits[fix & away] += 1
        bits[fix & ~away] -= 1
    return s


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    c = 134217729.0 * a  # 2**27 + 1
    hi = c - (c - a)
    return hi, a - hi


def _fma64(a, b, c):
    """Single-rounding float64 a*b+c (Boldo-Melquiond emulation, vectorised)."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    r, plain = _fma64_parts(a, b, c)
    ok = np.isfinite(plain)
    split_overflowed = ok & ~np.isfinite(r)
    if split_overflowed.any():
        # a factor above about 2**996 overflows its split (2**27 + 1 times it): the same
        # product from the factors scaled by 2**-54 and 2**54, exact powers of two (where
        # both are that large, the product overflows and the plain sum is the answer)
        down = np.abs(a) >= np.abs(b)
        scale = np.where(split_overflowed, 2.0 ** -54, 1.0)
        r = np.where(split_overflowed, _fma64_parts(a * np.where(down, scale, 1 / scale),
                                                    b * np.where(down, 1 / scale, scale), c)[0], r)
        ok = ok & np.isfinite(r)
    # (an exact zero takes its sign from a*b + c computed plainly, which is then exact:
    # the sums above would make -0 + -0 a +0)
    return np.where(ok & (r != 0), r, plain)


def _fma64_parts(a, b, c):
    """The emulated fma and the plain a*b + c."""
    with np.errstate(all="ignore"):
        plain = a * b + c
        ph = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl
        th, tl = _two_sum(c, ph)
        v, ve = _two_sum(tl, pl)
        v = _round_to_odd(v, ve)
        r = th + v
    return r, plain


def occurrence_rounds(rows):
    """The entries of ``rows`` (row numbers) in rounds that add them into their rows in
    order with one vectorised step each: every row's first entry, then its second, ... (a
    kernel that adds entry after entry rounds a row met twice twice). Returns the entries
    round after round and the bounds of each round in that list."""
    n = len(rows)
    order = np.argsort(rows, kind="stable")
    ranked = rows[order]
    first = np.concatenate(([0], np.flatnonzero(ranked[1:] != ranked[:-1]) + 1))
    if len(first) == n:  # (all distinct, or none: one round)
        return order, [0, n]
    occurrence = np.arange(n) - np.repeat(first, np.diff(np.concatenate((first, [n]))))
    by_round = order[np.argsort(occurrence, kind="stable")]
    return by_round, np.concatenate(([0], np.cumsum(np.bincount(occurrence)))).tolist()


def fma_at(out, rows, a, b):
    """``out[rows[j]] = fma(a[j], b[j], out[rows[j]])`` for each j in turn, ``out`` a
    float32 or float64 array: torch's loops that add scaled rows one after another with
    axpy or add_(alpha=) (embedding's and embedding_bag's), each step rounded once. ``a``
    and ``b`` hold an entry per row number (or are numbers)."""
    fma = _fma32 if out.dtype.itemsize == 4 else _fma64
    order, bounds = occurrence_rounds(rows)
    rows = rows[order]
    a = a[order] if np.ndim(a) else a
    b = b[order] if np.ndim(b) else b
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        r = rows[lo:hi]
        out[r] = fma(a[lo:hi] if np.ndim(a) else a, b[lo:hi] if np.ndim(b) else b, out[r])
    return out


def _fma64_scalar(a, b, c):
    if b == 1.0 and c == 0.0:
        return a + 0.0
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    try:
        r = float(exact)
    except OverflowError:
        return a * b + c
    if r == 0.0:
        # the sign of an exact zero follows IEEE rules for a*b + c
        return a * b + c
    return r


def _is_pow2_or_zero(x):
    if x == 0.0:
        return True
    if not math.isfinite(x):
        return False
    m, _ = math.frexp(abs(x))
    return m == 0.5


# --------------------------------------------------------------------------
# libm calls (torch's double precision paths call glibc's log/log1p/sincos).
# --------------------------------------------------------------------------

# the C library's log1pf (the process's own symbols hold it: Python itself links libm)
try:
    _C_LOG1PF = ctypes.CDLL(None).log1pf
    _C_LOG1PF.restype, _C_LOG1PF.argtypes = ctypes.c_float, [ctypes.c_float]
except (OSError, AttributeError, TypeError):  # pragma: no cover - ctypes cannot reach it
    _C_LOG1PF = None


def _log1pf(x):
    """The C library's float log1p of the float32 number ``x``, as a Python float: torch's
    float kernels call it where they take log1p of a float (NumPy's float32 log1p, and
    log1p in double rounded to float, differ from glibc's in the last bit for a tenth of
    the numbers in (-0.5, 0))."""
    if _C_LOG1PF is None:  # pragma: no cover - no C library in reach: the nearest float
        return float(np.float32(math.log1p(x)))  # pragma: no mutate (not reached here)
    return float(_C_LOG1PF(x))


def _libm_map(fn, x):
    x = np.asarray(x, np.float64)
    out = np.fromiter(map(fn, x.ravel().tolist()), np.float64, x.size)
    return out.reshape(x.shape)


@functools.cache
def _numpy_trig_matches_libm():
    # NumPy's float64 sin/cos normally call the C library; make sure of it on
    # this build (otherwise fall back to math.sin/math.cos element by element).
    # Asked at the first double normal draw, not at import: the check and the
    # numpy.random it loads took a twentieth of ``import dyngrad``.
    x = np.random.default_rng(12345).random(4096) * (2.0 * math.pi)
    x = np.concatenate([x, np.arange(0, 4096) * (2.0 * math.pi / 4096)])
    try:
        return (np.array_equal(np.sin(x), _libm_map(math.sin, x))
                and np.array_equal(np.cos(x), _libm_map(math.cos, x)))
    except Exception:  # pragma: no cover
        return False


def _sin_cos(x):
    if _numpy_trig_matches_libm():
        return np.sin(x), np.cos(x)
    return _libm_map(math.sin, x), _libm_map(math.cos, x)


# --------------------------------------------------------------------------
# mt19937 helpers
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# AVX2 Box-Muller building blocks: log256_ps and sincos256_ps (the Cephes
# single precision algorithms of avx_mathfun.h) as compiled into torch, where
# GCC contracted most mul+add pairs into FMAs.
# --------------------------------------------------------------------------

def _log256(x):
    x = np.maximum(x, _MIN_NORM)
    xi = x.view(np.uint32)
    emm0 = (xi >> np.uint32(23)).astype(np.int32) - np.int32(127)
    m = ((xi & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)
    e = emm0.astype(np.float32) + _ONE_F
    mask = m < _SQRTHF
    tmp = np.where(mask, m, np.float32(0.0))
    e = e - np.where(mask, _ONE_F, np.float32(0.0))
    x = m - _ONE_F
    x = x + tmp
    z = x * x
    y = _fma32(_LOG_P[0], x, _LOG_P[1], tiny=False)
    for c in _LOG_P[2:]:
        y = _fma32(y, x, c, tiny=False)
    t = e * _LOG_Q1
    y = x * y
    y = _fma32(y, z, t, tiny=False)
    y = y - z * _HALF_F          # z*0.5 is exact, so the fused form rounds alike
    x = x + y
    return x + e * _LOG_Q2       # e*q2 is exact (small integer times 9-bit q2)


def _sincos256(x):
    xi = x.view(np.uint32)
    sign_sin = xi & np.uint32(0x80000000)
    x = (xi & np.uint32(0x7FFFFFFF)).view(np.float32)
    y = x * _FOPI
    j = y.astype(np.int32) + np.int32(1)           # cvttps2dq, +1
    jj = j & np.int32(~1)
    yf = jj.astype(np.float32)
    swap_sign_sin = ((j & np.int32(4)).astype(np.uint32) << np.uint32(29))
    poly_mask = (j & np.int32(2)) == 0
    # extended precision modular arithmetic (DP1/DP2 products are exact)
    x = x + yf * _DP1
    x = x + yf * _DP2
    x = _fma32(yf, _DP3, x, tiny=False)
    sign_cos = ((~(jj - np.int32(2)) & np.int32(4)).astype(np.uint32) << np.uint32(29))
    sign_sin = sign_sin ^ swap_sign_sin
    z = x * x
    tmp = z * _HALF_F
    yc = _fma32(_COSCOF[0], z, _COSCOF[1], tiny=False)
    yc = _fma32(yc, z, _COSCOF[2], tiny=False)
    yc = z * yc
    yc = _fma32(z, yc, -tmp, tiny=False)
    yc = yc + _ONE_F
    ys = _fma32(_SINCOF[0], z, _SINCOF[1], tiny=False)
    ys = _fma32(ys, z, _SINCOF[2], tiny=False)
    ys = z * ys
    ys = _fma32(x, ys, x, tiny=False)
    zero = np.float32(0.0)
    ysin2 = np.where(poly_mask, ys, zero)
    ysin1 = np.where(poly_mask, zero, yc)
    ys = ys - ysin2
    yc = yc - ysin1
    s = ysin2 + ysin1
    c = ys + yc
    s = (s.view(np.uint32) ^ sign_sin).view(np.float32)
    c = (c.view(np.uint32) ^ sign_cos).view(np.float32)
    return s, c


# --------------------------------------------------------------------------
# dtype helpers
# --------------------------------------------------------------------------

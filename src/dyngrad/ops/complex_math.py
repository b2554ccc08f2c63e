"""Complex division and pow as torch's CPU kernels compute them, where NumPy's differ.

NOTE [Complex division]
torch divides complex numbers by Smith's method, as NumPy does, but its kernels are
compiled with fused multiply-adds: the denominator ``c + d * (d / c)`` and both
numerators are rounded once, where NumPy rounds the product first (a last-bit difference
in about a third of quotients). A zero divisor gives ``a / |c| + (b / |d|) i``.

NOTE [Complex products]
torch multiplies complex numbers as C writes it, (ac - bd) + (ad + bc) i with each product
rounded; NumPy fuses a product into the sum (a last-bit difference in about 45% of
products). torch's kernels end a vectorised run with scalar code whose products are
fused, so the last element or few of a long run may still differ.

NOTE [Complex pow]
torch's complex pow of two tensors is the C library's cpow, exp(b * log(a)), element by
element; so is a tensor to a number, except the numbers its kernel computes otherwise:
0 (ones), 1 (a copy), 0.5 and -0.5 (sqrt, 1 / sqrt), -1 (1 / a), 2, 3 and -2 (products).
A number base is a tensor like any other (but 1, whose powers are ones). NumPy's power
calls cpow too, except where it takes its own way: a zero exponent gives 1 (cpow: NaN at
a zero base), a zero base gives 0 or NaN (cpow: 0, inf+nanj or NaN, as exp(b * -inf)
says), and an integral real exponent is done by products (cpow's last bits differ).
There exp(b * log(a)) is computed here, which is cpow's value bit for bit.
"""
from .. import _backend
from .._cpu_math import _fma32, _fma64

xp = _backend.xp
_NUMBERS = (int, float, complex, bool)


def divide(a, b):
    """``a / b`` for complex arrays of one dtype (NOTE [Complex division])."""
    a, b = xp.broadcast_arrays(a, b)
    real = a.real.dtype
    fma = _fma64 if real.itemsize == 8 else _fma32
    ar, ai, br, bi = a.real, a.imag, b.real, b.imag
    # (every step in the parts' dtype, as fma gives it back; 0 / 0 and x / 0 silent, as in
    # every op's forward: NOTE [Floating-point warnings])
    # |c| >= |d|: rat = d / c, scl = 1 / (c + d * rat), ((a + b rat) + (b - a rat) i) scl
    # otherwise the same with the roles of c and d swapped
    wide = xp.abs(br) >= xp.abs(bi)
    big, small = xp.where(wide, br, bi), xp.where(wide, bi, br)
    rat = small / big
    scl = 1 / fma(small, rat, big)
    first = xp.where(wide, ar, ai)  # a (wide) or b: what rat's product is added to
    other = xp.where(wide, ai, ar)
    re = fma(other, rat, first) * scl
    im = xp.where(wide, fma(-ar, rat, ai), fma(ai, rat, -ar)) * scl
    zero = (br == 0) & (bi == 0)
    if zero.any():
        re = xp.where(zero, ar / xp.abs(br), re)
        im = xp.where(zero, ai / xp.abs(bi), im)
    out = xp.empty(a.shape, a.dtype)
    out.real, out.imag = re, im
    return out


def reciprocal(a):
    return divide(xp.ones_like(a), a)


def multiply(x, y, dtype):
    """``x * y`` in the complex ``dtype`` (NOTE [Complex products])."""
    x, y = xp.broadcast_arrays(xp.asarray(x, dtype), xp.asarray(y, dtype))
    return _multiply(x, y)


def _multiply(x, y, annex_g=False):
    """``x * y`` for complex arrays as C computes it: (ac - bd) + (ad + bc) i, each product
    rounded (NumPy's own complex product fuses them). ``annex_g``: where both parts are
    NaN, C99's recovery of the infinities (what cpow's product does)."""
    a, b, c, d = x.real, x.imag, y.real, y.imag
    ac, bd, ad, bc = a * c, b * d, a * d, b * c
    re, im = ac - bd, ad + bc
    if annex_g:
        lost = xp.isnan(re) & xp.isnan(im)
        if lost.any():
            re, im = xp.array(re), xp.array(im)
            re[lost], im[lost] = _recovered(*(v[lost] for v in (a, b, c, d, ac, bd, ad, bc)))
    out = xp.empty(re.shape, xp.result_type(x, y))
    out.real, out.imag = re, im
    return out


def _recovered(a, b, c, d, ac, bd, ad, bc):
    """C99's __muldc3 where both parts of a product came out NaN: an infinite factor
    makes an infinite product."""
    inf_x, inf_y = xp.isinf(a) | xp.isinf(b), xp.isinf(c) | xp.isinf(d)

    def boxed(u, v, w, z, where):
        # the infinite factor's parts become +-1 or +-0, NaNs in the other +-0
        u = xp.where(where, xp.copysign(xp.isinf(u).astype(u.dtype), u), u)
        v = xp.where(where, xp.copysign(xp.isinf(v).astype(v.dtype), v), v)
        w = xp.where(where & xp.isnan(w), xp.copysign(0, w).astype(w.dtype), w)
        z = xp.where(where & xp.isnan(z), xp.copysign(0, z).astype(z.dtype), z)
        return u, v, w, z
    a, b, c, d = boxed(a, b, c, d, inf_x)
    c, d, a, b = boxed(c, d, a, b, inf_y)
    rest = ~inf_x & ~inf_y & (xp.isinf(ac) | xp.isinf(bd) | xp.isinf(ad) | xp.isinf(bc))
    a, b, c, d = (xp.where(rest & xp.isnan(v), xp.copysign(0, v).astype(v.dtype), v)
                  for v in (a, b, c, d))
    recalc = inf_x | inf_y | rest
    inf = xp.asarray(xp.inf, a.dtype)
    re = xp.where(recalc, inf * (a * c - b * d), xp.nan)
    im = xp.where(recalc, inf * (a * d + b * c), xp.nan)
    return re, im


def _cpow(a, b):
    """The C library's cpow: exp(b * log(a)), its product C's."""
    a, b = xp.broadcast_arrays(a, b)
    return xp.exp(_multiply(b, xp.log(a), annex_g=True))


def _square(a):
    return _multiply(a, a)


_KERNELS = {
    0: lambda a: xp.ones_like(a), 1: lambda a: a.copy(), 0.5: xp.sqrt,
    -0.5: lambda a: reciprocal(xp.sqrt(a)), -1: reciprocal, 2: _square,
    3: lambda a: _multiply(_square(a), a), -2: lambda a: reciprocal(_square(a))}


def power(self, exponent, dtype):
    """``self ** exponent`` in the complex ``dtype`` (NOTE [Complex pow]; silent, as in
    every op's forward: NOTE [Floating-point warnings])."""
    if type(self) in _NUMBERS and self == 1:
        return xp.ones(xp.shape(exponent), dtype)
    a = xp.asarray(self, dtype=dtype)
    if type(exponent) in _NUMBERS:
        kernel = _KERNELS.get(exponent)  # (1+0j hashes as 1: the same kernel)
        if kernel is not None:
            return kernel(a)
    return _cpow(a, xp.asarray(exponent, dtype=dtype))

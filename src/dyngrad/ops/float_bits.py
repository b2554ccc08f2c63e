"""A float's parts: ldexp (mantissa times two to a power), frexp (the two parts back) and
nextafter (the next float toward another); and gcd, lcm of integers.

Formulas are derivatives.yaml's: ldexp's gradient scales by 2**other (``pow(2, other)``,
the PowBackward2 torch records under create_graph); frexp's divides by 2**exponent;
nextafter passes the gradient where it moved and none to ``other``.
"""
import math

from .. import _backend
from .. import _dtype as _dt
from .._args import broadcast_shapes
from ..tensor import Tensor
from ._promote import binary, result_dtype, type_name
from ._low_precision import FORMAT_BOUND
from ._table import ELEMENTWISE, Op
from .pointwise import conj, mul, mul_scalar, ne, pow_scalar_base, where, zeros_like
from .pointwise_more import exp2
from .return_types import return_type

xp = _backend.xp
_SILENT = {"over": "ignore", "invalid": "ignore", "under": "ignore"}
_LN2 = math.log(2)
# (bfloat16 steps in its own format, see FORMAT_BOUND; float8 is refused, as torch does)
_NEXTAFTER_DTYPES = {_dt.float16.np, _dt.float32.np, _dt.float64.np} | (
    {_dt.bfloat16.np} if _dt.bfloat16 in _dt.ALL else set())


def _cname(dt):
    return _dt._FROM_NP[xp.dtype(dt)]._cname


def _refuse(kernel, dt):
    raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{_cname(dt)}\'')


# -- ldexp, frexp, nextafter --------------------------------------------------------------------
def _ldexp(self, other):
    # torch's kernel, in the promoted float type (integers: the default): an integer
    # exponent scales exactly (0 * 2**200 is 0, 1e-30 * 2**200 finite in float32); a
    # float one multiplies by pow(2, other)
    dt = result_dtype(self, other)
    if dt.kind not in "fc":
        dt = _dt.get_default_dtype().np
    broadcast_shapes(xp.shape(self), xp.shape(other))
    with xp.errstate(**_SILENT):
        if xp.asarray(other).dtype.kind in "biu" and dt.kind == "f":
            return xp.ldexp(xp.asarray(self, dt), xp.asarray(other, xp.int64).clip(
                -(1 << 31), (1 << 31) - 1).astype(xp.int32))
        two = xp.power(xp.asarray(2, dt), xp.asarray(other, dt))
        return xp.multiply(xp.asarray(self, dt), two)


# (torch's quirk, kept: for an integer ``other``, pow(2, other) is an integer power, so a
# negative exponent gives 2**-2 == 0 and no gradient)
ldexp = Op("LdexpBackward0", _ldexp, jvp=ELEMENTWISE, keeps_saved_dtypes=True,
           self=lambda grad, other: mul(grad, conj(pow_scalar_base(2, other))),
           other=lambda grad, result: mul_scalar(mul(grad, conj(result)), _LN2))


def _frexp(self):
    if self.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = xp.frexp(self)
    return mantissa, exponent.astype(xp.int32, copy=False)


frexp_op = Op("FrexpBackward0", _frexp, outputs=("mantissa", "exponent"),
              differentiable_outputs=(0,), jvp=ELEMENTWISE,
              self=lambda grad, exponent: grad / exp2(exponent))
_FREXP = return_type("frexp", ("mantissa", "exponent"))
return_type("frexp_out", ("mantissa", "exponent"))


def _nextafter(self, other):
    dt = result_dtype(self, other)
    if dt not in _NEXTAFTER_DTYPES:
        _refuse("nextafter", dt)
    broadcast_shapes(xp.shape(self), xp.shape(other))
    return xp.nextafter(xp.asarray(self, dt), xp.asarray(other, dt))


nextafter = Op("NextafterBackward0", _nextafter, jvp=ELEMENTWISE,
               self=lambda grad, self, other: where(ne(self, other), grad, 0),
               other=lambda grad, other: zeros_like(other))
FORMAT_BOUND.add(nextafter)


# -- gcd, lcm -----------------------------------------------------------------------------------
def _integers(kernel, ufunc):
    def forward(self, other):
        dt = result_dtype(self, other)
        if dt.kind not in "iu":
            _refuse(kernel, dt)
        return binary(ufunc, self, other)
    return forward


def _lcm(a, b, dtype=None, casting=None):
    # torch's: |a / gcd * b|, wrapping around as C++ does (NumPy's lcm takes |a| and |b|
    # first, and so wraps to other values); ``binary`` passes the promoted dtype
    if dtype is not None:
        a, b = xp.asarray(a).astype(dtype), xp.asarray(b).astype(dtype)
    g = xp.gcd(a, b)
    with xp.errstate(divide="ignore", over="ignore"):
        out = xp.abs(xp.floor_divide(a, xp.where(g == 0, 1, g)) * b)
    return xp.where(g == 0, 0, out).astype(out.dtype, copy=False)


gcd = Op(None, _integers("gcd", xp.gcd), jvp=ELEMENTWISE, inplace_cast=type_name,
         nondiff=("self", "other"))
lcm = Op(None, _integers("lcm", _lcm), jvp=ELEMENTWISE, inplace_cast=type_name,
         nondiff=("self", "other"))


# -- the functions and methods ------------------------------------------------------------------
def _binary(op, name):
    def fn(input, other, *, out=None):
        return op(input, other)
    fn.__name__ = name
    return fn


def frexp(input, *, out=None):
    return _FREXP(*frexp_op(input))


def _inplace(op, name):
    def method(self, other):
        from .inplace import apply_inplace
        if op is ldexp and self._data.dtype.kind not in "fc":
            # (torch's ldexp_ is a mul_ by its float factor, refused in its own words)
            raise RuntimeError(f"ldexp can't be cast to the desired output type "
                               f"{_cname(self._data.dtype)}")
        return apply_inplace(op, self, (self, other))
    method.__name__ = name + "_"
    return method


FUNCTIONS = {"ldexp": _binary(ldexp, "ldexp"), "nextafter": _binary(nextafter, "nextafter"),
             "gcd": _binary(gcd, "gcd"), "lcm": _binary(lcm, "lcm"), "frexp": frexp}
METHODS = {**FUNCTIONS, **{n + "_": _inplace(op, n) for n, op in (
    ("ldexp", ldexp), ("nextafter", nextafter), ("gcd", gcd), ("lcm", lcm))}}

"""Special functions: lgamma, digamma, polygamma, mvlgamma, erfc, erfcx, erfinv, the
modified Bessel functions i0/i0e/i1/i1e, ndtr/ndtri/log_ndtr, entr, zeta, xlog1py, and
the regularized incomplete gamma functions igamma/igammac.

The forwards run in float64 (_special_math.py: NumPy and the math module only, no
SciPy) and are cast to the input's floating type; the formulas are derivatives.yaml's,
written with table ops, so every order of derivative comes free.
"""
import math

from .. import _backend
from .._kernel_dtypes import NUMERIC, check_kernel
from .. import _special_math as sm
from .._dtype import _FROM_NP
from ._promote import to_float
from ._table import ELEMENTWISE, Op, derivative_not_implemented
from .pointwise import on_sparse_values
from .pointwise import (abs_, add_scalar, eq, erf, exp, gt, le, log, logical_and,
                        masked_fill_op, mul_scalar, neg, pow_scalar_exp, reciprocal, sgn,
                        sub_scalar, where)
from .bessel import refuse_low_and_complex
from .inplace import apply_inplace
from .pointwise_more import _float_binary
from .pointwise import div_scalar
from ..tensor import Tensor as _Tensor, _wrap
from ._promote import result_dtype as _result_dtype

xp = _backend.xp
_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)


def refuse_complex(self, kernel):
    """torch's special functions have no complex kernels: say so, as torch does, rather
    than drop the imaginary part."""
    if self.dtype.kind == "c":
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{_FROM_NP[self.dtype]._cname}'")


def _float64(fn, kernel):
    """A forward computing ``fn`` in float64 and casting back to the input's float type."""
    def forward(self):
        refuse_complex(self, kernel)
        x = to_float(self)
        with xp.errstate(all="ignore"):
            return xp.asarray(fn(x.astype(xp.float64))).astype(x.dtype, copy=False)
    return forward


def _polygamma(n, self):
    refuse_complex(self, "digamma" if n == 0 else "trigamma" if n == 1 else "polygamma")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    x = to_float(self)
    return xp.asarray(sm.polygamma(n, x.astype(xp.float64))).astype(x.dtype, copy=False)


lgamma = Op("LgammaBackward0", _float64(sm.lgamma, "lgamma_vml_cpu"), jvp=ELEMENTWISE,
            self=lambda grad, self: grad * digamma(self))
digamma = Op("DigammaBackward0", _float64(sm.digamma, "digamma"), jvp=ELEMENTWISE,
             self=lambda grad, self: grad * polygamma(1, self))
polygamma = Op("PolygammaBackward0", _polygamma, jvp=ELEMENTWISE,
               self=lambda grad, n, self: grad * polygamma(n + 1, self))
# x.polygamma_(n): torch's in-place overload takes self first, and its node is the second
polygamma_self_first = Op("PolygammaBackward1", lambda self, n: _polygamma(n, self),
                          jvp=ELEMENTWISE, self=lambda grad, self, n: grad * polygamma(n + 1, self))
erfc = Op("ErfcBackward0", _float64(sm.erfc, "erfc_vml_cpu"), jvp=ELEMENTWISE,
          self=lambda grad, self: mul_scalar(exp(neg(pow_scalar_exp(self, 2))), -2.0 / _SQRT_PI) * grad)
erfinv = Op("ErfinvBackward0", on_sparse_values(_float64(sm.erfinv, "erfinv_vml_cpu")),
            jvp=ELEMENTWISE,
            self=lambda grad, self: mul_scalar(exp(pow_scalar_exp(erfinv(self), 2)), 0.5 * _SQRT_PI) * grad)
i0 = Op("I0Backward0", _float64(lambda x: sm.bessel_i(x, 0, False), "i0_vml_cpu"), jvp=ELEMENTWISE,
        self=lambda grad, self: grad * i1(self))
i0e = Op("SpecialI0EBackward0", _float64(lambda x: sm.bessel_i(x, 0, True), "i0e_cpu"),
         jvp=ELEMENTWISE, self=lambda grad, self, result: grad * (i1e(self) - sgn(self) * result))


def _safe(self):
    """torch's i1 backward guard: |x| <= eps would divide by ~0; the limit there is 0.5."""
    eps = float(xp.finfo(getattr(self, "_data", self).dtype).eps)
    not_tiny = gt(abs_(self), eps)
    return not_tiny, where(not_tiny, self, eps)


def _i1_backward(grad, self, result):
    not_tiny, safe = _safe(self)
    gradx = i0(safe) - result * reciprocal(safe)
    return grad * where(not_tiny, gradx, 0.5)


def _i1e_backward(grad, self, result):
    not_tiny, safe = _safe(self)
    gradx = i0e(safe) - result * (sgn(safe) + reciprocal(safe))
    return grad * where(not_tiny, gradx, 0.5)


i1 = Op("SpecialI1Backward0", _float64(lambda x: sm.bessel_i(x, 1, False), "i1_cpu"),
        jvp=ELEMENTWISE, self=_i1_backward)
i1e = Op("SpecialI1EBackward0", _float64(lambda x: sm.bessel_i(x, 1, True), "i1e_cpu"),
         jvp=ELEMENTWISE, self=_i1e_backward)
ndtri = Op("SpecialNdtriBackward0", _float64(sm.ndtri, "ndtri_cpu"), jvp=ELEMENTWISE,
           self=lambda grad, result: mul_scalar(grad, _SQRT_2PI) * exp(
               _div_scalar(pow_scalar_exp(result, 2), 2)))
log_ndtr = Op("SpecialLogNdtrBackward0", _float64(sm.log_ndtr, "log_ndtr_cpu"), jvp=ELEMENTWISE,
              self=lambda grad, self, result: _div_scalar(grad, _SQRT_2PI) * exp(
                  neg(result + _div_scalar(pow_scalar_exp(self, 2), 2))))


def _div_scalar(x, n):
    return div_scalar(x, n)


def _erfcx(self):
    refuse_complex(self, "erfcx_cpu")
    x = to_float(self)
    return xp.asarray(sm.erfcx(x.astype(xp.float64), x.dtype.type)).astype(x.dtype, copy=False)


erfcx = Op("SpecialErfcxBackward0", _erfcx, jvp=ELEMENTWISE,
           self=lambda grad, self, result: sub_scalar(mul_scalar(self, 2.0) * result,
                                                      2.0 / _SQRT_PI, 1) * grad)


# -- xlog1py: x * log1p(y), 0 where x is 0 (unless y is nan) -------------------------------
def _xlog1py_array(x, y):
    with xp.errstate(all="ignore"):
        return xp.where((x == 0) & ~xp.isnan(y), xp.zeros((), xp.result_type(x, y)),
                        x * xp.log1p(y))


def _xlog1py_self_backward(grad, self, other):
    return masked_fill_op(xlog1py(grad, other), logical_and(eq(self, 0.0), le(other, -1.0)), 0.0)


def _xlog1py_number_other_backward(grad, self, other):
    # torch: xlog1py(grad, other); where other <= -1, self == 0 still gives 0
    out = xlog1py_number_other(grad, other)
    return out if other > -1 else masked_fill_op(out, eq(self, 0.0), 0.0)


_xlog1py_forward = _float_binary(_xlog1py_array, "xlog1py", integers=True)
xlog1py = Op("SpecialXlog1PyBackward0", _xlog1py_forward, jvp=ELEMENTWISE,
             self=_xlog1py_self_backward,
             other=lambda grad, self, other: grad * self / add_scalar(other, 1, 1))
# a number for self (the tensor is other) or for other
xlog1py_number_self = Op("SpecialXlog1PyBackward1", lambda self, other: _xlog1py_forward(self, other),
                         jvp=ELEMENTWISE,
                         other=lambda grad, self, other: mul_scalar(grad, self) / add_scalar(other, 1, 1))
xlog1py_number_other = Op("SpecialXlog1PyBackward2", lambda self, other: _xlog1py_forward(self, other),
                          jvp=ELEMENTWISE, self=_xlog1py_number_other_backward)


def xlog1py_fn(input, other, *, out=None):
    dt = _result_dtype(*(v._data if isinstance(v, _Tensor) else v for v in (input, other)))
    if dt.kind == "c":
        raise NotImplementedError(f'"xlog1py_cpu" not implemented for \'{_FROM_NP[dt]._cname}\'')
    if not isinstance(input, _Tensor):
        return xlog1py_number_self(input, other)
    if not isinstance(other, _Tensor):
        return xlog1py_number_other(input, other)
    return xlog1py(input, other)


# -- igamma, igammac: derivatives.yaml has one for ``other`` only --------------------------
def _igamma_forward(fn, kernel):
    def forward(self, other):
        dt = _result_dtype(self, other)
        if dt.kind != "f":
            raise NotImplementedError(f'"{kernel}" not implemented for '
                                      f"'{_FROM_NP[dt]._cname}'")
        with xp.errstate(all="ignore"):
            a = xp.asarray(self, dt).astype(xp.float64)
            x = xp.asarray(other, dt).astype(xp.float64)
            return xp.asarray(fn(a, x, dt.type)).astype(dt, copy=False)
    return forward


def _igamma_density(self, other):
    # d/dx P(a, x) = x^(a-1) e^-x / Gamma(a)
    return exp(sub_scalar(self, 1, 1) * log(other) - other - lgamma(self))


igamma = Op("IgammaBackward0", _igamma_forward(sm.igamma, "igamma_cpu"), jvp_name="igamma",
            self=derivative_not_implemented("igamma: input"),
            other=lambda grad, self, other: grad * _igamma_density(self, other))
igammac = Op("IgammacBackward0", _igamma_forward(sm.igammac, "igammac_cpu"), jvp_name="igammac",
             self=derivative_not_implemented("igammac: input"),
             other=lambda grad, self, other: neg(grad) * _igamma_density(self, other))


def _entr(x):
    with xp.errstate(all="ignore"):
        out = -x * xp.log(x)
    out = xp.where(x == 0, 0.0, out)
    return xp.where(x < 0, -xp.inf, out)


entr = Op("SpecialEntrBackward0", _float64(_entr, "entr_cpu"), jvp=ELEMENTWISE,
          self=lambda grad, self: grad * neg(add_scalar(log(self), 1, 1)))
zeta = Op(None, lambda self, other: xp.asarray(sm.zeta(self, other)).astype(
    xp.result_type(to_float(xp.asarray(self)), to_float(xp.asarray(other))), copy=False),
    jvp=ELEMENTWISE, nondiff=("self", "other"))


def _mvlgamma(self, p):
    if self.dtype.kind == "b":
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    check_kernel(self, "arange_cpu", NUMERIC)  # (torch composes it with an arange)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = to_float(self).astype(xp.float64)
    out = p * (p - 1) / 4 * math.log(math.pi)
    for i in range(p):
        out = out + sm.lgamma(x - i / 2)
    return xp.asarray(out).astype(to_float(self).dtype, copy=False)


def _mvlgamma_backward(grad, self, p):
    # torch: args = arange(-p/2 + 0.5, 0.5, 0.5) + self.unsqueeze(-1); grad * args.digamma_().sum(-1)
    from .reduction import sum_dim
    from .views import unsqueeze
    steps = xp.arange(-p / 2 + 0.5, 0.5, 0.5, dtype=getattr(self, "_data", self).dtype)
    if hasattr(self, "_data"):
        steps = _wrap(steps)
    args = steps + unsqueeze(self, -1)
    if hasattr(args, "_data"):
        # torch's args.digamma_(): in place, so its saved input is a recorded clone
        apply_inplace(digamma, args, (args,))
    else:
        args = digamma(args)
    return grad * sum_dim(args, (-1,), False)


mvlgamma = Op("MvlgammaBackward0", _mvlgamma, jvp=ELEMENTWISE, self=_mvlgamma_backward)


def ndtr(input, *, out=None):
    # torch composes it: (1 + erf(x / sqrt(2))) * 0.5
    return mul_scalar(add_scalar(erf(mul_scalar(input, math.sqrt(0.5))), 1, 1), 0.5)


def _fn(op, name):
    def fn(input, *, out=None):
        return op(input)
    fn.__name__ = name
    return fn


def polygamma_fn(n, input, *, out=None):
    return polygamma(n, input)


def mvlgamma_fn(input, p, *, out=None):
    return mvlgamma(input, p)


def zeta_fn(input, other, *, out=None):
    return zeta(input, other)


def igamma_fn(input, other, *, out=None):
    return igamma(input, other)


def igammac_fn(input, other, *, out=None):
    return igammac(input, other)


FUNCTIONS = {"lgamma": _fn(lgamma, "lgamma"), "digamma": _fn(digamma, "digamma"),
             "polygamma": polygamma_fn, "mvlgamma": mvlgamma_fn, "erfc": _fn(erfc, "erfc"),
             "erfinv": _fn(erfinv, "erfinv"), "i0": _fn(i0, "i0"), "igamma": igamma_fn,
             "igammac": igammac_fn}
METHODS = dict(FUNCTIONS)
METHODS["polygamma"] = lambda self, n: polygamma(n, self)


def _inplace_methods():
    def polygamma_(self, n):
        return apply_inplace(polygamma_self_first, self, (self, n))

    def mvlgamma_(self, p):
        return apply_inplace(mvlgamma, self, (self, p))

    def igamma_(self, other):
        return apply_inplace(igamma, self, (self, other))

    def igammac_(self, other):
        return apply_inplace(igammac, self, (self, other))
    return {"polygamma_": polygamma_, "mvlgamma_": mvlgamma_, "igamma_": igamma_,
            "igammac_": igammac_}


METHODS.update(_inplace_methods())


def _erfcx_fn(input, *, out=None):
    refuse_low_and_complex(input, "erfcx")
    return erfcx(input)


# torch.special: the same entries under their special names, and the ones only it has
SPECIAL = {"gammaln": FUNCTIONS["lgamma"], "digamma": FUNCTIONS["digamma"],
           "psi": FUNCTIONS["digamma"], "polygamma": polygamma_fn,
           "multigammaln": mvlgamma_fn, "erfc": FUNCTIONS["erfc"], "erfinv": FUNCTIONS["erfinv"],
           "i0": FUNCTIONS["i0"], "i0e": _fn(i0e, "i0e"), "i1": _fn(i1, "i1"),
           "i1e": _fn(i1e, "i1e"), "ndtr": ndtr, "ndtri": _fn(ndtri, "ndtri"),
           "log_ndtr": _fn(log_ndtr, "log_ndtr"), "entr": _fn(entr, "entr"), "zeta": zeta_fn,
           "erfcx": _erfcx_fn, "xlog1py": xlog1py_fn, "gammainc": igamma_fn,
           "gammaincc": igammac_fn}

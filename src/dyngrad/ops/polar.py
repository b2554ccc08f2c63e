"""Complex numbers from their parts and back: complex (real and imaginary parts), polar
(magnitude and angle), angle, isreal.

Formulas are derivatives.yaml's: complex's gradients are the real and imaginary parts of
the incoming one; polar's (polar_backward) project it on the result's direction and on
the direction 1j turns it to; angle's (angle_backward) is zero for real input and
``grad * z / |z|**2 * 1j`` elsewhere, zero at 0.
"""
import math

from .. import _backend
from .. import _dtype as _dt
from .._args import broadcast_shapes
from ..tensor import Tensor
from . import complex_views as cv
from ._table import ELEMENTWISE, TRANSPOSED, Op
from .pointwise import abs_, conj, cos, eq, sin, mul_scalar, pow_scalar_exp, sgn, where, zeros_like

xp = _backend.xp
_COMPLEX_OF = {xp.dtype(xp.float32): xp.complex64, xp.dtype(xp.float64): xp.complex128}


def _real(x):
    """The real part: a view of the gradient Tensor as torch's at::real makes it, or of an
    array (formulas run on arrays without create_graph)."""
    return cv.real(x) if isinstance(x, Tensor) else xp.real(x)


def _imag(x):
    return cv.imag(x) if isinstance(x, Tensor) else xp.imag(x)


def _parts_dtype(kernel, a, b):
    """torch's checks of complex() and polar(): two float tensors of one type."""
    da, db = _dt._FROM_NP[a.dtype], _dt._FROM_NP[b.dtype]
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{da._cname} and {db._cname}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"Expected object of scalar type {da._cname} but got scalar type "
                           f"{db._cname} for second argument")
    broadcast_shapes(a.shape, b.shape)
    if a.dtype not in _COMPLEX_OF:  # float16 (complex32) and bfloat16
        if kernel == "complex":
            raise NotImplementedError("complex32 (ComplexHalf) tensors are not supported yet")
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{da._cname}\'')
    return _COMPLEX_OF[a.dtype]


def _complex(real, imag):
    dt = _parts_dtype("complex", real, imag)
    real, imag = xp.broadcast_arrays(real, imag)
    out = xp.empty(real.shape, dt)
    out.real, out.imag = real, imag
    return out


def _polar(abs, angle):
    dt = _parts_dtype("polar", abs, angle)
    with xp.errstate(invalid="ignore"):  # inf * sin(0) is nan, silently
        return _complex(abs * xp.cos(angle), abs * xp.sin(angle)).astype(dt, copy=False)


# (forward mode: the formulas transposed; ELEMENTWISE's conj(formula(conj(t))) is for
# ops whose input and output are both real or both complex)
complex_op = Op("ComplexBackward0", _complex, jvp=TRANSPOSED,
                real=lambda grad: _real(grad), imag=lambda grad: _imag(grad))
def _polar_jvp(abs, angle, abs_t, angle_t):
    # derivatives.yaml's, which unlike the gradient's sgn(result) does not vanish at abs 0
    c, s = cos(angle), sin(angle)
    return complex_op(abs_t * c - angle_t * abs * s, abs_t * s + angle_t * abs * c)


def _angle_jvp(self, self_t):
    return _real(conj(_angle_backward(conj(self_t), self)))


polar_op = Op("PolarBackward0", _polar, jvp=_polar_jvp,
              abs=lambda grad, result: _real(conj(grad) * sgn(result)),
              angle=lambda grad, result: _real(conj(grad) * mul_scalar(result, 1j)))


def _angle(self):
    if self.dtype.kind == "c":
        return xp.angle(self)
    dt = self.dtype if self.dtype.kind == "f" else _dt.get_default_dtype().np
    x = self.astype(dt, copy=False)
    # torch's real kernel: pi below zero, 0 elsewhere (-0 too), nan kept
    return xp.where(xp.isnan(x), x, xp.where(x < 0, dt.type(math.pi), dt.type(0)))


def _angle_backward(grad, self):
    if _backend.kind(getattr(self, "_data", self).dtype) != "c":
        return zeros_like(self)
    # (0 / 0 at z = 0, masked below: silent, as every formula is, NOTE [Floating-point
    # warnings])
    turned = mul_scalar(grad * self / pow_scalar_exp(abs_(self), 2), 1j)
    return where(eq(self, 0.0), 0.0, turned)


angle_op = Op("AngleBackward0", _angle, jvp=_angle_jvp, self=_angle_backward)


def _isreal(self):
    if self.dtype.kind != "c":
        return xp.ones(self.shape, bool)
    return self.imag == 0


isreal_op = Op(None, _isreal, jvp=ELEMENTWISE, nondiff=("self",))


def complex(real, imag, *, out=None):
    _refuse_bfloat16("complex", real, imag)
    return complex_op(real, imag)


def polar(abs, angle, *, out=None):
    _refuse_bfloat16("polar", abs, angle)
    return polar_op(abs, angle)


def _refuse_bfloat16(kernel, a, b):
    # (checked before the op: bfloat16 forwards are given float32)
    if isinstance(a, Tensor) and isinstance(b, Tensor) and _dt.bfloat16 in (a.dtype, b.dtype):
        _parts_dtype(kernel, a._data, b._data)


def angle(input, *, out=None):
    return angle_op(input)


def isreal(input):
    return isreal_op(input)


FUNCTIONS = {"complex": complex, "polar": polar, "angle": angle, "isreal": isreal}
METHODS = {"angle": angle, "isreal": isreal}

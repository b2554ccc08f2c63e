"""torch.special's Bessel and Airy functions: j0, j1, y0, y1, the modified i0, i1, k0, k1
(and k0, k1 scaled by exp(x)), spherical j0, Airy's Ai.

torch gives them no derivative: their results never require grad (no node, as zeta's).
The forwards run in float64 (_bessel_math.py) and are cast to the input's float type;
half, bfloat16 and complex inputs are refused, as torch's kernels refuse them.
"""
from .. import _backend
from .. import _bessel_math as bm
from .. import _special_math as sm
from .._dtype import _FROM_NP
from ._promote import to_float
from ._table import ELEMENTWISE, Op

xp = _backend.xp


def refuse_low_and_complex(input, kernel):
    """torch's kernels for these functions take float32 and float64 (and integers, made
    float32) only. (A Tensor: torch's argument parser has refused anything else.)"""
    dt = input.dtype
    if dt.is_complex or dt.itemsize == 2 and dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{dt._cname}\'')


def _unary(fn):
    """A forward computing ``fn(values, dtype)`` in float64 and casting back (silently,
    as every op's forward runs: NOTE [Floating-point warnings])."""
    def forward(self):
        x = to_float(self)
        out = fn(x.astype(xp.float64), x.dtype.type)
        return xp.asarray(out).astype(x.dtype, copy=False)
    return forward


def _jy(k):
    return lambda x, dtype: bm.bessel_jy(x, dtype)[k]


def _nondiff(fn):
    return Op(None, _unary(fn), jvp=ELEMENTWISE, nondiff=("self",))


bessel_j0 = _nondiff(_jy(0))
bessel_j1 = _nondiff(_jy(1))
bessel_y0 = _nondiff(_jy(2))
bessel_y1 = _nondiff(_jy(3))
modified_bessel_i0 = _nondiff(lambda x, dtype: sm.bessel_i(x, 0, False))
modified_bessel_i1 = _nondiff(lambda x, dtype: sm.bessel_i(x, 1, False))
modified_bessel_k0 = _nondiff(lambda x, dtype: bm.bessel_k(x, 0, False))
modified_bessel_k1 = _nondiff(lambda x, dtype: bm.bessel_k(x, 1, False))
scaled_modified_bessel_k0 = _nondiff(lambda x, dtype: bm.bessel_k(x, 0, True))
scaled_modified_bessel_k1 = _nondiff(lambda x, dtype: bm.bessel_k(x, 1, True))
spherical_bessel_j0 = _nondiff(lambda x, dtype: bm.spherical_j0(x))
airy_ai = _nondiff(bm.airy_ai)


def _special(op, name):
    def fn(input, *, out=None):
        refuse_low_and_complex(input, name)
        return op(input)
    fn.__name__ = name
    return fn


SPECIAL = {name: _special(op, name) for name, op in (
    ("bessel_j0", bessel_j0), ("bessel_j1", bessel_j1), ("bessel_y0", bessel_y0),
    ("bessel_y1", bessel_y1), ("modified_bessel_i0", modified_bessel_i0),
    ("modified_bessel_i1", modified_bessel_i1), ("modified_bessel_k0", modified_bessel_k0),
    ("modified_bessel_k1", modified_bessel_k1),
    ("scaled_modified_bessel_k0", scaled_modified_bessel_k0),
    ("scaled_modified_bessel_k1", scaled_modified_bessel_k1),
    ("spherical_bessel_j0", spherical_bessel_j0), ("airy_ai", airy_ai))}

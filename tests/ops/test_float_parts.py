"""The pointwise functions of float_bits.py and polar.py against torch where their
formulas and kernels change: signed zeros, inf and nan, subnormals, integer wrap-around,
negative exponents, z = 0; their dtypes and promotion, in-place and out= forms, and
errors (the op-table samples check values and derivatives on ordinary points)."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad
from .oracle import assert_same, assert_same_error, record

f32 = np.float32
INF, NAN = float("inf"), float("nan")
EDGES = np.array([0.0, -0.0, 3.0, -5.5, INF, -INF, NAN, 1e-40, 3e38], f32)
STEPS = np.array([1.0, -1.0, 0.0, 2.0, 0.0, 1.0, 1.0, -1.0, INF], f32)
I64 = np.array([12, -18, 0, 7, -2 ** 63, 2 ** 62, 9], np.int64)
J64 = np.array([8, 6, 0, -3, 0, 3, 1], np.int64)
EXPS = np.array([3, -2, 0, 200, -200, 1, 150, -1, 0])

VALUES = {
    "gcd": lambda t, a, b: t.gcd(a, b),
    "lcm": lambda t, a, b: t.lcm(a, b),
    "gcd_int32_int64": lambda t, a, b: t.gcd(a.int(), b),
    "lcm_uint8_int16": lambda t, a, b: t.lcm(a.abs().to(t.uint8), b.to(t.int16)),
    "gcd_": lambda t, a, b: a.clone().gcd_(b),
    "lcm_": lambda t, a, b: a.clone().lcm_(b),
}
FLOATS = {
    "ldexp_int_exponent": lambda t, x, e: t.ldexp(x, e),
    "ldexp_float_exponent": lambda t, x, e: t.ldexp(x, e.float() / 3),
    "ldexp_int_input": lambda t, x, e: t.ldexp(e, e.clamp(-3, 3)),
    "ldexp_double_exponent": lambda t, x, e: t.ldexp(x, e.double()),
    "ldexp_half": lambda t, x, e: t.ldexp(x.half(), e.clamp(-30, 30)),
    "ldexp_": lambda t, x, e: x.clone().ldexp_(e),
    "frexp": lambda t, x, e: tuple(t.frexp(x)),
    "frexp_double": lambda t, x, e: tuple(x.double().frexp()),
    "frexp_half": lambda t, x, e: tuple(t.frexp(x.half())),
    "nextafter": lambda t, x, e: t.nextafter(x, t.tensor(STEPS)),
    "nextafter_double": lambda t, x, e: t.nextafter(x, t.tensor(STEPS).double()),
    "nextafter_": lambda t, x, e: x.clone().nextafter_(t.tensor(STEPS)),
    "angle": lambda t, x, e: t.angle(x),
    "angle_int": lambda t, x, e: e.angle(),
    "angle_bool": lambda t, x, e: t.angle(e > 0),
    "angle_half": lambda t, x, e: t.angle(x.half()),
    "angle_complex": lambda t, x, e: t.angle(t.complex(x, t.tensor(STEPS))),
    "isreal": lambda t, x, e: t.isreal(t.complex(t.tensor(STEPS), x)),
    "isreal_real": lambda t, x, e: (x.isreal(), t.isreal(e)),
    "complex": lambda t, x, e: t.complex(x, t.tensor(STEPS)),
    "complex_double_broadcast": lambda t, x, e: t.complex(x.double()[:, None], x.double()),
    # (in double: NumPy's float32 cos and sin may differ from torch's by an ulp)
    "polar": lambda t, x, e: t.polar(x.double().abs(), t.tensor(STEPS).double()),
    "polar_negative_abs": lambda t, x, e: t.polar(x.double(), t.tensor(STEPS).double()),
    "float_power_": lambda t, x, e: (x.double().float_power_(2), x.double().float_power_(e),
                                     x.double().float_power_(t.tensor(STEPS).double())),
    "float_power_complex": lambda t, x, e: t.complex(x[:4].double(), x[:4].double()
                                                      ).float_power_(0.5),
    "heaviside_": lambda t, x, e: x.clone().heaviside_(t.tensor([0.5])),
    "heaviside_int": lambda t, x, e: e.clone().heaviside_(t.tensor([7])),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_integer_values(name):
    assert_same(VALUES[name], [I64, J64], grad=False)


@pytest.mark.parametrize("name", list(FLOATS))
def test_float_values(name):
    assert_same(FLOATS[name], [EDGES, EXPS], grad=False)


GRADS = {
    # torch's ldexp gradient is pow(2, other) in other's type: integer 2**-2 is 0
    "ldexp_negative_int_exponent": (lambda t, x: t.ldexp(x, t.tensor([-2, 1, 0])),
                                    [np.array([1.5, -2.0, 0.0], f32)]),
    "nextafter_at_ties": (lambda t, x, y: t.nextafter(x, y),
                          [np.array([1.0, 2.0, 0.0], f32), np.array([1.0, 3.0, 0.0], f32)]),
    "angle_at_zero": (lambda t, x, y: t.angle(t.complex(x, y)),
                      [np.array([0.0, -1.0, 2.0], f32), np.array([0.0, 0.0, -1.0], f32)]),
    # |z| ** 2 underflows to 0 beside z != 0: x / 0 and 0 / 0, NaN as torch's
    "angle_underflow": (lambda t, x, y: t.angle(t.complex(x, y)),
                        [np.array([1e-30, 1e-30, 0.0], f32), np.array([1e-30, 0.0, -1e-30], f32)]),
    "polar_at_zero": (lambda t, r, a: t.view_as_real(t.polar(r, a)),
                      [np.array([0.0, 1.0, 2.0], f32), np.array([0.3, 0.0, -2.0], f32)]),
    "frexp_powers_of_two": (lambda t, x: t.frexp(x).mantissa,
                            [np.array([0.5, 1.0, -4.0, 3.0], f32)]),
}


@pytest.mark.parametrize("name", list(GRADS))
def test_gradients_at_edges(name):
    call, arrays = GRADS[name]
    with warnings.catch_warnings():  # torch gives these without a warning
        warnings.simplefilter("error")
        record(dyngrad, call, arrays)
    assert_same(call, arrays)


OUTS = {
    "gcd_out": lambda t: t.gcd(t.tensor([4, 6]), t.tensor([6, 9]), out=t.empty(2, dtype=t.int64)),
    "ldexp_out": lambda t: t.ldexp(t.tensor([1.0]), t.tensor([3]), out=t.empty(0)),
    "nextafter_out": lambda t: t.nextafter(t.tensor([1.0]), t.tensor([2.0]),
                                           out=t.empty(1, dtype=t.float64)),
    "frexp_out": lambda t: t.frexp(t.tensor([3.0, 0.1]),
                                   out=(t.empty(2), t.empty(2, dtype=t.int32))),
    "complex_out": lambda t: t.complex(t.tensor([1.0]), t.tensor([2.0]),
                                       out=t.empty(1, dtype=t.complex64)),
    "polar_out": lambda t: t.polar(t.tensor([1.0]), t.tensor([2.0]),
                                   out=t.empty(1, dtype=t.complex64)),
    "angle_out": lambda t: t.angle(t.tensor([-1.0]), out=t.empty(1)),
}


@pytest.mark.parametrize("name", list(OUTS))
def test_out(name):
    want, got = OUTS[name](torch), OUTS[name](dyngrad)
    assert repr(got) == repr(want)


ERRORS = {
    "gcd_float": lambda t: t.gcd(t.tensor([1.0]), t.tensor([2.0])),
    "gcd_bool": lambda t: t.gcd(t.tensor([True]), t.tensor([True])),
    "gcd_number": lambda t: t.gcd(t.tensor([4]), 2),
    "lcm_float_": lambda t: t.tensor([4]).lcm_(t.tensor([2.0])),
    "gcd_broadcast": lambda t: t.gcd(t.tensor([4, 2]), t.tensor([2, 3, 4])),
    "ldexp_number": lambda t: t.ldexp(t.tensor([1.0]), 3),
    "ldexp_int_": lambda t: t.tensor([1, 2]).ldexp_(t.tensor([3, 4])),
    "frexp_int": lambda t: t.frexp(t.tensor([3])),
    "frexp_complex": lambda t: t.frexp(t.tensor([3j])),
    "nextafter_int": lambda t: t.nextafter(t.tensor([1]), t.tensor([2])),
    "nextafter_number": lambda t: t.nextafter(t.tensor([1.0]), 2.0),
    "polar_mixed": lambda t: t.polar(t.tensor([1.0]), t.tensor([0.5], dtype=t.float64)),
    "polar_int": lambda t: t.polar(t.tensor([1]), t.tensor([0])),
    "polar_half": lambda t: t.polar(t.tensor([1.0]).half(), t.tensor([0.0]).half()),
    "complex_mixed": lambda t: t.complex(t.tensor([1.0]), t.tensor([0.5], dtype=t.float64)),
    "complex_int": lambda t: t.complex(t.tensor([1]), t.tensor([0])),
    "complex_broadcast": lambda t: t.complex(t.tensor([1.0, 2.0]), t.tensor([1.0, 2, 3])),
    "complex_number": lambda t: t.complex(t.tensor([1.0, 2.0]), 2.0),
    "heaviside_mixed_": lambda t: t.tensor([0.0]).heaviside_(t.tensor([1.0], dtype=t.float64)),
    "float_power_float_": lambda t: t.tensor([1.0, 2.0]).float_power_(2),
    "float_power_complex64_": lambda t: t.tensor([1.0j]).float_power_(2),
    "float_power_to_complex_": lambda t: t.tensor([1.0], dtype=t.float64).float_power_(2j),
    "complex_out_dtype": lambda t: t.complex(t.tensor([1.0]), t.tensor([2.0]),
                                             out=t.empty(1, dtype=t.complex128)),
    "float_power_shape_": lambda t: t.tensor([1.0, 2.0], dtype=t.float64).float_power_(
        t.tensor([[1.0], [2.0]])),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    assert_same_error(ERRORS[name])


def test_refused_inplace_changes_nothing():
    x = dyngrad.tensor([1.0, 2.0])
    for call in (lambda: x.float_power_(2), lambda: x.heaviside_(dyngrad.tensor([1.0]).double()),
                 lambda: x.lcm_(dyngrad.tensor([2]))):
        with pytest.raises((RuntimeError, NotImplementedError)):
            call()
    assert x.tolist() == [1.0, 2.0] and x._version == 0


def test_conj_physical():
    # a real tensor is its own conjugate (the same tensor); the in-place form records a
    # node even then
    seen = []
    for lib in (torch, dyngrad):
        r = lib.tensor([1.0, -2.0], requires_grad=True) * 1
        z = lib.tensor([1 + 2j, 3 - 1j], requires_grad=True) * 1
        same = lib.conj_physical(r) is r
        zc = lib.conj_physical(z)
        out = lib.conj_physical(z.detach())
        r2 = r.clone().conj_physical_()
        z2 = lib.conj_physical_(z.clone())
        seen.append((same, repr(zc), repr(out), r2.grad_fn.name(), repr(z2)))
    assert seen[0] == seen[1]

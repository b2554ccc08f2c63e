"""Sample inputs for the pointwise math of pointwise_more.py (merged into
test_op_table.SAMPLES): zeros for xlogy and copysign, ties for fmax/fmin, NaN where
fmax/fmin and nan_to_num decide by it, the logit eps bounds."""
import numpy as np

from dyngrad.ops import float_bits as fb, pointwise_more as pm, polar as po
from dyngrad.ops import renorm as rn

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
B = np.array([0.8, -1.5, 1.1], f32)
POS = np.array([[0.7, 1.3, 2.2], [0.4, 1.9, 3.1]], f32)
ZERO = np.array([[0.3, 0.0, 2.1], [1.7, -0.4, 0.0]], f32)
PROB = np.array([[0.05, 0.3, 0.5], [0.7, 0.92, 0.2]], f32)
TIE = np.array([[0.3, -1.5, 1.1], [0.8, -0.4, 0.9]], f32)  # meets B at two places
NAN_B = np.array([0.8, np.nan, 1.1], f32)
EXP = np.array([3, -2, 0])
RENORM = np.array([[1.0, -2.0, 3.0], [0.5, 0.2, -0.1], [0.3, 0.1, 0.2]], f32)
INTS = np.array([[12, -18, 0], [7, 0, -9]])
INTS_B = np.array([8, 6, -3])
ANGLES = np.array([[0.0, -2.5, 1.1], [3.1, -0.4, 0.0]], f32)  # zero where ZERO is: z = 0
# squares that underflow in float32 (atan2's 1 / (x * x + y * y) is inf there, taken as 0)
TINY = np.array([[1e-30, 0.0, 2e-30], [1.0, -1e-30, 0.0]], f32)
TINY_B = np.array([1e-30, 1e-30, 0.0], f32)
# xlogy's self == 0 against other 0, in (0, 1) and below 0; other below 0 elsewhere (NaN)
XLOGY_SELF = np.array([[0.3, 0.0, 0.0], [1.7, -0.4, 0.0]], f32)
XLOGY_OTHER = np.array([[0.5, 0.0, 0.5], [-1.0, 0.4, -2.0]], f32)
OUTSIDE = np.array([[0.05, 1.5, 0.0], [-0.5, 0.92, 1.0]], f32)  # logit's 0, 1 and beyond


def _sq(y):
    return y * y


SAMPLES = {
    # torch shares one reciprocal between the two inputs' formulas, which changes the
    # second-order graph's shape (not its values) when both require grad: one at a time here,
    # the other an integer tensor
    pm.atan2: [("atan2", lambda t, x, y: t.atan2(x, y), [A, np.array([1, -2, 0])]),
               ("atan2_other", lambda t, x, y: t.atan2(x, y), [np.array([1, -2, 0]), B]),
               ("atan2_squared", lambda t, x, y: _sq(x.atan2(y)), [A, np.array([2, 1, -1])]),
               # (scaled: the gradients there are of the size of the inputs)
               ("atan2_underflow", lambda t, x, y: t.atan2(x, y.detach()) * 1e30, [TINY, TINY_B]),
               ("atan2_other_underflow", lambda t, x, y: t.atan2(x.detach(), y) * 1e30,
                [TINY, TINY_B])],
    pm.hypot: [("hypot", lambda t, x, y: t.hypot(x, y), [A, B])],
    pm.logaddexp: [("logaddexp", lambda t, x, y: x.logaddexp(y), [A, B])],
    pm.logaddexp2: [("logaddexp2", lambda t, x, y: t.logaddexp2(x, y), [A, B])],
    pm.xlogy: [("xlogy", lambda t, x, y: t.xlogy(x, y), [ZERO, POS]),
               ("xlogy_squared", lambda t, x, y: _sq(x.xlogy(y)), [A, POS]),
               ("xlogy_at_zeros", lambda t, x, y: t.xlogy(x, y), [XLOGY_SELF, XLOGY_OTHER])],
    pm.xlogy_number_self: [("xlogy_number_self", lambda t, y: t.xlogy(2.0, y), [POS])],
    # other above 1, in (0, 1), 0, below 0 and NaN: from 0 down, 0 where self is 0; a zero
    # gradient (the column sliced off) stays 0 beside log(0)
    pm.xlogy_number_other: [("xlogy_number_other", lambda t, x: t.xlogy(x, 3.0), [ZERO]),
                            ("xlogy_other_below_one", lambda t, x: x.xlogy(0.5), [ZERO]),
                            ("xlogy_other_zero", lambda t, x: t.xlogy(x, 0.0)[:, 1:], [ZERO]),
                            ("xlogy_other_negative", lambda t, x: x.xlogy(-1.5), [ZERO]),
                            ("xlogy_other_nan", lambda t, x: t.xlogy(x, float("nan")), [ZERO])],
    pm.copysign_op: [("copysign", lambda t, x, y: t.copysign(x, y), [ZERO, B])],
    pm.copysign_number: [("copysign_number", lambda t, x: x.copysign(-1.0), [ZERO])],
    pm.fmax: [("fmax", lambda t, x, y: t.fmax(x, y), [TIE, B]),
              ("fmax_nan", lambda t, x, y: x.fmax(y), [A, NAN_B])],
    pm.fmin: [("fmin", lambda t, x, y: t.fmin(x, y), [TIE, NAN_B]),
              ("fmin_ties", lambda t, x, y: x.fmin(y), [TIE, B])],
    pm.lerp_scalar: [("lerp", lambda t, x, y: t.lerp(x, y, 0.3), [A, B]),
                     ("lerp_big_weight", lambda t, x, y: x.lerp(y, 0.8), [A, POS])],
    pm.lerp_tensor: [("lerp_tensor", lambda t, x, y, w: t.lerp(x, y, w), [A, POS, PROB])],
    pm.addcmul: [("addcmul", lambda t, x, y, z: t.addcmul(x, y, z, value=2), [A, B, POS]),
                 ("addcmul_1", lambda t, x, y, z: x.addcmul(y, z), [A, B, POS])],
    pm.addcdiv: [("addcdiv", lambda t, x, y, z: t.addcdiv(x, y, z, value=-0.5), [A, B, POS])],
    pm.frac: [("frac", lambda t, x: x.frac() * x, [A * 3])],
    pm.sinc: [("sinc", lambda t, x: t.sinc(x), [ZERO]), ("sinc_squared", lambda t, x: _sq(x.sinc()), [A])],
    pm.deg2rad: [("deg2rad", lambda t, x: t.deg2rad(x), [A])],
    pm.rad2deg: [("rad2deg", lambda t, x: x.rad2deg(), [A])],
    pm.exp2: [("exp2", lambda t, x: t.exp2(x), [A]), ("exp2_squared", lambda t, x: _sq(x.exp2()), [A])],
    pm.logit_op: [("logit", lambda t, x: t.logit(x), [PROB]),
                  ("logit_eps", lambda t, x: x.logit(0.1), [PROB]),
                  ("logit_squared", lambda t, x: _sq(t.logit(x, eps=0.25)), [PROB]),
                  ("logit_outside", lambda t, x: t.logit(x), [OUTSIDE])],
    pm.nan_to_num_op: [("nan_to_num", lambda t, x: t.nan_to_num(1 / x), [ZERO]),
                       ("nan_to_num_values", lambda t, x: (x.log()).nan_to_num(0.5, 2.0, -3.0), [ZERO])],
    # (torch records a NotImplemented node whose backward raises: compared without grad)
    pm.heaviside: [("heaviside", lambda t, x, v: t.heaviside(x.detach(), v.detach()),
                    [ZERO, np.array([0.5], f32)])],
    pm.signbit: [("signbit", lambda t, x: t.signbit(-x), [ZERO])],
    pm.isposinf: [("isposinf", lambda t, x: t.isposinf(1 / x), [ZERO])],
    pm.isneginf: [("isneginf", lambda t, x: (-1 / x).isneginf(), [ZERO])],
    pm.isclose_op: [("isclose", lambda t, x, y: t.isclose(x, y + 1e-6), [A, A]),
                    ("isclose_nan", lambda t, x: t.isclose(x / x, x / x, equal_nan=True), [ZERO])],
    pm.bitwise_left_shift: [("lshift", lambda t, x: x << 2, [np.array([1, -3, 4])])],
    pm.bitwise_right_shift: [("rshift", lambda t, x, y: t.bitwise_right_shift(x, y),
                              [np.array([8, -8, 5]), np.array([1, 2, 0])])],
    pm.heaviside: [("heaviside_", lambda t, x, v: x.detach().clone().heaviside_(v.detach()),
                    [ZERO, np.array([0.5], f32)])],
    # a float's parts: integer and float exponents, 0 and -0 mantissas, ties for nextafter
    fb.ldexp: [("ldexp", lambda t, x, e: t.ldexp(x, e), [A, EXP]),
               ("ldexp_float", lambda t, x, e: x.ldexp(e), [A, B]),
               ("ldexp_squared", lambda t, x, e: _sq(t.ldexp(x, e)), [ZERO, B]),
               ("ldexp_", lambda t, x, e: (x * 1).ldexp_(e), [A, B])],
    fb.frexp_op: [("frexp", lambda t, x: t.frexp(x * 3), [ZERO]),
                  ("frexp_squared", lambda t, x: _sq(x.frexp().mantissa), [A])],
    fb.nextafter: [("nextafter", lambda t, x, y: t.nextafter(x, y), [TIE, B]),
                   ("nextafter_", lambda t, x, y: (x * 1).nextafter_(y), [A, B])],
    fb.gcd: [("gcd", lambda t, x, y: t.gcd(x, y), [INTS, INTS_B]),
             ("gcd_", lambda t, x, y: x.clone().gcd_(y), [INTS, INTS_B])],
    fb.lcm: [("lcm", lambda t, x, y: x.lcm(y), [INTS, INTS_B]),
             ("lcm_", lambda t, x, y: x.clone().lcm_(y), [INTS, INTS_B])],
    # complex numbers from their parts: z = 0 where polar's sgn and angle's formula change
    po.complex_op: [("complex", lambda t, x, y: t.view_as_real(t.complex(x, y)), [A, B]),
                    ("complex_squared", lambda t, x, y: t.view_as_real(_sq(t.complex(x, y))),
                     [A, POS])],
    po.polar_op: [("polar", lambda t, r, a: t.view_as_real(t.polar(r, a)), [ZERO, ANGLES]),
                  ("polar_squared", lambda t, r, a: t.view_as_real(_sq(t.polar(r, a))),
                   [POS, A])],
    po.angle_op: [("angle_real", lambda t, x: t.angle(x) * x, [ZERO]),
                  ("angle", lambda t, x, y: t.angle(t.complex(x, y)), [ZERO, ANGLES]),
                  ("angle_squared", lambda t, x, y: _sq(t.complex(x, y).angle()), [A, POS])],
    # slices above maxnorm (scaled) and below it (left as they are), every kind of p
    rn.renorm_op: [("renorm", lambda t, x: t.renorm(x, 2, 0, 2.0), [RENORM]),
                   ("renorm_p1_dim1", lambda t, x: x.renorm(1, 1, 1.5), [RENORM]),
                   ("renorm_inf", lambda t, x: t.renorm(x, float("inf"), -1, 0.9), [RENORM]),
                   ("renorm_p3_squared", lambda t, x: _sq(t.renorm(x, 3, 0, 1.0)), [RENORM]),
                   ("renorm_", lambda t, x: (x * 1).renorm_(2, 1, 1.0), [RENORM]),
                   # float64, which sees the eps added to the norm
                   ("renorm_float64", lambda t, x: t.renorm(x, 2, 0, 2.0), [RENORM.astype(np.float64)])],
    po.isreal_op: [("isreal", lambda t, x, y: t.isreal(t.complex(x, y).detach()), [A, ZERO]),
                   ("isreal_real", lambda t, x: x.isreal(), [A])],
}

# ties, where a central difference averages the sides torch chooses between (and frexp's
# jumps at powers of two and at zero, angle's at 0)
AT_A_KINK = {"fmax", "fmin", "fmin_ties", "nan_to_num", "nan_to_num_values", "nextafter", "frexp",
             "angle", "polar", "angle_real",
             # torch's ldexp gradient is pow(2, other) in other's integer type: 2**-2 is 0
             "ldexp",
             # underflows, logs of 0 and beyond a domain: infinite or NaN derivatives
             "atan2_underflow", "atan2_other_underflow", "xlogy_at_zeros", "xlogy_other_zero",
             "xlogy_other_negative", "xlogy_other_nan", "logit_outside"}

"""Sample inputs for the special functions (merged into test_op_table.SAMPLES): both signs,
values near 0 (i1's guard), beyond the Bessel series' range (|x| > 30), the tails."""
import numpy as np

from dyngrad.ops import bessel, special as sp
from dyngrad.ops.orthogonal_polynomials import OPS as POLYNOMIALS

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
POS = np.array([[0.7, 1.3, 2.2], [0.4, 1.9, 3.1]], f32)
UNIT = np.array([[0.3, -0.6, 0.2], [0.7, -0.4, 0.9]], f32)
PROB = np.array([[0.05, 0.3, 0.5], [0.7, 0.92, 0.2]], f32)
BIG = np.array([0.0, -3.5, 12.0, 31.5, -33.0], f32)
TAIL = np.array([-25.0, -6.0, -0.5, 3.0, 9.0], f32)
# xlog1py's zeros of x where log1p(y) is -inf or nan (y <= -1), beside ones that are not
XZ = np.array([[0.0, 0.0, 1.0], [0.0, 1.2, 0.0]], f32)
YM = np.array([[-1.0, -2.0, -1.0], [0.5, -1.0, -0.5]], f32)


def _sq(y):
    return y * y


SAMPLES = {
    sp.lgamma: [("lgamma", lambda t, x: t.lgamma(x), [A]),
                ("gammaln_squared", lambda t, x: _sq(t.special.gammaln(x)), [POS])],
    sp.digamma: [("digamma", lambda t, x: x.digamma(), [A]),
                 ("psi", lambda t, x: t.special.psi(x), [POS])],
    sp.polygamma: [("polygamma", lambda t, x: t.polygamma(1, x), [POS]),
                   ("polygamma_method", lambda t, x: x.polygamma(2), [POS]),
                   ("polygamma_squared", lambda t, x: _sq(t.special.polygamma(1, x)), [POS])],
    sp.mvlgamma: [("mvlgamma", lambda t, x: t.mvlgamma(x, 2), [POS + 1]),
                  ("mvlgamma_squared", lambda t, x: _sq(t.mvlgamma(x, 2)), [POS + 1]),
                  ("multigammaln", lambda t, x: t.special.multigammaln(x, 3), [POS + 2])],
    sp.erfc: [("erfc", lambda t, x: t.erfc(x), [A]), ("erfc_squared", lambda t, x: _sq(t.special.erfc(x)), [A])],
    sp.erfinv: [("erfinv", lambda t, x: x.erfinv(), [UNIT]),
                ("erfinv_squared", lambda t, x: _sq(t.special.erfinv(x)), [UNIT])],
    sp.i0: [("i0", lambda t, x: t.i0(x), [A]), ("i0_big", lambda t, x: t.special.i0(x), [BIG])],
    sp.i0e: [("i0e", lambda t, x: t.special.i0e(x), [BIG])],
    sp.i1: [("i1", lambda t, x: t.special.i1(x), [BIG]),
            ("i1_squared", lambda t, x: _sq(t.special.i1(x)), [A])],
    sp.i1e: [("i1e", lambda t, x: t.special.i1e(x), [BIG])],
    sp.ndtri: [("ndtri", lambda t, x: t.special.ndtri(x), [PROB])],
    # (far in the tail torch's float32 formula cancels: second order compared nearer 0,
    # the tail's values in test_special.py)
    sp.log_ndtr: [("log_ndtr", lambda t, x: t.special.log_ndtr(x), [np.array([-3.0, -0.5, 1.0, 3.0], f32)])],
    sp.entr: [("entr", lambda t, x: t.special.entr(x), [PROB]),
              ("ndtr", lambda t, x: t.special.ndtr(x) * t.special.entr(x.abs()), [A])],
    # (no derivative in torch either: its backward raises)
    sp.zeta: [("zeta", lambda t, x, q: t.special.zeta(x.detach() + 2, q.detach()),
               [POS, np.array([1.0, -0.5, 2.5], f32)])],
    sp.polygamma_self_first: [("polygamma_", lambda t, x: (x * 1).polygamma_(1), [POS]),
                              ("polygamma__squared", lambda t, x: _sq((x * 1).polygamma_(2)), [POS])],
    sp.erfcx: [("erfcx", lambda t, x: t.special.erfcx(x), [A]),
               ("erfcx_squared", lambda t, x: _sq(t.special.erfcx(x)),
                [np.array([0.0, -1.5, 3.0, 30.0], f32)])],
    sp.xlog1py: [("xlog1py", lambda t, x, y: t.special.xlog1py(x, y), [A, POS]),
                 ("xlog1py_squared", lambda t, x, y: _sq(t.special.xlog1py(x, y - 0.3)), [A, POS]),
                 ("xlog1py_y_to_minus_one", lambda t, x, y: t.special.xlog1py(x, y), [XZ, YM])],
    sp.xlog1py_number_self: [("xlog1py_number_self", lambda t, y: t.special.xlog1py(2.5, y), [POS])],
    sp.xlog1py_number_other: [("xlog1py_number_other", lambda t, x: t.special.xlog1py(x, 1.5), [A]),
                              ("xlog1py_number_other_squared",
                               lambda t, x: _sq(t.special.xlog1py(x, 0.25)), [A]),
                              ("xlog1py_number_other_minus_one",
                               lambda t, x: t.special.xlog1py(x, -1.0), [XZ]),
                              ("xlog1py_number_other_below_minus_one",
                               lambda t, x: t.special.xlog1py(x, -1.5), [XZ])],
    # (the derivative in the first argument raises in torch: RAISES_IN_BACKWARD)
    sp.igamma: [("igamma", lambda t, x: t.igamma(t.tensor(POS) + 1, x), [POS]),
                ("gammainc", lambda t, x: _sq(t.special.gammainc(t.tensor(POS), x)), [POS])],
    sp.igammac: [("igammac", lambda t, x: t.igammac(t.tensor(POS) * 3, x), [POS]),
                 ("gammaincc", lambda t, x: _sq(t.special.gammaincc(t.tensor(POS), x)), [POS])],
    # no derivatives in torch: the results never require grad
    **{op: [(op_name, (lambda name: lambda t, x: getattr(t.special, name)(x.detach()))(op_name),
             [BIG])] for op_name, op in vars(bessel).items() if isinstance(op, type(sp.erfc))},
    **{op: [(name, (lambda name: lambda t, x, n: getattr(t.special, name)(x.detach(), n))(name),
             [np.array([[-1.5, -1.0, 0.3], [0.0, 0.8, 2.5]], f32), np.array([0, 3, 7], np.int64)])]
       for name, op in POLYNOMIALS.items()},
}

RAISES_IN_BACKWARD = {
    # (at x = 0, where the values are exact: torch's float32 kernel rounds differently)
    sp.igamma: [lambda t, x, y: t.igamma(y, y.detach() * 0), lambda t, x, y: (y * 1).igamma_(y.detach() * 0)],
    sp.igammac: [lambda t, x, y: t.special.gammaincc(y, y.detach() * 0)],
}

# i1 at exactly 0: torch's guard gives the limit 0.5 where a central difference agrees,
# but i0/i1 at 0 sit on |x|'s kink in the guard: compared with torch only
AT_A_KINK = {"i0_big", "i0e", "i1", "i1e", "xlog1py_y_to_minus_one",
             "xlog1py_number_other_minus_one", "xlog1py_number_other_below_minus_one"}

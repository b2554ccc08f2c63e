"""Sample inputs for sorting, order statistics and scans (merged into test_op_table.SAMPLES).

Sorts see ties (stable order decides which index a gradient goes to) and NaN; medians an
even count (the lower middle); cumprod zeros (its O(n^2) backward, differentiable again).
topk and kthvalue see no ties: which tied index torch's selection picks is its own.
"""
import numpy as np

from dyngrad.ops import prod, scans as sn, sorting as so

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
C3 = np.arange(24, dtype=f32).reshape(2, 3, 4) / 7 - 1.3
TIES = np.array([[1.0, 3.0, 3.0, 2.0], [2.0, -1.0, 2.0, 2.0]], f32)
ROW = np.array([0.5, -1.5, 2.5, 0.25, -0.75, 1.0], f32)
ZEROS = np.array([[0.3, 0.0, 2.1, -1.0], [1.7, -0.4, 0.0, 0.0]], f32)
NAN = np.array([[0.3, np.nan, 2.1], [1.7, -0.4, 0.9]], f32)
# zeros beside inf and NaN: torch's first-order backward (no create_graph) takes an O(n)
# form where inf * 0 lands elsewhere than in the O(n^2) one; a first zero at the start, a
# second one, and a row with none
ZERO_INF = np.array([[0.0, 2.0, np.inf, 0.0, 3.0], [np.inf, 1.5, 0.0, 2.0, -1.0],
                     [3.0, np.nan, 0.0, 2.0, 0.5], [0.5, 2.0, -1.0, 3.0, 1.5]], f32)
MODE = np.array([[2.0, 1.0, 2.0, 1.0, 0.5], [0.5, 0.5, 3.0, 3.0, 3.0]], f32)


def _sq(y):
    return y * y


SAMPLES = {
    so.sort_op: [("sort", lambda t, x: x.sort(), [TIES]),
                 ("sort_descending", lambda t, x: t.sort(x, 0, descending=True), [TIES]),
                 ("sort_nan", lambda t, x: x.sort(1, True), [NAN]),
                 ("msort", lambda t, x: t.msort(x), [A]),
                 ("sort_squared", lambda t, x: _sq(x.sort(-1).values), [C3])],
    so.sort_stable: [("sort_stable", lambda t, x: x.sort(stable=True, descending=True), [TIES])],
    so.topk_op: [("topk", lambda t, x: x.topk(2), [A]),
                 ("topk_smallest", lambda t, x: t.topk(x, 2, 1, largest=False), [C3])],
    so.kthvalue_op: [("kthvalue", lambda t, x: x.kthvalue(2), [A]),
                     ("kthvalue_keepdim", lambda t, x: t.kthvalue(x, 1, 0, True), [C3])],
    so.median_all: [("median", lambda t, x: x.median(), [ROW]),
                     ("median_ties", lambda t, x: t.median(x), [TIES]),
                     ("median_nan", lambda t, x: x.median(), [NAN])],
    so.nanmedian_all: [("nanmedian", lambda t, x: x.nanmedian(), [NAN])],
    so.median_dim: [("median_dim", lambda t, x: x.median(1), [A]),
                    ("median_dim_even", lambda t, x: t.median(x, -1, keepdim=True), [C3])],
    so.nanmedian_dim: [("nanmedian_dim", lambda t, x: x.nanmedian(1), [NAN])],
    so.mode_op: [("mode", lambda t, x: x.mode(), [MODE]),
                 ("mode_dim", lambda t, x: t.mode(x, 0, True), [TIES])],
    prod.cumprod_op: [("cumprod", lambda t, x: x.cumprod(1), [A]),
                    ("cumprod_fn", lambda t, x: t.cumprod(x, 0), [C3]),
                    ("cumprod_zeros", lambda t, x: x.cumprod(1), [ZEROS]),
                    ("cumprod_int", lambda t, x: t.cumprod(x, 0), [np.array([1, 2, 3])]),
                    # the bounds of the shortcut that returns grad: one element (0-d), and
                    # two, the fewest whose gradient is not grad itself
                    ("cumprod_0d", lambda t, x: x.cumprod(0), [np.array(1.5, f32)]),
                    ("cumprod_pair", lambda t, x: t.cumprod(x, -1), [np.array([0.5, -2.0], f32)]),
                    ("cumprod_squared", lambda t, x: _sq(x.cumprod(-1)), [A]),
                    ("prod_zeros_squared", lambda t, x: _sq(x.prod(1)), [ZEROS]),
                    ("cumprod_zeros_inf", lambda t, x: x.cumprod(1), [ZERO_INF]),
                    # along a middle dim (the first zero's mask broadcast over the last)
                    ("cumprod_zeros_inf_mid", lambda t, x: t.cumprod(x.t().unsqueeze(0), 1),
                     [ZERO_INF])],
    sn.cummax_op: [("cummax", lambda t, x: x.cummax(1), [TIES]),
                   ("cummax_squared", lambda t, x: _sq(t.cummax(x, 0).values), [A]),
                   # one element: torch still scatters (only an empty input skips it)
                   ("cummax_single_squared", lambda t, x: _sq(x.cummax(0).values), [A[0, :1]])],
    sn.cummin_op: [("cummin", lambda t, x: t.cummin(x, -1), [TIES])],
    sn.logcumsumexp_op: [("logcumsumexp", lambda t, x: x.logcumsumexp(1), [A]),
                         ("logcumsumexp_squared", lambda t, x: _sq(t.logcumsumexp(x, 0)), [C3]),
                         # the bounds of the shortcut that returns grad (0-d, and only 0-d
                         # or empty: one element of a 1-d input still goes the long way)
                         ("logcumsumexp_1d", lambda t, x: x.logcumsumexp(0), [A[1]]),
                         ("logcumsumexp_0d_squared", lambda t, x: _sq(x.logcumsumexp(0)), [np.array(A[0, 0])]),
                         ("logcumsumexp_single_squared", lambda t, x: _sq(t.logcumsumexp(x, 1)), [A[:1, :1]]),
                         # zeros in its gradient: neither the positive nor the negative part
                         ("logcumsumexp_zero_grad", lambda t, x, z: t.logcumsumexp(x, 1) * z, [A, ZEROS[:, :3]])],
}

# ops with no derivative in torch either: their backward raises (test_sorting.py)
NO_DERIVATIVE = {so.unique_op, so.unique_dim_op, so.unique_consecutive_op}

# cases at a kink, where a central difference averages the two sides torch chooses between
# (ties, NaN): compared with torch only
AT_A_KINK = {"sort", "sort_descending", "sort_nan", "sort_stable", "median_ties", "median_nan",
             "mode", "mode_dim", "cummax",
             # a gradient of 0 is where logcumsumexp's backward switches between log|grad|
             # and the lowest float: torch's own second derivatives there differ by mode,
             # and dyngrad's match torch's mode for mode (test_op_jvp.MODES_DIFFER_IN_TORCH)
             "logcumsumexp_zero_grad",
             # (infinities: no finite difference)
             "cumprod_zeros_inf", "cumprod_zeros_inf_mid"}

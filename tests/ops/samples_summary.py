"""Sample inputs for summary.py's reductions (merged into test_op_table.SAMPLES): NaN for
the nan-aware ones, ties for aminmax, both outputs of var_mean/std_mean used."""
import numpy as np

from dyngrad.ops import summary as sm

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
C3 = np.arange(24, dtype=f32).reshape(2, 3, 4) / 7 - 1.3
NAN = np.array([[0.3, np.nan, 2.1], [1.7, -0.4, 0.9]], f32)
TIES = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]], f32)
ROW = np.array([0.5, -1.5, 2.5, 0.25, -0.75, 1.0], f32)


def _sq(y):
    return y * y


SAMPLES = {
    sm.nansum_op: [("nansum", lambda t, x: t.nansum(x), [NAN]),
                   ("nansum_dim", lambda t, x: x.nansum(1, keepdim=True), [NAN]),
                   ("nanmean", lambda t, x: t.nanmean(x, 1), [NAN]),
                   ("nansum_squared", lambda t, x: _sq(x.nansum((0, 2))), [C3])],
    sm.var_mean_op: [("var_mean", lambda t, x: t.var_mean(x), [A]),
                     ("var_mean_dim", lambda t, x: t.var_mean(x, 1, keepdim=True, correction=0), [C3]),
                     ("var_mean_squared", lambda t, x: [_sq(o) for o in t.var_mean(x, (0, 2))], [C3]),
                     ("var_mean_only_mean", lambda t, x: t.var_mean(x, 1)[1], [A])],
    sm.std_mean_op: [("std_mean", lambda t, x: t.std_mean(x, 0), [A]),
                     ("std_mean_all", lambda t, x: t.std_mean(x, unbiased=False), [A]),
                     ("std_mean_keepdim", lambda t, x: t.std_mean(x, 1, keepdim=True), [A]),
                     ("std_mean_only_mean", lambda t, x: t.std_mean(x, (0, 1))[1], [A])],
    sm.aminmax_op: [("aminmax", lambda t, x: t.aminmax(x), [TIES]),
                    ("aminmax_dim", lambda t, x: x.aminmax(dim=1, keepdim=True), [TIES]),
                    ("aminmax_squared", lambda t, x: [_sq(o) for o in t.aminmax(x, dim=0)], [A])],
    sm.unsqueeze_: [("quantile", lambda t, x: t.quantile(x, 0.3), [ROW]),
                    ("quantile_dim", lambda t, x: x.quantile(0.6, dim=0, keepdim=True), [A]),
                    ("quantile_modes", lambda t, x: [x.quantile(0.4, 1, interpolation=m) for m in (
                        "lower", "higher", "nearest", "midpoint")], [C3[0]]),
                    ("nanquantile", lambda t, x: t.nanquantile(x, 0.5, 1), [NAN]),
                    ("quantile_q_tensor", lambda t, x, q: t.quantile(x, q, dim=1), [A, np.array([0.25, 0.6], f32)])],
    sm.transpose_: [("quantile_q_tensor_all", lambda t, x, q: x.quantile(q), [ROW, np.array([0.1, 0.9], f32)]),
                    ("nanquantile_q_tensor", lambda t, x, q: t.nanquantile(x, q, 0, True),
                     [NAN, np.array([0.3, 0.8], f32)])],
}

# ties, where a central difference averages what torch splits evenly or picks
AT_A_KINK = {"aminmax", "aminmax_dim"}

"""Sample inputs on the points where a formula changes (merged into test_op_table.SAMPLES):
inputs exactly on clamp's bounds, ties for maximum/minimum/max/min/amax/amin, zeros for
pow/relu/abs/norm, three or more pieces for cat/split/chunk. Each was added where a
one-token change of a formula (ge for gt, grad / 2 for grad: scripts/mutation.py) went
unnoticed by the other samples."""
import numpy as np

from dyngrad.ops import joining, pointwise as pw, reduction as red, statistics as st
from dyngrad.ops import views as vw

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
# bounds met by A: a column where min == max (== an element of A and above the other),
# one where min == max is above both, one where min and max each equal an element
LO = np.array([0.3, 0.5, 0.9], f32)
HI = np.array([0.3, 0.5, 2.1], f32)
TIE = np.array([0.3, -1.5, 0.9], f32)  # equal to A at (0, 0) and (1, 2)
# pow: 0 ** 0, x ** 0, 0 ** 2 and x ** 1, where pow's formulas pick their cases
BASE = np.array([[0.7, 0.0, 2.2], [0.4, 0.0, 3.1]], f32)
EXPONENT = np.array([[2.0, 0.0, 0.0], [1.5, 2.0, 1.0]], f32)
SIGNED = np.array([[0.0, 1.5, -1.0], [2.0, 0.0, 0.5]], f32)
ZERO = np.array([[0.3, 0.0, -2.1], [0.0, -0.4, 0.9]], f32)      # zeros: relu, abs at 0
MAX_TIE = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 3.0]], f32)    # the max three times
MIN_TIE = np.array([[1.0, -1.0, 3.0], [2.0, -1.0, 2.0]], f32)   # the min twice
NANS = np.array([[1.0, np.nan, 3.0], [np.nan, -1.0, 2.0]], f32)  # max/min NaN, twice
ZERO_ROW = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]], f32)   # a norm of 0
CONST_ROW = np.array([[1.5, 1.5, 1.5], [1.0, -2.0, 2.0]], f32)  # a std of 0
C7 = np.linspace(-1.2, 1.5, 14, dtype=f32).reshape(2, 7)         # 7 columns: uneven pieces


SAMPLES = {
    pw.clamp: [("clamp_at_bounds", lambda t, x: x.clamp(-0.4, 0.9), [A]),
               ("clamp_min_at_bound", lambda t, x: t.clamp(x, min=0.9), [A]),
               ("clamp_max_at_bound", lambda t, x: x.clamp(max=-0.4), [A])],
    pw.clamp_min: [("clamp_min_at_bound", lambda t, x: t.clamp_min(x, 0.3), [A])],
    pw.clamp_max: [("clamp_max_at_bound", lambda t, x: x.clamp_max(0.3), [A])],
    pw.clamp_tensor: [("clamp_tensors_at_bounds", lambda t, x, lo, hi: x.clamp(lo, hi), [A, LO, HI]),
                      ("clamp_tensor_min_at_bound", lambda t, x, lo: t.clamp(x, min=lo), [A, TIE]),
                      ("clamp_tensor_max_at_bound", lambda t, x, hi: t.clamp(x, max=hi), [A, TIE])],
    pw.clamp_min_tensor: [("clamp_min_tensor_tie", lambda t, x, y: t.clamp_min(x, y), [A, TIE])],
    pw.clamp_max_tensor: [("clamp_max_tensor_tie", lambda t, x, y: x.clamp_max(y), [A, TIE])],
    pw.maximum: [("maximum_tie", lambda t, x, y: t.maximum(x, y), [A, TIE]),
                 ("max_binary_tie", lambda t, x, y: t.max(y, x), [A, TIE])],
    pw.minimum: [("minimum_tie", lambda t, x, y: x.minimum(y), [A, TIE])],
    pw.pow_tensor: [("pow_tensor_zeros", lambda t, x, y: x ** y, [BASE, EXPONENT])],
    pw.pow_scalar_base: [("pow_zero_base", lambda t, x: t.pow(0.0, x), [SIGNED])],
    # an inf gradient: the places relu drops get 0, not inf * 0
    pw.relu: [("relu_at_zero", lambda t, x: x.relu(), [ZERO]),
              ("relu_under_inf", lambda t, x: t.relu(x) * float("inf"), [ZERO])],
    pw.abs_: [("abs_at_zero", lambda t, x: t.abs(x), [ZERO])],
    red.max_all: [("max_all_ties", lambda t, x: x.max(), [MAX_TIE]),
                  ("max_all_nans", lambda t, x: x.max(), [NANS])],
    # an inf gradient: the places scatter wrote get 0, not inf * 0
    red.scatter: [("scatter_under_inf", lambda t, x, i, s: x.scatter(1, i, s) * float("inf"),
                   [A, np.array([[0, 2], [1, 0]]), A[:, :2].copy()])],
    red.min_all: [("min_all_ties", lambda t, x: t.min(x), [MIN_TIE]),
                  ("min_all_nans", lambda t, x: t.min(x) * x.min(), [NANS])],
    st.amax_op: [("amax_dim_ties", lambda t, x: x.amax(1), [MAX_TIE])],
    st.amin_op: [("amin_dims_ties", lambda t, x: t.amin(x, (0, 1)), [MIN_TIE])],
    st.vector_norm: [("norm_of_zero_row", lambda t, x: x.norm(dim=1), [ZERO_ROW]),
                     ("norm_1_at_zero", lambda t, x: t.norm(x, p=1), [ZERO]),
                     ],
    st.std_op: [("std_of_constant_row", lambda t, x: x.std(1), [CONST_ROW])],
    joining.cat: [("cat_three", lambda t, x, y, z: t.cat([x, y, z], 1), [A, A[:, :1].copy(), C7])],
    vw.split: [("split_three_uneven", lambda t, x: x.split(3, 1), [C7]),
               ("chunk_three", lambda t, x: t.chunk(x, 3, -1), [C7])],
    vw.split_with_sizes: [("split_sizes_three", lambda t, x: x.split([2, 1, 4], 1), [C7])],
}

# the samples above sit on kinks (a central difference there averages the two sides),
# except the ones with three or more pieces
_PIECES = {"cat_three", "split_three_uneven", "chunk_three", "split_sizes_three"}
AT_A_KINK = {cid for cases in SAMPLES.values() for cid, _, _ in cases} - _PIECES

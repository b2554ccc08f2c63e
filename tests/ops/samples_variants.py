"""Sample inputs for the view ops' variants: the ``*_copy`` twins, the unsafe splits,
``narrow_copy``, the view scatters, and ``index_reduce``.

Merged into test_op_table.SAMPLES: every case runs through the generic tests there (torch
side by side to the second derivative, finite differences). The data sits where the
formulas change: a negative start (narrow_copy's gradient is then zero, as torch's is),
overlapping windows, a squeezed size-1 dim, zeros and ties in index_reduce's reductions.
"""
import numpy as np

from dyngrad.ops import complex_views as cv, diagonal as dg, index_put as ip
from dyngrad.ops import inplace, inplace_forms as inf
from dyngrad.ops import rearrange as ra, view_copies as vc, view_inplace as vi
from dyngrad.ops import view_scatter as vs, views as vw

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
B = np.array([[0.8, 1.5, -1.1], [0.6, -1.9, 2.4]], f32)
C3 = np.arange(24, dtype=f32).reshape(2, 3, 4) / 7 - 1.3
ONES = np.array([[[0.5, -0.7, 1.2]]], f32)
V2 = np.array([0.7, -0.3], f32)
PAIRS = np.array([[0.3, -1.2], [2.1, 1.7], [-0.4, 0.9]], f32)   # 3 complex numbers
# index_reduce: zeros (one and two into one place), ties with self, distinct elsewhere
SELF = np.array([[1.0, 2.0, 0.0], [4.0, 5.0, 6.0]], f32)
SRC = np.array([[2.0, 0.0, 1.5], [4.0, 0.0, 0.5], [3.0, 5.0, 0.0]], f32)
ONE_ZERO = np.array([[2.0, 0.0, 1.5], [4.0, 3.0, 0.5], [3.0, 5.0, 0.0]], f32)
IDX = np.array([1, 1, 0])


def _sq(y):
    return y * y


def _copy(op):
    return vc.COPIES[op]


SAMPLES = {
    _copy(vw.alias): [("alias_copy", lambda t, x: t.alias_copy(x), [A])],
    _copy(vi.as_strided_op): [("as_strided_copy", lambda t, x: _sq(t.as_strided_copy(
        x, (2, 2), (1, 2), 1)), [A])],
    _copy(dg.diagonal_op): [("diagonal_copy", lambda t, x: t.diagonal_copy(x, 1, 2, 0), [C3])],
    _copy(vw.expand): [("expand_copy", lambda t, x: t.expand_copy(x[:1], (2, 2, 3)), [A])],
    _copy(vw.permute): [("permute_copy", lambda t, x: _sq(t.permute_copy(x, (2, 0, 1))), [C3])],
    _copy(vw.select): [("select_copy", lambda t, x: _sq(t.select_copy(x, 1, -1)), [A])],
    _copy(vw.slice_): [("slice_copy", lambda t, x: _sq(t.slice_copy(x, 1, -5, None, 2)), [A])],
    _copy(vw.split): [("split_copy", lambda t, x: t.split_copy(x, 2, 1), [A])],
    _copy(vw.split_with_sizes): [("split_with_sizes_copy", lambda t, x:
                                  t.split_with_sizes_copy(x, [1, 2], -1), [A])],
    _copy(vw.squeeze_all): [("squeeze_copy", lambda t, x: t.squeeze_copy(x), [ONES])],
    _copy(vw.squeeze_dim): [("squeeze_copy_dim", lambda t, x: _sq(t.squeeze_copy(x, 1)),
                             [ONES])],
    _copy(vw.squeeze_dims): [("squeeze_copy_dims", lambda t, x: t.squeeze_copy(x, (0, 2)),
                              [ONES])],
    _copy(vw.t): [("t_copy", lambda t, x: t.t_copy(x), [A])],
    _copy(vw.transpose): [("transpose_copy", lambda t, x: t.transpose_copy(x, 0, -1), [C3]),
                          ("transpose_copy_0d", lambda t, x: t.transpose_copy(x[1, 2], 0, -1),
                           [A])],
    _copy(vw.unbind): [("unbind_copy", lambda t, x: t.unbind_copy(x, 1)[1:], [A])],
    _copy(ra.unfold_op): [("unfold_copy", lambda t, x: t.unfold_copy(x, 1, 2, 1), [A])],
    _copy(vw.unsqueeze): [("unsqueeze_copy", lambda t, x: t.unsqueeze_copy(x, -1), [A])],
    _copy(vw.view): [("view_copy", lambda t, x: t.view_copy(x, (3, 2)), [A]),
                     ("view_copy_flat", lambda t, x: _sq(t.view_copy(x, (-1,))), [A])],
    _copy(cv.view_as_real_op): [("view_as_real_copy", lambda t, x: t.view_as_real_copy(
        t.view_as_complex(x)), [PAIRS])],
    vc.unsafe_split_op: [("unsafe_split", lambda t, x: t.unsafe_split(x, 2, 1), [A]),
                         ("unsafe_chunk", lambda t, x: x.unsafe_chunk(2, -1)[1], [C3])],
    vc.unsafe_split_with_sizes_op: [("unsafe_split_with_sizes", lambda t, x:
                                     x.unsafe_split_with_sizes([2, 1], 1), [A])],
    vc.narrow_copy_op: [("narrow_copy", lambda t, x: _sq(t.narrow_copy(x, 1, 1, 2)), [A]),
                        ("narrow_copy_negative_start", lambda t, x: x.narrow_copy(1, -1, 1),
                         [A])],
    vs.diagonal_scatter_op: [
        ("diagonal_scatter", lambda t, x, s: t.diagonal_scatter(x, s), [A, V2]),
        ("diagonal_scatter_offset", lambda t, x, s: _sq(x.diagonal_scatter(s[:1], -1)),
         [A, V2])],
    vs.select_scatter_op: [
        ("select_scatter", lambda t, x, s: t.select_scatter(x, s, 1, -1), [A, V2]),
        ("select_scatter_squared", lambda t, x, s: _sq(x.select_scatter(s, 0, 1)),
         [A, B[0]])],
    vs.slice_scatter_op: [
        ("slice_scatter", lambda t, x, s: t.slice_scatter(x, s, 1, 1), [A, B[:, :2]]),
        ("slice_scatter_step", lambda t, x, s: _sq(x.slice_scatter(s, 1, None, None, 2)),
         [A, B[:, :2]]),
        # (an end before the dim's: slicing on to the end would take a column more)
        ("slice_scatter_end", lambda t, x, s: _sq(x.slice_scatter(s, 1, 0, 2, 2)),
         [A, B[:, :1]])],
    vs.as_strided_scatter_op: [
        ("as_strided_scatter", lambda t, x, s: t.as_strided_scatter(x, s, (2, 2), (1, 2), 1),
         [A, B[:, :2]])],
    # (two zeros of src into one product: torch refuses the second derivative)
    ip.double_backward_refused: [
        (f"index_reduce_prod_{inc}", (lambda inc: lambda t, x, s, i: t.index_reduce(
            x, 0, i, s, "prod", include_self=inc))(inc), [SELF, SRC, IDX])
        for inc in (True, False)] + [
        ("scatter_reduce_prod_zeros", lambda t, x, s, i: x.scatter_reduce(0, i, s, "prod"),
         [SELF, SRC[:2], np.array([[1, 1, 0], [1, 1, 0]])])],
    ip.index_reduce_op: [
        (f"index_reduce_{r}_{inc}", (lambda r, inc: lambda t, x, s, i: t.index_reduce(
            x, 0, i, s, r, include_self=inc))(r, inc),
         [SELF, ONE_ZERO if r == "prod" else SRC, IDX])
        for r in ("prod", "mean", "amax", "amin") for inc in (True, False)] + [
        ("index_reduce_dim1", lambda t, x, s, i: _sq(x.index_reduce(1, i, s.t()[:2], "mean")),
         [SELF, SRC, IDX]),
        # a row of self no index names (a mean over nothing); self or source not differentiated
        ("index_reduce_mean_unnamed_row", lambda t, x, s, i: x.index_reduce(
            0, i, s, "mean", include_self=False), [np.vstack([SELF, SELF[:1]]), SRC, IDX]),
        ("index_reduce_mean_self_only", lambda t, x, i: x.index_reduce(
            0, i, t.tensor(SRC).to(x.dtype), "mean"),
         [SELF, IDX]),
        ("index_reduce_mean_source_only", lambda t, s, i: t.tensor(SELF).to(s.dtype).index_reduce(
            0, i, s, "mean"), [SRC, IDX]),
    ],
    ip.index_reduce__op: [("index_reduce_", lambda t, x, s, i: (x * 1).index_reduce_(
        0, i, s, "amin"), [SELF, SRC, IDX])],
    # the in-place forms and their companions
    inf.fill_op: [("fill", lambda t, x: t.fill(x, 2.5) * x, [A])],
    inf.fill_tensor_op: [("fill_tensor", lambda t, x, v: t.fill(x, v[1]) * x, [A, V2])],
    # (fill_diagonal_ is torch's composition: fill_ through a strided view, CopySlices)
    inplace.fill_: [("fill_diagonal_", lambda t, x: _sq((x * 1).fill_diagonal_(5)), [A]),
                    ("fill_diagonal__wrap", lambda t, x: (x.t() * 1).fill_diagonal_(
                        -1, wrap=True), [np.ones((3, 7), f32)])],
    inf.conj_physical__op: [("conj_physical_", lambda t, x: (x * 1).conj_physical_(), [A])],
}
# torch's own second derivative of as_strided_scatter is recorded through CopySlices and
# as_strided; dyngrad's through its own scatter: values compared, graphs to first order
GRAPHS = {"as_strided_scatter": ("forward", "backward", "second_order"),
          "index_reduce_prod_True": ("forward", "backward", "grad"),
          "index_reduce_prod_False": ("forward", "backward", "grad"),
          "scatter_reduce_prod_zeros": ("forward", "backward", "grad")}
# index_reduce's formulas are torch's, with a prod's gradient that is only piecewise
# smooth: the zeros and ties sit where finite differences see a kink
AT_A_KINK = {f"index_reduce_{r}_{inc}" for r in ("prod", "amax", "amin")
             for inc in (True, False)} | {"index_reduce_"}
# torch's as_strided_scatter_backward (2.13) keeps the gradient of self where src was
# written and zeroes it elsewhere: dyngrad computes it as torch does, and finite
# differences, which see the derivative, disagree
NOT_THE_DERIVATIVE = {"as_strided_scatter", "narrow_copy_negative_start"}
# a complex result of view_as_complex_copy records no node: torch refuses it
REFUSED = {_copy(cv.view_as_complex_op): [
    lambda t, x: t.view_as_complex_copy(x.reshape(3, 2))]}
# detach_copy's node is torch's NotImplemented: its backward raises
RAISES_IN_BACKWARD = {
    vc.detach_copy_op: [lambda t, x, y: t.detach_copy(x)],
    inf.floor_divide__op: [lambda t, x, y: (x * 1).floor_divide_(y),
                           lambda t, x, y: (x * 1).floor_divide_(0.5)],
    inf.embedding_renorm_op: [lambda t, x, y: t.embedding_renorm_(x * 1, t.tensor([1]), 1.0, 2.0)],
}
# complex only: tested in test_view_variants.py
COMPLEX_ONLY = {inf.conj_physical_op}
# torch has no forward rule for these: forward AD through them raises, naming the op
NO_JVP = {
    vc.detach_copy_op: "torch records a NotImplemented node for detach_copy",
    inf.floor_divide__op: "torch records a NotImplemented node for floor_divide_",
    inf.embedding_renorm_op: "torch's embedding_renorm_ has no forward formula",
    ip.index_reduce_op: "torch's index_reduce has no forward formula",
    ip.index_reduce__op: "nor its in-place form",
}

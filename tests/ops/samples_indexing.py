"""Sample inputs for the gather/scatter, diagonal, rearranging and fused-product entries.

Merged into test_op_table.SAMPLES: every case runs through the generic tests there
(torch side by side to the second derivative, finite differences). The data sits where
the formulas change: repeated indices (summed in a backward), ties for amax/amin, a
masked-out region, zero-length diagonals, negative offsets.
"""
import numpy as np

from dyngrad.ops import diagonal as dg, products as pr, rearrange as ra, reduction as red
from dyngrad.ops import scatter as sc, torch_shape as ts

f32 = np.float32
A = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
M34 = np.linspace(-0.9, 1.4, 12, dtype=f32).reshape(3, 4)
SQ = np.array([[0.5, -1.1, 0.7], [1.3, 0.2, -0.6], [-0.8, 0.9, 1.6]], f32)
C3 = np.arange(24, dtype=f32).reshape(2, 3, 4) / 7 - 1.3
V3 = np.array([0.8, -1.5, 1.1], f32)
V4 = np.array([0.4, 1.2, -0.7, 0.9], f32)
IDX = np.array([[0, 2], [1, 1]])                          # repeats a position: sums in backward
UNIQ = np.array([[0, 2], [1, 0]])                         # scatter: torch leaves repeats undefined
TIES = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]], f32)
ZEROS = np.array([[0.3, 0.0, 2.1], [1.7, 0.0, 0.9]], f32)   # one scattered to, one not
ONE_ZERO_EACH = np.array([[0.0, 0.7], [1.3, 0.0]], f32)    # (by IDX) one zero per product
MASK = np.array([[True, False, True], [False, False, True]])


def _sq(y):
    return y * y


SAMPLES = {
    ts.clone_op: [("contiguous_transposed", lambda t, x: x.t().contiguous().view(-1), [A]),
                 ("ravel", lambda t, x: x.mT.ravel(), [C3])],
    red.gather: [("gather", lambda t, x, i: x.gather(1, i), [A, IDX]),
                 # a 0-d input: the result takes the index's shape, the gradient sums
                 ("gather_0d", lambda t, x, i: x.gather(0, i), [np.array(1.5, f32), np.array([0, 0])]),
                 ("gather_fn", lambda t, x, i: t.gather(x, 0, i), [A, IDX[:, :1]]),
                 ("take_along_dim", lambda t, x, i: t.take_along_dim(x, i, 1), [A, IDX]),
                 ("take_along_dim_flat", lambda t, x, i: t.take_along_dim(x, i), [A, np.array([5, 0])])],
    red.scatter: [("scatter", lambda t, x, i, s: x.scatter(1, i, s), [A, UNIQ, M34[:2, :2].copy()]),
                  ("scatter_fn", lambda t, x, i, s: t.scatter(x, -1, i, s), [A, UNIQ, A[::-1, :2].copy()])],
    red.scatter_add: [("scatter_add", lambda t, x, i, s: x.scatter_add(1, i, s), [A, IDX, M34[:2, :2].copy()]),
                      ("scatter_add_fn", lambda t, x, i, s: t.scatter_add(x, 0, i, s), [A, IDX[::-1] % 2, A[:, :2].copy()])],
    dg.diagonal_op: [("diagonal", lambda t, x: x.diagonal(), [M34]),
                     ("diagonal_offset", lambda t, x: t.diagonal(x, -1), [SQ]),
                     ("diagonal_dims", lambda t, x: x.diagonal(1, 2, 0), [C3]),
                     ("einsum_repeated", lambda t, x: t.einsum("ii->i", x), [SQ]),
                     # offsets past either end: empty diagonals
                     ("diagonal_past_the_end", lambda t, x: x.diagonal(5), [M34]),
                     ("diagonal_below_the_end", lambda t, x: t.diagonal(x, -4, 1, 0) * x[0, 0], [M34])],
    dg.diagonal_backward: [("diagonal_squared", lambda t, x: _sq(x.diagonal(1)), [M34]),
                           ("diagonal_empty_squared", lambda t, x: _sq(x.diagonal(-3)).sum() + x[0], [M34])],
    dg.diagonal_copy: [("diag_matrix", lambda t, x: t.diag(x), [M34]),
                       ("diag_matrix_offset", lambda t, x: x.diag(-1), [SQ])],
    dg.diag_embed_op: [("diag_vector", lambda t, x: t.diag(x, 1), [V3]),
                       ("diag_embed", lambda t, x: t.diag_embed(x, -1, 0, 2), [A])],
    dg.trace: [("trace", lambda t, x: x.trace(), [M34]),
               ("trace_squared", lambda t, x: _sq(t.trace(x)), [SQ])],
    ra.roll_op: [("roll", lambda t, x: x.roll(1, 0), [M34]),
                 ("roll_dims", lambda t, x: t.roll(x, (-1, 2), (2, 0)), [C3]),
                 ("roll_flat", lambda t, x: x.roll(2), [A])],
    ra.unfold_op: [("unfold", lambda t, x: x.unfold(1, 2, 1), [M34]),
                   ("unfold_step", lambda t, x: x.unfold(-1, 2, 2), [C3]),
                   ("unfold_dim0", lambda t, x: x.unfold(0, 2, 1), [C3])],
    ra.unfold_backward: [("unfold_squared", lambda t, x: _sq(x.unfold(0, 3, 1)), [np.linspace(-1, 1, 6, dtype=f32)]),
                          ("unfold_dim0_squared", lambda t, x: _sq(x.unfold(0, 1, 1)), [C3])],
    ra.rot90_op: [("rot90", lambda t, x: x.rot90(), [A]),
                  ("rot90_k", lambda t, x: t.rot90(x, -1, (2, 1)), [C3])],
    pr.cross_op: [("cross", lambda t, x, y: t.linalg.cross(x, y), [A, V3[None]]),
                  ("cross_dim", lambda t, x, y: t.cross(x, y, dim=0), [SQ, SQ[::-1].copy()])],
    pr.addmm: [("addmm", lambda t, c, a, b: t.addmm(c, a, b), [V4, A, M34]),
               ("addmm_scaled", lambda t, c, a, b: t.addmm(c, a, b, beta=0.5, alpha=2), [
                   np.ones((2, 4), f32), A, M34])],
    pr.addmv: [("addmv", lambda t, c, a, b: t.addmv(c, a, b, alpha=3), [V3[:2], A, V3])],
    pr.baddbmm: [("baddbmm", lambda t, c, a, b: t.baddbmm(c, a, b, beta=2), [
        np.ones((1, 3, 3), f32), C3, C3.transpose(0, 2, 1).copy()])],
    pr.addbmm: [("addbmm", lambda t, c, a, b: t.addbmm(c, a, b, alpha=0.5), [
        SQ, C3, C3.transpose(0, 2, 1).copy()])],
    pr.vdot: [("vdot", lambda t, x, y: t.vdot(x, y), [V3, V3[::-1].copy()])],
    pr.addr_op: [("addr", lambda t, c, x, y: t.addr(c, x, y, beta=0.5, alpha=2), [A, V3[:2].copy(), V3]),
                 ("addr_1", lambda t, c, x, y: c.addr(x, y), [A, V3[:2].copy(), V3])],
    pr.dist_op: [("dist", lambda t, x, y: t.dist(x, y), [A, V3]),
                 ("dist_1", lambda t, x, y: x.dist(y, 1), [A, M34[:2, :3].copy()]),
                 ("dist_inf", lambda t, x, y: t.dist(x, y, float("inf")), [A, V3])],
    pr.block_diag_op: [("block_diag", lambda t, x, y, z: t.block_diag(x, y, z), [A, V3, np.array(1.5, f32)]),
                       # a 0-d block first (one row and one column, the others after it);
                       # an empty vector
                       ("block_diag_0d_first", lambda t, s, x, v: _sq(t.block_diag(s, x, v)),
                        [np.array(1.5, f32), A, V3]),
                       ("block_diag_empty_vector", lambda t, x, e: _sq(t.block_diag(x, e)),
                        [A, np.zeros(0, f32)])],
    sc.scatter_value: [("scatter_value", lambda t, x, i: x.scatter(1, i, 1.5), [A, UNIQ]),
                       ("scatter_value_kw", lambda t, x, i: t.scatter(x, 0, i, value=-2.0), [A, IDX % 2])],
    sc.scatter_reduce_op: [
        ("scatter_reduce_sum", lambda t, x, i, s: x.scatter_reduce(1, i, s, "sum"), [A, IDX, M34[:2, :2].copy()]),
        ("scatter_reduce_mean", lambda t, x, i, s: t.scatter_reduce(x, 1, i, s, "mean",
                                                                    include_self=False), [A, IDX, M34[:2, :2].copy()]),
        ("scatter_reduce_amax", lambda t, x, i, s: x.scatter_reduce(1, i, s, "amax"),
         [TIES, IDX, np.array([[3.0, 2.0], [-1.0, 0.5]], f32)]),
        ("scatter_reduce_amin", lambda t, x, i, s: x.scatter_reduce(0, i, s, "amin", include_self=False),
         [A, np.array([[0, 1], [0, 1]]), np.array([[1.0, 3.0], [2.0, 3.0]], f32)]),
        # self's places counted in the mean; a zero of self and one zero of src per place in
        # the products (the others' product is their gradient)
        ("scatter_reduce_mean_self", lambda t, x, i, s: x.scatter_reduce(1, i, s, "mean"),
         [A, IDX, M34[:2, :2].copy()]),
        *((f"scatter_reduce_prod_{inc}", (lambda inc: lambda t, x, i, s: x.scatter_reduce(
            1, i, s, "prod", include_self=inc))(inc), [ZEROS, IDX, ONE_ZERO_EACH])
          for inc in (True, False))],
    sc.index_select: [("index_select", lambda t, x, i: x.index_select(0, i), [A, np.array([1, 0, 1])]),
                      ("index_select_fn", lambda t, x, i: t.index_select(x, -1, i), [C3, np.array([3, 0])]),
                      # a 0-d input: a 0-d result, whichever the index's shape
                      ("index_select_0d", lambda t, x, i: x.index_select(0, i), [np.array(1.5, f32), np.array([0])]),
                      ("repeat_interleave_tensor", lambda t, x, r: x.repeat_interleave(r, dim=1),
                       [A, np.array([2, 0, 1])])],
    sc.index_add: [("index_add", lambda t, x, i, s: x.index_add(0, i, s, alpha=2),
                    [M34, np.array([2, 0, 2]), SQ @ M34]),
                   ("index_select_squared", lambda t, x, i: _sq(x.index_select(1, i)), [A, np.array([2, 2])])],
    sc.index_copy: [("index_copy", lambda t, x, i, s: t.index_copy(x, 1, i, s), [A, np.array([2, 0]), A[:, :2]]),
                   # a 0-d source: the one selected element, summed by the engine to its shape
                   ("index_copy_0d_source", lambda t, x, i, s: x.index_copy(0, i, s),
                    [V3[:1].copy(), np.array([0]), np.array(-0.7, f32)]),
                   ("index_add_0d", lambda t, x, i, s: _sq(x.index_add(-1, i, s, alpha=2)),
                    [np.array(1.5, f32), np.array([0]), np.array(-0.7, f32)])],
    sc.index_fill: [("index_fill", lambda t, x, i: x.index_fill(1, i, -1.0), [A, np.array([0, 2])]),
                    ("index_fill_negative", lambda t, x, i: x.index_fill(1, i, 2.0), [A, np.array([-1, 0])])],
    sc.index_fill_tensor: [("index_fill_tensor", lambda t, x, i, v: x.index_fill(0, i, v),
                            [M34, np.array([2, 0, 2]), np.array(1.5, f32)]),
                           ("trace_grad", lambda t, x: _sq(x.trace()), [M34])],
    sc.masked_select: [("masked_select", lambda t, x, m: x.masked_select(m), [A, MASK]),
                       ("masked_select_broadcast", lambda t, x, m: t.masked_select(x, m), [V3, MASK])],
    sc.masked_scatter: [("masked_scatter", lambda t, x, m, s: x.masked_scatter(m, s), [A, MASK, M34]),

                        ("masked_select_squared", lambda t, x, m: _sq(x.masked_select(m)), [A, MASK])],
    # the source's gradient: as many elements as the mask's places, one more, more under a
    # broadcast mask
    sc.masked_scatter_backward: [
        (f"masked_scatter_squared_{n}", lambda t, x, m, s: _sq(x.masked_scatter(m, s)), [A, m, src])
        for n, m, src in (("exact", MASK, V3), ("one_more", MASK, SQ[:2, :2].copy()),
                          ("mask_broadcast", MASK[0].copy(), M34))],
    sc.take: [("take", lambda t, x, i: x.take(i), [A, np.array([[5, 0], [5, -1]])])],
    sc.put: [("put", lambda t, x, i, s: t.put(x, i, s), [A, np.array([4, 0]), V3[:2]]),
             ("put_accumulate", lambda t, x, i, s: x.put(i, s, accumulate=True), [A, np.array([4, 4]), V3[:2]]),
             ("take_squared", lambda t, x, i: _sq(x.take(i)), [A, np.array([1, 1, 3])])],
}

def _zeros_in_one_product(t, x, y):
    s = y[:1, :2] * 0
    out = x.scatter_reduce(1, t.tensor([[1, 1]]), s, "prod")
    return t.autograd.grad(out.sum(), s, create_graph=True)[0]


# scatter with reduce='add'|'multiply': torch records a NotImplemented node, whose backward
# raises naming scatter (or scatter_, in place); test_op_table compares the error
RAISES_IN_BACKWARD = {
    sc.scatter_legacy_reduce: [
        lambda t, x, y: x.scatter(1, t.tensor([[0, 0], [2, 1]]), y[:, :2] * 1, reduce="add"),
        lambda t, x, y: t.scatter(x, 0, t.tensor([[1, 0, 1]]), 2.0, reduce="multiply")],
    sc.scatter_legacy_reduce_: [
        lambda t, x, y: (x * 1).scatter_(1, t.tensor([[1], [0]]), y, reduce="multiply")],
    # the gradient of src where two of its zeros met in one product: no second derivative
    sc.double_backward_refused: [_zeros_in_one_product],
    # a src wider than the index: torch's formulas read it whole, and fail
    sc.scatter_reduce_op: [
        (lambda r: lambda t, x, y: x.scatter_reduce(1, t.tensor([[0, 2], [1, 1]]), y, r))(r)
        for r in ("sum", "amax", "prod")],
}
NO_JVP = {sc.scatter_legacy_reduce: "torch records a NotImplemented node for scatter(reduce=)",
          sc.scatter_legacy_reduce_: "and for scatter_(reduce=)"}

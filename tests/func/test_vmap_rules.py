"""Batching rules beyond the op table's samples: per-sample gradients (vmap of grad) and
per-sample parameters through convolution, the norms, embedding and nll_loss2d, against
torch.func, each one array call over the batch (no op may fall back to a loop), and which
ops may run once per sample at all."""
import importlib
import pkgutil
import warnings

import numpy as np
import pytest
import torch

import dyngrad
from dyngrad.ops import _batched
from dyngrad.ops._table import ALL_OPS

from tests.func._compare import observe

RNG = np.random.default_rng(0)
# float64: the comparison is of the rules, not of float32 rounding in long sums
X = RNG.standard_normal((3, 2, 4, 5, 5)).astype(np.float64)  # 3 samples of 2 images
X3 = RNG.standard_normal((3, 4, 2, 5)).astype(np.float64)  # 3 samples of (N, C, L)
W = RNG.standard_normal((6, 4, 3, 3)).astype(np.float64)
W_EACH = RNG.standard_normal((3, 6, 2, 3, 3)).astype(np.float64)  # a grouped kernel each
W_T = RNG.standard_normal((3, 4, 2, 3, 3)).astype(np.float64)  # a transposed kernel each
B = RNG.standard_normal((6,)).astype(np.float64)
C2 = RNG.standard_normal((2,)).astype(np.float64)
C2_EACH = RNG.standard_normal((3, 2)).astype(np.float64)
L5 = RNG.standard_normal((5,)).astype(np.float64)
L5_EACH = RNG.standard_normal((3, 5)).astype(np.float64)
TABLE = RNG.standard_normal((7, 3)).astype(np.float64)
TABLES = RNG.standard_normal((3, 7, 3)).astype(np.float64)
IDX = np.array([[1, 2, 1, 0], [3, 3, 6, 0], [5, 4, 2, 2]])
TARGET = RNG.integers(0, 4, (3, 2, 3, 5))
ROWS = RNG.standard_normal((3, 5, 4)).astype(np.float64)  # 3 samples of 5 rows
ROWS[:, 3] = ROWS[:, 1]  # a zero distance in every sample
SCORES = RNG.standard_normal((3, 4, 5)).astype(np.float64)  # 3 samples of 4 rows of classes
CLASSES = RNG.integers(0, 5, (3, 4))
LABELS = np.array([[[3, 0, -1, 2, 2], [1, -1, 0, 0, 0], [4, 3, 2, 1, 0], [-1, 1, 1, 1, 1]]] * 3)
LABELS[1, 0, :2] = [2, 4]
LABELS[2, 2, 1:3] = [-1, 2]
# (C, 2, 2, 2) places in a (C, 4, 4, 4) output, distinct within each channel
PLACES = np.stack([RNG.choice(64, 8, replace=False) for _ in range(2)]).reshape(2, 2, 2, 2)
GRID = RNG.uniform(-1.2, 1.2, (3, 2, 3, 3, 2))  # grid points, some outside [-1, 1]
GRID3 = RNG.uniform(-1.2, 1.2, (3, 2, 2, 3, 2, 3))
THETA = RNG.standard_normal((3, 2, 2, 3)) * 0.7
ROWS_EACH = RNG.standard_normal((3, 2, 3, 4)).astype(np.float64)  # 2 matrices of 3 rows each
X_TBC = RNG.standard_normal((3, 6, 2, 4))  # 3 samples of (T, B, C)
W_TBC = RNG.standard_normal((3, 3, 4, 5))  # (K, C, O) each
B_TBC = RNG.standard_normal((3, 5))
SAMPLES2 = RNG.uniform(0, 1, (3, 3, 4, 2))  # window samples for 2 (of 3) images of 4 planes
SAMPLES3 = RNG.uniform(0, 1, (2, 2, 3))
BAG_IDX = RNG.integers(0, 7, (3, 8))
BAG_IDX[0, :3] = 2  # a bag of padding only
BAG_OFFSETS = np.array([[0, 2, 2, 5], [0, 1, 4, 7], [0, 3, 3, 6]])  # empty bags too
BAG_ENDS = np.array([[0, 2, 2, 8], [0, 1, 4, 8], [0, 3, 8, 8]])  # include_last_offset's
BAG_WEIGHTS = RNG.standard_normal((3, 8))
LOG_PROBS = RNG.standard_normal((3, 6, 2, 5))  # 3 samples of (T, N, C)
CTC_TARGETS = RNG.integers(1, 5, (3, 2, 4))
WN_V = RNG.standard_normal((3, 4, 5))  # weight norm: 3 samples of a (4, 5) direction
WN_G0, WN_G1 = RNG.uniform(0.5, 2, (3, 4, 1)), RNG.uniform(0.5, 2, (3, 1, 5))


def _f(lib):
    return lib.nn.functional


def _per_sample_grad(lib, loss, argnums, in_dims, *arrays):
    g = lib.func.grad(loss, argnums=argnums)
    return lib.func.vmap(g, in_dims=in_dims)(*[lib.tensor(a) for a in arrays])


def _lu_case(lib, run):
    """``run`` on the LU factorizations of 3 matrices (pivots that swap rows)."""
    lu, piv = lib.linalg.lu_factor(lib.tensor(X[:, 0, 0, :4, :4]))
    return run(lu, piv)


CASES = {
    "conv_grads": lambda lib: _per_sample_grad(
        lib, lambda w, b, x: (_f(lib).conv2d(x, w, b, padding=1) ** 2).sum(), (0, 1),
        (None, None, 0), W, B, X),
    "conv_kernel_each": lambda lib: lib.func.vmap(
        lambda w, x: _f(lib).conv2d(x, w, padding=1, groups=2))(lib.tensor(W_EACH), lib.tensor(X)),
    "conv_kernel_each_grads": lambda lib: _per_sample_grad(
        lib, lambda x, w: (_f(lib).conv2d(x, w, stride=2, groups=2) ** 2).sum(), (0, 1), 0,
        X, W_EACH),
    "conv_transpose_kernel_each": lambda lib: lib.func.vmap(
        lambda w, x: _f(lib).conv_transpose2d(x, w, stride=2))(lib.tensor(W_T), lib.tensor(X)),
    "batch_norm_grads": lambda lib: _per_sample_grad(
        lib, lambda w, b, x: (_f(lib).batch_norm(x, None, None, w, b, training=True) ** 3).sum(),
        (0, 1, 2), (None, None, 0), C2, C2, X3),
    "batch_norm_params_each": lambda lib: _per_sample_grad(
        lib, lambda w, b, x: (_f(lib).batch_norm(x, None, None, w, b, training=True) ** 3).sum(),
        (0, 1, 2), 0, C2_EACH, C2_EACH, X3),
    "batch_norm_running_each": lambda lib: (lambda m, v: (lib.func.vmap(
        lambda x, m, v: _f(lib).batch_norm(x, m, v, training=True))(lib.tensor(X3), m, v), m, v))(
        lib.zeros(3, 2, dtype=lib.float64), lib.ones(3, 2, dtype=lib.float64)),
    "batch_norm_eval": lambda lib: lib.func.vmap(
        lambda x: _f(lib).batch_norm(x, lib.tensor(C2), lib.tensor(C2) ** 2, training=False))(
        lib.tensor(X3)),
    "batch_norm_running_shared": lambda lib: lib.func.vmap(
        lambda x: _f(lib).batch_norm(x, lib.zeros(2), lib.ones(2), training=True))(lib.tensor(X3)),
    "group_norm_grads": lambda lib: _per_sample_grad(
        lib, lambda w, b, x: (_f(lib).group_norm(x, 2, w, b) ** 3).sum(), (0, 1, 2),
        (None, None, 0), C2, C2, X3),
    "layer_norm_grads": lambda lib: _per_sample_grad(
        lib, lambda w, b, x: (_f(lib).layer_norm(x, (5,), w, b) ** 3).sum(), (0, 1, 2),
        (None, None, 0), L5, L5, X3),
    "layer_norm_params_each": lambda lib: _per_sample_grad(
        lib, lambda w, b, x: (_f(lib).layer_norm(x, (5,), w, b) ** 3).sum(), (0, 1, 2), 0,
        L5_EACH, L5_EACH, X3),
    "embedding_grads": lambda lib: _per_sample_grad(
        lib, lambda w, i: (_f(lib).embedding(i, w) ** 2).sum(), 0, (None, 0), TABLE, IDX),
    "embedding_padding_freq": lambda lib: _per_sample_grad(
        lib, lambda w, i: (_f(lib).embedding(i, w, padding_idx=2, scale_grad_by_freq=True)
                           ** 2).sum(), 0, (None, 0), TABLE, IDX),
    "embedding_tables_each": lambda lib: _per_sample_grad(
        lib, lambda w, i: (_f(lib).embedding(i, w) ** 2).sum(), 0, 0, TABLES, IDX),
    "nll_loss2d_grads": lambda lib: _per_sample_grad(
        lib, lambda x, t: _f(lib).nll_loss(x, t), 0, 0,
        np.repeat(X3[:, :, :, None, :], 3, axis=3), TARGET),
    "index_add_grads": lambda lib: _per_sample_grad(
        lib, lambda x, s: (x.index_add(1, lib.tensor([0, 4, 0]), s) ** 2).sum(), (0, 1), 0,
        X3[:, 0], X3[:, 1, :, :3]),
    "take_put": lambda lib: lib.func.vmap(
        lambda x, i: x.put(i, x.take(i) * 2, accumulate=True))(lib.tensor(X3),
                                                               lib.tensor(IDX[:, :2] - 3)),
    "masked_scatter": lambda lib: lib.func.vmap(lambda x: x.masked_scatter(
        x > 0, lib.arange(10.0, dtype=lib.float64)))(lib.tensor(X3[:, 0])),
    "block_diag": lambda lib: lib.func.vmap(lambda a, b: lib.block_diag(a, b, a[0], b[0, 0]))(
        lib.tensor(X3[:, 0, :2, :2]), lib.tensor(X3[:, 1])),
    "block_diag_3d": lambda lib: lib.func.vmap(lambda a: lib.block_diag(a, a))(lib.tensor(X3)),
    # the triangular and LU solves: one matrix per sample, or one shared by all
    "solve_triangular_each": lambda lib: lib.func.vmap(
        lambda a, b: lib.linalg.solve_triangular(a, b, upper=True, left=False))(
        lib.tensor(X3[:, :2, :2, :2] + 3 * np.eye(2)), lib.tensor(X3[:, 0])),
    "cholesky_solve_shared_grads": lambda lib: _per_sample_grad(
        lib, lambda b, u: (lib.cholesky_solve(b, u) ** 2).sum(), (0, 1), (0, None),
        X3[:, 0, :, :3], X3[0, 0, :, :2] + 3 * np.eye(2)),
    "lu_factor_grads": lambda lib: _per_sample_grad(
        lib, lambda a: (lib.linalg.lu_factor(a).LU ** 2).sum(), 0, 0, X3[:, :2, :2, :2]),
    # distances: a batched operand against a shared one, the batch at another dim, a
    # repeated row (a zero distance: torch's zero gradient there)
    "cdist_grads": lambda lib: _per_sample_grad(
        lib, lambda a, b: (lib.cdist(a, b) ** 2).sum(), (0, 1), (0, None), ROWS, ROWS[0, :3]),
    "cdist_p1_inner_grads": lambda lib: _per_sample_grad(
        lib, lambda a, b: (lib.cdist(a, b, 1.0) ** 2).sum(), (0, 1), (1, 0),
        ROWS.swapaxes(0, 1), ROWS_EACH),
    "cdist_products_grads": lambda lib: _per_sample_grad(
        lib, lambda a, b: (lib.cdist(a, b, compute_mode="use_mm_for_euclid_dist") ** 3).sum(),
        (0, 1), (None, 0), ROWS[0], ROWS),
    "cdist_p3_broadcast": lambda lib: lib.func.vmap(lambda a, b: lib.cdist(a, b, 3.0))(
        lib.tensor(ROWS), lib.tensor(ROWS_EACH)),
    "pdist_grads": lambda lib: _per_sample_grad(
        lib, lambda a: (lib.pdist(a) ** 2).sum(), 0, 2, ROWS.transpose(1, 2, 0)),
    "pdist_p1_5_grads": lambda lib: _per_sample_grad(
        lib, lambda a: (lib.nn.functional.pdist(a, 1.5) ** 3).sum(), 0, 0, ROWS),
    "pdist_inf": lambda lib: lib.func.vmap(lambda a: lib.pdist(a, float("inf")), in_dims=1)(
        lib.tensor(ROWS.swapaxes(0, 1))),
    # the margin losses: reduced per sample, unreduced, a vector sample, shared targets
    "multi_margin_grads": lambda lib: _per_sample_grad(
        lib, lambda x, t: _f(lib).multi_margin_loss(
            x, t, p=2, margin=0.7, weight=lib.tensor(L5)) ** 2, 0, (0, None), SCORES, CLASSES[0]),
    "multi_margin_none_inner_grads": lambda lib: _per_sample_grad(
        lib, lambda x, t: (_f(lib).multi_margin_loss(x, t, reduction="none") ** 2).sum(), 0,
        (2, 0), SCORES.transpose(1, 2, 0), CLASSES),
    "multi_margin_vector_sum": lambda lib: lib.func.vmap(
        lambda x, t: _f(lib).multi_margin_loss(x, t, reduction="sum"))(
        lib.tensor(SCORES[:, 0]), lib.tensor(CLASSES[:, 0])),
    "multilabel_margin_grads": lambda lib: _per_sample_grad(
        lib, lambda x, t: _f(lib).multilabel_margin_loss(x, t) ** 2, 0, 0, SCORES, LABELS),
    "multilabel_margin_none_grads": lambda lib: _per_sample_grad(
        lib, lambda x, t: (_f(lib).multilabel_margin_loss(x, t, reduction="none") ** 2).sum(),
        0, (1, None), SCORES.swapaxes(0, 1), LABELS[0]),
    "multilabel_margin_vector": lambda lib: lib.func.vmap(
        lambda x, t: _f(lib).multilabel_margin_loss(x, t, reduction="sum"))(
        lib.tensor(SCORES[:, 1]), lib.tensor(LABELS[:, 1])),
    # channel shuffles and max unpooling: the batch joins the samples' own batch dim
    "channel_shuffle_grads": lambda lib: _per_sample_grad(
        lib, lambda x: (_f(lib).channel_shuffle(x, 2)[:, 1] ** 3).sum(), 0, 0, X),
    "channel_shuffle_inner": lambda lib: lib.func.vmap(
        lambda x: _f(lib).channel_shuffle(x, 2), in_dims=3)(lib.tensor(X3)),
    "native_channel_shuffle_inner": lambda lib: lib.func.vmap(
        lambda x: lib.native_channel_shuffle(x, 2), in_dims=1)(lib.tensor(X[:, :, :, 0])),
    "max_unpool2d_grads": lambda lib: _per_sample_grad(
        lib, lambda x: (_f(lib).max_unpool2d(*_f(lib).max_pool2d(x, 2, return_indices=True), 2,
                                             output_size=(5, 5))[:, 0] ** 3).sum(), 0, 0, X),
    "max_unpool3d_shared_indices_grads": lambda lib: _per_sample_grad(
        lib, lambda v, i: (_f(lib).max_unpool3d(v, i, 2)[1] ** 3).sum(), 0, (1, None),
        X[:, :, :2, :2, :2].swapaxes(0, 1), PLACES),
    # an LU factorization's unpacking and solves: factors and pivots batched or shared
    "lu_unpack_grads": lambda lib: _lu_case(lib, lambda lu, piv: lib.func.vmap(lib.func.grad(
        lambda a, p: (lib.lu_unpack(a, p).L ** 3).sum() + (lib.lu_unpack(a, p).U ** 3).sum()))(
        lu, piv)),
    "lu_unpack_shared_pivots": lambda lib: _lu_case(lib, lambda lu, piv: lib.func.vmap(
        lambda a, p: lib.lu_unpack(a, p), in_dims=(2, None))(lu.movedim(0, 2), piv[0])),
    "lu_unpack_no_data": lambda lib: _lu_case(lib, lambda lu, piv: lib.func.vmap(
        lambda a, p: lib.lu_unpack(a, p, False))(lu, piv)),
    "lu_solve_grads": lambda lib: _lu_case(lib, lambda lu, piv: lib.func.vmap(lib.func.grad(
        lambda a, p, b: (lib.linalg.lu_solve(a, p, b) ** 2).sum(), argnums=(0, 2)))(
        lu, piv, lib.tensor(X3[:, 0, :, :4].swapaxes(1, 2)))),
    "lu_solve_right_adjoint_shared_b": lambda lib: _lu_case(lib, lambda lu, piv: lib.func.vmap(
        lib.func.grad(lambda a, p, b: (lib.linalg.lu_solve(a, p, b, left=False, adjoint=True)
                                       ** 2).sum(), argnums=(0, 2)), in_dims=(0, 0, None))(
        lu, piv, lib.tensor(X3[0, 1, :, :4]))),
    "lu_solve_shared_factors": lambda lib: _lu_case(lib, lambda lu, piv: lib.func.vmap(
        lambda a, p, b: lib.linalg.lu_solve(a, p, b), in_dims=(None, None, 1))(
        lu[1], piv[1], lib.tensor(X3[:, 0, :, :4].transpose(2, 0, 1)))),
    # grid sampling and affine grids: the batch joins the samples' N
    "grid_sample_grads": lambda lib: _per_sample_grad(
        lib, lambda x, g: (_f(lib).grid_sample(x, g, align_corners=False) ** 3).sum(), (0, 1),
        0, X, GRID),
    "grid_sample_bicubic_shared_grid_grads": lambda lib: _per_sample_grad(
        lib, lambda x, g: (_f(lib).grid_sample(x, g, "bicubic", "reflection", True) ** 3).sum(),
        0, (0, None), X, GRID[0]),
    "grid_sample_3d": lambda lib: lib.func.vmap(
        lambda x, g: _f(lib).grid_sample(x, g, "nearest", "border", False))(
        lib.tensor(X.reshape(3, 2, 2, 2, 5, 5)), lib.tensor(GRID3)),
    "affine_grid_grads": lambda lib: _per_sample_grad(
        lib, lambda t, x: (_f(lib).grid_sample(x, _f(lib).affine_grid(t, (2, 4, 3, 4),
                                                                      False), align_corners=False)
                           ** 2).sum(), 0, (0, 0), THETA, X),
    "lu_tall_each": lambda lib: lib.func.vmap(lambda a: lib.linalg.lu(a))(lib.tensor(X3[:, 0].swapaxes(1, 2))),
    # a norm per slice of each sample; the in-place form
    "renorm_inner_grads": lambda lib: _per_sample_grad(
        lib, lambda x: (lib.renorm(x, 2, 1, 1.5) ** 3).sum(), 0, 1, X3.swapaxes(0, 1)),
    "renorm_in_place": lambda lib: lib.func.vmap(lambda x: x.clone().renorm_(1, -1, 3.0))(
        lib.tensor(X3)),
    # conv_tbc: (T, B, C) samples, one kernel or one each
    "conv_tbc_shared": lambda lib: lib.func.vmap(
        lambda x: lib.conv_tbc(x, lib.tensor(W_TBC[0]), lib.tensor(B_TBC[0]), 1))(
        lib.tensor(X_TBC)),
    "conv_tbc_kernel_each": lambda lib: lib.func.vmap(
        lambda x, w, b: lib.conv_tbc(x, w, b, -1), in_dims=(1, 0, None))(
        lib.tensor(X_TBC.swapaxes(0, 1)), lib.tensor(W_TBC), lib.tensor(B_TBC[1])),
    # the Householder ops: factors per sample or shared
    "geqrf_wide_and_tall": lambda lib: (lib.func.vmap(lib.geqrf)(lib.tensor(X3[:, 0, :, :4])),
                                        lib.func.vmap(lib.geqrf, in_dims=2)(lib.tensor(X3[:, 0]))),
    "householder_product_grads": lambda lib: _per_sample_grad(
        lib, lambda a, t: (lib.linalg.householder_product(a, t) ** 2).sum(), (0, 1), (0, None),
        X3[:, 0].swapaxes(1, 2), X3[0, 1, 0, :3]),
    "ormqr_grads": lambda lib: _per_sample_grad(
        lib, lambda a, t, c: (lib.ormqr(a, t, c, False, True) ** 3).sum(), (0, 1, 2),
        (None, 0, 0), X3[0, 0].T, X3[:, 1, 0, :2], X3[:, 2:, 1]),
    # fractional max pooling: window samples per sample (more rows than N) or shared
    "fractional_max_pool2d_samples_each": lambda lib: lib.func.vmap(
        lambda x, u: _f(lib).fractional_max_pool2d(x, 2, (3, 2), return_indices=True,
                                                   _random_samples=u))(
        lib.tensor(X), lib.tensor(SAMPLES2)),
    "fractional_max_pool2d_unbatched_sample_grads": lambda lib: _per_sample_grad(
        lib, lambda x, u: (_f(lib).fractional_max_pool2d(x, (2, 3), 3, _random_samples=u)
                           ** 3).sum(), 0, (0, None), X[:, 0], SAMPLES2[0, :1]),
    "fractional_max_pool3d_grads": lambda lib: _per_sample_grad(
        lib, lambda x, u: (_f(lib).fractional_max_pool3d(x, 2, (2, 1, 3), _random_samples=u)
                           ** 3).sum(), 0, (1, None), X.reshape(3, 2, 2, 2, 5, 5).swapaxes(0, 1),
        SAMPLES3),
    "fractional_max_pool2d_second_order": lambda lib: lib.func.vmap(lib.func.grad(
        lambda x: (lib.func.grad(lambda y: (_f(lib).fractional_max_pool2d(
            y, 2, 3, _random_samples=lib.tensor(SAMPLES2[0])) ** 3).sum())(x) ** 2).sum()))(
        lib.tensor(X)),
    "max_pool2d_second_order": lambda lib: lib.func.vmap(lib.func.grad(
        lambda x: (lib.func.grad(lambda y: (_f(lib).max_pool2d(y, 2) ** 3).sum())(x) ** 2).sum()))(
        lib.tensor(X)),
    # view scatters and copies: src batched or shared
    "select_scatter_grads": lambda lib: _per_sample_grad(
        lib, lambda x, s: (lib.select_scatter(x, s, -1, 2) ** 3).sum(), (0, 1), (1, 0),
        X3.swapaxes(0, 1), X3[:, :, :, 0]),
    "slice_scatter_shared_src": lambda lib: lib.func.vmap(
        lambda x, s: lib.slice_scatter(x, s, -1, 1, 5, 2), in_dims=(0, None))(
        lib.tensor(X3), lib.tensor(X3[0, :, :, :2])),
    "diagonal_scatter_grads": lambda lib: _per_sample_grad(
        lib, lambda x, s: (lib.diagonal_scatter(x, s, 1, 0, 2) ** 3).sum(), (0, 1), 0,
        X3, X3[:, 0, :, :4]),
    "narrow_copy": lambda lib: lib.func.vmap(lambda x: lib.narrow_copy(x, -1, 1, 3), in_dims=2)(
        lib.tensor(X3)),
    "index_reduce_grads": lambda lib: _per_sample_grad(
        lib, lambda x, s: (x.index_reduce(1, lib.tensor([0, 4, 0]), s, "amax") ** 2).sum(),
        (0, 1), 0, X3[:, 0], X3[:, 1, :, :3]),
    # embedding_bag: tables per sample or shared, bags of each sample's own offsets
    "embedding_bag_tables_each_grads": lambda lib: _per_sample_grad(
        lib, lambda w, i, o: (_f(lib).embedding_bag(i, w, o, mode="max", padding_idx=2)
                              ** 2).sum(), 0, 0, TABLES, BAG_IDX, BAG_OFFSETS),
    "embedding_bag_mean_last_offset_grads": lambda lib: _per_sample_grad(
        lib, lambda w, i, o: (_f(lib).embedding_bag(i, w, o, mode="mean", padding_idx=-5,
                                                    include_last_offset=True) ** 2).sum(),
        0, (None, 0, 0), TABLE, BAG_IDX, BAG_ENDS),
    "embedding_bag_freq_grads": lambda lib: _per_sample_grad(
        lib, lambda w, i, o: (_f(lib).embedding_bag(i, w, o, mode="sum", scale_grad_by_freq=True)
                              ** 2).sum(), 0, (None, 0, None), TABLE, BAG_IDX, BAG_OFFSETS[0]),
    "embedding_bag_weighted_grads": lambda lib: _per_sample_grad(
        lib, lambda w, i, p: (_f(lib).embedding_bag(i, w, mode="sum", per_sample_weights=p,
                                                    padding_idx=1) ** 2).sum(), (0, 2),
        (0, 0, 0), TABLES, BAG_IDX.reshape(3, 2, 4), BAG_WEIGHTS.reshape(3, 2, 4)),
    "embedding_bag_bookkeeping": lambda lib: lib.func.vmap(
        lambda w, i, o: lib.embedding_bag(w, i, o, False, 2, False, None, False, None),
        in_dims=(0, 0, None))(lib.tensor(TABLES), lib.tensor(BAG_IDX), lib.tensor(BAG_OFFSETS[1])),
    # embedding's max_norm: each sample's table renormed in place, a shared one refused
    "embedding_max_norm_tables_each": lambda lib: (lambda w: (lib.func.vmap(
        lambda w, i: _f(lib).embedding(i, w, max_norm=1.5))(w, lib.tensor(IDX)), w))(
        lib.tensor(TABLES)),
    "embedding_renorm_inner_indices": lambda lib: (lambda w: (lib.func.vmap(
        lambda w, i: lib.embedding_renorm_(w, i, 1.0, 3.0), in_dims=(0, 1))(
        w, lib.tensor(IDX.T)), w))(lib.tensor(TABLES)),
    "embedding_max_norm_shared_table": lambda lib: lib.func.vmap(
        lambda i: _f(lib).embedding(i, lib.tensor(TABLE), max_norm=1.5))(lib.tensor(IDX)),
    # the CTC loss: targets padded or concatenated, shared lengths
    "ctc_loss_grads": lambda lib: _per_sample_grad(
        lib, lambda lp, t: _f(lib).ctc_loss(lp.log_softmax(-1), t, [6, 5], [4, 2],
                                            reduction="sum"), 0, (1, 0),
        LOG_PROBS.swapaxes(0, 1), CTC_TARGETS),
    "ctc_loss_concatenated_shared_targets": lambda lib: lib.func.vmap(
        lambda lp, t: _f(lib).ctc_loss(lp, t, [6, 4], [3, 2], reduction="none",
                                       zero_infinity=True), in_dims=(0, None))(
        lib.tensor(LOG_PROBS), lib.tensor(CTC_TARGETS[0].reshape(-1)[:5])),
    "ctc_loss_lengths_each": lambda lib: lib.func.vmap(
        lambda lp, t, il, tl: _f(lib).ctc_loss(lp, t, il, tl, reduction="none"))(
        lib.tensor(LOG_PROBS), lib.tensor(CTC_TARGETS), lib.tensor([[6, 5], [4, 6], [3, 3]]),
        lib.tensor([[4, 2], [1, 3], [2, 2]])),
    "floor_divide_": lambda lib: lib.func.vmap(lambda x, y: x.clone().floor_divide_(y),
                                               in_dims=(0, None))(
        lib.tensor(X3 * 10), lib.tensor(L5 + 2)),
}


# cases that run once per sample on purpose
PER_SAMPLE = {"ctc_loss_lengths_each",  # (lengths are numbers to the op: each sample's own)
              "block_diag_3d"}  # (the op's own refusal, raised by a sample)


def _no_loop(monkeypatch):
    """Make the per-sample fallback raise (observe silences warnings, so a loop must fail
    louder than its performance warning)."""
    def refuse(*args):
        raise AssertionError("ran once per sample")
    monkeypatch.setattr(_batched, "loop", refuse)


@pytest.mark.parametrize("name", list(CASES))
def test_rule_like_torch(name, monkeypatch):
    if name not in PER_SAMPLE:
        _no_loop(monkeypatch)
    got = observe(CASES[name], dyngrad)
    monkeypatch.undo()
    assert got == observe(CASES[name], torch)


def _conv_tbc_grads(pad):
    return lambda lib: lib.func.grad(lambda x, w, b: (lib.conv_tbc(x, w, b, pad) ** 2).sum(),
                                     argnums=(0, 1, 2))


# where torch's vmap refuses (conv_tbc's backward writes in place; index_reduce's prod
# backward reads a value; a slice past the end): torch's per-sample loop is the oracle.
# name -> (the function of one sample, given the library; in_dims; arrays)
LOOP_CASES = {
    "conv_tbc_grads": (_conv_tbc_grads(1), (0, None, None), (X_TBC, W_TBC[0], B_TBC[0])),
    "conv_tbc_kernel_each_grads": (_conv_tbc_grads(-1), (1, 0, 0),
                                   (X_TBC.swapaxes(0, 1), W_TBC, B_TBC)),
    "conv_tbc_kernel_each_padded_grads": (_conv_tbc_grads(2), (0, 0, None),
                                          (X_TBC, W_TBC, B_TBC[0])),
    "index_reduce_prod_grads": (lambda lib: lib.func.grad(
        lambda x, s: (x.index_reduce(1, lib.tensor([0, 4, 0]), s, "prod") ** 2).sum(),
        argnums=(0, 1)), 0, (X3[:, 0], X3[:, 1, :, :3])),
    "slice_scatter_end_past": (lambda lib: lambda x, s: lib.slice_scatter(x, s, 1, 0, 4, 2),
                               (0, None), (X3, X3[0, :, :1])),
    # the fused weight norm over the first or the last dim, its norms, per-sample gradients
    "weight_norm_first": (lambda lib: lambda v, g: lib._weight_norm_interface(v, g, 0), 0,
                          (WN_V, WN_G0)),
    "weight_norm_last_one_g": (lambda lib: lambda v, g: lib._weight_norm_interface(v, g, 1),
                               (0, None), (WN_V, WN_G1[0])),
    "weight_norm_vector": (lambda lib: lambda v, g: lib._weight_norm(v, g, 0), 0,
                           (WN_V[:, 0], WN_V[:, 1])),
    "weight_norm_grads": (lambda lib: lib.func.grad(
        lambda v, g, x: (lib._weight_norm(v, g, 1) * x).sum(), argnums=(0, 1)), 0,
        (WN_V, WN_G1, WN_V[::-1])),
    "weight_norm_first_grads_batch_inside": (lambda lib: lib.func.grad(
        lambda v, g: (lib._weight_norm(v, g, 0) ** 3).sum(), argnums=(0, 1)), (1, 0),
        (WN_V.swapaxes(0, 1), WN_G0)),
}


@pytest.mark.parametrize("name", list(LOOP_CASES))
def test_rule_like_torch_loop(name):
    make, in_dims, arrays = LOOP_CASES[name]
    dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(arrays)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "There is a performance drop")
        got = dyngrad.func.vmap(make(dyngrad), in_dims=in_dims)(*map(dyngrad.tensor, arrays))
    rows = [make(torch)(*[torch.tensor(a if d is None else np.take(a, b, d))
                          for a, d in zip(arrays, dims)]) for b in range(3)]
    got = got if isinstance(got, tuple) else (got,)
    rows = [r if isinstance(r, tuple) else (r,) for r in rows]
    assert len(got) == len(rows[0])
    for k, g in enumerate(got):
        want = torch.stack([r[k] for r in rows])
        assert tuple(g.shape) == tuple(want.shape) and str(g.dtype) == str(want.dtype)
        np.testing.assert_allclose(g.numpy(), want.numpy(), rtol=1e-10, atol=1e-10)


def test_grid_sample_batch_at_inner_dims():
    # torch's own rule returns the right values in the wrong shape here (batch and N
    # swapped by a reshape): its per-sample loop is the oracle
    def run(lib, x, g):
        return _f(lib).grid_sample(x, g, "bilinear", "zeros", False)
    x, g = X.reshape(3, 2, 2, 2, 5, 5).swapaxes(0, 1), GRID3
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "There is a performance drop")
        got = dyngrad.func.vmap(lambda x, g: run(dyngrad, x, g), in_dims=(1, 0))(
            dyngrad.tensor(x), dyngrad.tensor(g))
    want = torch.stack([run(torch, torch.tensor(x[:, b]), torch.tensor(g[b])) for b in range(3)])
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode,padding,align", [("bilinear", "zeros", True),
                                                 ("bicubic", "reflection", False),
                                                 ("nearest", "border", True)])
def test_grid_sample_second_order_per_sample(mode, padding, align, monkeypatch):
    # the double backward's tap positions are each sample's own (none read off sample 0)
    case = lambda lib: lib.func.vmap(lib.func.grad(  # noqa: E731
        lambda x, g: (lib.func.grad(lambda y, h: (_f(lib).grid_sample(y, h, mode, padding, align)
                                                  ** 3).sum(), argnums=(0, 1))(x, g)[1] ** 2).sum(),
        argnums=(0, 1)), in_dims=(None, 0))(lib.tensor(X[0]), lib.tensor(GRID))
    _no_loop(monkeypatch)
    got = observe(case, dyngrad)
    monkeypatch.undo()
    assert got == observe(case, torch)


# the ops that run once per sample under vmap, and why
LOOPED = {
    "AsStridedBackward0": "a view's own function, replayed on one sample's array (in-place "
                          "views under create_graph)",
    "MaskedScatterBackwardBackward0": "torch's vmap loops over masked_scatter_backward too "
                                      "(its fallback's warning)",
    "PackPaddedSequenceBackward0": "lengths that differ per sample give each its own shape",
    "RreluWithNoiseBackward0": "F.rrelu refuses vmap as torch does: the op sees plain tensors",
    "RreluWithNoiseBackward1": "F.rrelu refuses vmap as torch does",
    "RreluWithNoiseBackwardBackward0": "F.rrelu refuses vmap as torch does",
    "torch::autograd::NotImplemented": "the sparse sum's, softmaxes', mask projection's and "
                                       "matrix mask's backwards: sparse tensors, which torch's "
                                       "vmap takes none of",
    **dict.fromkeys(("SparseCooTensorWithDimsAndTensorsBackward0", "ToDenseBackward0",
                     "ToSparseBackward0", "ToSparseBackward1", "CoalesceBackward0",
                     "ValuesBackward0", "SparseMaskBackward0", "SparseAddmmBackward0",
                     "SparseSumBackward0", "SparseSoftmaxBackward0",
                     "SparseLogSoftmaxBackward0", "SparseSparseMatmulBackward0"),
                    "sparse tensors: torch's vmap takes none, and makes none"),
}


def test_which_ops_loop():
    # every module that declares ops, those imported on first use too
    for pkg in (dyngrad.ops, dyngrad.linalg):
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            importlib.import_module(m.name)
    assert sorted({op.name for op in ALL_OPS if op.batch_rule is None}) == sorted(LOOPED)

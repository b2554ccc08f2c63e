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


def _f(lib):
    return lib.nn.functional


def _per_sample_grad(lib, loss, argnums, in_dims, *arrays):
    g = lib.func.grad(loss, argnums=argnums)
    return lib.func.vmap(g, in_dims=in_dims)(*[lib.tensor(a) for a in arrays])


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
    "lu_tall_each": lambda lib: lib.func.vmap(lambda a: lib.linalg.lu(a))(lib.tensor(X3[:, 0].swapaxes(1, 2))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule_like_torch(name):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "There is a performance drop")
        got = observe(CASES[name], dyngrad)
    assert got == observe(CASES[name], torch)


# the ops that run once per sample under vmap, and why
LOOPED = {
    "AsStridedBackward0": "a view's own function, replayed on one sample's array (in-place "
                          "views under create_graph)",
    "PoissonBackward0": "vmap's randomness draws for poisson (randomness.py): the op sees "
                        "plain tensors only",
    "PackPaddedSequenceBackward0": "lengths that differ per sample give each its own shape",
    "RreluWithNoiseBackward0": "F.rrelu refuses vmap as torch does: the op sees plain tensors",
    "RreluWithNoiseBackward1": "F.rrelu refuses vmap as torch does",
    "RreluWithNoiseBackwardBackward0": "F.rrelu refuses vmap as torch does",
    # no rule yet: once per sample
    "EmbeddingBagBackward0": "no rule yet", "EmbeddingBagBackwardBackward0": "no rule yet",
    "torch::autograd::NotImplemented": "backward ops torch has no derivative for; no rule yet",
    "GridSampler2DBackward0": "no rule yet", "GridSampler3DBackward0": "no rule yet",
    "GridSampler2DBackwardBackward0": "no rule yet",
    "GridSampler3DBackwardBackward0": "no rule yet",
    "AffineGridGeneratorBackward0": "no rule yet", "CtcLossBackward0": "no rule yet",
    "PdistBackward0": "no rule yet", "PdistBackwardBackward0": "no rule yet",
    "CdistBackward0": "no rule yet", "CdistBackwardBackward0": "no rule yet",
    "EuclideanDistBackward0": "no rule yet",
    "MultiMarginLossBackward0": "no rule yet", "MultilabelMarginLossBackward0": "no rule yet",
    "MaxUnpool2DBackward0": "no rule yet", "MaxUnpool3DBackward0": "no rule yet",
    "ChannelShuffleBackward0": "no rule yet", "ConvTbcBackward0": "no rule yet",
    "FractionalMaxPool2DBackward0": "no rule yet", "FractionalMaxPool3DBackward0": "no rule yet",
    "FractionalMaxPool2DBackwardBackward0": "no rule yet",
    "FractionalMaxPool3DBackwardBackward0": "no rule yet",
    "GeqrfBackward0": "no rule yet", "LinalgHouseholderProductBackward0": "no rule yet",
    "OrmqrBackward0": "no rule yet", "LuUnpackBackward0": "no rule yet (pivots: one dim less)",
    "LinalgLuSolveBackward0": "no rule yet (three operands)",
    "StandardGammaBackward0": "vmap's randomness draws for standard_gamma (randomness.py): the "
                              "op sees plain tensors only",
    "StandardGammaGradBackward0": "no rule yet",
    "RenormBackward0": "no rule yet (the norm must not reach across samples)",
    **dict.fromkeys(("DiagonalScatterBackward0", "SelectScatterBackward0",
                     "SliceScatterBackward0", "IndexReduceBackward0", "NarrowCopyBackward0",
                     "EmbeddingRenormBackward0"), "no rule yet"),
}


def test_which_ops_loop():
    # every module that declares ops, those imported on first use too
    for pkg in (dyngrad.ops, dyngrad.linalg):
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            importlib.import_module(m.name)
    assert sorted({op.name for op in ALL_OPS if op.batch_rule is None}) == sorted(LOOPED)

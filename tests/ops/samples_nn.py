"""Sample inputs for the nn entries of the op table (activations, linear, embedding,
normalization, convolution, pooling, losses, padding), merged into test_op_table's SAMPLES.

Data sits where behaviour changes: KINKS holds the break points of the piecewise ops
(0 for relu-like ones, +-3 for hardswish/hardsigmoid, +-1 for hardtanh) and ties for max
pooling; those cases are compared with torch only, as a finite difference straddles a
kink. ``GRAPHS`` names the cases whose derivatives' graphs cannot be torch's, with why.
"""
import numpy as np

f32 = np.float32
R = np.random.default_rng(7)
X = np.array([[0.3, -1.2, 2.1, -0.4], [1.7, -2.6, 0.9, 3.4]], f32)       # 2x4, no kinks
KINKS = np.array([[0.0, -1.0, 1.0, 3.0], [-3.0, 2.0, -0.5, 0.25]], f32)  # on the kinks
X3 = (np.arange(24, dtype=f32).reshape(2, 3, 4) / 7 - 1.6)               # 2x3x4
X4 = R.standard_normal((2, 4, 3, 3)).astype(f32)                         # N C H W
W34 = np.linspace(-0.9, 1.4, 12, dtype=f32).reshape(3, 4)
B3 = np.array([0.8, -1.5, 1.1], f32)
V4 = np.array([0.5, -1.3, 0.7, 1.6], f32)
V4B = np.array([-0.2, 0.9, 1.2, -0.6], f32)
# the norms' gradients cancel by construction (they sum to zero over the normalized axes):
# float32 rounding then differs from torch's beyond the oracle's tolerance, so float64
D3, D4 = X3.astype(np.float64), R.standard_normal((2, 4, 3, 3))
DV, DVB = V4.astype(np.float64), V4B.astype(np.float64)
EMB = np.linspace(-1.0, 1.0, 15, dtype=f32).reshape(5, 3)
IDX = np.array([[1, 2], [4, 1]])
GRID = np.random.default_rng(3).uniform(-1.3, 1.3, (2, 3, 2, 2)).astype(f32)  # some outside
CTC_LOGITS = np.random.default_rng(4).standard_normal((5, 2, 4)).astype(f32)    # (T, N, C)
WHOLE = np.array([[1, 2, 0], [1, 2, 0], [1, 3, 0], [-2, 1, 2]], np.float64)
THETA = np.array([[[0.9, -0.3, 0.1], [0.2, 1.1, -0.4]], [[-0.5, 0.8, 0.3], [1.2, 0.1, 0.6]]], f32)


def _sq(y):
    return y * y


def _seeded(t, draw):
    t.manual_seed(5)
    return draw()


def F(t):
    return t.nn.functional


def _samples():
    from dyngrad.ops import activation_pointwise as ap, embedding as emb, embedding_bag as bag, linalg
    from dyngrad.ops import ctc_loss as ctc, grid_sample as gs, margin_loss as ml, distance as pd
    from dyngrad.ops import rrelu as rr
    from dyngrad.ops import scatter as sc
    from dyngrad.ops import unpool as up_
    from dyngrad.ops import normalization as nrm
    from dyngrad.ops import torch_native as tnat
    from dyngrad.ops import weight_norm as wn
    samples = {
        linalg.addmm: [
            ("linear", lambda t, x, w, b: F(t).linear(x, w, b), [X, W34, B3]),
            ("linear_3d", lambda t, x, w, b: F(t).linear(x, w, b), [X3, W34, B3]),
            ("linear_1d", lambda t, x, w, b: F(t).linear(x, w, b), [V4, W34, B3]),
            ("linear_no_bias", lambda t, x, w: F(t).linear(x, w), [X3, W34]),
            ("addmm_scaled", lambda t, b, x, w: t.addmm(b, x, w.t(), beta=0.5, alpha=2), [B3, X, W34]),
            ("addmm_method", lambda t, b, x, w: b.expand(2, 3).addmm(x, w.t()), [B3, X, W34])],
        ap.gelu: [("gelu", lambda t, x: F(t).gelu(x), [X]),
                  ("gelu_tanh", lambda t, x: F(t).gelu(x, approximate="tanh"), [X])],
        ap.gelu_backward: [("gelu_squared", lambda t, x: _sq(F(t).gelu(x)), [X]),
                           ("gelu_tanh_squared", lambda t, x: _sq(F(t).gelu(x, approximate="tanh")), [X])],
        ap.silu: [("silu", lambda t, x: F(t).silu(x), [X])],
        ap.mish: [("mish", lambda t, x: F(t).mish(x), [X])],
        ap.leaky_relu: [("leaky_relu", lambda t, x: F(t).leaky_relu(x, 0.2), [X]),
                        ("leaky_relu_kinks", lambda t, x: F(t).leaky_relu(x), [KINKS])],
        ap.leaky_relu_backward: [("leaky_relu_squared", lambda t, x: _sq(F(t).leaky_relu(x)), [X]),
                                 ("leaky_relu_negative_slope_squared",
                                  lambda t, x: _sq(F(t).leaky_relu(x, -0.3)), [X])],
        ap.hardtanh: [("hardtanh", lambda t, x: F(t).hardtanh(x), [X]),
                      ("hardtanh_kinks", lambda t, x: F(t).hardtanh(x, -1.0, 2.0), [KINKS]),
                      ("relu6", lambda t, x: F(t).relu6(x * 2), [X])],
        ap.hardtanh_backward: [("hardtanh_squared", lambda t, x: _sq(F(t).hardtanh(x, -2.0, 2.0)), [X])],
        ap.hardsigmoid: [("hardsigmoid", lambda t, x: F(t).hardsigmoid(x * 2), [X]),
                         ("hardsigmoid_kinks", lambda t, x: F(t).hardsigmoid(x), [KINKS])],
        ap.hardsigmoid_backward: [("hardsigmoid_squared", lambda t, x: _sq(F(t).hardsigmoid(x)), [X])],
        ap.hardswish: [("hardswish", lambda t, x: F(t).hardswish(x), [X]),
                       ("hardswish_kinks", lambda t, x: F(t).hardswish(x), [KINKS])],
        ap.hardswish_backward: [("hardswish_squared", lambda t, x: _sq(F(t).hardswish(x)), [X])],
        ap.threshold: [("threshold", lambda t, x: F(t).threshold(x, 0.5, -2.0), [X]),
                       ("threshold_kinks", lambda t, x: F(t).threshold(x, 1.0, 5.0), [KINKS])],
        ap.elu: [("elu", lambda t, x: F(t).elu(x, 0.7), [X]),
                 ("selu", lambda t, x: F(t).selu(x), [X])],
        ap.celu: [("celu", lambda t, x: F(t).celu(x, 1.5), [X])],
        ap.elu_backward: [("elu_squared", lambda t, x: _sq(F(t).elu(x)), [X]),
                          ("celu_squared", lambda t, x: _sq(F(t).celu(x, 0.5)), [X]),
                          # at 0, where the sides differ for alpha != 1 (under exp: a
                          # gradient that is not 0 there), and the in-place form's saved
                          # result under a gradient that depends on x
                          ("elu_at_zero_exp", lambda t, x: F(t).elu(x, 0.7).exp(), [KINKS]),
                          ("elu_inplace_squared", lambda t, x: _sq(F(t).elu(x * 1, 0.7, True)),
                           [X])],
        ap.leaky_relu_: [("leaky_relu_inplace", lambda t, x: F(t).leaky_relu(x * 1, 0.2, True), [X])],
        ap.elu_: [("elu_inplace", lambda t, x: F(t).elu(x * 1, 0.7, True), [X]),
                  ("selu_inplace", lambda t, x: F(t).selu_(x * 1), [X])],
        ap.celu_: [("celu_inplace", lambda t, x: F(t).celu(x * 1, 1.5, True), [X])],
        ap.threshold_: [("threshold_inplace", lambda t, x: F(t).threshold(x * 1, 0.5, -2.0, True), [X])],
        ap.softplus: [("softplus", lambda t, x: F(t).softplus(x), [X]),
                      ("softplus_beta", lambda t, x: F(t).softplus(x, 2.0, 3.0), [X])],
        ap.softplus_backward: [("softplus_squared", lambda t, x: _sq(F(t).softplus(x, 1.5, 2.0)), [X]),
                               # beta x at the threshold (KINKS' 1.0): where the
                               # forward, backward and double backward switch sides
                               ("softplus_at_threshold_squared",
                                lambda t, x: _sq(F(t).softplus(x, 2.0, 2.0)), [KINKS])],
        ap.log_sigmoid: [("logsigmoid", lambda t, x: F(t).logsigmoid(x), [X])],
        ap.log_sigmoid_backward: [("logsigmoid_squared", lambda t, x: _sq(F(t).logsigmoid(x)), [X])],
        ap.glu: [("glu", lambda t, x: F(t).glu(x), [X]), ("glu_dim", lambda t, x: F(t).glu(x, 0), [X])],
        ap.glu_backward: [("glu_squared", lambda t, x: _sq(F(t).glu(x, 1)), [X])],
        ap.prelu_kernel: [("prelu", lambda t, x, w: F(t).prelu(x, w), [X, np.array([0.25], f32)]),
                          ("prelu_channels", lambda t, x, w: F(t).prelu(x, w), [X3, B3])],
        ap.prelu_kernel_backward: [("prelu_squared", lambda t, x, w: _sq(F(t).prelu(x, w)), [X4, V4]),
                                   # at 0, which the first and second derivatives put on
                                   # different sides
                                   ("prelu_kinks_squared", lambda t, x, w: _sq(F(t).prelu(x, w)),
                                    [KINKS, V4])],
        emb.embedding: [("embedding", lambda t, w: F(t).embedding(t.tensor(IDX), w), [EMB]),
                        ("embedding_padding", lambda t, w: F(t).embedding(t.tensor(IDX), w, padding_idx=1), [EMB]),
                        ("embedding_fn", lambda t, w: t.embedding(w, t.tensor([3, 3, 0])), [EMB])],
        gs.grid_sampler[2]: [
            ("grid_sample_bilinear", lambda t, x, g: F(t).grid_sample(x, g, align_corners=False), [CX, GRID]),
            ("grid_sample_bicubic_reflection", lambda t, x, g: F(t).grid_sample(
                x, g, "bicubic", "reflection", align_corners=True), [DCX, DGRID]),
            ("grid_sample_input_only", lambda t, x: F(t).grid_sample(
                x, t.tensor(GRID, dtype=x.dtype), align_corners=False), [CX])],
        gs.grid_sampler[3]: [
            ("grid_sample_3d_border", lambda t, x, g: F(t).grid_sample(
                x[:, :, :3, None], t.cat([g, g[..., :1]], -1)[:, None], padding_mode="border",
                align_corners=False), [CX, GRID])],
        gs.backward[2]: [
            ("grid_sample_squared", lambda t, x, g: _sq(F(t).grid_sample(x, g, align_corners=False)), [DCX, DGRID]),
            ("grid_sample_nearest_border_squared", lambda t, x, g: _sq(F(t).grid_sample(
                x, g, "nearest", "border", align_corners=True)), [CX, GRID]),
            # points on the first and last pixels' centres: the clamp's derivative is 0 there
            ("grid_sample_border_edges_squared", lambda t, x, g: _sq(F(t).grid_sample(
                x, g, "bilinear", "border", align_corners=True)), [DCX, DGRID_EDGES]),
            # nearest: the grid's gradient is zero, and its own derivative none
            ("grid_sample_nearest_grid_only_squared", lambda t, g: _sq(F(t).grid_sample(
                t.tensor(DCX, dtype=g.dtype), g, "nearest", align_corners=False)), [DGRID]),
            # points reflected up to four times, and a single row (no span to reflect in)
            ("grid_sample_reflection_far_squared", lambda t, x, g: _sq(F(t).grid_sample(
                x, g * 4.5, "bilinear", "reflection", align_corners=False)), [DCX, DGRID]),
            ("grid_sample_reflection_one_row_squared", lambda t, x, g: _sq(F(t).grid_sample(
                x[:, :, :1], g * 4.5, "bilinear", "reflection", align_corners=True)), [DCX, DGRID])],
        gs.backward[3]: [
            ("grid_sample_3d_squared", lambda t, x, g: _sq(F(t).grid_sample(
                x.reshape(2, 2, 2, 5, 6), t.cat([g, g[..., :1]], -1)[:, None], align_corners=False)),
             [DCX, DGRID]),
            ("grid_sample_3d_reflection_squared", lambda t, x, g: _sq(F(t).grid_sample(
                x[:, :, :3, None], t.cat([g, g[..., :1]], -1)[:, None], padding_mode="reflection",
                align_corners=False)), [DCX, DGRID])],
        up_.max_unpool2d: [
            ("max_unpool2d", lambda t, x: F(t).max_unpool2d(*F(t).max_pool2d(x, 2, return_indices=True), 2), [CX]),
            ("max_unpool2d_squared", lambda t, x: _sq(F(t).max_unpool2d(
                *F(t).max_pool2d(x, 2, padding=1, return_indices=True), 2, 2, 1, (5, 6))), [CX])],
        up_.max_unpool3d: [
            ("max_unpool3d", lambda t, x: F(t).max_unpool3d(*F(t).max_pool3d(
                x[None], 2, return_indices=True), 2, output_size=(4, 5, 6)), [CX])],
        ml.multi_margin_loss: [
            ("multi_margin", lambda t, x: F(t).multi_margin_loss(x, t.tensor([1, 0])), [LX]),
            ("multi_margin_p2_weight", lambda t, x: F(t).multi_margin_loss(
                x, t.tensor([2, 1]), p=2, margin=0.7, weight=t.tensor([0.5, 2.0, 1.5]),
                reduction="none"), [LX])],
        ml.multilabel_margin_loss: [
            ("multilabel_margin", lambda t, x: F(t).multilabel_margin_loss(
                x, t.tensor([[2, -1, 0], [0, 1, -1]])), [LX])],
        ctc.ctc_loss: [
            ("ctc_loss", lambda t, x: F(t).ctc_loss(x.log_softmax(2), t.tensor([[1, 2], [2, 2]]),
                                                    [5, 4], [2, 2]), [CTC_LOGITS]),
            # the second sample cannot fit its target (2, 2 needs three steps): its infinite
            # loss and its gradient are zeroed
            ("ctc_loss_zero_infinity", lambda t, x: F(t).ctc_loss(
                x.log_softmax(2), t.tensor([[1, 2], [2, 2]]), [5, 2], [2, 2], reduction="sum",
                zero_infinity=True), [CTC_LOGITS])],
        pd.cdist_op: [("cdist", lambda t, x, y: t.cdist(x[:, :3], y), [X, LX]),
                      ("cdist_p1_batched", lambda t, x, y: t.cdist(x[None, :, :3], y, 1.0), [X, LX]),
                      ("cdist_p1_x2_batched", lambda t, x, y: t.cdist(x[:, :3], y[None], 1.0), [X, LX]),
                      # one input's gradient asked for
                      ("cdist_x1_only", lambda t, x: t.cdist(x[:, :3], t.tensor(LX, dtype=x.dtype), 3.0), [X])],
        pd.euclidean_dist: [("cdist_by_products", lambda t, x, y: t.cdist(
            x[:, :3], y, compute_mode="use_mm_for_euclid_dist"), [X, LY]),
            # small whole numbers, whose products are exact: distances of exactly 0 (no
            # derivative: torch's gradient 0 there) and 1; the second input a constant
            ("cdist_by_products_ties", lambda t, x: t.cdist(
                x, t.tensor(WHOLE[1:]), compute_mode="use_mm_for_euclid_dist"), [WHOLE])],
        pd.pdist: [("pdist", lambda t, x: t.pdist(x), [X]),
                   ("pdist_p1_5", lambda t, x: F(t).pdist(x.t(), 1.5), [X])],
        rr.rrelu_with_noise: [
            ("rrelu_eval", lambda t, x: F(t).rrelu(x, 0.1, 0.3), [KINKS]),
            ("rrelu_train", lambda t, x: _seeded(t, lambda: F(t).rrelu(x, training=True)), [KINKS])],
        rr.rrelu_with_noise_: [("rrelu_inplace", lambda t, x: _seeded(
            t, lambda: F(t).rrelu(x * 1, training=True, inplace=True)), [KINKS]),
            ("rrelu_inplace_eval", lambda t, x: F(t).rrelu(x * 1, 0.1, 0.3, inplace=True), [KINKS]),
            # (a negative mean slope: the out-of-place form keeps its input to test the sign)
            ("rrelu_eval_negative", lambda t, x: F(t).rrelu(x, -0.5, -0.1), [KINKS])],
        rr.rrelu_with_noise_backward: [
            ("rrelu_train_squared", lambda t, x: _sq(_seeded(t, lambda: t.rrelu(x, training=True))), [KINKS]),
            ("rrelu_eval_squared", lambda t, x: _sq(t.rrelu(x)), [KINKS])],
        gs.affine_grid_generator: [
            ("affine_grid", lambda t, th: F(t).affine_grid(th, (2, 1, 3, 4), align_corners=False), [THETA]),
            ("affine_grid_squared", lambda t, th: _sq(F(t).affine_grid(th, (2, 1, 1, 4), align_corners=True)), [THETA]),
            ("affine_grid_two_rows", lambda t, th: F(t).affine_grid(th, (2, 1, 2, 3), align_corners=False), [THETA])],
        bag.embedding_bag: [
            ("embedding_bag_sum", lambda t, w: F(t).embedding_bag(
                t.tensor([1, 2, 4, 4, 0]), w, t.tensor([0, 2, 2]), mode="sum"), [EMB]),
            ("embedding_bag_max_ties", lambda t, w: F(t).embedding_bag(
                t.tensor([[1, 3], [4, 1]]), w * 0 + 1, mode="max"), [EMB]),
            ("embedding_bag_weighted", lambda t, w, p: F(t).embedding_bag(
                t.tensor([1, 2, 4, 3, 0]), w, t.tensor([0, 2]), mode="sum",
                per_sample_weights=p[0]), [EMB, EMB[:, :1].T.copy()])],
        emb.embedding_dense_backward: [
            ("embedding_squared", lambda t, w: _sq(F(t).embedding(t.tensor(IDX), w)), [EMB]),
            ("embedding_freq_squared", lambda t, w: _sq(F(t).embedding(
                t.tensor(IDX), w, padding_idx=4, scale_grad_by_freq=True)), [EMB]),
            # padding row 0, and a gradient reaching the weight through another lookup: the
            # padding positions' rows of the double backward then show
            ("embedding_padding0_product", lambda t, w: F(t).embedding(
                t.tensor([[0, 2], [4, 0]]), w, padding_idx=0) * F(t).embedding(
                t.tensor([[3, 1], [2, 3]]), w), [EMB])],
        # (the rows embedding's double backward reads)
        sc.index_select: [("embedding_grad", lambda t, w: _grad_squared(
            t, lambda v: _sq(F(t).embedding(t.tensor(IDX), v)), w), [EMB])],
        nrm.native_layer_norm: [
            ("layer_norm", lambda t, x, w, b: F(t).layer_norm(x, (4,), w, b), [D3, DV, DVB]),
            ("layer_norm_2d", lambda t, x: F(t).layer_norm(x, (3, 4), eps=1e-3), [D3]),
            # parameters of the normalized shape's two dims: their gradients keep that shape
            ("layer_norm_2d_affine", lambda t, x, w, b: F(t).layer_norm(x, (3, 4), w, b), [D3, D3[0], D3[1]]),
            ("layer_norm_fn", lambda t, x, w: t.layer_norm(x, [4], w), [X.astype(np.float64), DV])],
        nrm.native_layer_norm_backward: [
            ("layer_norm_squared", lambda t, x, w, b: _sq(F(t).layer_norm(x, (4,), w, b)), [D3, DV, DVB]),
            ("layer_norm_2d_squared", lambda t, x, w, b: _sq(F(t).layer_norm(x, (3, 4), w, b)),
             [D3, D3[1], D3[0]])],
        wn.weight_norm_interface: [
            ("weight_norm_dim0", lambda t, v, g: t._weight_norm(v, g, 0), [X3, B3[:2, None, None]]),
            ("weight_norm_last", lambda t, v, g: t._weight_norm(v, g, 2), [X3, V4[None, None]]),
            # one input a constant: only the other's gradient asked for
            ("weight_norm_g_only", lambda t, g: t._weight_norm(t.tensor(X3, dtype=g.dtype), g, 2),
             [V4]),
            ("weight_norm_v_only", lambda t, v: t._weight_norm(v, t.tensor(V4, dtype=v.dtype), 2),
             [X3])],
        tnat.native_dropout_op: [
            ("native_dropout", lambda t, x: _seeded(t, lambda: t.native_dropout(x, 0.25, True)[0]),
             [X]),
            ("native_dropout_eval", lambda t, x: t.native_dropout(x, 0.25, False)[0], [X])],
        nrm.native_group_norm: [
            ("group_norm", lambda t, x, w, b: F(t).group_norm(x, 2, w, b), [D4, DV, DVB]),
            ("group_norm_plain", lambda t, x: F(t).group_norm(x, 4), [D4]),
            # an empty batch: each group's size cannot be inferred from the elements
            ("group_norm_empty_batch", lambda t, x, w: F(t).group_norm(x[:0], 2, w), [D4, DV])],
        nrm.native_batch_norm: [
            ("batch_norm_train", lambda t, x, w, b: F(t).batch_norm(
                x, t.zeros(4, dtype=t.float64), t.ones(4, dtype=t.float64), w, b, training=True), [D4, DV, DVB]),
            ("batch_norm_eval", lambda t, x, w, b: F(t).batch_norm(
                x, t.tensor(DVB), t.tensor(DV * DV), w, b), [D4, DV, DVB]),
            ("batch_norm_no_stats", lambda t, x: F(t).batch_norm(x, None, None, training=True), [D3]),
            ("instance_norm", lambda t, x: F(t).instance_norm(x), [D4])],
        nrm.native_batch_norm_backward: [
            ("batch_norm_squared", lambda t, x, w, b: _sq(F(t).batch_norm(
                x, None, None, w, b, training=True)), [D4, DV, DVB]),
            ("batch_norm_eval_squared", lambda t, x, w: _sq(F(t).batch_norm(
                x, t.zeros(4, dtype=t.float64) + 0.5, t.ones(4, dtype=t.float64) * 2, w, None)), [D4, DV]),
            # no weight: the evaluation backward no longer reads the input (its own
            # derivative in the input is zeros)
            ("batch_norm_eval_squared_plain", lambda t, x: _sq(F(t).batch_norm(
                x, t.zeros(4, dtype=t.float64) - 0.5, t.ones(4, dtype=t.float64) * 3)), [D4])],
    }
    samples.update(_conv_pool_samples())
    samples.update(_loss_samples())
    samples.update(_attention_upsample_samples())
    return samples


# conv inputs: (N, C, H, W) and kernels for plain, grouped and transposed convolutions
CX = R.standard_normal((2, 4, 5, 6)).astype(f32)
CW = (R.standard_normal((3, 4, 3, 2)) * 0.5).astype(f32)
CWG = (R.standard_normal((4, 2, 2, 2)) * 0.5).astype(f32)
CWT = (R.standard_normal((4, 3, 3, 2)) * 0.5).astype(f32)
CB = np.array([0.1, -0.2, 0.3], f32)
# (float64: a second derivative of sampling sums terms that cancel, and float32 rounds
# them otherwise than torch's decomposition does)
DCX, DGRID = CX.astype(np.float64), GRID.astype(np.float64)
DGRID_EDGES = DGRID.copy()
DGRID_EDGES.flat[:4] = [-1.0, 1.0, 1.0, -1.0]
# a row whose middle element is the maximum of two dilated windows
SHARED = np.array([[[[0.0, 1.0, 9.0, 2.0, 3.0], [4.0, 5.0, 8.0, 6.0, 7.0]]]], f32)
# max pooling ties: equal values inside one window and across overlapping windows
TIED = np.array([[[[1.0, 3.0, 3.0, 0.5], [2.0, 3.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0],
                   [5.0, 5.0, -1.0, 5.0]]]], f32)


def _conv_pool_samples():
    from dyngrad.ops import activation_pointwise as ap, conv, padding as pd, pooling as pl
    from dyngrad.ops import packed_sequence as pk, pixel_shuffle as ps
    return {
        conv.convolution: [
            ("conv2d", lambda t, x, w, b: F(t).conv2d(x, w, b), [CX, CW, CB]),
            ("conv2d_strided", lambda t, x, w: F(t).conv2d(x, w, None, 2, 1, (1, 2)), [CX, CW]),
            ("conv2d_groups", lambda t, x, w: F(t).conv2d(x, w, groups=2, padding="same"), [CX, CWG]),
            ("conv1d", lambda t, x, w: t.conv1d(x[:, :, 0], w[:, :, 0], stride=2, padding=1), [CX, CW]),
            ("conv1d_unbatched", lambda t, x, w: F(t).conv1d(x[0, :, 0], w[:, :, 0], padding="valid"), [CX, CW]),
            ("conv3d", lambda t, x, w: F(t).conv3d(x[:, :, None], w[:, :, None]), [CX, CW]),
            ("conv_transpose2d", lambda t, x, w, b: F(t).conv_transpose2d(x, w, b, stride=2, padding=1,
                                                                        output_padding=1), [CX, CWT, CB]),
            ("conv_transpose1d", lambda t, x, w: F(t).conv_transpose1d(
                x[:, :, 0], w[:, :2, 0], groups=2, dilation=2), [CX, CWT])],
        conv.im2col: [("unfold", lambda t, x: F(t).unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), [CX]),
                      ("unfold_unbatched_squared", lambda t, x: _sq(F(t).unfold(x[0], 2)), [CX])],
        conv.col2im: [("fold", lambda t, x: F(t).fold(x.reshape(2, 12, 10), (3, 6), 2), [CX]),
                      ("fold_strided_squared", lambda t, x: _sq(F(t).fold(x.reshape(2, 8, 15)[:, :, :9], (4, 5), 2,
                                                                          padding=1, stride=2)), [CX])],
        conv.convolution_backward: [
            ("conv2d_squared", lambda t, x, w, b: _sq(F(t).conv2d(x, w, b, stride=2)), [CX, CW, CB]),
            ("conv_transpose2d_squared", lambda t, x, w: _sq(F(t).conv_transpose2d(x, w, groups=2)),
             [CX.astype(np.float64), CWT[:, :2].astype(np.float64)]),
            # padding 2 (the gradient's accumulator is the padded input) and a 1-d bias
            ("conv1d_bias_padded_squared", lambda t, x, w, b: _sq(t.conv1d(
                x[:, :, 0], w[:, :, 0], b, stride=2, padding=2)), [CX, CW, CB]),
            # one operand a constant: the other's second derivative alone
            ("conv2d_input_only_squared", lambda t, x: _sq(F(t).conv2d(x, t.tensor(CW, dtype=x.dtype), stride=2)),
             [CX]),
            ("conv2d_weight_only_squared", lambda t, w: _sq(F(t).conv2d(t.tensor(CX, dtype=w.dtype), w, padding=1)),
             [CW])],
        pd.constant_pad_nd: [
            ("pad_constant", lambda t, x: F(t).pad(x, (1, 2, 0, 1), value=0.5), [CX]),
            ("pad_crop", lambda t, x: F(t).pad(x, (-1, 1)), [CX]),
            ("conv2d_same_even", lambda t, x, w: F(t).conv2d(x, w, padding="same"),
             [CX.astype(np.float64), CW.astype(np.float64)])],
        pd.reflection_pad1d: [("pad_reflect_1d", lambda t, x: F(t).pad(x[0], (2, 1), mode="reflect"), [CX]),
                              # a negative pad crops after the other side is reflected
                              ("pad_reflect_1d_crop", lambda t, x: F(t).pad(x[0], (2, -4), mode="reflect"), [CX])],
        pd.reflection_pad2d: [("pad_reflect", lambda t, x: F(t).pad(x, (1, 2, 2, 1), mode="reflect"), [CX])],
        pd.reflection_pad3d: [("pad_reflect_3d", lambda t, x: F(t).pad(x[None], (1, 1, 1, 0, 0, 1), mode="reflect"), [CX])],
        pd.replication_pad1d: [("pad_replicate_1d", lambda t, x: F(t).pad(x[0], (2, 3), mode="replicate"), [CX])],
        pd.replication_pad2d: [("pad_replicate", lambda t, x: F(t).pad(x, (3, 0, 1, 2), mode="replicate"), [CX]),
                               ("pad_replicate_crop", lambda t, x: F(t).pad(x, (-7, 2, 1, -3), mode="replicate"), [CX])],
        pd.replication_pad3d: [("pad_replicate_3d", lambda t, x: F(t).pad(x, (1, 1, 1, 0, 0, 1), mode="replicate"), [CX])],
        pd.reflection_pad1d_backward: [("pad_reflect_1d_squared", lambda t, x: _sq(F(t).pad(x[0], (2, 1), mode="reflect")), [CX])],
        pd.reflection_pad2d_backward: [("pad_reflect_squared", lambda t, x: _sq(F(t).pad(x, (1, 1, 1, 1), mode="reflect")), [CX]),
                                       ("pad_reflect_crop_squared", lambda t, x: _sq(F(t).pad(x, (-1, 2, 3, -2), mode="reflect")), [CX])],
        pd.reflection_pad3d_backward: [("pad_reflect_3d_squared", lambda t, x: _sq(F(t).pad(x, (1, 1, 1, 1, 1, 1), mode="reflect")), [CX])],
        pd.replication_pad1d_backward: [("pad_replicate_1d_squared", lambda t, x: _sq(F(t).pad(x[0], (1, 2), mode="replicate")), [CX])],
        pd.replication_pad2d_backward: [("pad_replicate_squared", lambda t, x: _sq(F(t).pad(x, (2, 1, 0, 1), mode="replicate")), [CX])],
        pd.replication_pad3d_backward: [("pad_replicate_3d_squared", lambda t, x: _sq(F(t).pad(x[None], (1, 0, 0, 1, 1, 1), mode="replicate")), [CX])],
        pl.max_pool2d_with_indices: [
            ("max_pool2d", lambda t, x: F(t).max_pool2d(x, 2), [CX]),
            ("max_pool2d_ties", lambda t, x: F(t).max_pool2d(x, 2, stride=1), [TIED]),
            ("max_pool2d_padded_ceil", lambda t, x: F(t).max_pool2d(x, 3, 2, 1, ceil_mode=True), [CX]),
            ("max_pool2d_dilated_indices", lambda t, x: F(t).max_pool2d(x, (2, 2), 1, 0, 2, return_indices=True), [CX]),
            ("max_pool1d", lambda t, x: F(t).max_pool1d(x[0], 2, return_indices=True), [CX]),
            # windows apart (stride 2 = kernel) that dilation makes share their maximum
            ("max_pool2d_dilated_shared", lambda t, x: F(t).max_pool2d(x, (1, 2), (1, 2), 0, (1, 2)),
             [SHARED])],
        pl.max_pool2d_with_indices_backward: [("max_pool2d_squared", lambda t, x: _sq(F(t).max_pool2d(x, 2, 1)), [TIED])],
        pl.avg_pool2d: [
            ("avg_pool2d", lambda t, x: F(t).avg_pool2d(x, 2), [CX]),
            ("avg_pool2d_ceil", lambda t, x: F(t).avg_pool2d(x, 3, 2, 1, ceil_mode=True), [CX]),
            ("avg_pool2d_exclude_pad", lambda t, x: F(t).avg_pool2d(x, 3, 2, 1, True, False), [CX]),
            ("avg_pool2d_divisor", lambda t, x: F(t).avg_pool2d(x, (2, 3), 1, divisor_override=4), [CX]),
            ("avg_pool1d", lambda t, x: F(t).avg_pool1d(x[0], 3, 2, 1), [CX]),
            # stride past the kernel: the last window ends short of the padded input's end
            ("avg_pool2d_stride_past_kernel", lambda t, x: F(t).avg_pool2d(x, 2, 3, 1), [CX])],
        pl.avg_pool2d_backward: [
            ("avg_pool2d_squared", lambda t, x: _sq(F(t).avg_pool2d(x, 3, 2, 1)), [CX]),
            ("avg_pool2d_ceil_divisor_squared", lambda t, x: _sq(F(t).avg_pool2d(
                x, 3, 2, 1, ceil_mode=True, divisor_override=5)), [CX])],
        pl.adaptive_avg_pool2d: [
            ("adaptive_avg_pool2d", lambda t, x: F(t).adaptive_avg_pool2d(x, (3, 4)), [CX]),
            ("adaptive_avg_pool2d_none", lambda t, x: F(t).adaptive_avg_pool2d(x, (None, 4)), [CX]),
            ("adaptive_avg_pool1d", lambda t, x: F(t).adaptive_avg_pool1d(x[0], 4), [CX])],
        pl.adaptive_avg_pool2d_backward: [("adaptive_avg_pool2d_squared", lambda t, x: _sq(F(t).adaptive_avg_pool2d(x, 4)), [CX])],
        pl.adaptive_max_pool2d: [
            ("adaptive_max_pool2d", lambda t, x: F(t).adaptive_max_pool2d(x, (3, 4), True), [CX]),
            ("adaptive_max_pool1d", lambda t, x: F(t).adaptive_max_pool1d(x[0], 4), [CX]),
            ("adaptive_max_pool2d_empty_batch", lambda t, x: F(t).adaptive_max_pool2d(x[:0], 2), [CX])],
        pl.adaptive_max_pool2d_backward: [("adaptive_max_pool2d_squared", lambda t, x: _sq(F(t).adaptive_max_pool2d(x, 3)), [CX])],
        pk.pack_padded_sequence: [
            ("pack_padded", lambda t, x: t.nn.utils.rnn.pack_padded_sequence(x[0], [4, 3, 3, 1, 1]).data, [CX]),
            ("pack_padded_batch_first_squared", lambda t, x: _sq(t.nn.utils.rnn.pack_padded_sequence(
                x[1], [2, 5, 1, 1], batch_first=True, enforce_sorted=False).data), [CX])],
        ps.pixel_shuffle: [("pixel_shuffle", lambda t, x: F(t).pixel_shuffle(x, 2), [CX]),
                           ("pixel_unshuffle_squared", lambda t, x: _sq(F(t).pixel_unshuffle(x[:, :, :4], 2)), [CX])],
        ps.pixel_unshuffle: [("pixel_unshuffle", lambda t, x: t.pixel_unshuffle(x[:, :, :4], 2), [CX]),
                             ("pixel_shuffle_squared", lambda t, x: _sq(t.pixel_shuffle(x, 2)), [CX])],
        ps.channel_shuffle: [("channel_shuffle", lambda t, x: t.channel_shuffle(x, 2), [CX]),
                             ("channel_shuffle_3d_squared", lambda t, x: _sq(F(t).channel_shuffle(x[0, :, :4], 2)), [CX])],
        ap.hardshrink: [("hardshrink", lambda t, x: F(t).hardshrink(x, 0.5), [LX]),
                        ("hardshrink_kinks", lambda t, x: x.hardshrink(1.0), [KINKS])],
        ap.hardshrink_backward: [("hardshrink_squared", lambda t, x: _sq(t.hardshrink(x)), [LX])],
        ap.softshrink: [("softshrink", lambda t, x: F(t).softshrink(x, 0.6), [LX]),
                        ("softshrink_kinks", lambda t, x: F(t).softshrink(x, 1.0), [KINKS])],
        ap.softshrink_backward: [("softshrink_squared", lambda t, x: _sq(F(t).softshrink(x)), [LX])],
        pl.max_pool3d_with_indices: [
            ("max_pool3d", lambda t, x: F(t).max_pool3d(x[:, :, None].expand(2, 4, 3, 5, 6), (2, 2, 3), 1, (1, 0, 1)), [CX])],
        pl.max_pool3d_with_indices_backward: [("max_pool3d_squared", lambda t, x: _sq(F(t).max_pool3d(x.reshape(2, 2, 2, 5, 6), 2)), [CX])],
        pl.avg_pool3d: [("avg_pool3d", lambda t, x: F(t).avg_pool3d(x.reshape(2, 2, 2, 5, 6), 2, 1, 1, True, False), [CX])],
        pl.avg_pool3d_backward: [("avg_pool3d_squared", lambda t, x: _sq(F(t).avg_pool3d(x.reshape(2, 2, 2, 5, 6), (1, 2, 2))), [CX])],
        pl.adaptive_avg_pool3d: [("adaptive_avg_pool3d", lambda t, x: F(t).adaptive_avg_pool3d(x.reshape(2, 2, 2, 5, 6), (1, 2, 4)), [CX])],
        pl.adaptive_avg_pool3d_backward: [("adaptive_avg_pool3d_squared", lambda t, x: _sq(
            F(t).adaptive_avg_pool3d(x.reshape(4, 2, 5, 6), (2, 3, 4))), [CX])],
        pl.adaptive_max_pool3d: [("adaptive_max_pool3d", lambda t, x: F(t).adaptive_max_pool3d(
            x.reshape(2, 2, 2, 5, 6), (2, 2, 4), True), [CX])],
        pl.adaptive_max_pool3d_backward: [("adaptive_max_pool3d_squared", lambda t, x: _sq(
            F(t).adaptive_max_pool3d(x.reshape(2, 2, 2, 5, 6), 2)), [CX])],
        **_fractional_samples(),
        conv.conv_tbc: [
            ("conv_tbc", lambda t, x, w, b: t.conv_tbc(x, w, b), [TBC_X, TBC_W, TBC_B]),
            ("conv_tbc_padded", lambda t, x, w, b: F(t).conv_tbc(x, w[:1], b, 2), [TBC_X, TBC_W, TBC_B]),
            ("conv_tbc_cropped", lambda t, x, w, b: t.conv_tbc(x, w, b, pad=-1), [TBC_X, TBC_W, TBC_B])],
    }


# conv_tbc: (time, batch, channels) input, (width, in, out) kernel
TBC_X = R.standard_normal((5, 2, 3)).astype(f32)
TBC_W = (R.standard_normal((2, 3, 4)) * 0.5).astype(f32)
TBC_B = np.array([0.1, -0.2, 0.3, 0.05], f32)


# window offsets for fractional pooling, as the functional would draw them: (N, C, dims)
FRACTIONAL_U = np.random.default_rng(6).uniform(0, 1, (2, 4, 2)).astype(f32)


def _fractional_samples():
    from dyngrad.ops import fractional_pool as fp

    def frac2d(*args, **kw):   # offsets drawn from torch's stream at a fixed seed
        return lambda t, x: _seeded(t, lambda: F(t).fractional_max_pool2d(x, *args, **kw))
    return {
        fp.fractional_max_pool2d: [
            ("fractional_max_pool2d", frac2d(2, output_size=(3, 4)), [CX]),
            ("fractional_max_pool2d_ratio_indices", frac2d((2, 3), output_ratio=(0.6, 0.5),
                                                           return_indices=True), [CX]),
            ("fractional_max_pool2d_unbatched", lambda t, x: _seeded(
                t, lambda: F(t).fractional_max_pool2d(x[1], 3, 3)), [CX]),
            ("fractional_max_pool2d_given_samples", lambda t, x, u: F(t).fractional_max_pool2d(
                x, 2, (4, 2), _random_samples=u.detach()), [CX, FRACTIONAL_U])],
        fp.fractional_max_pool2d_backward: [
            ("fractional_max_pool2d_squared", lambda t, x: _sq(frac2d(2, 4)(t, x)), [CX])],
        fp.fractional_max_pool3d: [
            ("fractional_max_pool3d", lambda t, x: _seeded(t, lambda: F(t).fractional_max_pool3d(
                x.reshape(1, 2, 4, 5, 6), (2, 1, 2), output_size=(2, 4, 3), return_indices=True)), [CX]),
            ("fractional_max_pool3d_unbatched_ratio", lambda t, x: _seeded(
                t, lambda: F(t).fractional_max_pool3d(x.reshape(2, 4, 5, 6), 2, output_ratio=0.5)), [CX])],
        fp.fractional_max_pool3d_backward: [
            ("fractional_max_pool3d_squared", lambda t, x: _sq(_seeded(t, lambda: F(t).fractional_max_pool3d(
                x.reshape(1, 2, 4, 5, 6), 2, 2))), [CX])],
    }


P = np.array([[0.1, 0.5, 0.9], [0.35, 0.7, 0.25]], f32)                # probabilities
T = np.array([[0.0, 1.0, 0.6], [0.3, 0.8, 1.0]], f32)                  # targets, with 0 and 1
# targets inside (0, 1), for binary_cross_entropy's differentiated target: torch refuses
# one outside [0, 1], where finite differences would step a 0 or a 1
TI = np.array([[0.05, 0.95, 0.6], [0.3, 0.8, 0.5]], f32)
# probabilities and targets at the bounds 0 and 1, where the logs are clamped and the
# derivatives' denominators take torch's eps
PB = np.array([[0.0, 1.0, 0.5], [0.0, 1.0, 0.25]], f32)
TB = np.array([[0.0, 1.0, 0.3], [0.5, 0.5, 0.25]], f32)
LX = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)
LY = np.array([[0.1, -0.2, 3.0], [1.0, 0.4, 0.85]], f32)               # |x - y| on both sides of 1


def _loss_samples():
    from dyngrad.ops import loss, statistics as stat
    W3 = np.array([0.5, 2.0, 1.5], f32)
    return {
        stat.norm_dim: [
            ("pairwise_distance", lambda t, x, y: F(t).pairwise_distance(x, y), [LX, LY]),
            ("pairwise_distance_p1_5_keepdim", lambda t, x, y: t.pairwise_distance(
                x, y, 1.5, 1e-3, True), [LX, LY]),
            ("pairwise_distance_1d_p3", lambda t, x, y: F(t).pairwise_distance(x[0], y, 3), [LX, LY]),
            ("triplet_margin_with_distance_swap", lambda t, x, y: F(t).triplet_margin_with_distance_loss(
                x, y, y.flip(0), swap=True, reduction="none"), [LX, LY])],
        loss.binary_cross_entropy: [
            ("bce", lambda t, x, y: F(t).binary_cross_entropy(x, y), [P, TI]),
            ("bce_weight_sum", lambda t, x, y: F(t).binary_cross_entropy(x, y, t.tensor(W3), reduction="sum"), [P, TI]),
            ("bce_none", lambda t, x: F(t).binary_cross_entropy(
                x, t.tensor(T, dtype=x.dtype), reduction="none"), [P]),
            ("bce_at_bounds", lambda t, x, y: F(t).binary_cross_entropy(x, y, reduction="sum"),
             [PB, TB])],
        loss.binary_cross_entropy_backward: [
            ("bce_squared", lambda t, x, y: _sq(F(t).binary_cross_entropy(x, y, reduction="none")), [P, TI]),
            ("bce_at_bounds_squared", lambda t, x: _sq(F(t).binary_cross_entropy(
                x, t.tensor(TB), reduction="none")), [PB]),
            # (float64) within torch's eps of the bounds, where the eps it adds counts
            ("bce_near_bounds_squared", lambda t, x: _sq(F(t).binary_cross_entropy(
                x, t.tensor([[0.5, 0.5, 0.3], [0.5, 0.5, 0.25]], dtype=x.dtype), reduction="none")),
             [np.array([[1e-12, 0.7, 0.5], [2e-12, 1 - 2.0 ** -39, 0.25]])])],
        loss.binary_cross_entropy_with_logits: [
            ("bce_logits", lambda t, x, y: F(t).binary_cross_entropy_with_logits(x, y), [LX, T]),
            ("bce_logits_pos_weight", lambda t, x, y: F(t).binary_cross_entropy_with_logits(
                x, y, t.tensor(W3), reduction="sum", pos_weight=t.tensor(W3[::-1].copy())), [LX, T])],
        loss.smooth_l1_loss: [("smooth_l1", lambda t, x, y: F(t).smooth_l1_loss(x, y), [LX, LY]),
                              # a target broadcast to the input (expanded, as torch's)
                              ("smooth_l1_broadcast", lambda t, x, y: F(t).smooth_l1_loss(
                                  x, y[1], reduction="sum"), [LX, LY]),
                              ("smooth_l1_beta", lambda t, x, y: F(t).smooth_l1_loss(x, y, reduction="none", beta=0.5), [LX, LY])],
        loss.smooth_l1_loss_backward: [("smooth_l1_squared", lambda t, x, y: _sq(F(t).smooth_l1_loss(x, y, reduction="sum")), [LX, LY])],
        loss.huber_loss: [("huber", lambda t, x, y: F(t).huber_loss(x, y), [LX, LY]),
                          ("huber_delta", lambda t, x, y: F(t).huber_loss(x, y, "none", 0.5), [LX, LY])],
        loss.huber_loss_backward: [("huber_squared", lambda t, x, y: _sq(F(t).huber_loss(x, y, delta=1.5)), [LX, LY])],
        loss.nll_loss2d: [
            ("cross_entropy_4d", lambda t, x: F(t).cross_entropy(x[:, :3, :2, :2], t.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]])), [CX]),
            ("cross_entropy_3d_none", lambda t, x: F(t).cross_entropy(x[:, :3, 0, :2], t.tensor([[0, 1], [2, 1]]), reduction="none"), [CX]),
            ("nll_loss_4d_weight", lambda t, x: F(t).nll_loss(x[:, :3, :2, :2], t.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]]),
                                                             t.tensor(W3, dtype=x.dtype), ignore_index=1, reduction="sum"), [CX])],
        loss.nll_loss2d_backward: [
            ("nll_loss2d_weight_ignore_squared", lambda t, x: _sq(F(t).nll_loss(
                x[:, :3, :2, :2], t.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]]),
                t.tensor(W3, dtype=x.dtype), ignore_index=1, reduction="none")), [CX]),
            ("nll_loss2d_grad", lambda t, x: _grad_squared(t, lambda z: F(t).nll_loss(
            z[:, :3, :2, :2], t.tensor([[[0, 1], [2, 1]], [[1, 1], [0, 2]]])), x), [CX])],
    }


def _grad_squared(torch, f, x):
    g, = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return g * g


AQ = R.standard_normal((2, 2, 3, 4)).astype(f32)                        # (N, heads, L, E)
AK = R.standard_normal((2, 2, 5, 4)).astype(f32)
AV = R.standard_normal((2, 2, 5, 4)).astype(f32)
AMASK = (R.standard_normal((3, 5)) * 0.5).astype(f32)
ABOOL = np.array([[True, False, True, True, False], [False, True, True, False, True],
                  [True, True, False, False, False]])


def _attention_upsample_samples():
    from dyngrad.ops import attention as at, upsample as up
    sdpa = (lambda t: t.nn.functional.scaled_dot_product_attention)
    return {
        at.flash_attention: [
            ("sdpa", lambda t, q, k, v: sdpa(t)(q, k, v), [AQ, AK, AV]),
            ("sdpa_causal_scale", lambda t, q, k, v: sdpa(t)(q, k, v, is_causal=True, scale=0.7), [AQ, AK, AV]),
            ("sdpa_float_mask", lambda t, q, k, v: sdpa(t)(q, k, v, t.tensor(AMASK)), [AQ, AK, AV]),
            ("sdpa_bool_mask", lambda t, q, k, v: sdpa(t)(q, k, v, t.tensor(ABOOL)), [AQ, AK, AV])],
        at.flash_attention_backward: [("sdpa_squared", lambda t, q, k, v: _sq(sdpa(t)(q, k, v)), [AQ, AK, AV])],
        at.safe_softmax: [
            ("sdpa_3d", lambda t, q, k, v: sdpa(t)(q[0], k[0], v[0]), [AQ, AK, AV]),
            ("sdpa_3d_causal", lambda t, q, k, v: sdpa(t)(q[0], k[0], v[0], is_causal=True), [AQ, AK, AV]),
            ("sdpa_3d_bool_mask", lambda t, q, k, v: sdpa(t)(q[0], k[0], v[0], t.tensor(ABOOL)), [AQ, AK, AV]),
            ("sdpa_value_dim", lambda t, q, k, v: sdpa(t)(q, k, v[..., :3], t.tensor(AMASK)), [AQ, AK, AV])],
        up.upsample_nearest2d: [
            ("interpolate_nearest", lambda t, x: F(t).interpolate(x, scale_factor=2), [CX]),
            ("interpolate_nearest_size", lambda t, x: F(t).interpolate(x, size=(7, 4)), [CX]),
            ("interpolate_nearest_scale", lambda t, x: F(t).interpolate(x, scale_factor=1.7), [CX])],
        up.upsample_nearest2d_backward: [("interpolate_nearest_squared", lambda t, x: _sq(F(t).interpolate(x, size=(3, 8))), [CX])],
        up.upsample_nearest1d: [("interpolate_nearest_1d", lambda t, x: F(t).interpolate(x[0], scale_factor=2.5), [CX])],
        up.upsample_nearest1d_backward: [("interpolate_nearest_1d_squared", lambda t, x: _sq(F(t).interpolate(x[0], size=9)), [CX])],
        up.upsample_bilinear2d: [
            ("interpolate_bilinear", lambda t, x: F(t).interpolate(x, size=(7, 9), mode="bilinear"), [CX]),
            ("interpolate_bilinear_corners", lambda t, x: F(t).interpolate(x, scale_factor=(1.5, 0.5), mode="bilinear",
                                                                          align_corners=True), [CX])],
        up.upsample_bilinear2d_backward: [("interpolate_bilinear_squared", lambda t, x: _sq(F(t).interpolate(
            x, scale_factor=2, mode="bilinear")), [CX])],
        up.upsample_linear1d: [("interpolate_linear", lambda t, x: F(t).interpolate(x[0], size=8, mode="linear"), [CX])],
        up.upsample_linear1d_backward: [("interpolate_linear_squared", lambda t, x: _sq(F(t).interpolate(
            x[0], size=4, mode="linear", align_corners=True)), [CX])],
        **_more_upsample_samples(up),
    }


def _more_upsample_samples(up):
    """One sample per further mode, each growing one dim and shrinking another, and one
    through its backward entry (squared output: double backward)."""
    def interp(mode, first, size, **kw):
        return lambda t, x: F(t).interpolate(first(x), size=size, mode=mode, **kw)

    def volume(x):
        return x[:1].reshape(1, 2, 3, 4, 5)

    modes = [(up.upsample_nearest3d, up.upsample_nearest3d_backward, "nearest", volume, (4, 6, 2), {}),
             (up.upsample_nearest_exact1d, up.upsample_nearest_exact1d_backward, "nearest-exact",
              lambda x: x[0], 9, {}),
             (up.upsample_nearest_exact2d, up.upsample_nearest_exact2d_backward, "nearest-exact",
              lambda x: x, (7, 4), {}),
             (up.upsample_nearest_exact3d, up.upsample_nearest_exact3d_backward, "nearest-exact",
              volume, (2, 5, 7), {}),
             (up.upsample_trilinear3d, up.upsample_trilinear3d_backward, "trilinear", volume,
              (4, 3, 7), {}),
             (up.upsample_bicubic2d, up.upsample_bicubic2d_backward, "bicubic", lambda x: x,
              (8, 4), {}),
             (up.upsample_bilinear2d_aa, up.upsample_bilinear2d_aa_backward, "bilinear",
              lambda x: x, (3, 9), {"antialias": True}),
             (up.upsample_bicubic2d_aa, up.upsample_bicubic2d_aa_backward, "bicubic",
              lambda x: x, (2, 8), {"antialias": True, "align_corners": True}),
             (up.upsample_lanczos2d_aa, up.upsample_lanczos2d_aa_backward, "lanczos",
              lambda x: x, (3, 7), {"antialias": True})]
    samples = {}
    for fwd, back, mode, first, size, kw in modes:
        dims = len(size) if isinstance(size, tuple) else 1
        name = f"interpolate_{mode}_{dims}d{'_aa' if kw.get('antialias') else ''}"
        f = interp(mode, first, size, **kw)
        samples[fwd] = [(name, f, [CX])]
        samples[back] = [(name + "_squared", lambda t, x, f=f: _sq(f(t, x)), [CX])]
    return samples


NEEDS_GRAD = {"embedding_grad", "nll_loss2d_grad"}


def _raises_in_backward():
    # entries whose node is torch's NotImplemented: the backward raises, naming the op
    from dyngrad.ops import activation_pointwise as ap, pixel_shuffle as ps, rrelu as rr
    return {ps.native_channel_shuffle: [
        lambda t, x, y: t.native_channel_shuffle(x.reshape(1, 6, 1), 3),
        lambda t, x, y: F(t).native_channel_shuffle(y.reshape(2, 3, 1), 1)],
        # (and the in-place leaky_relu with a negative slope: its saved result has lost
        # the input's sign)
        ap.leaky_relu_: [lambda t, x, y: F(t).leaky_relu(x * 1, -0.5, True)],
        # (rrelu's in evaluation is leaky_relu's at the mean slope)
        rr.rrelu_with_noise_: [lambda t, x, y: F(t).rrelu(x * 1, -0.5, -0.1, inplace=True)]}


RAISES_IN_BACKWARD = _raises_in_backward()


def _no_derivative():
    # backward entries torch gives no derivative (their own backward raises, as torch's)
    from dyngrad.ops import ctc_loss as ctc, embedding_bag as bag
    from dyngrad.ops import margin_loss as ml, distance as pd
    return {bag.embedding_bag_backward, bag.per_sample_weights_backward,
            ml.multi_margin_loss_backward, ml.multilabel_margin_loss_backward, pd.pdist_backward,
            ctc.ctc_loss_backward, pd.cdist_backward}


NO_DERIVATIVE = _no_derivative()
# compared with torch, not with finite differences: cases on a kink, and gradients that
# are not the derivative by design (the padding row gets none; frequency scaling)
NO_FINITE_DIFF = {"rrelu_eval", "rrelu_train", "rrelu_inplace", "rrelu_train_squared",
                  "rrelu_inplace_eval", "rrelu_eval_negative",
                  "rrelu_eval_squared", "leaky_relu_kinks", "hardtanh_kinks", "hardsigmoid_kinks", "hardswish_kinks",
                  "threshold_kinks", "embedding_padding", "embedding_freq_squared",
                  "embedding_padding0_product", "cdist_by_products_ties",
                  "max_pool2d_ties", "max_pool2d_squared", "max_pool3d", "hardshrink_kinks",
                  "softshrink_kinks", "elu_at_zero_exp", "softplus_at_threshold_squared",
                  "prelu_kinks_squared", "bce_at_bounds", "bce_at_bounds_squared",
                  "grid_sample_border_edges_squared",
                  "bce_near_bounds_squared"}
_HAND_WRITTEN = ("grad2: torch's double backward is hand-written C++; dyngrad differentiates "
                 "its backward written with table ops (same values)")
# case id -> the records whose graphs are compared, for the cases that cannot match
_BEFORE_GRAD2 = ("forward", "backward", "grad", "second_order")
GRAPHS = {
    # torch records NotImplemented for hardsigmoid_backward's own derivative; dyngrad's
    # is differentiable (zero)
    # (and raises when run: so no second derivatives are taken)
    "hardsigmoid": ("forward", "backward"), "hardsigmoid_kinks": ("forward", "backward"),
    "hardsigmoid_squared": ("forward", "backward"),
    # torch has no derivative of embedding_bag's backward (nor does dyngrad)
    "embedding_bag_sum": ("forward", "backward"), "embedding_bag_max_ties": ("forward", "backward"),
    "embedding_bag_weighted": ("forward", "backward"),
    "multi_margin": ("forward", "backward"), "multi_margin_p2_weight": ("forward", "backward"),
    "multilabel_margin": ("forward", "backward"),
    "pdist": ("forward", "backward"), "pdist_p1_5": ("forward", "backward"),
    "ctc_loss": ("forward", "backward"), "ctc_loss_zero_infinity": ("forward", "backward"), "cdist": ("forward", "backward"),
    "cdist_p1_batched": ("forward", "backward"), "cdist_p1_x2_batched": ("forward", "backward"),
    "cdist_x1_only": ("forward", "backward"),
    # torch's double backward of grid_sample is its decomposition into pointwise ops;
    # dyngrad's differentiates the same sampling written with table ops: same values
    **dict.fromkeys(("grid_sample_bilinear", "grid_sample_bicubic_reflection",
                     "grid_sample_3d_border", "grid_sample_squared",
                     "grid_sample_nearest_border_squared", "grid_sample_3d_reflection_squared",
                     "grid_sample_input_only", "grid_sample_border_edges_squared",
                     "grid_sample_reflection_far_squared", "grid_sample_reflection_one_row_squared",
                     "grid_sample_3d_squared", "grid_sample_nearest_grid_only_squared"),
                    ("forward", "backward", "grad", "second_order")),
    # torch's norm_backward raises |x| to p - 2 in place (a CloneBackward0 in its second
    # derivatives' graph; statistics._norm_backward): same values
    "pairwise_distance_p1_5_keepdim": _BEFORE_GRAD2, "pairwise_distance_1d_p3": _BEFORE_GRAD2,
    # torch's conv_tbc_backward is composed of in-place matmuls (CopySlices in the graphs of
    # the derivatives); dyngrad's is conv_tbc again: same values
    **dict.fromkeys(("conv_tbc", "conv_tbc_padded", "conv_tbc_cropped"),
                    ("forward", "backward", "second_order")),
    # hand-written double backwards in torch (_HAND_WRITTEN)
    "glu": _BEFORE_GRAD2, "glu_dim": _BEFORE_GRAD2, "glu_squared": _BEFORE_GRAD2,
    "gelu_tanh": _BEFORE_GRAD2, "gelu_tanh_squared": _BEFORE_GRAD2,
    "prelu_squared": _BEFORE_GRAD2, "prelu_kinks_squared": _BEFORE_GRAD2,
    "layer_norm": _BEFORE_GRAD2, "layer_norm_2d": _BEFORE_GRAD2, "layer_norm_fn": _BEFORE_GRAD2,
    "layer_norm_squared": _BEFORE_GRAD2, "layer_norm_2d_affine": _BEFORE_GRAD2,
    "layer_norm_2d_squared": _BEFORE_GRAD2,
    # torch differentiates its composite _weight_norm_differentiable_backward; dyngrad's
    # formula is composed of other ops (same values)
    "weight_norm_dim0": _BEFORE_GRAD2, "weight_norm_last": _BEFORE_GRAD2,
    "weight_norm_g_only": _BEFORE_GRAD2, "weight_norm_v_only": _BEFORE_GRAD2,
    "batch_norm_train": _BEFORE_GRAD2, "batch_norm_eval": _BEFORE_GRAD2,
    "batch_norm_no_stats": _BEFORE_GRAD2, "instance_norm": _BEFORE_GRAD2,
    "batch_norm_squared": _BEFORE_GRAD2, "batch_norm_eval_squared": _BEFORE_GRAD2,
    "batch_norm_eval_squared_plain": _BEFORE_GRAD2,
    # torch differentiates a composite group-norm backward under create_graph
    # (infinitely_differentiable_native_group_norm_backward); dyngrad another composite
    "bce_squared": _BEFORE_GRAD2, "bce": _BEFORE_GRAD2, "bce_weight_sum": _BEFORE_GRAD2,
    "bce_none": _BEFORE_GRAD2, "bce_at_bounds": _BEFORE_GRAD2, "bce_at_bounds_squared": _BEFORE_GRAD2,
    "bce_near_bounds_squared": _BEFORE_GRAD2,
    # the double backward of a convolution: torch's _convolution_double_backward, dyngrad's
    # written with the convolution entries (see ops/conv.py)
    **dict.fromkeys(("conv2d_squared", "conv_transpose2d_squared", "conv1d_bias_padded_squared",
                     "conv2d_input_only_squared", "conv2d_weight_only_squared"), _BEFORE_GRAD2),
    # torch's fused attention kernel has no derivative of its backward (NotImplemented);
    # dyngrad's raises the same error when run
    "sdpa": ("forward", "backward"), "sdpa_causal_scale": ("forward", "backward"),
    "sdpa_float_mask": ("forward", "backward"), "sdpa_bool_mask": ("forward", "backward"),
    "sdpa_squared": ("forward", "backward"),
    # the second derivative through matmul's backward reshapes a summed gradient: torch's
    # layout makes that a ReshapeAliasBackward0, dyngrad's a ViewBackward0 (matmul's layout
    # tracking, not the attention code)
    "sdpa_3d": _BEFORE_GRAD2, "sdpa_3d_causal": _BEFORE_GRAD2, "sdpa_3d_bool_mask": _BEFORE_GRAD2,
    "sdpa_value_dim": _BEFORE_GRAD2,
    # the input saved by an in-place op: torch saves a clone (CloneBackward0 in the first
    # derivative's graph), dyngrad's in-place mechanism the input as it was
    "threshold_inplace": ("forward", "backward", "second_order"),
    "group_norm": ("forward", "backward", "second_order"),
    "group_norm_plain": ("forward", "backward", "second_order"),
    "group_norm_empty_batch": ("forward", "backward", "second_order"),
}
SAMPLES = _samples()

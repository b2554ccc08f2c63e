"""nn.functional's user mistakes raise torch's exception type with torch's message."""
import numpy as np
import pytest

from tests.ops.oracle import assert_same_error

f32 = np.float32
X4 = np.ones((2, 3, 5, 5), f32)
X2 = np.ones((4, 3), f32)
W = np.ones((4, 3, 3, 3), f32)
P = np.full((4, 3), 0.5, f32)


def F(t):
    return t.nn.functional


CASES = {
    "conv_channels": (lambda t, x: F(t).conv2d(x, t.ones(4, 2, 3, 3)), [X4]),
    # a target one past the last class, and one below the first (not the ignore_index)
    "nll_target_at_classes": (lambda t, x: F(t).nll_loss(x, t.tensor([0, 3, 1, 2])), [X2]),
    "nll_target_negative": (lambda t, x: F(t).nll_loss(x, t.tensor([0, -1, 1, 2])), [X2]),
    "nll2d_target_at_classes": (lambda t, x: F(t).nll_loss(x, t.tensor([[[3] * 5] * 5] * 2)), [X4]),
    "mse_weight_size": (lambda t, x: F(t).mse_loss(x, x, weight=t.ones(3)), [X2]),
    "l1_weight_size": (lambda t, x: F(t).l1_loss(x, x[0], weight=t.ones(3)), [X2]),
    "conv_input_rank": (lambda t, x: F(t).conv2d(x[0, 0], t.ones(4, 3, 3, 3)), [X4]),
    "conv_kernel_too_big": (lambda t, x: F(t).conv2d(x, t.ones(4, 3, 7, 7)), [X4]),
    "conv_groups": (lambda t, x: F(t).conv2d(x, t.ones(3, 3, 3, 3), groups=2), [X4]),
    "conv_same_strided": (lambda t, x, w: F(t).conv2d(x, w, padding="same", stride=2), [X4, W]),
    "conv_bad_padding_string": (lambda t, x, w: F(t).conv2d(x, w, padding="full"), [X4, W]),
    "conv_bias_size": (lambda t, x, w: F(t).conv2d(x, w, t.ones(3)), [X4, W]),
    "conv_transpose_channels": (lambda t, x: F(t).conv_transpose2d(x, t.ones(4, 2, 3, 3)), [X4]),
    # operands of other dtypes: the bias's checked first (not by the transposed forms), the
    # weight's after the shapes, worded by the path torch's kernel takes (oneDNN for
    # bfloat16, and for float32 but a single small image)
    "conv_bias_dtype": (lambda t, x, w: F(t).conv2d(x[0, 0], w, t.ones(3, dtype=t.int64)), [X4, W]),
    "conv1d_bias_dtype": (lambda t, x, w: F(t).conv1d(x[0, :, 0], w[:, :, 0], t.ones(4).half()), [X4, W]),
    "conv_weight_dtype": (lambda t, x, w: F(t).conv3d(x[:, :, None], w[:, :, None].double()), [X4, W]),
    "conv_weight_dtype_after_shapes": (lambda t, x: F(t).conv2d(x, t.ones(4, 2, 3, 3).double()), [X4]),
    "conv_bfloat16_weight_dtype": (lambda t, x, w: F(t).conv2d(x.bfloat16(), w.cfloat()), [X4, W]),
    "conv_transpose_weight_dtype": (lambda t, x, w: F(t).conv_transpose2d(
        x, w.permute(1, 0, 2, 3).half(), t.ones(4).double()), [X4, W]),
    "conv_one_image_weight_dtype": (lambda t, x, w: F(t).conv2d(x[:1], w.double(), stride=2), [X4, W]),
    "conv_float64_weight_dtype": (lambda t, x, w: F(t).conv2d(x.double(), w, groups=3), [X4, W[:, :1]]),
    "max_pool_padding": (lambda t, x: F(t).max_pool2d(x, 2, padding=2), [X4]),
    "max_pool_rank": (lambda t, x: F(t).max_pool2d(x[0, 0, 0], 2), [X4]),
    "max_pool_too_small": (lambda t, x: F(t).max_pool2d(x, 7), [X4]),
    "avg_pool_too_small": (lambda t, x: F(t).avg_pool2d(x, 7), [X4]),
    "adaptive_rank": (lambda t, x: F(t).adaptive_avg_pool2d(x[0, 0, 0], 2), [X4]),
    # an empty dim: the average's plane (its channels may be empty), the others' every
    # dim but the batch; the 1-d average worded as the 2-d one it runs
    "adaptive_avg_empty_plane": (lambda t, x: F(t).adaptive_avg_pool2d(x[:, :, :0], 2), [X4]),
    "adaptive_max_empty_channels": (lambda t, x: F(t).adaptive_max_pool2d(x[:, :0], 2), [X4]),
    "adaptive_max1d_empty": (lambda t, x: F(t).adaptive_max_pool1d(x[0, :, 0, :0], 2), [X4]),
    "adaptive_avg1d_empty": (lambda t, x: F(t).adaptive_avg_pool1d(x[0, :, 0, :0], 2), [X4]),
    "adaptive_avg3d_empty_channels": (lambda t, x: F(t).adaptive_avg_pool3d(x[:, :0, None], 2),
                                      [X4]),
    "adaptive_max3d_empty": (lambda t, x: F(t).adaptive_max_pool3d(x[:, :, None, :0], 2), [X4]),
    "max_pool1d_stride": (lambda t, x: F(t).max_pool1d(x[0], 2, stride=0), [X4]),
    "layer_norm_shape": (lambda t, x: F(t).layer_norm(x, (4,)), [X2]),
    "layer_norm_weight": (lambda t, x: F(t).layer_norm(x, (3,), t.ones(4)), [X2]),
    "group_norm_groups": (lambda t, x: F(t).group_norm(x, 2), [X4]),
    "batch_norm_one_value": (lambda t, x: F(t).batch_norm(x[:1], None, None, training=True), [X2]),
    "batch_norm_stats_size": (lambda t, x: F(t).batch_norm(x, t.zeros(4), t.ones(4)), [X2]),
    "batch_norm_eps": (lambda t, x: F(t).batch_norm(x, None, None, training=True, eps=0.0), [X2]),
    "dropout_p": (lambda t, x: F(t).dropout(x, 1.5), [X2]),
    "dropout1d_rank": (lambda t, x: F(t).dropout1d(x), [X4]),
    "embedding_padding_idx": (lambda t, w: F(t).embedding(t.tensor([1]), w, padding_idx=4), [X2]),
    "embedding_range": (lambda t, w: F(t).embedding(t.tensor([7]), w), [X2]),
    "embedding_float_indices": (lambda t, w: F(t).embedding(t.tensor([1.0]), w), [X2]),
    "one_hot_dtype": (lambda t: F(t).one_hot(t.tensor([1.0])), []),
    "one_hot_negative": (lambda t: F(t).one_hot(t.tensor([-1])), []),
    "one_hot_classes": (lambda t: F(t).one_hot(t.tensor([3]), 2), []),
    "bce_range": (lambda t, x, y: F(t).binary_cross_entropy(x * 3, y), [P, P]),
    "bce_target_range": (lambda t, x, y: F(t).binary_cross_entropy(x, y * 3), [P, P]),
    "bce_target_nan": (lambda t, x, y: F(t).binary_cross_entropy(x, y * float("nan")), [P, P]),
    "bce_input_nan": (lambda t, x, y: F(t).binary_cross_entropy(x * float("nan"), y), [P, P]),
    "bce_size": (lambda t, x, y: F(t).binary_cross_entropy(x, y[0]), [P, P]),
    "bce_logits_size": (lambda t, x, y: F(t).binary_cross_entropy_with_logits(x, y[0]), [P, P]),
    "l1_broadcast": (lambda t, x, y: F(t).l1_loss(x, y[:2]), [X2, X2]),
    "reduction_name": (lambda t, x, y: F(t).kl_div(x, y, reduction="avg"), [X2, X2]),
    "cross_entropy_class": (lambda t, x: F(t).cross_entropy(x, t.tensor([0, 1, 5, 0])), [X2]),
    "cross_entropy_batch": (lambda t, x: F(t).cross_entropy(x, t.tensor([0, 1, 2])), [X2]),
    "cross_entropy_prob_dtype": (lambda t, x: F(t).cross_entropy(x, t.ones(4, 3, dtype=t.long)), [X2]),
    "cross_entropy_smoothing": (lambda t, x: F(t).cross_entropy(x, t.tensor([0, 1, 2, 0]), label_smoothing=1.5), [X2]),
    "pad_odd": (lambda t, x: F(t).pad(x, (1, 2, 3)), [X4]),
    "pad_mode_size": (lambda t, x: F(t).pad(x, (1, 1), mode="reflect"), [X4]),
    "pad_reflect_too_big": (lambda t, x: F(t).pad(x, (5, 5), mode="reflect"), [X2]),
    # negative pads cropping too much: torch's messages differ by rank and mode
    # (inputs of 3, 4 and 5 dims for 1, 2 and 3 padded dims)
    **{f"pad_{mode}_{name}": (lambda t, x, mode=mode, pad=pad: F(t).pad(
        x[0] if len(pad) == 2 else x if len(pad) == 4 else x[None], pad, mode=mode), [X4])
       for mode in ("reflect", "replicate") for name, pad in (
           ("1d_empty", (-3, -2)), ("1d_negative", (-6, 0)),
           ("2d_empty", (-5, 0, 0, -5)), ("2d_negative", (-6, 0, 0, -7)),
           ("2d_one_negative", (-6, 0, 0, 0)), ("3d_empty", (-5, 0, 0, -5, -3, 0)),
           ("3d_one_negative", (0, 0, -1, -5, 0, 0)))},
    "pad_circular_crop_empty": (lambda t, x: F(t).pad(x, (0, 0, -2, -4), mode="circular"), [X4]),
    "pad_circular_wraps_twice": (lambda t, x: F(t).pad(x, (-7, -7, 6, 0), mode="circular"), [X4]),
    "interpolate_both": (lambda t, x: F(t).interpolate(x, size=3, scale_factor=2), [X4]),
    "interpolate_neither": (lambda t, x: F(t).interpolate(x), [X4]),
    "interpolate_align_nearest": (lambda t, x: F(t).interpolate(x, scale_factor=2, align_corners=True), [X4]),
    "glu_odd": (lambda t, x: F(t).glu(x), [X2]),
    "hardtanh_bounds": (lambda t, x: F(t).hardtanh(x, 2.0, 1.0), [X2]),
    "fold_blocks": (lambda t, x: F(t).fold(x.reshape(2, 12, 10)[:, :, :6], (4, 5), 2), [np.ones((2, 120), f32)]),
    "linear_shapes": (lambda t, x: F(t).linear(x, t.ones(5, 4)), [X2]),
}


@pytest.mark.parametrize("name", CASES)
def test_error_like_torch(name):
    call, arrays = CASES[name]
    assert_same_error(call, *arrays)

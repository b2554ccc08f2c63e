"""torch's pooling functions read their window arguments as torch does: each argument's
length, then the input's rank, then each dim's output size (stride, padding), then the
shape checks (kernel, stride and dilation above zero, no empty plane, padding within half
the kernel, an output), each in torch's words; empty batches pool to empty results, and an
adaptive average to 1x1 is a mean of any rank."""
import numpy as np
import pytest

from tests.ops.oracle import assert_same, assert_same_error

X = np.random.default_rng(0).standard_normal((2, 3, 5, 6)).astype(np.float32)


def F(t):
    return t.nn.functional


ERRORS = {
    # lengths of the window arguments
    "max2d_kernel_length": lambda t, x: F(t).max_pool2d(x, (2, 2, 2)),
    "max2d_stride_length": lambda t, x: F(t).max_pool2d(x, 2, (1, 1, 1)),
    "max2d_padding_length": lambda t, x: F(t).max_pool2d(x, 2, 1, (0, 0, 0)),
    "max2d_dilation_length": lambda t, x: F(t).max_pool2d(x, 2, 1, 0, (1, 1, 1)),
    "avg2d_kernel_length": lambda t, x: F(t).avg_pool2d(x, (2, 2, 2)),
    "avg2d_stride_length": lambda t, x: F(t).avg_pool2d(x, 2, (1, 1, 1)),
    "avg2d_padding_length": lambda t, x: F(t).avg_pool2d(x, 2, 1, (0, 0, 0)),
    "max3d_kernel_length": lambda t, x: F(t).max_pool3d(x, (2, 2)),
    "max3d_stride_length": lambda t, x: F(t).max_pool3d(x, 2, (1, 1)),
    "max3d_padding_length": lambda t, x: F(t).max_pool3d(x, 2, 1, (0, 0)),
    "max3d_dilation_length": lambda t, x: F(t).max_pool3d(x, 2, 1, 0, (1, 1)),
    "avg3d_kernel_length": lambda t, x: F(t).avg_pool3d(x, (2, 2)),
    "avg3d_stride_length": lambda t, x: F(t).avg_pool3d(x, 2, (1, 1)),
    "avg3d_padding_length": lambda t, x: F(t).avg_pool3d(x, 2, 1, (0, 0)),
    # ranks
    "max2d_rank": lambda t, x: F(t).max_pool2d(x[0, 0], 2),
    "max2d_rank_5d": lambda t, x: F(t).max_pool2d(x[None], 2),
    "avg2d_rank": lambda t, x: F(t).avg_pool2d(x[0, 0], 2),
    "avg2d_rank_1d": lambda t, x: F(t).avg_pool2d(x[0, 0, 0], 2),
    "avg2d_rank_5d": lambda t, x: F(t).avg_pool2d(x[None], 2),
    "max3d_rank": lambda t, x: F(t).max_pool3d(x[0], 2),
    "avg3d_rank": lambda t, x: F(t).avg_pool3d(x[0], 2),
    "avg3d_rank_before_divisor": lambda t, x: F(t).avg_pool3d(x[0], 2, divisor_override=0),
    "avg2d_divisor": lambda t, x: F(t).avg_pool2d(x, 2, divisor_override=0),
    "avg2d_divisor_before_stride": lambda t, x: F(t).avg_pool2d(x, 0, divisor_override=0),
    "avg3d_divisor": lambda t, x: F(t).avg_pool3d(x, 2, divisor_override=0),
    # each dim's output size
    "max2d_stride_zero": lambda t, x: F(t).max_pool2d(x, 2, 0),
    "max2d_kernel_zero": lambda t, x: F(t).max_pool2d(x, 0),
    "avg2d_stride_zero": lambda t, x: F(t).avg_pool2d(x, 2, (1, 0)),
    "max3d_stride_zero": lambda t, x: F(t).max_pool3d(x, 2, 0),
    "max2d_padding_negative": lambda t, x: F(t).max_pool2d(x, 2, padding=-1),
    "avg2d_padding_negative": lambda t, x: F(t).avg_pool2d(x, 2, padding=(0, -1)),
    "max2d_padding_effective": lambda t, x: F(t).max_pool2d(x, 2, padding=2),
    "max2d_padding_effective_odd": lambda t, x: F(t).max_pool2d(x, 3, padding=2),
    # an empty kernel's effective size, halved toward zero (as C++ divides): -1 halves to 0
    "max2d_kernel_zero_dilated": lambda t, x: F(t).max_pool2d(x, 0, 1, 0, 2),
    "max2d_kernel_zero_dilated_more": lambda t, x: F(t).max_pool2d(x, 0, 1, 0, 3),
    # the shape checks
    "max2d_kernel_negative": lambda t, x: F(t).max_pool2d(x, -1, 1),
    "max2d_kernel_zero_stride": lambda t, x: F(t).max_pool2d(x, (2, 0), 1),
    "avg2d_kernel_zero": lambda t, x: F(t).avg_pool2d(x, 0, 1),
    "max2d_stride_negative": lambda t, x: F(t).max_pool2d(x, 2, (1, -1)),
    "max2d_dilation_zero": lambda t, x: F(t).max_pool2d(x, 2, dilation=(1, 0)),
    "max3d_kernel_zero": lambda t, x: F(t).max_pool3d(x, (1, 0, 1), 1),
    "max3d_stride_negative": lambda t, x: F(t).max_pool3d(x, 2, (1, -1, 1)),
    "max3d_dilation_zero": lambda t, x: F(t).max_pool3d(x, 2, 1, 0, (1, 1, 0)),
    "max2d_empty_planes": lambda t, x: F(t).max_pool2d(x[:, :0], 2),
    "max2d_empty_planes_3d": lambda t, x: F(t).max_pool2d(x[0, :0], 2),
    "max2d_empty_rows": lambda t, x: F(t).max_pool2d(x[0, :, :0], 2),
    "avg2d_empty_planes": lambda t, x: F(t).avg_pool2d(x[:, :0], 2),
    "max3d_empty": lambda t, x: F(t).max_pool3d(x[:0], 2),
    "max3d_empty_planes_5d": lambda t, x: F(t).max_pool3d(x[None, :0], 2),
    "avg3d_empty_width": lambda t, x: F(t).avg_pool3d(x[..., :0], 2),
    "max2d_padding_half": lambda t, x: F(t).max_pool2d(x, 3, 1, (1, 2), dilation=2),
    "max2d_padding_half_dilated": lambda t, x: F(t).max_pool2d(x, 2, 1, (2, 0), dilation=(3, 1)),
    "max2d_padding_half_width": lambda t, x: F(t).max_pool2d(x, (2, 3), 1, (0, 2), dilation=(1, 2)),
    "max3d_padding_half_width": lambda t, x: F(t).max_pool3d(x, (1, 2, 3), 1, (0, 0, 2), dilation=2),
    "max3d_padding_half_height": lambda t, x: F(t).max_pool3d(x, (1, 3, 2), 1, (0, 2, 0), dilation=2),
    "max3d_padding_half": lambda t, x: F(t).max_pool3d(x, (3, 2, 3), 1, (0, 1, 2), dilation=2),
    "avg3d_smaller_than_kernel": lambda t, x: F(t).avg_pool3d(x, (2, 6, 2)),
    "avg3d_smaller_than_kernel_padded": lambda t, x: F(t).avg_pool3d(x, 4, 1, 2),
    "max2d_too_small": lambda t, x: F(t).max_pool2d(x, (6, 2)),
    "max3d_too_small": lambda t, x: F(t).max_pool3d(x, (4, 1, 1)),
    # the 1-d forms: max_pool1d's own checks, and with indices (and avg_pool1d) torch's
    # check of the rank and of each argument's one int, then the 2-d form's
    "max1d_rank": lambda t, x: F(t).max_pool1d(x, 2),
    "max1d_empty_length": lambda t, x: F(t).max_pool1d(x[0, 0, :0], 2),
    "max1d_kernel_length": lambda t, x: F(t).max_pool1d(x[0], (2, 2)),
    "max1d_stride_length": lambda t, x: F(t).max_pool1d(x[0], 2, (1, 1)),
    "max1d_padding_length": lambda t, x: F(t).max_pool1d(x[0], 2, 1, (0, 0)),
    "max1d_dilation_length": lambda t, x: F(t).max_pool1d(x[0], 2, 1, 0, (1, 1)),
    "max1d_kernel_zero": lambda t, x: F(t).max_pool1d(x[0], 0),
    "max1d_stride_zero": lambda t, x: F(t).max_pool1d(x[0], 2, [0]),
    "max1d_stride_negative": lambda t, x: F(t).max_pool1d(x[0], 2, -1),
    "max1d_padding_negative": lambda t, x: F(t).max_pool1d(x[0], 2, 1, -1),
    "max1d_padding_half": lambda t, x: F(t).max_pool1d(x[0], 2, padding=2),
    "max1d_padding_half_grad": lambda t, x: F(t).max_pool1d(x[0].requires_grad_(), 3, padding=2),
    "max1d_padding_effective": lambda t, x: F(t).max_pool1d(x[0], 2, 1, 1, 0),
    "max1d_dilation_zero": lambda t, x: F(t).max_pool1d(x[0], 2, 1, 0, 0),
    "max1d_too_small": lambda t, x: F(t).max_pool1d(x[0], 7),
    "max1d_too_small_dilated": lambda t, x: F(t).max_pool1d(x[0], 3, dilation=3),
    "max1d_empty_channels": lambda t, x: F(t).max_pool1d(x[:, :0, 0], 2),
    "max1d_int": lambda t, x: F(t).max_pool1d(x[0].long(), 2),
    "max1d_indices_rank": lambda t, x: F(t).max_pool1d(x, 2, return_indices=True),
    "max1d_indices_kernel_length": lambda t, x: F(t).max_pool1d(x[0], (2, 2), return_indices=True),
    "max1d_indices_stride_length": lambda t, x: F(t).max_pool1d(x[0], 2, (1, 1), return_indices=True),
    "max1d_indices_padding_length": lambda t, x: F(t).max_pool1d(x[0], 2, 1, (0, 0), return_indices=True),
    "max1d_indices_dilation_length": lambda t, x: F(t).max_pool1d(x[0], 2, 1, 0, (1, 1), return_indices=True),
    "max1d_indices_kernel_zero": lambda t, x: F(t).max_pool1d(x[0], 0, return_indices=True),
    "max1d_indices_too_small": lambda t, x: F(t).max_pool1d(x[0], 7, return_indices=True),
    "avg1d_rank": lambda t, x: F(t).avg_pool1d(x, 3),
    "avg1d_kernel_length": lambda t, x: F(t).avg_pool1d(x[0], (2, 2)),
    "avg1d_stride_length": lambda t, x: F(t).avg_pool1d(x[0], 2, (1, 1)),
    "avg1d_padding_length": lambda t, x: F(t).avg_pool1d(x[0], 2, 1, (0, 0)),
    "avg1d_kernel_zero": lambda t, x: F(t).avg_pool1d(x[0], 0),
    "avg1d_padding_half": lambda t, x: F(t).avg_pool1d(x[0], 2, 1, 2),
    "avg1d_too_small": lambda t, x: F(t).avg_pool1d(x[0], 7),
    # adaptive pooling: the output size read as F reads it, then torch's checks
    "adaptive_avg2d_length": lambda t, x: F(t).adaptive_avg_pool2d(x, (1,)),
    "adaptive_avg2d_length_3": lambda t, x: F(t).adaptive_avg_pool2d(x, (1, 2, 3)),
    "adaptive_avg2d_negative": lambda t, x: F(t).adaptive_avg_pool2d(x, (-1, 2)),
    "adaptive_avg3d_negative": lambda t, x: F(t).adaptive_avg_pool3d(x, (-1, 2, 2)),
    "adaptive_avg3d_length": lambda t, x: F(t).adaptive_avg_pool3d(x, (1, 2)),
    "adaptive_avg2d_input_rank_for_sizes": lambda t, x: F(t).adaptive_avg_pool2d(x[0, 0], (None, 2)),
    "adaptive_avg3d_input_rank_for_sizes": lambda t, x: F(t).adaptive_avg_pool3d(x[0, 0], (1, 1, 1)),
    "adaptive_avg2d_rank": lambda t, x: F(t).adaptive_avg_pool2d(x[0, 0], 2),
    "adaptive_avg2d_rank_1d_mean": lambda t, x: F(t).adaptive_avg_pool2d(x[0, 0, 0], 1),
    "adaptive_avg3d_rank": lambda t, x: F(t).adaptive_avg_pool3d(x[0, 0], 2),
    "adaptive_max2d_rank": lambda t, x: F(t).adaptive_max_pool2d(x[0, 0], 1),
    "adaptive_max3d_rank": lambda t, x: F(t).adaptive_max_pool3d(x[0, 0], 2),
    "adaptive_max2d_length": lambda t, x: F(t).adaptive_max_pool2d(x, (1,)),
    "adaptive_max3d_length": lambda t, x: F(t).adaptive_max_pool3d(x, (1, 2)),
    "adaptive_avg1d_rank": lambda t, x: F(t).adaptive_avg_pool1d(x, 2),
    "adaptive_avg1d_length": lambda t, x: F(t).adaptive_avg_pool1d(x[0], (1, 2)),
    "adaptive_avg1d_negative": lambda t, x: F(t).adaptive_avg_pool1d(x[0], -1),
    "adaptive_max1d_rank": lambda t, x: F(t).adaptive_max_pool1d(x[0, 0, 0], 2),
    "adaptive_max1d_length": lambda t, x: F(t).adaptive_max_pool1d(x[0], (1, 2)),
}

VALUES = {
    # the forms with indices, and the 1-d forms of 2-d inputs (no batch)
    "max2d_with_indices": lambda t, x: F(t).max_pool2d_with_indices(x, (2, 3), 2, 1, 1, True),
    "max1d_with_indices": lambda t, x: F(t).max_pool1d_with_indices(x[0], 3, 2, 1, 1, True),
    "max3d_with_indices": lambda t, x: F(t).max_pool3d_with_indices(x, 2, 2, 0, 1, True),
    "torch_adaptive_max1d": lambda t, x: t.adaptive_max_pool1d(x[0], 4),
    "max1d_2d_input": lambda t, x: F(t).max_pool1d(x[0, 0], 2),
    "max1d_2d_input_indices": lambda t, x: F(t).max_pool1d(x[0, 0], 2, return_indices=True),
    "max1d_2d_length_one": lambda t, x: F(t).max_pool1d(x[0, 0, :, :1], 1),
    "max1d_3d_length_one": lambda t, x: F(t).max_pool1d(x[:, :, 0, :1], 1),
    "avg1d_2d_input": lambda t, x: F(t).avg_pool1d(x[0, 0], 2),
    "adaptive_avg1d_2d_input": lambda t, x: F(t).adaptive_avg_pool1d(x[0, 0], 4),
    "adaptive_max1d_2d_input": lambda t, x: F(t).adaptive_max_pool1d(x[0, 0], 4, True),
    "adaptive_max1d_2d_input_values": lambda t, x: F(t).adaptive_max_pool1d(x[0, 0], 4),
    # ceil mode and padding left out of the averages, in every form
    "max1d_ceil": lambda t, x: F(t).max_pool1d(x[0], 4, 4, ceil_mode=True),
    "max1d_ceil_window_past_the_input": lambda t, x: F(t).max_pool1d(x[0], 7, 2, ceil_mode=True),
    "max1d_kernel_of_the_input": lambda t, x: F(t).max_pool1d(x[0], 6),
    "avg1d_ceil_exclude_pad": lambda t, x: F(t).avg_pool1d(x[0], 4, 4, 1, True, False),
    "max3d_ceil": lambda t, x: F(t).max_pool3d(x, 2, 2, 0, 1, True),
    "avg3d_ceil": lambda t, x: F(t).avg_pool3d(x, 2, 2, 0, True),
    "avg3d_exclude_pad": lambda t, x: F(t).avg_pool3d(x, 2, 1, 1, False, False),
    "avg3d_include_pad": lambda t, x: F(t).avg_pool3d(x, 2, 1, 1),
    "avg2d_ceil_window_past_the_input": lambda t, x: F(t).avg_pool2d(x, (1, 7), (1, 2), 0, True),
    "avg1d_ceil_window_past_the_input": lambda t, x: F(t).avg_pool1d(x[0], 7, 2, 0, True),
    "adaptive_avg2d_zero": lambda t, x: F(t).adaptive_avg_pool2d(x, (0, 2)),
    "adaptive_avg1d_zero": lambda t, x: F(t).adaptive_avg_pool1d(x[0], 0),
    "max2d_unbatched": lambda t, x: F(t).max_pool2d(x[0], 2),
    "avg2d_unbatched": lambda t, x: F(t).avg_pool2d(x[0], 2, 1, 1),
    "max2d_width_one": lambda t, x: F(t).max_pool2d(x[..., :1], (2, 1)),
    "avg3d_unbatched": lambda t, x: F(t).avg_pool3d(x, 2),
    "max2d_empty_batch": lambda t, x: F(t).max_pool2d(x[:0], 2),
    "avg2d_empty_batch": lambda t, x: F(t).avg_pool2d(x[:0], 2, 1, 1, True, False),
    "max3d_empty_batch": lambda t, x: F(t).max_pool3d(x[None].expand(0, 2, 3, 5, 6), 2),
    "max1d_empty_batch": lambda t, x: F(t).max_pool1d(x[0, :0], 2),
    "max1d_indices_empty_batch": lambda t, x: F(t).max_pool1d(x[0, :0], 2, return_indices=True),
    "avg1d_empty_batch": lambda t, x: F(t).avg_pool1d(x[:0, 0], 2),
    "max1d_list_arguments": lambda t, x: F(t).max_pool1d(x[0], [3], [2], [1], [2], True, True),
    "max1d_stride_omitted": lambda t, x: F(t).max_pool1d(x[0], 3, []),
    "avg1d_list_arguments": lambda t, x: F(t).avg_pool1d(x[0], [3], [2], [1]),
    "max2d_one_stride_for_both": lambda t, x: F(t).max_pool2d(x, 2, (1,)),
    "max2d_stride_omitted": lambda t, x: F(t).max_pool2d(x, (2, 3), ()),
    "max2d_stride_omitted_list": lambda t, x: t.max_pool2d(x, (2, 3), []),
    "max1d_stride_omitted_tuple": lambda t, x: t.max_pool1d(x[0], 3, ()),
    "avg1d_stride_omitted": lambda t, x: t.avg_pool1d(x[0], 3, []),
    "max2d_ceil": lambda t, x: F(t).max_pool2d(x, 2, 2, 1, 1, True),
    "max2d_padding_at_half": lambda t, x: F(t).max_pool2d(x, (3, 2), 1, (1, 1), dilation=(1, 3)),
    "max2d_kernel_of_the_input": lambda t, x: F(t).max_pool2d(x, (5, 6), return_indices=True),
    "max3d_padding_at_half": lambda t, x: F(t).max_pool3d(x, (3, 2, 3), 1, (1, 1, 1), dilation=2),
    "avg3d_kernel_of_the_input": lambda t, x: F(t).avg_pool3d(x, (3, 5, 6), divisor_override=7),
    "adaptive_avg2d_mean_2d": lambda t, x: F(t).adaptive_avg_pool2d(x[0, 0], 1),
    "adaptive_avg2d_mean_5d": lambda t, x: F(t).adaptive_avg_pool2d(x[None], (1, 1)),
    "adaptive_avg3d_mean_3d": lambda t, x: F(t).adaptive_avg_pool3d(x[0], 1),
    "adaptive_avg2d_none": lambda t, x: F(t).adaptive_avg_pool2d(x, (None, 2)),
    "adaptive_avg2d_empty_planes": lambda t, x: F(t).adaptive_avg_pool2d(x[:, :0], 2),
    "adaptive_max3d_none": lambda t, x: F(t).adaptive_max_pool3d(x, (1, None, 2), True),
    "adaptive_avg1d_mean": lambda t, x: F(t).adaptive_avg_pool1d(x[0], [1]),
    "adaptive_max1d_indices": lambda t, x: F(t).adaptive_max_pool1d(x[0], 4, True),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_like_torch(name):
    assert_same_error(ERRORS[name], X)


@pytest.mark.parametrize("name", list(VALUES))
def test_values_like_torch(name):
    assert_same(VALUES[name], [X], grad=False)

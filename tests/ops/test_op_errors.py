"""User mistakes raise torch's exception type with torch's message."""
import numpy as np
import pytest

from .oracle import assert_same_error

f32 = np.float32
M23 = np.ones((2, 3), f32)
M34 = np.ones((3, 4), f32)
M24 = np.ones((2, 4), f32)
V3 = np.ones(3, f32)
V4 = np.ones(4, f32)
B234 = np.ones((2, 3, 4), f32)
I3 = np.arange(3)

CASES = {
    # matrix products
    "mm_shapes": (lambda t, a, b: t.mm(a, b), [M23, M24]),
    "mm_not_matrix": (lambda t, a, b: t.mm(a, b), [V3, M34]),
    "mm_dtypes": (lambda t, a, b: t.mm(a, b.double()), [M23, M34]),
    "bmm_not_3d": (lambda t, a, b: t.bmm(a, b), [M23, M34]),
    "dot_sizes": (lambda t, a, b: t.dot(a, b), [V3, V4]),
    "dot_2d": (lambda t, a, b: t.dot(a, b), [M23, V3]),
    "mv_shapes": (lambda t, a, b: t.mv(a, b), [M23, V4]),
    "matmul_number": (lambda t, a: t.matmul(a, 2.0), [M23]),
    "matmul_0d": (lambda t, a, b: t.matmul(a, b), [np.ones((), f32), V3]),
    "matmul_shapes": (lambda t, a, b: a @ b, [M23, M24]),
    "matmul_1d_sizes": (lambda t, a, b: a @ b, [V3, V4]),
    "matmul_batch": (lambda t, a, b: a @ b, [B234, np.ones((3, 4, 2), f32)]),
    "matmul_batched_k": (lambda t, a, b: a @ b, [B234, np.ones((2, 3, 2), f32)]),
    # joining
    "cat_dims": (lambda t, a, b: t.cat([a, b]), [M23, V3]),
    "cat_sizes": (lambda t, a, b: t.cat([a, b], 1), [M23, M34]),
    "cat_0d": (lambda t, a: t.cat([a, a]), [np.ones((), f32)]),
    "cat_empty_list": (lambda t: t.cat([]), []),
    "cat_bad_dim": (lambda t, a: t.cat([a, a], 2), [M23]),
    "stack_sizes": (lambda t, a, b: t.stack([a, b]), [M23, M34]),
    "stack_empty": (lambda t: t.stack([]), []),
    "stack_bad_dim": (lambda t, a: t.stack([a, a], 3), [M23]),
    "split_sizes_sum": (lambda t, a: a.split([1, 1], 1), [M23]),
    "chunk_zero": (lambda t, a: a.chunk(0), [M23]),
    "unbind_bad_dim": (lambda t, a: a.unbind(2), [M23]),
    # views and shapes
    "view_numel": (lambda t, a: a.view(4, 2), [M23]),
    "view_two_inferred": (lambda t, a: a.view(-1, -1), [M23]),
    "view_non_contiguous": (lambda t, a: a.t().view(6), [M23]),
    "reshape_numel": (lambda t, a: a.reshape(5), [M23]),
    "permute_length": (lambda t, a: a.permute(0), [M23]),
    "permute_bad_dim": (lambda t, a: a.permute(0, 2), [M23]),
    "permute_repeated": (lambda t, a: a.permute(0, 0), [M23]),
    "transpose_bad_dim": (lambda t, a: a.transpose(0, 2), [M23]),
    "squeeze_bad_dim": (lambda t, a: a.squeeze(2), [M23]),
    "unsqueeze_bad_dim": (lambda t, a: a.unsqueeze(3), [M23]),
    "expand_sizes": (lambda t, a: a.expand(2, 4), [M23]),
    "expand_fewer": (lambda t, a: a.expand(3), [M23]),
    "flatten_order": (lambda t, a: a.flatten(1, 0), [M23]),
    "t_3d": (lambda t, a: a.t(), [B234]),
    "narrow_range": (lambda t, a: a.narrow(1, 2, 2), [M23]),
    "select_range": (lambda t, a: a.select(1, 3), [M23]),
    # reductions
    "sum_bad_dim": (lambda t, a: a.sum(2), [M23]),
    "mean_int": (lambda t, a: t.mean(a), [I3]),
    "mean_int_dim": (lambda t, a: a.mean(0), [I3]),
    "max_empty": (lambda t, a: a.max(), [np.ones((0,), f32)]),
    "max_dim_empty": (lambda t, a: a.max(0), [np.ones((0, 2), f32)]),
    "max_bad_dim": (lambda t, a: a.max(2), [M23]),
    "argmax_bad_dim": (lambda t, a: a.argmax(3), [M23]),
    # indexing
    "index_int_range": (lambda t, a: a[2], [M23]),
    "index_neg_range": (lambda t, a: a[:, -4], [M23]),
    "index_too_many": (lambda t, a: a[0, 0, 0], [M23]),
    "index_0d_int": (lambda t, a: a[0], [np.ones((), f32)]),
    "index_0d_slice": (lambda t, a: a[:], [np.ones((), f32)]),
    "index_0d_tuple": (lambda t, a: a[0,], [np.ones((), f32)]),
    "setitem_0d_int": (lambda t, a: a.__setitem__(0, 1.0), [np.ones((), f32)]),
    "index_list_range": (lambda t, a: a[[0, 2]], [M23]),
    "index_tensor_range": (lambda t, a, i: a[:, i + 1], [M23, I3]),
    "index_mask_shape": (lambda t, a, m: a[m], [M23, np.array([True, False, True])]),
    "index_float": (lambda t, a, i: a[i], [M23, np.array([0.0])]),
    "index_step_zero": (lambda t, a: a[::0], [M23]),
    "index_negative_step": (lambda t, a: a[::-1], [M23]),
    "setitem_shape": (lambda t, a, v: a.__setitem__(0, v), [M23, V4]),
    "setitem_range": (lambda t, a: a.__setitem__(5, 1.0), [M23]),
    # pointwise
    "add_shapes": (lambda t, a, b: a + b, [M23, V4]),
    "mul_shapes": (lambda t, a, b: a * b, [M23, M34]),
    "bool_sub": (lambda t, a: a - a, [np.array([True, False])]),
    "int_negative_pow": (lambda t, a: a ** -1, [I3]),
    "clamp_no_bounds": (lambda t, a: a.clamp(), [M23]),
    "where_shapes": (lambda t, c, a, b: t.where(c, a, b), [np.ones(2, bool), V3, V3]),
    "div_rounding": (lambda t, a: t.div(a, 2, rounding_mode="round"), [M23]),
    "maximum_number": (lambda t, a: t.maximum(a, 1), [M23]),
    "add_no_tensor": (lambda t: t.add("a", 1), []),
    "bitwise_float": (lambda t, a: a & a, [M23]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_like_torch(name):
    call, arrays = CASES[name]
    assert_same_error(call, *arrays)

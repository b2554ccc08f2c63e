"""Errors of the gather/scatter, shape, product and pointwise families: torch's type and
message, and nothing changed by a refused in-place call."""
import numpy as np
import pytest

from .oracle import assert_same_error

f32 = np.float32
X = np.linspace(-1, 1, 12, dtype=f32).reshape(3, 4)
V = np.ones(3, f32)

CASES = {
    "gather_float_index": (lambda t, x: x.gather(1, t.tensor([[0.0]])), [X]),
    "gather_ndim": (lambda t, x: x.gather(1, t.tensor([0])), [X]),
    "gather_out_of_bounds": (lambda t, x: x.gather(1, t.tensor([[5]])), [X]),
    "gather_negative": (lambda t, x: x.gather(1, t.tensor([[-1]])), [X]),
    "scatter_ndim": (lambda t, x: x.scatter(1, t.tensor([0]), x), [X]),
    "scatter_dtype": (lambda t, x: x.scatter(1, t.tensor([[0]]), x.double()), [X]),
    "scatter_reduce_name": (lambda t, x: x.scatter_reduce(1, t.tensor([[0]]), x, "foo"), [X]),
    "index_select_2d": (lambda t, x: x.index_select(0, t.tensor([[0]])), [X]),
    "index_select_bounds": (lambda t, x: x.index_select(0, t.tensor([7])), [X]),
    "index_select_float": (lambda t, x: x.index_select(0, t.tensor([0.0])), [X]),
    "index_add_bounds": (lambda t, x: x.index_add(0, t.tensor([7]), x[:1]), [X]),
    "index_add_count": (lambda t, x: x.index_add(0, t.tensor([0]), x[:2]), [X]),
    "index_copy_bounds": (lambda t, x: x.index_copy(0, t.tensor([7]), x[:1]), [X]),
    "index_fill_2d": (lambda t, x: x.index_fill(0, t.tensor([[0]]), 1.0), [X]),
    "masked_select_mask": (lambda t, x: x.masked_select(t.tensor([1, 0, 1, 0])), [X]),
    "masked_scatter_source": (lambda t, x: x.masked_scatter(x > -10, t.zeros(3)), [X]),
    "take_bounds": (lambda t, x: x.take(t.tensor([12])), [X]),
    "take_float": (lambda t, x: x.take(t.tensor([1.0])), [X]),
    "take_along_dim_ndim": (lambda t, x: t.take_along_dim(x, t.tensor([0]), 1), [X]),
    "roll_align": (lambda t, x: t.roll(x, (1, 2)), [X]),
    "roll_dims": (lambda t, x: t.roll(x, (1, 2), (0,)), [X]),
    "rot90_dims": (lambda t, x: x.rot90(1, (0, 0)), [X]),
    "rot90_1d": (lambda t, x: x.rot90(), [V]),
    "diagonal_same_dims": (lambda t, x: x.diagonal(0, 1, 1), [X]),
    "diag_3d": (lambda t, x: t.diag(x[None]), [X]),
    "trace_1d": (lambda t, x: x.trace(), [V]),
    "unflatten_sizes": (lambda t, x: x.unflatten(1, (3, 2)), [X]),
    "movedim_lengths": (lambda t, x: x.movedim((0, 1), (0,)), [X]),
    "meshgrid_indexing": (lambda t, x: t.meshgrid(x, x, indexing="ab"), [V]),
    "repeat_interleave_negative": (lambda t, x: x.repeat_interleave(-1), [V]),
    "repeat_interleave_sizes": (lambda t, x: x.repeat_interleave(t.tensor([1, 2]), dim=0), [V]),
    "diff_0d": (lambda t, x: x.sum().diff(), [V]),
    "cross_size": (lambda t, x: t.linalg.cross(x, x), [X]),
    "cross_ndim": (lambda t, x, v: t.linalg.cross(x[:, :3], v), [X, V]),
    "addmm_shapes": (lambda t, x: t.addmm(x, x, x), [X]),
    "addmv_sizes": (lambda t, x, v: t.addmv(v, x, v), [X, V]),
    "outer_2d": (lambda t, x: t.outer(x, x), [X]),
    "einsum_operands": (lambda t, x: t.einsum("ij,jk", x), [X]),
    "einsum_too_many": (lambda t, x: t.einsum("ij", x, x), [X]),
    "einsum_subscript": (lambda t, x: t.einsum("i1", x), [X]),
    "einsum_dims": (lambda t, x: t.einsum("ijk", x), [X]),
    "einsum_output": (lambda t, x: t.einsum("ij->k", x), [X]),
    "einsum_repeat_output": (lambda t, x: t.einsum("ij->ii", x), [X]),
    "einsum_broadcast": (lambda t, x, v: t.einsum("ij,j", x, v), [X, V]),
    "einsum_diagonal": (lambda t, x: t.einsum("ii", x), [X]),
    "einsum_ellipsis": (lambda t, x: t.einsum("..i..", x), [X]),
    "einsum_dots_at_end": (lambda t, x: t.einsum("ij..", x), [X]),
    "hsplit_indivisible": (lambda t, x: t.hsplit(x, 3), [X]),
    "broadcast_shapes_mismatch": (lambda t: t.broadcast_shapes((2, 3), (4, 3)), []),
    "broadcast_tensors_list": (lambda t, v: t.broadcast_tensors([v, v]), [V]),
    "broadcast_tensors_number": (lambda t, v: t.broadcast_tensors(v, 1), [V]),
    "view_dtype_0d": (lambda t, x: x[0, 0].view(t.float64), [X]),
    "view_dtype_stride": (lambda t: t.zeros(2, 2, 5)[:, :, :4].view(t.float64), []),
    # the first element picks the overload; a later one fails to unpack
    "split_sizes_float": (lambda t, x: x.split([1, 1.5]), [X]),
    "split_sizes_first_float": (lambda t, x: x.split((1.5, 1)), [X]),
    "split_sizes_first_bool": (lambda t, x: x.split([True, 2]), [X]),
    "split_sizes_tensor_float": (lambda t, x: x.split([1, 1, t.tensor(1.5)]), [X]),
    "split_sizes_number": (lambda t, x: x.split(None), [X]),
    "chunk_zero": (lambda t, x: x.chunk(0), [X]),
    "matmul_number_input": (lambda t, x: t.matmul(2, x), [X]),
    "matmul_operator_number": (lambda t, x: x @ 2, [X]),
    "rmatmul_operator_number": (lambda t, x: 2 @ x, [X]),
    "matmul_operator_array": (lambda t, x: x @ [[1.0]] * 4, [X]),
    "matmul_array_other": (lambda t, x: t.matmul(x, np.ones(4, f32)), [X]),
    "matmul_0d_input": (lambda t, x: t.matmul(x[0, 0], x), [X]),
    "matmul_0d_other": (lambda t, x: t.matmul(x, x[0, 0]), [X]),
    "fill_1d_value": (lambda t, x: x.clone().fill_(t.ones(2)), [X]),
    "fill_int_overflow": (lambda t, x: x.long().fill_(2 ** 63), [X]),
    "fill_int8_overflow": (lambda t, x: x.to(t.int8).fill_(300), [X]),
    "copy_list": (lambda t, x: x.clone().copy_([1, 2]), [X]),
    "fill_int_below_int64": (lambda t, x: x.long().fill_(-2 ** 63 - 1), [X]),
    "fill_beyond_uint64": (lambda t, x: x.fill_(2 ** 64), [X]),
    "copy_sizes": (lambda t, x: x.clone().copy_(x[:, :3]), [X]),
    "copy_sizes_1d": (lambda t, x: x[0].clone().copy_(x[0, :3]), [X]),
    "resize_negative": (lambda t, x: x.clone().resize_(-1, 2), [X]),
    "einsum_ellipsis_sizes": (lambda t, x: t.einsum("...j,...j", x, x[:2]), [X]),
    # (the operand's own dim is named: the third here)
    "einsum_ellipsis_sizes_later": (lambda t, x: t.einsum(
        "i...j,i...j", x.reshape(1, 1, 3, 4), x[:2].reshape(1, 1, 2, 4)), [X]),
    "hypot_int": (lambda t: t.hypot(t.tensor([3]), t.tensor([4])), []),
    "logaddexp_int": (lambda t: t.logaddexp(t.tensor([1]), t.tensor([2])), []),
    "addcdiv_int": (lambda t: t.addcdiv(t.tensor([1]), t.tensor([2]), t.tensor([4])), []),
    "shift_float": (lambda t, x: x << 1, [X]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_error(name):
    call, arrays = CASES[name]
    assert_same_error(call, *arrays)


def test_refused_inplace_changes_nothing():
    import dyngrad
    x = dyngrad.tensor(X)
    before = x.numpy().copy()
    with pytest.raises(RuntimeError):
        x.index_add_(0, dyngrad.tensor([7]), x[:1])
    with pytest.raises(RuntimeError):
        x.scatter_(1, dyngrad.tensor([[9]]), 1.0)
    np.testing.assert_array_equal(x.numpy(), before)
    assert x._version == 0

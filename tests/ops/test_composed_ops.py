"""Ops torch composes from others (einsum, meshgrid, repeat_interleave, kron, outer, diff,
tile, unflatten, movedim): values, graphs and derivatives to the second order, against torch.

They have no table entry of their own, so test_op_table's samples do not reach them; the
same oracle runs here over a table of calls.
"""
import numpy as np
import pytest

from .oracle import assert_same, assert_same_tensor, finite_difference_check, record

f32 = np.float32
rng = np.random.default_rng(7)


def r(*shape):
    return rng.standard_normal(shape).astype(f32)


EINSUM = [
    ("ij,jk->ik", [r(3, 4), r(4, 2)]), ("ii->i", [r(3, 3)]), ("ii", [r(3, 3)]), ("ij->", [r(3, 4)]),
    ("i,j->ij", [r(3), r(4)]), ("bij,bjk->bik", [r(2, 3, 4), r(2, 4, 2)]), ("ij->ji", [r(3, 4)]),
    ("...ij,...jk", [r(2, 3, 4), r(4, 2)]), ("i,i", [r(3), r(3)]), ("ij,ij->ij", [r(2, 3), r(2, 3)]),
    ("iij->j", [r(3, 3, 2)]), ("bhqd,bhkd->bhqk", [r(2, 2, 3, 4), r(2, 2, 2, 4)]),
    ("ij,jk,kl->il", [r(2, 3), r(3, 4), r(4, 2)]), ("i...->...", [r(2, 3, 4)]),
    ("ijk,ik->j", [r(2, 3, 4), r(2, 4)]), ("ba,ab", [r(3, 2), r(2, 3)]),
    ("Ab,bc->Ac", [r(2, 3), r(3, 2)]), ("...i,...i->...", [r(1, 3, 4), r(2, 1, 4)]),
    ("i j , k j", [r(2, 3), r(4, 3)]), ("iji->j", [r(2, 3, 2)]), ("i->", [np.zeros(0, f32)]),
    # a dim only one operand of a pair holds, summed before their product (left, right);
    # one three operands share (summed at the last pair only); the ellipsis summed away,
    # from sizes that broadcast; an empty left side
    ("ij,j->j", [r(3, 4), r(4)]), ("ij,jk->i", [r(2, 3), r(3, 4)]), ("i,i,i->", [r(3), r(3), r(3)]),
    ("...i,...i->i", [r(2, 1, 4), r(1, 3, 4)]),
    ("...i,...i->i", [r(2, 4), r(2, 4)]), ("->", [np.array(1.5, f32)]),
]


# Three operands: the second derivative sums a bmm output with a transposed tensor, and
# torch's sum keeps a layout there that NumPy's does not, so one reshape further down is
# recorded as a view rather than torch's _reshape_alias. Values and first-order graphs match.
LAYOUT_ONLY = {"ij,jk,kl->il"}


@pytest.mark.parametrize("equation, arrays", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum(equation, arrays):
    call = lambda t, *xs: t.einsum(equation, *xs)  # noqa: E731
    if equation not in LAYOUT_ONLY:
        assert_same(call, arrays)
        return
    import torch

    import dyngrad
    want, got = record(torch, call, arrays), record(dyngrad, call, arrays)
    for key in ("forward", "backward", "grad", "grad2", "grad2_plain"):
        for i, (a, b) in enumerate(zip(want[key], got[key])):
            if key == "grad2":
                a, b = dict(a, graph=None), dict(b, graph=None)
            assert_same_tensor(a, b, f"{key}[{i}]")


def test_einsum_forms():
    a, b = r(2, 3), r(3, 4)
    assert_same(lambda t, x, y: t.einsum("ij,jk", [x, y]), [a, b])
    assert_same(lambda t, x, y: t.einsum(x, [0, 1], y, [1, 2], [0, 2]), [a, b])
    assert_same(lambda t, x: t.einsum(x, [Ellipsis, 0], [0]), [r(2, 3)])


def test_einsum_finite_differences():
    finite_difference_check(lambda t, x, y: t.einsum("bij,bjk->bik", x, y), [r(2, 2, 3), r(2, 3, 2)])
    finite_difference_check(lambda t, x: t.einsum("ii->", x), [r(3, 3)])


CALLS = {
    "meshgrid_ij": (lambda t, x, y: t.meshgrid(x, y, indexing="ij"), [r(3), r(2)]),
    "meshgrid_xy": (lambda t, x, y, z: t.meshgrid([x, y, z], indexing="xy"), [r(3), r(2), r(2)]),
    "repeat_interleave": (lambda t, x: x.repeat_interleave(2, dim=0), [r(2, 3)]),
    "repeat_interleave_flat": (lambda t, x: t.repeat_interleave(x, 3), [r(2, 2)]),
    "repeat_interleave_neg_dim": (lambda t, x: x.repeat_interleave(2, -1), [r(2, 3)]),
    "repeat_interleave_indices": (lambda t, r_: t.repeat_interleave(r_), [np.array([2, 0, 3])]),
    "kron": (lambda t, x, y: t.kron(x, y), [r(2, 3), r(3, 2)]),
    "kron_ranks": (lambda t, x, y: x.kron(y), [r(3), r(2, 2)]),
    "outer": (lambda t, x, y: t.outer(x, y), [r(3), r(4)]),
    "ger": (lambda t, x, y: x.ger(y), [r(3), r(2)]),
    "diff": (lambda t, x: x.diff(), [r(3, 4)]),
    "diff_n_dim": (lambda t, x: t.diff(x, n=2, dim=0), [r(4, 3)]),
    "diff_prepend": (lambda t, x, p, a: t.diff(x, prepend=p, append=a), [r(2, 3), r(2, 1), r(2, 2)]),
    "diff_bool": (lambda t, x: t.diff(x), [np.array([True, False, False, True])]),
    "tile": (lambda t, x: x.tile(2), [r(2, 3)]),
    "tile_more": (lambda t, x: t.tile(x, (2, 1, 2)), [r(2, 3)]),
    "unflatten": (lambda t, x: x.unflatten(1, (2, -1)), [r(3, 4)]),
    "movedim": (lambda t, x: t.movedim(x, 0, -1), [r(2, 3, 4)]),
    "moveaxis": (lambda t, x: x.moveaxis((0, 1), (2, 0)), [r(2, 3, 4)]),
    "type_as": (lambda t, x, y: x.type_as(y) * 2, [r(2, 3), np.zeros(1)]),
    # in-place forms: on a non-leaf, recorded as the out-of-place entry's node
    "masked_fill_": (lambda t, x, m: (x * 1).masked_fill_(m, 0.5), [r(2, 3), r(2, 3) > 0]),
    "tril_": (lambda t, x: (x * 1).tril_(), [r(3, 3)]),
    "scatter_": (lambda t, x, s: (x * 1).scatter_(1, t.tensor([[0, 2]]), s), [r(2, 3), r(1, 2)]),
    "scatter_value_": (lambda t, x: (x * 1).scatter_(0, t.tensor([[1, 0, 1]]), 2.0), [r(2, 3)]),
    "index_add_": (lambda t, x, s: (x * 1).index_add_(0, t.tensor([1, 1]), s, alpha=2), [r(2, 3), r(2, 3)]),
    "index_fill_": (lambda t, x: (x * 1).index_fill_(1, t.tensor([0]), -1.0), [r(2, 3)]),
    "masked_scatter_": (lambda t, x, s: (x * 1).masked_scatter_(x > 0, s), [r(2, 3), r(2, 3)]),
    "lerp_": (lambda t, x, e: (x * 1).lerp_(e, 0.25), [r(2, 3), r(2, 3)]),
    "addcmul_": (lambda t, x, a, b: (x * 1).addcmul_(a, b, value=0.5), [r(2, 3), r(2, 3), r(3)]),
    "unfold_0d": (lambda t, x: x.unfold(0, 1, 1), [np.array(1.5, f32)]),
    "atleast_1d": (lambda t, x: t.atleast_1d(x), [np.array(1.5, f32)]),
    "atleast_2d": (lambda t, x, y: t.atleast_2d(x, y), [r(3), r(2, 3)]),
    "atleast_3d": (lambda t, x, y, z: t.atleast_3d([x, y, z]), [np.array(1.5, f32), r(3), r(2, 3)]),
    "hstack": (lambda t, x, y: t.hstack([x, y]), [r(2, 3), r(2, 1)]),
    "hstack_1d": (lambda t, x, y: t.hstack((x, y)), [r(3), r(2)]),
    "vstack": (lambda t, x, y: t.vstack([x, y]), [r(2, 3), r(3)]),
    "row_stack": (lambda t, x, y: t.row_stack([x, y]), [r(3), r(3)]),
    "dstack": (lambda t, x, y: t.dstack([x, y]), [r(2, 3), r(2, 3)]),
    "column_stack": (lambda t, x, y: t.column_stack([x, y]), [r(3), r(3, 2)]),
    "tensor_split": (lambda t, x: t.tensor_split(x, 3, dim=1), [r(2, 7)]),
    "tensor_split_indices": (lambda t, x: x.tensor_split([1, 4, 9]), [r(6, 2)]),
    "hsplit": (lambda t, x: t.hsplit(x, 2), [r(2, 4)]),
    "vsplit": (lambda t, x: x.vsplit([1]), [r(3, 2)]),
    "dsplit": (lambda t, x: t.dsplit(x, 2), [r(1, 2, 4)]),
    "broadcast_to": (lambda t, x: t.broadcast_to(x, (2, 3)), [r(3)]),
    "broadcast_tensors": (lambda t, x, y: t.broadcast_tensors(x, y), [r(2, 1), r(3)]),
    "flipud": (lambda t, x: t.flipud(x), [r(2, 3)]),
    "fliplr": (lambda t, x: x.fliplr(), [r(2, 3)]),
    "ravel": (lambda t, x: x.t().ravel(), [r(2, 3)]),
    "contiguous_view": (lambda t, x: x.t().contiguous().view(-1), [r(2, 3)]),
    "clone_contiguous": (lambda t, x: x.t().clone(memory_format=t.contiguous_format).view(-1), [r(2, 3)]),
    "tensordot": (lambda t, x, y: t.tensordot(x, y, dims=([1], [1])), [r(2, 3), r(4, 3)]),
    "tensordot_int": (lambda t, x, y: t.tensordot(x, y, 2), [r(2, 3, 4), r(3, 4, 2)]),
    "inner": (lambda t, x, y: t.inner(x, y), [r(2, 3), r(4, 3)]),
    "inner_1d": (lambda t, x, y: x.inner(y), [r(3), r(3)]),
    "cartesian_prod": (lambda t, x, y: t.cartesian_prod(x, y), [r(3), r(2)]),
    "diagflat": (lambda t, x: t.diagflat(x, 1), [r(2, 2)]),
    "indices": (lambda t: [t.triu_indices(3, 4, 1), t.tril_indices(3, 2, -1)], []),
    "argwhere": (lambda t, x: t.argwhere(x > 0), [r(3, 3)]),
    "float_power": (lambda t, x: t.float_power(x, 2), [r(2, 3)]),
    "float_power_tensor": (lambda t, x, y: x.float_power(y), [np.abs(r(3)) + 0.5, r(3)]),
    "swapdims": (lambda t, x: x.swapdims(0, 2), [r(2, 3, 4)]),
    "trapezoid": (lambda t, y: t.trapezoid(y), [r(2, 4)]),
    "trapezoid_dx": (lambda t, y: t.trapezoid(y, dx=0.5, dim=0), [r(3, 2)]),
    "trapezoid_x": (lambda t, y, x: t.trapezoid(y, x), [r(2, 4), np.cumsum(np.abs(r(4)))]),
    "cumulative_trapezoid": (lambda t, y: t.cumulative_trapezoid(y, dim=0), [r(4, 2)]),
    "logdet": (lambda t, x: t.logdet(x @ x.mT + t.eye(3)), [r(3, 3)]),
    "type_as_int": (lambda t, x, y: x.type_as(y), [r(2, 3), np.zeros(1, np.int32)]),
    # the bounds stacking's helpers branch at: a 0-d input, sections given as a tensor, two
    # vectors with no dim contracted, one tensor, an empty triangle
    "atleast_2d_0d": (lambda t, x: t.atleast_2d(x), [np.array(1.5, f32)]),
    "tensor_split_tensor": (lambda t, x: x.tensor_split(t.tensor([1, 3]), 1), [r(2, 5)]),
    "tensordot_vectors_outer": (lambda t, x, y: t.tensordot(x, y, 0), [r(3), r(2)]),
    "cartesian_prod_one": (lambda t, x: t.cartesian_prod(x) * 1, [r(3)]),
    # combinations: r of 1, 2, 3, more than the elements, with and without replacement
    **{f"combinations_{k}_{w}": (lambda t, x, k=k, w=w: t.combinations(x, k, w), [r(4)])
       for k in (1, 2, 3, 5) for w in (False, True)},
    "combinations_zero": (lambda t, x: [t.combinations(x, 0), t.combinations(x[:0], 2)], [r(4)]),
    "combinations_int": (lambda t: t.combinations(t.tensor([3, 1, 2]), 2, with_replacement=True), []),
    "adjoint": (lambda t, x: t.adjoint(x), [r(2, 3, 4)]),
    "indices_empty": (lambda t: [t.triu_indices(0, 3), t.tril_indices(2, 3, -3)], []),
    # torch_shape's argument handling: -1 kept, a tensor start, a zero split of an empty dim,
    # only empty 1-d tensors to cat, a batch of one squeezed on either side
    "expand_minus_one": (lambda t, x: x.expand(-1, 4), [r(3, 1)]),
    "narrow_tensor_start": (lambda t, x: x.narrow(1, t.tensor(1), 2), [r(2, 4)]),
    "split_zero_empty": (lambda t, x: x[:0].split(0), [r(2, 3)]),
    "split_sizes_mixed": (lambda t, x: x.split([t.tensor(1), np.int64(1), True]), [r(3, 2)]),
    "cat_all_empty": (lambda t, x: t.cat([x[:0], x[:0]]), [r(3)]),
    "matmul_batch_one_right": (lambda t, x, y: t.matmul(x, y), [r(3, 2, 3), r(1, 3, 2)]),
    "matmul_batch_one_left": (lambda t, x, y: t.matmul(x, y), [r(1, 2, 3), r(3, 3, 2)]),
    # matmul's batched path where it does not fold: a vector against a batch whose strides
    # fold only in part, a 1-element batch sliced out, and the vector first
    "matmul_unfolded_vector": (lambda t, x, y: t.matmul(x.transpose(0, 1), y.detach()),
                               [r(3, 2, 4), r(4)]),
    "matmul_partly_foldable": (lambda t, x, y: t.matmul(x[:, :, :2], y.detach()),
                               [r(2, 3, 4), r(2, 5)]),
    "matmul_one_element_batch": (lambda t, x, y: t.matmul(x[:1, :1, :1], y.detach()),
                                 [r(2, 3, 4), r(1, 2)]),
    "matmul_vector_batch": (lambda t, x, y: t.matmul(x.detach(), y.transpose(0, 1)),
                            [r(4), r(3, 2, 4, 5)]),
    "fill_int_low": (lambda t, x: (x * 0).long().fill_(-200) + x, [r(2, 3)]),
    "fill_uint64_float": (lambda t, x: (x * 0).fill_(2 ** 63) + x, [r(2, 3)]),
    "reshape_as": (lambda t, x, y: x.reshape_as(y), [r(2, 3), r(3, 2)]),
    "rmatmul": (lambda t, x, y: x.__rmatmul__(y), [r(3, 2), r(4, 3)]),
    "resize_smaller": (lambda t, x: x.detach().clone().resize_(2, 2), [r(2, 3)]),
    "resize_same": (lambda t, x: x.detach().clone().resize_(2, 3), [r(2, 3)]),
    "resize_as_": (lambda t, x, y: x.detach().clone().resize_as_(y), [r(2, 3), r(3, 2)]),
    "float_power_complex_": (lambda t, x: x.detach().to(t.complex128).float_power_(0.5j),
                             [r(2, 3)]),
}


def test_broadcast_shapes():
    import torch

    import dyngrad
    for shapes in [((2, 1), (3,)), ((1,), (4, 1), 5), ((),)]:
        assert tuple(dyngrad.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))


@pytest.mark.parametrize("name", list(CALLS))
def test_composed(name):
    call, arrays = CALLS[name]
    assert_same(call, arrays)


def test_meshgrid_without_indexing_warns_as_torch():
    import warnings

    import torch

    import dyngrad
    got = []
    for lib in (torch, dyngrad):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.meshgrid(lib.zeros(2), lib.zeros(3))
        got.append([str(x.message).split(" (Triggered")[0] for x in w])
    assert got[0] == got[1]

"""Sample inputs of the sparse COO entries that test_op_table runs through the oracle.

The oracle's inputs and outputs are dense: each case builds its sparse tensors inside the
call (from a dense input, or from values at fixed indices) and ends dense. Indices hold a
duplicate (an uncoalesced tensor) where the entry cares. tests/ops/test_sparse.py checks
what the oracle cannot see: reprs, sparse gradients of sparse leaves, errors, optimizers.
"""
import numpy as np

from dyngrad.ops import sparse as sp

f32 = np.float32
X = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], f32)        # 2x3, no zeros
W = np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], f32)     # 3x2
V = np.array([0.8, -1.5, 1.1, 0.6], f32)                        # values at IDX
IDX = [[0, 1, 1, 0], [2, 0, 2, 2]]                               # (0, 2) twice


def _coo(t, v, size=(2, 3)):
    return t.sparse_coo_tensor(t.tensor(IDX), v, size, check_invariants=False)


def _masked_sum(t, s):
    # a dense read of a sparse result: every entry weighted differently
    d = s.to_dense()
    return d * t.arange(1.0, d.numel() + 1).reshape(d.shape)


SAMPLES = {
    sp.sparse_coo_tensor_op: [
        ("sparse_coo_tensor", lambda t, v: _masked_sum(t, _coo(t, v)), [V]),
        ("sparse_coo_tensor_hybrid", lambda t, v: _masked_sum(t, t.sparse_coo_tensor(
            t.tensor([[1, 0, 1]]), v, (3, 2), check_invariants=False)), [W])],
    sp.to_dense_op: [("to_dense", lambda t, x: x.to_sparse().to_dense() * x, [X])],
    sp.to_sparse_op: [("to_sparse", lambda t, x: _masked_sum(t, x.to_sparse() * 2), [X])],
    sp.to_sparse_dim_op: [("to_sparse_dim", lambda t, x: _masked_sum(t, x.to_sparse(1)), [X])],
    sp.coalesce_op: [("coalesce", lambda t, v: _masked_sum(t, _coo(t, v).coalesce()), [V])],
    sp.values_op: [("values", lambda t, v: _coo(t, v).coalesce().values() ** 2, [V])],
    sp.sparse_addmm_op: [
        ("sparse_mm", lambda t, x, w: t.sparse.mm(x.to_sparse(), w), [X, W]),
        ("sparse_addmm", lambda t, v, w, b: t.sparse.addmm(b, _coo(t, v), w, beta=0.5,
                                                           alpha=2.0), [V, W, X[:, :2]])],
    sp.sparse_sum_op: [
        ("sparse_sum_dim", lambda t, x: _masked_sum(t, t.sparse.sum(x.to_sparse(), 1)), [X]),
        ("sparse_sum_uncoalesced", lambda t, v: _masked_sum(t, t.sparse.sum(_coo(t, v), 0)),
         [V]),
        ("sparse_sum_all_dims", lambda t, x: t.sparse.sum(x.to_sparse(1), (0, 1)), [X])],
    sp.sparse_softmax_op: [
        ("sparse_softmax", lambda t, x: _masked_sum(t, t.sparse.softmax(x.to_sparse(), 1)),
         [X]),
        ("sparse_softmax_uncoalesced", lambda t, v: _masked_sum(
            t, t.sparse.softmax(_coo(t, v), 1)), [V]),
        ("sparse_softmax_dense_dim", lambda t, x: _masked_sum(
            t, t.sparse.softmax(x.to_sparse(1), 1)), [X])],
    sp.sparse_log_softmax_op: [
        ("sparse_log_softmax", lambda t, x: _masked_sum(
            t, t.sparse.log_softmax(x.to_sparse(), 0)), [X])],
}
# (sparse_mask, the values of a sparse gradient, the sparse sum's and embedding's
# backwards are reached through the gradients of the cases above and below)
SAMPLES[sp.sparse_mask_op] = [
    ("sparse_mask", lambda t, x, y: _masked_sum(t, x.sparse_mask(y.detach().to_sparse())),
     [X, X * 2])]
SAMPLES[sp.sparse_coo_tensor_op] += [
    ("embedding_sparse", lambda t, w: t.nn.functional.embedding(
        t.tensor([[2, 0], [2, 1]]), w, sparse=True) * w[0], [W]),
    ("embedding_sparse_padding", lambda t, w: t.nn.functional.embedding(
        t.tensor([[2, 0], [2, 1]]), w, padding_idx=0, sparse=True) * w[0], [W])]
SAMPLES[sp.sparse_sum_backward_op] = SAMPLES[sp.sparse_sum_op][:1]
# sparse @ sparse, and the mask of its backward (reached through its gradient)
SAMPLES[sp.sparse_sparse_matmul_op] = [
    ("sparse_sparse_mm", lambda t, v, x: _masked_sum(
        t, t.sparse.mm(_coo(t, v), (x.t() * (x.t() > 0)).to_sparse())), [V, X])]
SAMPLES[sp.matrix_mask_op] = SAMPLES[sp.sparse_sparse_matmul_op]
SAMPLES[sp.softmax_backward_op] = SAMPLES[sp.sparse_softmax_op]
SAMPLES[sp.log_softmax_backward_op] = SAMPLES[sp.sparse_log_softmax_op]

# the projection in sparse_mask's backward: torch gives it no derivative, so a second
# backward through it raises (x: 2x3; y: 2x3, positive)
RAISES_IN_BACKWARD = {
    sp.mask_projection_op: [lambda t, x, y: t.autograd.grad(
        (x.sparse_mask(y.detach().to_sparse()).to_dense() ** 2).sum(), x,
        create_graph=True)[0]],
}

# torch gives the padding row no gradient, though the lookup reads it
NOT_THE_DERIVATIVE = {"embedding_sparse_padding"}
# torch's graphs of the first derivatives are compared; the second derivatives (which
# torch writes by hand for these entries) as values, or not at all where torch has none
GRAPHS = {cid: ("forward", "backward", "grad", "second_order")
          for cases in SAMPLES.values() for cid, _, _ in cases}
# (torch's NotImplemented nodes: no second derivatives; and through to_dense's backward
# torch's second-order graph holds a NotImplemented node for the mask that dyngrad's does
# not: its second derivatives are not compared)
GRAPHS.update({cid: ("forward", "backward", "grad")
               for op in (sp.sparse_sum_op, sp.sparse_softmax_op, sp.sparse_log_softmax_op)
               for cid, _, _ in SAMPLES[op]})
GRAPHS.update(dict.fromkeys(("to_dense", "sparse_mm", "sparse_sparse_mm"),
                            ("forward", "backward", "grad")))

"""Batching rules: how each op of the table runs over a whole batch in one call.

A rule is ``rule(op, args, level, size)``: ``args`` are the op's forward arguments as the
user's function gave them (BatchedTensors among them, NOTE [Batched tensors] in
ops/_batched.py); it returns the physical result, a Tensor with the batch dim in front (a
tuple of them for a multi-output op), computed by calling dyngrad's ops on the physical
values. Rules come in kinds, one file each, and ``register`` puts one on every op of its
kind (``op.batch_rule``); an op with none runs once per sample.

    pointwise.py   broadcasting ops: one rule (align the ranks, prepend the batch dim)
    reduction.py   ops taking dims: the dims shifted past the batch dim
    shape.py       views and reshapes: sizes get the batch size in front
    products.py    the matmul family: the batch folded into a matrix dim where it can be
    indexing.py    index, gather, index_select, embedding
    loss.py        losses: unreduced over the batch, reduced per sample
    distance.py    cdist, pdist: the batch one more leading dim
    linalg.py      linear algebra: NumPy's linalg maps over the batch as a leading dim
    nn.py          convolution, pooling, layer norm: the batch joins their batch dims
    fractional_pool.py  fractional max pooling and its window samples
    conv_tbc.py    conv_tbc: the batch joins the time-batch-channel input's batch dim
    ctc_loss.py    the CTC loss: the batch joins the samples' N
    embedding_bag.py  embedding_bag: every sample's bags one after another
    weight_norm.py the fused weight norm: the batch merged into its kept dim
    histogram.py   histogram per sample (as torch loops it), histogramdd refused
    randomness.py  random draws, as the vmap's randomness says (not table ops: random.py
                   calls these rules when a vmap is running)
"""


def register(rule, ops):
    for op in ops:
        op.batch_rule = rule


from . import pointwise, reduction, shape, products, indexing, loss, nn  # noqa: E402,F401
from . import linalg, randomness, distance  # noqa: E402,F401
from . import fractional_pool, conv_tbc, ctc_loss, embedding_bag, weight_norm  # noqa: E402,F401
from . import histogram  # noqa: E402,F401
shape.register_variants()  # (after nn.py: view_as_real's rule is there)

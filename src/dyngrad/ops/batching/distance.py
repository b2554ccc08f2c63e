"""Distances between rows (cdist, pdist, the Euclidean distance by matrix products, their
backward ops): each already takes leading dims (a sample's batch of matrices, or pdist's
one matrix), so the vmap batch is one more of them, one call for all samples."""
from .. import distance
from . import register
from .dims import front
from .pointwise import broadcasting


def _one_matrix(op, args, level, size):
    """pdist and its backward: one matrix per sample, the pairs taken along its rows;
    every tensor argument over the whole batch (an unbatched one expanded)."""
    a = list(args)
    for i in op.tensor_pos:
        a[i] = front(args[i], level, size)
    return op(*a)


# cdist's operands broadcast over their leading dims as pointwise operands do (every
# argument is (..., rows, cols)): the sample ranks aligned, an unbatched operand as it is
register(broadcasting, [distance.cdist_op, distance.cdist_backward, distance.euclidean_dist])
register(_one_matrix, [distance.pdist, distance.pdist_backward])

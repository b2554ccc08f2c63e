"""Indexing by index arrays: the batch dim is one more leading full slice, which keeps its
place when the advanced indices sit next to each other (NumPy moves them to the front
otherwise: those run once per sample)."""
from .. import embedding, indexing, scatter
from .._batched import loop_rule, physical
from . import register
from .dims import front, padded, wrap


def _adjacent(indices):
    at = [k for k, i in enumerate(indices) if not isinstance(i, slice) and i is not None]
    return not at or at[-1] - at[0] == len(at) - 1


def _index(op, args, level, size):
    self, indices = args
    if not _adjacent(indices):
        return loop_rule(op, args, level, size)
    return op(physical(self, level), (slice(None),) + tuple(indices))


def _index_put(op, args, level, size):
    self, indices, values, accumulate = args
    if not _adjacent(indices):
        return loop_rule(op, args, level, size)
    target = self._data[tuple(indices)].ndim  # the rank of the indexed part of a sample
    return op(front(self, level, size), (slice(None),) + tuple(indices),
              padded(values, level, target, size), accumulate)


def _index_select(op, args, level, size):
    self, dim, index = args
    if physical(index, level) is not None or self.dim() == 0:
        return loop_rule(op, args, level, size)
    return op(physical(self, level), wrap(dim, self.dim()), index)


def _embedding(op, args, level, size):
    weight, indices = args[0], args[1]
    if physical(weight, level) is not None:
        return loop_rule(op, args, level, size)
    return op(weight, physical(indices, level), *args[2:])


register(_index, [indexing.index])
register(_index_put, [indexing.index_put, indexing.index_put_impl])
register(_index_select, [embedding.index_select, scatter.index_select])
register(_embedding, [embedding.embedding])

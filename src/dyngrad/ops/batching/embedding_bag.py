"""embedding_bag and its backward ops: every sample's bags one after another, as one
embedding_bag's. Sample s's indices start at s * n in the joined indices (n per sample),
its bags at s * (bags per sample); a table per sample is the tables stacked, sample s's
indices moved to its own rows (s * rows + i), as embedding's rule moves them.

With include_last_offset a sample's indices past its last offset belong to no bag: the
join gives them a bag of their own (the last offset starts it), dropped afterwards.
Padding is read off the samples' own indices: where the rows are moved, padded entries
go to one zero row appended to the tables (which the op then leaves out as its padding);
in the backward ops they are taken out of their bags (a bag of -1, as an index outside
every bag)."""
from ... import _backend
from ...tensor import _wrap
from .. import embedding_bag as eb, joining, pointwise as pw, torch_shape as ts
from .. import views as vw
from .._batched import physical
from . import register
from .dims import front
from .products import operand

xp = _backend.xp


def _array(t, level, size):
    return front(t, level, size)._data


def _shifts(size, step):
    """s * step for each sample, as a column."""
    return (xp.arange(size) * step)[:, None]


def _check_samples(weight, idx, off, rows, include_last_offset):
    """The op's checks, per sample: the first sample that fails raises its own error."""
    n = idx.shape[1]
    bad = ((idx < 0) | (idx >= rows)).any(1)
    if off.shape[1]:
        bad |= (off[:, 0] != 0) | (off[:, -1] > n)
    if bad.any():
        s = int(xp.argmax(bad))
        eb._check(weight, idx[s], off[s], include_last_offset)


def _embedding_bag(op, args, level, size):
    (weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
     include_last_offset, padding_idx) = args
    w, moved = operand(weight, level)
    rows, n, m = weight.shape[0], indices.shape[0], offsets.shape[0]
    idx, off = _array(indices, level, size), _array(offsets, level, size)
    eb._check_indices(idx, "embedding_bag")
    eb._check_indices(off, "embedding_bag")
    _check_samples(weight._data, idx, off, rows, include_last_offset)
    bags = m - 1 if include_last_offset else m
    starts = off + _shifts(size, n)
    if not include_last_offset:
        starts = starts[:, :bags]
    joined = starts.shape[1]  # bags per sample in the join
    pad = eb._padding(padding_idx, rows)
    table, flat = w, idx
    if moved:
        table = ts.reshape(w, (size * rows, -1))
        flat = idx + _shifts(size, rows)
        if pad >= 0:
            table = joining.cat([table, table.new_zeros((1, table.shape[1]))], 0)
            flat = xp.where(idx == pad, size * rows, flat)
            pad = size * rows
    psw = (None if per_sample_weights is None
           else ts.reshape(front(per_sample_weights, level, size), (-1,)))
    out, bag, counts, maxima = op(
        table, _wrap(flat.reshape(-1).astype(idx.dtype)),
        _wrap(starts.reshape(-1).astype(off.dtype)), scale_grad_by_freq, mode, sparse, psw,
        False, pad if pad >= 0 else None)
    out = vw.slice_(vw.view(out, (size, joined, -1)), 1, 0, bags, 1)
    bag = bag._data.reshape(size, n) - _shifts(size, joined)
    if include_last_offset:
        bag = xp.minimum(bag, bags - 1)
    counts = counts._data.reshape(size, joined)[:, :bags]
    maxima = maxima._data.reshape((size, joined) + maxima._data.shape[1:])[:, :bags]
    if moved and mode == eb._MAX:  # back to each sample's own rows (an empty bag's 0 stays)
        shift = _shifts(size, rows)[:, :, None]
        maxima = xp.where(maxima >= shift, maxima - shift, maxima)
    return out, _wrap(bag), _wrap(xp.ascontiguousarray(counts)), _wrap(xp.ascontiguousarray(maxima))


def _bags_of(offset2bag, indices, padding_idx, rows, level, size, bags):
    """Each index's bag in the joined bags; padded entries and entries in no bag, -1."""
    o2b = _array(offset2bag, level, size)
    keep = o2b >= 0
    pad = eb._padding(padding_idx, rows)
    if pad >= 0:
        keep &= _array(indices, level, size) != pad
    return xp.where(keep, o2b + _shifts(size, bags), -1)


def _embedding_bag_backward(op, args, level, size):
    (grad_output, indices, offsets, offset2bag, bag_size, maximum_indices, num_weights,
     scale_grad_by_freq, mode, per_sample_weights, padding_idx) = args
    bags = grad_output.shape[0]
    idx = _array(indices, level, size)
    flat = idx + _shifts(size, num_weights)
    maxima = _array(maximum_indices, level, size)
    if mode == eb._MAX:
        maxima = maxima + _shifts(size, num_weights)[:, :, None]
    psw = (None if per_sample_weights is None
           else ts.reshape(front(per_sample_weights, level, size), (-1,)))
    o2b = _bags_of(offset2bag, indices, padding_idx, num_weights, level, size, bags)
    out = op(ts.reshape(front(grad_output, level, size), (size * bags, -1)),
             _wrap(flat.reshape(-1)), _wrap(_array(offsets, level, size).reshape(-1)),
             _wrap(o2b.reshape(-1)), _wrap(_array(bag_size, level, size).reshape(-1)),
             _wrap(maxima.reshape((-1,) + maxima.shape[2:])), size * num_weights, False, mode,
             psw, None)
    out = vw.view(out, (size, num_weights, -1))
    if scale_grad_by_freq:
        divisor = eb._frequencies(idx, num_weights)[:, :, None].astype(out._data.dtype)
        out = pw.div(out, _wrap(divisor))
    return out


def _per_sample_weights_backward(op, args, level, size):
    grad_output, weight, indices, offsets, offset2bag, mode, padding_idx = args
    w, moved = operand(weight, level)
    rows, bags, n = weight.shape[0], grad_output.shape[0], indices.shape[0]
    idx = _array(indices, level, size)
    table, flat = w, idx
    if moved:
        table = ts.reshape(w, (size * rows, -1))
        flat = idx + _shifts(size, rows)
    o2b = _bags_of(offset2bag, indices, padding_idx, rows, level, size, bags)
    out = op(ts.reshape(front(grad_output, level, size), (size * bags, -1)), table,
             _wrap(flat.reshape(-1)), _wrap(_array(offsets, level, size).reshape(-1)),
             _wrap(o2b.reshape(-1)), mode, None)
    return vw.view(out, (size, n))


register(_embedding_bag, [eb.embedding_bag])
register(_embedding_bag_backward, [eb.embedding_bag_backward])
register(_per_sample_weights_backward, [eb.per_sample_weights_backward])

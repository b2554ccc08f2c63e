"""Packing a padded batch of sequences (PackPaddedSequenceBackward0): the rows of the
time steps each sequence reaches, time step by time step, longest sequence first.

    input (T, B, *), lengths [3, 2, 1]  ->  data rows x[0,0] x[0,1] x[0,2] x[1,0] x[1,1] x[2,0]

The gradient puts each row back where it came from (zeros in the padding).
"""
from .. import _backend
from ._table import Op
from .views import new_zeros

xp = _backend.xp


def packed_rows(lengths, steps, batch, batch_first):
    """Index of each packed row in the input flattened over its first two dims."""
    lengths = xp.asarray(lengths)
    t, b = xp.nonzero(xp.arange(steps)[:, None] < lengths[None, :])   # time-major order
    return b * steps + t if batch_first else t * batch + b


def _pack_padded_sequence(input, lengths, batch_first):
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else input.shape[:2]
    flat = input.reshape((steps * batch,) + input.shape[2:])
    return xp.take(flat, packed_rows(lengths, steps, batch, batch_first), axis=0)


def _pack_padded_sequence_backward(grad, input_sym_sizes, lengths, batch_first):
    # time step by time step into zeros, as torch's composite backward does (its double
    # backward graph is then torch's: CopySlices of slices)
    sizes = tuple(input_sym_sizes)
    steps = sizes[1] if batch_first else sizes[0]
    out = new_zeros(grad, (steps, len(lengths)) + (sizes[2:]))
    offset = 0
    for t in range(steps):
        n = sum(1 for length in lengths if length > t)
        if n == 0:
            break
        out[t, :n] = grad[offset:offset + n]
        offset += n
    return out.swapaxes(0, 1) if batch_first else out


pack_padded_sequence = Op("PackPaddedSequenceBackward0", _pack_padded_sequence,
                          jvp_name="_pack_padded_sequence", real_grad_only="_pack_padded_sequence",
                          input=_pack_padded_sequence_backward)

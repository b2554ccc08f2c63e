"""torch.nn.utils.rnn: batches of sequences of different lengths, padded or packed.

A PackedSequence holds the rows of every time step that some sequence reaches, time step
by time step (``data``), how many sequences reach each step (``batch_sizes``), and, when
the batch was sorted by length to pack it, the permutation (``sorted_indices``) and its
inverse. The recurrent layers take it in place of a padded batch.

    >>> rnn = torch.nn.utils.rnn
    >>> packed = rnn.pack_sequence([torch.tensor([1., 2., 3.]), torch.tensor([4.])])
    >>> packed.data, packed.batch_sizes
    (tensor([1., 4., 2., 3.]), tensor([2, 1, 1]))
    >>> rnn.pad_packed_sequence(packed, batch_first=True)
    (tensor([[1., 2., 3.],
            [4., 0., 0.]]), tensor([3, 1]))
"""
from collections import namedtuple

from ... import _dtype as _dt
from ...creation import empty_like, arange, tensor as _tensor
from ...ops.joining import cat, stack
from ...ops.packed_sequence import pack_padded_sequence as _pack
from ...ops.sorting import sort
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]

_PackedSequenceBase = namedtuple("PackedSequence_",
                                 ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedSequenceBase):
    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        # PackedSequence((data, batch_sizes)): the pair as one argument
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda", *args, **kwargs)

    def double(self):
        return self.to(dtype=_dt.float64)

    def float(self):
        return self.to(dtype=_dt.float32)

    def half(self):
        return self.to(dtype=_dt.float16)

    def long(self):
        return self.to(dtype=_dt.int64)

    def int(self):
        return self.to(dtype=_dt.int32)

    def short(self):
        return self.to(dtype=_dt.int16)

    def char(self):
        return self.to(dtype=_dt.int8)

    def byte(self):
        return self.to(dtype=_dt.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def invert_permutation(permutation):
    """The inverse of a permutation of 0..n-1 (None stays None)."""
    if permutation is None:
        return None
    output = empty_like(permutation)
    output.scatter_(0, permutation, arange(0, permutation.numel(), dtype=_dt.int64))
    return output


def _lengths_tensor(lengths):
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1 or lengths.dtype is not _dt.int64:
            kind = lengths.dtype._legacy.replace("Tensor", "")
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{lengths.dim()}D cpu {kind} tensor")
        return lengths
    return _tensor([int(n) for n in lengths], dtype=_dt.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T x B x *, or B x T x * with ``batch_first``) of sequences of
    the given lengths. With ``enforce_sorted`` the lengths must be decreasing; otherwise
    the batch is sorted here and the permutation kept in the result."""
    if not isinstance(lengths, Tensor):
        lengths = _tensor([int(n) for n in lengths], dtype=_dt.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    lengths = _lengths_tensor(lengths)
    values = lengths.tolist()
    batch = input.size(0 if batch_first else 1)
    if len(values) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(values)} (batch_size={batch})")
    if values and values[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if any(a < b for a, b in zip(values, values[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    steps = input.size(1 if batch_first else 0)
    if values[0] > steps:
        raise NotImplementedError(f"pack_padded_sequence with a length ({values[0]}) beyond "
                                  f"the padded input's {steps} steps")
    data = _pack(input, tuple(values), batch_first)
    batch_sizes = _tensor([sum(1 for n in values if n > t) for t in range(values[0])],
                          dtype=_dt.int64)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence: the padded batch and each sequence's length (in the
    order of the batch before packing)."""
    sizes = sequence.batch_sizes.tolist()
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = total_length
    data = sequence.data
    rest = tuple(data.shape[1:])
    padded = data.new_full((steps, sizes[0] if sizes else 0) + rest, padding_value)
    # copy runs of time steps with the same batch size, one block each
    offset = t = 0
    while t < len(sizes):
        run = 1
        while t + run < len(sizes) and sizes[t + run] == sizes[t]:
            run += 1
        n = run * sizes[t]
        padded[t:t + run, :sizes[t]] = data[offset:offset + n].view((run, sizes[t]) + rest)
        offset += n
        t += run
    lengths = [sum(1 for s in sizes if s > b) for b in range(sizes[0] if sizes else 0)]
    lengths = _tensor(lengths, dtype=_dt.int64)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of different lengths (along dim 0), padding them to the longest."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    longest = max(s.size(0) for s in sequences)
    padded = []
    for s in sequences:
        fill = s.new_full((longest - s.size(0),) + tuple(s.shape[1:]), padding_value)
        padded.append(cat([fill, s] if padding_side == "left" else [s, fill], 0))
    out = stack(padded, 0)
    return out if batch_first else out.transpose(0, 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences a padded batch holds, each cut to its length."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors of different lengths (pad_sequence, then
    pack_padded_sequence)."""
    lengths = _tensor([v.size(0) for v in sequences], dtype=_dt.int64)
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

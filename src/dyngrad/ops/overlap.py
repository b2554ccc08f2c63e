"""torch's refusal of an in-place write whose input shares part of its memory with the
output (``a[1:].copy_(a[:-1])``, ``a[1:] += a[:-1]``): the result would depend on the
order elements are written in. An input that is exactly the output (``x.add_(x)``), or
memory torch cannot cheaply reason about (not dense), is let through, as torch does.
"""
from .. import _backend

xp = _backend.xp

PARTIAL_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to "
                   "tensor refer to a single memory location. Please clone() the tensor before "
                   "performing the operation.")


def _dense(a):
    """Non-overlapping and dense: the strides are a permutation of contiguous ones."""
    dims = sorted((st, n) for st, n in zip(a.strides, a.shape) if n != 1)
    expected = a.itemsize
    for st, n in dims:
        if st != expected:
            return False
        expected *= n
    return True


def _layout(a):
    """Where the memory starts, how long it is, and its strides in elements, as torch
    compares them (a float64 view of two float32s walks their memory as they do)."""
    return _backend.data_ptr(a), a.nbytes, tuple(st // a.itemsize for st in a.strides)


def check_no_partial_overlap(out, inputs):
    """Raise torch's error when an input array partly overlaps the array ``out``."""
    if not isinstance(out, xp.ndarray):  # (another module's array shares no NumPy memory)
        return
    for a in inputs:
        # the common case first: an input that shares no memory with the output (NumPy's
        # bounds check, which an empty array never passes)
        if a is out or not isinstance(a, xp.ndarray) or not xp.may_share_memory(a, out):
            continue
        if not _dense(a) or not _dense(out):
            continue
        # dense arrays whose bounds meet: the output's memory itself, walked the same way
        # (whatever the dtypes: torch's full overlap), or a part of it
        if _layout(a) != _layout(out):
            raise RuntimeError(PARTIAL_OVERLAP)

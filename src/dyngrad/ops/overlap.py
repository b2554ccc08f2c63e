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


def _extent(a):
    begin = _backend.data_ptr(a)
    return begin, begin + a.size * a.itemsize


def check_no_partial_overlap(out, inputs):
    """Raise torch's error when an input array partly overlaps the array ``out``."""
    if not isinstance(out, xp.ndarray):  # (another module's array shares no NumPy memory)
        return
    for a in inputs:
        # the common case first: an input that shares no memory with the output
        if a is out or not isinstance(a, xp.ndarray) or not xp.may_share_memory(a, out):
            continue
        if not a.size or not out.size or not _dense(a) or not _dense(out):
            continue
        (ob, oe), (ab, ae) = _extent(out), _extent(a)
        if (ob, oe) == (ab, ae) and a.strides == out.strides:
            continue
        if ob < ae and ab < oe:
            raise RuntimeError(PARTIAL_OVERLAP)

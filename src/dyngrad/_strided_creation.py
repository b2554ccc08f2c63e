"""Factories of a given layout, and tensors over memory that already exists:
``empty_strided``, ``empty_permuted``, ``asarray`` and ``frombuffer``.

>>> import dyngrad as torch
>>> torch.empty_strided((2, 3), (1, 2)).stride()
(1, 2)
"""
import warnings

from . import _backend
from ._meta_array import MetaArray
from ._args import as_dtype
from .creation import _check, _default, _leaf, tensor
from ._dtype import _FROM_NP
from ._runtime_flags import is_warn_always_enabled
from .tensor import Tensor

xp = _backend.xp


def _strided_zeros(size, stride, np_dtype, ns=xp):
    """Zeros seen through ``stride``: an array over a storage just big enough (dyngrad's
    empty tensors are zero-filled, so that runs repeat)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality "
                           f"of strides ({len(stride)})")
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
    if ns is not xp:  # the meta device: the strides without the storage
        return MetaArray(size, np_dtype, stride)
    storage = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    flat = xp.zeros(storage, dtype=np_dtype)
    itemsize = flat.itemsize
    return _backend.as_strided(flat, size, tuple(s * itemsize for s in stride))


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    ns = _check("empty_strided", device, requires_grad, pin_memory, layout)
    return _leaf(_strided_zeros(size, stride, _default(dtype, "empty_strided"), ns),
                 requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """Dims laid out in memory in the order ``physical_layout`` gives, outermost first."""
    ns = _check("empty_permuted", device, requires_grad, pin_memory, layout)
    size, order = tuple(size), tuple(physical_layout)
    if len(size) != len(order):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {len(size)} is not equal to "
                           f"len(physical_layout) = {len(order)}")
    if sorted(order) != list(range(len(size))):
        raise RuntimeError("Duplicate dim not allowed")
    stride, step = [0] * len(size), 1
    for d in reversed(order):
        stride[d] = step
        step *= max(size[d], 1)
    return _leaf(_strided_zeros(size, stride, _default(dtype, "empty_permuted"), ns),
                 requires_grad)


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      requires_grad=False, pin_memory=False):
    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype,
                         layout=layout, device=self.device if device is None else device, requires_grad=requires_grad,
                         pin_memory=pin_memory)


# -- asarray, frombuffer ------------------------------------------------------------------
_warned = {"not_writable": False, "requires_grad": False}


def _buffer_array(obj, np_dtype, count=-1, offset=0):
    """A 1-d array over the memory of a buffer-protocol object, as torch reads one."""
    view = memoryview(obj)
    length = view.nbytes
    itemsize = xp.dtype(np_dtype).itemsize
    if length <= 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % itemsize:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({itemsize})")
        count = (length - offset) // itemsize
    elif offset + count * itemsize > length:
        raise ValueError(f"requested buffer length ({count} * {itemsize} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if view.readonly and (not _warned["not_writable"] or is_warn_always_enabled()):
        _warned["not_writable"] = True
        warnings.warn(
            "The given buffer is not writable, and PyTorch does not support non-writable "
            "tensors. This means you can write to the underlying (supposedly non-writable) "
            "buffer using the tensor. You may want to copy the buffer to protect its data or "
            "make it writable before converting it to a tensor. This type of warning will be "
            "suppressed for the rest of this program.", UserWarning, stacklevel=3)
    return xp.frombuffer(obj, dtype=np_dtype, count=count, offset=offset)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor sharing the memory of an object that has the buffer protocol."""
    try:
        memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    np_dtype = as_dtype("frombuffer", dtype).np
    array = _buffer_array(buffer, np_dtype, count, offset)
    if not array.flags.writeable:  # (torch writes through it anyway)
        array = _backend.as_strided(array, array.shape, array.strides, writeable=True)
    return _leaf(array, requires_grad)


def _alias_refused(what, to):
    return ValueError(f"can't alias {what} into dtype '{to._cname}'.")


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None):
    """``obj`` as a tensor, sharing its memory where it can (a Tensor, a NumPy array, a
    buffer) unless ``copy``; ``copy=False`` refuses what would need one."""
    dtype = as_dtype("asarray", dtype)
    if isinstance(obj, Tensor):
        if requires_grad is None and obj.requires_grad and (
                not _warned["requires_grad"] or is_warn_always_enabled()):
            _warned["requires_grad"] = True  # (once per process, as torch's)
            warnings.warn(
                "torch.asarray: unspecified requires_grad now defaults to obj.requires_grad "
                "instead of False. Pass requires_grad=False explicitly to get the old behavior "
                "and silence this warning. (Triggered internally at /__w/pytorch/pytorch/"
                "torch/csrc/utils/tensor_new.cpp:1737.)", UserWarning, stacklevel=2)
        out = obj
        if dtype is not None and dtype is not obj.dtype:
            if copy is False:
                raise _alias_refused(f"tensor with dtype '{obj.dtype._cname}'", dtype)
            out = obj.to(dtype)
        elif copy:
            out = obj.clone()
        if requires_grad:
            out.requires_grad_(True)
        elif requires_grad is False and out.requires_grad:
            out = out.detach()  # (the same memory, out of the graph)
        return out
    if isinstance(obj, xp.ndarray):
        array = obj
        if dtype is not None and dtype.np != obj.dtype:
            if copy is False:
                raise _alias_refused(f"tensor with dtype '{_FROM_NP[obj.dtype]._cname}'", dtype)
            array = obj.astype(dtype.np)
        elif copy:
            array = obj.copy()
        return _leaf(array, bool(requires_grad))
    if not isinstance(obj, (list, tuple, int, float, complex, bool)) and _has_buffer(obj):
        np_dtype = _default(dtype, "asarray")
        array = _buffer_array(obj, np_dtype)
        return _leaf(array.copy() if copy else array, bool(requires_grad))
    if copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    return tensor(obj, dtype=dtype, requires_grad=bool(requires_grad))


def _has_buffer(obj):
    try:
        memoryview(obj)
        return True
    except TypeError:
        return False

"""Storages: the memory under tensors, as torch shows it (torch/storage.py).

``Tensor.untyped_storage()`` is the memory of the array that owns a tensor's elements
(a view's root), as bytes: every view of one array answers the same storage object, as
torch hands out one Python object per storage. ``Tensor.storage()`` is the deprecated
``TypedStorage``: the same memory seen as elements of the tensor's dtype. What ordinary
code does with them works: compare ``data_ptr()`` to tell whether tensors share memory,
count ``nbytes()``, read elements, print them.

A storage made with ``UntypedStorage(n)`` is its own memory and may be resized; the
storage of a tensor's array may not change size (NumPy cannot move memory under the views
of an array), and refuses with NotImplementedError.
"""
import warnings
import weakref

from . import _backend
from . import _dtype as _dt
from ._meta_array import MetaArray
from ._size import CPU, META

xp = _backend.xp
_STORAGES = weakref.WeakValueDictionary()  # id(root array) -> its UntypedStorage

_always_warn_typed_storage_removal = False


def _get_always_warn_typed_storage_removal():
    return _always_warn_typed_storage_removal


def _set_always_warn_typed_storage_removal(always_warn):
    global _always_warn_typed_storage_removal
    _always_warn_typed_storage_removal = bool(always_warn)


def _warn_typed_storage_removal(stacklevel=2):
    """torch's deprecation warning of TypedStorage: once per process (unless told always)."""
    if _always_warn_typed_storage_removal or not getattr(_warn_typed_storage_removal,
                                                         "has_warned", False):
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
            "will be the only storage class. This should only matter to you if you are using "
            "storages directly.  To access UntypedStorage directly, use "
            "tensor.untyped_storage() instead of tensor.storage()",
            UserWarning, stacklevel=stacklevel + 1)
        _warn_typed_storage_removal.has_warned = True


def _check_index(idx, size):
    if not -size <= idx < size:
        raise IndexError(f"index {idx} out of range for storage of size {size}")
    return idx % size if size else idx


def _write(array, idx, value):
    """``storage[idx] = value`` into its bytes or elements: a slice as NumPy takes it, one
    index checked as torch checks it."""
    if isinstance(idx, slice):
        array[idx] = value
    else:
        array[_check_index(_index(idx), array.size)] = value


def _text(storage, values, info):
    """torch's str of a storage: one element a line, then what it is."""
    if storage.device is META:
        return "...\n" + info
    return " " + "\n ".join(str(v) for v in values) + "\n" + info


class UntypedStorage:
    """Bytes of memory: ``UntypedStorage(n)`` makes ``n`` zero bytes (torch leaves them
    uninitialised), ``tensor.untyped_storage()`` is the memory under a tensor.

    >>> t = torch.tensor([1., 2.])
    >>> t.untyped_storage().nbytes()
    8
    >>> t[1:].untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    True
    """

    __slots__ = ("_root", "_bytes", "_own", "__weakref__")
    is_sparse = False
    is_cuda = False
    is_hpu = False

    def __init__(self, size=0, *, device=None):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"UntypedStorage(): could not make a storage from a "
                            f"{type(size).__name__} (dyngrad takes a size in bytes)")
        if device is not None and str(device) != "cpu":
            raise NotImplementedError(f"dyngrad's UntypedStorage on device {device}")
        self._set_root(xp.zeros(size, dtype=xp.uint8))
        self._own = True  # its own memory, which no tensor views yet: it may be resized
        _STORAGES[id(self._root)] = self

    def _set_root(self, root):
        self._root = root
        self._bytes = root if type(root) is MetaArray else _backend.memory_bytes(root)

    @classmethod
    def _of(cls, array):
        """The storage of the array that owns ``array``'s memory (one object per array)."""
        if type(array) is MetaArray:  # torch's meta storage: a size, no memory
            storage = object.__new__(cls)
            storage._root = storage._bytes = MetaArray((array.size * array.itemsize,),
                                                       xp.uint8)
            storage._own = False
            return storage
        root = _backend.root_of(array)
        storage = _STORAGES.get(id(root))
        if storage is None or storage._root is not root:
            storage = object.__new__(cls)
            storage._set_root(root)
            storage._own = False
            _STORAGES[id(root)] = storage
        return storage

    @property
    def device(self):
        return META if type(self._root) is MetaArray else CPU

    @property
    def is_meta(self):
        return self.device is META

    def nbytes(self):
        return int(self._bytes.size)

    size = nbytes
    __len__ = nbytes

    def element_size(self):
        return 1

    def data_ptr(self):
        if type(self._root) is MetaArray or not self._bytes.size:
            return 0
        return _backend.data_ptr(self._bytes)

    def untyped(self):
        return self

    def is_shared(self):
        return False

    def is_pinned(self, device="cuda"):
        return False

    def cpu(self):
        if self.device is META:
            raise NotImplementedError("dyngrad's storage of a meta tensor has no memory to "
                                      "copy to the CPU")
        return self

    def get_device(self):
        return -1

    def tolist(self):
        return [int(b) for b in self._data()]

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, idx):
        data = self._data()
        if isinstance(idx, slice):
            start, stop, step = idx.indices(data.size)
            if step != 1:
                raise RuntimeError("Trying to slice with a step of "
                                   f"{step}, but only a step of 1 is supported")
            part = object.__new__(UntypedStorage)
            part._root, part._bytes, part._own = self._root, data[start:max(start, stop)], False
            return part
        return int(data[_check_index(_index(idx), data.size)])

    def __setitem__(self, idx, value):
        _write(self._data(), idx, value)

    def fill_(self, value):
        self._data()[...] = value
        return self

    def copy_(self, source, non_blocking=None):
        src = source.untyped() if isinstance(source, TypedStorage) else source
        if src.nbytes() != self.nbytes():
            raise RuntimeError(f"size does not match, self was {self.nbytes()} bytes but src "
                               f"was {src.nbytes()} bytes")
        self._data()[...] = src._data()
        return self

    def clone(self):
        copy = UntypedStorage(0)
        copy._set_root(self._data().copy())
        return copy

    def resize_(self, size):
        if size == self.nbytes():
            return self
        if not self._own:
            raise NotImplementedError(
                "dyngrad's resize_ of the storage of a tensor: NumPy cannot move memory "
                "under the tensors that view it (a storage made with UntypedStorage(n) may "
                "be resized until a tensor is set to it)")
        root = xp.zeros(size, dtype=xp.uint8)
        n = min(size, self.nbytes())
        root[:n] = self._bytes[:n]
        del _STORAGES[id(self._root)]
        self._set_root(root)
        _STORAGES[id(root)] = self
        return self

    def _data(self):
        if type(self._bytes) is MetaArray:
            raise NotImplementedError("Cannot access data pointer of Tensor that doesn't "
                                      "have storage")
        return self._bytes

    def __str__(self):
        values = () if self.device is META else self.tolist()
        return _text(self, values, f"[torch.storage.UntypedStorage(device={self.device}) of "
                                   f"size {len(self)}]")

    __repr__ = __str__


class TypedStorage:
    """A storage seen as elements of one dtype (deprecated by torch in favour of
    UntypedStorage, with a warning once per process)."""

    __slots__ = ("_untyped_storage", "dtype")
    is_sparse = False

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("dyngrad's TypedStorage is made by Tensor.storage() only "
                                  "(use UntypedStorage(n) for new memory)")

    @classmethod
    def _of(cls, untyped, dtype):
        storage = object.__new__(cls)
        storage._untyped_storage = untyped
        storage.dtype = dtype
        return storage

    def _elements(self):
        data = self._untyped_storage._data()
        n = data.size // self.element_size()
        return data[:n * self.element_size()].view(self.dtype.np)

    @property
    def device(self):
        _warn_typed_storage_removal()
        return self._untyped_storage.device

    @property
    def is_cuda(self):
        _warn_typed_storage_removal()
        return False

    def element_size(self):
        return self.dtype.itemsize

    def size(self):
        _warn_typed_storage_removal()
        return self._untyped_storage.nbytes() // self.element_size()

    def __len__(self):
        _warn_typed_storage_removal()
        return self._untyped_storage.nbytes() // self.element_size()

    def nbytes(self):
        return self._untyped_storage.nbytes()

    def data_ptr(self):
        return self._untyped_storage.data_ptr()

    def untyped(self):
        _warn_typed_storage_removal()
        return self._untyped_storage

    def is_shared(self):
        _warn_typed_storage_removal()
        return False

    def get_device(self):
        _warn_typed_storage_removal()
        return -1

    def cpu(self):
        _warn_typed_storage_removal()
        self._untyped_storage.cpu()
        return self

    def tolist(self):
        _warn_typed_storage_removal()
        return [_number(v) for v in self._elements()]

    def __iter__(self):
        _warn_typed_storage_removal()
        return iter(self.tolist())

    def __getitem__(self, idx):
        _warn_typed_storage_removal()
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        if not isinstance(idx, int):
            raise RuntimeError(f"can't index a {_qualname(self)} with {type(idx)}")
        elements = self._elements()
        return _number(elements[_check_index(idx, elements.size)])

    def __setitem__(self, idx, value):
        _warn_typed_storage_removal()
        _write(self._elements(), idx, value)

    def fill_(self, value):
        _warn_typed_storage_removal()
        self._elements()[...] = value
        return self

    def copy_(self, source, non_blocking=None):
        _warn_typed_storage_removal()
        self._untyped_storage.copy_(source)
        return self

    def clone(self):
        _warn_typed_storage_removal()
        return TypedStorage._of(self._untyped_storage.clone(), self.dtype)

    def resize_(self, size):
        _warn_typed_storage_removal()
        self._untyped_storage.resize_(size * self.element_size())
        return self

    def __str__(self):
        _warn_typed_storage_removal()
        device = self._untyped_storage.device
        values = () if device is META else self.tolist()
        return _text(self._untyped_storage, values,
                     f"[torch.storage.TypedStorage(dtype={self.dtype}, device={device}) of "
                     f"size {len(self)}]")

    def __repr__(self):
        _warn_typed_storage_removal()
        return str(self)


def _qualname(obj):
    return f"<class 'torch.storage.{type(obj).__name__}'>"


def _index(idx):
    if isinstance(idx, bool) or not hasattr(idx, "__index__"):
        raise TypeError(f"can't index a torch.storage.UntypedStorage with {type(idx).__name__}")
    return idx.__index__()


def _number(v):
    """An element as the Python number torch's ``item()`` gives."""
    kind = _backend.kind(v.dtype)
    if kind == "b":
        return bool(v)
    if kind in "iu":
        return int(v)
    if kind == "c":
        return complex(v)
    return float(v)


def typed_of(tensor):
    """``tensor.storage()`` without the warning (torch's ``Tensor._typed_storage``)."""
    return TypedStorage._of(tensor.untyped_storage(), tensor.dtype)

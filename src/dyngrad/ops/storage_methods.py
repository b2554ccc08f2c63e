"""The Tensor methods that reach its storage: untyped_storage, storage (deprecated),
set_ (point a tensor at other memory) and is_set_to."""
from .. import _backend
from .. import _dtype as _dt
from ..autograd import grad_mode
from .._meta_array import MetaArray
from .._sparse_coo import SparseCoo
from ..storage import TypedStorage, UntypedStorage, _warn_typed_storage_removal, typed_of
from ..tensor import Tensor
from .inplace import check_inplace

xp = _backend.xp


def untyped_storage(self):
    """The memory under the tensor, as bytes (one storage object for all its views).

    >>> a = torch.zeros(2, 3)
    >>> a[1].untyped_storage().data_ptr() == a.untyped_storage().data_ptr()
    True
    """
    if type(self._data) is SparseCoo:
        raise NotImplementedError("Cannot access storage of SparseTensorImpl")
    return UntypedStorage._of(self._data)


def storage(self):
    """The memory under the tensor as elements of its dtype (TypedStorage, deprecated)."""
    _warn_typed_storage_removal(stacklevel=3)  # (the user's line: past the argument check)
    return typed_of(self)


def _typed_storage(self):
    return typed_of(self)


def is_set_to(self, tensor):
    """Whether both tensors look at the same memory the same way (storage, offset, sizes,
    strides)."""
    a, b = self._data, tensor._data
    if type(a) is not _backend.ndarray or type(b) is not _backend.ndarray:
        return False
    return (_backend.root_of(a) is _backend.root_of(b) and a.dtype == b.dtype
            and _backend.data_ptr(a) == _backend.data_ptr(b) and a.shape == b.shape
            and a.strides == b.strides)


def set_(self, source=None, storage_offset=None, size=None, stride=None):
    """Make the tensor look at ``source``'s memory: another tensor's (its sizes and
    strides too), or a storage's (all of it, or ``size``/``stride`` from
    ``storage_offset``); with no source, at no memory (an empty tensor).

    >>> y = torch.arange(4.)
    >>> torch.zeros(2).set_(y)
    tensor([0., 1., 2., 3.])
    """
    if self._base is not None:
        raise NotImplementedError("dyngrad's set_ of a view: the view would no longer look "
                                  "at its base")
    if type(self._data) is not _backend.ndarray or (
            isinstance(source, Tensor) and type(source._data) is not _backend.ndarray):
        raise NotImplementedError("dyngrad's set_ of tensors over NumPy arrays only")
    dtype = self.dtype
    if isinstance(source, Tensor) and source.dtype is not dtype:
        raise RuntimeError(f"Could not set tensor of type {_dt.CPP_NAMES[source.dtype]} to a "
                           f"tensor of type {_dt.CPP_NAMES[dtype]}")
    if isinstance(source, TypedStorage):
        if source.dtype is not dtype:
            raise RuntimeError(f"Expected a Storage of type {_dt.CPP_NAMES[dtype]} or an "
                               f"UntypedStorage, but got type {source.dtype._cname} for "
                               "argument 1 'storage'")
        source = source._untyped_storage
    if not (source is None or isinstance(source, (Tensor, UntypedStorage))):
        raise TypeError(f"set_(): argument 'source' must be Tensor or Storage, not "
                        f"{type(source).__name__}")
    if self.requires_grad and self.grad_fn is None:
        check_inplace(self)  # (torch's refusal of a leaf that requires grad)
    if (self.requires_grad or isinstance(source, Tensor) and source.requires_grad) and \
            grad_mode.state.enabled:
        raise NotImplementedError("dyngrad's set_ of a tensor that requires grad: it records "
                                  "no graph (torch's is NotImplemented)")
    if source is None:
        data = xp.empty(0, dtype=self._data.dtype)
    elif isinstance(source, Tensor):
        if storage_offset is None:
            data = source._data.view()
        else:
            data = _strided(source.untyped_storage(), dtype, storage_offset, size, stride)
    else:
        if type(source._root) is MetaArray:
            raise NotImplementedError("dyngrad's set_ to a meta storage")
        if storage_offset is None:
            data = _strided(source, dtype, 0, (source.nbytes() // dtype.itemsize,), (1,))
        else:
            data = _strided(source, dtype, storage_offset, size, stride)
        source._own = False  # a tensor views it now: it keeps its size
    self._data = data
    self._version_counter[0] += 1
    return self


def _strided(storage, dtype, offset, size, stride):
    """Elements of ``dtype`` in ``storage`` from ``offset``, with ``size`` and ``stride``
    (contiguous when not given), refused as torch's setStorage refuses them."""
    if size is None:
        raise TypeError("set_(): the storage form takes storage_offset, size and stride")
    size = tuple(int(n) for n in size)
    if stride is None:
        stride, n = [], 1
        for s in reversed(size):
            stride.insert(0, n)
            n *= s
    stride = tuple(int(s) for s in stride)
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    itemsize = dtype.itemsize
    need = 0 if 0 in size else (offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)))
    if need * itemsize > storage.nbytes():
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {itemsize} requiring a storage size of {need * itemsize} are out of "
            f"bounds for storage of size {storage.nbytes()}")
    memory = storage._data()
    start = offset * itemsize
    flat = memory[start:start + max(need - offset, 0) * itemsize].view(dtype.np)
    return _backend.as_strided(flat, size, tuple(s * itemsize for s in stride))

"""torch.save and torch.load in torch's own file format.

A file is a zip archive (stored, not compressed) holding ``<name>/data.pkl`` (the object,
pickled with protocol 2), one record ``<name>/data/<key>`` of raw little-endian bytes per
storage, and ``version``/``byteorder`` records. Inside the pickle a tensor is the call
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
and a storage is a persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``:
exactly what torch writes, so files go both ways between dyngrad and torch.

``weights_only=True`` (the default, as in torch) loads with an unpickler that only
rebuilds tensors, parameters, containers and numbers, and refuses any other global with
torch's message; ``add_safe_globals``/``safe_globals`` allow more.

    >>> import io
    >>> buf = io.BytesIO()
    >>> torch.save({"w": torch.tensor([1.5, 2.0])}, buf)
    >>> _ = buf.seek(0)
    >>> torch.load(buf)
    {'w': tensor([1.5000, 2.0000])}
"""
import contextlib
import io
import os
import pickle
import sys
import zipfile
from collections import Counter, OrderedDict

import numpy as np  # torch's file holds host bytes: tensors are saved from a host copy

from . import _backend
from ._meta_array import MetaArray
from . import _dtype as _dt
from ._size import Size, device
from .tensor import Tensor, _wrap
from .nn.parameter import Parameter

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals"]

DEFAULT_PROTOCOL = 2

# storage class names by dtype, as torch pickles them (torch.FloatStorage, ...)
_STORAGE_NAMES = {_dt.float32: "FloatStorage", _dt.float64: "DoubleStorage",
                  _dt.float16: "HalfStorage", _dt.bfloat16: "BFloat16Storage", _dt.int64: "LongStorage", _dt.int32: "IntStorage",
                  _dt.int16: "ShortStorage", _dt.int8: "CharStorage", _dt.uint8: "ByteStorage",
                  _dt.bool: "BoolStorage", _dt.complex64: "ComplexFloatStorage",
                  _dt.complex128: "ComplexDoubleStorage"}
_STORAGE_DTYPES = {name: d for d, name in _STORAGE_NAMES.items()}

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.")
DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


# -- saving ---------------------------------------------------------------------------
class _Global:
    """Stands for a global of torch's namespace inside the pickle (``torch._utils
    _rebuild_tensor_v2``, ``torch FloatStorage``): written as a GLOBAL opcode by name."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):   # pickle's save_reduce wants a callable; never called
        raise TypeError(f"{self.module}.{self.name} is only a name inside a saved file")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_REBUILD_META = _Global("torch._utils", "_rebuild_meta_tensor_no_storage")
_TORCH_SIZE = _Global("torch", "Size")
_TORCH_DEVICE = _Global("torch", "device")
_STORAGE_GLOBALS = {d: _Global("torch", name) for d, name in _STORAGE_NAMES.items()}
_DTYPE_GLOBALS = {d: _Global("torch", repr(d).split(".")[-1]) for d in _STORAGE_NAMES}


class _Storage:
    """One storage to be written: a contiguous array and its record key."""

    def __init__(self, array, key):
        self.array, self.key = array, key


def _root(array):
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


class _Pickler(pickle._Pickler):
    """The pure-Python pickler (it lets GLOBAL opcodes be written by name) with tensors
    reduced to torch's rebuild calls and storages as persistent ids."""

    def __init__(self, file):
        super().__init__(file, protocol=DEFAULT_PROTOCOL)
        self.storages = {}     # id(root array) -> _Storage
        self.keep = []         # roots kept alive while their ids are in use

    def _storage_of(self, t):
        """(storage, offset, stride) of ``t``'s array: its root array when ``t`` is a
        view into it (views and aliases then share one record), else a copy of its own."""
        data = _backend.to_numpy(t._data)
        root = _root(data)
        itemsize = data.itemsize
        if (root.flags.c_contiguous and root.dtype == data.dtype and data.size
                and all(s % itemsize == 0 and s >= 0 for s in data.strides)):
            start = (data.__array_interface__["data"][0]
                     - root.__array_interface__["data"][0])
            if 0 <= start and start % itemsize == 0:
                offset, stride = start // itemsize, tuple(s // itemsize for s in data.strides)
            else:
                root = None
        else:
            root = None
        if root is None:
            root = np.ascontiguousarray(data).reshape(-1)
            offset, stride = 0, tuple(t.stride())
        storage = self.storages.get(id(root))
        if storage is None:
            storage = self.storages[id(root)] = _Storage(root.reshape(-1), str(len(self.storages)))
            self.keep.append(root)
        return storage, offset, stride

    def reducer_override(self, obj):
        if isinstance(obj, Parameter):
            return (_REBUILD_PARAMETER, (obj.detach(), obj.requires_grad, OrderedDict()))
        if isinstance(obj, Tensor) and obj.is_meta:  # no storage: its metadata only
            return (_REBUILD_META, (obj.dtype, tuple(obj.shape), tuple(obj.stride()),
                                    obj.requires_grad))
        if isinstance(obj, Tensor):
            storage, offset, stride = self._storage_of(obj)
            return (_REBUILD_TENSOR, (storage, offset, tuple(obj.shape), stride,
                                      obj.requires_grad, OrderedDict()))
        if isinstance(obj, Size):
            return (_TORCH_SIZE, (tuple(obj),))
        if isinstance(obj, device):
            return (_TORCH_DEVICE, (obj.type,))
        return NotImplemented

    def save_global(self, obj, name=None):
        if isinstance(obj, _Global):
            self.write(pickle.GLOBAL + obj.module.encode() + b"\n" + obj.name.encode() + b"\n")
            self.memoize(obj)
            return
        super().save_global(obj, name)

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _Global):
            memo = self.memo.get(id(obj))
            if memo is not None:
                self.write(self.get(memo[0]))
                return
            return self.save_global(obj)
        if isinstance(obj, _dt.dtype):
            return self.save(_DTYPE_GLOBALS[obj])
        return super().save(obj, save_persistent_id)

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            dtype = _dt._FROM_NP[obj.array.dtype]
            return ("storage", _STORAGE_GLOBALS[dtype], obj.key, "cpu", obj.array.size)
        return None


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Write ``obj`` to ``f`` (a path or a binary file) in torch's zip format."""
    buf = io.BytesIO()
    pickler = _Pickler(buf)
    pickler.dump(obj)
    name = (os.path.splitext(os.path.basename(os.fspath(f)))[0] if _is_path(f) else "archive")
    name = name or "archive"
    with contextlib.ExitStack() as stack:
        target = stack.enter_context(open(f, "wb")) if _is_path(f) else f
        z = stack.enter_context(zipfile.ZipFile(target, "w", zipfile.ZIP_STORED))
        z.writestr(f"{name}/data.pkl", buf.getvalue())
        z.writestr(f"{name}/.format_version", b"1")
        z.writestr(f"{name}/.storage_alignment", b"64")
        if not _disable_byteorder_record:
            z.writestr(f"{name}/byteorder", sys.byteorder.encode())
        for storage in pickler.storages.values():
            z.writestr(f"{name}/data/{storage.key}", storage.array.astype(
                storage.array.dtype.newbyteorder("<"), copy=False).tobytes())
        z.writestr(f"{name}/version", b"3\n")


# -- loading --------------------------------------------------------------------------
def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    itemsize = storage.itemsize
    if len(size) == 0 or all(s > 0 for s in size):
        view = np.lib.stride_tricks.as_strided(storage[storage_offset:], shape=tuple(size),
                                               strides=tuple(s * itemsize for s in stride))
    else:
        view = np.empty(tuple(size), dtype=storage.dtype)
    t = _wrap(view)   # tensors of one storage share its memory, as in torch
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad):
    _backend.admit_meta()
    t = _wrap(MetaArray(size, dtype.np, stride))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    p.__dict__.update(state or {})
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    return func(*args)


class _StorageType:
    """``torch.FloatStorage`` and its kin read back: the dtype of a storage record."""

    def __init__(self, dtype):
        self.dtype = dtype


def _torch_globals():
    """What the names of torch's namespace in a file stand for in dyngrad."""
    table = {
        ("collections", "OrderedDict"): OrderedDict, ("collections", "Counter"): Counter,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_meta_tensor_no_storage"): _rebuild_meta_tensor_no_storage,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("torch", "Size"): Size, ("torch", "device"): device,
        ("torch", "Tensor"): Tensor,
        ("builtins", "set"): set, ("builtins", "complex"): complex,
        ("builtins", "bytearray"): bytearray, ("_codecs", "encode"): __import__("codecs").encode,
    }
    table[("torch.nn.parameter", "Parameter")] = Parameter
    for d, name in _STORAGE_NAMES.items():
        table[("torch", name)] = _StorageType(d)
        table[("torch", repr(d).split(".")[-1])] = d
    return table


_safe_globals = []


def add_safe_globals(safe_globals):
    """Allow these globals (functions, classes) in ``weights_only`` loads."""
    _safe_globals.extend(safe_globals)


def get_safe_globals():
    return list(_safe_globals)


def clear_safe_globals():
    _safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    before = list(_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _safe_globals[:] = before


def _safe_name(obj):
    if isinstance(obj, tuple):
        obj = obj[0]
    return f"{obj.__module__}.{obj.__qualname__}"


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, read_record, weights_only):
        super().__init__(file)
        self.read_record = read_record
        self.weights_only = weights_only
        self.storages = {}
        self.table = _torch_globals()

    def find_class(self, module, name):
        found = self.table.get((module, name))
        if found is not None:
            return found
        if module.startswith("torch.") or module == "torch":
            mine = "dyngrad" + module[5:]
        else:
            mine = module
        if self.weights_only:
            allowed = {_safe_name(g): g for g in _safe_globals}
            key = f"{mine}.{name}"
            if key in allowed:
                g = allowed[key]
                return g[0] if isinstance(g, tuple) else g
            full = f"{module}.{name}"
            if full.startswith("builtins."):
                full = full[len("builtins."):]
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {full} was not an allowed global by default. "
                f"Please use `torch.serialization.add_safe_globals([{full}])` or the "
                f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this "
                "global if you trust this class/function.")
        return super().find_class(mine, name)

    def persistent_load(self, pid):
        kind, storage_type, key, location, numel = pid[:5]
        if kind != "storage":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        storage = self.storages.get(key)
        if storage is None:
            little = storage_type.dtype.np.newbyteorder("<")
            raw = self.read_record(key)
            storage = np.frombuffer(raw, dtype=little).astype(storage_type.dtype.np)
            self.storages[key] = storage
        return storage


def _wo_message(message):
    return ("Weights only load failed. This file can still be loaded, to do so you have two "
            "options, \033[1mdo those steps only if you trust the source of the checkpoint"
            f"\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
            "`weights_only=True` please check the recommended steps in the following error "
            "message.\n\tWeightsUnpickler error: " + message + DOCS_MESSAGE)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read an object written by ``torch.save`` (by torch or by dyngrad) from ``f``.

    ``map_location`` is accepted (every tensor is on the CPU); ``mmap`` reads the file
    as usual."""
    if weights_only is None:
        weights_only = pickle_module is None
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(open(f, "rb")) if _is_path(f) else f
        z = stack.enter_context(zipfile.ZipFile(source))
        pkl = next(n for n in z.namelist() if n.endswith("data.pkl"))
        prefix = pkl[:-len("data.pkl")]
        unpickler = _Unpickler(io.BytesIO(z.read(pkl)),
                               lambda key: z.read(f"{prefix}data/{key}"), weights_only)
        try:
            return unpickler.load()
        except pickle.UnpicklingError as e:
            if weights_only:
                raise pickle.UnpicklingError(_wo_message(str(e))) from None
            raise

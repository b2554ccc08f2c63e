"""The array-module seam: which module computes on a tensor's array, and NumPy's extras.

NOTE [The array-module seam]
A Tensor holds an array of some array module: a ``numpy.ndarray`` by default, or an
array of any module that speaks the Python array API (``__array_namespace__``): CuPy for
a GPU, array-api-strict in the tests. The module is chosen from the arrays themselves,
``array_module(*arrays)``, never bound once for the process: NumPy arrays, NumPy scalars
and Python numbers mean NumPy; anything else answers with its own namespace. Factories
given no array (``torch.zeros(3)``) make NumPy arrays, as torch's make CPU tensors.

A portable forward is written once, in the array-API spelling NumPy 2 speaks too
(``xp.permute_dims``, ``xp.concat``, ``axis=`` keywords), with
``xp = array_module(self)`` at its top. The hot forwards (arithmetic, unary math,
relu, where) keep NumPy's path exactly as it was and test ``type(x) is ndarray`` first,
so a NumPy op pays one type check for the seam; only another module's array takes the
other branch, where ``function`` finds the captured NumPy ufunc's namesake in that
module and ``_promote.in_module`` applies torch's promotion. Formulas need nothing:
they are written with operators and table ops, which dispatch the same way.

NumPy's extras the standard lacks go through the helpers below, each with its fallback:
``errstate`` (no warnings to silence elsewhere), ``kind``/``differentiable`` (dtype
kinds, from tables each module fills on first sight: ``_register``), ``owns_data`` and
``writeable`` (flags), ``data_ptr`` (``__array_interface__``), ``as_strided`` and
``sliding_window_view`` (strides: NotImplementedError elsewhere), ``to_numpy`` (a host
copy through DLPack: printing, ``.item()``, ``.tolist()``, saving, drawings).

A CuPy backend plugs in here and nowhere else: give CuPy arrays a namespace with
``__array_namespace__`` (array-api-compat's ``cupy``), and ``array_module`` hands the
ops CuPy's functions; dtypes, kinds and host copies follow from the same helpers.
tests/test_backend.py runs the core ops and the engine on array-api-strict arrays on a
device NumPy cannot read, and lists the ops that are still NumPy-only.
"""
import contextlib
import functools
import types

import numpy
import numpy.fft
import numpy.linalg

from . import _meta_array
from ._meta_array import MetaArray

# dyngrad's own view of NumPy: NumPy's namespace, copied, so that a capture
# (dyngrad.compile, NOTE [Capture records array calls]) can answer its factories for a
# while without touching the NumPy every other library in the process uses. Names NumPy
# loads lazily still resolve, through NumPy's own module __getattr__. It is the module
# array_module() answers for NumPy arrays, and the one factories given no array use.
xp = types.ModuleType("numpy")
xp.__dict__.update(numpy.__dict__)
ndarray = numpy.ndarray


# NOTE [Meta arrays pass through asarray]
# NumPy's asarray, array, asanyarray and ascontiguousarray take no ``__array_function__``:
# given a meta array they would ask it for its values. Once a meta array is made
# (``admit_meta``), dyngrad's namespace answers these four with versions that pass a meta
# array through; until then they are NumPy's own, so a program that never uses the meta
# device pays nothing for it (they are on the hot path: measured, 90 ns a call).
def _passing_meta(name):
    real = getattr(numpy, name)

    def convert(a, dtype=None, *args, **kwargs):
        if type(a) is not MetaArray:
            return real(a, dtype, *args, **kwargs)
        order = kwargs.get("order") or ("C" if name == "ascontiguousarray" else "K")
        if dtype is not None:
            return a.astype(dtype, order=order, copy=kwargs.get("copy", name == "array"))
        if name == "array" and kwargs.get("copy", True) or (
                name == "ascontiguousarray" and not a.flags.c_contiguous):
            return a.copy(order)
        return a
    convert.__name__ = name
    return convert


_META_PASSING = {name: _passing_meta(name)
                 for name in ("asarray", "array", "asanyarray", "ascontiguousarray")}


def admit_meta():
    """Let dyngrad's namespace pass meta arrays through NumPy's converters (NOTE [Meta
    arrays pass through asarray]); called where meta arrays are first made."""
    if xp.asarray is not _META_PASSING["asarray"]:
        for name, fn in _META_PASSING.items():
            setattr(xp, name, fn)

# NOTE [No shortcuts while capturing]
# Code that skips work when the data lets it (a rounding fix that no lane needs) takes
# the general path while ``capturing`` is set, which gives the same values. A capture
# sets it once the recorded call has changed something that outlives the call: from
# there a plan could not give up a run whose data wants the other path. Before that the
# test itself is recorded (NOTE [Checks inside a plan] in _compile/trace.py).
capturing = False

# array-API names of NumPy functions that ops capture as objects (binary(xp.add, ...))
_API_NAMES = {"true_divide": "divide", "power": "pow", "absolute": "abs",
              "conjugate": "conj", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
              "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2",
              "invert": "bitwise_invert", "concatenate": "concat"}

# dtype kinds by the array-API names of the dtypes torch has
_KIND_OF_NAME = {"bool": "b", "uint8": "u", "int8": "i", "int16": "i", "int32": "i",
                 "int64": "i", "float16": "f", "float32": "f", "float64": "f",
                 "complex64": "c", "complex128": "c"}
# NumPy's dtypes that can require grad (a set test is faster than dtype.kind, measured)
DIFFERENTIABLE = {numpy.dtype(n) for n, k in _KIND_OF_NAME.items() if k in "fc"}
# what NumPy math returns: arrays, and scalars for 0-d results (a set of types is one test)
NUMPY_TYPES = frozenset({ndarray} | {numpy.dtype(n).type for n in _KIND_OF_NAME})
# Other modules' dtypes live in tables of their own: a module's dtype may hash as NumPy's
# and refuse (or warn) when compared with it (array-api-strict does).
_FOREIGN_KIND = {}   # dtype of another module -> 'b', 'u', 'i', 'f' or 'c'
_FOREIGN_NAME = {}   # dtype of another module -> its name ('float32')
_MODULES = {xp: {n: numpy.dtype(n) for n in _KIND_OF_NAME}}  # namespace -> its dtypes
# meta arrays (NOTE [Meta arrays]) carry NumPy's dtypes
META = _meta_array.namespace
_MODULES[META] = _MODULES[xp]


def _register(ns):
    """Learn a module's dtypes once, so that kinds and torch dtypes answer for its arrays."""
    table = _MODULES[ns] = {}
    for name, k in _KIND_OF_NAME.items():
        d = getattr(ns, name, None)
        if d is not None:
            table[name] = d
            _FOREIGN_KIND[d] = k
            _FOREIGN_NAME[d] = name
    return ns


def register_numpy_dtyped(ns):
    """Take ``ns`` as an array module whose arrays hold NumPy's dtypes (sparse arrays):
    NumPy's dtypes answer for it, and the tables of other modules' dtypes stay theirs."""
    _MODULES[ns] = _MODULES[xp]
    return ns


def array_module(*arrays):
    """The array module of ``arrays``: ``xp`` (dyngrad's NumPy) for NumPy arrays, NumPy
    scalars and numbers; otherwise the namespace the first foreign array names
    (``__array_namespace__``)."""
    for a in arrays:
        if type(a) is ndarray or isinstance(a, ndarray):  # (a subclass: compile's Traced)
            continue
        get = getattr(a, "__array_namespace__", None)
        if get is not None:
            ns = get()
            if ns is not numpy:
                return ns if ns in _MODULES else _register(ns)
    return xp


def function(np_function, *arrays):
    """NumPy's ``np_function`` (a ufunc an op captured) as the module of ``arrays`` has it."""
    ns = array_module(*arrays)
    if ns is xp or ns is META:  # meta arrays answer NumPy's own functions (their protocols)
        return np_function
    name = np_function.__name__
    found = getattr(ns, _API_NAMES.get(name, name), None)
    if found is None:
        raise NotImplementedError(f"{name} is not implemented for {ns.__name__} arrays")
    return found


def dtype(ns, name):
    """The dtype ``name`` ('float32') of module ``ns``; None where the module lacks it."""
    if ns not in _MODULES:
        _register(ns)
    return _MODULES[ns].get(name)


def dtype_name(d):
    """The name of an array dtype of any module seen ('float32'); None if unknown."""
    return d.name if isinstance(d, numpy.dtype) else _FOREIGN_NAME.get(d)


def kind(d):
    """NumPy's one-letter kind of an array dtype ('f', 'c', 'i', 'u', 'b') for any module."""
    return d.kind if isinstance(d, numpy.dtype) else _FOREIGN_KIND[d]


def differentiable(a):
    """Whether an array (of any module) has a dtype that can require grad."""
    d = a.dtype
    if isinstance(d, numpy.dtype):  # NumPy's arrays, and sparse arrays of NumPy values
        return d.kind in "fcV"  # V: ml_dtypes' bfloat16 and float8
    return _FOREIGN_KIND[d] in "fc"


def asarray(value, dtype=None):
    """An array of ``value``; 0-d results of NumPy math come back as scalars, so wrap them.
    An array of another module stays in its module."""
    if type(value) in NUMPY_TYPES or isinstance(value, _NUMPY_LIKE):
        return xp.asarray(value, dtype=dtype)
    return array_module(value).asarray(value, dtype=dtype)


_NUMPY_LIKE = (numpy.generic, ndarray, int, float, complex, list, tuple)


def astype(a, d, copy=False):
    """``a`` as dtype ``d`` of its own module (a copy only when asked or needed), as torch
    converts: to float8_e4m3fn, which has no infinity, out-of-range values and infinities
    saturate to +-448 (ml_dtypes' cast gives nan)."""
    if isinstance(a, (ndarray, numpy.generic)):
        if a.dtype == d:  # nothing to convert: no errstate to pay for (about 1.5 us)
            return a.copy() if copy else a
        if d.name == "float8_e4m3fn" and a.dtype.kind in "fiuV":
            a = xp.clip(a.astype(xp.float32), -448.0, 448.0)
        with xp.errstate(over="ignore", invalid="ignore"):  # torch converts silently
            return a.astype(d, copy=copy)
    return array_module(a).astype(a, d, copy=copy)


def errstate(ns, **settings):
    """NumPy's errstate for NumPy; other modules have no floating-point warnings to silence."""
    return numpy.errstate(**settings) if ns is xp else contextlib.nullcontext()


# NOTE [Floating-point warnings]
# torch's kernels are silent about inf * 0, inf - inf, 0 / 0, overflow and the like; NumPy
# warns (RuntimeWarning) unless its error state says "ignore". dyngrad silences NumPy for
# the span of each op's forward (ops/_table.py, ops/inplace.py) and of each backward run
# (autograd/engine.py), and never for the user's own NumPy code. ``np.errstate`` costs
# about 0.7 us a use (measured), more than a small op: NumPy 2 keeps its error state in a
# context variable, and setting that variable and resetting it costs about 0.09 us.
# ``quiet()`` silences and returns a token; ``loud(token)`` puts back what was there.
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _EXTOBJ
    with numpy.errstate(all="ignore"):
        _SILENT = _EXTOBJ.get()
    quiet = functools.partial(_EXTOBJ.set, _SILENT)
    loud = _EXTOBJ.reset
except (ImportError, AttributeError):  # a NumPy that keeps its error state elsewhere
    def quiet():
        state = numpy.errstate(all="ignore")
        state.__enter__()
        return state

    def loud(state):
        state.__exit__(None, None, None)


def owns_data(a):
    """Whether ``a`` is a writeable NumPy array owning its memory (the engine may then
    accumulate into it); arrays of other modules never are (their aliasing is unknown)."""
    return type(a) is ndarray and a.base is None and a.flags.writeable


def contiguous(a):
    """Whether a NumPy array is laid out row-major (other modules' arrays: unknown, no)."""
    return type(a) is ndarray and a.flags.c_contiguous


def plain_array(a):
    """The NumPy array an ndarray subclass stands for (a capture's array views its real
    array: dyngrad/_compile/trace.py), or ``a`` itself."""
    if type(a) is ndarray:
        return a
    raw = getattr(a, "_raw", None)
    return raw if type(raw) is ndarray else a


def data_ptr(a):
    """The address of an array's first element (``__array_interface__`` for NumPy)."""
    if isinstance(a, ndarray):
        if not a.size and not root_of(a).size:
            return 0  # torch's tensor over no memory at all
        return a.__array_interface__["data"][0]
    if type(a) is MetaArray:  # torch's meta tensors answer 0
        return 0
    raise NotImplementedError("data_ptr() is only available for tensors over NumPy arrays")


def writeable(a):
    """Whether an array may be written (NumPy's flag; other modules' arrays are)."""
    return a.flags.writeable if isinstance(a, ndarray) else True


def _numpy_only(what):
    return NotImplementedError(f"{what} is only implemented for tensors over NumPy arrays "
                               "(array-API arrays have no strides)")


def as_strided(a, shape, strides, writeable=True):
    """NumPy's ``as_strided`` (strides in bytes); other modules' arrays have no strides."""
    if type(a) is MetaArray:
        return _meta_array.as_strided(a, shape, strides)
    if not isinstance(a, ndarray):
        raise _numpy_only("as_strided")
    if type(a) is not ndarray:  # a capture's array records the view (NumPy does not
        # hand as_strided to __array_function__): dyngrad/_compile/trace.py
        strided = getattr(a, "_as_strided", None)
        if strided is not None:
            return strided(shape, strides, writeable)
    return numpy.lib.stride_tricks.as_strided(a, shape=shape, strides=strides,
                                              writeable=writeable)


def sliding_window_view(a, window_shape, axis):
    """NumPy's windows of ``a`` as a view (convolution and pooling)."""
    if type(a) is MetaArray:
        return _meta_array.sliding_window_view(a, window_shape, axis)
    if not isinstance(a, ndarray):
        raise _numpy_only("a sliding window view (convolution, pooling)")
    return numpy.lib.stride_tricks.sliding_window_view(a, window_shape, axis=axis)


def has_values(a):
    """Whether array ``a`` holds values: a meta array holds none, and the checks of values
    (indices in bounds, targets in range) are skipped for it, as torch's meta kernels
    skip them."""
    return type(a) is not MetaArray


def is_numpy(a):
    """Whether ``a`` is NumPy's: an array or a scalar (what NumPy's 0-d math returns)."""
    return isinstance(a, (ndarray, numpy.generic))


def to_numpy(a):
    """A NumPy array of ``a``: itself for NumPy, else a host copy through DLPack."""
    if isinstance(a, ndarray):  # (subclasses too: a capture's arrays record their reads)
        return a
    if isinstance(a, numpy.generic):
        return numpy.asarray(a)
    if type(a) is MetaArray:
        raise _meta_array.no_data()
    try:
        return numpy.from_dlpack(a, device="cpu")
    except (TypeError, BufferError, AttributeError):
        return numpy.asarray(a)


def copy(a):
    """A fresh copy of an array in its own module."""
    if isinstance(a, (ndarray, numpy.generic)):
        return xp.array(a, copy=True, order="K")
    if type(a) is MetaArray:
        return a.copy()
    return array_module(a).asarray(a, copy=True)



def root_of(array):
    """The array that owns ``array``'s memory (NumPy keeps it as its views' base)."""
    root = array
    while True:
        base = root.base
        if not isinstance(base, ndarray):
            # as_strided's result keeps its array behind a stand-in with the interface
            base = getattr(base, "base", None)
            if not isinstance(base, ndarray):
                return root
        root = base


def memory_bytes(root):
    """The memory of an array that owns it, as flat bytes in memory order (a view)."""
    flat = root.reshape(-1) if root.flags.c_contiguous else root.ravel(order="K")
    return flat.view(xp.uint8)


def storage_of(array):
    """The memory under ``array`` as one flat array (the array that owns it), and where
    ``array`` starts in it, in elements: torch's storage and storage_offset()."""
    if type(array) is MetaArray:  # a storage without bounds: nothing is read from it
        return MetaArray((_meta_array.UNBOUNDED,), array.dtype), array._offset
    root = root_of(array)
    start = root.__array_interface__["data"][0]
    offset = (array.__array_interface__["data"][0] - start) // array.itemsize
    flat = root.reshape(-1) if root.flags.c_contiguous else root.ravel(order="K")
    if flat.dtype != array.dtype:
        flat = flat.view(array.dtype)
    return flat, offset

"""The array-module seam: which module computes on a tensor's array, and NumPy's extras.

NOTE [The array-module seam]
A Tensor holds an array of some array module: a ``numpy.ndarray`` by default, or an
array of any module that speaks the Python array API (``__array_namespace__``): CuPy for
a GPU, array-api-strict in the tests. The module is chosen from the arrays themselves,
``array_module(*arrays)``, never bound once for the process: NumPy arrays, NumPy scalars
and Python numbers mean NumPy; anything else answers with its own namespace.

Ops are written once, in the array-API spelling that NumPy 2 also speaks (``xp.concat``,
``xp.permute_dims``, ``xp.astype``), with ``xp = array_module(self)`` at the top of a
forward. The hot forwards (arithmetic, unary math) keep NumPy's path as it was: they
test ``type(x) is ndarray`` and only otherwise ask for the module (``function``), so a
NumPy op pays one type check for the seam. NumPy's extras that the standard lacks go
through the helpers below, each with its portable fallback: ``errstate`` (a no-op),
``kind`` (dtype kinds, from the dtypes each module has), ``owns_data`` (flags and bases;
foreign arrays are never taken over in place), ``data_ptr`` (``__array_interface__``),
``to_numpy`` (a host copy through DLPack) and ``add_at`` (``ufunc.at``).

A CuPy backend plugs in here and nowhere else: CuPy arrays carry
``__array_namespace__`` (``cupy.array_api`` or array-api-compat's ``cupy`` wrapper), so
``array_module`` hands the ops CuPy's namespace; ``to_numpy`` copies to the host through
DLPack for printing and ``.item()``; the dtype tables fill themselves from the namespace
on first sight (``_register``). What is still NumPy-only (and says so with torch's
NotImplementedError or by converting at its boundary) is listed in tests/test_backend.py.
"""
import contextlib

import numpy

xp = numpy              # the module of factories given no array (torch's default device)
ndarray = numpy.ndarray

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
# Other modules' dtypes live in tables of their own: a module's dtype may hash as NumPy's
# and refuse (or warn) when compared with it (array-api-strict does).
_FOREIGN_KIND = {}   # dtype of another module -> 'b', 'u', 'i', 'f' or 'c'
_FOREIGN_NAME = {}   # dtype of another module -> its name ('float32')
_MODULES = {numpy: {n: numpy.dtype(n) for n in _KIND_OF_NAME}}  # namespace -> its dtypes


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


def array_module(*arrays):
    """The array module of ``arrays``: NumPy for NumPy arrays, NumPy scalars and numbers;
    otherwise the namespace the first foreign array names (``__array_namespace__``)."""
    for a in arrays:
        if type(a) is ndarray:
            continue
        get = getattr(a, "__array_namespace__", None)
        if get is not None:
            ns = get()
            if ns is not numpy:
                return ns if ns in _MODULES else _register(ns)
    return numpy


def function(np_function, *arrays):
    """NumPy's ``np_function`` (a ufunc an op captured) as the module of ``arrays`` has it."""
    ns = array_module(*arrays)
    if ns is numpy:
        return np_function
    name = np_function.__name__
    return getattr(ns, _API_NAMES.get(name, name))


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
    if isinstance(a, (ndarray, numpy.generic)):
        return a.dtype in DIFFERENTIABLE
    return _FOREIGN_KIND[a.dtype] in "fc"


def asarray(value, dtype=None):
    """An array of ``value``; 0-d results of NumPy math come back as scalars, so wrap them.
    An array of another module stays in its module."""
    if type(value) is ndarray or isinstance(value, (numpy.generic, int, float, complex, bool)):
        return numpy.asarray(value, dtype=dtype)
    ns = array_module(value)
    return numpy.asarray(value, dtype=dtype) if ns is numpy else ns.asarray(value, dtype=dtype)


def astype(a, d, copy=False):
    """``a`` as dtype ``d`` of its own module (a copy only when asked or needed)."""
    if type(a) is ndarray or isinstance(a, numpy.generic):
        return a.astype(d, copy=copy)
    return array_module(a).astype(a, d, copy=copy)


def errstate(ns, **settings):
    """NumPy's errstate for NumPy; other modules have no floating-point warnings to silence."""
    return numpy.errstate(**settings) if ns is numpy else contextlib.nullcontext()


def owns_data(a):
    """Whether ``a`` is a writeable NumPy array owning its memory (the engine may then
    accumulate into it); arrays of other modules never are (their aliasing is unknown)."""
    return type(a) is ndarray and a.base is None and a.flags.writeable


def data_ptr(a):
    """The address of an array's first element (``__array_interface__`` for NumPy)."""
    if type(a) is ndarray:
        return a.__array_interface__["data"][0]
    raise NotImplementedError("data_ptr() is only available for tensors over NumPy arrays")


def is_numpy(a):
    return type(a) is ndarray or isinstance(a, numpy.generic)


def to_numpy(a):
    """A NumPy array of ``a``: itself for NumPy, else a host copy through DLPack."""
    if type(a) is ndarray or isinstance(a, numpy.generic):
        return numpy.asarray(a)
    try:
        return numpy.from_dlpack(a, device="cpu")
    except (TypeError, BufferError, AttributeError):
        return numpy.asarray(a)


def copy(a):
    """A fresh copy of an array in its own module."""
    if type(a) is ndarray:
        return numpy.array(a, copy=True, order="K")
    return array_module(a).asarray(a, copy=True)


def add_at(target, index, values):
    """``target[index] += values`` with repeated indices adding up (NumPy's ``add.at``)."""
    if type(target) is ndarray:
        numpy.add.at(target, index, values)
        return
    raise NotImplementedError("index accumulation (ufunc.at) is only implemented for NumPy "
                              "arrays")

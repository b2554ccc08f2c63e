"""The array-module seam.

Every array dyngrad makes or transforms goes through ``xp``, the array module of the
current backend (NumPy today). Ops write ``xp.exp(a)``, never ``numpy.exp(a)``, so that
another module with NumPy's interface (CuPy) can be dropped in here without touching
the op table.
"""
import types

import numpy
import numpy.fft
import numpy.linalg

# dyngrad's own view of the array module: NumPy's namespace, copied, so that a capture
# (dyngrad.compile, NOTE [Capture records array calls]) can answer its factories for a
# while without touching the NumPy every other library in the process uses. Names NumPy
# loads lazily still resolve, through NumPy's own module __getattr__.
xp = types.ModuleType("numpy")
xp.__dict__.update(numpy.__dict__)
ndarray = numpy.ndarray

# NOTE [No shortcuts while capturing]
# Code that skips work when the data lets it (a rounding fix that no lane needs) takes
# the general path while a capture records, as the record must hold what every later
# run may need; the general path gives the same values.
capturing = False


def array_module(array):
    """The array module that owns ``array`` (one module today)."""
    return xp


def asarray(value, dtype=None):
    """An array of ``value``; 0-d results of array math come back as scalars, so wrap them."""
    return xp.asarray(value, dtype=dtype)


def astype(array, dtype):
    """``array.astype(dtype)`` as torch converts: to float8_e4m3fn, which has no infinity,
    out-of-range values and infinities saturate to +-448 (ml_dtypes' cast gives nan)."""
    if dtype.name == "float8_e4m3fn" and array.dtype.kind in "fiuV":
        array = xp.clip(array.astype(xp.float32), -448.0, 448.0)
    with xp.errstate(over="ignore", invalid="ignore"):  # torch converts silently
        return array.astype(dtype, copy=False)


def storage_of(array):
    """The memory under ``array`` as one flat array (the array that owns it), and where
    ``array`` starts in it, in elements: torch's storage and storage_offset()."""
    root = array
    while isinstance(root.base, ndarray):
        root = root.base
    start = root.__array_interface__["data"][0]
    offset = (array.__array_interface__["data"][0] - start) // array.itemsize
    flat = root.reshape(-1) if root.flags.c_contiguous else root.ravel(order="K")
    if flat.dtype != array.dtype:
        flat = flat.view(array.dtype)
    return flat, offset

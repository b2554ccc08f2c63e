"""The array-module seam.

Every array dyngrad makes or transforms goes through ``xp``, the array module of the
current backend (NumPy today). Ops write ``xp.exp(a)``, never ``numpy.exp(a)``, so that
another module with NumPy's interface (CuPy) can be dropped in here without touching
the op table.
"""
import numpy

xp = numpy
ndarray = numpy.ndarray


def array_module(array):
    """The array module that owns ``array`` (one module today)."""
    return xp


def asarray(value, dtype=None):
    """An array of ``value``; 0-d results of array math come back as scalars, so wrap them."""
    return xp.asarray(value, dtype=dtype)

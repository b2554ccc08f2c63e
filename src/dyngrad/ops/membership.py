"""isin: whether each element of one tensor occurs among another's (no gradient)."""
from .. import _backend
from .._dtype import _FROM_NP
from ..creation import tensor as _tensor
from ..tensor import Tensor, _wrap

xp = _backend.xp


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    # (a number on either side is one element; the parser refuses two numbers)
    a = elements._data if isinstance(elements, Tensor) else _tensor(elements)._data
    b = test_elements._data if isinstance(test_elements, Tensor) else _tensor(test_elements)._data
    for kind, dtype in ((x.dtype.kind, x.dtype) for x in (a, b)):
        if kind in "bc":
            raise RuntimeError("Unsupported input type encountered for isin(): "
                               f"{_FROM_NP[dtype]._cname}")
    if not (_backend.has_values(a) and _backend.has_values(b)):  # meta: the shape only
        return _wrap(_backend.array_module(a).empty(a.shape, xp.bool_))
    return _wrap(xp.isin(a, b, invert=invert))  # (NumPy keeps the elements' shape)


FUNCTIONS = {"isin": isin}

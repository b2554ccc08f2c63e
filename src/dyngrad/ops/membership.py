"""isin: whether each element of one tensor occurs among another's (no gradient)."""
from .. import _backend
from ..creation import tensor as _tensor
from ..tensor import Tensor, _wrap

xp = _backend.xp


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    # (a number on either side is one element; the parser refuses two numbers)
    a = elements._data if isinstance(elements, Tensor) else _tensor(elements)._data
    b = test_elements._data if isinstance(test_elements, Tensor) else _tensor(test_elements)._data
    return _wrap(xp.isin(a, b, invert=invert).reshape(a.shape))


FUNCTIONS = {"isin": isin}

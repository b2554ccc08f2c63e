"""torch.autograd.Variable: the legacy wrapper, which now returns a plain Tensor."""
import warnings

from ..creation import empty
from ..tensor import Tensor
from .engine import execution_engine

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(t, requires_grad=...)`` gives ``t`` itself with the flag set, as torch does."""

    _execution_engine = execution_engine

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        t = data.detach()
        t.requires_grad = requires_grad
        return t

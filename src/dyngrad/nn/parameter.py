"""torch.nn.Parameter and torch.nn.Buffer: tensors that a Module registers on assignment.

    >>> p = torch.nn.Parameter(torch.ones(2))
    >>> p
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    >>> p.is_leaf, (p * 2).grad_fn.name()
    (True, 'MulBackward0')
"""
from ..creation import empty
from ..tensor import Tensor

__all__ = ["Parameter", "Buffer"]

_new = object.__new__


def _alias(cls, data, requires_grad):
    """A leaf of class ``cls`` sharing ``data``'s array and version counter (torch's
    ``Tensor._make_subclass``): a parameter made from a tensor sees its writes."""
    t = _new(cls)
    t._data = data._data
    t._requires_grad = False
    t._grad_fn = None
    t._output_nr = 0
    t._version_counter = data._version_counter
    t.requires_grad = requires_grad
    return t


class Parameter(Tensor):
    """A Tensor that, assigned as a Module attribute, joins the module's parameters.

    A Parameter is always a leaf; results computed from it are plain Tensors.
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        return _alias(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self.data, self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    # torch.nn.Buffer(t) returns ``t`` itself, marked; isinstance(x, Buffer) reads the mark
    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """A Tensor that, assigned as a Module attribute, joins the module's buffers."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t

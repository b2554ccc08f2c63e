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

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy"]

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


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet: a lazy module materialises it,
    in place, on its first forward (or when a state dict is loaded into it). Until then
    it holds no data; it can change dtype, and its shape is an error."""

    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Become a ``cls_to_become`` of ``shape`` (uninitialized memory), keeping this
        object, its dtype (unless given) and requires_grad."""
        self.data = empty(shape, dtype=self.dtype if dtype is None else dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call "
                           "`forward` to initialize the parameters before calling "
                           "`module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    def copy_(self, src, non_blocking=False):
        # allowed, as in torch: into the empty data (loading one lazy state into another)
        Tensor.copy_(self.data, src.data if is_lazy(src) else src)
        return self

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, None, self.dtype)
        return memo[id(self)]


def is_lazy(param):
    """Whether ``param`` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet (see ``UninitializedTensorMixin``)."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _alias(cls, empty(0, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (see ``UninitializedTensorMixin``)."""

    cls_to_become = Tensor

    def _converted(self, result):
        # a conversion stays uninitialized, as torch's does through __torch_function__
        # (an UninitializedParameter's gives a plain tensor: Parameter turns that off)
        return self if result is self else _alias(UninitializedBuffer, result,
                                                  result.requires_grad)

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _alias(cls, empty(0, dtype=dtype), requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass


def _conversion(name):
    def convert(self, *args, **kwargs):
        return self._converted(getattr(Tensor, name)(self, *args, **kwargs))
    convert.__name__ = name
    return convert


for _name in ("half", "float", "double", "char", "short", "int", "long", "bfloat16", "cpu",
              "to", "type"):
    setattr(UninitializedBuffer, _name, _conversion(_name))

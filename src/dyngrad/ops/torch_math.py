"""torch's signatures for the math ops: overloads resolved to table entries.

``torch.add(x, 1)``, ``x + 1``, ``1 + x`` and ``x.add(1)`` all end in the one ``add``
entry of pointwise.py; ``1 - x`` picks ``rsub`` and ``x ** t`` picks PowBackward1, as
torch's dispatcher does. Nothing here computes: it chooses an entry and its arguments.
"""
import numbers

from .. import _backend
from .._args import as_dtype, broadcast_shapes, type_name
from .._sparse_coo import SparseCoo, no_kernel
from ..creation import check_scalar, tensor
from ..tensor import Tensor, _wrap, _wrap_dim
from . import pointwise as pw
from . import reduction as red
from ._batched import BatchedTensor, dynamic_shape_error
from ._promote import result_dtype
from .inplace import apply_inplace, check_inplace

xp = _backend.xp
# the entries' plain functions (Op.fast): the operators' path, one call shorter
_add, _sub, _mul, _div = pw.add.fast, pw.sub.fast, pw.mul.fast, pw.div.fast


def _check_tensor(input, name, pos="input", other=None):
    """torch's parser: a Tensor, or a number (a 0-d tensor) when ``other`` is a number too;
    a number beside a Tensor stays a number for type promotion."""
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        return input
    if type(input) in (int, float, bool, complex) and other is not None:
        return tensor(input)
    raise TypeError(f"{name}(): argument '{pos}' (position {1 + (pos == 'other')}) must be "
                    f"Tensor, not {type_name(input)}")


_NUMBERS = frozenset((int, float, bool, complex))


def _operand(value):
    """A Tensor or a number: what torch's arithmetic takes as ``other``."""
    return type(value) in _NUMBERS or isinstance(value, (Tensor, numbers.Number))


def _check_other(name, other, pos=2):
    if type(other) not in _NUMBERS and not _operand(other):
        raise TypeError(f"{name}(): argument 'other' (position {pos}) must be Tensor, not "
                        f"{type_name(other)}")


def operator(fn):
    """``x + other`` and the like: an operand that is neither a Tensor nor a number is
    NotImplemented, so that Python raises its own TypeError as it does for torch. The
    commonest operators call their table entry straight away (one call less per op)."""
    fast = _FAST_OPERATORS.get(fn)
    if fast is None:
        def op(self, other):
            if type(other) not in _NUMBERS and not _operand(other):
                return NotImplemented
            return fn(self, other)
    elif fast[1] is None:
        entry = fast[0]

        def op(self, other):
            # a Tensor or a number is known without a call (the check _operand makes)
            if type(other) is Tensor or type(other) in _NUMBERS or _operand(other):
                return entry(self, other)
            return NotImplemented
    else:
        entry, alpha = fast

        def op(self, other):
            if type(other) is Tensor or type(other) in _NUMBERS or _operand(other):
                return entry(self, other, alpha)
            return NotImplemented
    op.__name__ = fn.__name__
    return op


# operators whose function needs no more than the operand check (self is a Tensor): the
# table entry's plain function, and the alpha it is given (None: it takes none)
_FAST_OPERATORS = {}


def method(fn, name):
    """``x.add(other)``: ``other`` is the method's first argument in torch's messages."""
    def m(self, other, *args, **kwargs):
        if type(other) not in _NUMBERS and not _operand(other):
            raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor, not "
                            f"{type_name(other)}")
        return fn(self, other, *args, **kwargs)
    m.__name__ = name
    return m


def add(input, other, *, alpha=1, out=None):
    if not isinstance(input, Tensor):
        input = _check_tensor(input, "add", other=other)
    if type(other) not in _NUMBERS and not isinstance(other, Tensor):
        _check_other("add", other)
    return _add(input, other, _alpha(input, other, alpha, "add"))


def sub(input, other, *, alpha=1, out=None):
    if not isinstance(input, Tensor):
        input = _check_tensor(input, "sub", other=other)
    if type(other) not in _NUMBERS and not isinstance(other, Tensor):
        _check_other("sub", other)
    return _sub(input, other, _alpha(input, other, alpha, "sub"))


def _scalar_arg(alpha, name):
    """torch's parser takes a 0-d tensor where a Number is asked for (as its value)."""
    if isinstance(alpha, Tensor) and alpha.dim() == 0:
        return alpha.item()
    raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type_name(alpha)}")


def _alpha(input, other, alpha, name):
    return alpha if type(alpha) is int and alpha == 1 else _check_alpha(input, other, alpha, name)


def _check_alpha(input, other, alpha, name):
    """torch's alpha: a Number (a 0-d tensor's value), of a kind the result's dtype holds
    (its alpha_check: a bool for bool results only, a float for floating ones, a complex
    number for complex ones), read as its kernel reads it, in the result's own dtype."""
    if not isinstance(alpha, numbers.Number):
        alpha = _scalar_arg(alpha, name)
    dt = result_dtype(input._data, getattr(other, "_data", other))
    kind = _backend.kind(dt)
    if isinstance(alpha, bool) and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if kind in "biu" and not isinstance(alpha, numbers.Integral):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    if kind != "c" and isinstance(alpha, numbers.Complex) and not isinstance(alpha, numbers.Real):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a "
                           "complex number.")
    if type(alpha) in (int, float):  # the kernel reads alpha in the result's own dtype
        check_scalar(alpha, dt)
        if kind == "b":
            return bool(alpha)
    return alpha


def rsub(input, other, *, alpha=1):
    alpha = _alpha(input, other, alpha, "rsub")
    if isinstance(other, Tensor):
        return pw.rsub_tensor(input, other, alpha)
    return pw.rsub(input, other, alpha)


def mul(input, other, *, out=None):
    if not isinstance(input, Tensor):
        input = _check_tensor(input, "mul", other=other)
    if type(other) not in _NUMBERS and not isinstance(other, Tensor):
        _check_other("mul", other)
    return _mul(input, other)


_NOT_GIVEN = object()


def div(input, other, *, rounding_mode=_NOT_GIVEN, out=None):
    if not isinstance(input, Tensor):
        input = _check_tensor(input, "div", other=other)
    if type(other) not in _NUMBERS and not isinstance(other, Tensor):
        _check_other("div", other)
    if rounding_mode is _NOT_GIVEN:
        return _div(input, other)
    if rounding_mode is not None and not isinstance(rounding_mode, str):
        # (the argument parser around div words this as torch does, from its overloads)
        raise TypeError("div(): rounding_mode must be a str or None")
    # a mode given, even None, is torch's div.Tensor_mode overload (DivBackward2)
    return pw.div_mode(input, other, rounding_mode)


def floor_divide(input, other):
    if not isinstance(input, Tensor):
        input = _check_tensor(input, "floor_divide", other=other)
    return pw.floor_divide(input, other)


def rfloordiv(self, other):
    return pw.floor_divide(other, self)


def _remainder_entry(other, tensor_entry, scalar_entry):
    return tensor_entry if isinstance(other, Tensor) else scalar_entry


def remainder(input, other):
    if not isinstance(input, Tensor):
        if isinstance(other, Tensor):  # remainder(2, x): torch's remainder.Scalar_Tensor
            return pw.remainder_scalar_tensor(input, other)
        _check_tensor(input, "remainder")  # (no overload takes two numbers: a TypeError)
    return _remainder_entry(other, pw.remainder, pw.remainder_scalar)(input, other)


def rmod(self, other):
    return pw.remainder_scalar_tensor(other, self)


def fmod(input, other):
    return _remainder_entry(other, pw.fmod, pw.fmod_scalar)(input, other)


_FAST_OPERATORS.update({add: (_add, 1), sub: (_sub, 1), mul: (_mul, None), div: (_div, None)})


def true_divide(input, other):
    return pw.div(input, other)


def pow(input, exponent, *, out=None):
    if not isinstance(input, Tensor):
        return pw.pow_scalar_base(input, exponent)
    if isinstance(exponent, Tensor):
        return pw.pow_tensor(input, exponent)
    return pw.pow_scalar_exp(input, exponent)


def rpow(self, base):
    return pw.pow_scalar_base(base, self)


def rtruediv(self, other):
    return pw.mul(pw.reciprocal(self), other)


def neg(input):
    return pw.neg(input)


def clamp(input, min=None, max=None, *, out=None):
    min, max = pw.check_bounds(input, min, max)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return pw.clamp_tensor(input, min, max)
    return pw.clamp(input, min, max)


def _refuse_complex(bound):
    if type(bound) is complex:  # (clamp itself refuses the number's conversion first)
        raise NotImplementedError("clamp is not supported for complex types")


def clamp_min(input, min):
    _refuse_complex(min)
    min, _ = pw.check_bounds(input, min, None)
    return (pw.clamp_min_tensor if isinstance(min, Tensor) else pw.clamp_min)(input, min)


def clamp_max(input, max):
    _refuse_complex(max)
    _, max = pw.check_bounds(input, None, max)
    return (pw.clamp_max_tensor if isinstance(max, Tensor) else pw.clamp_max)(input, max)


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        if type(condition) is BatchedTensor:  # (NOTE [Functions that read arrays under vmap])
            raise dynamic_shape_error("aten::where")
        return nonzero(condition, as_tuple=True)
    if _backend.kind(condition._data.dtype) != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype._cname}")
    numbers = [v for v in (input, other) if type(v) in (int, float)]
    if numbers:  # (a number beyond float16 or bfloat16 goes in as inf, as t[i] = v)
        dt = result_dtype(*(getattr(v, "_data", v) for v in (input, other)))
        for v in numbers:
            check_scalar(v, dt, floats=dt.itemsize > 2)
    return pw.where(condition, input, other)


def nonzero(input, *, as_tuple=False):
    if type(input) is BatchedTensor:  # (NOTE [Functions that read arrays under vmap])
        if as_tuple:
            raise RuntimeError("Batching rule not implemented for aten::nonzero_numpy. We could "
                               "not generate a fallback.")
        raise dynamic_shape_error("aten::nonzero")
    data = input._data
    idx = xp.nonzero(xp.atleast_1d(data))  # (a number: one index, 0, where it is not 0)
    if as_tuple:
        return tuple(_wrap(i.astype(xp.int64)) for i in idx)
    return _wrap(xp.stack(idx, axis=1).astype(xp.int64)[:, :data.ndim])


def nonzero_static(input, *, size, fill_value=-1):
    """nonzero padded with ``fill_value`` rows, or cut, to exactly ``size`` rows: a shape
    known before the values are."""
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    if type(input) is BatchedTensor:  # (NOTE [Functions that read arrays under vmap])
        raise dynamic_shape_error("aten::nonzero_static")
    if not _backend.has_values(input._data):  # meta: laid out as torch's meta kernel lays it
        ns = _backend.array_module(input._data)
        return _wrap(xp.swapaxes(ns.empty((input._data.ndim, size), xp.int64), 0, 1))
    out = xp.full((size, input._data.ndim), fill_value, xp.int64)
    if input._data.ndim:
        found = xp.stack(xp.nonzero(input._data), axis=1)[:size]
        out[:len(found)] = found
    return _wrap(out)


def maximum(input, other):
    _check_tensor(input, "maximum")
    _check_tensor(other, "maximum", "other")
    return pw.maximum(input, other)


def minimum(input, other):
    _check_tensor(input, "minimum")
    _check_tensor(other, "minimum", "other")
    return pw.minimum(input, other)


# -- reductions ---------------------------------------------------------------------------
# no dim given at all: torch's overload without one (SumBackward0); dim=None given, even
# positionally, picks the dim overload (SumBackward1) over every dim
_NO_DIM = object()


def _reduce(all_op, dim_op, input, dim, keepdim, dtype):
    """sum and mean: over everything (SumBackward0) unless a dim or keepdim is given."""
    dtype = as_dtype("sum", dtype)
    if dim is _NO_DIM and not keepdim:
        return all_op(input, dtype)
    if dim is _NO_DIM or dim is None or not isinstance(dim, int) and len(dim) == 0:
        dim = tuple(range(input.dim()))  # no dims named: all of them, as torch reads it
    return dim_op(input, dim, keepdim, dtype)


def sum(input, dim=_NO_DIM, keepdim=False, *, dtype=None, out=None):
    return _reduce(red.sum_all, red.sum_dim, input, dim, keepdim, dtype)


def mean(input, dim=_NO_DIM, keepdim=False, *, dtype=None, out=None):
    return _reduce(red.mean_all, red.mean_dim, input, dim, keepdim, dtype)


class _ReturnType(tuple):
    """torch.return_types.max and friends: a (values, indices) tuple with names."""

    _name = "max"

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _return_type(name):
    return type(name, (_ReturnType,), {"_name": name, "__slots__": (),
                                       "__module__": "dyngrad.return_types"})


return_types = {n: _return_type(n) for n in ("max", "min", "sort", "topk", "kthvalue", "mode")}


def _reduce_select(input, dim, keepdim, other, all_op, dim_op, pair_op, name):
    if isinstance(dim, Tensor):  # torch.max(a, b)
        return pair_op(input, dim)
    if other is not None:
        return pair_op(input, other)
    if dim is None:
        return all_op(input)
    values, indices = dim_op(input, dim, keepdim)
    return return_types[name](values, indices)


def max(input, dim=None, keepdim=False, *, other=None, out=None):
    return _reduce_select(input, dim, keepdim, other, red.max_all, red.max_dim, pw.maximum, "max")


def min(input, dim=None, keepdim=False, *, other=None, out=None):
    return _reduce_select(input, dim, keepdim, other, red.min_all, red.min_dim, pw.minimum, "min")


def _check_reduced(name, input, dim):
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        return
    d = _wrap_dim(dim, input.dim())
    if input.dim() and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _check_orderable(name, input):
    kind = input._data.dtype.kind
    if kind in "bc":
        raise RuntimeError(f"{name}(): does not support {'complex' if kind == 'c' else 'bool'} "
                           "input")


def argmax(input, dim=None, keepdim=False):
    _check_orderable("argmax", input)
    _check_reduced("argmax", input, dim)
    if dim is None:
        return _wrap(xp.asarray(xp.argmax(input._data), dtype=xp.int64))
    return red.max_dim(input.detach(), dim, keepdim)[1]


def argmin(input, dim=None, keepdim=False):
    _check_orderable("argmin", input)
    _check_reduced("argmin", input, dim)
    if dim is None:
        return _wrap(xp.asarray(xp.argmin(input._data), dtype=xp.int64))
    return red.min_dim(input.detach(), dim, keepdim)[1]


# -- in-place forms: one helper turns an entry into ``x.op_(...)`` ---------------------------
def inplace(entry, arrange=lambda self, *a: (self,) + a):
    def method(self, *args, **kwargs):
        return apply_inplace(entry, self, arrange(self, *args, **kwargs))
    method.__name__ = getattr(entry, "name", "inplace")
    return method


def _abs_inplace(self):
    if self._data.dtype.kind == "c":  # |z| is real: it cannot go back into z's storage
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return apply_inplace(pw.abs_, self, (self,))


def _pow_inplace(self, exponent):
    by_tensor = isinstance(exponent, Tensor)
    if type(self._data) is SparseCoo:  # (torch has pow on sparse values, not pow_)
        check_inplace(self)  # (a leaf that requires grad is refused first)
        raise no_kernel("pow_.Tensor" if by_tensor else "pow_.Scalar")
    entry = pw.pow_tensor if by_tensor else pw.pow_scalar_exp
    return apply_inplace(entry, self, (self, exponent))


def _clamp_inplace(self, min=None, max=None):
    min, max = pw.check_bounds(self, min, max, into=self._data.dtype)
    entry = pw.clamp_tensor if isinstance(min, Tensor) or isinstance(max, Tensor) else pw.clamp
    return apply_inplace(entry, self, (self, min, max))


def _one_bound_inplace(name, by_number, by_tensor):
    def method(self, bound):
        # (check_bounds reads a lower and an upper bound alike: one slot serves both)
        bound = pw.check_bounds(self, bound, None, into=self._data.dtype)[0]
        return apply_inplace(by_tensor if isinstance(bound, Tensor) else by_number, self,
                             (self, bound))
    method.__name__ = name
    return method


def _masked_fill_inplace(self, mask, value):
    # the mask must broadcast to self: torch's message names self first here (the
    # out-of-place masked_fill names the mask first, as the forward does)
    if isinstance(mask, Tensor):
        broadcast_shapes(tuple(self.shape), tuple(mask.shape))
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.dim()} dimension(s).")
        return apply_inplace(pw.masked_fill_tensor, self, (self, mask, value))
    check_scalar(value, self._data.dtype)
    return apply_inplace(pw.masked_fill_op, self, (self, mask, value))


INPLACE = {
    "add_": inplace(pw.add, lambda self, other, *, alpha=1: (self, other, _alpha(
        self, other, alpha, "add_"))),
    "sub_": inplace(pw.sub, lambda self, other, *, alpha=1: (self, other, _alpha(
        self, other, alpha, "sub_"))),
    "mul_": inplace(pw.mul),
    "div_": inplace(pw.div),
    "neg_": inplace(pw.neg),
    "pow_": _pow_inplace,
    "exp_": inplace(pw.exp),
    "log_": inplace(pw.log),
    "sqrt_": inplace(pw.sqrt),
    "sin_": inplace(pw.sin),
    "cos_": inplace(pw.cos),
    "tanh_": inplace(pw.tanh),
    "sigmoid_": inplace(pw.sigmoid),
    "relu_": inplace(pw.relu),
    "abs_": _abs_inplace,
    "reciprocal_": inplace(pw.reciprocal),
    "clamp_": _clamp_inplace,
    "masked_fill_": _masked_fill_inplace,
    "clamp_min_": _one_bound_inplace("clamp_min_", pw.clamp_min, pw.clamp_min_tensor),
    "clamp_max_": _one_bound_inplace("clamp_max_", pw.clamp_max, pw.clamp_max_tensor),
}

"""Tensor methods of torch's older API, kept because code still calls them: ``new``,
``resize`` and ``resize_as`` (not in place), ``sum_to_size``, and the Python callbacks ``apply_``, ``map_``
and ``map2_``.

>>> import dyngrad as torch
>>> torch.ones(2, 3).sum_to_size(1, 3)
tensor([[2., 2., 2.]])
"""
import operator
import warnings

from .. import _backend
from ..autograd.graph import expandable
from ..creation import legacy_new
from . import reduction as red, torch_shape as ts, views as vw
from .sparse import sparse_coo_tensor

xp = _backend.xp


def sum_to_size(self, *size):
    """torch's sum_to: the leading dims summed away, and the dims ``size`` has as 1."""
    size = ts._sizes(size)
    shape = tuple(self.shape)
    if not expandable(size, shape):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    lead = len(shape) - len(size)
    dims = list(range(lead)) + [d for d in range(lead, len(shape))
                                if size[d - lead] == 1 and shape[d] != 1]
    out = red.sum_dim(self, dims, True, None) if dims else self
    return ts.view(out, size) if lead else out


def new(self, *args, **kwargs):
    """The legacy constructor in ``self``'s dtype (creation.legacy_new: no arguments,
    sizes, a Size, or data); a tensor of that dtype comes back as an alias of itself."""
    if self.is_sparse and not kwargs and all(isinstance(a, int) for a in args):
        # (a sparse tensor's: an empty sparse tensor of those sizes, (0,) without any)
        shape = args or (0,)
        return sparse_coo_tensor(xp.zeros((len(shape), 0), xp.int64),
                                 xp.zeros(0, self._data.dtype), shape, check_invariants=False)
    out = legacy_new(self.dtype, args, kwargs)
    return vw.alias(out) if args and out is args[0] else out


def resize(self, *sizes):
    """Deprecated: ``self`` viewed with ``sizes`` (the same number of elements), through
    torch's autograd Function Resize (node ResizeBackward)."""
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    from ..autograd._functions import Resize
    return Resize.apply(self, sizes)


def resize_as(self, tensor):
    """Deprecated: ``resize`` to ``tensor``'s size."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    from ..autograd._functions import Resize
    return Resize.apply(self, tensor.size())


# -- apply_, map_, map2_: a Python callable per element -------------------------------------
def _as_element(value, kind):
    """A callable's result as the tensor's element type, with Python's conversions."""
    if kind == "b":
        return bool(value)
    if kind in "iu":
        return int(value) if isinstance(value, float) else operator.index(value)
    if kind == "c":
        return complex(value)
    if not isinstance(value, (int, float, xp.number)):
        raise TypeError(f"must be real number, not {type(value).__name__}")
    return float(value)


def _check_callback(self, name):
    if self.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                           f"var.detach().{name}() instead.")


def _write_elements(self, values):
    # torch writes the storage directly: no version bump, as its apply_ does
    data = self._data
    flat = [_as_element(v, data.dtype.kind) for v in values]
    data[...] = xp.asarray(flat, dtype=data.dtype).reshape(data.shape)
    return self


def apply_(self, callable):
    _check_callback(self, "apply_")
    return _write_elements(self, [callable(v) for v in self._data.reshape(-1).tolist()])


def _same_type(name, self, other, arg):
    if other.dtype is not self.dtype:
        raise TypeError(f"{name}: expected {self.type()} for {arg} (got {other.type()})")


def map_(self, tensor, callable):
    _check_callback(self, "map_")
    _same_type("map_", self, tensor, "'other'")
    other = tensor.expand_as(self)._data.reshape(-1).tolist()
    return _write_elements(self, [callable(a, b) for a, b in
                                  zip(self._data.reshape(-1).tolist(), other)])


def map2_(self, x, y, callable):
    _check_callback(self, "map2_")
    _same_type("map2_", self, x, "argument 'x'")
    _same_type("map2_", self, y, "argument 'y'")
    xs = x.expand_as(self)._data.reshape(-1).tolist()
    ys = y.expand_as(self)._data.reshape(-1).tolist()
    return _write_elements(self, [callable(a, b, c) for a, b, c in
                                  zip(self._data.reshape(-1).tolist(), xs, ys)])


METHODS = {"new": new, "resize": resize, "resize_as": resize_as, "sum_to_size": sum_to_size, "apply_": apply_,
           "map_": map_, "map2_": map2_}

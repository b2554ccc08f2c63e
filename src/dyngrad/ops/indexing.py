"""Indexing: ``t[key]`` as torch composes it (select, slice, unsqueeze, then index) and
``t[key] = value`` (a copy into a view, or index_put_)."""
from .. import _backend
from .._args import type_name
from ..autograd.saved_value import saved_input
from ..creation import _check_python_ints, check_scalar, tensor
from ..tensor import Tensor
from ._batched import BatchedTensor, loop_batched
from ._table import LINEAR, Op
from .inplace import apply_inplace, copy_, fill_tensor_
from .views import alias, new_zeros, select, slice_, unsqueeze, view as view_op

xp = _backend.xp


class IndexKey(tuple):
    """An advanced index as the array ops read it (a tuple of arrays, possibly views of the
    index tensors' own data), with the index tensors it came from and their versions then:
    a backward that reads it fails, as torch's does on its saved indices, when one of them
    was written in place since."""

    def __new__(cls, arrays, sources=()):
        key = super().__new__(cls, arrays)
        key.sources = tuple((t, t._version_counter[0]) for t in sources)
        return key


def _checked(indices):
    """``indices`` as a formula reads them, torch's version check made first."""
    for t, version in getattr(indices, "sources", ()):
        if t._version_counter[0] != version:
            saved_input(t, version).unpack()
    return indices


def _index(self, indices):
    return self[indices]


def _index_backward(grad, self_sym_sizes, indices):
    # torch: _index_put_impl_(zeros, indices, grad, accumulate=True), repeats summed
    return index_put_impl(new_zeros(grad, tuple(self_sym_sizes)), _checked(indices), grad, True)


index = Op("IndexBackward0", _index, jvp=LINEAR, self=_index_backward)


def any_meta(*arrays):
    """Whether an operand of index_put holds no values: torch then runs its meta kernel,
    which checks nothing and writes nothing (into a CPU tensor too)."""
    return any(not _backend.has_values(a) for a in arrays)


def _index_put(self, indices, values, accumulate):
    out = self.copy()
    if any_meta(self, values, *indices):
        return out
    if accumulate:
        xp.add.at(out, indices, values)
    else:
        out[indices] = values
    return out


def _index_put_self_backward(grad, indices, accumulate):
    return grad if accumulate else index_put(grad, _checked(indices), 0.0, False)


def _index_put_values_backward(grad, indices):
    return index(grad, _checked(indices))


# t[mask] = v is index_put_; index's own backward calls _index_put_impl_: one forward,
# two node names, as in torch
index_put = Op("IndexPutBackward0", _index_put, jvp=LINEAR,
               self=_index_put_self_backward, values=_index_put_values_backward)
index_put_impl = Op("IndexPutImplBackward0", _index_put, jvp=LINEAR,
                    self=_index_put_self_backward, values=_index_put_values_backward)


def _is_advanced(k):
    return isinstance(k, (Tensor, list, _backend.ndarray)) or (
        isinstance(k, bool))


def _is_scalar_mask(k):
    """A 0-dim bool or uint8 tensor index (torch's boolToIndexingTensor case)."""
    return isinstance(k, Tensor) and k._data.ndim == 0 and k._data.dtype.kind in "bu" and (
        k._data.dtype.kind == "b" or k._data.dtype == xp.uint8)


def _as_index_array(k, warn=False):
    if isinstance(k, Tensor):
        a = k._data
        if a.dtype == xp.uint8:  # a byte mask, as torch still reads it (with a warning)
            if warn:
                _warn_uint8()
            return a.astype(bool)
        if a.dtype.kind in "iu" and a.dtype.itemsize < 4:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    else:
        a = xp.asarray(k)
        if a.dtype.kind == "f":  # a sequence of numbers is truncated to integers, as in torch
            a = a.astype(xp.int64)
    if a.dtype.kind == "b":
        return a
    if a.dtype.kind not in "iu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return a.astype(xp.int64, copy=False)


def _warn_sequence():
    import warnings
    warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated and "
                  "will be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In "
                  "pytorch 2.9 this will be interpreted as tensor index, x[torch.tensor(seq)], "
                  "which will result either in an error or a different result", UserWarning,
                  stacklevel=4)


def _warn_uint8():
    import warnings
    warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                  "torch.bool instead. (Triggered internally at /__w/pytorch/pytorch/aten/src/"
                  "ATen/native/IndexingUtils.h:37.)", UserWarning, stacklevel=4)


def _normalize(key):
    if not isinstance(key, tuple):
        key = (key,)
    return key


def _basic(self, key, lone_slice_view=False):
    """Apply the basic part of ``key`` (ints, slices, None, ...) as view ops; return the
    view and the advanced part as (dim, index array) pairs on the view."""
    # torch's getitem records a lone slice even when it spans the dim (t[:]); inside a
    # tuple key, and in setitem, a full slice is skipped (t[:, :] is an alias)
    lone_slice = lone_slice_view and isinstance(key, slice)
    if self.dim() == 0 and not isinstance(key, bool):
        # torch's own messages for a lone int or slice on a 0-dim tensor
        if isinstance(key, int):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if isinstance(key, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if isinstance(key, str):  # torch reads it as a sequence of indices: a tensor of str
        _warn_sequence()
    key = _normalize(key)
    for k in key:
        if isinstance(k, str):
            raise TypeError("new(): invalid data type 'str'")
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis and not isinstance(k, bool)
                 and not (_is_advanced(k) and _as_index_array(k).dtype.kind == "b"))
    n_bool_dims = sum(_as_index_array(k).ndim for k in key
                      if _is_advanced(k) and not isinstance(k, bool)
                      and _as_index_array(k).dtype.kind == "b")
    n_real += n_bool_dims
    if n_real > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    out = self
    dim = 0
    advanced = []
    sources = []  # the index tensors, whose versions a backward checks (IndexKey)
    for k in key:
        if k is Ellipsis:
            dim += self.dim() - n_real
        elif k is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(k, bool) or _is_scalar_mask(k):
            # torch unsqueezes here and indexes the new dim with [0] (True) or [] (False):
            # so t[torch.tensor(True)] = v writes into a view (CopySlices), as t[True] does
            out = unsqueeze(out, dim)
            advanced.append((dim, xp.asarray([0] if bool(k) else [], dtype=xp.int64)))
            dim += 1
        elif isinstance(k, slice):
            start, stop, step = k.start, k.stop, k.step
            for v in (start, stop, step):
                if v is not None and not isinstance(v, Tensor) and not hasattr(v, "__index__"):
                    raise TypeError("slice indices must be integers or None or have an __index__ "
                                    "method")
            if step is not None and step <= 0:
                raise ValueError("slice step cannot be zero" if step == 0 else
                                 "step must be greater than zero")
            size = out.shape[dim]
            s, e, st = slice(_int(start), _int(stop), _int(step)).indices(size)
            e = max(e, s)
            # torch skips the slice when its start as written is 0 (not -size) and it
            # reaches the end with step 1
            if lone_slice or not (_int(start or 0) == 0 and e == size and st == 1):
                out = slice_(out, dim, s, e, st)
            dim += 1
        elif _is_advanced(k):
            a = _as_index_array(k, warn=True)
            if isinstance(k, Tensor):
                sources.append(k)
            if a.dtype.kind == "b":
                advanced.append((dim, a))
                dim += a.ndim
            else:
                advanced.append((dim, a))
                dim += 1
        else:
            i = _int(k)
            if self.dim() == 0:
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                                 "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
                                 "number")
            size = out.shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            out = select(out, dim, i % size if size else i)
    return out, advanced, sources


def _int(v):
    if v is None:
        return None
    if isinstance(v, Tensor):
        return v.__index__()
    if isinstance(v, (float, xp.floating)) or not hasattr(v, "__index__"):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                         f"Variables are valid indices (got {type_name(v)})")
    return int(v)


def _advanced_key(view, advanced, sources=()):
    shapes = [a.shape for _, a in advanced if a.dtype.kind != "b"]
    try:
        xp.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with "
                         f"shapes {', '.join(str(list(s)) for s in shapes)}") from None
    key = []
    dim = 0
    for nth, (d, a) in enumerate(advanced):
        while dim < d:
            key.append(slice(None))
            dim += 1
        if a.dtype.kind == "b":
            for k in range(a.ndim):
                if a.shape[k] != view.shape[dim + k]:
                    raise IndexError(f"The shape of the mask {list(a.shape)} at index {k} does not "
                                     f"match the shape of the indexed tensor {list(view.shape)} at "
                                     f"index {dim + k}")
            key.append(a)
            dim += a.ndim
        else:
            size = view.shape[dim]
            if a.size and _backend.has_values(a) and (a.max() >= size or a.min() < -size):
                if size == 0:
                    raise IndexError("index is out of bounds for dimension with size 0")
                bad = int(a.flat[((a >= size) | (a < -size)).argmax()])  # the first, as torch
                # torch numbers the dim among the index tensors, not among the tensor's dims
                raise IndexError(f"index {bad} is out of bounds for dimension {nth} with size {size}")
            key.append(a)
            dim += 1
    return IndexKey(key, sources)


_MASK_UNDER_VMAP = ("vmap: We do not support batching operators that can support dynamic "
                    "shape. Attempting to batch over indexing with a boolean mask.")


def getitem(self, key):
    if _batched_key(key):  # index tensors that differ per sample: once per sample
        if any(type(k) is BatchedTensor and k._data.dtype.kind == "b"
               for k in (key if isinstance(key, tuple) else (key,))):
            raise RuntimeError(_MASK_UNDER_VMAP)
        return loop_batched(lambda s, *k: getitem(s, k if isinstance(key, tuple) else k[0]),
                            [self] + list(key if isinstance(key, tuple) else (key,)),
                            "aten::index.Tensor")
    view, advanced, sources = _basic(self, key, lone_slice_view=True)
    if not advanced:
        return view if view is not self else alias(self)
    return index(view, _advanced_key(view, advanced, sources))


def _batched_key(key):
    if type(key) is BatchedTensor:
        return True
    return isinstance(key, tuple) and any(type(k) is BatchedTensor for k in key)


def _leading_ones_stripped(shape):
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return shape[k:]


def setitem(self, key, value):
    # torch views the value without its leading size-1 dims (slicePrefix1sDims), so that a
    # [1, 3] value fits a [3] target: always when copying into a basic view of another
    # shape (copy_to), only when a dim is stripped for index_put_
    _check_value(self, value)
    view, advanced, sources = _basic(self, key)
    if not advanced:
        # a number, or a 0-dim tensor into a bigger target, is fill_ with a tensor value
        # in torch (FillBackward3: an edge for the value, None for a number)
        if not isinstance(value, Tensor) or (value.dim() == 0 and view.dim() != 0):
            apply_inplace(fill_tensor_, view, (view, value))
            return
        if value.dim() and tuple(value.shape) != tuple(view.shape):
            value = view_op(value, _leading_ones_stripped(tuple(value.shape)))
            if tuple(value.shape) != tuple(view.shape):  # expand_inplace, as torch's copy_to
                value = value.expand(tuple(view.shape))
        copy_inplace(view, value)
        return
    if not isinstance(value, Tensor):
        value = tensor(value, dtype=self.dtype)
    if any_meta(view._data, value._data, *(a for _, a in advanced)):
        # torch's meta index_put_: no dtype or shape checked, nothing written
        apply_inplace(index_put, view, (view, tuple(a for _, a in advanced), value, False))
        return
    if value.dtype is not self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{self.dtype._cname} for the destination and {value.dtype._cname} "
                           "for the source.")
    stripped = _leading_ones_stripped(tuple(value.shape))
    if len(stripped) != value.dim():
        value = view_op(value, stripped)
    key = _advanced_key(view, advanced, sources)
    target = view._data[key].shape
    try:
        if xp.broadcast_shapes(value._data.shape, target) != target:
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be "
                           f"broadcast to indexing result of shape {list(target)}") from None
    apply_inplace(index_put, view, (view, key, value, False))


def _check_value(self, value):
    """``t[key] = value``: a Tensor or a number that fits ``t``'s dtype, as torch takes it."""
    if isinstance(value, Tensor):
        return
    if not isinstance(value, (int, float, complex, xp.generic)):
        raise TypeError(f"can't assign a {type_name(value)} to a torch.{self.dtype._legacy}")
    _check_python_ints(value)
    kind = self._data.dtype.kind
    if isinstance(value, complex) and kind != "c":
        raise RuntimeError(f"value cannot be converted to type {_C_NAME.get(kind, 'float')} "
                           "without overflow")
    # (torch fills float16 and bfloat16 through a double: a float beyond their range is inf)
    check_scalar(value, self._data.dtype, floats=self._data.dtype.itemsize > 2)


_C_NAME = {"f": "float"}


_warned_complex = [False]


def warn_complex_to_real(self, src, stacklevel=4):
    """torch's copies (copy_, to, t[key] = value) warn, once per process, when they drop
    imaginary parts."""
    if not _warned_complex[0] and src.dtype.is_complex and not self.dtype.is_complex:
        _warned_complex[0] = True
        import warnings
        # attributed to the caller of copy_, to, or t[key] = value
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning,
                      stacklevel=stacklevel)


def copy_inplace(self, src):
    warn_complex_to_real(self, src)
    return apply_inplace(copy_, self, (self, src))

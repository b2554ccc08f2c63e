"""Joining ops: cat and stack (split, chunk and unbind are views: views.py)."""
from .. import _backend
from .. import _dtype as _dt
from ._promote import result_dtype
from ._table import LINEAR, Op

xp = _backend.xp


def _cat(tensors, dim):
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    # torch skips 1-D empty tensors in cat (legacy behaviour)
    arrays = [a for a in tensors if not (a.ndim == 1 and a.shape[0] == 0)] or list(tensors[:1])
    ref = arrays[0]
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if a.ndim != ref.ndim:
            if not _backend.has_values(ref):  # torch's meta kernel words it its own way
                raise RuntimeError("Number of dimensions of tensors must match.  Expected "
                                   f"{ref.ndim}-D tensors, but got {a.ndim}-D for tensor "
                                   f"number {i} in the list")
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {a.ndim}")
    d = dim % ref.ndim
    for i, a in enumerate(arrays):
        for k in range(ref.ndim):
            if k != d and a.shape[k] != ref.shape[k]:
                if not _backend.has_values(ref):  # (the meta kernel's words)
                    raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                       f"Expected {ref.shape[k]} in dimension {k} but got "
                                       f"{a.shape[k]} for tensor number {i} in the list")
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                                   f"size {ref.shape[k]} but got size {a.shape[k]} for tensor number "
                                   f"{i} in the list.")
    dt = result_dtype(*arrays)
    if not _backend.is_numpy(ref):  # the standard's concat takes no dtype=
        ns = _backend.array_module(*arrays)
        native = _dt.native(_dt._FROM_NP[dt], ns)
        return ns.concat([_backend.astype(a, native) for a in arrays], axis=d)
    return xp.concatenate(arrays, axis=d, dtype=dt)


def _cat_backward(grad, dim, tensors_sizes):
    from .views import new_zeros, slice_
    out = []
    start = 0
    ndim = max(len(s) for s in tensors_sizes)
    for size in tensors_sizes:
        if len(size) != ndim:  # an empty 1-D tensor skipped by cat: torch gives it zeros
            out.append(new_zeros(grad, size))
            continue
        n = size[dim % ndim]
        out.append(slice_(grad, dim % ndim, start, start + n, 1))
        start += n
    return out


cat = Op("CatBackward0", _cat, jvp=LINEAR, variadic=True, tensors=_cat_backward)


def _stack(tensors, dim):
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0].shape
    for i, a in enumerate(tensors):
        if a.shape != ref:
            if not _backend.has_values(tensors[0]):  # (the meta kernel's words, cut short)
                raise RuntimeError("stack expects each tensor to be equal size, but got "
                                   f"torch.Size({list(ref)}) at entry 0 ")
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} "
                               f"at entry 0 and {list(a.shape)} at entry {i}")
    dt = result_dtype(*tensors)
    if not _backend.is_numpy(tensors[0]):
        ns = _backend.array_module(*tensors)
        native = _dt.native(_dt._FROM_NP[dt], ns)
        return ns.stack([_backend.astype(a, native) for a in tensors], axis=dim)
    return xp.stack(tensors, axis=dim, dtype=dt)


def _stack_backward(grad, dim, tensors_sizes):
    from .views import select
    d = dim % (len(tensors_sizes[0]) + 1)
    return [select(grad, d, i) for i in range(len(tensors_sizes))]


stack = Op("StackBackward0", _stack, jvp=LINEAR, variadic=True, tensors=_stack_backward)

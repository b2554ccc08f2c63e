"""The rules of NumPy's functions for meta arrays (NOTE [Meta arrays] in _meta_array.py):
what each function gives for arrays of these shapes and dtypes, without values.

A function with no rule here runs NumPy's own Python implementation on the meta arrays
(its array calls come back to these rules and to ``__array_ufunc__``); one written in C
raises NotImplementedError.
"""
import math

import numpy

from ._meta_array import (MetaArray, _BYTE, _check_devices, _dtype_of, _from_standin, _has_shape,
                          _is_meta, _layout, _norm_axes, _reduced_shape, _shape, _standin,
                          _tiny, broadcast_shapes, no_data)

RULES = {}


def _rule(*funcs):
    def register(rule):
        for f in funcs:
            RULES[f] = rule
        return rule
    return register


def _reduction(func):
    def rule(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        with numpy.errstate(all="ignore"):  # (NumPy's result dtype, from one element)
            extra = {"dtype": dtype} if dtype is not None else {}
            d = numpy.asarray(func(numpy.ones(1, a.dtype), **extra)).dtype
        if 0 in a.shape and func in (numpy.max, numpy.min, numpy.amax, numpy.amin,
                                     numpy.argmax, numpy.argmin, numpy.ptp):
            axes = _norm_axes(axis, a.ndim)
            if any(a.shape[x] == 0 for x in axes) and "initial" not in kwargs:
                raise ValueError(f"zero-size array to reduction operation {func.__name__} "
                                 "which has no identity")
        if func in (numpy.argmax, numpy.argmin) and axis is None:
            return MetaArray((), d)
        result = MetaArray(_reduced_shape(a.shape, axis, keepdims), d)
        return result if out is None else out
    return rule


for _f in (numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin,
           numpy.any, numpy.all, numpy.std, numpy.var, numpy.nansum, numpy.nanmean,
           numpy.nanprod, numpy.nanmax, numpy.nanmin, numpy.argmax, numpy.argmin,
           numpy.count_nonzero, numpy.ptp, numpy.median, numpy.nanstd, numpy.nanvar,
           numpy.linalg.vector_norm):
    RULES[_f] = _reduction(_f)


def _same_shape(a, dtype=None):
    return MetaArray(a.shape, a.dtype if dtype is None else dtype, _layout(a.shape, (a,)))


@_rule(numpy.copy, numpy.negative)
def _copy(a, *args, **kwargs):
    return _same_shape(a)


@_rule(numpy.cumsum, numpy.cumprod, numpy.cumulative_sum, numpy.cumulative_prod,
       numpy.nancumsum, numpy.nancumprod)
def _scan(a, axis=None, dtype=None, out=None, **kwargs):
    d = numpy.cumsum(numpy.ones(1, a.dtype), dtype=dtype).dtype
    return MetaArray(a.shape if axis is not None or a.ndim <= 1 else (a.size,), d)


@_rule(numpy.sort, numpy.partition, numpy.flip, numpy.roll, numpy.tril, numpy.triu,
       numpy.fix, numpy.round, numpy.around, numpy.nan_to_num, numpy.real_if_close)
def _same(a, *args, **kwargs):
    return MetaArray(a.shape, a.dtype)


@_rule(numpy.lexsort)
def _lexsort(keys, axis=-1):
    return MetaArray(keys[-1].shape, numpy.intp)


@_rule(numpy.argsort, numpy.argpartition)
def _argsort(a, *args, **kwargs):
    return MetaArray(a.shape, numpy.intp)


@_rule(numpy.zeros_like, numpy.ones_like, numpy.empty_like, numpy.full_like)
def _like(a, *args, dtype=None, shape=None, **kwargs):
    if args and "fill_value" not in kwargs and len(args) > 1:
        dtype = args[1]
    d = numpy.dtype(a.dtype if dtype is None else dtype)
    return MetaArray(a.shape if shape is None else shape, d)


@_rule(numpy.reshape)
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    shape = newshape if shape is None else shape
    try:
        return _from_standin(numpy.reshape(_standin(a), shape, copy=False), a)
    except ValueError as e:
        if "copy" not in str(e) or copy is False:
            raise
    return MetaArray(_target_shape(a, shape), a.dtype)


def _target_shape(a, shape):
    shape = (shape,) if isinstance(shape, (int, numpy.integer)) else tuple(shape)
    # the shape NumPy gives (with its errors), from a view that needs no copy
    return numpy.reshape(numpy.lib.stride_tricks.as_strided(_BYTE, a.shape, (0,) * a.ndim,
                                                            writeable=False), shape).shape


def _view(func):
    def rule(a, *args, **kwargs):
        return _from_standin(func(_standin(a), *args, **kwargs), a)
    return rule


for _f in (numpy.transpose, numpy.swapaxes, numpy.moveaxis, numpy.expand_dims, numpy.squeeze,
           numpy.broadcast_to, numpy.diagonal, numpy.atleast_1d, numpy.atleast_2d,
           numpy.atleast_3d, numpy.matrix_transpose, numpy.rollaxis):
    RULES[_f] = _view(_f)


@_rule(numpy.ravel)
def _ravel(a, order="C"):
    return numpy.reshape(a, (-1,))


@_rule(numpy.broadcast_arrays)
def _broadcast_arrays(*args, subok=False):
    shape = numpy.broadcast_shapes(*(_shape(a) for a in args))
    return tuple(numpy.broadcast_to(a, shape) if _is_meta(a) else
                 numpy.broadcast_to(a, shape) for a in args)


def _joined_dtype(arrays, dtype):
    if dtype is not None:
        return numpy.dtype(dtype)
    return numpy.result_type(*(a.dtype if isinstance(a, (MetaArray, numpy.ndarray)) else
                               numpy.asarray(a).dtype for a in arrays))


@_rule(numpy.concatenate)
def _concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    _check_devices(arrays)
    shapes = [_shape(a) for a in arrays]
    if axis is None:
        return MetaArray((sum(math.prod(s) for s in shapes),), _joined_dtype(arrays, dtype))
    ndim = len(shapes[0])
    if ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = _norm_axes(axis, ndim)[0]
    for i, s in enumerate(shapes):
        if len(s) != ndim:
            raise ValueError("all the input array dimensions except for the concatenation "
                             "axis must match exactly, but along dimension 0, the array at "
                             f"index 0 has {ndim} dimension(s) and the array at index {i} "
                             f"has {len(s)} dimension(s)")
        for d in range(ndim):
            if d != axis and s[d] != shapes[0][d]:
                raise ValueError("all the input array dimensions except for the concatenation "
                                 f"axis must match exactly, but along dimension {d}, the array "
                                 f"at index 0 has size {shapes[0][d]} and the array at index "
                                 f"{i} has size {s[d]}")
    shape = list(shapes[0])
    shape[axis] = sum(s[axis] for s in shapes)
    result = MetaArray(shape, _joined_dtype(arrays, dtype))
    return result if out is None else out


@_rule(numpy.stack)
def _stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    _check_devices(arrays)
    shapes = {_shape(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    shape = list(shapes.pop())
    axis = _norm_axes(axis, len(shape) + 1)[0]
    shape.insert(axis, len(arrays))
    result = MetaArray(shape, _joined_dtype(arrays, dtype))
    return result if out is None else out


@_rule(numpy.where)
def _where(condition, *xy):
    if not xy:
        raise no_data("numpy.where with one argument")
    _check_devices((condition,) + xy)
    shape = broadcast_shapes(*(_shape(v) for v in (condition,) + xy if _has_shape(v)))
    d = numpy.where(True, *[_tiny(v) for v in xy]).dtype
    return MetaArray(shape, d)


@_rule(numpy.clip)
def _clip(a, a_min=None, a_max=None, out=None, **kwargs):
    lo = kwargs.pop("min", a_min)
    hi = kwargs.pop("max", a_max)
    shape = numpy.broadcast_shapes(*(_shape(v) for v in (a, lo, hi)))
    d = numpy.clip(_tiny(a), _tiny(lo), _tiny(hi)).dtype
    return MetaArray(shape, d) if out is None else out


@_rule(numpy.dot)
def _dot(a, b, out=None):
    _check_devices((a, b))
    sa, sb = _shape(a), _shape(b)
    d = numpy.result_type(_dtype_of(a), _dtype_of(b))
    if not sa or not sb:
        return MetaArray(sa or sb, d)
    k = sb[-2] if len(sb) > 1 else sb[0]
    if sa[-1] != k:
        raise ValueError(f"shapes {sa} and {sb} not aligned: {sa[-1]} (dim {len(sa) - 1}) != "
                         f"{k} (dim {max(len(sb) - 2, 0)})")
    return MetaArray(sa[:-1] + sb[:-2] + sb[-1:] if len(sb) > 1 else sa[:-1], d)


@_rule(numpy.tensordot)
def _tensordot(a, b, axes=2):
    sa, sb = _shape(a), _shape(b)
    if isinstance(axes, int):
        ax_a, ax_b = list(range(len(sa) - axes, len(sa))), list(range(axes))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
    ax_a = [x % len(sa) for x in ax_a]
    ax_b = [x % len(sb) for x in ax_b]
    for x, y in zip(ax_a, ax_b):
        if sa[x] != sb[y]:
            raise ValueError("shape-mismatch for sum")
    shape = [s for d, s in enumerate(sa) if d not in ax_a] + \
        [s for d, s in enumerate(sb) if d not in ax_b]
    return MetaArray(shape, numpy.result_type(_dtype_of(a), _dtype_of(b)))


@_rule(numpy.einsum)
def _einsum(subscripts, *operands, out=None, dtype=None, **kwargs):
    if not isinstance(subscripts, str):
        raise NotImplementedError("numpy.einsum in the interleaved form is not implemented "
                                  "for meta arrays")
    _check_devices(operands)
    spec = subscripts.replace(" ", "")
    ins, arrow, result = spec.partition("->")
    terms = ins.split(",")
    sizes, ell = {}, ()
    for term, op in zip(terms, operands):
        shape = list(_shape(op))
        if "..." in term:
            head, tail = term.split("...")
            n = len(shape) - len(head) - len(tail)
            ell = numpy.broadcast_shapes(ell, tuple(shape[len(head):len(head) + n]))
            shape = shape[:len(head)] + shape[len(head) + n:]
            term = head + tail
        for c, n in zip(term, shape):
            known = sizes.get(c, 1)
            if n != 1 and known != 1 and n != known:
                raise ValueError("operands could not be broadcast together with remapped "
                                 "shapes")
            sizes[c] = n if known == 1 else known
    if not arrow:
        letters = "".join(terms).replace("...", "")
        result = ("..." if "..." in ins else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    head, sep, tail = result.partition("...")
    shape = [sizes[c] for c in head] + (list(ell) if sep else []) + [sizes[c] for c in tail]
    d = numpy.dtype(dtype) if dtype is not None else numpy.result_type(
        *(_dtype_of(o) for o in operands))
    return MetaArray(shape, d) if out is None else out


@_rule(numpy.cross)
def _cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    _check_devices((a, b))
    shape = numpy.broadcast_shapes(_shape(a), _shape(b))
    return MetaArray(shape, numpy.result_type(_dtype_of(a), _dtype_of(b)))


@_rule(numpy.take)
def _take(a, indices, axis=None, out=None, mode="raise"):
    ishape = _shape(indices) if not isinstance(indices, (list, tuple)) else \
        numpy.asarray(indices).shape
    if axis is None:
        return MetaArray(ishape, a.dtype)
    axis = _norm_axes(axis, a.ndim)[0]
    return MetaArray(a.shape[:axis] + ishape + a.shape[axis + 1:], a.dtype)


@_rule(numpy.take_along_axis)
def _take_along_axis(arr, indices, axis=-1):
    if axis is None:
        return MetaArray(indices.shape, arr.dtype)
    axis = _norm_axes(axis, arr.ndim)[0]
    shape = list(numpy.broadcast_shapes(arr.shape[:axis] + (1,) + arr.shape[axis + 1:],
                                        indices.shape[:axis] + (1,) + indices.shape[axis + 1:]))
    shape[axis] = indices.shape[axis]
    return MetaArray(shape, arr.dtype)


@_rule(numpy.put_along_axis, numpy.copyto, numpy.putmask, numpy.place, numpy.put)
def _write(*args, **kwargs):
    return None


@_rule(numpy.may_share_memory, numpy.shares_memory)
def _shares_memory(a, b, max_work=None):
    return False  # a meta array has no memory to share


@_rule(numpy.result_type)
def _result_type(*arrays_and_dtypes):
    return numpy.result_type(*(x.dtype if _is_meta(x) else x for x in arrays_and_dtypes))


@_rule(numpy.can_cast)
def _can_cast(from_, to, casting="safe"):
    return numpy.can_cast(from_.dtype if _is_meta(from_) else from_, to, casting)


@_rule(numpy.shape)
def _np_shape(a):
    return a.shape


@_rule(numpy.ndim)
def _np_ndim(a):
    return a.ndim


@_rule(numpy.size)
def _np_size(a, axis=None):
    return a.size if axis is None else a.shape[axis]


@_rule(numpy.repeat)
def _repeat(a, repeats, axis=None):
    if not isinstance(repeats, (int, numpy.integer)):
        reps = numpy.asarray(repeats)
        if reps.ndim:
            total = int(reps.sum())
        else:
            repeats = int(reps)
    if axis is None:
        n = a.size * repeats if isinstance(repeats, (int, numpy.integer)) else total
        return MetaArray((n,), a.dtype)
    axis = _norm_axes(axis, a.ndim)[0]
    shape = list(a.shape)
    shape[axis] = shape[axis] * repeats if isinstance(repeats, (int, numpy.integer)) else total
    return MetaArray(shape, a.dtype)


@_rule(numpy.tile)
def _tile(a, reps):
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    shape = (1,) * (len(reps) - a.ndim) + a.shape
    reps = (1,) * (len(shape) - len(reps)) + reps
    return MetaArray(tuple(s * r for s, r in zip(shape, reps)), a.dtype)


@_rule(numpy.pad)
def _pad(array, pad_width, mode="constant", **kwargs):
    widths = numpy.broadcast_to(numpy.asarray(pad_width, dtype=numpy.intp), (array.ndim, 2))
    return MetaArray(tuple(s + int(lo) + int(hi) for s, (lo, hi) in zip(array.shape, widths)),
                     array.dtype)


@_rule(numpy.outer)
def _outer(a, b, out=None):
    return MetaArray((math.prod(_shape(a)), math.prod(_shape(b))),
                     numpy.result_type(_dtype_of(a), _dtype_of(b)))


@_rule(numpy.searchsorted)
def _searchsorted(a, v, side="left", sorter=None):
    return MetaArray(_shape(v), numpy.intp)


@_rule(numpy.isclose)
def _isclose(a, b, *args, **kwargs):
    return MetaArray(numpy.broadcast_shapes(_shape(a), _shape(b)), numpy.bool_)


@_rule(numpy.real, numpy.imag)
def _real(a):
    return a.real if _is_meta(a) else numpy.real(a)


@_rule(numpy.split, numpy.array_split)
def _split(ary, indices_or_sections, axis=0):
    axis = _norm_axes(axis, ary.ndim)[0]
    n = ary.shape[axis]
    if isinstance(indices_or_sections, (int, numpy.integer)):
        k = int(indices_or_sections)
        each, extra = divmod(n, k)
        bounds = [0]
        for i in range(k):
            bounds.append(bounds[-1] + each + (i < extra))
    else:
        bounds = [0] + [min(int(i), n) for i in indices_or_sections] + [n]
    key = [slice(None)] * ary.ndim
    out = []
    for lo, hi in zip(bounds, bounds[1:]):
        key[axis] = slice(lo, max(lo, hi))
        out.append(ary[tuple(key)])
    return out

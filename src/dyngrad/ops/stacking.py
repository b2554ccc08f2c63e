"""Stacking, splitting and broadcasting helpers torch composes from cat, views and mm:
atleast_1d/2d/3d, hstack/vstack/dstack/column_stack, tensor_split/hsplit/vsplit/dsplit,
broadcast_to/broadcast_tensors/broadcast_shapes, flipud/fliplr, ravel, tensordot, inner,
cartesian_prod, combinations, diagflat, triu_indices/tril_indices, argwhere, float_power, positive.

Each is the same sequence of ops as torch's, so the recorded graph is torch's.
"""
import math

from .. import _backend
from .. import _dtype as _dt
from .._size import Size
from ..tensor import Tensor, _wrap, _wrap_dim
from . import torch_shape as ts
from . import views as vw
from ._batched import sample_wise
from .autocast_policy import lower_precision_fp
from ._promote import broadcast_shapes as _broadcast
from collections.abc import Sequence
from .joining import cat
from .joining import stack

xp = _backend.xp


def _each(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t) for t in tensors[0])
    out = tuple(fn(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def _one_1d(t):
    return ts.reshape(t, (1,)) if t.dim() == 0 else t


def _one_2d(t):
    if t.dim() == 0:
        return ts.reshape(t, (1, 1))
    return ts.unsqueeze(t, 0) if t.dim() == 1 else t


def _one_3d(t):
    if t.dim() == 0:
        return ts.reshape(t, (1, 1, 1))
    if t.dim() == 1:
        return ts.unsqueeze(ts.unsqueeze(t, 0), -1)
    return ts.unsqueeze(t, -1) if t.dim() == 2 else t


def atleast_1d(*tensors):
    return _each(tensors, _one_1d)


def atleast_2d(*tensors):
    return _each(tensors, _one_2d)


def atleast_3d(*tensors):
    return _each(tensors, _one_3d)


def hstack(tensors, *, out=None):
    ts_ = [_one_1d(t) for t in tensors]
    return cat(ts_, 0 if ts_[0].dim() == 1 else 1)


def vstack(tensors, *, out=None):
    return cat([_one_2d(t) for t in tensors], 0)


def dstack(tensors, *, out=None):
    return cat([_one_3d(t) for t in tensors], 2)


def column_stack(tensors, *, out=None):
    return cat([ts.reshape(t, (t.numel(), 1)) if t.dim() <= 1 else t for t in tensors], 1)


def tensor_split(input, indices_or_sections, dim=0):
    d = _wrap_dim(dim, input.dim())
    n = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        bounds, start = [], 0
        for i in range(sections):
            stop = start + size + (1 if i < extra else 0)
            bounds.append((start, stop))
            start = stop
    else:
        cuts = [0] + list(indices_or_sections) + [n]
        bounds = [(min(max(a, 0), n), min(max(b, a, 0), n)) for a, b in zip(cuts, cuts[1:])]
    return tuple(vw.slice_(input, d, a, max(a, b), 1) for a, b in bounds)


def _split_along(name, dim, min_dim):
    def fn(input, indices_or_sections):
        if input.dim() < min_dim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, "
                               f"but got a tensor with {input.dim()} dimensions!")
        d = 0 if (name == "hsplit" and input.dim() == 1) else dim
        if isinstance(indices_or_sections, int):
            size = input.shape[d]
            if indices_or_sections == 0 or size % indices_or_sections:
                raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the "
                                   f"size of the dimension {size} is not divisible by the "
                                   f"split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)
    fn.__name__ = name
    return fn


hsplit = _split_along("hsplit", 1, 1)
vsplit = _split_along("vsplit", 0, 2)
dsplit = _split_along("dsplit", 2, 3)


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: ints and sequences of ints (None is skipped), with torch's
    own refusals (its messages name the argument and the shape so far)."""
    shapes = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    for s in shapes:
        if not isinstance(s, Sequence):
            raise RuntimeError("Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {s}")
    common = [1] * max((len(s) for s in shapes), default=0)
    for k, s in enumerate(shapes):
        for i in range(-1, -1 - len(s), -1):
            if s[i] == common[i] or s[i] == 1 and common[i] != 1:
                continue
            if common[i] == 1:
                if s[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = s[i]
            elif s[i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s[i]} at {i}! "
                                   f"Mismatching argument at index {k} had {s}; but expected "
                                   f"shape should be broadcastable to {common}")
    return Size(common)


def broadcast_to(input, size):
    return ts.expand(input, tuple(size))


def broadcast_tensors(*tensors):
    # (a list of tensors is refused, as torch refuses it: each argument is one tensor)
    for k, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got "
                            f"{type(t).__name__}")
    shape = _broadcast(*[tuple(t.shape) for t in tensors])
    return tuple(t if tuple(t.shape) == shape else ts.expand(t, shape) for t in tensors)


def flipud(input):
    from .reduction import flip
    return flip(input, (0,))


def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    from .reduction import flip
    return flip(input, (1,))


def ravel(input):
    return ts.view(ts.contiguous(input), (-1,))


# tensordot's product runs through autocast as torch's at::mm does (the operands cast
# after their permutes and reshapes)
_mm = lower_precision_fp(ts.mm)


def tensordot(a, b, dims=2, out=None):
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.dim() - dims, a.dim())), list(range(dims))
    elif isinstance(dims, Tensor):
        da, db = dims.tolist()
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    da = [_wrap_dim(d, a.dim()) for d in da]
    db = [_wrap_dim(d, b.dim()) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[x]} in dim {x} and second has size {b.shape[y]} in dim {y}")
    free_a = [d for d in range(a.dim()) if d not in da]
    free_b = [d for d in range(b.dim()) if d not in db]
    size1 = math.prod(a.shape[d] for d in free_a)
    size2 = math.prod(b.shape[d] for d in free_b)
    csize = math.prod(a.shape[d] for d in da)
    out_shape = tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)
    pa, pb = ts.permute(a, *(free_a + da)), ts.permute(b, *(db + free_b))
    if not free_a and not free_b and a.dim() == 1 and b.dim() == 1:
        # two vectors: one dot
        from .linalg import dot
        return ts.view(dot(pa, pb), out_shape)
    t1 = ts.reshape(pa, (size1, csize))
    t2 = ts.reshape(pb, (csize, size2))
    return ts.reshape(_mm(t1, t2), out_shape)


def inner(input, other, *, out=None):
    if input.dim() == 0 or other.dim() == 0:
        from .pointwise import mul
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


def cartesian_prod(*tensors):
    if len(tensors) == 1:
        return tensors[0]
    from .rearrange import meshgrid
    grids = meshgrid(*tensors, indexing="ij")
    return stack([ts.flatten(g) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The r-length combinations of a vector's elements, as rows, in lexicographic order.

    torch's way: r index grids over the elements, each masked to the increasing (with
    replacement: non-decreasing) index tuples, then stacked; so the graph is torch's.
    """
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(xp.zeros(0, input.dtype.np))
    from .rearrange import meshgrid
    from .scatter import masked_select
    n = input.shape[0]
    index = xp.meshgrid(*[xp.arange(n)] * r, indexing="ij")
    in_order = xp.less_equal if with_replacement else xp.less
    mask = xp.ones((n,) * r, bool)
    for a, b in zip(index, index[1:]):
        mask &= in_order(a, b)
    mask = _wrap(mask)
    return stack([masked_select(g, mask) for g in meshgrid(*[input] * r, indexing="ij")], 1)


def diagflat(input, offset=0):
    from .diagonal import diag_embed_op
    return diag_embed_op(ts.view(ts.contiguous(input), (-1,)), offset, 0, 1)


def _indices(fn):
    def make(row, col, offset=0, *, dtype=None, device=None, layout=None):
        r, c = fn(row, offset, col)
        d = (dtype or _dt.int64).np
        return _wrap(xp.stack([r, c]).astype(d) if r.size else xp.zeros((2, 0), d))
    return make


triu_indices = _indices(xp.triu_indices)
tril_indices = _indices(xp.tril_indices)


@sample_wise("aten::argwhere")  # (NOTE [Functions that read arrays under vmap])
def argwhere(input):
    from .torch_math import nonzero
    return nonzero(input)


def float_power(input, exponent, *, out=None):
    from . import pointwise as pw
    # double precision, complex when either operand is
    complex_ = any(isinstance(v, complex) or isinstance(v, Tensor) and v.is_complex()
                   for v in (input, exponent))
    wide, number = (_dt.complex128, complex) if complex_ else (_dt.float64, float)
    if not isinstance(input, Tensor):
        return pw.pow_scalar_base(number(input), ts.to(exponent, wide))
    base = ts.to(input, wide)
    if isinstance(exponent, Tensor):
        return pw.pow_tensor(base, ts.to(exponent, wide))
    return pw.pow_scalar_exp(base, number(exponent))


def float_power_(self, exponent):
    """``x.float_power_(e)``: pow_ in double precision, so ``x`` must already be double (or
    complex double, when either operand is complex)."""
    from . import pointwise as pw
    from .inplace import apply_inplace
    complex_ = self.is_complex() or (exponent.is_complex() if isinstance(exponent, Tensor)
                                     else isinstance(exponent, complex))
    wide = _dt.complex128 if complex_ else _dt.float64
    if self.dtype is not wide:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype._cname} but "
                           f"the operation's result requires dtype {wide._cname}")
    if isinstance(exponent, Tensor):
        return apply_inplace(pw.pow_tensor, self, (self, ts.to(exponent, wide)))
    return apply_inplace(pw.pow_scalar_exp, self, (self, complex(exponent) if complex_
                                                   else float(exponent)))


def positive(input):
    if input.dtype is _dt.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


FUNCTIONS = {
    "atleast_1d": atleast_1d, "atleast_2d": atleast_2d, "atleast_3d": atleast_3d,
    "hstack": hstack, "vstack": vstack, "row_stack": vstack, "dstack": dstack,
    "column_stack": column_stack, "tensor_split": tensor_split, "hsplit": hsplit,
    "vsplit": vsplit, "dsplit": dsplit, "broadcast_shapes": broadcast_shapes,
    "broadcast_to": broadcast_to, "broadcast_tensors": broadcast_tensors, "flipud": flipud,
    "fliplr": fliplr, "ravel": ravel, "tensordot": tensordot, "inner": inner,
    "cartesian_prod": cartesian_prod, "combinations": combinations, "diagflat": diagflat, "triu_indices": triu_indices,
    "tril_indices": tril_indices, "argwhere": argwhere, "float_power": float_power,
    "positive": positive, "swapdims": ts.transpose,
}
METHODS = {n: FUNCTIONS[n] for n in (
    "tensor_split", "hsplit", "vsplit", "dsplit", "broadcast_to", "flipud", "fliplr", "ravel",
    "inner", "diagflat", "argwhere", "float_power", "positive", "swapdims")}
METHODS["float_power_"] = float_power_

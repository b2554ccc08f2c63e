"""Ops that move elements around: roll, rot90, repeat_interleave, tile, meshgrid, movedim,
unflatten, diff.

roll and rot90 are table entries (RollBackward0, Rot90Backward0); the others are composed
from views, clone, repeat, index_select and sub, as torch composes them, so that their
graphs are torch's.
"""
import warnings

from .. import _backend
from ..tensor import Tensor, _wrap_dim
from ._batched import any_batched, sample_wise
from ._table import LINEAR, Op
from ..tensor import _wrap

xp = _backend.xp


def _int_list(x):
    return (x,) if isinstance(x, int) else tuple(x)


# -- roll -----------------------------------------------------------------------------------
def _roll(self, shifts, dims):
    if not dims:
        return xp.roll(self.reshape(-1), shifts[0]).reshape(self.shape)
    return xp.roll(self, shifts, axis=dims)


roll_op = Op("RollBackward0", _roll, jvp=LINEAR,
             self=lambda grad, shifts, dims: roll_op(grad, tuple(-s for s in shifts), dims))


def roll(input, shifts, dims=None):
    shifts = _int_list(shifts)
    dims = () if dims is None else _int_list(dims)
    if len(shifts) != max(len(dims), 1) or dims and len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    n = input.dim()
    return roll_op(input, shifts, tuple(_wrap_dim(d, n) for d in dims))


# -- rot90 ----------------------------------------------------------------------------------
rot90_op = Op("Rot90Backward0", lambda self, k, dims: xp.rot90(self, k, dims).copy(), jvp=LINEAR,
              self=lambda grad, k, dims: rot90_op(grad, -k, dims))


def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    n = input.dim()
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = _wrap_dim(dims[0], n), _wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return rot90_op(input, k % 4, (d0, d1))


# -- repeat_interleave, tile, unflatten, movedim ----------------------------------------------
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times, along ``dim`` (of the flattened input if None)."""
    from . import torch_shape as ts
    if isinstance(repeats, Tensor) and any_batched(input, repeats) or (
            repeats is None and any_batched(input)):  # counts that differ per sample
        def each(x, r):
            return repeat_interleave(x, r, dim, output_size=output_size)
        return sample_wise("aten::repeat_interleave.Tensor")(each)(input, repeats)
    if repeats is None:  # torch.repeat_interleave(repeats): the indices, each repeated
        return _repeat_indices(input)
    if isinstance(repeats, Tensor) and not (repeats.dim() == 0 or repeats.numel() == 1):
        x = input if dim is not None else ts.flatten(input)
        d = _wrap_dim(dim if dim is not None else 0, x.dim())
        if repeats.dim() != 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.shape[0] != x.shape[d]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {repeats.shape[0]} and input.size({d}) = "
                               f"{x.shape[d]}")
        if repeats.is_meta and output_size is None:
            raise RuntimeError("cannot repeat_interleave a meta tensor without output_size")
        from .scatter import index_select
        return index_select(x, d, _repeat_indices(repeats))
    if isinstance(repeats, Tensor):
        repeats = int(repeats.item())
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    x = input if dim is not None else ts.flatten(input)
    d = _wrap_dim(dim if dim is not None else 0, input.dim() if dim is not None else x.dim())
    x = ts.unsqueeze(x, d + 1)
    shape = list(x.shape)
    shape[d + 1] = repeats
    return ts.flatten(ts.clone(ts.expand(x, tuple(shape))), d, d + 1)


def _repeat_indices(repeats):
    r = repeats._data
    if r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.dtype.kind not in "iu":
        raise RuntimeError("repeats has to be Long or Int tensor")
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return _wrap(xp.repeat(xp.arange(r.size, dtype=r.dtype), r))


def tile(input, dims):
    dims = _int_list(dims)
    if len(dims) < input.dim():
        dims = (1,) * (input.dim() - len(dims)) + dims
    from .reduction import repeat
    return repeat(input, dims)


def tile_method(self, *dims):
    return tile(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)


def unflatten(input, dim, sizes):
    from . import torch_shape as ts
    from .views import infer_size
    d = _wrap_dim(dim, input.dim())
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    inner = infer_size(sizes, input.shape[d]) if -1 in sizes else sizes
    if -1 not in sizes and _prod(sizes) != input.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size "
                           f"of dim {dim} ({input.shape[d]}) in the input tensor")
    shape = tuple(input.shape)
    return ts.view(input, shape[:d] + tuple(inner) + shape[d + 1:])


def _prod(xs):
    out = 1
    for x in xs:
        out *= x
    return out


def movedim(input, source, destination):
    from . import torch_shape as ts
    src, dst = _int_list(source), _int_list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims)"
                           f" should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    n = input.dim()
    src = [_wrap_dim(s, n) for s in src]
    dst = [_wrap_dim(s, n) for s in dst]
    order = [None] * n
    for s, t in zip(src, dst):
        order[t] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [next(rest) if o is None else o for o in order]
    return ts.permute(input, *order)


# -- meshgrid -------------------------------------------------------------------------------
_MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the "
                     "indexing argument.")


def meshgrid(*tensors, indexing=None):
    from . import torch_shape as ts
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(_MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f'{indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t}")
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    swap = indexing == "xy" and len(tensors) >= 2
    ordered = list(tensors)
    if swap:
        ordered[0], ordered[1] = ordered[1], ordered[0]
    shape = tuple(t.numel() for t in ordered)
    grids = []
    for i, t in enumerate(ordered):
        view_shape = [1] * len(ordered)
        view_shape[i] = -1
        grids.append(ts.expand(ts.view(t, tuple(view_shape)), shape))
    if swap:  # the inputs were swapped: so are the outputs
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


# -- diff -----------------------------------------------------------------------------------
def diff(input, n=1, dim=-1, prepend=None, append=None):
    from . import pointwise as pw
    from . import torch_shape as ts
    from .joining import cat
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input.dim())
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, d)
    out = input
    for _ in range(n):
        size = out.shape[d]
        if size == 0:
            break
        hi, lo = ts.narrow(out, d, 1, size - 1), ts.narrow(out, d, 0, size - 1)
        out = pw.logical_xor(hi, lo) if out.dtype.is_floating_point is False and \
            out.dtype._name == "bool" else pw.sub(hi, lo, 1)
    return out


# -- Tensor.unfold: sliding windows as a strided view -------------------------------------------
def _unfold(self, dimension, size, step):
    if self.ndim == 0:
        # torch reports the one window's stride as 1, as a contiguous view would have
        return _backend.as_strided(self, shape=(1,), strides=(self.dtype.itemsize,))
    n = (self.shape[dimension] - size) // step + 1
    shape = self.shape[:dimension] + (n,) + self.shape[dimension + 1:] + (size,)
    st = self.strides
    strides = st[:dimension] + (st[dimension] * step,) + st[dimension + 1:] + (st[dimension],)
    return _backend.as_strided(self, shape=shape, strides=strides)


def _unfold_backward(grad, input_sizes, dim, size, step):
    out = xp.zeros(input_sizes, dtype=grad.dtype)
    if not input_sizes:
        return grad.reshape(()).copy()
    windows = _unfold(out, dim, size, step)
    # windows overlap when step < size: add them one window position at a time
    moved_grad = xp.moveaxis(grad, dim, 0)
    moved_win = xp.moveaxis(windows, dim, 0)
    for i in range(moved_grad.shape[0]):
        moved_win[i] += moved_grad[i]
    return out


unfold_op = Op("UnfoldBackward0", _unfold, jvp=LINEAR, view=True,
               self=lambda grad, self_sym_sizes, dimension, size, step:
                   unfold_backward(grad, tuple(self_sym_sizes), dimension, size, step))
unfold_backward = Op("UnfoldBackwardBackward0", _unfold_backward, jvp=LINEAR,
                     grad=lambda grad, dim, size, step: unfold_op(grad, dim, size, step))


def unfold(self, dimension, size, step):
    n = self.dim()
    d = _wrap_dim(dimension, n) if n else 0
    length = self.shape[d] if n else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return unfold_op(self, d, size, step)

"""as_strided, and the view ops that work in place: t_ transpose_ swapdims_ squeeze_
unsqueeze_ as_strided_.

An in-place view op changes a tensor's shape and strides, not its values: ``x.t_()`` is
``x`` with the array of ``x.t()``. As in torch, it bumps the version counter, is refused
on a leaf that requires grad (and on the views an in-place write may not rebase), and
gives ``x`` a node of its own name (TBackward1, where ``x.t()`` records TBackward0) whose
formula is the out-of-place op's. A view stays a view of its base, its replay function
extended by the op; a tensor that is not a view does not become one.
"""
from .. import _backend
from .._args import dim_list
from ..autograd import grad_mode
from ..creation import zeros
from ..tensor import Tensor, _wrap, _wrap_dim
from . import views as vw
from ._batched import BatchedTensor
from ._table import LINEAR, Op, apply
from .inplace import _set_grad_fn, check_inplace
from .pointwise import div
from .torch_shape import check_t
from .reduction import sum_dim
from .scatter import index_add, index_copy

xp = _backend.xp
_gstate = grad_mode.state


# -- as_strided: a view given by sizes and strides over the input's storage ---------------
def _as_strided(self, size, stride, storage_offset):
    flat, _ = _backend.storage_of(self)
    return _backend.as_strided(flat[storage_offset:], tuple(size),
                               tuple(s * self.itemsize for s in stride))


def _strided_positions(size, stride, offset):
    """The storage index of each element of a view with these sizes, strides and offset."""
    pos = xp.full(tuple(size), offset, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        pos = pos + (xp.arange(n, dtype=xp.int64) * s).reshape(shape)
    return pos


def _maybe_overlapping(sizes, strides):
    """torch's _maybe_overlapping_memory: whether a geometry (size-1 dims dropped) might
    read one element twice. A cheap test, true of some that do not (interleaved strides):
    torch scatters by index_add_ then, by copy_ otherwise, which -0.0 tells apart."""
    reach = 0
    for s, n in sorted(zip(strides, sizes)):
        if s <= reach:
            return True
        reach += s * (n - 1)
    return False


def _as_strided_backward(grad, self_sym_sizes, self_sym_strides, self_storage_offset, size,
                         stride, storage_offset):
    # torch's as_strided_backward: the gradient, its size-1 dims squeezed and its expanded
    # (stride-0) dims summed, last dim first, is scattered into a zero storage spanning
    # both geometries (copied, or added where the view may read an element twice); where
    # the input may, each element is divided by the times the input reads it; the input's
    # gradient is the storage read through the input's geometry
    if 0 in size or 0 in self_sym_sizes:
        return vw.new_zeros(grad, tuple(self_sym_sizes))
    out_sizes, out_strides = [], []
    for d in reversed(range(len(size))):
        if size[d] == 1:
            grad = vw.squeeze_dim(grad, d)
        elif stride[d] == 0:
            grad = sum_dim(grad, [d], False)
        else:
            out_sizes.insert(0, size[d])
            out_strides.insert(0, stride[d])
    kept = [(n, s) for n, s in zip(self_sym_sizes, self_sym_strides) if n != 1]
    in_sizes, in_strides = [n for n, _ in kept], [s for _, s in kept]
    shared = min(self_storage_offset, storage_offset)
    out_pos = _strided_positions(out_sizes, out_strides, storage_offset - shared).reshape(-1)
    in_pos = _strided_positions(self_sym_sizes, self_sym_strides, self_storage_offset - shared)
    extent = max(int(out_pos.max()), int(in_pos.max())) + 1
    add = _maybe_overlapping(out_sizes, out_strides)
    count = None
    if _maybe_overlapping(in_sizes, in_strides):
        count = xp.zeros(extent, getattr(grad, "_data", grad).dtype)
        xp.add.at(count, in_pos, 1)
    if not isinstance(grad, Tensor):
        storage = xp.zeros(extent, grad.dtype)
        if add:
            xp.add.at(storage, out_pos, grad.reshape(-1))
        else:
            storage[out_pos] = grad.reshape(-1)
        return storage[in_pos] if count is None else storage[in_pos] / count[in_pos]
    storage = zeros(extent, dtype=grad.dtype)
    if add:
        storage = index_add(storage, 0, _wrap(out_pos), vw.reshape(grad, (-1,)), 1)
    elif type(grad) is BatchedTensor:  # (under vmap: each sample's storage its own)
        storage = index_copy(storage, 0, _wrap(out_pos), vw.reshape(grad, (-1,)))
    else:  # (torch's recorded steps: a copy into the view of the zeros, CopySlices)
        as_strided_op(storage, tuple(out_sizes), tuple(out_strides),
                      storage_offset - shared).copy_(grad)
    if count is not None:  # (a nan where the input reads nothing: never read)
        storage = div(storage, _wrap(count))
    return as_strided_op(storage, tuple(self_sym_sizes), tuple(self_sym_strides),
                         self_storage_offset - shared)


as_strided_op = Op("AsStridedBackward0", _as_strided, view=True, jvp=LINEAR,
                   self=_as_strided_backward)


def _check_strided(input, size, stride, storage_offset):
    """torch's checks of as_strided's geometry against the input's storage."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    if storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    flat, _ = _backend.storage_of(input._data)
    itemsize = input._data.itemsize
    needed = 0 if 0 in size else storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > flat.size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{storage_offset}, and itemsize {itemsize} requiring a storage size of "
            f"{needed * itemsize} are out of bounds for storage of size {flat.size * itemsize}")
    return size, stride


def as_strided(input, size, stride, storage_offset=None):
    if storage_offset is None:
        storage_offset = input.storage_offset()
    size, stride = _check_strided(input, size, stride, storage_offset)
    return as_strided_op(input, size, stride, storage_offset)


# -- the in-place forms: the out-of-place op's forward and formula, torch's node name -----
t_op = Op("TBackward1", vw.t.forward, jvp=LINEAR, self=vw.t.formulas["self"])
def _transpose(self, dim0, dim1):
    return xp.swapaxes(self, dim0, dim1) if self.ndim else self.view()  # (0-d: itself)


def _transpose_backward(grad, dim0, dim1):
    return vw.transpose(grad, dim0, dim1) if grad.ndim else grad


transpose_op = Op("TransposeBackward1", _transpose, jvp=LINEAR, self=_transpose_backward)
squeeze_all_op = Op("SqueezeBackward3", vw.squeeze_all.forward, jvp=LINEAR,
                    self=vw.squeeze_all.formulas["self"])
squeeze_dims_op = Op("SqueezeBackward5", vw.squeeze_dims.forward, jvp=LINEAR,
                     self=vw.squeeze_dims.formulas["self"])
unsqueeze_op = Op("UnsqueezeBackward1", vw.unsqueeze.forward, jvp=LINEAR,
                  self=vw.unsqueeze.formulas["self"])
as_strided__op = Op("AsStridedBackward1", _as_strided, jvp=LINEAR, self=_as_strided_backward)
# their results are views of their input's memory, though not views in autograd's sense
for _op in (t_op, transpose_op, squeeze_all_op, vw.squeeze_dim_, squeeze_dims_op,
            unsqueeze_op, as_strided__op):
    _op.returns_view = True


def apply_view_inplace(op, self, args):
    """Run the view ``op`` on ``self`` and make ``self`` its result (see the module note)."""
    check_inplace(self)
    if type(self) is BatchedTensor:  # under vmap: the batch takes the view's shape
        out = apply(op, (self,) + tuple(args))
        self._value, self._data = out._value, out._data
        if out._grad_fn is not None:
            _set_grad_fn(self, out._grad_fn)
        return self
    fn = self.grad_fn  # (a stale view's node is rebuilt first: NOTE [Stale views])
    before = object.__new__(Tensor)  # self as it is now: the op's input
    before._data, before._requires_grad = self._data, self._requires_grad
    before._grad_fn, before._output_nr = fn, self._output_nr
    before._version_counter = self._version_counter
    if self._fw is not None:  # forward mode: the tangent is viewed as the primal is
        before._fw = self._fw
    out = apply(op, (before,) + tuple(args))
    self._data = out._data
    if out._fw is not None:
        self._fw = out._fw
    self._version_counter[0] += 1
    if out._grad_fn is not None:
        _set_grad_fn(self, out._grad_fn)
    if self._base is None:
        self._geometry += 1  # (its views made before now expect the old shape)
    else:
        parent, forward = self._view_fn, op.forward

        def view_fn(array):
            return forward(parent(array) if parent is not None else array, *args)
        self._view_fn = view_fn
        if self._view_steps is not None:  # NOTE [Replayed views]
            self._view_steps += (("strided", lambda array: forward(array, *args)),)
        self._view_version = self._version_counter[0]
    return self


def t_(self):
    check_t(self, "t_")
    return apply_view_inplace(t_op, self, ())


def transpose_(self, dim0, dim1):
    n = self.dim()
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    return apply_view_inplace(transpose_op, self, (d0, d1))


def squeeze_(self, dim=None):
    if dim is None:
        return apply_view_inplace(squeeze_all_op, self, ())
    n = self.dim()
    if isinstance(dim, (tuple, list)):
        return apply_view_inplace(squeeze_dims_op, self, (dim_list(dim, n),))
    return apply_view_inplace(vw.squeeze_dim_, self, (_wrap_dim(dim, n),))


def unsqueeze_(self, dim):
    return apply_view_inplace(unsqueeze_op, self, (_wrap_dim(dim, self.dim() + 1),))


def as_strided_(self, size, stride, storage_offset=None):
    if storage_offset is None:
        storage_offset = self.storage_offset()
    size, stride = _check_strided(self, size, stride, storage_offset)
    return apply_view_inplace(as_strided__op, self, (size, stride, storage_offset))


FUNCTIONS = {"as_strided": as_strided}
METHODS = {"as_strided": as_strided, "as_strided_": as_strided_, "t_": t_,
           "transpose_": transpose_, "swapdims_": transpose_, "swapaxes_": transpose_,
           "squeeze_": squeeze_, "unsqueeze_": unsqueeze_}

"""The view scatters: ``diagonal_scatter``, ``select_scatter``, ``slice_scatter`` and
``as_strided_scatter``, each its input with one view of it replaced by ``src`` (a new
tensor; the input is not written).

Each forward is the view op's own forward, run on a clone and written through; the
derivatives are torch's: the input's gradient is ``grad`` with the view's region zeroed
(the scatter itself, of zeros), ``src``'s is the view of ``grad``.

>>> import dyngrad as torch
>>> torch.select_scatter(torch.zeros(2, 2), torch.ones(2), 0, 0)
tensor([[1., 1.],
        [0., 0.]])
"""
from .. import _backend
from ..creation import zeros
from ..tensor import Tensor, _wrap, _wrap_dim
from . import diagonal as dg, view_inplace as vi, views as vw
from ._table import LINEAR, Op
from .diagonal import diagonal_op
from .views import select, slice_
from .view_copies import slice_view

xp = _backend.xp


def _scattered(view_forward):
    """The forward of a view's scatter: a copy of ``self`` (its strides kept, as clone
    keeps them) with the view's elements replaced by ``src``'s."""
    def forward(self, src, *args):
        out = xp.array(self, copy=True, order="K")
        view_forward(out, *args)[...] = src
        return out
    return forward


def _zeros_as(src):
    return zeros(tuple(src.shape), dtype=src.dtype) if isinstance(src, Tensor) else \
        xp.zeros(src.shape, dtype=src.dtype)


def _diagonal_scatter_self_backward(grad, src, offset, dim1, dim2):
    return diagonal_scatter_op(grad, _zeros_as(src), offset, dim1, dim2)


def _select_scatter_self_backward(grad, src, dim, index):
    return select_scatter_op(grad, _zeros_as(src), dim, index)


def _slice_scatter_self_backward(grad, src, dim, start, end, step):
    return slice_scatter_op(grad, _zeros_as(src), dim, start, end, step)


diagonal_scatter_op = Op(
    "DiagonalScatterBackward0", _scattered(dg._diagonal),
    params=("self", "src", "offset", "dim1", "dim2"), jvp=LINEAR,
    self=_diagonal_scatter_self_backward,
    src=lambda grad, offset, dim1, dim2: diagonal_op(grad, offset, dim1, dim2))
select_scatter_op = Op(
    "SelectScatterBackward0", _scattered(vw._select), params=("self", "src", "dim", "index"),
    jvp=LINEAR, real_grad_only="select_scatter", self=_select_scatter_self_backward,
    src=lambda grad, dim, index: select(grad, dim, index))
slice_scatter_op = Op(
    "SliceScatterBackward0", _scattered(vw._slice),
    params=("self", "src", "dim", "start", "end", "step"), jvp=LINEAR,
    real_grad_only="slice_scatter", self=_slice_scatter_self_backward,
    src=lambda grad, dim, start, end, step: slice_(grad, dim, start, end, step))


def _as_strided_src_backward(grad, size, stride, storage_offset):
    # torch's: the contiguous gradient read through the same geometry
    return vi.as_strided_op(grad.contiguous() if isinstance(grad, Tensor)
                            else xp.ascontiguousarray(grad), size, stride, storage_offset)


def _as_strided_self_backward(grad, src, size, stride, storage_offset):
    # torch 2.13's as_strided_scatter_backward keeps the gradient where src was written and
    # zeroes it elsewhere (the reverse of the derivative, which zeroes the written part):
    # copied as torch computes it, so that gradients agree with torch's
    return as_strided_scatter_op(_zeros_as(grad), _as_strided_src_backward(
        grad, size, stride, storage_offset), size, stride, storage_offset)


as_strided_scatter_op = Op(
    "AsStridedScatterBackward0", _scattered(vi._as_strided),
    params=("self", "src", "size", "stride", "storage_offset"), jvp=LINEAR,
    self=_as_strided_self_backward, src=_as_strided_src_backward)


def _check_src(name, src, view):
    if not isinstance(src, Tensor):
        raise TypeError(f"{name}(): argument 'src' (position 2) must be Tensor, not "
                        f"{type(src).__name__}")
    if tuple(src.shape) != tuple(view.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = {list(view.shape)}")
    return src


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    d1, d2 = dg._dims2(input, dim1, dim2)
    _check_src("diagonal_scatter", src, dg._diagonal(input._data, offset, d1, d2))
    return diagonal_scatter_op(input, src, offset, d1, d2)


def select_scatter(input, src, dim, index):
    view = input.detach().select(dim, index)  # (select's checks and messages)
    _check_src("select_scatter", src, view)
    d = _wrap_dim(dim, input.dim())
    return select_scatter_op(input, src, d, index % input.shape[d])


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    view = slice_view(input.detach(), dim, start, end, step)  # (slice's checks)
    _check_src("slice_scatter", src, view)
    d = _wrap_dim(dim, input.dim())
    start, end, _ = slice(start, end).indices(input.shape[d])
    return slice_scatter_op(input, src, d, start, max(start, end), step)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    if input.requires_grad and not input.is_contiguous():
        raise RuntimeError(
            '!self.requires_grad() || self.is_contiguous() INTERNAL ASSERT FAILED at '
            '"/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp":4754, please report a '
            'bug to PyTorch. as_strided_scatter is currently only supported for contiguous '
            'inputs')
    # (the geometry is checked against the clone the result is: a storage of its own)
    size, stride = vi._check_strided(_wrap(xp.empty_like(input._data)), size, stride,
                                     storage_offset or 0)
    _check_src("as_strided_scatter", src, xp.empty(size))
    return as_strided_scatter_op(input, src, size, stride, storage_offset or 0)


FUNCTIONS = {"diagonal_scatter": diagonal_scatter, "select_scatter": select_scatter,
             "slice_scatter": slice_scatter, "as_strided_scatter": as_strided_scatter}
METHODS = dict(FUNCTIONS)

"""Diagonals: diagonal (a view), diag_embed, diag, trace.

``diagonal`` is a strided view of its input, as in torch: NumPy's own ``diagonal`` is
read-only, so the view is made with ``as_strided`` and stays writable (``x.diagonal()
.fill_(1)`` writes into ``x``).
"""
from .. import _backend
from .._kernel_dtypes import NUMERIC_COMPLEX, check_kernel
from ..tensor import _wrap_dim
from ._table import LINEAR, Op
from ._view_copy import copy_variant
from .views import new_zeros, view
from ..tensor import _wrap

xp = _backend.xp
_as_strided = _backend.as_strided


def _diagonal(self, offset, dim1, dim2):
    shape, strides = self.shape, self.strides
    start = [slice(None)] * self.ndim
    if offset >= 0:
        length = max(0, min(shape[dim1], shape[dim2] - offset))
        start[dim2] = slice(min(offset, shape[dim2]), None)
    else:
        length = max(0, min(shape[dim1] + offset, shape[dim2]))
        start[dim1] = slice(min(-offset, shape[dim1]), None)
    keep = [d for d in range(self.ndim) if d not in (dim1, dim2)]
    # the slice moves the start to the diagonal's first element; the strides walk it
    return _as_strided(self[tuple(start)], shape=tuple(shape[d] for d in keep) + (length,),
                       strides=tuple(strides[d] for d in keep) + (strides[dim1] + strides[dim2],))


def _diagonal_backward(grad, input_sizes, offset, dim1, dim2):
    out = xp.zeros(input_sizes, dtype=grad.dtype)
    _diagonal(out, offset, dim1, dim2)[...] = grad
    return out


diagonal_op = Op("DiagonalBackward0", _diagonal, jvp=LINEAR, view=True,
                 self=lambda grad, self_sym_sizes, offset, dim1, dim2:
                     diagonal_backward(grad, tuple(self_sym_sizes), offset, dim1, dim2))
diagonal_backward = Op("DiagonalBackwardBackward0", _diagonal_backward, jvp=LINEAR,
                       grad=lambda grad, offset, dim1, dim2: diagonal_op(grad, offset, dim1, dim2))
# torch.diag of a matrix is diagonal_copy: a copy, with its own node name
diagonal_copy = copy_variant(diagonal_op)


def _dims2(input, dim1, dim2, ndim=None):
    n = input.dim() if ndim is None else ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    d1, d2 = _dims2(input, dim1, dim2)
    return diagonal_op(input, offset, d1, d2)


def _diag_embed(self, offset, dim1, dim2):
    n = self.shape[-1] + abs(offset)
    shape = list(self.shape[:-1])
    for d in sorted((dim1, dim2)):
        shape.insert(d, n)
    out = _backend.array_module(self).zeros(shape, dtype=self.dtype)
    _diagonal(out, offset, dim1, dim2)[...] = self
    return out


diag_embed_op = Op("DiagEmbedBackward0", _diag_embed, jvp=LINEAR,
                   self=lambda grad, offset, dim1, dim2: diagonal_op(grad, offset, dim1, dim2))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    d1, d2 = _dims2(input, dim1, dim2, input.dim() + 1)
    return diag_embed_op(input, offset, d1, d2)


def diag(input, diagonal=0, *, out=None):
    if input.dim() == 1:
        return diag_embed_op(input, diagonal, 0, 1)
    if input.dim() != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " f"{input.dim()}D")
    return diagonal_copy(input, diagonal, 0, 1)


def _trace(self):
    if self.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " f"{self.ndim}")
    check_kernel(self, "trace", NUMERIC_COMPLEX)
    return xp.asarray(xp.trace(self, dtype=xp.int64 if self.dtype.kind in "biu" else None))


def _trace_backward(grad, self_sym_sizes):
    # torch's trace_backward: zeros(n*m).index_fill_(0, arange(0, n*m, m + 1), grad).view(sizes)
    from .scatter import index_fill_tensor
    rows, cols = self_sym_sizes
    flat = new_zeros(grad, (rows * cols,))
    where = xp.arange(0, rows * cols, cols + 1, dtype=xp.int64)
    if hasattr(grad, "_data"):
        where = _wrap(where)
    return view(index_fill_tensor(flat, 0, where, grad), tuple(self_sym_sizes))


trace = Op("TraceBackward0", _trace, jvp=LINEAR, self=_trace_backward)


def trace_fn(input):
    return trace(input)

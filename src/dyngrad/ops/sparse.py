"""Sparse COO tensors: the ops that build, read and compute with them, and their gradients.

The array under a sparse tensor is a ``SparseCoo`` (_sparse_coo.py), the array of its own
module, so most of torch's ops on sparse tensors are the table's ordinary entries
(``x * 2`` is MulBackward0, ``s.t()`` TBackward0, ``torch.mm(s, d)`` MmBackward0). The
entries here are the ones torch gives sparse tensors of their own:

    sparse_coo_tensor(indices, values)   SparseCooTensorWithDimsAndTensorsBackward0
    s.to_dense()                         ToDenseBackward0   grad: grad.sparse_mask(s)
    d.to_sparse() / d.to_sparse(k)       ToSparseBackward1 / ToSparseBackward0
    s.coalesce() / s.values()            CoalesceBackward0 / ValuesBackward0
    torch.sparse.mm(s, d), .addmm        SparseAddmmBackward0 (a sparse grad for s)
    torch.sparse.sum(s, dim)             SparseSumBackward0
    torch.sparse.softmax / log_softmax   SparseSoftmaxBackward0 / SparseLogSoftmaxBackward0

A gradient flowing into a sparse input is sparse where torch's is (the formulas below
return SparseCoo arrays), and the engine adds sparse and dense gradients through the
SparseCPU module's ``add``.
"""
from .. import _backend, _layout, creation
from .. import _dtype as _dt
from .._runtime_flags import warn_once
from .._sparse_coo import (NAMESPACE, SparseCoo, from_dense, no_kernel, softmax_values,
                           matrix_mask, sparse_product,
                           softmax_backward_values, sum_dims, sum_dims_backward, values_at)
from .._sparse_coo import sparse_mask as _mask_array
from .._sparse_coo import addmm as sparse_dense_addmm
from ..tensor import Tensor, _wrap
from ._table import Op
from .pointwise import _not_implemented, conj, mul_scalar
from .views import t, transpose

xp = _backend.xp


def _array(x):
    return getattr(x, "_data", x)


def _is_sparse(x):
    return type(_array(x)) is SparseCoo


def _like(x, array):
    """``array`` as ``x`` is: a Tensor when ``x`` is one (a formula under create_graph)."""
    return _wrap(array) if isinstance(x, Tensor) else array


# -- building and reading -----------------------------------------------------------------
def _sparse_coo_tensor(indices, values, size, is_coalesced):
    return SparseCoo(indices, values, size, is_coalesced)


def _values_of_grad(grad, result):
    # torch's sparse_constructor_values_backward: the gradient's values at the result's
    # indices, computed with no graph of its own (torch's formula is not differentiable);
    # the result is what the node saves (an in-place change of it fails the backward)
    return _like(grad, values_at(_array(grad), _array(result).indices))


# (forward AD: torch has no rule for the two ways a sparse tensor is made, so none runs
# through a sparse tensor; the other entries have no rule either)
sparse_coo_tensor_op = Op("SparseCooTensorWithDimsAndTensorsBackward0", _sparse_coo_tensor,
                          nondiff=("indices",), values=_values_of_grad,
                          jvp_name="_sparse_coo_tensor_with_dims_and_tensors")


def _not_implemented_node(op, *args):
    """``op(*args)`` recorded as torch records its NotImplemented nodes: with an edge for
    each input that requires grad and none for the others. (The node's backward raises
    before any gradient would be matched to an edge, so dropping edges is safe.)"""
    out = op(*args)
    fn = out.grad_fn if isinstance(out, Tensor) else None
    if fn is not None:
        fn._next_functions = tuple(e for e in fn._next_functions if e[0] is not None)
    return out


def _to_dense(self):
    return self.to_dense()


def _sparse_mask(self, mask, coalesce_mask):
    return _mask_array(self, mask, coalesce_mask)


def _sparse_mask_backward(grad, mask, coalesce_mask):
    """The gradient for a dense input: the gradient projected onto the mask's entries (the
    coalesced ones, where the forward read those), made dense. torch defines no derivative
    for the projection (a NotImplemented node)."""
    if not _is_sparse(grad):
        return grad
    return to_dense_op(_not_implemented_node(mask_projection_op, grad, mask, coalesce_mask))


sparse_mask_op = Op("SparseMaskBackward0", _sparse_mask, nondiff=("mask",),
                    self=_sparse_mask_backward, jvp_name="sparse_mask")
mask_projection_op = Op("torch::autograd::NotImplemented", _mask_array, nondiff=("mask",),
                        grad=_not_implemented("_sparse_mask_projection"))
to_dense_op = Op("ToDenseBackward0", _to_dense,
                 self=lambda grad, self: sparse_mask_op(grad, _like(grad, _array(self)), True))


def _densified(grad):
    """A gradient for a dense input: a sparse one made dense (torch's to_sparse backward)."""
    return to_dense_op(grad) if _is_sparse(grad) else grad


to_sparse_op = Op("ToSparseBackward1", lambda self: from_dense(self, self.ndim),
                  self=_densified, jvp_name="_to_sparse",
                  real_grad_only="_to_sparse")
to_sparse_dim_op = Op("ToSparseBackward0", lambda self, sparse_dim: from_dense(self, sparse_dim),
                      self=_densified, jvp_name="_to_sparse",
                      real_grad_only="_to_sparse")
coalesce_op = Op("CoalesceBackward0", lambda self: self.coalesce(), self=lambda grad: grad)


def _values_backward(grad, self):
    """The gradient of ``s.values()``: the values' gradient at ``s``'s (coalesced)
    indices."""
    sp = _array(self)
    return sparse_coo_tensor_op(_like(grad, sp.indices), grad, sp.shape, True)


values_op = Op("ValuesBackward0", lambda self: self.values, view=True, self=_values_backward)


# -- products -----------------------------------------------------------------------------
def _check_mm(mat1, mat2):
    if mat2.ndim != 2 and mat1.ndim == 2:
        raise RuntimeError(f"addmm: matrices expected, got {mat2.ndim}D tensor")
    if mat2.ndim != 2 or mat1.ndim != 2:
        raise RuntimeError(f"addmm: matrices expected, got {mat1.ndim}D, {mat2.ndim}D tensors")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {mat1.shape[1]}, "
                           f"got {mat2.shape[0]}")
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(f"expected scalar type {_dt.of_array(mat1)._cname} but found "
                           f"{_dt.of_array(mat2)._cname}")


def _sparse_addmm(self, mat1, mat2, beta, alpha):
    _check_mm(mat1, mat2)
    return sparse_dense_addmm(self, mat1, mat2, beta, alpha)


def _scaled(grad, factor):
    return grad if factor == 1 else mul_scalar(grad, factor)


# torch's formulas: mat1's gradient is masked to mat1's entries (a sparse gradient)
sparse_addmm_op = Op(
    "SparseAddmmBackward0", _sparse_addmm,
    self=lambda grad, beta: _scaled(grad, beta),
    mat1=lambda grad, mat1, mat2, alpha: sparse_mask_op(
        _scaled(grad @ conj(t(mat2)), alpha), _like(grad, _array(mat1)), True),
    mat2=lambda grad, mat1, alpha: _scaled(conj(t(mat1)) @ grad, alpha))


def _sparse_sparse_matmul(self, other):
    _check_mm(self, other)
    return sparse_product(self, other)


# torch's sparse_sparse_matmul_backward: the products grad @ other^H and self^H @ grad,
# each kept at its own entries but zero where the input holds none (its matrix mask, a
# projection: torch's node names _sparse_mask_projection when it refuses a derivative)
sparse_sparse_matmul_op = Op(
    "SparseSparseMatmulBackward0", _sparse_sparse_matmul,
    self=lambda grad, self, other: _matrix_mask(
        sparse_sparse_matmul_op(grad, conj(t(other))), self),
    other=lambda grad, self, other: _matrix_mask(
        sparse_sparse_matmul_op(conj(t(self)), grad), other))
# (an edge for the mask too, where it requires grad, as torch's node has)
matrix_mask_op = Op("torch::autograd::NotImplemented",
                    lambda self, mask: matrix_mask(self, mask),
                    self=_not_implemented("_sparse_mask_projection"),
                    mask=_not_implemented("_sparse_mask_projection"))


def _matrix_mask(product, mask):
    return _not_implemented_node(matrix_mask_op, product, mask)


# -- reductions and softmax ----------------------------------------------------------------
def _sparse_sum(self, dim):
    return sum_dims(self, dim)


def _sparse_sum_backward(grad, self, dim):
    return _not_implemented_node(sparse_sum_backward_op, grad, self, dim)


sparse_sum_op = Op("SparseSumBackward0", _sparse_sum, self=_sparse_sum_backward,
                   real_grad_only="_sparse_sum")
# the backwards of the sparse sum and softmaxes are entries of their own, which torch
# gives no derivative (NotImplemented nodes, an edge for each tensor argument)
_NO_SUM_GRAD = _not_implemented("_sparse_sum_backward")
sparse_sum_backward_op = Op("torch::autograd::NotImplemented",
                            lambda grad, self, dim: sum_dims_backward(grad, self, dim),
                            grad=_NO_SUM_GRAD, self=_NO_SUM_GRAD)


def _softmax_backward_entry(log, name):
    no_grad = _not_implemented(name)
    return Op("torch::autograd::NotImplemented",
              lambda grad, output, dim, self: softmax_backward_values(grad, output, dim, log),
              grad=no_grad, output=no_grad, self=no_grad)


softmax_backward_op = _softmax_backward_entry(False, "_sparse_softmax_backward_data")
log_softmax_backward_op = _softmax_backward_entry(True, "_sparse_log_softmax_backward_data")
sparse_softmax_op = Op("SparseSoftmaxBackward0",
                       lambda self, dim: softmax_values(self, dim, False),
                       self=lambda grad, result, dim, self: _not_implemented_node(
                           softmax_backward_op, grad, result, dim, self))
sparse_log_softmax_op = Op("SparseLogSoftmaxBackward0",
                           lambda self, dim: softmax_values(self, dim, True),
                           self=lambda grad, result, dim, self: _not_implemented_node(
                               log_softmax_backward_op, grad, result, dim, self))


# -- the public functions -------------------------------------------------------------------
_INVARIANTS_WARNING = (
    "Sparse invariant checks are implicitly disabled. Memory errors (e.g. SEGFAULT) will "
    "occur when operating on a sparse tensor which violates the invariants, but checks incur "
    "performance overhead. To silence this warning, explicitly opt in or out. See "
    "`torch.sparse.check_sparse_tensor_invariants.__doc__` for guidance.  (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/Context.cpp:816.)")


def _as_tensor(x, dtype=None):
    if isinstance(x, Tensor):
        return x
    return creation.tensor(x, dtype=dtype)


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None,
                      is_coalesced=None):
    """A sparse COO tensor holding ``values`` at ``indices`` (sparse_dim x nnz).

    >>> s = torch.sparse_coo_tensor([[0, 1], [2, 0]], [3., 4.], (2, 3))
    >>> s.to_dense()
    tensor([[0., 0., 3.],
            [4., 0., 0.]])
    """
    if check_invariants is None:
        warn_once("sparse_coo_tensor invariants", _INVARIANTS_WARNING)
    indices = _as_tensor(indices)
    values = _as_tensor(values, dtype)
    if dtype is not None and values.dtype is not dtype:
        values = values.to(dtype)
    idx = _backend.to_numpy(indices._data)
    if idx.dtype != xp.int64:
        idx = idx.astype(xp.int64)
    if idx.ndim == 1:
        idx = idx.reshape(-1, 1) if idx.size else idx.reshape(1, 0)
    vshape = values._data.shape
    if not vshape:
        raise RuntimeError("values must have at least one dimension (nnz)")
    if idx.shape[1] != vshape[0]:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: "
                           f"{idx.shape[1]}, nnz from values: {vshape[0]}")
    sd = idx.shape[0]
    if size is None:
        size = (tuple(int(m) + 1 for m in idx.max(axis=1)) if idx.shape[1]
                else (0,) * sd) + tuple(vshape[1:])
    size = tuple(int(s) for s in size)
    if len(size) != sd + len(vshape) - 1:
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: "
                           f"len(size) = {len(size)}, sparse_dim = {sd}, "
                           f"dense_dim = {len(vshape) - 1}")
    if check_invariants and idx.shape[1]:
        for d in range(sd):
            top = int(idx[d].max())
            if top >= size[d]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is "
                                   f"{size[d]} but found index {top}")
    if requires_grad and not values.is_floating_point() and not values.is_complex():
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    out = sparse_coo_tensor_op(_wrap(idx), values, size, bool(is_coalesced))
    if requires_grad:
        out.requires_grad_(True)
    return out


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    if layout is not None and layout is not _layout.sparse_coo:
        raise NotImplementedError(f"to_sparse: conversion to {layout} is not implemented yet "
                                  "(dyngrad has sparse COO tensors only)")
    if _is_sparse(self):
        return self
    n = self.dim()
    if sparse_dim is None:
        return to_sparse_op(self)
    if n and sparse_dim == 0:
        raise RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when "
                           "self.dim()>0")
    if not 0 <= sparse_dim <= n:
        raise RuntimeError(f"dense_to_sparse: sparse_dim argument must be in [0,{n}] range, "
                           f"but {sparse_dim} is given")
    return to_sparse_dim_op(self, sparse_dim)


def to_dense(self, dtype=None, *, masked_grad=None):
    if not _is_sparse(self):
        return self
    if dtype is not None:
        raise RuntimeError("dtype argument is not supported by sparse_to_dense")
    return to_dense_op(self)


def _sparse_data(self, what, layout="sparse coordinate tensor"):
    data = self._data
    if type(data) is not SparseCoo:
        if what.startswith("_"):  # the private readers: no kernel for a dense tensor
            raise no_kernel(what, "CPU")
        raise RuntimeError(f"{what} expected {layout} layout but got Strided")
    return data


def _coalesced_data(self, what, layout="sparse coordinate tensor"):
    data = _sparse_data(self, what, layout)
    if not data.coalesced:
        raise RuntimeError(f"Cannot get {what} on an uncoalesced tensor, please call "
                           ".coalesce() first")
    return data


def indices(self):
    return _wrap(_coalesced_data(self, "indices").indices)


def values(self):
    _coalesced_data(self, "values", "sparse tensor")
    return values_op(self)


def _indices(self):
    return _wrap(_sparse_data(self, "_indices").indices)


def _values(self):
    return _wrap(_sparse_data(self, "_values").values)


def coalesce(self):
    if _sparse_data(self, "coalesce").coalesced:
        return self
    return coalesce_op(self)


def is_coalesced(self):
    return _sparse_data(self, "is_coalesced").coalesced


def sparse_dim(self):
    data = self._data
    return data.sparse_dim if type(data) is SparseCoo else 0


def dense_dim(self):
    data = self._data
    return data.values.ndim - 1 if type(data) is SparseCoo else data.ndim


def _nnz(self):
    return _sparse_data(self, "_nnz").nnz


def sparse_mask(self, mask):
    """The entries of ``self`` at the (coalesced) indices of the sparse ``mask``."""
    data = mask._data
    if type(data) is not SparseCoo:
        raise no_kernel("sparse_mask", "CPU")
    if self.shape != mask.shape:
        raise RuntimeError("sparse_mask(): operands have incompatible sizes; self has size "
                           f"{list(self.shape)} but mask has size {list(mask.shape)}")
    return sparse_mask_op(self, mask, False)


def sparse_mm(mat1, mat2):
    """``torch.sparse.mm``: a sparse matrix times a dense one or a dense one times a sparse
    one, with a sparse gradient for the sparse matrix (SparseAddmmBackward0), or two
    sparse matrices (a sparse result, SparseSparseMatmulBackward0)."""
    if _is_sparse(mat1) and _is_sparse(mat2):
        return sparse_sparse_matmul_op(mat1, mat2)
    if _is_sparse(mat2):
        # dense @ sparse as torch computes it: (sparse^T @ dense^T)^T, so that the sparse
        # matrix's gradient is sparse (its transposed entries)
        return transpose(sparse_mm(transpose(mat2, 0, 1), transpose(mat1, 0, 1)), 0, 1)
    if not _is_sparse(mat1):
        return mat1 @ mat2
    zeros = creation.zeros((mat1.shape[0], mat2.shape[-1]), dtype=mat1.dtype)
    return sparse_addmm_op(zeros, mat1, mat2, 0, 1)


def sparse_addmm(input, mat1, mat2, *, beta=1, alpha=1):
    if not _is_sparse(mat1):
        from . import torch_math
        return torch_math.addmm(input, mat1, mat2, beta=beta, alpha=alpha)
    return sparse_addmm_op(input, mat1, mat2, beta, alpha)


def spmm(input, mat2):
    """``torch.spmm``: ``torch.mm`` under another name (MmBackward0)."""
    return input.mm(mat2)


def _dims(dim, n):
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(d % n if n else d for d in dims))


def sparse_sum(input, dim=None, dtype=None):
    """``torch.sparse.sum``: all of it (the coalesced values' sum: SumBackward0 over
    ValuesBackward0), or over ``dim`` (SparseSumBackward0; sparse while a sparse dim is
    left)."""
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return coalesce(input).values().sum()
    return sparse_sum_op(input, _dims(dim, input.dim()))


def _softmax_args(input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    return input, dim % input.dim()


def sparse_softmax(input, dim, dtype=None):
    input, dim = _softmax_args(input, dim, dtype)
    return sparse_softmax_op(input, dim)


def sparse_log_softmax(input, dim, dtype=None):
    input, dim = _softmax_args(input, dim, dtype)
    return sparse_log_softmax_op(input, dim)


FUNCTIONS = {"sparse_coo_tensor": sparse_coo_tensor, "spmm": spmm}
METHODS = {"to_sparse": to_sparse, "to_dense": to_dense, "indices": indices,
           "values": values, "_indices": _indices, "_values": _values, "coalesce": coalesce,
           "is_coalesced": is_coalesced, "sparse_dim": sparse_dim, "dense_dim": dense_dim,
           "_nnz": _nnz, "sparse_mask": sparse_mask}

"""Matrix products: mm, bmm, dot, mv, and matmul composed from them as torch composes it."""
from .. import _backend, _meta_array
from .._dtype import _FROM_NP
from .._kernel_dtypes import check_kernel
from .._sparse_coo import SparseCoo
from .._sparse_kernels import bmm as sparse_bmm
from ._table import TRANSPOSED, Op
from ..tensor import _CPP_TYPE, _wrap
from .pointwise import conj
from .views import reshape, t, transpose
from .pointwise import mul_scalar

xp = _backend.xp
_ndarray = _backend.ndarray


def _names(*arrays):
    return [_FROM_NP[a.dtype]._cname for a in arrays]


# each product says its dtype mismatch in its own words, as torch's kernels do
_MISMATCH = {
    "mm": lambda a, b: "expected m1 and m2 to have the same dtype, but got: "
                       f"{_cpp(a)} != {_cpp(b)}",
    "bmm": lambda a, b: "expected scalar type {} but found {}".format(*_names(a, b)),
    "dot": lambda a, b: "dot : expected both vectors to have same dtype, but found {} and {}"
                        .format(*_names(a, b)),
    "mv": lambda a, b: "addmv input tensors must have the same dtype, but got {1}, {0}, and {1}"
                       .format(*_names(a, b)),
}


def _cpp(a):
    return _CPP_TYPE[_FROM_NP[a.dtype]]


def _check_same_dtype(a, b, op="mm"):
    if a.dtype != b.dtype:
        raise RuntimeError(_MISMATCH[op](a, b))
    if op == "mm" and _backend.kind(a.dtype) == "b":
        raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')


def _mm(self, mat2):
    if self.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if self.shape[1] != mat2.shape[0]:
        if not _backend.has_values(self):  # torch's meta kernel words it its own way
            raise RuntimeError(_meta_array.reduction_dim_error(self, mat2))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({self.shape[0]}x{self.shape[1]} "
                           f"and {mat2.shape[0]}x{mat2.shape[1]})")
    numpy = type(self) is _ndarray and type(mat2) is _ndarray
    if not (numpy and self.dtype == mat2.dtype and self.dtype.kind in "fc"):
        # (two NumPy arrays of one floating dtype, the common case, pass without a call)
        _check_same_dtype(self, mat2)
    if numpy and self.shape[1] == 1 and self.dtype.char in "fd":
        # an outer product (a gradient through a layer one wide): NumPy's matmul runs a
        # slow loop for it (measured: 256x1 by 1x128 float32, 33 us, torch 3 us). Each
        # element is one product, as matmul makes it; adding zero gives a zero product
        # the sign a sum started at zero gives it (+0), so the numbers are matmul's.
        out = xp.multiply(self, mat2)
        out += 0
        return out
    if numpy:
        return xp.matmul(self, mat2)
    try:
        return _backend.array_module(self).matmul(self, mat2)
    except _meta_array.DeviceMismatch:  # (NOTE [CPU and meta operands] in _meta_array.py)
        return _meta_array.product_on(self, self, mat2)


def _column_major(sizes, strides):
    # torch's mm backward follows the layout of the input it differentiates for: a
    # column-major input gets (mat2 @ grad.T).T rather than grad @ mat2.T
    return strides[0] == 1 and strides[1] == sizes[0]


def _layout(x):
    a = getattr(x, "_data", x)
    if not _backend.is_numpy(a):
        return a.shape, _wrap(a).stride()
    return a.shape, tuple(st // a.itemsize for st in a.strides)


def _mm_self_grad(grad, self_sym_sizes, self_sym_strides, mat2):
    if _column_major(self_sym_sizes, self_sym_strides):
        return t(mm(conj(mat2), t(grad)))
    return mm(grad, conj(t(mat2)))


def _mm_mat2_grad(grad, self, mat2_sym_sizes, mat2_sym_strides):
    if _column_major(mat2_sym_sizes, mat2_sym_strides):
        return t(mm(t(grad), conj(self)))
    return mm(conj(t(self)), grad)


def _mm_self_backward(grad, self, mat2):
    """mm's gradient for ``self`` from the tensors themselves (addmm's formulas)."""
    return _mm_self_grad(grad, *_layout(self), mat2)


def _mm_mat2_backward(grad, self, mat2):
    return _mm_mat2_grad(grad, self, *_layout(mat2))


# mm saves only the layout of the input it differentiates for (sym_sizes, sym_strides), as
# torch does: a weight updated in place under no_grad after the forward does not fail the
# backward of the other input
mm = Op("MmBackward0", _mm,
        jvp=lambda self_t, mat2_t, self, mat2: mm(self_t, mat2) + mm(self, mat2_t),
        self=_mm_self_grad, mat2=_mm_mat2_grad)


def _sparse_bmm(self, mat2):
    """torch's bmm of a sparse batch of matrices by a dense one, with its checks in its
    order (a sparse ``mat2`` is refused whatever ``self`` is)."""
    if type(mat2) is SparseCoo or type(self) is not SparseCoo:
        raise RuntimeError("bmm_sparse: Tensor 'mat2' must be dense")
    if self.ndim != self.sparse_dim:
        raise RuntimeError(f"bmm_sparse: Tensor 'self' must have 0 dense dims, but has "
                           f"{self.ndim - self.sparse_dim}")
    if self.sparse_dim != 3:
        raise RuntimeError(f"bmm_sparse: Tensor 'self' must have 3 sparse dims, but has "
                           f"{self.sparse_dim}")
    if mat2.ndim != 3:
        raise RuntimeError(f"bmm_sparse: Tensor 'mat2' must have 3 dims, but has {mat2.ndim}")
    if self.shape[0] != mat2.shape[0]:
        raise RuntimeError("bmm_sparse: 'self.size(0)' and 'mat2.size(0)' must match")
    if self.shape[2] != mat2.shape[1]:
        raise RuntimeError("bmm_sparse: 'self.size(2)' and 'mat2.size(1)' must match")
    _check_same_dtype(self, mat2, "bmm")
    # (no bool or half kernel)
    check_kernel(self, "bmm_sparse_dense", "iuc" if self.dtype == xp.float16 else "iufc")
    return sparse_bmm(self, mat2)


def _bmm(self, mat2):
    if type(self) is SparseCoo or type(mat2) is SparseCoo:
        return _sparse_bmm(self, mat2)
    if self.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if mat2.shape[:2] != (self.shape[0], self.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{self.shape[0]}, {self.shape[2]}] but got: [{mat2.shape[0]}, "
                           f"{mat2.shape[1]}].")
    _check_same_dtype(self, mat2, "bmm")
    try:
        return _backend.array_module(self).matmul(self, mat2)
    except _meta_array.DeviceMismatch:  # (NOTE [CPU and meta operands] in _meta_array.py)
        return _meta_array.product_on(mat2, self, mat2)


bmm = Op("BmmBackward0", _bmm,
         jvp=lambda self_t, mat2_t, self, mat2: bmm(self_t, mat2) + bmm(self, mat2_t),
         self=lambda grad, mat2: bmm(grad, conj(transpose(mat2, 1, 2))),
         mat2=lambda grad, self: bmm(conj(transpose(self, 1, 2)), grad))


def _dot(self, tensor):
    if self.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {tensor.ndim}D tensors")
    if self.shape[0] != tensor.shape[0]:
        raise RuntimeError("inconsistent tensor size, expected tensor [%d] and src [%d] to have the "
                           "same number of elements, but got %d and %d elements respectively"
                           % (self.shape[0], tensor.shape[0], self.shape[0], tensor.shape[0]))
    _check_same_dtype(self, tensor, "dot")
    return xp.dot(self, tensor)


dot = Op("DotBackward0", _dot,
         jvp=lambda self_t, tensor_t, self, tensor: dot(self_t, tensor) + dot(self, tensor_t),
         self=lambda grad, tensor: grad * conj(tensor),
         tensor=lambda grad, self: grad * conj(self))


def _outer_of(grad, vec):
    # torch's ger: grad.reshape(n, 1) * vec, broadcasting vec
    return reshape(grad, (grad.shape[0], 1)) * vec


def _mv(self, vec):
    if self.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self.ndim}, {vec.ndim}")
    if self.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({self.shape[0]}), mat "
                           f"({self.shape[0]}x{self.shape[1]}), vec ({vec.shape[0]})")
    _check_same_dtype(self, vec, "mv")
    return xp.matmul(self, vec)


mv = Op("MvBackward0", _mv, jvp=lambda self_t, vec_t, self, vec: mv(self_t, vec) + mv(self, vec_t),
        self=lambda grad, vec: _outer_of(grad, conj(vec)),
        vec=lambda grad, self: mv(conj(t(self)), grad))


def _addmm(self, mat1, mat2, beta, alpha):
    prod = _mm(mat1, mat2)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:  # torch ignores self (even nan) when beta is 0
        return xp.broadcast_to(xp.zeros((), prod.dtype), prod.shape) + prod
    # (the product first: torch checks the bias against mat1's device)
    return prod + (self if beta == 1 else self * beta)


def _scaled_by(g, alpha):
    return g if alpha == 1 else mul_scalar(g, alpha)


# nn.Linear's node: bias + input @ weight.T in one entry, as torch's F.linear records it
addmm = Op("AddmmBackward0", _addmm, jvp=TRANSPOSED,
           self=lambda grad, beta: _scaled_by(grad, beta),
           mat1=lambda grad, mat1, mat2, alpha: _scaled_by(_mm_self_backward(grad, mat1, mat2), alpha),
           mat2=lambda grad, mat1, mat2, alpha: _scaled_by(_mm_mat2_backward(grad, mat1, mat2), alpha))

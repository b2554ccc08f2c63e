"""Matrix products: mm, bmm, dot, mv, and matmul composed from them as torch composes it."""
from .. import _backend
from .._dtype import _FROM_NP
from ._table import Op
from .pointwise import conj
from .views import reshape, t, transpose
from .pointwise import mul_scalar

xp = _backend.xp


def _check_same_dtype(a, b, what="expected m1 and m2 to have the same dtype"):
    if a.dtype != b.dtype:
        raise RuntimeError(f"{what}, but got: {_FROM_NP[a.dtype]._cname.lower()} != "
                           f"{_FROM_NP[b.dtype]._cname.lower()}")


def _mm(self, mat2):
    if self.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if self.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({self.shape[0]}x{self.shape[1]} "
                           f"and {mat2.shape[0]}x{mat2.shape[1]})")
    _check_same_dtype(self, mat2)
    return xp.matmul(self, mat2)


def _column_major(x):
    # torch's mm backward follows the layout of the input it differentiates for: a
    # column-major input gets (mat2 @ grad.T).T rather than grad @ mat2.T
    a = getattr(x, "_data", x)
    return a.strides[0] == a.itemsize and a.strides[1] == a.shape[0] * a.itemsize


def _mm_self_backward(grad, self, mat2):
    return t(mm(conj(mat2), t(grad))) if _column_major(self) else mm(grad, conj(t(mat2)))


def _mm_mat2_backward(grad, self, mat2):
    return t(mm(t(grad), conj(self))) if _column_major(mat2) else mm(conj(t(self)), grad)


mm = Op("MmBackward0", _mm, self=_mm_self_backward, mat2=_mm_mat2_backward)


def _bmm(self, mat2):
    if self.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if mat2.shape[:2] != (self.shape[0], self.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{self.shape[0]}, {self.shape[2]}] but got: [{mat2.shape[0]}, "
                           f"{mat2.shape[1]}].")
    _check_same_dtype(self, mat2, "expected scalar type")
    return xp.matmul(self, mat2)


bmm = Op("BmmBackward0", _bmm,
         self=lambda grad, mat2: bmm(grad, conj(transpose(mat2, 1, 2))),
         mat2=lambda grad, self: bmm(conj(transpose(self, 1, 2)), grad))


def _dot(self, tensor):
    if self.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {tensor.ndim}D tensors")
    if self.shape[0] != tensor.shape[0]:
        raise RuntimeError("inconsistent tensor size, expected tensor [%d] and src [%d] to have the "
                           "same number of elements, but got %d and %d elements respectively"
                           % (self.shape[0], tensor.shape[0], self.shape[0], tensor.shape[0]))
    _check_same_dtype(self, tensor, "dot : expected both vectors to have same dtype")
    return xp.dot(self, tensor)


dot = Op("DotBackward0", _dot,
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
    return xp.matmul(self, vec)


mv = Op("MvBackward0", _mv,
        self=lambda grad, vec: _outer_of(grad, conj(vec)),
        vec=lambda grad, self: mv(conj(t(self)), grad))


def _addmm(self, mat1, mat2, beta, alpha):
    prod = _mm(mat1, mat2)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:  # torch ignores self (even nan) when beta is 0
        return xp.broadcast_to(xp.zeros((), prod.dtype), prod.shape) + prod
    return (self if beta == 1 else self * beta) + prod


def _scaled_by(g, alpha):
    return g if alpha == 1 else mul_scalar(g, alpha)


# nn.Linear's node: bias + input @ weight.T in one entry, as torch's F.linear records it
addmm = Op("AddmmBackward0", _addmm,
           self=lambda grad, beta: _scaled_by(grad, beta),
           mat1=lambda grad, mat1, mat2, alpha: _scaled_by(_mm_self_backward(grad, mat1, mat2), alpha),
           mat2=lambda grad, mat1, mat2, alpha: _scaled_by(_mm_mat2_backward(grad, mat1, mat2), alpha))

"""Triangular systems: linalg.solve_triangular and torch.triangular_solve (its deprecated
form, which also returns a copy of A), and the solves and inverse from a Cholesky factor
(cholesky_solve, cholesky_inverse), with torch's derivatives. Only the triangle named by
``upper`` is read, as LAPACK's trtrs/potrs/potri do."""
from .. import _backend
from ..ops import pointwise as pw
from ..ops._table import TRANSPOSED, Op
from ..ops.return_types import return_type
from ._common import check_system, matmul, mH, mT, warn_once
from .elimination import substitute

xp = _backend.xp


def _broadcast(A, B):
    batch = xp.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    return xp.broadcast_to(A, batch + A.shape[-2:]), xp.broadcast_to(B, batch + B.shape[-2:])


def _solve_triangular(self, B, upper, left, unitriangular):
    A, B = _broadcast(self, B.astype(self.dtype, copy=False))
    if left:
        return substitute(A, B, not upper, unitriangular)
    # X A = B  <=>  A^T X^T = B^T, A^T triangular the other way
    X = substitute(xp.swapaxes(A, -1, -2), xp.swapaxes(B, -1, -2), upper, unitriangular)
    return xp.swapaxes(X, -1, -2).copy()


def _triangle(g, upper, unitriangular):
    return pw.triu(g, int(unitriangular)) if upper else pw.tril(g, -int(unitriangular))


def _solve_triangular_backward(grad, self, result, upper, left, unitriangular, grad_input_mask):
    """torch's linalg_solve_triangular_backward: gB = A^-H g (g A^-H on the right),
    gA = -gB X^H (-X^H gB), on A's triangle."""
    gB = solve_triangular_op(mH(self), grad, not upper, left, unitriangular)
    gA = None
    if grad_input_mask[0]:
        gA = -matmul(gB, mH(result)) if left else -matmul(mH(result), gB)
        gA = _triangle(gA, upper, unitriangular)
    return [gA, gB if grad_input_mask[1] else None]


solve_triangular_op = Op("LinalgSolveTriangularBackward0", _solve_triangular, jvp=TRANSPOSED,
                         self=_solve_triangular_backward, B=_solve_triangular_backward)


def _check_system(A, B, name, left=True):
    if B.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX' if left else 'XA'} = B ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    check_batches(A, B)


def check_batches(A, B):
    a, b = tuple(A.shape[:-2]), tuple(B.shape[:-2])
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and 1 not in (a[-i], b[-i]):
            raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor "
                               f"b ({b[-i]}) at non-singleton dimension {max(len(a), len(b)) - i}")


def _refuse_integers(A, kernel):
    if not (A.is_floating_point() or A.is_complex()):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{A.dtype._cname}'")


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    _check_system(A, B, "linalg.solve_triangular", left)
    _refuse_integers(A, "triangular_solve_cpu")
    return solve_triangular_op(A, B, upper, left, unitriangular)


# -- torch.triangular_solve ------------------------------------------------------------------
def _triangular_solve(self, A, upper, transpose, unitriangular):
    T = xp.swapaxes(A, -1, -2) if transpose else A
    X = _solve_triangular(T, self, upper != transpose, True, unitriangular)
    return X, xp.broadcast_to(A, X.shape[:-2] + A.shape[-2:]).copy()


def _triangular_solve_backward(grads, self, A, solution, upper, transpose, unitriangular,
                               grad_input_mask):
    """torch's triangular_solve_backward; the copy of A passes its gradient to A."""
    gX, gM = grads
    gb = gA = None
    if gX is not None:
        gb = triangular_solve_op(gX, pw.conj(A) if _is_complex(A) else A, upper, not transpose,
                                 unitriangular)[0]
        if grad_input_mask[1]:
            gA = (-matmul(pw.conj(solution) if _is_complex(solution) else solution, mT(gb))
                  if transpose else -matmul(gb, mH(solution)))
            gA = _triangle(gA, upper, unitriangular)
    if gM is not None and grad_input_mask[1]:
        gA = gM if gA is None else gA + gM
    return [gb if grad_input_mask[0] else None, gA]


def _is_complex(x):
    return getattr(x, "_data", x).dtype.kind == "c"


triangular_solve_op = Op("TriangularSolveBackward0", _triangular_solve,
                         outputs=("solution", "cloned_coefficient"), jvp=TRANSPOSED,
                         self=_triangular_solve_backward, A=_triangular_solve_backward)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    warn_once("triangular_solve",
              "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular"
              "and will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular "
              "has its arguments reversed and does not return a copy of one of the inputs.\nX = "
              "torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
              "torch.linalg.solve_triangular(A, B).")
    if input.dim() < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, "
                           f"but it has {input.dim()} dimensions instead")
    _check_factor_system(input, A, "triangular_solve")
    X, M = triangular_solve_op(input, A, upper, transpose, unitriangular)
    return return_type("triangular_solve", ("solution", "cloned_coefficient"))(X, M)


def _check_factor_system(b, A, name):
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} "
                           f"by {A.shape[-1]} matrices")
    check_system(A, b, name)
    check_batches(A, b)


# -- cholesky_solve, cholesky_inverse -------------------------------------------------------
def _cholesky_solve(self, input2, upper):
    """X with L L^H X = B (U^H U X = B when ``upper``)."""
    A, B = _broadcast(input2, self)
    Ah = xp.swapaxes(A.conj() if A.dtype.kind == "c" else A, -1, -2)
    first, second = (Ah, A) if upper else (A, Ah)
    return substitute(second, substitute(first, B, True, False), False, False)


def _cholesky_solve_backward(grad, self, input2, result, upper, grad_input_mask):
    """torch's cholesky_solve_backward (the gradient of the factor is not made triangular)."""
    g_self = cholesky_solve_op(grad, input2, upper)
    g_input2 = None
    if grad_input_mask[1]:
        common = matmul(g_self, mH(result))
        common = common + mH(common)
        g_input2 = -matmul(input2, common) if upper else -matmul(common, input2)
    return [g_self if grad_input_mask[0] else None, g_input2]


cholesky_solve_op = Op("CholeskySolveBackward0", _cholesky_solve, jvp=TRANSPOSED,
                       self=_cholesky_solve_backward, input2=_cholesky_solve_backward)


def cholesky_solve(input, input2, upper=False, *, out=None):
    if input.dim() < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.dim()} "
                           "dimensions instead")
    if input2.dim() < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.dim()} "
                           "dimensions instead")
    _check_factor_system(input, input2, "cholesky_solve")
    return cholesky_solve_op(input, input2, upper)


def _cholesky_inverse(self, upper):
    eye = xp.broadcast_to(_backend.array_module(self).eye(self.shape[-1], dtype=self.dtype),
                          self.shape)
    return _cholesky_solve(eye, self, upper)


def _cholesky_inverse_backward(grad, self, upper, result):
    common = matmul(result, matmul(grad + mH(grad), result))
    return -matmul(self, common) if upper else -matmul(common, self)


cholesky_inverse_op = Op("CholeskyInverseBackward0", _cholesky_inverse, jvp=TRANSPOSED,
                         self=_cholesky_inverse_backward)


def cholesky_inverse(input, upper=False, *, out=None):
    name = "cholesky_inverse"
    if input.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    _refuse_integers(input, "cholesky_inverse_out_cpu")
    return cholesky_inverse_op(input, upper)


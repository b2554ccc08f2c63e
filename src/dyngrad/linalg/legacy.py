"""torch's linear algebra from before torch.linalg: torch.cholesky and torch.qr (deprecated,
warning once as torch does), nuclear_norm and frobenius_norm (kept for JIT in torch), and
the functions torch has removed (matrix_rank, solve, lstsq, eig, symeig), which raise
torch's message saying what replaces them."""
from ..ops._table import Op
from ..ops.return_types import return_type
from ..ops.statistics import norm_dim
from ..tensor import _wrap_dim
from ._common import check_square, warn_once
from .decompositions import _cholesky_backward, _potrf, qr, raise_not_positive_definite
from .norms import matrix_norm


def _cholesky(self, upper):
    L, info = _potrf(self, upper)
    raise_not_positive_definite(info, "cholesky")
    return L


# (torch has no forward-mode rule for the deprecated form: neither has dyngrad)
cholesky_op = Op("CholeskyBackward0", _cholesky, jvp_name="cholesky", self=_cholesky_backward)


def torch_cholesky(input, upper=False, *, out=None):
    warn_once("cholesky", "torch.cholesky is deprecated in favor of torch.linalg.cholesky and "
                          "will be removed in a future PyTorch release.\nL = torch.cholesky(A)\n"
                          "should be replaced with\nL = torch.linalg.cholesky(A)\nand\nU = "
                          "torch.cholesky(A, upper=True)\nshould be replaced with\nU = "
                          "torch.linalg.cholesky(A).mH\nThis transform will produce equivalent "
                          "results for all valid (symmetric positive definite) inputs.")
    check_square(input, "cholesky")
    return cholesky_op(input, upper)


def torch_qr(input, some=True, *, out=None):
    warn_once("qr", "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
                    "future PyTorch release.\nThe boolean parameter 'some' has been replaced "
                    "with a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be "
                    "replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else "
                    "'complete')")
    Q, R = qr(input, "reduced" if some else "complete")
    return return_type("qr", ("Q", "R"))(Q, R)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    warn_once("nuclear_norm", "at::nuclear_norm is deprecated and it is just left for JIT "
                              "compatibility. It will be removed in a future PyTorch release. "
                              "Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead")
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    return matrix_norm(input, "nuc", (-2, -1) if dim is None else tuple(dim), keepdim)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dim) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions "
                           "instead.")
    warn_once("frobenius_norm", "at::frobenius_norm is deprecated and it is just left for JIT "
                                "compatibility. It will be removed in a future PyTorch release. "
                                "Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead")
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError("norm(): input dtype should be either floating point or complex. Got "
                           f"{input.dtype._cname} instead.")
    dims = tuple(_wrap_dim(d, input.dim()) for d in dim) if dim else None
    if dims and len(set(dims)) < len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return norm_dim(input, 2.0, dims, keepdim)


_REMOVED = "This function was deprecated since version 1.9 and is now removed."


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError(f"{_REMOVED}\nPlease use the `torch.linalg.matrix_rank` function "
                       "instead. The parameter 'symmetric' was renamed in "
                       "`torch.linalg.matrix_rank()` to 'hermitian'.")


def solve(input, A, *, out=None):
    raise RuntimeError(
        f"{_REMOVED} `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
        "`torch.linalg.solve` has its arguments reversed and does not return the LU "
        "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be used with "
        "`torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
        "replaced with:\nX = torch.linalg.solve(A, B)")


def lstsq(input, A, *, out=None):
    raise RuntimeError(
        f"{_REMOVED} `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
        "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition "
        "in the returned tuple (although it returns other information about the problem).\n\n"
        "To get the QR decomposition consider using `torch.linalg.qr`.\n\nThe returned "
        "solution in `torch.lstsq` stored the residuals of the solution in the last m - n "
        "columns of the returned value whenever m > n. In torch.linalg.lstsq, the residuals "
        "are in the field 'residuals' of the returned named tuple.\n\nThe unpacking of the "
        "solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced "
        "with:\nX = torch.linalg.lstsq(A, B).solution")


def symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise RuntimeError(
        f"{_REMOVED} The default behavior has changed from using the upper triangular portion "
        "of the matrix by default to using the lower triangular portion.\n\nL, _ = "
        "torch.symeig(A, upper=upper) should be replaced with:\nL = torch.linalg.eigvalsh(A, "
        "UPLO='U' if upper else 'L')\n\nand\n\nL, V = torch.symeig(A, eigenvectors=True) "
        "should be replaced with:\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')")


def eig(self, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError(
        f"{_REMOVED} `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` "
        "rather than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
        "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, "
        "eigenvectors=True) should be replaced with:\nL_complex, V_complex = "
        "torch.linalg.eig(A)")

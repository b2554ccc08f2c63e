"""What every torch.linalg function shares: its checks and error type, and the few matrix
helpers its formulas are written with (all table ops, so formulas stay differentiable)."""
from .. import _backend
from .._runtime_flags import warn_once  # noqa: F401  (the deprecations of linalg)
from ..ops import pointwise as pw
from ..ops import torch_shape as ts
from ..ops.views import transpose, unsqueeze
from ..ops.diagonal import diag_embed_op

xp = _backend.xp


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix the operation cannot handle (singular, not
    positive-definite, ...)."""


_LinAlgError.__module__ = "torch._C"


def check_square(A, name):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    check_float(A, name)


def check_system(A, b, name):
    """The right-hand side ``b`` of a solve in ``A``: as many rows as A has columns, and
    A's dtype."""
    if A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is "
                           f"{A.shape[-1]} by {A.shape[-1]} but each b matrix is {b.shape[-2]} "
                           f"by {b.shape[-1]}")
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{b.dtype._cname} and A of type {A.dtype._cname} instead.")


def check_float(A, name):
    kind = A._data.dtype.kind
    if kind not in "fcV":
        raise RuntimeError(f"{_SHOWN.get(name, name)}: Expected a floating point or complex "
                           f"tensor as input. Got {A.dtype._cname}")
    if kind == "V" or A._data.dtype.itemsize == 2:  # float16, bfloat16: LAPACK has neither
        _check_low_precision(A, name)


# torch's refusals of float16 and bfloat16: the LAPACK kernel's own (by the function's
# name), a message of their own, or (the rest) "Low precision dtypes not supported"
_LOW_PRECISION_KERNELS = {
    "linalg.svd": "linalg_svd_cpu", "linalg.cond": "linalg_svd_cpu",
    "linalg.eigh": "linalg_eigh_cpu", "linalg.eigvalsh": "linalg_eigh_cpu",
    "linalg.eig": "linalg_eig_out_cpu", "linalg.eigvals": "linalg_eig_out_cpu",
    "linalg.cholesky": "cholesky_cpu", "cholesky": "cholesky_cpu", "linalg.solve": "lu_cpu",
    "linalg.det": "lu_cpu", "linalg.qr": "geqrf_cpu"}
_FLOAT_AND_DOUBLE_ONLY = ("linalg.matrix_rank", "linalg.lstsq")
_LOW_PRECISION_TAKEN = ("linalg.matrix_power", "linalg.matrix_exp", "linalg.vecdot",
                        "linalg.matrix_norm")


def _check_low_precision(A, name):
    if name in _LOW_PRECISION_TAKEN:
        return
    if name in _LOW_PRECISION_KERNELS:
        raise NotImplementedError(f'"{_LOW_PRECISION_KERNELS[name]}" not implemented for '
                                  f"'{A.dtype._cname}'")
    if name in _FLOAT_AND_DOUBLE_ONLY:
        raise RuntimeError("This function doesn't handle types other than float and double")
    raise RuntimeError(f"{_SHOWN.get(name, name)}: Low precision dtypes not supported. Got "
                       f"{A.dtype._cname}")


# the names torch's messages give where a check is asked under another
_SHOWN = {"linalg.norm:svd": "linalg.matrix_norm", "linalg.inv_ex": "linalg.inv"}


def batch_prefix(i, ndim):
    """How torch's batched LAPACK errors name the failing matrix (none for a single one)."""
    return f"(Batch element {i}): " if ndim > 0 else ""


_PHASE = ("{}: The {} in the complex case are specified up to multiplication by e^{{i phi}}. "
          "The specified loss function depends on this {}")
PHASE_ERRORS = {
    "eig": _PHASE.format("linalg_eig_backward", "eigenvectors", "quantity, so it is ill-defined."),
    "eigh": _PHASE.format("linalg_eigh_backward", "eigenvectors", "quantity, so it is ill-defined."),
    "svd": _PHASE.format("svd_backward", "singular vectors", "phase term, making it ill-defined."),
}


def check_phase(VhgV, op):
    """torch's check that a loss does not depend on the phase of complex eigen- or singular
    vectors: the imaginary part of diag(V^H gV) within 1e-2 of zero."""
    d = xp.diagonal(getattr(VhgV, "_data", VhgV), 0, -2, -1)
    if d.dtype.kind == "c" and not bool((xp.abs(d.imag) <= 1e-2).all()):
        raise RuntimeError(PHASE_ERRORS[op])


def mT(x):
    n = len(x.shape)
    return transpose(x, n - 2, n - 1)


def mH(x):
    """The conjugate transpose, where torch's complex formulas have A^H."""
    return pw.conj(mT(x))


def matmul(a, b):
    """matmul for formulas: Tensors through torch's matmul, arrays through NumPy's."""
    if hasattr(a, "_data") or hasattr(b, "_data"):
        return ts.matmul(a, b)
    return xp.matmul(a, b)


def lapack_empty(like, shape, dtype):
    """An array of ``shape`` in ``like``'s module laid out column-major, as LAPACK writes
    its factors: what a kernel gives for an input with no values (a meta array), whose
    shapes are all there is to compute."""
    rows_last = tuple(shape[:-2]) + (shape[-1], shape[-2])
    return xp.swapaxes(_backend.array_module(like).empty(rows_last, dtype), -1, -2)


def solve_array(a, b):
    return xp.linalg.solve(a, b)


def diag_embed(x):
    return diag_embed_op(x, 0, len(x.shape) - 1, len(x.shape))


def col(x):
    return unsqueeze(x, len(x.shape))


def row(x):
    return unsqueeze(x, len(x.shape) - 1)


__all__ = ["pw"]

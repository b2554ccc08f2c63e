"""torch.linalg: norms, inverses, solvers and decompositions, with torch's gradients.

    >>> import dyngrad as torch
    >>> torch.linalg.det(torch.tensor([[2., 0.], [0., 3.]]))
    tensor(6.)
"""
from ..ops.products import linalg_cross as cross  # noqa: F401
from ..ops.vander import linalg_vander as vander  # noqa: F401
from ._common import _LinAlgError as LinAlgError  # noqa: F401
from .decompositions import cholesky, cholesky_ex, eigh, eigvalsh, qr, svd, svdvals  # noqa: F401
from .householder import householder_product  # noqa: F401
from .ldl import ldl_factor, ldl_factor_ex, ldl_solve  # noqa: F401
from .inverses import det, inv, inv_ex, lstsq, pinv, slogdet, solve, solve_ex  # noqa: F401
from .matrix_functions import cond, eig, eigvals, matrix_exp, matrix_rank  # noqa: F401
from .norms import matrix_norm, norm, vector_norm  # noqa: F401
from .products import (diagonal, matmul, matrix_power, multi_dot, tensorinv,  # noqa: F401
                       tensorsolve, vecdot)
from .lu_decomposition import lu, lu_factor, lu_factor_ex, lu_solve  # noqa: F401
from .triangular import solve_triangular  # noqa: F401

from ..ops import autocast_policy as _autocast_policy  # noqa: E402

_autocast_policy.install(globals(), "linalg")

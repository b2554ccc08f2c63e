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

from ..ops.batching.linalg import register_linalg as _register_linalg  # noqa: E402
from . import decompositions as _dec, inverses as _inv, matrix_functions as _mf  # noqa: E402
from . import legacy as _lg, lu_decomposition as _lu, triangular as _tri  # noqa: E402
from . import householder as _hh, ldl as _ldl  # noqa: E402

# vmap's rules for the ops declared in this package (ops/batching/linalg.py)
_register_linalg([_inv.inv_op, _inv.det_op, _inv.slogdet_op, _inv.pinv_op, _dec.cholesky_op,
                  _dec.qr_op, _dec.eigh_op, _dec.svd_op, _mf.matrix_exp_op, _mf.eig_op,
                  _lu.lu_op, _lu.lu_factor_ex_op, _lg.cholesky_op, _tri.cholesky_inverse_op,
                  _hh.geqrf_op, _ldl.ldl_factor_op],
                 [_inv.solve_op, _inv.lstsq_op, _tri.solve_triangular_op,
                  _tri.triangular_solve_op, _tri.cholesky_solve_op],
                 [_lu.lu_unpack_op, _lu.lu_solve_op, _ldl.ldl_solve_op, _hh.householder_product_op,
                  _hh.ormqr_op])

from ..ops import autocast_policy as _autocast_policy  # noqa: E402

_autocast_policy.install(globals(), "linalg")

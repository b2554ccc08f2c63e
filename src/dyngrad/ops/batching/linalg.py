"""Linear algebra: NumPy's linalg maps over leading dims, so a batch of samples is one more
leading dim. Ops of two operands get them at equal ranks, an unbatched one expanded (which
operand is a vector is read off the ranks). The decompositions and inverses are declared
in dyngrad.linalg, above the ops: ``register_linalg`` puts these rules on them when the
rules load (at the first vmap, after ``import dyngrad`` has loaded dyngrad.linalg)."""
from .. import diagonal, reduction as red
from .._batched import physical
from . import register
from .dims import aligned


def leading(op, args, level, size):
    a = list(args)
    a[0] = physical(args[0], level)
    return op(*a)


def two_operands(op, args, level, size):
    i, j = op.tensor_pos
    ndim = max(args[i].dim(), args[j].dim())
    a = list(args)
    a[i] = aligned(args[i], level, ndim, size)
    a[j] = aligned(args[j], level, ndim, size)
    return op(*a)


def factored(op, args, level, size):
    """Ops on a factorization (lu_unpack, lu_solve, ldl_solve, householder_product,
    ormqr): matrices and vectors (pivots, tau: one dim less), their batch dims broadcast:
    each at the largest batch rank, the vmap batch in front of every one (an unbatched one
    expanded)."""
    cores = [1 if any(v in op.params[i] for v in _VECTORS) else 2 for i in op.tensor_pos]
    lead = max(args[i].dim() - c for i, c in zip(op.tensor_pos, cores))
    a = list(args)
    for i, c in zip(op.tensor_pos, cores):
        a[i] = aligned(args[i], level, lead + c, size)
    return op(*a)


_VECTORS = ("pivots", "tau")


def register_linalg():
    """The rules of the ops dyngrad.linalg declares (a call-time import: it sits above)."""
    from ...linalg import (decompositions as dec, householder as hh, inverses as inv,
                           ldl, legacy as lg, lu_decomposition as lu, matrix_functions as mf,
                           triangular as tri)
    register(leading, [inv.inv_op, inv.det_op, inv.slogdet_op, inv.pinv_op, dec.cholesky_op,
                       dec.qr_op, dec.eigh_op, dec.svd_op, mf.matrix_exp_op, mf.eig_op,
                       lu.lu_op, lu.lu_factor_ex_op, lg.cholesky_op, tri.cholesky_inverse_op,
                       hh.geqrf_op, ldl.ldl_factor_op])
    register(two_operands, [inv.solve_op, inv.lstsq_op, tri.solve_triangular_op,
                            tri.triangular_solve_op, tri.cholesky_solve_op])
    register(factored, [lu.lu_unpack_op, lu.lu_solve_op, ldl.ldl_solve_op,
                        hh.householder_product_op, hh.ormqr_op])


def _trace(op, args, level, size):
    return red.sum_dim(diagonal.diagonal_op(physical(args[0], level), 0, 1, 2), [1], False, None)


register(_trace, [diagonal.trace])

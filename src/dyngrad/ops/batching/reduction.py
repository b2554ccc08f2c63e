"""Ops that take dims (reductions, scans, sorts, softmax, gather and scatter): the dims are
shifted past the batch dim. Reductions over every dim reduce every dim but the batch's."""
from .. import activation, activation_pointwise as ap, diagonal, fft, rearrange, reduction as red
from .. import torch_shape as ts, views as vw
from .. import prod, renorm, scans, scatter, sorting, statistics as st, summary
from .._batched import loop_rule, physical
from . import register
from .dims import front, is_tensor, shifted, wrap

# the names of the parameters that hold dims of the sample
_DIM_PARAMS = ("dim", "dims", "dim0", "dim1", "dim2")


def along(op, args, level, size):
    """Shift every dim parameter; the tensor arguments (of equal ranks) all get the batch."""
    first = args[op.tensor_pos[0]]
    ndim = first.dim()
    if ndim == 0:  # a 0-dim sample takes dim 0 or -1, which the batch dim would take
        return loop_rule(op, args, level, size)
    a = list(args)
    for i in op.tensor_pos:
        if is_tensor(args[i]):
            a[i] = front(args[i], level, size)
    for k, name in enumerate(op.params):
        if name in _DIM_PARAMS:
            dims = args[k]
            if op in _EMPTY_IS_ALL and isinstance(dims, (tuple, list)) and not len(dims):
                dims = None  # torch reduces every dim for dim=[]: the sample's, not the batch
            a[k] = shifted(dims, ndim)
    return op(*a)


_EMPTY_IS_ALL = {red.sum_dim, red.mean_dim, st.amax_op, st.amin_op, st.var_op, st.std_op,
                 st.logsumexp_op, st.vector_norm, st.norm_dim, st.norm_op, summary.nansum_op, summary.var_mean_op,
                 summary.std_mean_op}


def _sample(t, level):
    """``t``'s physical value and the dims of one sample in it. A 0-d sample gets a dim of
    its own: the dims forms read an empty list of dims as every dim, the batch's too."""
    p = physical(t, level)
    if t.dim() == 0:
        return vw.unsqueeze(p, 1), (1,)
    return p, tuple(range(1, t.dim() + 1))


def _flat(t, level, size):
    return ts.reshape(physical(t, level), (size, -1))


def _over_sample(dims_op, *rest):
    """A reduction over every dim of a sample: ``dims_op`` over all the sample's dims."""
    def rule(op, args, level, size):
        p, dims = _sample(args[0], level)
        return dims_op(p, dims, False, *[args[i] for i in rest])
    return rule


register(_over_sample(red.sum_dim, 1), [red.sum_all])
register(_over_sample(red.mean_dim, 1), [red.mean_all])
register(_over_sample(st.amax_op), [red.max_all])
register(_over_sample(st.amin_op), [red.min_all])
register(lambda op, args, level, size: prod.prod_dim(
    _flat(args[0], level, size), 1, False, args[1]), [prod.prod_all])
register(lambda op, args, level, size: sorting.median_dim(
    _flat(args[0], level, size), 1, False)[0], [sorting.median_all])
register(lambda op, args, level, size: sorting.nanmedian_dim(
    _flat(args[0], level, size), 1, False)[0], [sorting.nanmedian_all])

register(along, [
    red.sum_dim, red.mean_dim, red.max_dim, red.min_dim, red.flip, red.cumsum,
    red.gather, red.scatter, red.scatter_add,
    prod.prod_dim, st.var_op, st.std_op, st.logsumexp_op, st.amax_op, st.amin_op,
    st.vector_norm, st.norm_dim, st.norm_op,
    activation.softmax, activation.log_softmax, activation.softmax_backward_data,
    activation.log_softmax_backward_data, ap.glu, ap.glu_backward,
    sorting.sort_op, sorting.sort_stable, sorting.topk_op, sorting.kthvalue_op,
    sorting.median_dim, sorting.nanmedian_dim, sorting.mode_op,
    summary.nansum_op, summary.var_mean_op, summary.std_mean_op, summary.aminmax_op,
    summary.transpose_,
    prod.cumprod_op, scans.cummax_op, scans.cummin_op, scans.logcumsumexp_op,
    rearrange.rot90_op, diagonal.diagonal_op, diagonal.diagonal_copy,
    fft.fft_c2c, fft.fft_r2c, fft.fft_c2r,
    scatter.scatter_value, scatter.scatter_legacy_reduce, scatter.scatter_legacy_reduce_,
])


def _roll(op, args, level, size):
    if args[2] is None or not len(args[2]):  # a roll of the flattened sample
        return loop_rule(op, args, level, size)
    return along(op, args, level, size)


register(_roll, [rearrange.roll_op])


def _renorm(op, args, level, size):
    """Each sample's slices along ``dim`` are rows of one renorm along dim 0: that dim
    moved next to the batch and folded into it (so that no norm reaches across samples)."""
    self, p, dim, maxnorm = args
    d = wrap(dim, self.dim())
    moved = vw.transpose(physical(self, level), 1, d)
    rows = ts.reshape(moved, (-1,) + tuple(moved.shape[2:]))
    return vw.transpose(ts.reshape(op(rows, p, 0, maxnorm), tuple(moved.shape)), 1, d)


register(_renorm, [renorm.renorm_op])

"""Distances between rows: pdist (PdistBackward0), every pair of one matrix's rows i < j
in the order (0, 1), (0, 2), ..., (1, 2), ... (the matrix may have leading dims: vmap's
batching rule passes its batch as one); cdist (CdistBackward0), every row of one
batch of matrices against every row of another; and the Euclidean distance by matrix
products (EuclideanDistBackward0) that cdist takes for many rows.

The gradient of one distance with respect to its pair's difference d = x_i - x_j, with
torch's values where the norm has no derivative (a zero distance, a zero coordinate):

    p = 0      0                          p = 2      d / dist
    p = 1      sign(d)                    p = inf    sign(d) where |d| is the maximum
    p < 2      sign(d) |d|^(p-1) / dist^(p-1)      p > 2      d |d|^(p-2) / dist^(p-1)

The direct backward entries have no derivative, in torch as here. The Euclidean one,
|x1|^2 - 2 x1 x2 + |x2|^2 under a square root, has its gradient written with dyngrad's
ops (torch's _euclidean_dist_backward), so it differentiates to any order.
"""
import math

from .. import _backend
from ._table import Op, derivative_not_implemented
from .linalg import bmm, mm
from .pointwise import masked_fill
from .reduction import sum_dim
from .views import transpose, unsqueeze

xp = _backend.xp


def _pairs(self):
    i, j = xp.triu_indices(self.shape[-2], 1)
    return i, j, self[..., i, :] - self[..., j, :]


def _norms(d, p):
    a = xp.abs(d)
    if p == 0:
        return (a != 0).sum(-1).astype(d.dtype)
    if p == math.inf:
        return a.max(-1, initial=0)
    if p == 1:
        return a.sum(-1)
    if p == 2:
        return xp.sqrt((a * a).sum(-1))
    return (a ** p).sum(-1) ** (1 / p)


def _pdist(self, p):
    _, _, d = _pairs(self)
    return _norms(d, p)


def pair_gradient(d, dist, p):
    """d(dist)/d(d) for differences d (..., M) and their p-norm distances dist (..., 1),
    with torch's values where the norm has none (pdist's and cdist's backward)."""
    a = xp.abs(d)
    with xp.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            v = xp.zeros_like(d)
        elif p == 1:
            v = xp.sign(d)
        elif p == 2:
            v = xp.where(dist == 0, 0, d / dist)
        elif p == math.inf:
            v = xp.sign(d) * (a == dist)
        elif p < 2:
            v = xp.where((dist == 0) | (d == 0), 0, xp.sign(d) * a ** (p - 1) / dist ** (p - 1))
        else:
            v = xp.where(dist == 0, 0, d * a ** (p - 2) / dist ** (p - 1))
    return v


def _pdist_backward(grad_output, self, p, pdist):
    i, j, d = _pairs(self)
    v = pair_gradient(d, pdist[..., None], p) * grad_output[..., None]
    out = xp.zeros_like(self)
    # (the rows' dim moved first: ufunc.at indexes along it, any leading dims after)
    rows, v = xp.moveaxis(out, -2, 0), xp.moveaxis(v, -2, 0)
    xp.add.at(rows, i, v)
    xp.subtract.at(rows, j, v)
    return out


pdist = Op("PdistBackward0", _pdist, jvp_name="_pdist_forward",
           self=lambda grad, self, p, result: pdist_backward(grad, self, p, result))
pdist_backward = Op("PdistBackwardBackward0", _pdist_backward, nondiff=("pdist",),
                    grad_output=derivative_not_implemented("_pdist_backward"),
                    self=derivative_not_implemented("_pdist_backward"))


# -- cdist ---------------------------------------------------------------------------------
def _cdist(x1, x2, p, compute_mode):
    d = x1[..., :, None, :] - x2[..., None, :, :]
    return _norms(d.reshape(math.prod(d.shape[:-1]), d.shape[-1]), p).reshape(d.shape[:-1])


def _cdist_backward(grad_output, x1, x2, p, cdist):
    # x1's gradient: each distance's pull on x1's row, summed over x2's rows
    d = x1[..., :, None, :] - x2[..., None, :, :]
    v = pair_gradient(d, cdist[..., None], p) * grad_output[..., None]
    return v.sum(-2)


def _cdist_grad(grad, x1, x2, p, result, grad_input_mask):
    # x2's is x1's with the two swapped, as torch computes it (the distances' last two
    # dims swapped: their rank is the broadcast one, which may exceed x1's)
    last = len(result.shape) - 1
    return (cdist_backward(grad, x1, x2, p, result) if grad_input_mask[0] else None,
            cdist_backward(transpose(grad, last - 1, last), x2, x1, p,
                           transpose(result, last - 1, last)) if grad_input_mask[1] else None)


cdist_op = Op("CdistBackward0", _cdist, jvp_name="_cdist_forward",
              x1=_cdist_grad, x2=_cdist_grad)
cdist_backward = Op("CdistBackwardBackward0", _cdist_backward, nondiff=("cdist",),
                    grad_output=derivative_not_implemented("_cdist_backward"),
                    x1=derivative_not_implemented("_cdist_backward"),
                    x2=derivative_not_implemented("_cdist_backward"))


def _euclidean_dist(x1, x2):
    # torch's: one matrix product of [-2 x1, |x1|^2, 1] and [x2, 1, |x2|^2]
    n1 = (x1 * x1).sum(-1, keepdims=True)
    n2 = (x2 * x2).sum(-1, keepdims=True)
    left = xp.concatenate([-2 * x1, n1, xp.ones_like(n1)], -1)
    right = xp.concatenate([x2, xp.ones_like(n2), n2], -1)
    return xp.sqrt(xp.maximum(xp.matmul(left, xp.swapaxes(right, -1, -2)), 0))


def _matmul(a, b):
    """A matrix product of 2-d or 3-d (batched) operands, arrays or Tensors."""
    return mm(a, b) if len(a.shape) == 2 else bmm(a, b)


def _euclidean_grads(grad, x1, x2, result, grad_input_mask):
    # torch's _euclidean_dist_backward: the ratio grad / dist (0 where dist is 0)
    # (the mask compared as the result is given: its array, or a Tensor, which under vmap
    # holds every sample)
    ratio = masked_fill(grad / result, result == 0, 0)
    last = len(x1.shape) - 1
    g1 = (x1 * sum_dim(ratio, (last,), True) - _matmul(ratio, x2)
          if grad_input_mask[0] else None)
    g2 = (x2 * unsqueeze(sum_dim(ratio, (last - 1,), False), last)
          - _matmul(transpose(ratio, last - 1, last), x1) if grad_input_mask[1] else None)
    return g1, g2


euclidean_dist = Op("EuclideanDistBackward0", _euclidean_dist, jvp_name="_euclidean_dist",
                    x1=_euclidean_grads, x2=_euclidean_grads)

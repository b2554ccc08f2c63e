"""pdist (PdistBackward0): the p-norm distance between every pair of rows i < j, in the
order (0, 1), (0, 2), ..., (1, 2), ...

The gradient of one distance with respect to its pair's difference d = x_i - x_j, with
torch's values where the norm has no derivative (a zero distance, a zero coordinate):

    p = 0      0                          p = 2      d / dist
    p = 1      sign(d)                    p = inf    sign(d) where |d| is the maximum
    p < 2      sign(d) |d|^(p-1) / dist^(p-1)      p > 2      d |d|^(p-2) / dist^(p-1)

Its backward entry (PdistBackwardBackward0) has no derivative, in torch as here.
"""
import math

from .. import _backend
from ._table import Op, derivative_not_implemented

xp = _backend.xp


def _pairs(self):
    i, j = xp.triu_indices(self.shape[0], 1)
    return i, j, self[i] - self[j]


def _norms(d, p):
    a = xp.abs(d)
    if p == 0:
        return (a != 0).sum(1).astype(d.dtype)
    if p == math.inf:
        return a.max(1, initial=0)
    if p == 1:
        return a.sum(1)
    if p == 2:
        return xp.sqrt((a * a).sum(1))
    return (a ** p).sum(1) ** (1 / p)


def _pdist(self, p):
    _, _, d = _pairs(self)
    return _norms(d, p)


def _pdist_backward(grad_output, self, p, pdist):
    i, j, d = _pairs(self)
    dist = pdist[:, None]
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
    v = (v * grad_output[:, None]).astype(self.dtype)
    out = xp.zeros_like(self)
    xp.add.at(out, i, v)
    xp.subtract.at(out, j, v)
    return out


pdist = Op("PdistBackward0", _pdist, jvp_name="_pdist_forward",
           self=lambda grad, self, p, result: pdist_backward(grad, self, p, result))
pdist_backward = Op("PdistBackwardBackward0", _pdist_backward, nondiff=("pdist",),
                    grad_output=derivative_not_implemented("_pdist_backward"),
                    self=derivative_not_implemented("_pdist_backward"))

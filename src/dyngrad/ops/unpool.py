"""max_unpool2d/3d (MaxUnpool2DBackward0, MaxUnpool3DBackward0): each value written back to
the place its max pool took it from, zeros elsewhere.

    out.view(N, C, -1)[n, c, indices[n, c, i]] = input.view(N, C, -1)[n, c, i]

The gradient gathers the incoming gradient at those places, written as torch writes it (a
gather over the flattened spatial dims, viewed back), so its own graph is torch's.
"""
import math

from .. import _backend
from .._dtype import _FROM_NP
from ._table import LINEAR, Op
from .reduction import gather
from .views import reshape

xp = _backend.xp


def _check(input, indices, output_size):
    if indices.dtype != xp.int64:
        raise RuntimeError("elements in indices should be type int64" + (
            "" if len(output_size) == 3 else f" but got: {_FROM_NP[indices.dtype]._cname}"))
    if input.shape != indices.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    volume = math.prod(output_size)
    bad = indices[(indices < 0) | (indices >= volume)]
    if bad.size:
        # torch's kernel keeps the last bad index it meets
        raise RuntimeError(f"Found an invalid max index: {int(bad.reshape(-1)[-1])} (output "
                           f"volumes are of size {'x'.join(str(s) for s in output_size)})")


def _max_unpool(self, indices, output_size):
    k = len(output_size)
    _check(self, indices, output_size)
    lead = self.shape[:-k]
    out = xp.zeros(lead + (math.prod(output_size),), self.dtype)
    xp.put_along_axis(out, indices.reshape(lead + (-1,)), self.reshape(lead + (-1,)), -1)
    return out.reshape(lead + tuple(output_size))


def _max_unpool_backward(grad, self_sym_sizes, indices, output_size):
    k = len(output_size)
    lead = tuple(self_sym_sizes[:-k])
    flat = reshape(grad, lead + (-1,))
    return reshape(gather(flat, len(lead), reshape(indices, lead + (-1,))), tuple(self_sym_sizes))


max_unpool2d = Op("MaxUnpool2DBackward0", _max_unpool, jvp=LINEAR, nondiff=("indices",),
                  self=_max_unpool_backward)
max_unpool3d = Op("MaxUnpool3DBackward0", _max_unpool, jvp=LINEAR, nondiff=("indices",),
                  self=_max_unpool_backward)

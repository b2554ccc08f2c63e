"""Fractional max pooling: the batch joins the samples' N, as a pool's does. Its window
samples (drawn by the functional under the vmap's randomness: one set per vmap sample
under 'different', one shared set under 'same') go with them, each sample's first N
rows of its own (or the shared) samples."""
from .. import fractional_pool as fp, torch_shape as ts, views as vw
from . import register
from .dims import folded, front
from .nn import pooled


def _fractional_max_pool(op, args, level, size):
    self, kernel_size, output_size, random_samples = args
    k = len(kernel_size)
    n = self.shape[0] if self.dim() == k + 2 else 1
    samples = vw.slice_(front(random_samples, level, size), 1, 0, n, 1)
    out = op(folded(self, level, size, k + 1), kernel_size, output_size,
             ts.reshape(samples, (-1,) + tuple(samples.shape[-2:])))
    lead = (size,) + tuple(self.shape[:self.dim() - k - 1])
    return tuple(vw.view(o, lead + tuple(o.shape[1:])) for o in out)


register(_fractional_max_pool, [fp.fractional_max_pool2d, fp.fractional_max_pool3d])
register(pooled(2), [fp.fractional_max_pool2d_backward])
register(pooled(3), [fp.fractional_max_pool3d_backward])

"""Fractional max pooling (FractionalMaxPool2DBackward0, FractionalMaxPool3DBackward0):
max pooling whose windows start at pseudo-random, increasing offsets, so that any output
size between 1 and ``input - kernel + 1`` can be reached (Graham, "Fractional
Max-Pooling").

Per plane and pooled dim, one sample ``u`` in [0, 1) (``random_samples``, drawn by the
functional from torch's stream) places the windows: with ``alpha = (in - k) / (out - 1)``
the i-th window starts at ``int((i + u) alpha) - int(u alpha)``, the last one at
``in - k``. torch computes this in the input's dtype, so float32 inputs round as float32
here too. Inside a window the first maximum in scan order wins, and a nan over anything
(the last nan), as in max_pool. The gradient goes back to the chosen elements, as max
pooling's does (the same scatter and, for its own derivative, gather).
"""
from .. import _backend
from ._low_precision import FORMAT_BOUND
from ._table import TRANSPOSED, Op
from .pointwise import zeros_like
from .pooling import _gather_from_planes, _plane_strides, _scatter_to_planes

xp = _backend.xp


def _starts(samples, size, out, k):
    """(planes, out) window starts for one pooled dim, from (planes,) samples."""
    starts = xp.zeros(samples.shape + (out,), xp.int64)
    if out > 1:
        kind = samples.dtype.type
        alpha = kind(size - k) / kind(out - 1)
        i = xp.arange(out - 1, dtype=samples.dtype)
        u = samples[:, None]
        starts[:, :-1] = ((i + u) * alpha).astype(xp.int64) - (u * alpha).astype(xp.int64)
    if out > 0:
        starts[:, -1] = size - k
    return starts


def _fractional_max_pool(self, kernel_size, output_size, random_samples):
    k = len(kernel_size)
    batched = self.ndim == k + 2
    x = self if batched else self[None]
    n, c = x.shape[:2]
    sizes = x.shape[2:]
    samples = random_samples[:n].reshape(n * c, k)
    # pooled dim d, read off sample d (torch's order: T, H, W for 3-d; W, H for 2-d)
    order = range(k) if k == 3 else (1, 0)
    starts = [_starts(samples[:, s], size, o, kk).reshape(n, c, o) for s, size, o, kk in
              zip(order, sizes, output_size, kernel_size)]
    # each dim's start indices broadcast over the output grid: (n, c, o0, 1, ..), ...
    grid = [s.reshape((n, c) + tuple(o if j == d else 1 for j, o in enumerate(output_size)))
            for d, s in enumerate(starts)]
    lead = (xp.arange(n).reshape((n,) + (1,) * (k + 1)),
            xp.arange(c).reshape((1, c) + (1,) * k))
    steps = _plane_strides(sizes)
    shape = (n, c) + tuple(output_size)
    out = xp.full(shape, -xp.inf, x.dtype)
    arg = xp.zeros(shape, xp.int64)
    arg += sum(g * st for g, st in zip(grid, steps))
    better = xp.empty(shape, bool)
    for offset in xp.ndindex(*kernel_size):
        pos = [g + o for g, o in zip(grid, offset)]
        v = x[lead + tuple(pos)]
        xp.greater(v, out, out=better)
        better |= v != v
        xp.copyto(out, v, where=better)
        xp.copyto(arg, sum(p * st for p, st in zip(pos, steps)), where=better)
    return (out, arg) if batched else (out[0], arg[0])


def _fractional_max_pool_backward(grad_output, self, kernel_size, output_size, indices):
    return _scatter_to_planes(grad_output, indices, self.shape, len(kernel_size))


def _entries(name):
    """The pool entry and its backward entry, each the other's formula."""
    def backward_of_grad(grad, self, kernel_size, output_size, result1):
        return back(grad, self, kernel_size, output_size, result1)

    def gather_grad(grad, kernel_size, indices):
        return _gather_from_planes(grad, indices, len(kernel_size))

    def no_grad_for_self(grad, self):
        return zeros_like(self)

    fwd = Op(f"{name}Backward0", _fractional_max_pool, jvp=TRANSPOSED,
             outputs=("result0", "result1"), differentiable_outputs=(0,),
             nondiff=("random_samples",), self=backward_of_grad)
    back = Op(f"{name}BackwardBackward0", _fractional_max_pool_backward, jvp=TRANSPOSED,
              nondiff=("indices",), grad_output=gather_grad, self=no_grad_for_self)
    # (bfloat16: the window starts are computed in bfloat16, rounding at each step as
    # torch's kernel does, so the arrays come as they are)
    FORMAT_BOUND.add(fwd)
    return fwd, back


fractional_max_pool2d, fractional_max_pool2d_backward = _entries("FractionalMaxPool2D")
fractional_max_pool3d, fractional_max_pool3d_backward = _entries("FractionalMaxPool3D")

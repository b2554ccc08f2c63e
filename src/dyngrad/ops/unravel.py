"""unravel_index: flat indices into a shape's coordinates, composed as torch composes it
(``indices.unsqueeze(-1) // strides % shape``, then unbound), with its checks."""
import itertools
import operator
from collections.abc import Sequence

from .. import _dtype as _dt
from ..creation import tensor as _tensor
from ..tensor import Tensor


def unravel_index(indices, shape):
    if indices.is_complex() or indices.is_floating_point() or indices.dtype is _dt.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if not isinstance(shape, (int, Sequence)) or isinstance(shape, Tensor):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if isinstance(shape, int):
        shape = (shape,)
    for dim in shape:
        if not isinstance(dim, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(dim)}")
    shape = tuple(shape)
    if any(dim < 0 for dim in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    # the stride of each dim in a contiguous tensor of ``shape``
    strides = list(itertools.accumulate(reversed(shape[1:] + (1,)), operator.mul))[::-1]
    coords = (indices.unsqueeze(-1).floor_divide(_tensor(strides, dtype=_dt.int64))
              % _tensor(shape, dtype=_dt.int64))
    return coords.unbind(-1)


FUNCTIONS = {"unravel_index": unravel_index}

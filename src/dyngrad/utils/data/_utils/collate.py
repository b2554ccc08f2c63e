"""default_collate: a list of samples into one batch (tensors stacked, numbers into
tensors, dicts/tuples/lists collated field by field), as torch does."""
import collections
import copy
import re

import numpy as np  # the NumPy arrays and scalars datasets return

from .... import _dtype as _dt
from ....creation import as_tensor, tensor
from ....ops.joining import stack
from ....tensor import Tensor

__all__ = ["default_collate", "default_convert", "collate"]

_STR_OBJ = re.compile(r"[SaUO]")
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _tensors(batch, **_):
    return stack(list(batch), 0)


def _arrays(batch, *, collate_fn_map):
    if _STR_OBJ.search(batch[0].dtype.str) is not None:
        raise TypeError(_ERR.format(batch[0].dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def _numpy_scalars(batch, **_):
    return as_tensor(np.asarray(batch))


def _floats(batch, **_):
    return tensor(batch, dtype=_dt.float64)


def _ints(batch, **_):
    return tensor(batch)


def _strings(batch, **_):
    return batch


default_collate_fn_map = {Tensor: _tensors, np.ndarray: _arrays,
                          (np.bool_, np.number, np.object_): _numpy_scalars, float: _floats,
                          int: _ints, str: _strings, bytes: _strings}


def collate(batch, *, collate_fn_map=None):
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for kind in collate_fn_map:
            if isinstance(elem, kind):
                return collate_fn_map[kind](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                  for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(fields)
                return clone
            return elem_type(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):   # a namedtuple
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, c in enumerate(columns):
                    clone[i] = c
                return clone
            return elem_type(columns)
        except TypeError:
            return columns
    raise TypeError(_ERR.format(elem_type))


def default_collate(batch):
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """What a DataLoader without batching gives: NumPy arrays become tensors."""
    if isinstance(data, np.ndarray) and _STR_OBJ.search(data.dtype.str) is None:
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]
    return data

"""F.embedding and F.one_hot."""
from ... import _backend
from ...ops import torch_nn as _nn
from ...ops._batched import BatchedTensor, on_batch
from ...tensor import _wrap


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if padding_idx is not None:
        n = weight.size(0)
        if padding_idx > 0 and padding_idx >= n or padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            padding_idx += n
    else:
        padding_idx = -1
    if max_norm is not None:
        _renorm_(weight, input.contiguous(), max_norm, norm_type)
    return _nn.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def _renorm_(weight, indices, max_norm, norm_type):
    # torch.embedding_renorm_ under no_grad: the rows looked up are scaled down in place
    # to max_norm (scale max_norm / (norm + 1e-7)) where their norm exceeds it
    xp = _backend.xp
    rows = xp.unique(indices._data.reshape(-1))
    w = weight._data
    norms = xp.linalg.norm(w[rows].astype(xp.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
    w[rows[big]] *= scale[:, None]
    weight._version_counter[0] += 1


def one_hot(tensor, num_classes=-1):
    xp = _backend.xp
    if tensor.dtype._legacy != "LongTensor":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if type(tensor) is BatchedTensor:  # NOTE [Functions that read arrays under vmap]
        if num_classes == -1:
            raise RuntimeError("When vmap-ing torch.nn.functional.one_hot, please provide an "
                               "explicit positive num_classes argument.")
        return on_batch(lambda p: one_hot(p, num_classes), tensor)
    a = tensor._data
    if a.size == 0 and num_classes == -1:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = xp.zeros(a.shape + (num_classes,), dtype=xp.int64)
    xp.put_along_axis(out, a[..., None], 1, axis=-1)
    return _wrap(out)

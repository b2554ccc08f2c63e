"""torch.multinomial, drawing torch's numbers for the same seed.

Without replacement (and for a single draw) torch takes the top-k of p / q with q
exponential (the Gumbel trick, one exponential per category; ties go as its topk's and
argmax's do); with replacement it walks
each row's normalised cumulative sum with one uniform double per draw. Both are repeated
here over the generator replica (_cpu_generator.py), in torch's order of draws.
"""
import numpy as np  # torch's CPU random stream is drawn in NumPy (NOTE [The array-module seam])

from . import _backend, _dtype
from .random import _generator, _like_array, _per_element, _write_drawn
from .tensor import _wrap

xp = _backend.xp


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    gen = _generator(generator)
    return _per_element(lambda t: _draw(t, num_samples, replacement, gen), input)


def _draw(input, num_samples, replacement, gen):
    """The draws for probabilities of any rank (rows of the last dim: under vmap the batch
    joins the rows, as torch's batching rule flattens it into them)."""
    p = input._data
    if p.dtype.kind != "f" and input.dtype is not _dtype.bfloat16:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype._cname}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = p.shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if not _backend.has_values(p):  # the meta device: the draws' shape, nothing drawn
        return _wrap(_backend.META.empty(p.shape[:-1] + (num_samples,), np.int64))
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = p.reshape(-1, n_categories)
    if (rows.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement or num_samples == 1:
        # torch draws q into empty_like(p): laid out like p, filled through memory
        q = _like_array(p, p.dtype)
        _write_drawn(q, lambda shape, _: gen.exponential(shape, p.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (p / q).astype(p.dtype)
        if num_samples == 1:
            out = np.argmax(ratio, axis=-1)[..., None]
        else:
            from .ops.sorting import topk_array
            # torch's topk, whose order among ties (frequent in float16 and bfloat16) is
            # its selection's (bfloat16 compared as its exact float32 values)
            keys = ratio if ratio.dtype.kind == "f" else ratio.astype(np.float32)
            out = topk_array(keys, num_samples, keys.ndim - 1)
        return _wrap(np.ascontiguousarray(out).astype(np.int64))
    result = np.empty((rows.shape[0], num_samples), np.int64)
    for i, row in enumerate(rows):
        # accumulated in the input's type, as torch does (float16's and bfloat16's in
        # float), the last bucket then made exactly 1
        cum = np.cumsum(row, dtype=row.dtype if row.dtype.itemsize >= 4 else np.float32)
        total = cum[-1]
        if total > 0 or 0.99999 < total < 1.00001:
            cum = cum / total
        cum[-1] = 1
        u = gen._uniform_double01(num_samples)
        result[i] = np.searchsorted(cum, u, side="left")
    return _wrap(result.reshape(p.shape[:-1] + (num_samples,)))

"""histogram and histogramdd: counts (or summed weights) of values per bin, with the bin
edges, as torch's histogramdd kernel finds them.

Edges are given as a tensor, or spread evenly (torch's linspace) over ``range`` or the
input's own [min, max] (an empty range widened by 0.5 each way). A value falls into the
bin whose left edge is the last one not above it (C++'s std::upper_bound, which torch
runs on the edges as given, sorted or not); the last edge closes the last bin; values
outside (and NaN) are dropped. torch records nodes whose backward raises: so do these.
"""
from .. import _backend
from .. import _dtype as _dt
from ..creation import linspace
from ..tensor import _CPP_TYPE, Tensor
from ._batched import any_batched
from ._low_precision import FORMAT_BOUND, LOW_KIND
from ._table import Op
from .pointwise import _not_implemented
from .return_types import return_type

xp = _backend.xp
_LOW = {d for d in _dt.ALL if _backend.kind(d.np) == LOW_KIND}  # bfloat16, float8
_HISTOGRAM = return_type("histogram", ("hist", "bin_edges"))
return_type("histogram_out", ("hist", "bin_edges"))
_HISTOGRAMDD = return_type("histogramdd", ("hist", "bin_edges"))
_PREFIX = "torch.histogramdd"


def _upper_bound(edges, values):
    """std::upper_bound over ``edges`` for each value, vectorized: the same steps, so the
    same answer on unsorted edges too."""
    first = xp.zeros(values.shape, xp.int64)
    count = xp.full(values.shape, len(edges), xp.int64)
    while (count > 0).any():
        step = count // 2
        it = first + step
        go_right = (count > 0) & ~(values < edges[xp.minimum(it, len(edges) - 1)])
        first = xp.where(go_right, it + 1, first)
        count = xp.where(count > 0, xp.where(go_right, count - step - 1, step), 0)
    return first


def _fmt(v):
    return f"{v:g}"  # (C++'s << of a double)


def _outer_edges(input, range, n):
    """Per dim, the leftmost and rightmost edge: ``range``, else the data's extent."""
    if range is not None:
        lo, hi = [float(v) for v in range[0::2]], [float(v) for v in range[1::2]]
    elif input.shape[0]:
        lo, hi = [float(v) for v in input.min(0)], [float(v) for v in input.max(0)]
    else:
        lo, hi = [0.0] * n, [1.0] * n
    for d in xp.arange(n):
        if not (xp.isfinite(lo[d]) and xp.isfinite(hi[d])):
            raise RuntimeError(f"{_PREFIX}: dimension {d}'s range [{_fmt(lo[d])}, "
                               f"{_fmt(hi[d])}] is not finite")
        if lo[d] > hi[d]:
            raise RuntimeError(f"{_PREFIX}: min should not exceed max, but got min "
                               f"{_fmt(lo[d])} max {_fmt(hi[d])} for dimension {d}")
        if lo[d] == hi[d]:  # (NumPy's widening: no zero-width bins to divide by)
            lo[d] -= 0.5
            hi[d] += 0.5
    return lo, hi


def _check_inputs(input, bins, weight, kernel):
    """torch's histogramdd_check_inputs, in its order (``input``: N points by D dims), and
    the kernel's dtypes: ``"histogramdd"``, which finds edges from bin counts, takes float
    and double; ``"histogram_cpu"``, which counts over given edges, float16 and bfloat16
    too, and refuses after the checks."""
    dt = _dt._FROM_NP[input.dtype]
    counts = kernel == "histogram_cpu"
    if not counts and (input.dtype.kind != "f" or input.dtype.itemsize < 4):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt._cname}\'')
    for d, edges in enumerate(bins):
        if edges.dtype != input.dtype:
            raise RuntimeError(f"{_PREFIX}: input tensor and bins tensors should have the same "
                               f"dtype, but got input with dtype {_CPP_TYPE[dt]} and bins for "
                               f"dimension {d} with dtype {_CPP_TYPE[_dt._FROM_NP[edges.dtype]]}")
        if edges.ndim != 1:
            raise RuntimeError(f"{_PREFIX}: bins tensor should have one dimension, but got "
                               f"{edges.ndim} dimensions in the bins tensor for dimension {d}")
        if edges.size == 0:
            raise RuntimeError(f"{_PREFIX}: bins tensor should have at least 1 element, but "
                               f"got 0 elements in the bins tensor for dimension {d}")
    if weight is not None:
        if weight.dtype != input.dtype:
            raise RuntimeError(f"{_PREFIX}: if weight tensor is provided, input tensor and "
                               f"weight tensor should have the same dtype, but got input("
                               f"{_CPP_TYPE[dt]}), and weight("
                               f"{_CPP_TYPE[_dt._FROM_NP[weight.dtype]]})")
        if weight.shape != input.shape[:-1]:  # (the callers pass the weights flattened)
            raise RuntimeError(f"{_PREFIX}: if weight tensor is provided it should have the "
                               "same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape {list(input.shape)} and "
                               f"weight with shape {list(weight.shape)}")
    if counts and input.dtype.kind not in "f" + LOW_KIND:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt._cname}\'')


def _check_given(input, bins, weight, kernel="histogram_cpu"):
    """The dtype checks, made on the tensors the caller gave: a bfloat16 operand beside a
    float one would reach the op's forward as float32 (_low_precision.py)."""
    if isinstance(input, Tensor) and input.dim() >= 2 and all(
            isinstance(b, Tensor) for b in bins) and (weight is None or isinstance(weight, Tensor)):
        points = input._data.reshape(-1, input.shape[-1])
        _check_inputs(points, [b._data for b in bins],
                      None if weight is None else weight._data.reshape(-1), kernel)


def _count(input, edges, weight, density):
    """The histogram of ``input`` (N by D) over the given edges (one array per dim)."""
    for d, e in enumerate(edges):
        if e.size - 1 <= 0:  # (torch names histogram, for histogramdd too)
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {e.size - 1} for "
                               f"dimension {d}")
    shape = tuple(e.size - 1 for e in edges)
    keep = xp.ones(input.shape[0], bool)
    flat = xp.zeros(input.shape[0], xp.int64)
    for d, e in enumerate(edges):
        v = input[:, d]
        keep &= (v >= e[0]) & (v <= e[-1])
        # a kept value is not below the first edge, so upper_bound passes it (pos >= 0);
        # the last edge closes the last bin
        pos = xp.minimum(_upper_bound(e, v) - 1, shape[d] - 1)
        flat = flat * shape[d] + pos
    w = None if weight is None else weight[keep]
    size = int(xp.prod(shape))
    if w is not None and w.dtype != xp.float64:
        # torch adds each weight into a histogram of the input's dtype, rounding each sum
        # (NumPy's bincount sums in float64: torch's sums for float64 alone)
        hist = xp.zeros(size, w.dtype)
        xp.add.at(hist, flat[keep], w)
        hist = hist.reshape(shape)
    else:
        hist = xp.bincount(flat[keep], weights=w, minlength=size).astype(
            input.dtype).reshape(shape)
    if density:  # (0 / 0 and 1 / 0 silent: NOTE [Floating-point warnings])
        # torch's steps, each rounded to the dtype: the sum (accumulated in float32 for the
        # 16-bit types), then a division by it and by each dim's bin lengths
        total = hist.astype(xp.float32).sum() if hist.dtype.itemsize < 4 else hist.sum()
        hist = hist / input.dtype.type(total)
        for d, e in enumerate(edges):
            lengths = xp.diff(e).reshape([-1 if k == d else 1 for k in range(len(edges))])
            hist = hist / lengths
    return hist.astype(input.dtype, copy=False)


def _spread_edges(input, bins, range):
    lo, hi = _outer_edges(input, range, input.shape[1])
    return [linspace(lo[d], hi[d], b + 1, dtype=_dt._FROM_NP[input.dtype])._data
            for d, b in enumerate(bins)]


# -- histogram ------------------------------------------------------------------------------
def _histogram(self, bins, range, weight, density):
    points = self.reshape(-1, 1)
    if isinstance(bins, int):
        _check_inputs(points, [], None, "histogramdd")
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                               "dimension 0")
        if range is not None and len(range) != 2:
            raise RuntimeError(f"{_PREFIX}: for a 1-dimensional histogram range should have 2 "
                               f"elements, but got {len(range)}")
        edges = _spread_edges(points, [bins], range)[0]
    else:
        edges = bins
    w = None if weight is None else weight.reshape(-1)
    _check_inputs(points, [edges], w, "histogram_cpu")
    return _count(points, [edges], w, density), edges.copy()


histogram_op = Op("torch::autograd::NotImplemented", _histogram, outputs=("hist", "bin_edges"),
                  nondiff=("bins",), self=_not_implemented("histogram"),
                  weight=_not_implemented("histogram"))
# bfloat16 counts and sums are torch's in bfloat16 itself (each weight's sum rounded)
FORMAT_BOUND.update((histogram_op,))


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Computes a histogram of the values in a tensor, as torch.histogram.

    >>> torch.histogram(torch.tensor([1., 2, 1]), bins=4, range=(0., 3.))
    torch.return_types.histogram(
    hist=tensor([0., 2., 1., 0.]),
    bin_edges=tensor([0.0000, 0.7500, 1.5000, 2.2500, 3.0000]))
    """
    if isinstance(input, Tensor):
        if not isinstance(bins, Tensor) and input.dtype in _LOW:
            raise NotImplementedError(f'"histogramdd" not implemented for '
                                      f"'{input.dtype._cname}'")
        if isinstance(bins, Tensor):
            _check_given(input.reshape(-1, 1), [bins], weight)
        else:
            _check_given(input.reshape(-1, 1), [], weight, "histogramdd")
    return _HISTOGRAM(*histogram_op(input, bins, range, weight, density))


# -- histogramdd ----------------------------------------------------------------------------
def _check_points(input):
    if input.ndim < 2:
        raise RuntimeError(f"{_PREFIX}: input tensor should have at least 2 dimensions")
    return input.reshape(-1, input.shape[-1])


def _bin_edges(self, bin_ct, range, weight, density):
    points = _check_points(self)
    n = points.shape[1]
    _check_inputs(points, [], None, "histogramdd")
    if range is not None and len(range) != 2 * n:
        raise RuntimeError(f"{_PREFIX}: for a {n}-dimensional histogram range should have "
                           f"{2 * n} elements, but got {len(range)}")
    for d, b in enumerate(bin_ct):
        if b <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {b} for "
                               f"dimension {d}")
    return tuple(_spread_edges(points, bin_ct, range))


def _from_edges(self, edges, weight, density):
    points = _check_points(self)
    w = None if weight is None else weight.reshape(-1)
    _check_inputs(points, edges, w, "histogram_cpu")
    return _count(points, list(edges), w, density)


bin_edges_op = Op("torch::autograd::NotImplemented", _bin_edges, outputs=None,
                  nondiff=("weight",), self=_not_implemented("_histogramdd_bin_edges"))
from_bin_cts_op = Op("torch::autograd::NotImplemented",
                     lambda self, bins, weight, density: _from_edges(self, bins, weight, density),
                     nondiff=("bins",), self=_not_implemented("_histogramdd_from_bin_cts"),
                     weight=_not_implemented("_histogramdd_from_bin_cts"))
from_bin_tensors_op = Op("torch::autograd::NotImplemented",
                         lambda self, bins, weight, density: _from_edges(self, bins, weight,
                                                                         density),
                         nondiff=("bins",),
                         self=_not_implemented("_histogramdd_from_bin_tensors"),
                         weight=_not_implemented("_histogramdd_from_bin_tensors"))
FORMAT_BOUND.update((from_bin_cts_op, from_bin_tensors_op))


def refused_under_vmap(overload):
    raise RuntimeError(f"Batching rule not implemented for aten::histogramdd{overload}. We "
                       "could not generate a fallback.")


def histogramdd(input, bins, range=None, weight=None, density=False):
    """Computes a multi-dimensional histogram of the points in ``input`` (its last dim
    holds each point's coordinates), as torch.histogramdd.

    >>> torch.histogramdd(torch.tensor([[0., 1.], [1., 0.]]), bins=[2, 2])
    torch.return_types.histogramdd(
    hist=tensor([[0., 1.],
            [1., 0.]]),
    bin_edges=(tensor([0.0000, 0.5000, 1.0000]), tensor([0.0000, 0.5000, 1.0000])))
    """
    if any_batched(input, weight, *(bins if isinstance(bins, (list, tuple)) else ())):
        # (torch's vmap has no rule for it, nor a loop: NOTE [Functions that read arrays
        # under vmap])
        overload = (".int_bins" if isinstance(bins, int) else
                    ".TensorList_bins" if bins and isinstance(bins[0], Tensor) else "")
        refused_under_vmap(overload)
    if isinstance(bins, int):
        bins = [bins] * (input.shape[-1] if input.dim() else 1)
    bins = list(bins)
    if input.dim() >= 2 and len(bins) != input.shape[-1]:
        kind = "size of bins" if not bins or not isinstance(bins[0], Tensor) else None
        if kind is None:
            raise RuntimeError(f"{_PREFIX}: expected {input.shape[-1]} sequences of bin edges "
                               f"for a {input.shape[-1]}-dimensional histogram but got "
                               f"{len(bins)}")
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           "dimension of the input.")
    if bins and isinstance(bins[0], Tensor):
        _check_given(input, bins, weight)
        hist = from_bin_tensors_op(input, [b._data for b in bins], weight, density)
        return _HISTOGRAMDD(hist, tuple(bins))
    if input.dtype in _LOW:
        raise NotImplementedError(f'"histogramdd" not implemented for \'{input.dtype._cname}\'')
    _check_given(input, [], weight, "histogramdd")
    edges = bin_edges_op(input, tuple(bins), range, weight, density)
    hist = from_bin_cts_op(input, [e._data for e in edges], weight, density)
    return _HISTOGRAMDD(hist, tuple(edges))


FUNCTIONS = {"histogram": histogram, "histogramdd": histogramdd}
METHODS = {"histogram": histogram}

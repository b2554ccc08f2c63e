"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian,
mode; unique, unique_consecutive; searchsorted, bucketize, histc, bincount.

The selecting ops differentiate as torch does: the gradient goes back to the chosen
index (value_selecting_reduction_backward, reduction.py); median over everything shares
it among ties (evenly_distribute_backward). NaN sorts above everything.

NOTE [Order among ties]: which of several equal values comes first is fixed by torch's
algorithms, none of them stable: std::sort for sort and argsort (unless stable=True),
std::partial_sort or std::nth_element for topk (and the order topk(sorted=False) leaves),
a quickselect for kthvalue, a std::sort for mode. NumPy's stable sort gives the same
answer for a row without ties; a row with ties (or with two NaN) is run through the same
algorithms step by step (_stl_order.py), so the indices are torch's, up to rows of
EXACT_TIES_UP_TO elements (longer rows keep the stable order: see there why).
"""
from .. import _backend
from .._meta_array import no_kernel
from ..tensor import Tensor, _wrap, _wrap_dim
from .. import _stl_order as stl
from ._batched import BatchedTensor, any_batched, on_batch, sample_wise
from ._table import TRANSPOSED, Op, derivative_not_implemented
from .reduction import _value_selecting_backward, evenly_distribute_backward, evenly_read_jvp
from .return_types import return_type
from .._dtype import _FROM_NP
from .._kernel_dtypes import ALL_BUT_COMPLEX, NUMERIC, check_kernel

xp = _backend.xp


def argsort_array(a, axis, descending):
    """Stable indices that sort ``a`` along ``axis``; NaN last ascending, first descending."""
    if not descending:
        return xp.argsort(a, axis=axis, kind="stable")
    if a.dtype.kind == "f":
        # lexsort's last key is the primary one: NaN first, then larger values first
        return xp.lexsort((-a, ~xp.isnan(a)), axis=axis)
    # ~ reverses the order of every integer (and bool) without overflow, unlike negation
    return xp.argsort(~a, axis=axis, kind="stable")


def _ties(sorted_rows):
    """Which rows of a 2-d array, each sorted (NaN together at one end), hold two equal
    values or two NaN."""
    tied = (sorted_rows[:, 1:] == sorted_rows[:, :-1]).any(-1)
    if sorted_rows.dtype.kind in "fc":
        tied |= xp.isnan(sorted_rows).sum(-1) >= 2
    return tied


def _pairs(row):
    return [(v, i) for i, v in enumerate(row.tolist())]


# Rows longer than this keep NumPy's stable order among ties: the step-by-step algorithms
# cost about 10 us an element (measured: a 10^5-element sort with ties, 1.4 s), which a
# user sorting millions of labels should not pay for an order among equal values.
EXACT_TIES_UP_TO = 1 << 16


def _by_rows(a, dim, fn, sorted_a=None, nan_too=False):
    """fn(row) -> indices for the rows of ``a`` along ``dim`` with ties (told by the same
    rows sorted, ``sorted_a``; with ``nan_too`` a single NaN counts; with no ``sorted_a``
    every row): a list of (row number, indices) over ``a`` moved to (rows, n)."""
    n = a.shape[dim]
    if n > EXACT_TIES_UP_TO or n < 2 or a.size == 0:  # (no row with two elements)
        return []
    if not _backend.has_values(a):  # a meta array: no ties to tell
        return []
    rows = xp.moveaxis(a, dim, -1).reshape(-1, n)
    if sorted_a is None:
        which = xp.ones(rows.shape[0], bool)
    else:
        which = _ties(xp.moveaxis(sorted_a, dim, -1).reshape(-1, n))
        if nan_too and rows.dtype.kind in "fc":
            # (mode's bare < leaves even one NaN elsewhere than a stable sort does)
            which |= xp.isnan(rows).any(-1)
    return [(r, fn(rows[r])) for r in xp.flatnonzero(which)]


def _put_rows(idx, dim, found):
    """Write the rows of indices ``found`` gives into ``idx`` (laid out along ``dim``)."""
    moved = xp.moveaxis(idx, dim, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    for r, row in found:
        flat[r, :len(row)] = row
    return xp.moveaxis(flat.reshape(moved.shape), -1, dim)


def _stl_sorted(row, descending):
    if not descending and len(row) > 1024 and not (row != row).any():
        # (a bare <: the same order, vectorised; measured: 3x faster at 4096 elements,
        # slower below about a thousand)
        return stl.stl_sort_order(row).tolist()
    pairs = _pairs(row)
    stl.stl_sort(pairs, stl.greater_nan_first if descending else stl.less_nan_last)
    return [i for _, i in pairs]


def _sorted_along(self, dim, descending, stable=False):
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    idx = argsort_array(self, dim, descending)
    values = xp.take_along_axis(self, idx, dim)
    if not stable:  # NOTE [Order among ties]
        found = _by_rows(self, dim, lambda row: _stl_sorted(row, descending), values)
        if found:
            idx = _put_rows(idx, dim, found)
            values = xp.take_along_axis(self, idx, dim)
    return values, idx


def _select_backward(grad, dim, indices, self_sym_sizes):
    return _value_selecting_backward(grad, dim, indices, self_sym_sizes, True)


def _select_backward_keepdim(grad, dim, indices, self_sym_sizes, keepdim):
    return _value_selecting_backward(grad, dim, indices, self_sym_sizes, keepdim)


_SORTED = dict(outputs=("values", "indices"), differentiable_outputs=(0,))
sort_op = Op("SortBackward0", lambda self, dim, descending: _sorted_along(self, dim, descending),
             jvp=TRANSPOSED, self=_select_backward, **_SORTED)
sort_stable = Op("SortBackward1", lambda self, stable, dim, descending:
                 _sorted_along(self, dim, descending, stable), jvp=TRANSPOSED,
                 self=_select_backward, **_SORTED)


def _check_sortable(input, name="Sort"):
    # torch's CPU kernels have no order on complex numbers (the leading space is torch's)
    if input.is_complex():
        raise RuntimeError(f" {name} does not support complex dtypes on CPU")


def sort(input, dim=-1, descending=False, *, stable=None, out=None):
    d = _wrap_dim(dim, input.dim())
    _check_sortable(input)
    if stable is None:
        values, indices = sort_op(input, d, descending)
    else:
        values, indices = sort_stable(input, stable, d, descending)
    return return_type("sort")(values, indices)


def sort_method(self, dim=-1, descending=False, *, stable=None):
    return sort(self, dim, descending, stable=stable)


def argsort(input, dim=-1, descending=False, *, stable=False):
    d = _wrap_dim(dim, input.dim())
    _check_sortable(input)
    a = input._data
    return _wrap(xp.zeros((), xp.int64) if a.ndim == 0 else _sorted_along(a, d, descending,
                                                                            stable)[1])


def msort(input, *, out=None):
    _check_sortable(input)
    return sort_op(input, 0, False)[0]


# -- topk, kthvalue ---------------------------------------------------------------------------
def _topk(self, k, dim, largest, sorted):
    n = self.shape[dim] if self.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if self.dtype.kind == "c":  # after the dim and k checks, as torch's order is
        raise RuntimeError(" topk does not support complex dtypes on CPU")
    if self.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    idx = argsort_array(self, dim, largest)
    take = (slice(None),) * dim + (slice(0, k),)
    if k:  # NOTE [Order among ties]; unsorted, the order nth_element leaves, tied or not
        ordered = xp.take_along_axis(self, idx, dim) if sorted else None
        idx = _put_rows(idx, dim, _by_rows(self, dim, lambda row: _stl_topk(
            row, k, largest, sorted), ordered))
    idx = idx[take].copy()
    return xp.take_along_axis(self, idx, dim), idx


def topk_array(a, k, dim):
    """The indices of torch's ``topk(a, k, dim)`` (largest, sorted) for an array."""
    return _topk(a, k, dim, True, True)[1]


def _stl_topk(row, k, largest, sorted):
    """torch's topk of one row: a partial sort for k up to n / 64, else nth_element and a
    sort of the first k - 1."""
    pairs = _pairs(row)
    comp = stl.greater_nan_first if largest else stl.less_nan_last
    if k * 64 <= len(pairs):
        stl.stl_partial_sort(pairs, k, comp)
    else:
        stl.stl_nth_element(pairs, k - 1, comp)
        if sorted:
            stl.stl_sort(pairs, comp, 0, k - 1)
    return [i for _, i in pairs[:k]]


topk_op = Op("TopkBackward0", _topk, jvp=TRANSPOSED, self=_select_backward, **_SORTED)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    values, indices = topk_op(input, k, _wrap_dim(dim, input.dim()), largest, sorted)
    return return_type("topk")(values, indices)


def _kth(self, k, dim, keepdim):
    # torch's order: the dim, k, then the kernel's dtypes (a 0-d tensor is copied before)
    _check_reduced_dim(self, dim, "kthvalue")
    n = self.shape[dim] if self.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if self.ndim:
        check_kernel(self, "kthvalue_cpu", NUMERIC)
    return _pick_sorted(self, dim, keepdim, lambda sorted_, _: xp.full(
        sorted_.shape[:-1], k - 1, dtype=xp.int64), lambda row: _stl_kth(row, k))


def _check_reduced_dim(self, dim, name):
    if self.ndim and self.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def _stl_kth(row, k):
    # torch's quickselect moves the rest around too: only position k - 1 is read back
    pairs = _pairs(row)
    stl.quick_select(pairs, k - 1, stl.greater_nan_first)
    return [i for _, i in pairs]


def _pick_sorted(self, dim, keepdim, position, tie_order=None, nan_too=False):
    """The element at ``position(sorted rows, self rows)`` of each sorted row along ``dim``;
    ``tie_order(row)``: the arrangement torch's algorithm leaves a row with ties in."""
    if self.ndim == 0:
        return self.copy(), xp.zeros((), xp.int64)
    moved = xp.moveaxis(self, dim, -1)
    idx = xp.argsort(moved, axis=-1, kind="stable")
    sorted_ = xp.take_along_axis(moved, idx, -1)
    if tie_order is not None:
        found = _by_rows(moved, moved.ndim - 1, tie_order, sorted_, nan_too)
        if found:
            idx = _put_rows(idx, idx.ndim - 1, found)
            sorted_ = xp.take_along_axis(moved, idx, -1)
    pos = position(sorted_, moved)[..., None]
    values = xp.take_along_axis(sorted_, pos, -1)[..., 0]
    indices = xp.take_along_axis(idx, pos, -1)[..., 0]
    if keepdim:
        values, indices = xp.expand_dims(values, dim), xp.expand_dims(indices, dim)
    return values, indices.astype(xp.int64, copy=False)


_REDUCED = dict(outputs=("values", "indices"), differentiable_outputs=(0,),
                self=_select_backward_keepdim)
kthvalue_op = Op("KthvalueBackward0", _kth, jvp=TRANSPOSED, **_REDUCED)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    values, indices = kthvalue_op(input, k, _wrap_dim(dim, input.dim()), keepdim)
    return return_type("kthvalue")(values, indices)


# -- median, nanmedian, mode ------------------------------------------------------------------
def _lower_middle(ignore_nan):
    def position(sorted_, rows):
        nan = xp.isnan(rows).sum(-1) if rows.dtype.kind == "f" else xp.zeros(rows.shape[:-1], int)
        n = rows.shape[-1]
        if ignore_nan:  # the middle of the numbers (NaN sort last); all NaN: the first NaN
            return xp.maximum((n - nan - 1) // 2, 0).astype(xp.int64)
        # with a NaN the median is NaN: the first NaN, which sorts right after the numbers
        return xp.where(nan > 0, n - nan, (n - 1) // 2).astype(xp.int64)
    return position


def _median_dim(ignore_nan):
    def forward(self, dim, keepdim):
        _check_reduced_dim(self, dim, "median")  # (nanmedian's message names median too)
        check_kernel(self, "median_out", NUMERIC)
        return _pick_sorted(self, dim, keepdim, _lower_middle(ignore_nan))
    return forward


def _median_all(ignore_nan):
    def forward(self):
        if self.size == 0:
            return xp.asarray(xp.nan, dtype=self.dtype)
        check_kernel(self, "median_cpu", NUMERIC)
        return _pick_sorted(self.reshape(-1), 0, False, _lower_middle(ignore_nan))[0]
    return forward


median_all = Op("MedianBackward0", _median_all(False), jvp=evenly_read_jvp,
                 self=evenly_distribute_backward)
nanmedian_all = Op("NanmedianBackward0", _median_all(True), jvp=evenly_read_jvp,
                   self=evenly_distribute_backward)
median_dim = Op("MedianBackward1", _median_dim(False), jvp=TRANSPOSED, **_REDUCED)
nanmedian_dim = Op("NanmedianBackward1", _median_dim(True), jvp=TRANSPOSED, **_REDUCED)


def _median_fn(all_op, dim_op, name):
    def fn(input, dim=None, keepdim=False, *, out=None):
        if dim is None:
            return all_op(input)
        values, indices = dim_op(input, _wrap_dim(dim, input.dim()), keepdim)
        return return_type(name)(values, indices)
    fn.__name__ = name
    return fn


median = _median_fn(median_all, median_dim, "median")
nanmedian = _median_fn(nanmedian_all, nanmedian_dim, "nanmedian")


def _mode(self, dim, keepdim):
    _check_reduced_dim(self, dim, "mode")
    if self.ndim and self.size:  # (no kernel runs for a 0-d tensor or no elements)
        check_kernel(self, "mode_cpu", ALL_BUT_COMPLEX)
    def position(sorted_, rows):
        flat = sorted_.reshape(-1, sorted_.shape[-1])
        out = xp.zeros(flat.shape[0], xp.int64)
        for r, row in enumerate(flat):
            if not row.size:
                continue
            starts = xp.flatnonzero(xp.concatenate(([True], row[1:] != row[:-1])))
            counts = xp.diff(xp.append(starts, row.size))
            best = int(xp.argmax(counts))  # the most frequent; among equals the first
            out[r] = starts[best] + counts[best] - 1  # the last place of its run
        return out.reshape(sorted_.shape[:-1])
    return _pick_sorted(self, dim, keepdim, position, _stl_mode_order, nan_too=True)


def _stl_mode_order(row):
    # torch's mode sorts (value, index) pairs by value with a bare <, then takes runs
    pairs = _pairs(row)
    stl.stl_sort(pairs, stl.less_plain)
    return [i for _, i in pairs]


mode_op = Op("ModeBackward0", _mode, jvp=TRANSPOSED, **_REDUCED)


def mode(input, dim=-1, keepdim=False, *, out=None):
    values, indices = mode_op(input, _wrap_dim(dim, input.dim()), keepdim)
    return return_type("mode")(values, indices)


# -- unique, unique_consecutive (no derivative in torch either) ---------------------------------
def _unique(self, sorted, return_inverse, return_counts):
    check_kernel(self, "unique", ALL_BUT_COMPLEX)
    # every NaN its own value, as torch's (NaN != NaN)
    values, inverse, counts = xp.unique(self.reshape(-1), return_inverse=True, return_counts=True,
                                        equal_nan=False)
    return values, inverse.reshape(self.shape).astype(xp.int64), counts.astype(xp.int64)


def _unique_dim(self, dim, sorted, return_inverse, return_counts, consecutive=False):
    """torch's _unique_dim_cpu_template: the slices along ``dim`` sorted (unless
    ``consecutive``) and merged where equal, element by element (NaN equals nothing)."""
    check_kernel(self, "unique" if consecutive else "unique_dim", ALL_BUT_COMPLEX)
    if self.size == 0:
        if self.shape[dim]:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so "
                               "unique cannot be applied")
        if self.shape.count(0) > 1:
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique "
                               "cannot be applied ")
        return self.copy(), xp.zeros(0, xp.int64), xp.zeros(0, xp.int64)
    moved = xp.moveaxis(self, dim, 0)
    rows = moved.reshape(moved.shape[0], -1)
    n = rows.shape[0]
    if consecutive:
        order = xp.arange(n)
    elif rows.dtype.kind == "f" and xp.isnan(rows).any():
        # std::sort with a lexicographic < that no NaN satisfies: its order is the algorithm's
        pairs = [(tuple(r), i) for i, r in enumerate(rows.tolist())]
        stl.stl_sort(pairs, _rows_less)
        order = xp.array([i for _, i in pairs], xp.int64)
    else:
        order = xp.lexsort(rows.T[::-1])  # (its last key is the primary one)
    ordered = rows[order]
    new = xp.concatenate(([True], (ordered[1:] != ordered[:-1]).any(1)))
    inverse = xp.empty(n, xp.int64)
    inverse[order] = xp.cumsum(new) - 1
    starts = xp.flatnonzero(new)
    counts = xp.diff(xp.append(starts, n))
    values = xp.moveaxis(moved[order[starts]], 0, dim)
    return values, inverse, counts.astype(xp.int64)


def _rows_less(x, y):
    for a, b in zip(x[0], y[0]):
        if a < b:
            return True
        if a > b:
            return False
    return False


def _unique_consecutive(self, return_inverse, return_counts, dim):
    if dim is not None:
        return _unique_dim(self, dim, False, return_inverse, return_counts, consecutive=True)
    check_kernel(self, "unique", ALL_BUT_COMPLEX)
    flat = self.reshape(-1)
    if flat.size == 0:
        return flat.copy(), xp.zeros(self.shape, xp.int64), xp.zeros(0, xp.int64)
    new = xp.concatenate(([True], flat[1:] != flat[:-1]))
    inverse = (xp.cumsum(new) - 1).reshape(self.shape)
    starts = xp.flatnonzero(new)
    counts = xp.diff(xp.append(starts, new.size))
    return flat[starts], inverse.astype(xp.int64), counts.astype(xp.int64)


_UNIQUE = dict(outputs=("output", "inverse", "counts"), differentiable_outputs=(0,))
# torch has no forward rule for the unique family either
unique_op = Op("Unique2Backward0", _unique, self=derivative_not_implemented("_unique2"),
               jvp_name="_unique2", **_UNIQUE)
unique_dim_op = Op("UniqueDimBackward0", _unique_dim, self=derivative_not_implemented("unique_dim"),
                   jvp_name="unique_dim", **_UNIQUE)
unique_consecutive_op = Op("UniqueConsecutiveBackward0", _unique_consecutive,
                           self=derivative_not_implemented("unique_consecutive"),
                           jvp_name="unique_consecutive", **_UNIQUE)


def _unique_result(outs, return_inverse, return_counts):
    values, inverse, counts = outs
    extra = ([inverse] if return_inverse else []) + ([counts] if return_counts else [])
    return (values, *extra) if extra else values


def _dim_of(dim, input):
    # (the unique family does not take a 0-d tensor's dim as its one element's)
    if not input.dim():
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, input.dim())


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    if input.is_meta:
        raise no_kernel("aten::_unique2" if dim is None else "aten::unique_dim")
    if dim is None:
        outs = unique_op(input, sorted, return_inverse, return_counts)
    else:
        outs = unique_dim_op(input, _dim_of(dim, input), sorted, return_inverse, return_counts)
    return _unique_result(outs, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    if input.is_meta:
        raise no_kernel("aten::unique_consecutive")
    d = None if dim is None else _dim_of(dim, input)
    outs = unique_consecutive_op(input, return_inverse, return_counts, d)
    return _unique_result(outs, return_inverse, return_counts)


# -- searchsorted, bucketize, histc, bincount ----------------------------------------------------
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None,
                 out=None):
    if any_batched(sorted_sequence, input, sorter):  # NOTE [Functions that read arrays under vmap]
        def call(seq, values, order):
            return searchsorted(seq, values, out_int32=out_int32, right=right, side=side,
                                sorter=order)
        if type(input) is BatchedTensor and not any_batched(sorted_sequence, sorter) and (
                sorted_sequence.dim() == 1):  # one sequence: the batch is more values
            return on_batch(lambda values: call(sorted_sequence, values, sorter), input)
        return sample_wise("aten::searchsorted.Tensor")(call)(sorted_sequence, input, sorter)
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    values = xp.asarray(input) if scalar else input._data
    side = side or ("right" if right else "left")
    for a in (seq, values):
        check_kernel(a, "searchsorted_out_cpu", ALL_BUT_COMPLEX)
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, -1)
    if seq.ndim > 1 and seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
    if seq.ndim <= 1:
        out = xp.searchsorted(seq, values, side=side)
    else:
        rows, vals = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
        out = xp.stack([xp.searchsorted(r, v, side=side) for r, v in zip(rows, vals)])
        out = out.reshape(values.shape)
    return _wrap(xp.asarray(out, dtype=xp.int32 if out_int32 else xp.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


@sample_wise("aten::histc")  # (NOTE [Functions that read arrays under vmap])
def histc(input, bins=100, min=0, max=0, *, out=None):
    a = input._data
    # torch's first kernel to meet the dtype: the range's aminmax, linspace, the histogram
    check_kernel(a, "aminmax_cpu", ALL_BUT_COMPLEX)
    check_kernel(a, "linspace_cpu", NUMERIC)
    if a.dtype.kind == "V":  # (bfloat16: counted in float32, returned as bfloat16)
        return _wrap(histc(_wrap(a.astype(xp.float32)), bins, min, max)._data.astype(a.dtype))
    check_kernel(a, "histogram_cpu", "f")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if not _backend.has_values(a):  # meta: the bins' shape, nothing counted
        if lo > hi:
            raise RuntimeError("torch.histc: max must be larger than min")
        return _wrap(_backend.array_module(a).empty((bins,), a.dtype))
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    counts, _ = xp.histogram(a[(a >= lo) & (a <= hi)], bins=bins, range=(lo, hi))
    return _wrap(counts.astype(a.dtype))


@sample_wise("aten::bincount")
def bincount(input, weights=None, minlength=0):
    a = input._data
    if input.is_meta:
        raise no_kernel("aten::bincount")
    check_kernel(a, "bincount_cpu", "iu")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _wrap(xp.bincount(a, minlength=minlength).astype(xp.int64))
    w = weights._data
    out = xp.bincount(a, weights=w, minlength=minlength)
    # torch's kernel has float and double sums only: float weights give float, any other
    # (float16, bfloat16, integers) double
    return _wrap(out.astype(xp.float32 if w.dtype == xp.float32 else xp.float64))


FUNCTIONS = {
    "sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue,
    "median": median, "nanmedian": nanmedian, "mode": mode, "unique": unique,
    "unique_consecutive": unique_consecutive, "searchsorted": searchsorted,
    "bucketize": bucketize, "histc": histc, "bincount": bincount,
}
METHODS = {n: f for n, f in FUNCTIONS.items() if n not in ("searchsorted", "bucketize")}
METHODS["sort"] = sort_method

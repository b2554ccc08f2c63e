"""The orders torch's CPU kernels leave among tied values, reproduced step by step.

torch sorts with the C++ standard library's std::sort (an introsort: median-of-three
quicksort, heapsort past a depth limit, insertion sort under 16 elements), selects
topk with std::partial_sort or std::nth_element, kthvalue with its own quickselect
(quick_select_template), and the mode from a std::sort. None of these is stable: which
of several equal values lands where is fixed only by the algorithm. These functions run
the same algorithms (libstdc++'s, with which torch's Linux builds are made) on a list of
(key, index) pairs, so the indices come out as torch's do.

They are plain Python, O(n log n) comparisons per row: the callers use them only for the
rows where the order among ties shows (NOTE in sorting.py), and NumPy's sort elsewhere.
"""
from . import _backend

xp = _backend.xp
_THRESHOLD = 16  # libstdc++'s _S_threshold: below it, insertion sort


def _lg(n):
    return n.bit_length() - 1


# -- std::sort ----------------------------------------------------------------------------
def stl_sort(a, less, first=0, last=None):
    """std::sort(a[first:last]) in place."""
    last = len(a) if last is None else last
    if last - first > 1:
        _introsort_loop(a, first, last, 2 * _lg(last - first), less)
        _final_insertion_sort(a, first, last, less)


def stl_sort_order(keys):
    """The order std::sort leaves a 1-d array of keys in (compared by a bare <, so no NaN),
    as positions: stl_sort over (key, position) pairs, run a level of the introsort's
    recursion at a time over every segment at once with NumPy rather than a step at a time.

    Each level takes the median of three to the front of each segment, then partitions it
    as the unguarded partition does: the left scan stops at the keys >= the pivot (in
    order), the right scan at the keys <= it (from the end), and the k-th stops of the two
    are swapped while the left one comes first (the scans cross at the first pair that does
    not; untouched keys lie between them until then). A segment out of depth is
    heap-sorted step by step (as introsort does; rare). The final insertion sort of a
    partitioned array is a stable sort of it: no key moves past a key that is not greater.
    """
    a = xp.array(keys)
    pos = xp.arange(len(a))
    first = xp.array([0])
    last = xp.array([len(a)])
    depth = xp.array([2 * _lg(len(a))]) if len(a) else xp.zeros(1, int)
    while True:
        big = last - first > _THRESHOLD
        first, last, depth = first[big], last[big], depth[big]
        out = depth == 0
        for f, l in zip(first[out].tolist(), last[out].tolist()):  # (out of depth: heaps)
            pairs = list(zip(a[f:l].tolist(), pos[f:l].tolist()))
            _heap_select(pairs, 0, len(pairs), len(pairs), less_plain)
            _sort_heap(pairs, 0, len(pairs), less_plain)
            a[f:l] = [k for k, _ in pairs]
            pos[f:l] = [i for _, i in pairs]
        first, last, depth = first[~out], last[~out], depth[~out] - 1
        if not len(first):
            break
        _median_of_three_first(a, pos, first, last)
        cut = _partition_segments(a, pos, first, last)
        first, last, depth = (xp.concatenate(pair) for pair in
                              ((cut, first), (last, cut), (depth, depth)))
    return pos[xp.argsort(a, kind="stable")]


def _median_of_three_first(a, pos, first, last):
    """_median_to_first(first, first + 1, mid, last - 1) of every segment."""
    x, y, z = first + 1, first + (last - first) // 2, last - 1
    ax, ay, az = a[x], a[y], a[z]
    pick = xp.where(ax < ay, xp.where(ay < az, y, xp.where(ax < az, z, x)),
                    xp.where(ax < az, x, xp.where(ay < az, z, y)))
    _swap(a, pos, first, pick)


def _swap(a, pos, i, j):
    for v in (a, pos):
        v[i], v[j] = v[j], v[i].copy()


def _ranges(first, last):
    """Every position of the segments [first, last), in order, and each one's segment."""
    sizes = last - first
    seg = xp.repeat(xp.arange(len(first)), sizes)
    return xp.arange(sizes.sum()) - xp.repeat(xp.cumsum(sizes) - sizes - first, sizes), seg


def _ragged(values, seg, count):
    """values grouped by segment (in order within each), with each segment's start."""
    counts = xp.bincount(seg, minlength=count)
    return values, xp.cumsum(counts) - counts, counts


def _partition_segments(a, pos, first, last):
    """_unguarded_partition(first + 1, last, pivot at first) of every segment; returns the
    cuts."""
    n = len(first)
    at, seg = _ranges(first, last)  # (the right scan may reach the pivot itself)
    pivot = a[first]
    left_stop = ~(a[at] < pivot[seg]) & (at > first[seg])
    right_stop = ~(pivot[seg] < a[at])
    lefts, l_start, l_count = _ragged(at[left_stop], seg[left_stop], n)
    rights, r_start, r_count = _ragged(at[right_stop], seg[right_stop], n)
    pairs = xp.minimum(l_count, r_count)
    pair_seg = xp.repeat(xp.arange(n), pairs)
    k = xp.arange(pairs.sum()) - xp.repeat(xp.cumsum(pairs) - pairs, pairs)
    left = lefts[l_start[pair_seg] + k]
    right = rights[r_start[pair_seg] + r_count[pair_seg] - 1 - k]  # (from the end)
    swapped = left < right
    _swap(a, pos, left[swapped], right[swapped])
    done = xp.bincount(pair_seg[swapped], minlength=n)  # swaps made in each segment
    # the left scan's next stop, or the last right stop swapped (now holding a key >= pivot)
    big = xp.iinfo(xp.int64).max
    has_next = done < l_count
    next_left = xp.where(has_next, lefts[xp.minimum(l_start + done, len(lefts) - 1)], big)
    last_right = xp.where(done > 0, rights[xp.maximum(r_start + r_count - done, 0)
                                          .clip(max=len(rights) - 1)], big)
    return xp.minimum(next_left, last_right)


def _introsort_loop(a, first, last, depth, less):
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_select(a, first, last, last, less)
            _sort_heap(a, first, last, less)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        _introsort_loop(a, cut, last, depth, less)
        last = cut


def _partition_pivot(a, first, last, less):
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1, less)
    return _unguarded_partition(a, first + 1, last, first, less)


def _median_to_first(a, result, x, y, z, less):
    if less(a[x], a[y]):
        if less(a[y], a[z]):
            pick = y
        elif less(a[x], a[z]):
            pick = z
        else:
            pick = x
    elif less(a[x], a[z]):
        pick = x
    elif less(a[y], a[z]):
        pick = z
    else:
        pick = y
    a[result], a[pick] = a[pick], a[result]


def _unguarded_partition(a, first, last, pivot, less):
    while True:
        while less(a[first], a[pivot]):
            first += 1
        last -= 1
        while less(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _final_insertion_sort(a, first, last, less):
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD, less)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(a, i, less)
    else:
        _insertion_sort(a, first, last, less)


def _insertion_sort(a, first, last, less):
    for i in range(first + 1, last):
        val = a[i]
        if less(val, a[first]):
            a[first + 1:i + 1] = a[first:i]
            a[first] = val
        else:
            _linear_insert(a, i, less)


def _linear_insert(a, last, less):
    val = a[last]
    prev = last - 1
    while less(val, a[prev]):
        a[last] = a[prev]
        last, prev = prev, prev - 1
    a[last] = val


# -- heaps: std::partial_sort, and introsort's fallback --------------------------------------
def stl_partial_sort(a, middle, less):
    """std::partial_sort(a, a + middle, a + len(a)) in place."""
    _heap_select(a, 0, middle, len(a), less)
    _sort_heap(a, 0, middle, less)


def _adjust_heap(a, first, hole, length, value, less):
    top = child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2  # (push_heap)
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole, parent = parent, (parent - 1) // 2
    a[first + hole] = value


def _make_heap(a, first, last, less):
    n = last - first
    if n < 2:
        return
    for parent in range((n - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, n, a[first + parent], less)


def _pop_heap(a, first, last, result, less):
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, less)


def _heap_select(a, first, middle, last, less):
    _make_heap(a, first, middle, less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_heap(a, first, middle, i, less)


def _sort_heap(a, first, last, less):
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last, less)


# -- std::nth_element ---------------------------------------------------------------------
def stl_nth_element(a, nth, less):
    """std::nth_element(a, a + nth, a + len(a)) in place (introselect)."""
    first, last = 0, len(a)
    if nth == last:
        return
    depth = 2 * _lg(last - first) if last > first else 0
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


# -- torch's quick_select_template (kthvalue) -------------------------------------------------
def quick_select(a, k, greater):
    """Puts the k-th smallest at a[k]: median-of-three quickselect, as torch's kthvalue."""
    lo, hi = 0, len(a) - 1
    while True:
        if hi <= lo:
            return
        if hi == lo + 1:
            if greater(a[lo], a[hi]):
                a[lo], a[hi] = a[hi], a[lo]
            return
        mid = lo + (hi - lo) // 2
        a[mid], a[lo + 1] = a[lo + 1], a[mid]
        if greater(a[lo + 1], a[hi]):
            a[lo + 1], a[hi] = a[hi], a[lo + 1]
        if greater(a[lo], a[hi]):
            a[lo], a[hi] = a[hi], a[lo]
        if greater(a[lo + 1], a[lo]):
            a[lo + 1], a[lo] = a[lo], a[lo + 1]
        i, j = lo + 1, hi
        pivot = a[lo]
        while True:
            i += 1
            while greater(pivot, a[i]):
                i += 1
            j -= 1
            while greater(a[j], pivot):
                j -= 1
            if j < i:
                break
            a[i], a[j] = a[j], a[i]
        a[lo], a[j] = a[j], a[lo]
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


# -- comparators on (value, index) pairs, NaN as torch's kernels place it ------------------------
def less_nan_last(x, y):
    """Ascending, NaN above everything (sort, topk(largest=False))."""
    a, b = x[0], y[0]
    return (a == a and b != b) or a < b


def greater_nan_first(x, y):
    """Descending, NaN first (sort(descending=True), topk, kthvalue's quickselect)."""
    a, b = x[0], y[0]
    return (a != a and b == b) or a > b


def less_plain(x, y):
    """The bare < of mode's sort (every comparison with NaN is false)."""
    return x[0] < y[0]


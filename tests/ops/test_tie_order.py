"""Which index torch returns among tied values (NOTE [Order among ties] in sorting.py):
a differential table of rows full of ties, with NaN, over every dtype and the sizes where
torch's algorithms change (insertion sort under 16 elements, topk's partial sort for
k <= n / 64), against torch."""
import numpy as np
import pytest
import torch

import dyngrad

CALLS = {
    "sort": lambda t, a, k: t.sort(a, dim=1),
    "sort_descending": lambda t, a, k: t.sort(a, dim=1, descending=True),
    "sort_stable_false": lambda t, a, k: t.sort(a, dim=0, stable=False),
    "sort_stable": lambda t, a, k: t.sort(a, dim=1, stable=True),
    "argsort": lambda t, a, k: a.argsort(dim=1, descending=True),
    "msort": lambda t, a, k: t.msort(a.T),
    "topk": lambda t, a, k: t.topk(a, k, dim=1),
    "topk_smallest": lambda t, a, k: t.topk(a, k, dim=1, largest=False),
    "topk_unsorted": lambda t, a, k: t.topk(a, k, dim=1, sorted=False),
    "topk_dim0": lambda t, a, k: t.topk(a, min(k, 3), dim=0, largest=False, sorted=False),
    "kthvalue": lambda t, a, k: t.kthvalue(a, k, dim=1),
    "median": lambda t, a, k: t.median(a, dim=1),
    "nanmedian": lambda t, a, k: t.nanmedian(a, dim=1),
    "mode": lambda t, a, k: t.mode(a, dim=1),
    "mode_dim0": lambda t, a, k: t.mode(a, dim=0, keepdim=True),
}
NUMBERS = {"median", "nanmedian", "mode", "mode_dim0", "kthvalue"}  # (no bool kernels)
TOPK = {"topk", "topk_smallest", "topk_unsorted", "topk_dim0"}


def _table(seed):
    """Rows of 3 drawn from {0, 1, 2, 3} (many ties), with one or two NaN in some rows;
    lengths from 1 to 300 and k over all of them."""
    r = np.random.default_rng(seed)
    cases = []
    for i in range(16):
        n = int(r.integers(1, 40)) if i % 5 else int(r.integers(64, 300))
        x = r.integers(0, 4, size=(3, n)).astype(np.float64)
        if i % 4 == 0:
            x[0, r.integers(0, n, size=2)] = np.nan
        if i % 4 == 1:
            x[1, r.integers(0, n)] = np.nan
        cases.append((x, int(r.integers(1, n + 1)) if i % 3 else max(1, n // 64)))
    return cases


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int16, np.bool_])
@pytest.mark.parametrize("name", list(CALLS))
def test_order_among_ties_is_torch(name, dtype):
    if dtype is np.bool_ and (name in NUMBERS or name in TOPK):
        pytest.skip("torch has no bool kernel for it (the error is compared elsewhere)")
    for x, k in _table(hash((name, np.dtype(dtype).name)) % 1000):
        a = x.astype(dtype) if dtype in (np.float32, np.float64) else np.nan_to_num(x).astype(dtype)
        want, got = (CALLS[name](lib, lib.tensor(a), k) for lib in (torch, dyngrad))
        want = want if isinstance(want, tuple) else (want,)
        got = got if isinstance(got, tuple) else (got,)
        for w, g in zip(want, got):
            assert str(g.dtype) == str(w.dtype) and tuple(g.shape) == tuple(w.shape)
            np.testing.assert_array_equal(g.numpy(), w.numpy(), err_msg=f"{name} {a} k={k}")


def test_topk_of_bool_raises_as_torch():
    for lib in (torch, dyngrad):
        with pytest.raises(RuntimeError, match="topk does not support bool dtypes on CPU"):
            lib.topk(lib.tensor([True, False]), 1)


@pytest.mark.parametrize("call", [
    lambda t: t.sort(t.zeros(0)), lambda t: t.sort(t.zeros(2, 0), dim=1),
    lambda t: t.sort(t.zeros(0, 3), dim=1), lambda t: t.argsort(t.zeros(0, 2), dim=0),
    lambda t: t.topk(t.zeros(2, 3), 0, dim=1, sorted=False), lambda t: t.mode(t.zeros(0, 3), dim=1),
    lambda t: t.sort(t.tensor(5.)), lambda t: t.kthvalue(t.tensor([1., 1.]), 2),
    lambda t: t.sort(t.tensor([[1., 1.], [2., 2.]]).T, dim=1)])
def test_empty_and_small_rows(call):
    assert str(call(dyngrad)) == str(call(torch))


def _quicksort_killer(n):
    """McIlroy's adversary run against std::sort: keys that drive the median-of-three
    quicksort out of depth, so that introsort falls back to its heapsort (each key it
    settles shared by two, so that the heap orders ties)."""
    from dyngrad import _stl_order as stl
    gas, val, state = n, [n] * n, {"candidate": 0, "solid": 0}

    def less(x, y):
        x, y = x[1], y[1]
        if val[x] == gas and val[y] == gas:
            val[x if x == state["candidate"] else y] = state["solid"] // 2
            state["solid"] += 1
        if val[x] == gas:
            state["candidate"] = x
        elif val[y] == gas:
            state["candidate"] = y
        return val[x] < val[y]
    stl.stl_sort([(0, i) for i in range(n)], less)
    return val


@pytest.mark.parametrize("n", [64, 300])
def test_sort_out_of_depth_is_torch(n):
    from dyngrad._stl_order import stl_sort_order
    keys = _quicksort_killer(n)
    want = torch.sort(torch.tensor(keys))[1].tolist()
    assert dyngrad.sort(dyngrad.tensor(keys))[1].tolist() == want
    assert stl_sort_order(np.array(keys)).tolist() == want


def test_long_rows_of_ties_are_torch():
    # (past 1024 elements sort's ties go through the vectorised std::sort)
    keys = np.random.default_rng(0).integers(0, 9, (2, 3000)).astype(np.float32)
    got, want = (lib.sort(lib.tensor(keys), dim=1)[1].numpy() for lib in (dyngrad, torch))
    np.testing.assert_array_equal(got, want)

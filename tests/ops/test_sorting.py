"""Sorting helpers with no gradient (argsort, searchsorted, bucketize, histc, bincount,
unique) and the errors of the sorting family, against torch."""
import numpy as np
import pytest

from .oracle import assert_same, assert_same_error

f32 = np.float32
TIES = np.array([[1.0, 3.0, 3.0, 2.0], [2.0, -1.0, 2.0, 2.0]], f32)
NAN = np.array([0.3, np.nan, 2.1, -np.inf, np.inf, 0.3], f32)
INTS = np.array([3, 1, 3, 2, 2, 0, 3])
SEQ = np.array([1.0, 3.0, 5.0, 7.0], f32)

CALLS = {
    "argsort": (lambda t, x: x.argsort(), [TIES]),
    "argsort_descending": (lambda t, x: t.argsort(x, 0, descending=True), [TIES]),
    "argsort_nan": (lambda t, x: x.argsort(descending=True), [NAN]),
    "argsort_nan_ascending": (lambda t, x: x.argsort(stable=True), [NAN]),
    "sort_int": (lambda t, x: x.sort(descending=True), [INTS]),
    "sort_bool": (lambda t, x: t.sort(x > 2, stable=True), [INTS]),
    "sort_uint8": (lambda t, x: x.byte().sort(descending=True), [INTS]),
    "sort_0d": (lambda t, x: x.sort(), [np.array(1.5, f32)]),
    "topk_int": (lambda t, x: x.topk(3), [np.array([5, 1, 9, 3])]),
    "unique": (lambda t, x: t.unique(x), [INTS]),
    "unique_all": (lambda t, x: t.unique(x, return_inverse=True, return_counts=True), [INTS]),
    "unique_float": (lambda t, x: x.unique(return_counts=True), [TIES]),
    "unique_dim": (lambda t, x: t.unique(x, dim=0, return_inverse=True),
                   [np.array([[3, 1], [3, 1], [0, 2]])]),
    "unique_consecutive": (lambda t, x: t.unique_consecutive(x, return_inverse=True, return_counts=True),
                           [INTS]),
    "unique_consecutive_dim": (lambda t, x: x.unique_consecutive(dim=1),
                               [np.array([[1, 1, 2], [3, 3, 4]])]),
    "searchsorted": (lambda t, s, v: t.searchsorted(s, v), [SEQ, np.array([[3.0, 6.0], [9.0, 0.0]], f32)]),
    "searchsorted_right": (lambda t, s, v: t.searchsorted(s, v, right=True, out_int32=True),
                           [SEQ, np.array([3.0, 7.0], f32)]),
    "searchsorted_side": (lambda t, s, v: t.searchsorted(s, v, side="right"), [SEQ, np.array([5.0], f32)]),
    "searchsorted_rows": (lambda t, s, v: t.searchsorted(s, v),
                          [np.array([[1, 3], [2, 4]]), np.array([[2], [3]])]),
    "bucketize": (lambda t, v, b: t.bucketize(v, b), [np.array([3, 6, 9]), np.array([1, 3, 5, 7])]),
    "bucketize_right": (lambda t, v, b: t.bucketize(v, b, right=True, out_int32=True), [SEQ, SEQ]),
    "histc": (lambda t, x: t.histc(x, bins=4, min=0, max=3), [np.array([1.0, 2.0, 1.0, 3.0, -1.0], f32)]),
    "histc_auto": (lambda t, x: x.histc(5), [np.array([1.0, 2.0, 1.0, 5.0], f32)]),
    "histc_constant": (lambda t, x: x.histc(4), [np.array([2.0, 2.0], f32)]),
    "bincount": (lambda t, x: t.bincount(x), [np.array([0, 1, 1, 3])]),
    "bincount_weights": (lambda t, x, w: x.bincount(w, minlength=6),
                         [np.array([0, 1, 1, 3]), np.array([0.5, 1.0, 1.0, 2.0], f32)]),
    # torch sums float weights in float, any other (half, integers) in double
    "bincount_half_weights": (lambda t, x, w: x.bincount(w.half()),
                              [np.array([0, 1, 1, 3]), np.array([0.5, 1.0, 1.0, 2.0], f32)]),
    "bincount_int_weights": (lambda t, x, w: x.bincount(w.int()),
                             [np.array([0, 1, 1, 3]), np.array([0.5, 1.0, 1.0, 2.0], f32)]),
    "histc_half": (lambda t, x: t.histc(x.half(), bins=4, min=0, max=3),
                   [np.array([1.0, 2.0, 1.0, 3.0, -1.0], f32)]),
    "count_nonzero": (lambda t, x: t.count_nonzero(x), [np.array([[0, 1], [2, 0]])]),
    "count_nonzero_dim": (lambda t, x: x.count_nonzero(dim=(0, 1)), [TIES - 2]),
    "all": (lambda t, x: t.all(x), [TIES]),
    "all_uint8": (lambda t, x: x.byte().all(), [INTS]),
    "any_dim": (lambda t, x: x.any(1, keepdim=True), [TIES - 1]),
    "all_dims": (lambda t, x: t.all(x > 0, dim=(0, 1)), [TIES]),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_against_torch(name):
    call, arrays = CALLS[name]
    assert_same(call, arrays, grad=False)


ERRORS = {
    "kthvalue_k": (lambda t, x: x.kthvalue(4, 1), [TIES[:, :3].copy()]),
    "topk_k": (lambda t, x: x.topk(5), [TIES]),
    "median_empty_dim": (lambda t, x: x.median(1), [np.zeros((1, 0), f32)]),
    "bincount_negative": (lambda t, x: t.bincount(x), [np.array([-1])]),
    "bincount_2d": (lambda t, x: t.bincount(x), [np.array([[1]])]),
    "histc_int": (lambda t, x: t.histc(x), [np.array([1, 2])]),
    "searchsorted_shapes": (lambda t, s, v: t.searchsorted(s, v), [np.array([[1, 2]]), np.array([1])]),
    "logcumsumexp_int": (lambda t, x: x.logcumsumexp(0), [np.array([1, 2])]),
    "quantile_q": (lambda t, x: x.quantile(1.5), [TIES]),
    "quantile_q_tensor": (lambda t, x: x.quantile(t.tensor([0.5, 1.5])), [TIES]),
    "quantile_int": (lambda t, x: x.quantile(0.5), [INTS]),
    "quantile_mode": (lambda t, x: x.quantile(0.5, interpolation="cubic"), [TIES]),
    "nanmean_int": (lambda t, x: x.nanmean(), [INTS]),
    "aminmax_empty": (lambda t, x: t.aminmax(x), [np.zeros(0, f32)]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    call, arrays = ERRORS[name]
    assert_same_error(call, *arrays)


@pytest.mark.parametrize("call", [lambda t, x: t.unique(x), lambda t, x: x.unique(dim=0),
                                  lambda t, x: x.unique_consecutive()],
                         ids=["unique", "unique_dim", "unique_consecutive"])
def test_unique_has_no_derivative(call):
    import torch

    import dyngrad
    errs = []
    for lib in (torch, dyngrad):
        x = lib.tensor(TIES, requires_grad=True)
        y = call(lib, x)
        assert type(y.grad_fn).__name__ == type(call(torch, torch.tensor(TIES, requires_grad=True)).grad_fn).__name__
        with pytest.raises(NotImplementedError) as e:
            y.sum().backward()
        errs.append(str(e.value))
    assert errs[0] == errs[1]

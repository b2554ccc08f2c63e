"""histogram and histogramdd against torch: bins as a count or as edges (sorted or not),
a range, weights, density, values on the edges and outside, NaN and infinities, empty
and constant inputs, out=, the errors, and the NotImplemented nodes torch records."""
import warnings

import numpy as np
import pytest

from .oracle import assert_same, assert_same_error

f32 = np.float32
X = np.array([1.0, 2, 1, 2.5, 4, 0.5, 3.99999], f32)      # ties on edges, the max closing
P = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.5, 1.5]], f32)
W = np.arange(7, dtype=f32)

def _float(result):
    """A bfloat16 histogram's tensors as float32 (exactly), which NumPy can compare."""
    hist, edges = result
    return hist.float(), *(e.float() for e in (edges if isinstance(edges, tuple) else (edges,)))


CASES = {
    "default_bins": lambda t, x: t.histogram(x),
    "bins": lambda t, x: t.histogram(x, 4),
    "range": lambda t, x: t.histogram(x, 4, range=(0.0, 3.0)),
    "range_inside": lambda t, x: x.histogram(3, range=(1.0, 2.5)),
    "weight": lambda t, x: t.histogram(x, 3, weight=t.tensor(W)),
    "density": lambda t, x: t.histogram(x, 3, density=True),
    "weight_density": lambda t, x: t.histogram(x, 3, weight=t.tensor(W), density=True),
    "zero_weights_density": lambda t, x: t.histogram(x, 2, density=True, weight=x * 0),
    "density_weights_summing_to_zero": lambda t, x: t.histogram(
        x[:2], 2, density=True, weight=t.tensor([1.0, -1.0])),
    "edges": lambda t, x: t.histogram(x, t.tensor([0.0, 1, 2.5, 4])),
    "edges_density": lambda t, x: t.histogram(x, t.tensor([0.0, 1, 2.5, 4]), density=True),
    "edges_repeated_density": lambda t, x: t.histogram(x, t.tensor([0.0, 1, 1, 4]), density=True),
    "one_bin": lambda t, x: t.histogram(x, 1),
    "edges_unsorted": lambda t, x: t.histogram(x, t.tensor([2.0, 1, 3])),
    "edges_one_bin": lambda t, x: t.histogram(x, t.tensor([1.0, 2.0])),
    # unsorted edges of several lengths: the binary search's own steps decide the bins
    "edges_unsorted_five": lambda t, x: t.histogram(x, t.tensor([1.0, 3, 2, 4, 2.5])),
    "edges_unsorted_eight": lambda t, x: t.histogram(
        t.tensor([3.0, 2, 2, 4, 3, 0.5, 4, 0]), t.tensor([2.0, 2.5, 3.5, 0, 0.5, 1, 4, 3])),
    "double": lambda t, x: t.histogram(x.double(), 3),
    "matrix_and_weights": lambda t, x: t.histogram(x[:6].reshape(2, 3), 3,
                                                   weight=t.tensor(W[:6]).reshape(3, 2)),
    "empty": lambda t, x: t.histogram(x[:0], 3),
    "empty_edges": lambda t, x: t.histogram(x[:0], t.tensor([1.0, 2])),
    "constant": lambda t, x: t.histogram(x * 0 + 2, 3),
    "zero_dim": lambda t, x: t.histogram(x[2], 2),
    "zero_dim_weight": lambda t, x: t.histogram(x[2], 2, weight=t.tensor(W)[3]),
    "edge_values": lambda t, x: t.histogram(t.tensor([0.0, 1, 2, 3]), 3),
    "dd": lambda t, p: t.histogramdd(p, bins=[3, 3], weight=t.tensor(W[:5])),
    "dd_range_density": lambda t, p: t.histogramdd(p, bins=[2, 2], range=[0.0, 1.0, 0.0, 1.0],
                                                   density=True),
    "dd_int_bins": lambda t, p: t.histogramdd(p, 2),
    "dd_edges": lambda t, p: t.histogramdd(p, [t.tensor([0.0, 1, 2]), t.tensor([0.0, 2])]),
    "dd_edges_density": lambda t, p: t.histogramdd(p, [t.tensor([0.0, 1, 2.5]), t.tensor([0.0, 0.5, 2])],
                                                    density=True),
    "dd_one_bin": lambda t, p: t.histogramdd(p, [1, 2]),
    "dd_3d_input": lambda t, p: t.histogramdd(t.cat([p, p]).reshape(2, 5, 2), [2, 3]),
    "dd_3d_input_weight": lambda t, p: t.histogramdd(t.cat([p, p]).reshape(2, 5, 2), [2, 3],
                                                     weight=t.ones(2, 5)),
    "dd_empty": lambda t, p: t.histogramdd(p[:0], [2, 3]),
    # float16 and bfloat16 count over given edges (torch rounds each weight's sum, and
    # each step of density, to the dtype); bin counts of them are refused (ERRORS)
    "edges_half_weight": lambda t, x: t.histogram(x.half(), t.tensor([0.0, 1, 2.5, 4]).half(),
                                                  weight=t.tensor(W).half() / 3),
    "edges_bf16_weight_density": lambda t, x: _float(t.histogram(
        x.bfloat16(), t.tensor([0.0, 1.3, 2.5, 4]).bfloat16(),
        weight=t.tensor(W).bfloat16() / 3, density=True)),
    "edges_bf16_density": lambda t, x: _float(t.histogram(
        x.bfloat16(), t.tensor([0.0, 0.3, 4]).bfloat16(), density=True)),
    "dd_edges_half": lambda t, p: t.histogramdd(p.half(), [t.tensor([0.0, 1, 2]).half()] * 2),
    "dd_edges_bf16_weight": lambda t, p: _float(t.histogramdd(
        p.bfloat16(), [t.tensor([0.0, 1, 2]).bfloat16()] * 2,
        weight=t.tensor(W[:5]).bfloat16() / 7)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values(name):
    if "bf16" in name:
        pytest.importorskip("ml_dtypes")
    arrays = [P] if name.startswith("dd") else [X]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # (NumPy's, of 0 / 0 and the like)
        assert_same(CASES[name], arrays, grad=False)


@pytest.mark.parametrize("name", ["zero_weights_density", "density_weights_summing_to_zero",
                                  "edges_repeated_density"])
def test_density_by_zero_warns_nothing(name):
    # 0 / 0 and 1 / 0 give NaN and inf, without NumPy's warnings (torch gives none)
    import dyngrad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CASES[name](dyngrad, dyngrad.tensor(X))


@pytest.mark.parametrize("weighted, density", [(True, False), (True, True), (False, True)])
def test_float32_sums_round_as_torch(weighted, density):
    # torch adds float32 weights one by one into a float32 histogram (a float64 sum rounded
    # once differs in the last bits; 150 values: fewer than torch splits among threads),
    # and divides by the total and the bin lengths in float32
    import dyngrad
    import torch
    rng = np.random.default_rng(0)
    v, w = (rng.random(150) * 4).astype(f32), (rng.random(150) * 7).astype(f32)
    got = [lib.histogram(lib.tensor(v), 3, weight=lib.tensor(w) if weighted else None,
                         density=density).hist.numpy() for lib in (torch, dyngrad)]
    np.testing.assert_array_equal(got[1], got[0])


def _names(res):
    flat = [x for r in res for x in (r if isinstance(r, tuple) else (r,))]
    return [None if t.grad_fn is None else t.grad_fn.name() for t in flat]


@pytest.mark.parametrize("name", ["bins", "edges", "dd", "dd_edges"])
def test_nodes(name):
    # torch records NotImplemented nodes (edges given as tensors come back as they are);
    # their backward raises in both (test_op_table's RAISES_IN_BACKWARD)
    import dyngrad
    import torch
    a = P if name.startswith("dd") else X
    got = [_names(CASES[name](lib, lib.tensor(a, requires_grad=True))) for lib in (torch, dyngrad)]
    assert got[0] == got[1]


def test_out():
    import dyngrad
    import torch
    got = [lib.histogram(lib.tensor(X), 3, out=(lib.empty(3), lib.empty(0)))
           for lib in (torch, dyngrad)]
    assert repr(got[0]) == repr(got[1])


ERRORS = {
    "int_input": lambda t, x: t.histogram(t.tensor([1, 2]), 3),
    "int_input_edges": lambda t, x: t.histogram(t.tensor([1, 2]), t.tensor([0, 1, 2])),
    "half_input": lambda t, x: t.histogram(x.half(), 3),
    "nan": lambda t, x: t.histogram(t.tensor([1.0, float("nan")]), 3),
    "inf": lambda t, x: t.histogram(t.tensor([1.0, float("inf")]), 3),
    "range_reversed": lambda t, x: t.histogram(x, 3, range=(3.0, 1.0)),
    "range_infinite": lambda t, x: t.histogram(x, 3, range=(0.0, float("inf"))),
    "range_length": lambda t, x: t.histogram(x, 3, range=(0.0,)),
    "range_with_edges": lambda t, x: t.histogram(x, t.tensor([0.0, 1]), range=(0, 1)),
    "zero_bins": lambda t, x: t.histogram(x, 0),
    "negative_bins": lambda t, x: t.histogram(x, -1),
    "one_edge": lambda t, x: t.histogram(x, t.tensor([1.0])),
    "no_edges": lambda t, x: t.histogram(x, t.tensor([])),
    "weight_shape": lambda t, x: t.histogram(x, 3, weight=t.ones(3)),
    "weight_dtype": lambda t, x: t.histogram(x, 3, weight=t.ones(7, dtype=t.float64)),
    "edges_dtype": lambda t, x: t.histogram(x, t.tensor([0.0, 1], dtype=t.float64)),
    "edges_2d": lambda t, x: t.histogram(x, t.tensor([[0.0, 1]])),
    "bins_type": lambda t, x: t.histogram(x, "a"),
    "dd_1d_input": lambda t, x: t.histogramdd(x, 2),
    "dd_1d_int_input": lambda t, x: t.histogramdd(x.long(), 2),
    "dd_bins_length": lambda t, x: t.histogramdd(x.reshape(7, 1), [2, 3]),
    "dd_edges_length": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), [t.tensor([0.0, 1])]),
    "dd_edges_length_3d": lambda t, x: t.histogramdd(x[:6].reshape(1, 3, 2), [t.tensor([0.0, 1])]),
    "dd_zero_bins": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), [2, 0]),
    "dd_one_edge": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), [t.tensor([0.0, 1]), t.tensor([1.0])]),
    "dd_edges_bf16_weight": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), [t.tensor([0.0, 1])] * 2,
                                                       weight=t.ones(3, dtype=t.bfloat16)),
    "dd_range_length": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), 2, range=[0.0, 1.0]),
    "dd_int_input": lambda t, x: t.histogramdd(x[:6].reshape(3, 2).long(), 2),
    "dd_empty_edges": lambda t, x: t.histogramdd(x[:6].reshape(3, 2),
                                                 [t.tensor([]), t.tensor([0.0, 2])]),
    "dd_type": lambda t, x: t.histogramdd(1),
    "bf16_input": lambda t, x: t.histogram(x.bfloat16(), 3),
    "bf16_input_weight": lambda t, x: t.histogram(x.bfloat16(), 3, weight=t.tensor(W).bfloat16()),
    "bf16_weight": lambda t, x: t.histogram(x, 3, weight=t.tensor(W).bfloat16()),
    "bf16_edges": lambda t, x: t.histogram(x, t.tensor([0.0, 1]).bfloat16()),
    "bf16_weight_with_edges": lambda t, x: t.histogram(x.bfloat16(), t.tensor([0.0, 1]).bfloat16(),
                                                       weight=t.tensor(W)),
    "half_weight_with_edges": lambda t, x: t.histogram(x.half(), t.tensor([0.0, 1]).half(),
                                                       weight=t.tensor(W)),
    "dd_bf16_input": lambda t, x: t.histogramdd(x[:6].reshape(3, 2).bfloat16(), 2),
    "dd_half_input": lambda t, x: t.histogramdd(x[:6].reshape(3, 2).half(), 2),
    "dd_bf16_weight": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), 2,
                                                 weight=t.ones(3, dtype=t.bfloat16)),
    "dd_bf16_edges": lambda t, x: t.histogramdd(x[:6].reshape(3, 2), [t.tensor([0.0, 1]).bfloat16()] * 2),
    "dd_int_input_edges": lambda t, x: t.histogramdd(x[:6].reshape(3, 2).long(),
                                                     [t.tensor([0, 1])] * 2),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    if "bf16" in name:
        pytest.importorskip("ml_dtypes")
    assert_same_error(ERRORS[name], X)

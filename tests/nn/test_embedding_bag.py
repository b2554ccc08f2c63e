"""F.embedding_bag and nn.EmbeddingBag against torch: every mode with empty bags, padding,
ties for max, per-sample weights, 2-D input, the last offset included, frequency scaling;
values, gradients of the weight and of the per-sample weights, node names, the raw op's
bookkeeping outputs, torch's errors, and the double backward torch does not have."""
import numpy as np
import pytest

import dyngrad
import torch

W = np.arange(18, dtype=np.float32).reshape(6, 3) / 7 - 1.0
W[4] = W[2]                                    # two equal rows: ties for max
IDX = [1, 2, 4, 5, 4, 3, 0, 2]
OFF = [0, 3, 3, 5]                             # bag 1 is empty
OFF_LAST = [0, 3, 3, 5, 8]                     # the same bags, the end given
PSW = np.linspace(-1, 1.5, 8, dtype=np.float32)

CASES = {f"{mode}{'' if pad is None else f'_pad{pad}'}{'_last' if last else ''}": dict(
    mode=mode, padding_idx=pad, include_last_offset=last, **({"off": OFF_LAST} if last else {}))
    for mode in ("sum", "mean", "max") for pad in (None, 0, 4, -1) for last in (False, True)}
CASES.update({
    "sum_weighted": dict(mode="sum", per_sample_weights=True),
    "sum_weighted_pad": dict(mode="sum", per_sample_weights=True, padding_idx=2),
    "mean_freq": dict(mode="mean", scale_grad_by_freq=True, padding_idx=4),
    "sum_freq": dict(mode="sum", scale_grad_by_freq=True),
    "sum_freq_repeats": dict(mode="sum", scale_grad_by_freq=True, idx=[3, 1, 3, 0, 5, 5, 5],
                             off=[0, 2, 4]),
    "mean_freq_repeats": dict(mode="mean", scale_grad_by_freq=True, idx=[2, 2, 1, 5, 0, 5],
                              off=[0, 1, 3]),
    "max_2d": dict(mode="max", two_d=True),
    "mean_2d_weighted_sum": dict(mode="sum", two_d=True, per_sample_weights=True),
    "mean_empty_input": dict(mode="mean", empty=True),
    "max_norm": dict(mode="mean", max_norm=1.0),
})
ERRORS = {
    "bad_index": dict(idx=[1, 9], off=[0]),
    "first_offset": dict(off=[1, 3]),
    "last_offset": dict(off=[0, 9]),
    "float_index": dict(float_idx=True),
    "weighted_mean": dict(mode="mean", per_sample_weights=True),
    "max_freq": dict(mode="max", scale_grad_by_freq=True),
    "bad_mode": dict(mode="median"),
    "2d_offsets": dict(two_d=True, off=[0]),
    "no_offsets": dict(off=None),
    "3d_input": dict(three_d=True),
    "weight_1d": dict(weight_1d=True),
    "weights_shape": dict(mode="sum", per_sample_weights=True, short_weights=True),
}


def _run(lib, case):
    case = dict(case)
    w = lib.tensor(W, requires_grad=True)
    idx, off = lib.tensor(case.pop("idx", IDX)), case.pop("off", OFF)
    off = None if off is None else lib.tensor(off)
    psw = lib.tensor(PSW, requires_grad=True) if case.pop("per_sample_weights", False) else None
    if case.pop("short_weights", False):
        psw = psw[:3]
    if case.pop("two_d", False):
        idx = idx.reshape(2, 4)
        psw = None if psw is None else lib.tensor(PSW.reshape(2, 4), requires_grad=True)
        off = case.pop("off", None) if off is None or len(off) != 4 else None
    if case.pop("empty", False):
        idx, off = idx[:0], lib.tensor([0, 0])
    if case.pop("float_idx", False):
        idx = idx.float()
    if case.pop("three_d", False):
        idx = idx.reshape(2, 2, 2)
    if case.pop("weight_1d", False):
        w = w[0]
    try:
        y = lib.nn.functional.embedding_bag(idx, w, off, per_sample_weights=psw, **case)
        y.backward(lib.tensor(np.linspace(-1, 1, y.numel(), dtype=np.float32).reshape(y.shape)))
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return type(e).__name__, str(e)
    return (y.detach().numpy(), w.grad.numpy(), None if psw is None else psw.grad.numpy(),
            y.grad_fn.name(), w.detach().numpy())


@pytest.mark.parametrize("name", list(CASES) + list(ERRORS))
def test_embedding_bag_matches_torch(name):
    case = CASES.get(name, ERRORS.get(name))
    want, got = _run(torch, case), _run(dyngrad, case)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[3] == want[3]
    for a, b in zip(got[:3] + got[4:], want[:3] + want[4:]):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


ROUNDING = {"mean": dict(mode="mean"), "mean_freq_pad": dict(mode="mean", scale_grad_by_freq=True,
                                                              padding_idx=3),
            "sum_weighted_freq": dict(mode="sum", scale_grad_by_freq=True, psw=True),
            "max": dict(mode="max")}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(ROUNDING))
def test_rounding_is_torch(name, dtype):
    """Bit for bit: torch adds each index's scaled gradient rows one at a time with fused
    multiply-adds (scales worked out in double), the indices sorted by std::sort (past 16
    of them the order among equal indices is its own), and its float kernel adds weighted
    rows forward with fused multiply-adds too. (The per-sample weights' gradient is a BLAS
    dot product, its summation order BLAS's: compared to a tolerance above.)"""
    r = np.random.default_rng(len(name))
    kw = dict(ROUNDING[name])
    idx, off = r.integers(0, 7, 60), [0, 17, 17, 40]
    w0, g = r.standard_normal((7, 5)).astype(dtype), r.standard_normal((4, 5)).astype(dtype)
    psw = r.standard_normal(60).astype(dtype) if kw.pop("psw", False) else None
    seen = []
    for lib in (torch, dyngrad):
        w = lib.tensor(w0, requires_grad=True)
        y = lib.nn.functional.embedding_bag(lib.tensor(idx), w, lib.tensor(off), **kw,
                                            per_sample_weights=None if psw is None else
                                            lib.tensor(psw))
        y.backward(lib.tensor(g))
        seen.append((y.detach().numpy(), w.grad.numpy()))
    for got, want in zip(*seen):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", [0, 1, 2])
def test_raw_op_bookkeeping(mode):
    outs = [lib.embedding_bag(lib.tensor(W), lib.tensor(IDX), lib.tensor(OFF), False, mode,
                              False, None, False, 4) for lib in (torch, dyngrad)]
    for want, got in zip(*outs):
        assert got.dtype == getattr(dyngrad, str(want.dtype).split(".")[1])
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("weighted", [False, True])
def test_no_double_backward(weighted):
    seen = []
    for lib in (torch, dyngrad):
        w = lib.tensor(W, requires_grad=True)
        psw = lib.tensor(PSW, requires_grad=True) if weighted else None
        y = lib.nn.functional.embedding_bag(lib.tensor(IDX), w, lib.tensor(OFF), mode="sum",
                                            per_sample_weights=psw)
        g = lib.autograd.grad((y * y).sum(), psw if weighted else w, create_graph=True)[0]
        try:
            g.sum().backward()
        except (RuntimeError, NotImplementedError) as e:
            seen.append((g.grad_fn.name(), type(e).__name__, str(e)))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_module_repr_and_init():
    for lib in (torch, dyngrad):
        lib.manual_seed(0)
    mods = [(lib.nn.EmbeddingBag(6, 3, mode="max", padding_idx=-2),
             lib.nn.EmbeddingBag.from_pretrained(lib.tensor(W), mode="sum"))
            for lib in (torch, dyngrad)]
    for want, got in zip(*mods):
        assert repr(got) == repr(want)
        np.testing.assert_array_equal(got.weight.detach().numpy(), want.weight.detach().numpy())
        assert got.weight.requires_grad == want.weight.requires_grad

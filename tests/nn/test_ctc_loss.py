"""ctc_loss against torch: every reduction, padded and concatenated targets, lengths as
lists and tensors, unbatched input, a blank other than 0 (and a target holding it),
impossible alignments with and without zero_infinity, empty targets and inputs, float32
and float64; losses, gradients, node names and torch's errors."""
import numpy as np
import pytest

import dyngrad
import torch

R = np.random.default_rng(0)
T, N, C = 8, 3, 5
LP = np.log(R.dirichlet(np.ones(C), (T, N)))
TG = np.array([[1, 2, 2, 4], [3, 1, 0, 0], [4, 4, 4, 4]])   # a repeat needs a blank between


def _ctc(t, lp, targets, input_lengths, target_lengths, **kw):
    return t.nn.functional.ctc_loss(lp, targets, input_lengths, target_lengths, **kw)


CASES = {
    "mean": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2, 4]),
    "none": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2, 4], reduction="none"),
    "sum": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2, 4], reduction="sum"),
    "blank_in_target": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 6, 8], [3, 2, 0], blank=2,
                                          reduction="none"),
    "concatenated": lambda t, lp: _ctc(t, lp, t.tensor([1, 2, 2, 3, 1, 4]), t.tensor([8, 7, 8]),
                                       t.tensor([3, 2, 1]), reduction="none"),
    "impossible": lambda t, lp: _ctc(t, lp, t.tensor(TG), [3, 7, 8], [3, 2, 4], reduction="none"),
    "zero_infinity": lambda t, lp: _ctc(t, lp, t.tensor(TG), [3, 7, 8], [3, 2, 4],
                                        zero_infinity=True),
    "zero_infinity_sum": lambda t, lp: _ctc(t, lp, t.tensor(TG), [3, 7, 8], [3, 2, 4],
                                            reduction="sum", zero_infinity=True),
    "unbatched": lambda t, lp: _ctc(t, lp[:, 0], t.tensor(TG[0, :3]), [8], [3]),
    "unbatched_none": lambda t, lp: _ctc(t, lp[:, 0], t.tensor(TG[0, :3]), t.tensor(8),
                                         t.tensor(3), reduction="none"),
    "int32_targets": lambda t, lp: _ctc(t, lp, t.tensor(TG).int(), [8, 7, 8], [3, 2, 4]),
    "float_targets": lambda t, lp: _ctc(t, lp, t.tensor(TG).float(), [8, 7, 8], [3, 2, 4]),
    "empty_input": lambda t, lp: _ctc(t, lp, t.tensor(TG), [0, 7, 8], [0, 2, 4],
                                      reduction="none"),
}
ERRORS = {
    "input_too_long": lambda t, lp: _ctc(t, lp, t.tensor(TG), [9, 7, 8], [3, 2, 4]),
    "target_too_long": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2, 5]),
    "concatenated_size": lambda t, lp: _ctc(t, lp, t.tensor([1, 2, 3]), [8, 7, 8], [3, 2, 4]),
    "targets_3d": lambda t, lp: _ctc(t, lp, t.tensor(TG)[None], [8, 7, 8], [3, 2, 4]),
    "log_probs_4d": lambda t, lp: _ctc(t, lp[None], t.tensor(TG), [8, 7, 8], [3, 2, 4]),
    "lengths_count": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7], [3, 2, 4]),
    "target_lengths_count": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2]),
    "blank_range": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2, 4], blank=5),
    "reduction": lambda t, lp: _ctc(t, lp, t.tensor(TG), [8, 7, 8], [3, 2, 4], reduction="avg"),
}


def _run(lib, call, dtype):
    lp = lib.tensor(LP.astype(dtype), requires_grad=True)
    try:
        y = call(lib, lp)
    except (RuntimeError, ValueError) as e:
        return type(e).__name__, str(e)
    g, = lib.autograd.grad(y, lp, lib.full_like(y, 0.7), create_graph=True)
    try:
        g.sum().backward()
        second = None
    except RuntimeError as e:
        second = str(e)
    return y.detach().numpy(), g.detach().numpy(), y.grad_fn.name(), g.grad_fn.name(), second


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(CASES) + list(ERRORS))
def test_ctc_loss_matches_torch(name, dtype):
    call = CASES.get(name) or ERRORS[name]
    want, got = _run(torch, call, dtype), _run(dyngrad, call, dtype)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[2:] == want[2:]
    rtol = 2e-5 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(got[0], want[0], rtol=rtol)
    np.testing.assert_allclose(got[1], want[1], rtol=rtol * 10, atol=rtol)


def test_ctc_loss_module():
    out = []
    for lib in (torch, dyngrad):
        m = lib.nn.CTCLoss(blank=4, reduction="sum", zero_infinity=True)
        out.append((repr(m), m(lib.tensor(LP), lib.tensor(TG[:, :3]), [8, 7, 8], [3, 2, 2]).item()))
    assert out[0][0] == out[1][0]
    np.testing.assert_allclose(out[1][1], out[0][1], rtol=1e-10)

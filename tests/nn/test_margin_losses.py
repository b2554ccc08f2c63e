"""multi_margin_loss and multilabel_margin_loss against torch: p, margin, class weights,
every reduction, a vector input, a hinge exactly at zero, repeated and -1-ended target
lists; values, gradients, node names, torch's errors, and the double backward neither has."""
import numpy as np
import pytest

import dyngrad
import torch

X = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
X[0, 2] = X[0, 1] - 1                        # margin - x[y] + x[i] is exactly 0 there
T = [1, 0, 3]
Y = [[1, 2, -1, 0], [3, -1, 0, 0], [0, 1, 2, 3]]
W = [1.0, 2.0, 0.5, 3.0]


def _mm(t, x, *args, **kw):
    return t.nn.functional.multi_margin_loss(x, *args, **kw)


def _ml(t, x, *args, **kw):
    return t.nn.functional.multilabel_margin_loss(x, *args, **kw)


CASES = {
    "mm": lambda t, x: _mm(t, x, t.tensor(T)),
    "mm_p2_margin_weight": lambda t, x: _mm(t, x, t.tensor(T), p=2, margin=0.5, weight=t.tensor(W)),
    "mm_none": lambda t, x: _mm(t, x, t.tensor(T), reduction="none"),
    "mm_sum_weight": lambda t, x: _mm(t, x, t.tensor(T), weight=t.tensor(W), reduction="sum"),
    "mm_vector": lambda t, x: _mm(t, x[0], t.tensor(2)),
    "mm_vector_none": lambda t, x: _mm(t, x[0], t.tensor([2]), reduction="none"),
    "mm_legacy": lambda t, x: _mm(t, x, t.tensor(T), size_average=False),
    "ml": lambda t, x: _ml(t, x, t.tensor(Y)),
    "ml_none": lambda t, x: _ml(t, x, t.tensor(Y), reduction="none"),
    "ml_sum": lambda t, x: _ml(t, x, t.tensor(Y), reduction="sum"),
    "ml_vector": lambda t, x: _ml(t, x[1], t.tensor(Y[1])),
    "ml_repeats": lambda t, x: _ml(t, x, t.tensor([[1, 1, -1, 0], [-1, 2, 0, 0], [3, 3, 3, 3]])),
}
ERRORS = {
    "mm_target_range": lambda t, x: _mm(t, x, t.tensor([1, 0, 4])),
    "mm_target_negative": lambda t, x: _mm(t, x, t.tensor([1, -1, 0])),
    "mm_target_size": lambda t, x: _mm(t, x, t.tensor([1, 0])),
    "mm_input_3d": lambda t, x: _mm(t, x.reshape(3, 2, 2), t.tensor(T)),
    "mm_p3": lambda t, x: _mm(t, x, t.tensor(T), p=3),
    "mm_weight_2d": lambda t, x: _mm(t, x, t.tensor(T), weight=t.ones(2, 2)),
    "mm_weight_size": lambda t, x: _mm(t, x, t.tensor(T), weight=t.ones(3)),
    "mm_float_target": lambda t, x: _mm(t, x, t.tensor([1.0, 0, 3])),
    "mm_bad_reduction": lambda t, x: _mm(t, x, t.tensor(T), reduction="avg"),
    "ml_target_range": lambda t, x: _ml(t, x, t.tensor(Y) * 2),
    "ml_target_size": lambda t, x: _ml(t, x, t.tensor(Y[:2])),
    "ml_float_target": lambda t, x: _ml(t, x, t.tensor(Y).float()),
}


def _run(lib, call):
    x = lib.tensor(X, requires_grad=True)
    try:
        y = call(lib, x)
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return type(e).__name__, str(e)
    g, = lib.autograd.grad(y, x, lib.full_like(y, 0.7), create_graph=True)
    try:
        g.sum().backward()
        second = None
    except RuntimeError as e:
        second = str(e)
    return y.detach().numpy(), g.detach().numpy(), y.grad_fn.name(), g.grad_fn.name(), second


@pytest.mark.parametrize("name", list(CASES) + list(ERRORS))
def test_margin_loss_matches_torch(name):
    call = CASES.get(name) or ERRORS[name]
    want, got = _run(torch, call), _run(dyngrad, call)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[2:] == want[2:]
    assert got[0].shape == want[0].shape
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6, atol=1e-7)


def test_modules():
    mods = [(lib.nn.MultiMarginLoss(p=2, margin=0.3, weight=lib.tensor(W)),
             lib.nn.MultiLabelMarginLoss(reduction="sum")) for lib in (torch, dyngrad)]
    outs = []
    for lib, (mm, ml) in zip((torch, dyngrad), mods):
        x = lib.tensor(X)
        outs.append((repr(mm), repr(ml), mm(x, lib.tensor(T)).item(), ml(x, lib.tensor(Y)).item()))
    assert outs[0][:2] == outs[1][:2]
    np.testing.assert_allclose(outs[1][2:], outs[0][2:], rtol=1e-6)

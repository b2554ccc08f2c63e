"""rrelu against torch, bit for bit: the slopes drawn in training from the same seed,
evaluation's mean slope, in place and not, float32 and float64, first and second
derivatives, node names, and torch's errors."""
import numpy as np
import pytest

import dyngrad
import torch

CASES = [(dtype, training, inplace, bounds)
         for dtype in ("float32", "float64") for training in (False, True)
         for inplace in (False, True) for bounds in ((1 / 8, 1 / 3), (0.3, 0.3), (0.5, 0.1))]


def _run(lib, dtype, training, inplace, bounds, seed=0):
    x = np.random.default_rng(seed).standard_normal((6, 7)).astype(dtype)
    x[0, :3] = 0.0                                     # the kink: zero takes a slope
    x = lib.tensor(x, requires_grad=True)
    lib.manual_seed(seed)
    try:
        y = lib.nn.functional.rrelu(x * 1 if inplace else x, *bounds, training, inplace)
    except RuntimeError as e:
        return type(e).__name__, str(e)
    g, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
    g.sum().backward()
    return (y.detach().numpy(), g.detach().numpy(), x.grad.numpy(), y.grad_fn.name(),
            g.grad_fn.name(), lib.rand(()).item())      # the stream after the draws


@pytest.mark.parametrize("dtype,training,inplace,bounds", CASES)
def test_rrelu_matches_torch(dtype, training, inplace, bounds):
    want, got = _run(torch, dtype, training, inplace, bounds), _run(dyngrad, dtype, training,
                                                                    inplace, bounds)
    if isinstance(want[0], str):
        assert got == want
        return
    for a, b in zip(got[:3], want[:3]):
        np.testing.assert_array_equal(a, b)
    assert got[3:] == want[3:]


@pytest.mark.parametrize("training", [False, True])
def test_integer_input_refused_as_torch(training):
    seen = []
    for lib in (torch, dyngrad):
        try:
            lib.rrelu(lib.tensor([1, -2]), training=training)
        except NotImplementedError as e:
            seen.append(str(e))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_module():
    mods = [lib.nn.RReLU(0.1, 0.3, inplace=True) for lib in (torch, dyngrad)]
    assert repr(mods[0]) == repr(mods[1])
    outs = []
    for lib, m in zip((torch, dyngrad), mods):
        lib.manual_seed(4)
        x = lib.tensor(np.linspace(-2, 2, 9, dtype=np.float32))
        outs.append((m(x.clone()).numpy(), m.eval()(x.clone()).numpy()))
    np.testing.assert_array_equal(outs[0], outs[1])

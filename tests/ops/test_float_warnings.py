"""torch is silent about inf * 0, inf - inf, 0 / 0, overflow and the like, in forwards and
backwards alike; NumPy warns unless told not to (NOTE [Floating-point warnings] in
_backend.py). The user's own NumPy code keeps its warnings."""
import warnings

import numpy as np
import pytest

from side_by_side import assert_same

INF, NAN = float("inf"), float("nan")


def _grad(lib, f, *values):
    x = lib.tensor(list(values), requires_grad=True)
    f(x).sum().backward()
    return x.grad


CASES = {
    "inf*0": lambda t: t.tensor([INF]) * 0,
    "inf*0 tensors": lambda t: t.tensor([INF, 1.]) * t.tensor([0., INF]),
    "inf-inf": lambda t: t.tensor([INF]) - t.tensor([INF]),
    "inf+-inf": lambda t: t.tensor([INF]) + t.tensor([-INF]),
    "0/0": lambda t: t.tensor([0.]) / t.tensor([0.]),
    "1//0": lambda t: t.tensor([1.]) // 0,
    "exp overflow": lambda t: t.tensor([1000.]).exp(),
    "mul overflow": lambda t: t.tensor([1e38]) * 10,
    "mean of inf-inf": lambda t: t.tensor([INF, -INF]).mean(),
    "matmul": lambda t: t.tensor([INF, 1.]) @ t.tensor([0., 1.]),
    "linear": lambda t: t.nn.functional.linear(t.tensor([INF, 0.]), t.tensor([[0., 1.]])),
    "mse": lambda t: t.nn.functional.mse_loss(t.tensor([INF]), t.tensor([INF])),
    "cumsum": lambda t: t.tensor([INF, -INF]).cumsum(0),
    "prod": lambda t: t.tensor([INF, 0.]).prod(),
    "lerp": lambda t: t.lerp(t.tensor([INF]), t.tensor([INF]), 0.5),
    "cosh": lambda t: t.tensor([1000.]).cosh(),
    "square": lambda t: t.tensor([1e200], dtype=t.float64).square(),
    "mul_ in place": lambda t: t.tensor([INF]).mul_(0),
    "sub_ in place": lambda t: t.tensor([INF]).sub_(t.tensor([INF])),
    "half sum overflow": lambda t: t.tensor([60000., 60000.], dtype=t.float16).sum(),
    "sqrt backward at 0": lambda t: _grad(t, lambda x: x.sqrt(), 0.),
    "log backward at 0": lambda t: _grad(t, lambda x: x.log(), 0.),
    "x/x backward at 0": lambda t: _grad(t, lambda x: x / x, 0., 1.),
    "inf*0 backward": lambda t: _grad(t, lambda x: x * INF, 0.),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_silent_as_torch(name):
    assert_same(CASES[name])


def test_numpy_outside_dyngrad_still_warns():
    import dyngrad
    (dyngrad.tensor([INF]) * 0).sum()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.array([INF]) * 0
    assert [w.category for w in caught] == [RuntimeWarning]
    assert np.geterr()["invalid"] == "warn"

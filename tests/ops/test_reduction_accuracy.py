"""Float32 reductions and scans over 10^6 elements, in ulps, against torch and against the
same op in float64.

torch sums in a cascade and accumulates its CPU scans in double; NumPy's float32 cumsum
accumulates in float32 and drifts hundreds of ulps over 10^6 elements. Where torch's own
float32 accumulation (vector lanes in a CPU-specific order: norm, softmax's denominator,
prod) puts it tens of ulps or more from the float64 result, dyngrad is checked to be no
further from that result than torch is, plus the same few ulps."""
import numpy as np
import pytest

import dyngrad
import torch

N = 10 ** 6
ULPS = 4
_rng = np.random.default_rng(0)
DATA = {"uniform": _rng.uniform(0, 1, N).astype(np.float32),
        "normal": _rng.standard_normal(N).astype(np.float32),
        "near_one": (1 + _rng.standard_normal(N) * 1e-6).astype(np.float32)}

# op -> the data it runs on (prod and cumprod near 1, where the product stays finite)
SAME_AS_TORCH = {
    "sum": (lambda t, x: x.sum(), ("uniform", "normal")),
    "mean": (lambda t, x: x.mean(), ("uniform", "normal")),
    "cumsum": (lambda t, x: x.cumsum(0), ("uniform", "normal")),
    "cumprod": (lambda t, x: t.cumprod(x, 0), ("near_one",)),
    "log_softmax": (lambda t, x: t.log_softmax(x, 0), ("uniform", "normal")),
    "logsumexp": (lambda t, x: t.logsumexp(x, 0), ("uniform", "normal")),
}
AS_CLOSE_AS_TORCH = {
    "norm": (lambda t, x: x.norm(), ("uniform", "normal")),
    "softmax": (lambda t, x: t.softmax(x, 0), ("uniform", "normal", "near_one")),
    "prod": (lambda t, x: x.prod(), ("near_one",)),
}


def _ulps(a, b):
    """The largest difference of two float32 results, in ulps of the larger magnitude."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    spacing = np.spacing(np.maximum(np.abs(a), np.abs(b)).astype(np.float32))
    return float(np.max(np.abs(a - b) / spacing))


def _run(call, data):
    x = DATA[data]
    ours = call(dyngrad, dyngrad.tensor(x)).numpy()
    theirs = call(torch, torch.tensor(x)).numpy()
    exact = call(torch, torch.tensor(x.astype(np.float64))).numpy()
    assert ours.dtype == theirs.dtype == np.float32
    return ours, theirs, exact


@pytest.mark.parametrize("op, data", [(op, d) for op, (_, ds) in SAME_AS_TORCH.items() for d in ds])
def test_within_ulps_of_torch(op, data):
    ours, theirs, _ = _run(SAME_AS_TORCH[op][0], data)
    assert _ulps(ours, theirs) <= ULPS


@pytest.mark.parametrize("op, data", [(op, d) for op, (_, ds) in AS_CLOSE_AS_TORCH.items()
                                      for d in ds])
def test_as_close_to_float64_as_torch(op, data):
    ours, theirs, exact = _run(AS_CLOSE_AS_TORCH[op][0], data)
    assert _ulps(ours, exact) <= _ulps(theirs, exact) + ULPS


HALF = (np.random.default_rng(1).standard_normal(1000) * 10).astype(np.float16)


@pytest.mark.parametrize("op", [lambda t, x: x.norm(), lambda t, x: x.norm(3),
                                lambda t, x: x.norm(1), lambda t, x: x.var(),
                                lambda t, x: x.reshape(10, 100).std(1),
                                lambda t, x: t.var_mean(x, 0)[0], lambda t, x: x.sum(),
                                lambda t, x: t.linalg.vector_norm(x, float("inf"))],
                         ids=["norm", "norm3", "norm1", "var", "std", "var_mean", "sum",
                              "norm_inf"])
def test_float16_accumulates_in_float32(op):
    # squares of float16 values past 256 overflow float16: torch sums them in float32
    want = op(torch, torch.from_numpy(HALF))
    got = op(dyngrad, dyngrad.from_numpy(HALF))
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())

"""The window functions, logspace and range against torch: lengths 0, 1, 2 and longer,
periodic and symmetric, float32 and float64, bases and reversed ends, the warnings and
errors."""
import warnings

import numpy as np
import pytest

import dyngrad
import torch

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("length", [0, 1, 2, 5, 8, 31])
@pytest.mark.parametrize("name", WINDOWS)
def test_window_matches_torch(name, length, periodic, dtype):
    want, got = (getattr(lib, name)(length, periodic, dtype=getattr(lib, dtype), requires_grad=True)
                 for lib in (torch, dyngrad))
    assert got.dtype == getattr(dyngrad, dtype) and got.requires_grad
    # (to the last bit or two: cos and i0 are NumPy's)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=2e-6,
                               atol=1e-7 if dtype == "float32" else 1e-15)


@pytest.mark.parametrize("call", ["hann_window(-1)", "hann_window(3, dtype=lib.int64)",
                                  "kaiser_window(3, dtype=lib.int32)"])
def test_window_errors(call):
    seen = []
    for lib in (torch, dyngrad):
        try:
            eval(call.replace("hann", "lib.hann").replace("kaiser", "lib.kaiser"))
        except RuntimeError as e:
            seen.append(str(e))
    assert len(seen) == 2 and seen[0] == seen[1]


LOGSPACE = [((0, 2, 5), {}), ((0, 2, 5), {"base": 2}), ((0, 2, 5), {"dtype": "int64"}),
            ((0, 2, 1), {}), ((0, 2, 0), {}), ((2.5, -1, 4), {"base": 3.0}),
            ((0, 1, 3), {"dtype": "float64"}), ((-1, 1, 101), {})]


@pytest.mark.parametrize("args,kw", LOGSPACE, ids=[str(c) for c in LOGSPACE])
def test_logspace_matches_torch(args, kw):
    out = []
    for lib in (torch, dyngrad):
        k = dict(kw, **({"dtype": getattr(lib, kw["dtype"])} if "dtype" in kw else {}))
        out.append(lib.logspace(*args, **k))
    assert str(out[1].dtype) == str(out[0].dtype)
    np.testing.assert_allclose(out[1].numpy(), out[0].numpy(), rtol=1e-15)


RANGES = [(0, 3), (1, 4, 0.5), (3, 0, -1), (0.1, 0.35, 0.1), (0, 3, 1, "int64"), (3, 0), (0, 3, 0)]


@pytest.mark.parametrize("args", RANGES, ids=[str(c) for c in RANGES])
def test_range_matches_torch(args):
    out = []
    for lib in (torch, dyngrad):
        dtype = {"dtype": getattr(lib, args[3])} if len(args) > 3 else {}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                r = lib.range(*args[:3], **dtype)
                out.append((r.numpy(), str(r.dtype), [str(c.message) for c in caught]))
            except RuntimeError as e:
                out.append(str(e))
    if isinstance(out[0], str):
        assert out[1] == out[0]
        return
    np.testing.assert_array_equal(out[1][0], out[0][0])
    assert out[1][1:] == out[0][1:]

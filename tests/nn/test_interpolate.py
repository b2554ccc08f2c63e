"""F.interpolate against torch over every mode, dimension, size/scale form, align_corners
and antialias setting: output values and dtypes, input gradients, node names, and torch's
errors (of the forward or of the backward)."""
import numpy as np
import pytest

import dyngrad
import torch

_MODES = {3: ["nearest", "nearest-exact", "linear", "area"],
          4: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
          5: ["nearest", "nearest-exact", "trilinear", "area"]}
_SHAPES = {3: (1, 2, 5), 4: (1, 2, 5, 6), 5: (1, 2, 3, 4, 5)}
# sizes that grow, shrink, keep, double and collapse to one
_SIZES = {3: [(9,), (3,), (5,), (10,), (1,)], 4: [(9, 4), (3, 13), (5, 6), (10, 12), (1, 7)],
          5: [(4, 6, 7), (2, 3, 2), (6, 8, 10)]}


def _corners(mode):
    return [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]


def _cases():
    for ndim, modes in _MODES.items():
        for mode in modes:
            for ac in _corners(mode):
                for size in _SIZES[ndim]:
                    yield ndim, mode, dict(size=size, align_corners=ac)
                for sf in (1.7, 0.6, 2.0, 3.0):
                    for rs in (None, True):
                        yield ndim, mode, dict(scale_factor=sf, align_corners=ac,
                                               recompute_scale_factor=rs)
    for mode in ("bilinear", "bicubic", "lanczos"):
        for ac in ([False] if mode == "lanczos" else [False, True]):
            for size in [(2, 3), (9, 4), (3, 13), (1, 1), (5, 6)]:
                yield 4, mode, dict(size=size, align_corners=ac, antialias=True)
        for sf in (0.3, 0.6, 2.5):
            yield 4, mode, dict(scale_factor=sf, antialias=True)


def _spike(n, at):
    x = np.zeros((1, 1, 1, n))
    x[..., at] = 1e30
    return x


# where a matrix builder's branch turns: torch's float32 source index (7 pixels by 0.6:
# 3 * float32(1 / 0.6) rounds up to 5, and nearest-exact's (1 + 0.5) * float32(1 / 0.3)
# to 5 once made float32), the index that float32 rounding lifts to the input's size
# (clamped: 6556022 pixels from one), a lanczos tap at exactly 3 (12 pixels to 4: weight
# 0, so a spike there stays unseen); sizes below 1 and empty inputs (refused but for an
# empty batch), and the half types an antialiased copy takes forward but not backward
_SHAPED = [
    (np.linspace(-1, 1, 14, dtype=np.float32).reshape(1, 2, 7), "nearest", dict(scale_factor=0.6)),
    (np.linspace(-1, 1, 14, dtype=np.float32).reshape(1, 2, 7), "nearest-exact",
     dict(scale_factor=0.3)),
    (np.full((1, 1, 1), 1.5, np.float32), "nearest-exact", dict(size=6556022)),
    (_spike(12, 10), "lanczos", dict(size=(1, 4), antialias=True)),
    (np.ones((1, 2, 1), np.float32), "linear", dict(scale_factor=0.5)),
    (np.ones((1, 2, 1, 3), np.float32), "bicubic", dict(scale_factor=0.4, antialias=True)),
    (np.ones((1, 2, 3, 3, 3), np.float32), "nearest", dict(size=(2, 0, 2))),
    (np.ones((1, 2, 3), np.float32), "nearest-exact",
     dict(scale_factor=0.3, recompute_scale_factor=True)),
    (np.ones((1, 2, 0, 3), np.float32), "bilinear", dict(size=(2, 2))),
    (np.ones((1, 0, 3), np.float32), "linear", dict(size=2)),
    (np.ones((1, 0, 3, 3), np.float32), "bilinear", dict(size=(3, 3), antialias=True)),
    (np.ones((0, 2, 3, 3, 3), np.float32), "trilinear", dict(size=(2, 4, 2))),
    (np.ones((1, 2, 0), np.float32), "area", dict(size=2)),
    (np.ones((1, 2, 3, 3), np.float16), "bicubic", dict(size=(3, 3), antialias=True)),
    (np.ones((1, 2, 3, 3), np.float16), "lanczos", dict(size=(3, 2), antialias=True)),
]

_ERRORS = [
    (3, "bilinear", dict(size=4)), (4, "linear", dict(size=4)), (5, "bilinear", dict(size=4)),
    (4, "trilinear", dict(size=4)), (3, "trilinear", dict(size=4)), (5, "linear", dict(size=4)),
    (4, "bogus", dict(size=4)), (4, "nearest", dict(size=(2, 3, 4))),
    (4, "nearest", dict(scale_factor=(2.0,))), (4, "nearest", dict(size=(2.0, 3))),
    (4, "nearest", dict(size=3, scale_factor=2.0)), (4, "nearest", dict()),
    (4, "area", dict(size=3, align_corners=True)),
    (4, "bilinear", dict(size=3, recompute_scale_factor=True)),
    (3, "linear", dict(size=3, antialias=True)), (4, "nearest", dict(size=3, antialias=True)),
    (4, "lanczos", dict(size=3)), (4, "lanczos", dict(size=3, antialias=True, align_corners=True)),
]


def _run(lib, x, mode, kw):
    """``x``: the input array, or a rank (random values of _SHAPES' shape)."""
    if not isinstance(x, np.ndarray):
        x = np.random.default_rng(x).standard_normal(_SHAPES[x]).astype(np.float32)
    t = lib.tensor(x, requires_grad=True)
    try:
        y = lib.nn.functional.interpolate(t, mode=mode, **kw)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e)
    n = int(np.prod(y.shape))
    # (ones over millions of pixels: exact in float32 whatever the order of summation)
    g = (np.linspace(-1, 1, n) if n < 2 ** 20 else np.ones(n)).astype(x.dtype)
    g = g.reshape(tuple(y.shape))
    try:
        y.backward(lib.tensor(g))
        grad = t.grad.numpy()
    except Exception as e:  # noqa: BLE001 - a backward kernel torch lacks
        grad = type(e).__name__, str(e)
    return y.detach().numpy(), grad, type(y.grad_fn).__name__, str(y.dtype)


def _id(v):
    return f"{v.dtype}{list(v.shape)}" if isinstance(v, np.ndarray) else str(v).replace(" ", "")


@pytest.mark.parametrize("x,mode,kw", list(_cases()) + _SHAPED + _ERRORS, ids=_id)
def test_interpolate_matches_torch(x, mode, kw):
    want, got = _run(torch, x, mode, kw), _run(dyngrad, x, mode, kw)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[2:] == want[2:]
    assert got[0].shape == want[0].shape
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=2e-6)
    if isinstance(want[1], tuple):
        assert got[1] == want[1]
    else:
        np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=4e-6)

"""F.interpolate against torch over every mode, dimension, size/scale form, align_corners
and antialias setting: output values, input gradients, node names, and torch's errors."""
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


def _run(lib, ndim, mode, kw):
    x = np.random.default_rng(ndim).standard_normal(_SHAPES[ndim]).astype(np.float32)
    t = lib.tensor(x, requires_grad=True)
    try:
        y = lib.nn.functional.interpolate(t, mode=mode, **kw)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e)
    g = np.linspace(-1, 1, int(np.prod(y.shape)), dtype=np.float32).reshape(tuple(y.shape))
    y.backward(lib.tensor(g))
    return y.detach().numpy(), t.grad.numpy(), type(y.grad_fn).__name__


@pytest.mark.parametrize("ndim,mode,kw", list(_cases()) + _ERRORS,
                         ids=lambda v: str(v).replace(" ", ""))
def test_interpolate_matches_torch(ndim, mode, kw):
    want, got = _run(torch, ndim, mode, kw), _run(dyngrad, ndim, mode, kw)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[2] == want[2]
    assert got[0].shape == want[0].shape
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=2e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=4e-6)

"""F.grid_sample and F.affine_grid against torch: every mode, padding and align_corners
setting in 2-D and 3-D, with grid points inside, on pixel centres and borders, and far
outside; values, gradients of the input and of the grid, node names, warnings and errors."""
import warnings

import numpy as np
import pytest

import dyngrad
import torch

R = np.random.default_rng(5)
X4 = R.standard_normal((2, 3, 4, 5))
X5 = R.standard_normal((1, 2, 3, 4, 5))


def _grid(shape, spread):
    g = R.uniform(-spread, spread, shape)
    g.flat[:6] = [-1.0, 1.0, 0.0, 0.25, -0.75, 1.5]      # borders, centres and beyond
    g.flat[6:10] = [3.5, -5.5, 6.2, -3.9]   # reflected two to four times
    return g


G4 = _grid((2, 3, 6, 2), 1.6)
G5 = _grid((1, 2, 3, 4, 3), 1.6)
SETTINGS = [(m, p, a) for m in ("bilinear", "nearest", "bicubic")
            for p in ("zeros", "border", "reflection") for a in (False, True)]
CASES = [("2d", X4, G4) + s for s in SETTINGS] + [
    ("3d", X5, G5) + s for s in SETTINGS if s[0] != "bicubic"] + [
    ("2d_single_pixel", X4[:, :, :1, :1], G4) + s for s in SETTINGS[:6]]


def _run(lib, x, g, mode, padding, align, dtype="float32"):
    xt = lib.tensor(x.astype(dtype), requires_grad=True)
    gt = lib.tensor(g.astype(dtype), requires_grad=True)
    y = lib.nn.functional.grid_sample(xt, gt, mode, padding, align_corners=align)
    w = np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)).astype(dtype)
    y.backward(lib.tensor(w))
    return y.detach().numpy(), xt.grad.numpy(), gt.grad.numpy(), y.grad_fn.name()


@pytest.mark.parametrize("name,x,g,mode,padding,align", CASES,
                         ids=[f"{c[0]}-{c[3]}-{c[4]}-{c[5]}" for c in CASES])
def test_grid_sample_matches_torch(name, x, g, mode, padding, align):
    want, got = _run(torch, x, g, mode, padding, align), _run(dyngrad, x, g, mode, padding, align)
    assert got[3] == want[3]
    for a, b in zip(got[:3], want[:3]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_planar_forward_rounds_as_torch(mode, dtype):
    """2-D bilinear and nearest, bit for bit: torch's kernel order, with its fused
    multiply-adds in float and double and a rounding after every step in bfloat16."""
    results = []
    for lib in (torch, dyngrad):
        x, g = (lib.tensor(a.astype(np.float32 if dtype == "bfloat16" else dtype)).to(
            getattr(lib, dtype)) for a in (X4, G4))
        results.append([lib.nn.functional.grid_sample(x, g, mode, padding, align_corners=align)
                        .float().numpy() for padding in ("zeros", "border", "reflection")
                        for align in (False, True)])
    for got, want in zip(*results):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
def test_grid_gradient_is_the_derivative(mode, padding):
    # central differences in float64 at points away from the kinks of the weights
    x, g = X4[:1, :2], R.uniform(-0.9, 0.9, (1, 2, 3, 2))
    _, _, analytic, _ = _run(dyngrad, x, g, mode, padding, False, "float64")
    w = np.linspace(-1, 1, 2 * 2 * 3).reshape(1, 2, 2, 3)

    def f(grid):
        y = dyngrad.nn.functional.grid_sample(dyngrad.tensor(x), dyngrad.tensor(grid), mode,
                                              padding, align_corners=False)
        return float((y.numpy() * w).sum())
    numeric = np.zeros_like(g)
    for i in np.ndindex(g.shape):
        e = np.zeros_like(g)
        e[i] = 1e-6
        numeric[i] = (f(g + e) - f(g - e)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


ERRORS = {
    "dtype": lambda t, x, g: (x, g.double()),
    "batch": lambda t, x, g: (x, g[:1]),
    "grid_3d": lambda t, x, g: (x, g[0]),
    "last_dim": lambda t, x, g: (x, t.cat([g, g[..., :1]], -1)),
    "input_3d": lambda t, x, g: (x[0], g[0]),
    "empty": lambda t, x, g: (x[:, :, :0], g),
    "int_input": lambda t, x, g: (x.int(), g.int()),
    "input_6d": lambda t, x, g: (x[..., None, None], t.cat([g, g], -1)[..., None, None, :]),
}


@pytest.mark.parametrize("name", list(ERRORS) + ["bad_mode", "bad_padding", "bicubic_3d"])
def test_grid_sample_errors(name):
    seen = []
    for lib in (torch, dyngrad):
        x, g = lib.tensor(X4.astype(np.float32)), lib.tensor(G4.astype(np.float32))
        kw = {"align_corners": False}
        if name in ERRORS:
            x, g = ERRORS[name](lib, x, g)
        elif name == "bicubic_3d":
            x, g, kw["mode"] = lib.tensor(X5.astype(np.float32)), lib.tensor(
                G5.astype(np.float32)), "bicubic"
        else:
            kw["mode" if name == "bad_mode" else "padding_mode"] = "bogus"
        try:
            lib.nn.functional.grid_sample(x, g, **kw)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            seen.append((type(e).__name__, str(e)))
    assert len(seen) == 2 and seen[0] == seen[1]


AFFINE = [((2, 3, 4, 5), False), ((2, 3, 4, 5), True), ((2, 1, 1, 5), True),
          ((2, 1, 1, 1), False), ((2, 2, 3, 4, 5), False), ((2, 2, 3, 1, 5), True)]


@pytest.mark.parametrize("size,align", AFFINE, ids=[str(a) for a in AFFINE])
def test_affine_grid_matches_torch(size, align):
    k = len(size) - 2
    theta = R.standard_normal((2, k, k + 1))
    out = []
    for lib in (torch, dyngrad):
        th = lib.tensor(theta.astype(np.float32), requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grid = lib.nn.functional.affine_grid(th, size, align_corners=align)
        w = np.linspace(-1, 1, grid.numel()).reshape(tuple(grid.shape)).astype(np.float32)
        grid.backward(lib.tensor(w))
        out.append((grid.detach().numpy(), th.grad.numpy(), grid.grad_fn.name(),
                    [str(c.message) for c in caught]))
    want, got = out
    assert got[2:] == want[2:]
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("theta_shape,size", [((2, 3, 3), (2, 3, 4, 5)), ((2, 2, 3), (2, 3, 4)),
                                              ((2, 2, 3), (2, 3, 0, 5)), ((3, 2, 3), (2, 3, 4, 5))])
def test_affine_grid_errors(theta_shape, size):
    seen = []
    for lib in (torch, dyngrad):
        try:
            lib.nn.functional.affine_grid(lib.zeros(theta_shape), size, align_corners=False)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            seen.append((type(e).__name__, str(e)))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_default_align_corners_warns_as_torch():
    caught = []
    for lib in (torch, dyngrad):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.functional.grid_sample(lib.tensor(X4.astype(np.float32)),
                                          lib.tensor(G4.astype(np.float32)))
        caught.append([(c.category, str(c.message)) for c in w])
    assert caught[0] == caught[1] and caught[0]

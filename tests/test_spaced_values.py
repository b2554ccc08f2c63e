"""linspace, arange and float32 logspace give torch's values bit for bit: torch's kernels fuse each
start + i * step into one rounding (and arange restarts the count at each vector of a
run), which the plain NumPy formula does not; affine_grid, built on linspace, then puts
its points exactly where torch's are, so bilinear sampling takes the same side of every
pixel centre."""
import pytest

from tests.side_by_side import assert_same

LINSPACE = [(-1, 1, 7), (-1, 1, 40), (0, 1, 100), (-3.3, 7.1, 1000), (2, -5, 333),
            (-1e-3, 1e3, 777), (0, 10, 37), (5, 5, 4), (1, 0, 10), (0.1, 0.7, 9), (0, 1, 0),
            (-7.3, 12.9, 2049)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_linspace_values(dtype):
    assert_same(lambda lib: [lib.linspace(a, b, n, dtype=getattr(lib, dtype))
                             for a, b, n in LINSPACE])


ARANGE = [(0, 1, 0.1), (-3.3, 7.1, 0.37), (0, 100, 0.7), (5, -3, -0.3), (1, 2, 1 / 3),
          (-9.7, 31.2, 0.113), (0, 1000, 1), (-7, 300, 3), (0.5, 17.5, 1)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_arange_values(dtype):
    assert_same(lambda lib: [lib.arange(a, b, s, dtype=getattr(lib, dtype))
                             for a, b, s in ARANGE])


@pytest.mark.parametrize("base", [10.0, 2.0, 2.718281828459045])
def test_float32_logspace_values(base):
    assert_same(lambda lib: [lib.logspace(a, b, n, base=base) for a, b, n in LINSPACE
                             if abs(a) < 30 and abs(b) < 30])


@pytest.mark.parametrize("n", [7, 8, 16, 23])
@pytest.mark.parametrize("align_corners", [False, True])
def test_identity_affine_grid_samples_at_the_same_points(n, align_corners):
    def case(lib, grad):
        lib.manual_seed(0)
        x = lib.rand(2, 1, n, n)
        theta = lib.tensor([[1., 0, 0], [0, 1, 0]]).repeat(2, 1, 1).requires_grad_()
        grid = lib.nn.functional.affine_grid(theta, [2, 1, n, n], align_corners=align_corners)
        out = lib.nn.functional.grid_sample(x, grid, align_corners=align_corners)
        (out * lib.arange(2 * n * n, dtype=lib.float32).view(2, 1, n, n)).sum().backward()
        return (out, theta.grad) if grad else grid
    # the grid exactly; the samples and theta's gradient to float32 rounding (a point a
    # rounding off a pixel centre would take the slope of the other side: far off)
    assert_same(lambda lib: case(lib, False))
    assert_same(lambda lib: case(lib, True), rtol=2e-5, atol=1e-3)

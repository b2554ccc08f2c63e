"""torch.fft against torch: values for every transform, size and normalisation, and first
derivatives by value (torch's second-order graphs go through view_as_real and in-place
writes where these use a real-part entry and a product).

The losses take abs() of the complex spectra; the second derivative through abs() of a
complex tensor needs sgn's complex derivative, which pointwise.py does not have yet (it
gives zeros there), so second order is compared on real outputs only (irfft)."""
import numpy as np
import pytest
import torch

import dyngrad
from dyngrad.ops import fft as F

from .oracle import finite_difference_check, record

f32 = np.float32
rng = np.random.default_rng(5)
V = rng.standard_normal(6).astype(f32)
V5 = rng.standard_normal(5).astype(f32)
M = rng.standard_normal((3, 4)).astype(f32)
C = (rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))).astype(np.complex64)


def _abs(ys):
    ys = ys if isinstance(ys, (list, tuple)) else [ys]
    return [y.abs() if y.is_complex() else y for y in ys]


CASES = {
    "fft": (lambda t, x: t.fft.fft(x), [V]),
    "fft_n_pad": (lambda t, x: t.fft.fft(x, n=8), [V]),
    "fft_n_trim": (lambda t, x: t.fft.fft(x, n=4, norm="ortho"), [V]),
    "ifft": (lambda t, x: t.fft.ifft(x), [V5]),
    "ifft_complex": (lambda t, x: t.fft.ifft(t.fft.fft(x), norm="forward"), [V]),
    "rfft": (lambda t, x: t.fft.rfft(x), [V]),
    "rfft_odd": (lambda t, x: t.fft.rfft(x, norm="ortho"), [V5]),
    "irfft": (lambda t, x: t.fft.irfft(t.fft.rfft(x)), [V]),
    "irfft_n": (lambda t, x: t.fft.irfft(t.fft.rfft(x), n=5), [V5]),
    "fft2": (lambda t, x: t.fft.fft2(x), [M]),
    "ifft2": (lambda t, x: t.fft.ifft2(x, norm="ortho"), [M]),
    "rfft2": (lambda t, x: t.fft.rfft2(x), [M]),
    "irfft2": (lambda t, x: t.fft.irfft2(t.fft.rfft2(x), s=(3, 4)), [M]),
    "fftn": (lambda t, x: t.fft.fftn(x, dim=(0,)), [M]),
    "rfftn": (lambda t, x: t.fft.rfftn(x, s=(2, 6)), [M]),
    "irfftn": (lambda t, x: t.fft.irfftn(t.fft.fftn(x), norm="forward"), [M]),
    "fftshift": (lambda t, x: t.fft.fftshift(x), [M]),
    "ifftshift": (lambda t, x: t.fft.ifftshift(x, dim=1), [M]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    call, arrays = CASES[name]
    full = lambda t, *xs: _abs(call(t, *xs))  # noqa: E731
    want, got = record(torch, full, arrays), record(dyngrad, full, arrays)
    keys = ("forward", "backward", "grad", "grad2") if name.startswith("irfft") else \
        ("forward", "backward", "grad")
    for key in keys:
        assert (key in want) == (key in got), key
        for i, (a, b) in enumerate(zip(want.get(key, ()), got.get(key, ()))):
            assert a["dtype"] == b["dtype"] and a["shape"] == b["shape"], f"{key}[{i}]"
            np.testing.assert_allclose(b["value"], a["value"], rtol=2e-4, atol=2e-5,
                                       err_msg=f"{key}[{i}]")


@pytest.mark.parametrize("name", ["fft", "rfft_odd", "irfft", "irfft2", "ifft"])
def test_finite_differences(name):
    call, arrays = CASES[name]
    finite_difference_check(lambda t, *xs: _abs(call(t, *xs)), arrays)


def test_complex_values_and_names():
    for fn in ("fft", "ifft", "fft2", "fftn", "ifftn"):
        want = getattr(torch.fft, fn)(torch.tensor(C))
        got = getattr(dyngrad.fft, fn)(dyngrad.tensor(C))
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    x_t, x_d = torch.tensor(V, requires_grad=True), dyngrad.tensor(V, requires_grad=True)
    for fn in ("fft", "rfft"):
        assert type(getattr(dyngrad.fft, fn)(x_d).grad_fn).__name__ == \
            type(getattr(torch.fft, fn)(x_t).grad_fn).__name__
    assert type(dyngrad.fft.irfft(dyngrad.fft.rfft(x_d)).grad_fn).__name__ == "FftC2RBackward0"


def test_freq():
    for n, d in ((5, 1.0), (6, 0.5)):
        np.testing.assert_allclose(dyngrad.fft.fftfreq(n, d).numpy(), torch.fft.fftfreq(n, d).numpy())
        np.testing.assert_allclose(dyngrad.fft.rfftfreq(n, d).numpy(), torch.fft.rfftfreq(n, d).numpy())
    assert str(dyngrad.fft.fftfreq(4, dtype=dyngrad.float64).dtype) == "torch.float64"


def test_errors():
    errs = []
    for lib in (torch, dyngrad):
        with pytest.raises(RuntimeError) as e:
            lib.fft.fft(lib.tensor(V), norm="bad")
        errs.append(str(e.value))
    assert errs[0] == errs[1]


# the entries test_op_table leaves to this file
TESTED_BY_VALUE = {F.fft_c2c, F.fft_r2c, F.fft_c2r, F.real_op}

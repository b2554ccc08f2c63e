"""torch.fft against torch: values for every transform, size and normalisation, and first
derivatives by value (torch's second-order graphs go through view_as_real and in-place
writes where these use a real-part entry and a product).

The losses take abs() of the complex spectra; the second derivative through abs() of a
complex tensor needs sgn's complex derivative, which pointwise.py does not have yet (it
gives zeros there), so second order is compared on real outputs only (irfft)."""
import warnings

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
    # Hermitian transforms: a real input made complex (ToCopyBackward0), a complex one,
    # trimmed and padded sizes, every normalisation, one and several dims
    "hfft": (lambda t, x: t.fft.hfft(x), [V]),
    "hfft_complex_n": (lambda t, x: t.fft.hfft(t.fft.fft(x), n=7, norm="ortho"), [V]),
    "hfft2": (lambda t, x: t.fft.hfft2(x, s=(2, 5)), [M]),
    "hfftn": (lambda t, x: t.fft.hfftn(t.fft.fft(x), dim=(1, 0), norm="forward"), [M]),
    "ihfft": (lambda t, x: t.fft.ihfft(x, n=4), [V5]),
    "ihfft2": (lambda t, x: t.fft.ihfft2(x, norm="ortho"), [M]),
    "ihfftn": (lambda t, x: t.fft.ihfftn(x, s=(4, 3), norm="forward"), [M]),
    "fftshift": (lambda t, x: t.fft.fftshift(x), [M]),
    "ifftshift": (lambda t, x: t.fft.ifftshift(x, dim=1), [M]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    call, arrays = CASES[name]
    full = lambda t, *xs: _abs(call(t, *xs))  # noqa: E731
    want, got = record(torch, full, arrays), record(dyngrad, full, arrays)
    keys = ("forward", "backward", "grad", "grad2", "grad2_plain") if name.startswith(("irfft", "hfft")) else \
        ("forward", "backward", "grad")
    for key in keys:
        assert (key in want) == (key in got), key
        for i, (a, b) in enumerate(zip(want.get(key, ()), got.get(key, ()))):
            assert a["dtype"] == b["dtype"] and a["shape"] == b["shape"], f"{key}[{i}]"
            np.testing.assert_allclose(b["value"], a["value"], rtol=2e-4, atol=2e-5,
                                       err_msg=f"{key}[{i}]")


@pytest.mark.parametrize("name", ["fft", "rfft_odd", "irfft", "irfft2", "ifft", "hfft2",
                                  "hfftn", "ihfft", "ihfftn"])
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


ERRORS = [
    lambda t: t.fft.fft(t.tensor(V), norm="bad"),
    lambda t: t.fft.hfft(t.tensor(V), norm="x"),
    lambda t: t.fft.ihfft(t.tensor(C)),
    lambda t: t.fft.ihfft2(t.tensor(C)),
    lambda t: t.fft.hfft(t.tensor(C)[:, :1]),
    lambda t: t.fft.hfft(t.tensor(C), n=0),
    lambda t: t.fft.hfftn(t.tensor(C), dim=()),
    lambda t: t.fft.ihfftn(t.tensor(M), dim=()),
    lambda t: t.fft.hfft(t.tensor(1.0)),
    lambda t: t.fft.fft2(t.tensor(1.0)),
    lambda t: t.fft.fft(t.tensor(V).half()),
    lambda t: t.fft.rfft(t.tensor(V).bfloat16()),
    # out=: the output's kind, then autograd's refusal
    lambda t: t.fft.fft(t.tensor(V), out=t.empty(6)),
    lambda t: t.fft.fft2(t.tensor(M), out=t.empty(6)),
    lambda t: t.fft.hfft(t.tensor(V), out=t.empty(10, dtype=t.complex64)),
    lambda t: t.fft.fft(t.tensor(V, requires_grad=True), out=t.empty(6, dtype=t.complex64)),
    lambda t: t.fft.irfft(t.tensor(C, requires_grad=True), out=t.empty(6)),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors(k):
    errs = []
    for lib in (torch, dyngrad):
        with pytest.raises((RuntimeError, IndexError)) as e:
            ERRORS[k](lib)
        errs.append((type(e.value), str(e.value)))
    assert errs[0] == errs[1]


@pytest.mark.parametrize("name, dtype, shape", [("fft", "complex64", (6,)),
                                                ("rfft", "complex128", (3,)),
                                                ("hfft", "float32", (10,)),
                                                ("ihfft", "complex64", (0,)),
                                                ("irfft", "float64", (2, 5))])
def test_out(name, dtype, shape):
    # written into the out tensor (resized, with torch's warning unless it was empty) and
    # returned
    seen = []
    for lib in (torch, dyngrad):
        out = lib.empty(shape, dtype=getattr(lib, dtype))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = getattr(lib.fft, name)(lib.tensor(V), out=out)
        assert r is out
        seen.append((str(r.dtype), tuple(r.shape), len(w), r.detach().numpy()))
    assert seen[0][:3] == seen[1][:3]
    np.testing.assert_allclose(seen[1][3], seen[0][3], rtol=1e-5, atol=1e-6)


# the entries test_op_table leaves to this file
TESTED_BY_VALUE = {F.fft_c2c, F.fft_r2c, F.fft_c2r, F.real_op}

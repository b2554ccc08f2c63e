"""stft and istft against torch: window shorter than n_fft, every pad mode, one-sided and
two-sided, complex input and window, normalisation, batches, return_complex=False, the
round trip, length, their graphs, first and second derivatives, warnings and errors."""
import warnings

import numpy as np
import pytest

from .oracle import assert_same, assert_same_error, finite_difference_check

f32 = np.float32
rng = np.random.default_rng(7)
SIG = rng.standard_normal(20).astype(f32)
BATCH = rng.standard_normal((2, 12)).astype(f32)
WIN = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(6) / 6)).astype(f32) + 0.1


def _hann(t, n):
    return t.hann_window(n)


def _spectrum(t, x):
    return t.stft(x, 8, window=_hann(t, 8), return_complex=True)


def _parts(y):
    return (y.real, y.imag) if y.is_complex() else y


CASES = {
    "stft": (lambda t, x: _parts(t.stft(x, 8, return_complex=True)), [SIG]),
    "stft_window": (lambda t, x, w: _parts(t.stft(x, 8, hop_length=3, win_length=6, window=w,
                                                  return_complex=True)), [SIG, WIN]),
    "stft_no_window_short": (lambda t, x: _parts(x.stft(8, win_length=5, pad_mode="constant",
                                                        return_complex=True)), [SIG]),
    "stft_two_sided_normalized": (lambda t, x: _parts(t.stft(
        x, 6, 2, window=_hann(t, 6), onesided=False, normalized=True, pad_mode="replicate",
        return_complex=True)), [SIG]),
    "stft_batch_circular": (lambda t, x: _parts(t.stft(x, 4, window=_hann(t, 4),
                                                       pad_mode="circular",
                                                       return_complex=True)), [BATCH]),
    "stft_not_centred_real": (lambda t, x: t.stft(x, 7, 4, window=_hann(t, 7), center=False,
                                                  return_complex=False), [SIG]),
    "stft_complex_input": (lambda t, x, y: _parts(t.stft(t.complex(x, y), 8, 3,
                                                         window=_hann(t, 8))), [SIG, SIG[::-1].copy()]),
    "stft_complex_window": (lambda t, x, w: _parts(t.stft(x, 6, 2, window=t.complex(w, w * 0.5))),
                            [SIG, WIN]),
    # (frames start where their window does: 20 samples, windows of 6 every 2 or 4)
    "stft_align_to_window": (lambda t, x, w: _parts(t.stft(
        x, 8, 2, 6, window=w, center=False, align_to_window=True, return_complex=True)),
        [SIG, WIN]),
    "stft_align_to_window_no_window_batch": (lambda t, x: t.stft(
        x, 6, 4, 3, center=False, align_to_window=True, return_complex=False), [BATCH]),
    "stft_align_to_window_complex": (lambda t, x, w: _parts(t.stft(
        t.complex(x, x.flip(0)), 9, 4, 6, window=w, center=False, align_to_window=True)),
        [SIG, WIN]),
    # a frame as long as the signal; a complex input normalized
    "stft_n_fft_whole": (lambda t, x: t.stft(x, 20, 4, window=_hann(t, 20), center=False,
                                             return_complex=False), [SIG]),
    "stft_complex_normalized": (lambda t, x, y: _parts(t.stft(
        t.complex(x, y), 8, 3, window=_hann(t, 8), normalized=True)), [SIG, SIG[::-1].copy()]),
    "istft": (lambda t, x: t.istft(_spectrum(t, x), 8, window=_hann(t, 8)), [SIG]),
    "istft_length_hop": (lambda t, x, w: t.istft(
        t.stft(x, 8, 3, 6, window=_hann(t, 6), return_complex=True), 8, 3, 6, window=w,
        length=17),
        [SIG, WIN]),
    "istft_not_centred": (lambda t, x: t.istft(t.stft(x, 4, 1, window=_hann(t, 4), center=False,
                                                      return_complex=True), 4, 1,
                                               window=_hann(t, 4) + 0.1, center=False), [SIG]),
    "istft_two_sided_complex": (lambda t, x: _parts(t.istft(
        t.stft(x, 6, 2, window=_hann(t, 6), onesided=False, return_complex=True), 6, 2,
        window=_hann(t, 6), return_complex=True, normalized=True)), [SIG]),
    "istft_two_sided_real": (lambda t, x: t.istft(
        t.stft(x, 6, 2, window=_hann(t, 6), onesided=False, return_complex=True), 6, 2,
        window=_hann(t, 6)), [SIG]),
    "istft_batch": (lambda t, x: x.stft(4, 2, window=_hann(t, 4), return_complex=True).istft(
        4, 2, window=_hann(t, 4)), [BATCH]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    call, arrays = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # (derivatives' graphs compared as values: as_strided's double backward is
        # written with take/put here, with index_add in torch)
        assert_same(call, arrays, graphs=("forward", "backward", "second_order"))


@pytest.mark.parametrize("name", ["stft_window", "istft_length_hop", "stft_complex_input"])
def test_finite_differences(name):
    call, arrays = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finite_difference_check(call, arrays)


def test_round_trip():
    import dyngrad
    x = dyngrad.tensor(SIG)
    w = dyngrad.hann_window(8)
    back = dyngrad.istft(dyngrad.stft(x, 8, 2, window=w, return_complex=True), 8, 2, window=w)
    np.testing.assert_allclose(back.numpy(), SIG, rtol=1e-5, atol=1e-6)


_WARNING_CALLS = """
import warnings
x = lib.arange(20.)
w = lib.hann_window(8)
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    lib.stft(x, 8, return_complex=True)
    lib.stft(x, 8, return_complex=True)                       # (once per process)
    lib.stft(x, 8, window=lib.ones(8), return_complex=False)
    S = lib.stft(x, 8, window=w, return_complex=True)
    lib.istft(S, 8)
    lib.istft(S, 8, window=w, length=40)
    lib.istft(S, 8, window=w, length=40)
messages = [str(m.message).split(" (Triggered internally")[0] for m in seen]
"""


def test_warnings_once_per_process():
    # torch's TORCH_WARN_ONCE: compared against a fresh torch process
    import subprocess
    import sys
    import dyngrad
    from dyngrad import _runtime_flags
    torch_run = subprocess.run(
        [sys.executable, "-c", "import torch as lib\n" + _WARNING_CALLS + "print(repr(messages))"],
        capture_output=True, text=True, check=True)
    _runtime_flags._warned.clear()
    scope = {"lib": dyngrad}
    exec(_WARNING_CALLS, scope)
    assert repr(scope["messages"]) == torch_run.stdout.strip()


ERRORS = {
    "return_complex_missing": lambda t, x: t.stft(x, 8),
    "n_fft_too_big": lambda t, x: t.stft(x, 30, return_complex=True, center=False),
    "n_fft_zero": lambda t, x: t.stft(x, 0, return_complex=True, center=False),
    "pad_too_big": lambda t, x: t.stft(x, 45, return_complex=True),
    "hop_zero": lambda t, x: t.stft(x, 8, hop_length=0, return_complex=True),
    "win_too_long": lambda t, x: t.stft(x, 8, win_length=9, return_complex=True),
    "window_size": lambda t, x: t.stft(x, 8, window=t.ones(7), return_complex=True),
    "integer_input": lambda t, x: t.stft(x.long(), 8, return_complex=True, center=False),
    "three_dims": lambda t, x: t.stft(x.reshape(1, 2, 10), 4, return_complex=True),
    "onesided_complex": lambda t, x: t.stft(x * 1j, 8, onesided=True, return_complex=True),
    "pad_mode": lambda t, x: t.stft(x, 8, return_complex=True, pad_mode="bad"),
    "align_with_center": lambda t, x: t.stft(x, 8, return_complex=True, align_to_window=True),
    # (torch's last aligned frame reaches past the padded signal here)
    "align_past_the_end": lambda t, x: t.stft(x, 8, 3, 5, center=False, return_complex=True,
                                              align_to_window=True),
    "align_past_the_end_batch": lambda t, x: t.stft(x.reshape(2, 10).double(), 8, 1, 5,
                                                    center=False, return_complex=True,
                                                    align_to_window=True),
    "istft_real": lambda t, x: t.istft(_spectrum(t, x).real, 8),
    "istft_empty": lambda t, x: t.istft(_spectrum(t, x)[:, :0], 8),
    "istft_dims": lambda t, x: t.istft(_spectrum(t, x)[None, None], 8),
    "istft_onesided_size": lambda t, x: t.istft(_spectrum(t, x), 10),
    "istft_two_sided_size": lambda t, x: t.istft(_spectrum(t, x), 8, onesided=False),
    "istft_hop": lambda t, x: t.istft(_spectrum(t, x), 8, hop_length=9),
    "istft_win_length": lambda t, x: t.istft(_spectrum(t, x), 8, win_length=9),
    "istft_window_size": lambda t, x: t.istft(_spectrum(t, x), 8, window=t.ones(7)),
    "istft_envelope": lambda t, x: t.istft(_spectrum(t, x), 8, window=t.zeros(8)),
    "istft_envelope_edges": lambda t, x: t.istft(_spectrum(t, x), 8, window=_hann(t, 8),
                                                 center=False),
    "istft_onesided_complex": lambda t, x: t.istft(_spectrum(t, x), 8, window=_hann(t, 8),
                                                   return_complex=True),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_error(ERRORS[name], SIG)

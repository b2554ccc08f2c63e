"""stft and istft: the short-time Fourier transform and its inverse by overlap-add,
composed as torch composes them, so their graphs and gradients are torch's.

stft: the signal padded by half a window each side (``center``), cut into frames by
one strided view, each frame windowed and transformed (r2c, or c2c for complex values),
then transposed in place to (freq, frame). istft: each frame transformed back, windowed
again, the frames overlap-added (unfold's backward) and divided by the overlap-added
squared window (the envelope), the padding trimmed.
"""

from .. import _dtype as _dt
from .._runtime_flags import warn_once
from ..creation import ones, zeros
from . import complex_views as cv
from ._batched import BatchedTensor
from .fft import fft_c2c, fft_c2r, fft_r2c
from .padding import constant_pad_nd
from .rearrange import unfold_backward

_NO_WINDOW = ("A window was not provided. A rectangular window will be applied,which is known "
              "to cause spectral leakage. Other windows such as torch.hann_window or "
              "torch.hamming_window are recommended to reduce spectral leakage.To suppress "
              "this warning and use a rectangular window, explicitly set "
              "`window=torch.ones(n_fft, device=<device>)`.")
_NOT_COMPLEX = ("stft with return_complex=False is deprecated. In a future pytorch release, "
                "stft will return complex tensors for all inputs, and return_complex=False will "
                "raise an error.\nNote: you can still call torch.view_as_real on the complex "
                "output to recover the old return format.")
_NO_WINDOW_INVERSE = ("A window was not provided. A rectangular window will be applied.Please "
                      "provide the same window used by stft to make the inversion lossless.To "
                      "suppress this warning and use a rectangular window, explicitly set "
                      "`window=torch.ones(n_fft, device=<device>)`.")
_LONGER = ("The length of signal is shorter than the length parameter. Result is being padded "
           "with zeros in the tail. Please check your center and hop_length settings.")


def _flag(v):
    return "None" if v is None else str(int(v))  # (C++'s << of an optional bool)


def _sizes(t):
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


def _window_repr(window):
    return "None" if window is None else f"{window.type()}{{{_sizes(window)}}}"


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None,
         align_to_window=None):
    """Short-time Fourier transform, as torch.stft: (freq, frame) spectra of the frames.

    >>> torch.stft(torch.ones(8), 4, window=torch.ones(4), return_complex=True).shape
    torch.Size([3, 9])
    """
    if center:  # (in Python in torch too: torch.functional.stft)
        from ..nn import functional as F
        signal_dim = input.dim()
        extended = [1] * (3 - signal_dim) + list(input.shape)
        pad = n_fft // 2
        input = F.pad(input.view(extended), [pad, pad], pad_mode)
        input = input.view(input.shape[-signal_dim:])
    if window is None:
        warn_once(_NO_WINDOW, _NO_WINDOW)
    if align_to_window is not None and center:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    hop_length = n_fft >> 2 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if return_complex is None:
        return_complex = input.is_complex() or (window is not None and window.is_complex())
        if not return_complex:
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
    elif not return_complex:
        warn_once(_NOT_COMPLEX, _NOT_COMPLEX)

    def refuse(what):
        raise RuntimeError(
            f"stft({input.type()}{_sizes(input)}, n_fft={n_fft}, hop_length={hop_length}, "
            f"win_length={win_length}, window={_window_repr(window)}, normalized="
            f"{int(normalized)}, onesided={_flag(onesided)}, return_complex="
            f"{int(return_complex)}, align_to_window={_flag(align_to_window)}) : {what}")

    if not (input.is_floating_point() or input.is_complex()):
        refuse("expected a tensor of floating point or complex values")
    if input.dim() not in (1, 2):
        refuse("expected a 1D or 2D tensor")
    x = input.unsqueeze(0) if input.dim() == 1 else input
    batch, length = x.shape
    if not 0 < n_fft <= length:
        refuse(f"expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop_length <= 0:
        refuse(f"expected hop_length > 0, but got hop_length={hop_length}")
    if not 0 < win_length <= n_fft:
        refuse(f"expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        refuse(f"expected a 1D window tensor of size equal to win_length={win_length}, but got "
               f"window with size {_sizes(window)}")
    if align_to_window and win_length < n_fft:
        raise NotImplementedError("stft: align_to_window=True with win_length < n_fft is not "
                                  "supported yet")
    full_window = window
    if win_length < n_fft:  # the window centred in n_fft, zeros either side
        left = (n_fft - win_length) // 2
        if window is not None:
            full_window = zeros(n_fft, dtype=window.dtype)
            full_window.narrow(0, left, win_length).copy_(window)
        else:
            full_window = zeros(n_fft, dtype=input.dtype)
            full_window.narrow(0, left, win_length).fill_(1)
    n_frames = 1 + (length - n_fft) // hop_length
    stride = x.stride()
    frames = x.as_strided((batch, n_frames, n_fft),
                          (stride[0], hop_length * stride[1], stride[1]))
    if full_window is not None:
        frames = frames.mul(full_window)
    complex_fft = frames.is_complex()
    onesided = not complex_fft if onesided is None else onesided
    mode = 1 if normalized else 0  # (by 1/sqrt(n), or none)
    if complex_fft:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = fft_c2c(frames, (2,), mode, True)
    else:
        out = fft_r2c(frames, (2,), mode, onesided)
    out.transpose_(1, 2)
    if input.dim() == 1:
        out.squeeze_(0)
    return out if return_complex else cv.view_as_real(out)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    """Inverse short-time Fourier transform, as torch.istft: the signal back from stft's
    spectra by overlap-add.

    >>> x = torch.arange(8.)
    >>> w = torch.hann_window(4)
    >>> torch.istft(torch.stft(x, 4, window=w, return_complex=True), 4, window=w)
    tensor([0., 1., 2., 3., 4., 5., 6., 7.])
    """
    if window is None:
        warn_once(_NO_WINDOW_INVERSE, _NO_WINDOW_INVERSE)
    hop_length = n_fft >> 2 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    head = (f"istft(CPU{input.dtype._cname}Type{_sizes(input)}, n_fft={n_fft}, hop_length="
            f"{hop_length}, win_length={win_length}, window={_window_repr(window)}, center="
            f"{int(center)}, normalized={int(normalized)}, onesided={_flag(onesided)}, length="
            f"{'None' if length is None else length}, return_complex={int(return_complex)})")
    x = cv.view_as_real(input)
    n_frames, fft_size = x.shape[-2], x.shape[-3] if x.dim() >= 3 else 0
    if x.numel() == 0:
        raise RuntimeError(f"{head} : input tensor cannot be empty.")
    if x.dim() not in (3, 4):
        raise RuntimeError(f"{head} : expected a tensor with 3 or 4 dimensions, but got "
                           f"{x.dim()}")
    expected_len = n_fft + hop_length * (n_frames - 1)
    onesided = fft_size != n_fft if onesided is None else onesided
    if onesided and n_fft // 2 + 1 != fft_size:
        raise RuntimeError(f"{head} : expected the frequency dimension (3rd to the last) of the "
                           "input tensor to match n_fft / 2 + 1 when onesided=True, but got "
                           f"{fft_size}")
    if not onesided and n_fft != fft_size:
        raise RuntimeError(f"{head} : expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop_length <= win_length:
        raise RuntimeError(f"{head} : expected 0 < hop_length <= win_length")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{head} : expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        raise RuntimeError(f"{head} : Invalid window shape. window has to be 1D and length of "
                           "`win_length`")
    full_window = window if window is not None else ones(win_length, dtype=x.dtype)
    if win_length != n_fft:
        left = (n_fft - win_length) // 2
        full_window = constant_pad_nd(full_window, (left, n_fft - win_length - left), 0)
    if x.dim() == 3:
        x = x.unsqueeze(0)
    spectra = cv.view_as_complex(x.transpose(1, 2))  # (channel, frame, freq)
    mode = 1 if normalized else 2  # (by 1/sqrt(n), or by 1/n)
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = fft_c2c(spectra, (2,), mode, False)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            spectra = spectra.narrow(-1, 0, n_fft // 2 + 1)
        frames = fft_c2r(spectra, (2,), mode, n_fft)
    windowed = frames * full_window.view(1, 1, n_fft)
    y = unfold_backward(windowed, (windowed.shape[0], expected_len), 1, n_fft, hop_length)
    squared = full_window.pow(2).expand(1, n_frames, n_fft)
    envelope = unfold_backward(squared, (1, expected_len), 1, n_fft, hop_length)
    start = n_fft // 2 if center else 0
    end = (start + length if length is not None else -(n_fft // 2) if center
           else expected_len)
    # (at::slice: a SliceBackward0 node even over the whole length, as narrow records)
    stop = min(end if end >= 0 else expected_len + end, expected_len)
    y = y.narrow(1, start, max(stop - start, 0))
    envelope = envelope.narrow(1, start, max(stop - start, 0))
    if _any_true(envelope.abs().min() < 1e-11):
        raise RuntimeError(f"{head} window overlap add min: 1\n[ CPUBoolType{{}} ]")
    y = y / envelope
    if input.dim() == 2:
        y = y.squeeze(0)
    if end > expected_len:
        warn_once(_LONGER, _LONGER)
        y = constant_pad_nd(y, (0, end - expected_len), 0)
    return y


def _any_true(flag):
    """Whether a (maybe vmapped) bool tensor is true anywhere: every sample's envelope is
    checked, as torch checks each under vmap."""
    while type(flag) is BatchedTensor:
        flag = flag._value
    return bool(flag._data.any())


FUNCTIONS = {"stft": stft, "istft": istft}
METHODS = dict(FUNCTIONS)

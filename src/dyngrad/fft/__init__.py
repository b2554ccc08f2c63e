"""torch.fft: discrete Fourier transforms with torch's gradients.

    >>> import dyngrad as torch
    >>> torch.fft.rfft(torch.tensor([1., 0., 0., 0.]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j])
"""
from ..ops.fft import (fft, fft2, fftfreq, fftn, fftshift, ifft, ifft2, ifftn,  # noqa: F401
                       ifftshift, irfft, irfft2, irfftn, rfft, rfft2, rfftfreq, rfftn)
from ..ops import autocast_policy as _autocast_policy

_autocast_policy.install(globals(), "fft")

"""torch.fft: discrete Fourier transforms with torch's gradients.

    >>> import dyngrad as torch
    >>> torch.fft.rfft(torch.tensor([1., 0., 0., 0.]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j])
"""
from ..ops.out import call_with_out
from ..ops.fft import (fft, fft2, fftfreq, fftn, fftshift, ifft, ifft2, ifftn,  # noqa: F401
                       ifftshift, irfft, irfft2, irfftn, rfft, rfft2, rfftfreq, rfftn,
                       hfft, ihfft, hfft2, ihfft2, hfftn, ihfftn)


def _out_form(name, fn):
    """``fn`` writing into ``out=`` as torch's do: the output's kind checked first (a
    complex spectrum or a real signal), then the write (ops/out.py), named after the
    primitive torch's message names."""
    real_out = name.startswith(("irfft", "hfft"))

    def function(input, *args, out=None, **kwargs):
        if out is None:
            return fn(input, *args, **kwargs)
        if real_out == out.is_complex():
            raise RuntimeError(f"{name[:-1] + 'n' if name.endswith('2') else name} expects a "
                               f"{'floating point' if real_out else 'complex'} output "
                               f"tensor, but got {out.dtype._cname}")
        primitive = ("_fft_c2r" if real_out else "_fft_r2c" if name.startswith("r")
                     or not input.is_complex() and not name.startswith("ihfft")
                     else "_fft_c2c")
        return call_with_out(primitive, fn, (input,) + args, kwargs, out)
    function.__name__, function.__doc__, function.__wrapped__ = fn.__name__, fn.__doc__, fn
    return function


for _name in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
              "irfft2", "hfft2", "ihfft2", "fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn"):
    globals()[_name] = _out_form(_name, globals()[_name])


from ..ops import autocast_policy as _autocast_policy  # noqa: E402

_autocast_policy.install(globals(), "fft")

"""cov and corrcoef, composed of table ops in torch's order (so the graph, and the
rounding, are torch's): a weighted mean removed from each variable, one matrix product,
the normalisation, and for corrcoef the scaling by standard deviations clipped to [-1, 1]
(a complex one's real and imaginary parts clipped apart).
"""
import warnings

from .. import _dtype
from .._args import user_stacklevel
from ..creation import scalar_tensor
from .polar import complex as _complex


def _weights(fweights, aweights, observations):
    w = None
    if fweights is not None:
        if fweights.dim() > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but "
                               f"got fweights with {fweights.dim()} dimensions")
        if fweights.is_floating_point() or fweights.is_complex():
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got "
                               f"fweights with {fweights.dtype._cname} dtype")
        if fweights.numel() != observations:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are "
                               f"observations in the input but got {fweights.numel()} != "
                               f"{observations}")
        if fweights.numel() and (fweights < 0).any().item():
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but "
                               f"got aweights with {aweights.dim()} dimensions")
        if not aweights.is_floating_point():
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got "
                               f"aweights with {aweights.dtype._cname} dtype")
        if aweights.numel() != observations:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are "
                               f"observations in the input but got {aweights.numel()} != "
                               f"{observations}")
        if aweights.numel() and (aweights < 0).any().item():
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    return w


def cov(input, *, correction=1, fweights=None, aweights=None):
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    if input.dtype._name == "bool":
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if input.dim() < 2 else input
    observations = x.shape[1]
    w = _weights(fweights, aweights, observations)
    if w is None:
        w_sum = scalar_tensor(observations, dtype=_dtype.int64)
    else:
        w_sum = w.sum()
        if not (w_sum != 0).item():
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if (norm <= 0).item():
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning,
                      stacklevel=user_stacklevel())
        norm = norm.zero_()  # (+0, as torch's zero_: a float norm * 0 is -0 below 0)
    x = x - avg.unsqueeze(1)
    return (x.mm((x * w if w is not None else x).t().conj()) / norm).squeeze()


def corrcoef(input):
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.dim()} dimensions")
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    stddev = (d.real if d.is_complex() else d).sqrt()
    c = c / stddev.view(-1, 1)
    c = c / stddev.view(1, -1)
    if c.is_complex():
        return _complex(c.real.clip(-1, 1), c.imag.clip(-1, 1))
    return c.clip(-1, 1)


FUNCTIONS = {"cov": cov, "corrcoef": corrcoef}
METHODS = {"cov": cov, "corrcoef": corrcoef}

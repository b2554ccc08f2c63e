"""torch._amp_foreach_non_finite_check_and_unscale_: what GradScaler's unscale_ runs."""
from .. import _dtype as _dt
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

_NAME = "_amp_foreach_non_finite_check_and_unscale_"


def _amp_foreach_non_finite_check_and_unscale_(self, found_inf, inv_scale):
    """Multiply every tensor of ``self`` by ``inv_scale`` in place, and set ``found_inf``
    (a one-element float32 tensor) to 1.0 if any of them holds an inf or a NaN. As torch's
    kernel, it writes without bumping the tensors' versions. The arguments are all checked
    before anything is written.

    >>> g = [torch.tensor([2., float("inf")])]
    >>> found = torch.zeros(1)
    >>> torch._amp_foreach_non_finite_check_and_unscale_(g, found, torch.tensor([0.5]))
    >>> g, found
    ([tensor([1., inf])], tensor([1.]))
    """
    if isinstance(self, Tensor) or not isinstance(self, (list, tuple)):
        raise TypeError(f"{_NAME}(): argument 'self' (position 1) must be tuple of Tensors, not "
                        f"{type(self).__name__}")
    for k, t in enumerate(self):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got "
                            f"{type(t).__name__}")
    for name, pos, t in (("found_inf", 2, found_inf), ("inv_scale", 3, inv_scale)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{_NAME}(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    for name, t in (("inv_scale", inv_scale), ("found_inf", found_inf)):
        if t.numel() != 1:
            raise RuntimeError(f"{name} must be a 1-element tensor.")
    for name, t in (("inv_scale", inv_scale), ("found_inf", found_inf)):
        if t.dtype is not _dt.float32:
            raise RuntimeError(f"{name} must be a float tensor.")
    for t in self:
        if not t.dtype.is_floating_point:
            raise NotImplementedError(f'"{_NAME[:-1]}cpu" not implemented for '
                                      f"'{t.dtype._cname}'")
    with no_grad():
        scale = inv_scale.reshape(())
        for t in self:
            if not bool(t.isfinite().all()):
                found_inf.data.fill_(1.0)
            if scale.item() != 1.0:
                t.data.mul_(scale)  # (.data: torch's kernel leaves the version as it is)

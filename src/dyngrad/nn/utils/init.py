"""torch.nn.utils.skip_init: a module made without running its parameter initialisation.

torch builds the module on the meta device (no memory, no random draws) and then gives it
uninitialised memory. dyngrad has no meta device: it builds the module, puts the random
stream back where it was, and zero-fills the parameters and buffers (dyngrad's ``empty``),
so the stream and everything drawn after are torch's.

    >>> torch.nn.utils.skip_init(torch.nn.Linear, 2, 1).weight
    Parameter containing:
    tensor([[0., 0.]], requires_grad=True)
"""
import inspect

from ...random import get_rng_state, set_rng_state
from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """``module_cls(*args, **kwargs)`` with no initialisation of its parameters and buffers."""
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    state = get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        set_rng_state(state)
    return module.to_empty(device=final_device)

"""torch.nn.utils.stateless.functional_call: the older name of ``torch.func.functional_call``
(deprecated in torch 2.0), which it calls."""
import warnings

from ...func._functional_call import functional_call as _functional_call
from ..parallel import DataParallel

__all__ = ["functional_call"]


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with the given tensors in place of the named parameters
    and buffers (see ``torch.func.functional_call``)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    if isinstance(module, DataParallel):
        raise RuntimeError("The stateless API can't be used with nn.DataParallel module")
    # one dict only (torch.func's also takes a sequence of them): its keys are read
    parameters_and_buffers = {k: parameters_and_buffers[k] for k in parameters_and_buffers.keys()}
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)

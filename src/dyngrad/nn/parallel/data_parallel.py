"""DataParallel on a machine without GPUs, as torch does there: no replicas, ``forward``
calls the wrapped module, which sits under the name ``module`` (so state_dict keys start
with ``module.``); the function data_parallel refuses, as torch's does there."""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []
        self.dim = dim
        self.output_device = None
        self.src_device_obj = None

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    """Evaluate ``module(input)`` in parallel across the GPUs in ``device_ids``: without
    GPUs torch cannot tell which device type to use, and refuses."""
    raise RuntimeError("device type could not be determined")

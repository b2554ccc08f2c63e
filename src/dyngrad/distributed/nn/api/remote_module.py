"""RemoteModule: a module made on another worker; calling it runs its forward there.

    layer = RemoteModule("worker1/cpu", nn.Linear, args=(4, 2))
    y = layer(x)                     # the forward runs on worker1, y comes back
    layer.remote_parameters()        # RRefs of its parameters, for DistributedOptimizer
"""
import re

from ... import rpc
from ....nn import Module

__all__ = ["RemoteModule"]

def _parse_remote_device(text):
    """``(worker name or rank, device)`` of ``"<workername>/<device>"``,
    ``"rank:<rank>/<device>"``, ``"<workername>"`` or ``"<device>"``."""
    parts = text.split("/")
    if len(parts) == 2:
        where, device = parts
        rank = re.fullmatch(r"rank:(\d+)", where)
        if rank is not None:
            return int(rank[1]), device
        if where and not where.startswith("rank:"):
            return where, device
    elif len(parts) == 1 and parts[0]:
        return (None, parts[0]) if parts[0].split(":")[0] == "cpu" else (parts[0], "cpu")
    raise ValueError(f"Could not parse remote_device: {text}. The valid format is "
                     f"'<workername>/<device>' or 'rank:<rank>/<device>' or '<device>'")


def _create_module(module_cls, args, kwargs, device):
    module = module_cls(*args, **kwargs)
    if not isinstance(module, Module):
        raise ValueError(
            f"Expect `module_cls(*args, **kwargs)` returns an instance of <class nn.Module>, "
            f"but it returns an instance of {type(module)}.")
    return module.to(device)


def _forward(module_rref, args, kwargs):
    return module_rref.local_value()(*args, **kwargs)


def _param_rrefs(module_rref, recurse):
    return [rpc.RRef(p) for p in module_rref.local_value().parameters(recurse)]


class RemoteModule(Module):
    """``RemoteModule(remote_device, module_cls, args, kwargs)``: ``module_cls(*args,
    **kwargs)`` made on the worker ``remote_device`` names; ``forward`` (and calling the
    module) runs there, ``forward_async`` returns a Future."""

    def __init__(self, remote_device, module_cls, args=None, kwargs=None):
        super().__init__()
        where, device = _parse_remote_device(remote_device)
        if device.split(":")[0] != "cpu":
            raise NotImplementedError(f"dyngrad.distributed.nn.RemoteModule: device {device} "
                                      f"is not supported (only the CPU)")
        self.on = rpc.get_worker_info().name if where is None else where
        self.device = device
        self.is_scriptable = False
        self.module_rref = rpc.remote(where, _create_module,
                                      (module_cls, tuple(args or ()), dict(kwargs or {}),
                                       device))

    def forward(self, *args, **kwargs):
        return rpc.rpc_sync(self.on, _forward, (self.module_rref, args, kwargs))

    def forward_async(self, *args, **kwargs):
        return rpc.rpc_async(self.on, _forward, (self.module_rref, args, kwargs))

    def remote_parameters(self, recurse=True):
        """RRefs of the remote module's parameters."""
        return rpc.rpc_sync(self.on, _param_rrefs, (self.module_rref, recurse))

    def get_module_rref(self):
        return self.module_rref

    def train(self, mode=True):
        return self.module_rref.rpc_sync().train(mode)

    def eval(self):
        return self.module_rref.rpc_sync().eval()

    def parameters(self, recurse=True):
        raise ValueError("Method ``parameters`` not supported for RemoteModule. Please use "
                         "``remote_parameters`` instead.")


def _not_supported(name):
    def method(self, *args, **kwargs):
        raise ValueError(f"Method ``{name}`` not supported for RemoteModule")
    method.__name__ = name
    return method


# The module's state lives on its worker: these would act on an empty local shell.
_REFUSED = ("register_buffer", "register_parameter", "add_module", "apply", "cuda", "ipu",
              "xpu", "cpu", "type", "float", "double", "half", "bfloat16", "to",
              "register_backward_hook", "register_forward_pre_hook", "register_forward_hook",
              "state_dict", "load_state_dict", "named_parameters", "buffers",
              "named_buffers", "children", "named_children", "modules", "named_modules",
              "requires_grad_", "zero_grad", "share_memory", "extra_repr")
for _name in _REFUSED:
    setattr(RemoteModule, _name, _not_supported(_name))

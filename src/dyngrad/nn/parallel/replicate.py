"""replicate (torch.nn.parallel.replicate) on a machine without GPUs: a module with no
parameters and no buffers is copied once per device, as torch copies it; any tensor to
broadcast is refused in torch's words (its broadcast refuses CPU tensors, and the
coalesced one is not built)."""
from ._devices import cuda_index

__all__ = ["replicate"]


def _broadcast(tensors, detach):
    if not tensors:
        return
    if detach:
        raise AttributeError("module 'torch._C' has no attribute '_broadcast_coalesced'")
    raise AssertionError("Broadcast function not implemented for CPU tensors")


def replicate(network, devices, detach=False):
    """Copies of ``network``, one per device in ``devices``.

    >>> torch.nn.parallel.replicate(torch.nn.ReLU(), [0, 1])
    [ReLU(), ReLU()]
    """
    if not devices:
        return []
    devices = [cuda_index(d, "non cpu") for d in devices]
    _broadcast(list(network.parameters()), detach)
    buffers = list(network.buffers())
    _broadcast([b for b in buffers if b.requires_grad and not detach], detach)
    _broadcast([b for b in buffers if not (b.requires_grad and not detach)], True)
    return [_copy_tree(network) for _ in devices]


def _copy_tree(module):
    """A copy of each module of the tree, its children the copies (torch's
    _replicate_for_data_parallel: the attributes shared, the module dicts the replica's)."""
    replica = module.__new__(type(module))
    replica.__dict__ = module.__dict__.copy()
    replica._parameters = dict(module._parameters)
    replica._buffers = dict(module._buffers)
    replica._modules = {k: None if m is None else _copy_tree(m)
                        for k, m in module._modules.items()}
    replica._is_replica = True
    return replica

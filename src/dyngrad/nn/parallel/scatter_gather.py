"""scatter and gather (torch.nn.parallel.scatter_gather) on a machine without GPUs: what
torch's CPU-only build does, which is to spread numbers and containers over the target
list and to refuse every tensor, in torch's words (its scatter kernel is not built, its
gather refuses CPU tensors)."""
from ...tensor import Tensor
from ._devices import cuda_index

__all__ = ["scatter", "gather"]


def scatter(inputs, target_gpus, dim=0):
    """Slice tensors into approximately equal chunks, one per GPU; duplicate references to
    objects that are not tensors. Tensors are refused without GPUs, as in torch:

    >>> torch.nn.parallel.scatter({"a": 1}, [0, 1])
    [{'a': 1}, {'a': 1}]
    """
    def spread(obj):
        if isinstance(obj, Tensor):
            for d in target_gpus:
                cuda_index(d, "non cpu")
            raise AttributeError("module 'torch._C' has no attribute '_scatter'")
        if isinstance(obj, tuple) and len(obj) > 0:
            if hasattr(obj, "_fields"):  # a namedtuple: one per target, field by field
                return [type(obj)(*args) for args in zip(*map(spread, obj))]
            return list(zip(*map(spread, obj)))
        if isinstance(obj, list) and len(obj) > 0:
            return [list(i) for i in zip(*map(spread, obj))]
        if isinstance(obj, dict) and len(obj) > 0:
            return [type(obj)(i) for i in zip(*map(spread, obj.items()))]
        return [obj for _ in target_gpus]
    return spread(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    """``scatter`` of the positional and the keyword arguments, the shorter list padded."""
    scattered = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(scattered) < len(scattered_kwargs):
        scattered.extend(() for _ in range(len(scattered_kwargs) - len(scattered)))
    elif len(scattered_kwargs) < len(scattered):
        scattered_kwargs.extend({} for _ in range(len(scattered) - len(scattered_kwargs)))
    return tuple(scattered), tuple(scattered_kwargs)


def gather(outputs, target_device, dim=0):
    """Gather tensors from the GPUs onto ``target_device``; refused for CPU tensors, as in
    torch (a list of Nones gathers to None)."""
    def collect(outs):
        out = outs[0]
        if isinstance(out, Tensor):
            raise AssertionError("Gather function not implemented for CPU tensors")
        if out is None:
            return None
        if isinstance(out, dict):
            if not all(len(out) == len(d) for d in outs):
                raise ValueError("All dicts must have the same number of keys")
            return type(out)((k, collect([d[k] for d in outs])) for k in out)
        if hasattr(out, "_fields"):
            return type(out)._make(map(collect, zip(*outs)))
        return type(out)(map(collect, zip(*outs)))
    return collect(outputs)

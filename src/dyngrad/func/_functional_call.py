"""torch.func.functional_call and stack_module_state: a module run with other tensors in
place of its parameters and buffers, and many modules' parameters stacked for vmap."""
from ..ops import joining

__all__ = ["functional_call", "stack_module_state"]


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with the given tensors in place of the named parameters
    and buffers (the module itself is left as it was).

    >>> m = torch.nn.Linear(1, 1)
    >>> torch.func.functional_call(m, {"weight": torch.ones(1, 1), "bias": torch.zeros(1)},
    ...                            torch.tensor([[3.]]))
    tensor([[3.]])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        given = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        given, seen = {}, set()
        repeated = []
        for d in parameter_and_buffer_dicts:
            for k in d:
                if k in seen and k not in repeated:
                    repeated.append(k)
                seen.add(k)
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        for d in parameter_and_buffer_dicts:
            given.update(d)
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    swaps = _swaps(module, given, tie_weights, strict)
    old = [(store, name, store[name]) for store, name, _ in swaps]
    try:
        for store, name, value in swaps:
            store[name] = value
        return module(*args, **(kwargs or {}))
    finally:
        for store, name, value in old:
            store[name] = value


def _slots(module):
    """name -> (the dict that holds it, its key, the tensor) for every parameter and buffer,
    tied names included."""
    out = {}
    for prefix, sub in module.named_modules(remove_duplicate=False):
        for store in (sub._parameters, sub._buffers):
            for key, t in store.items():
                if t is not None:
                    out[f"{prefix}.{key}" if prefix else key] = (store, key, t)
    return out


def _swaps(module, given, tie_weights, strict):
    slots = _slots(module)
    wanted = {k: v for k, v in given.items() if k in slots}
    if tie_weights:
        groups = {}
        for name, (_, _, t) in slots.items():
            groups.setdefault(id(t), []).append(name)
        for names in groups.values():
            values = [wanted[n] for n in names if n in wanted]
            if not values or len(names) == 1:
                continue
            if any(v is not values[0] for v in values[1:]):
                raise ValueError(f"functional_call got multiple values for keys "
                                 f"{sorted(n for n in names if n in wanted)}, which are tied. "
                                 "Consider using tie_weights=False")
            for n in names:
                wanted[n] = values[0]
    if strict:
        errors = []
        missing = sorted(n for n in slots if n not in wanted)
        unexpected = sorted(k for k in given if k not in slots)
        if unexpected:
            errors.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
        if missing:
            errors.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
        if errors:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                               + "\n\t".join(errors))
    return [(slots[n][0], slots[n][1], v) for n, v in wanted.items()]


def stack_module_state(models):
    """The parameters and the buffers of ``models`` (all of one class) stacked, name by name,
    as new leaves: the inputs of a vmap over an ensemble.

    >>> ps, bs = torch.func.stack_module_state([torch.nn.Linear(2, 1) for _ in range(3)])
    >>> ps["weight"].shape
    torch.Size([3, 1, 2])
    """
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(named):
        out = {}
        for name, first in named(models[0]):
            s = joining.stack([dict(named(m))[name] for m in models], 0).detach()
            out[name] = s.requires_grad_(first.requires_grad) if first.requires_grad else s
        return out
    return (stacked(lambda m: m.named_parameters()), stacked(lambda m: m.named_buffers()))

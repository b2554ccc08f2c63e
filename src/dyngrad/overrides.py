"""torch.overrides' dispatch helpers: whether arguments override torch functions through
``__torch_function__``, and handing a call to their override.

dyngrad's own functions do not consult ``__torch_function__``; these helpers are for code
written against torch's protocol (functions that dispatch on their arguments themselves).

    >>> class Logged:
    ...     @classmethod
    ...     def __torch_function__(cls, func, types, args=(), kwargs=None):
    ...         return func.__name__
    >>> torch.overrides.has_torch_function((Logged(),))
    True
    >>> torch.overrides.handle_torch_function(torch.nn.functional.relu, (Logged(),), Logged())
    'relu'
"""
__all__ = ["handle_torch_function", "has_torch_function", "has_torch_function_unary",
           "has_torch_function_variadic"]


def _overrides(arg):
    return getattr(type(arg), "__torch_function__", None) is not None


def has_torch_function(relevant_args):
    """Whether any argument's type defines ``__torch_function__``."""
    return any(_overrides(a) for a in relevant_args)


def has_torch_function_unary(arg):
    return _overrides(arg)


def has_torch_function_variadic(*args):
    return any(_overrides(a) for a in args)


def _overloaded_args(relevant_args):
    """The arguments whose types override, one per type, a subclass before its bases (the
    order torch tries them in)."""
    out, types = [], []
    for arg in relevant_args:
        t = type(arg)
        if not _overrides(arg) or t in types:
            continue
        at = len(out)
        for i, seen in enumerate(types):
            if issubclass(t, seen):
                at = i
                break
        out.insert(at, arg)
        types.insert(at, t)
    return out


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call the ``__torch_function__`` of the overriding arguments in turn until one does
    not return NotImplemented, and return its result."""
    overloaded = _overloaded_args(relevant_args)
    types = tuple(type(a) for a in overloaded)
    for arg in overloaded:
        result = arg.__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    name = f"{public_api.__module__}.{public_api.__name__}"
    raise TypeError(f"no implementation found for '{name}' on types that implement "
                    f"__torch_function__: {[type(a) for a in overloaded]}")

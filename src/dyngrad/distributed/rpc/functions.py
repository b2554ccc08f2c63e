"""``@rpc.functions.async_execution``: a function that returns a Future, whose result is
the RPC's answer (the serving thread does not wait for it)."""
import functools

__all__ = ["async_execution"]


def async_execution(fn):
    """Mark ``fn`` as returning a ``torch.futures.Future``: the caller gets that Future's
    value once it is set, and the worker's thread is free meanwhile."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    wrapper._wrapped_async_rpc_function = fn
    return wrapper


class _Deferred:
    """What a call of an ``async_execution`` method through an RRef's proxy returns on the
    owner: its Future, to be answered once set (the function called, the proxy's helper,
    is not itself marked)."""

    __slots__ = ("future",)

    def __init__(self, future):
        self.future = future


def _pending(fn, result):
    """The Future to wait for before answering a call of ``fn`` that returned ``result``,
    or None when ``result`` is the answer."""
    if getattr(fn, "_wrapped_async_rpc_function", None) is not None:
        return result
    return result.future if isinstance(result, _Deferred) else None

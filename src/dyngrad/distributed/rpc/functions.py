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

"""torch.distributed.autograd: a backward through RPC calls.

    with dist_autograd.context() as context_id:
        loss = rpc.rpc_sync("worker1", torch.mul, args=(x, 3)).sum()
        dist_autograd.backward(context_id, [loss])
        grads = dist_autograd.get_gradients(context_id)   # {x: tensor([3., 3.])}

The machinery lives beside RPC (rpc/_autograd_context.py, rpc/_autograd_engine.py).
"""
from ..rpc import _autograd_context, _state
from ..rpc._autograd_context import DistAutogradContext  # noqa: F401
from ..rpc._autograd_engine import backward  # noqa: F401

__all__ = ["context", "backward", "get_gradients", "is_available", "DistAutogradContext"]


def is_available():
    return True


class context:
    """A distributed autograd context: ``with context() as context_id``. RPCs made inside
    record send and receive nodes; leaving it forgets the context on every worker that
    took part."""

    def __enter__(self):
        ctx = _autograd_context.open_context()
        self._entered = _autograd_context.entered(ctx)
        self._entered.__enter__()
        self.autograd_context = ctx
        return ctx.id

    def __exit__(self, *exc):
        self._entered.__exit__(*exc)
        ctx = self.autograd_context
        _autograd_context.release(ctx.id)
        for w in ctx.workers:
            _state.call(w, _autograd_context.release, (ctx.id,), None, 0)
        return False


def get_gradients(context_id):
    """The gradients the context's backward gave this worker's leaves: {tensor: grad}."""
    _autograd_context.check_initialized()
    return dict(_autograd_context.retrieve(context_id).grads)

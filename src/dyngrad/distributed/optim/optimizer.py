"""DistributedOptimizer: one optimizer per worker owning parameters, stepped together with
the gradients a distributed backward left in a context."""
import threading
from collections import defaultdict

from ... import optim
from ...futures import wait_all
from ..rpc import _autograd_context, _state
from ..rpc.rref import remote

__all__ = ["DistributedOptimizer"]


# torch steps these with its functional optimizers, which take the gradients as a list and
# leave ``.grad`` alone; any other optimizer class finds them in ``.grad`` and keeps them
_FUNCTIONAL = (optim.SGD, optim.Adam, optim.AdamW, optim.Adagrad, optim.Adamax, optim.RMSprop,
               optim.Rprop, optim.Adadelta)


class _LocalOptimizer:
    """On a parameters' owner: the optimizer over them."""

    # one step at a time on a worker, as torch's local optimizers take a global lock
    _lock = threading.Lock()

    def __init__(self, optim_cls, local_params_rref, *args, **kwargs):
        self._params = [rref.local_value() for rref in local_params_rref]
        self.optim = optim_cls(self._params, *args, **kwargs)

    def step(self, autograd_ctx_id):
        grads = _autograd_context.retrieve(autograd_ctx_id).grads
        with _LocalOptimizer._lock:
            before = [param.grad for param in self._params]
            for param in self._params:
                param.grad = grads.get(param)
            self.optim.step()
            if type(self.optim) in _FUNCTIONAL:
                for param, grad in zip(self._params, before):
                    param.grad = grad


def _new_local_optimizer(optim_cls, local_params_rref, *args, **kwargs):
    return _LocalOptimizer(optim_cls, local_params_rref, *args, **kwargs)


def _local_optimizer_step(local_optim_rref, autograd_ctx_id):
    local_optim_rref.local_value().step(autograd_ctx_id)


class DistributedOptimizer:
    """``DistributedOptimizer(optim.SGD, param_rrefs, lr=0.05)``: an ``optimizer_class``
    on each worker owning some of ``params_rref``; ``step(context_id)`` steps them all with
    the gradients of the context's backward."""

    def __init__(self, optimizer_class, params_rref, *args, **kwargs):
        per_worker = defaultdict(list)
        for param in params_rref:
            per_worker[param.owner()].append(param)
        self.remote_optimizers = [
            remote(worker, _new_local_optimizer,
                   args=(optimizer_class, rrefs, *args), kwargs=kwargs)
            for worker, rrefs in per_worker.items()]

    def step(self, context_id):
        """Step every worker's optimizer, and wait for them."""
        _autograd_context.retrieve(context_id)
        wait_all([_state.call(opt.owner(), _local_optimizer_step, (opt, context_id), None, -1)
                  for opt in self.remote_optimizers])

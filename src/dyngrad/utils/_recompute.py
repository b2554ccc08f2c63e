"""The non-reentrant checkpoint (``checkpoint(f, *args, use_reentrant=False)``).

f runs with grad mode on, so its graph is f's own (the output's grad_fn is f's last op,
as in torch), but under saved-tensor hooks: what each of its nodes saves is replaced by a
ticket, a number. The first ticket unpacked in a backward runs f again (same inputs, same
random stream), this time keeping what its nodes save, by ticket; each unpack then takes
its tensor out, so the recomputed values live only until their node has run.

    forward:    f(x)  ->  nodes save tickets 0, 1, 2, ...      (the values are freed)
    backward:   unpack(k) -> no values yet? run f again, keep value j for ticket j
                          -> hand out value k
"""
from .. import random as _random
from ..autograd import grad_mode
from ..autograd.graph import saved_tensors_hooks
from ..tensor import Tensor


class _Recomputation:
    """One checkpointed call: its inputs and random state, and the values recomputed."""

    def __init__(self, function, args, kwargs, rng_state):
        self.function = function
        self.args = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a
                     for a in args]
        self.kwargs = kwargs
        self.rng_state = rng_state
        self.tickets = 0
        self.values = {}

    def pack(self, tensor):
        k = self.tickets
        self.tickets += 1
        return k

    def unpack(self, k):
        if k not in self.values:
            self._recompute()
        return self.values.pop(k)

    def _recompute(self):
        values = self.values
        count = [0]

        def keep(tensor):
            k = count[0]
            if k == self.tickets:
                raise RuntimeError("torch.utils.checkpoint: trying to save more tensors during "
                                   "recomputation than during the original forward pass.")
            values[k] = tensor.detach()
            count[0] = k + 1
        saved = None
        if self.rng_state is not None:
            saved = _random.get_rng_state()
            _random.set_rng_state(self.rng_state)
        try:
            with grad_mode.enable_grad(), saved_tensors_hooks(keep, _never):
                self.function(*self.args, **self.kwargs)
        finally:
            if saved is not None:
                _random.set_rng_state(saved)


def _never(packed):
    raise RuntimeError("a recomputed graph is not run backward")


def checkpoint_without_reentrant(function, preserve_rng_state, context_fn, args, kwargs):
    rng_state = _random.get_rng_state() if preserve_rng_state else None
    frame = _Recomputation(function, args, kwargs, rng_state)
    forward_context, _ = context_fn()
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        return function(*args, **kwargs)

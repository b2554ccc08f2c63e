"""The non-reentrant checkpoint (``checkpoint(f, *args, use_reentrant=False)``).

f runs with grad mode on, so its graph is f's own (the output's grad_fn is f's last op,
as in torch), but under saved-tensor hooks: what each of its nodes saves is replaced by a
ticket, a number. The first ticket unpacked in a backward runs f again (same inputs, same
random stream), this time keeping what its nodes save, by ticket, and stopping as soon as
it has them all (``early_stop``); each unpack then takes its tensor out, so the recomputed
values live only until their node has run.

    forward:    f(x)  ->  nodes save tickets 0, 1, 2, ...      (the values are freed)
    backward:   unpack(k) -> no values yet? run f again, keep value j for ticket j
                          -> hand out value k
"""
from .. import random as _random
from ..autograd import grad_mode
from ..autograd.graph import saved_tensors_hooks
from ..autograd.saved_value import SavedValue
from ..tensor import Tensor


class _Recomputation:
    """One checkpointed call: its inputs and random state, and the values recomputed."""

    def __init__(self, function, args, kwargs, rng_state, context, early_stop):
        self.function = function
        # the inputs are saved values like any node's: changed in place before the
        # backward, they fail with torch's version error instead of recomputing wrong values
        self.args = [SavedValue(a) if isinstance(a, Tensor) else a for a in args]
        self.kwargs = kwargs
        self.rng_state = rng_state
        self.context = context
        self.early_stop = early_stop
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
            if k + 1 == self.tickets and self.early_stop:
                raise _StopRecomputation  # every saved value is back: the rest is not needed
        saved = None
        if self.rng_state is not None:
            saved = _random.get_rng_state()
            _random.set_rng_state(self.rng_state)
        args = [_detached(a.unpack()) if isinstance(a, SavedValue) else a for a in self.args]
        try:
            with grad_mode.enable_grad(), saved_tensors_hooks(keep, _never), self.context:
                self.function(*args, **self.kwargs)
        except _StopRecomputation:
            pass
        finally:
            if saved is not None:
                _random.set_rng_state(saved)


class _StopRecomputation(Exception):
    """Raised out of a recomputation once it has saved all it has to (torch's early_stop)."""


def _detached(t):
    return t.detach().requires_grad_(t.requires_grad)


def _never(packed):
    raise RuntimeError("a recomputed graph is not run backward")


def checkpoint_without_reentrant(function, preserve_rng_state, context_fn, early_stop, args,
                                 kwargs):
    rng_state = _random.get_rng_state() if preserve_rng_state else None
    forward_context, recompute_context = context_fn()
    frame = _Recomputation(function, args, kwargs, rng_state, recompute_context, early_stop)
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        return function(*args, **kwargs)

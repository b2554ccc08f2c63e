"""The version counters torch's gradients in flight would carry, kept beside a backward run.

NOTE [Versions of gradients in flight]
torch's engine adds a gradient into an input buffer in place (``add_``: one version more)
when the buffer holds the only reference to a dense tensor, and its AccumulateGrad lets a
leaf take its first gradient as it is when nothing else holds it, copying it otherwise (a
``copy_`` into a fresh tensor: version 1). Users see these versions in ``.grad._version``,
in the gradients hooks are shown, and in what ``autograd.grad`` returns.

Our engine decides what it may add into, or hand to a leaf, by ownership (NOTE [Owned
gradients] in engine.py), which is more careful than torch's use counts (an observer or a
hook having seen an array is enough to refuse), and the array it adds into in place is not
always the one torch would. So these versions are kept beside the ownership, never derived
from it nor steering it: ``table`` holds the version of each array in flight that torch
would have added into, and ``alone`` answers whether torch would hold an array alone, from
what the run knows of it: it is dense (not an expanded or transposed view), not the
caller's gradient (the caller holds it), in no second buffer, and no hook kept a Tensor of
it (the Tensor it was shown is gone once the hook returned; on an interpreter that frees
objects later than CPython the copy's version 1 is shown instead: only the number differs,
never the data).
"""
import weakref

from .. import _backend
from ..tensor import _wrap

_generic = _backend.xp.generic
_owns_data = _backend.owns_data


class FlightVersions:
    """The versions of one run's gradients in flight (NOTE [Versions of gradients in flight])."""

    __slots__ = ("table", "held", "buffers")

    def __init__(self, buffers, root_grads):
        # {id: [array, version, view]} for arrays in flight that have a version, or that
        # torch's would be a view where ours is not (a gradient the engine summed over
        # leading dims: torch's sum_to views its kept-dims sum as the shape). The array is
        # in its entry, so that an id never stands for a second array.
        self.table = {}
        # arrays someone outside the run holds: the caller's gradients, and those whose
        # Tensor a hook kept
        self.held = list(root_grads)
        self.buffers = buffers  # the run's {node: [gradient per output]}

    def of(self, g):
        """The version torch's tensor for ``g`` would have."""
        entry = self.table.get(id(g))
        return entry[1] if entry is not None and entry[0] is g else 0

    def reduced(self, g):
        """``g`` is a gradient the engine summed over leading dims (NOTE [Broadcasting is
        undone by the engine]): a view in torch."""
        self.table[id(g)] = [g, 0, True]

    def summed(self, old, new, alone):
        """``new`` is ``old`` plus a gradient (``new is old`` when the engine added in
        place); ``alone``: whether torch holds ``old`` alone, so that it adds into it (unless
        its ``old`` is a view)."""
        entry = self.table.pop(id(old), None)
        if entry is None or entry[0] is not old:
            entry = None
        elif entry[2]:
            return  # torch's sum is a new tensor (version 0, and no view)
        if alone:
            self.table[id(new)] = [new, 1 if entry is None else entry[1] + 1, False]

    def alone(self, g, slots, outs=()):
        """Whether torch would hold ``g`` alone, held outside the run by no one, in exactly
        ``slots`` buffer slots and not among ``outs`` (the gradients a node is handing on).
        ``slots`` is 1 for an array in a buffer, which torch adds into only when it owns
        its memory (a view keeps its base alive); 0 for one a leaf may take, which it does
        when it is laid out as the leaf is (a contiguous view will do)."""
        if not isinstance(g, _backend.ndarray):
            return isinstance(g, _generic)  # a NumPy scalar: a fresh 0-d result
        for x in self.held:
            if x is g:
                return False
        memory = _backend.plain_array(g)
        if slots:
            if not _owns_data(memory):
                return False
        elif not _backend.contiguous(memory):
            return False
        for o in outs:
            if o is g:
                return False
        return self._slots(g) == slots

    def _slots(self, g):
        n = 0
        for buf in self.buffers.values():
            for x in buf:
                if x is g:
                    n += 1
        return n

    def leaf_version(self, g):
        """The version of a leaf's first ``.grad`` copied from ``g``: that of ``g`` if torch
        would have let the leaf take it, else that of torch's copy."""
        if self.alone(g, 0):
            return self.of(g)
        return 1

    def shown(self, g):
        """``g`` as a Tensor for a hook or a caller: with the version torch's would have."""
        t = _wrap(g)
        v = self.of(g)
        if v:
            t._version_counter[0] = v
        return t

    def watch(self, t):
        """A weak reference to a Tensor a hook was shown or returned (see ``kept``)."""
        return weakref.ref(t), t._data

    def kept(self, g, refs):
        """After the hooks: a Tensor of ``g`` that is still alive was kept by a hook."""
        for ref, data in refs:
            if data is g and ref() is not None:
                self.held.append(g)
                return

    def settle(self, grads, outs):
        """A node has run: its gradients leave the table, but those it hands on as they are
        (``outs``) or that a second buffer still holds."""
        table = self.table
        for g in grads:
            entry = table.pop(id(g), None)
            if entry is None or entry[0] is not g:
                continue
            for o in outs:
                if o is g:
                    table[id(g)] = entry
                    break
            else:
                if self._slots(g):
                    table[id(g)] = entry

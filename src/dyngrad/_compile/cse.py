"""Common calls made once: a recorded call that repeats an earlier one (the same function
on the same values) is left out, and its result is the earlier result.

Eager code computes the same thing more than once where its pieces do not know of each
other: a loss's target checks in the forward and again in the backward, attention
weights recomputed by scaled_dot_product_attention's backward, a ``ones`` per layer norm.
In a record those repeats are visible: the same function called on the same slots, with
no write into their memory in between.

NOTE [A repeated call gives the same bits]
NumPy's calls are deterministic: the same function on the same arrays gives the same
result to the last bit. So using the first result for the second keeps NOTE [Replay
equals eager]. What must hold is that the values are the same: no write into an
argument's memory between the two calls (each root's count of writes is part of the
call's key), and neither result written afterwards (then one array would stand for two
that part ways).
"""
import numpy as np

from .trace import Ref

# functions whose result is not a function of their arguments
_NOT_PURE = {np.empty, np.empty_like}


def _key(v):
    """A hashable stand-in for an argument, equal only where the values are equal:
    slots by number, floats by their bits (0.0 and -0.0 differ, a nan never repeats),
    other objects by identity."""
    t = type(v)
    if t is Ref:
        return ("R", v.n)
    if t is tuple or t is list:
        return (t, tuple(_key(x) for x in v))
    if t is dict:
        return (dict, tuple((k, _key(x)) for k, x in v.items()))
    if t is float:
        return (float, v.hex()) if v == v else ("nan", id(v))
    if t in (int, bool, str, type(None), type(Ellipsis)) or isinstance(v, np.dtype):
        return (t, v)
    if t is slice:
        return (slice, _key(v.start), _key(v.stop), _key(v.step))
    return ("id", id(v))


def _pure(rec, c):
    if c.effect or c.writes or "out" in c.kwargs or c.fn in _NOT_PURE:
        return False
    if (getattr(c.fn, "__module__", None) or "").startswith("numpy.random"):
        return False  # a draw from NumPy's own stream (dyngrad's draws are effects)
    outs = c.outn()
    if not outs:
        return False
    for n in outs:
        s = rec.slots[n]
        # (a write through a view marks the viewed slot written too)
        if (s.kind != "value" or s.written or s.producer is None
                or rec.calls[s.producer] is not c.orig):
            return False
    return True


def common_calls(rec, calls, escaping):
    """(calls without the repeats, escaping with the repeats' slots replaced, {repeat's
    slot: first slot})."""
    slots = rec.slots
    writes = {}   # root -> writes so far
    seen = {}     # (function, slots read, their roots' writes) -> [[call, full key]]
    alias = {}
    out = []
    for c in calls:
        if alias and any(n in alias for n in c.ins()):
            c = c.renamed(alias)
        if _pure(rec, c):
            ins = c.ins()
            # (a ufunc's method is a new bound object per call: the ufunc names it)
            short = (c.ufunc or id(c.fn), tuple(ins),
                     tuple([writes.get(slots[n].root, 0) for n in ins]))
            earlier = seen.get(short)
            if earlier is None:
                seen[short] = [[c, None]]
            else:  # the same function on the same slots: compare the constants too
                key = (_key(c.args), _key(c.kwargs))
                for pair in earlier:
                    if pair[1] is None:
                        pair[1] = (_key(pair[0].args), _key(pair[0].kwargs))
                    if pair[1] == key:
                        for a, b in zip(c.outn(), pair[0].outn()):
                            alias[a] = b
                        break
                else:
                    earlier.append([c, key])
                    out.append(c)
                continue
        for n in c.writes:
            r = slots[n].root
            writes[r] = writes.get(r, 0) + 1
        out.append(c)
    return out, {alias.get(n, n) for n in escaping}, alias


__all__ = ["common_calls"]

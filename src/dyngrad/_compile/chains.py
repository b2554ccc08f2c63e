"""Repeated chains: in-place work a backward repeats from its forward, done once.

NOTE [Repeated chains]
A backward formula recomputes what its forward computed and threw away (float32 GELU's
cdf: about 30 elementwise passes, most of them in place on a temporary). In a record the
repeat is visible: the same ufuncs with the same numbers on arrays holding the same
values. cse.py finds repeated calls that write nothing; these write: ``t *= c`` changes
``t``. So values are numbered here: an array a call writes whole (a temporary's own
memory) holds a value named by the ufunc, its arguments' values and its numbers, and an
in-place call gives the same array a new value.

A call that makes a value made before on another array is left out, and so is the rest
of a repeated chain: its array holds that value only in name. Where a kept call uses it,
the earlier array stands for it when neither is written from then on; else a copy of
the earlier one, taken where the earlier chain made the value (before its own array
moved on), used by it alone. A copy is one pass in the forward against the chain's
passes in the backward, and an array kept until the backward. As with cse.py (NOTE [A
repeated call gives the same bits]), the values are those eager computes, bit for bit.

Only an elementwise ufunc writing one numeric array of its own takes part, when that
array does not outlive the run and nothing views it (a view would go on naming the
array left out).
"""
import numpy as np

from .cse import _key
from .trace import Call, Ref, substitute


def _chain_out(rec, c):
    """The slot an elementwise ufunc call writes whole (its result, or the one array
    given as ``out=``), if the call can take part."""
    u = c.ufunc
    if (u is None or u[1] != "__call__" or u[0].signature is not None or u[0].nout != 1
            or c.effect or set(c.kwargs) - {"out", "dtype", "casting"}):
        return None
    out = c.kwargs.get("out", c.outs)
    if type(out) is tuple and len(out) == 1:
        out = out[0]
    if type(out) is not Ref:
        return None
    o = rec.slots[out.n]
    if (o.kind != "value" or o.root != o.n or o.dynamic or not o.is_array or o.scalar
            or o.dtype.kind not in "iuf" or not o.contiguous):
        return None
    return o.n


def _renamed(c, alias):
    """``c`` reading and writing ``alias[n]`` where it named slot ``n``."""
    new = c.renamed(alias)
    new.outs = substitute(c.outs, alias)
    new.writes = tuple(alias.get(n, n) for n in c.writes)
    return new


def repeated_chains(rec, calls, escaping):
    """(calls with the repeats left out and the copies they need put in, {slot: the
    slot that stands for it})."""
    slots = rec.slots
    escaping_roots = {slots[n].root for n in escaping}
    writers = {}  # root -> indices of the calls writing it
    viewed = set()  # roots some slot is a view of
    for i, c in enumerate(calls):
        for n in c.writes:
            writers.setdefault(slots[n].root, []).append(i)
        for n in c.outn():
            if slots[n].root != n:
                viewed.add(slots[n].root)
    ids = {}        # value key -> value number
    cur = {}        # root -> the value it holds now
    made = {}       # value number -> (call index, its place in ``out``, root holding it)
    virtual = {}    # root -> the value number it holds only in name (its chain left out)
    alias = {}
    out, extra = [], {}  # extra: place in ``out`` -> copies to run after that call

    def value(tpl):
        """A stand-in for ``tpl`` equal only where the values are equal (cse's key, with
        an array's value in place of its slot)."""
        t = type(tpl)
        if t is Ref:
            n = alias.get(tpl.n, tpl.n)
            r = slots[n].root
            v = cur.get(r, ("slot", r))
            return v if r == n else ("view", n, v)
        if t is tuple or t is list:
            return (t, tuple(value(x) for x in tpl))
        return _key(tpl)

    def written_from(root, i):
        return any(k >= i for k in writers.get(root, ()))

    def materialize(n, i):
        """Make virtual root ``n`` stand for an array holding its value from call ``i``
        on: the earlier array, or a copy of it taken where it was made."""
        v = virtual.pop(n)
        j, place, held = made[v]
        if not written_from(n, i) and not written_from(held, j + 1):
            alias[n] = held
            return
        k = rec._new_slot("value", np.empty(slots[n].shape, slots[n].dtype))
        k.fresh, k.producer = True, len(rec.calls)
        copy = Call(np.positive, (Ref(held),), {}, k.ref, (), (np.positive, "__call__"))
        rec.calls.append(copy)  # (a made slot names the call that made it)
        extra.setdefault(place, []).append(copy)
        alias[n] = k.n
        cur[k.n] = v

    for i, c in enumerate(calls):
        o = _chain_out(rec, c)
        v = None
        if o is not None:
            v = ids.setdefault((c.ufunc[0], value(c.args), value(
                tuple(sorted((k, w) for k, w in c.kwargs.items() if k != "out"))),
                slots[o].shape, slots[o].dtype), len(ids))
            if (v in made and o not in viewed and o not in escaping_roots
                    and made[v][2] != o):
                virtual[o] = cur[o] = v  # left out: ``o`` holds v in name only
                continue
        for n in set(c.ins()):
            if slots[n].root in virtual:
                materialize(slots[n].root, i)
        if alias:
            c = _renamed(c, alias)
        for n in c.writes:
            cur[slots[n].root] = ("w", i, n)
        for n in c.outn():  # (an array handed back, as atleast_1d does, is no new value)
            p = slots[n].producer
            if slots[n].root == n and p is not None and rec.calls[p] is c.orig:
                cur[n] = ("w", i, n)
        if o is not None:
            o = alias.get(o, o)
            cur[o] = v
            if v not in made:
                made[v] = (i, len(out), o)
        out.append(c)
    if not extra:
        return out, alias
    flat = []
    for place, c in enumerate(out):
        flat.append(c)
        flat.extend(extra.get(place, ()))
    return flat, alias


__all__ = ["repeated_chains"]

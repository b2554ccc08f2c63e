"""Masked fix-ups skipped when their mask selects nothing.

Eager code fixes a few lanes of a result where a test says so, ``r[bad] = fix(s[bad])``
(a float32 rounding midpoint in _cpu_math's fused multiply-add, which AdamW's updates
run on every parameter), and skips the fix when ``bad`` holds no True. A capture cannot
take that shortcut (NOTE [No shortcuts while capturing]): the record has the fix's calls,
on selections of any size. In the plan those calls depend on the mask alone: when it
selects nothing, each makes an empty array or writes nothing. So the plan tests
``mask.any()`` once and runs them only then: eager's shortcut back, and the same values,
since what is skipped would have done nothing (NOTE [Replay equals eager]).

A region: a boolean selection ``x[M]`` and every later call that reads what the region
made. Each of those makes arrays whose shape comes from the selection (dynamic slots),
writes only into such arrays or through ``t[M] = v`` with the same mask, and has no
effect beyond its arrays; nothing outside the region reads what it made, nothing of it
outlives the run, nothing writes M meanwhile. The call that made the selected array for
the region alone (a ``broadcast_to``) joins it.
"""
from .. import _backend
from .trace import Ref

ndarray = _backend.ndarray


def regions(rec, calls, escaping, fused):
    """[(first index, mask slot, indices)] of the regions of ``calls`` (none of them in
    the fused runs ``fused``, a set of indices)."""
    slots = rec.slots
    readers = {}
    for j, c in enumerate(calls):
        for n in c.ins():
            readers.setdefault(n, []).append(j)
    found, taken = [], set()
    for i, c in enumerate(calls):
        if (c.fn is not ndarray.__getitem__ or len(c.args) != 2 or i in taken
                or type(c.args[0]) is not Ref or type(c.args[1]) is not Ref):
            continue
        m = c.args[1].n
        ms = slots[m]
        outs = c.outn()
        if (ms.dtype != bool or not ms.is_array or ms.dynamic or not outs
                or not all(slots[o].dynamic for o in outs)):
            continue
        region = _grow(rec, calls, i, m, escaping, fused)
        if region is None:
            continue
        feeder = _feeder(rec, calls, c.args[0].n, i, readers)
        first = feeder if feeder is not None and not _written(
            rec, calls, slots[m].root, feeder, i) else i
        members = ([first] if first != i else []) + region
        if taken.isdisjoint(members) and not fused.intersection(members):
            taken.update(members)
            found.append((first, m, members))
    return found


def _grow(rec, calls, i, m, escaping, fused):
    """The indices of the region a selection at ``calls[i]`` starts, or None."""
    slots = rec.slots
    made = set(calls[i].outn())
    roots = {slots[n].root for n in made}
    mroot = slots[m].root
    members = [i]
    for j in range(i + 1, len(calls)):
        c = calls[j]
        ins = c.ins()
        if not any(n in made or slots[n].root in roots for n in ins):
            if any(slots[w].root == mroot for w in c.writes):
                # the mask changes here: nothing after may read the region's arrays
                later = {k for n in made for k in _readers_after(calls, n, j)}
                return None if later else members
            continue
        if c.effect or j in fused:
            return None
        a = c.args
        if (c.fn is ndarray.__setitem__ and len(a) == 3 and type(a[1]) is Ref
                and a[1].n == m and type(a[2]) is Ref and a[2].n in made
                and type(a[0]) is Ref and slots[a[0].n].root != mroot):
            members.append(j)  # t[M] = v: writes nothing when M selects nothing
            continue
        outs = c.outn()
        if not all(slots[o].dynamic for o in outs) or not all(
                w in made or slots[w].root in roots for w in c.writes):
            return None
        members.append(j)
        made.update(outs)
        roots.update(slots[o].root for o in outs)
    if any(n in escaping or slots[n].root in escaping for n in made):
        return None
    return members


def _readers_after(calls, n, j):
    return [k for k in range(j, len(calls)) if n in calls[k].ins()]


def _feeder(rec, calls, a, i, readers):
    """The index of the call that made slot ``a`` for the selection at ``i`` alone, or
    None."""
    p = None
    for k in range(i - 1, -1, -1):
        if a in calls[k].outn():
            p = k
            break
    if p is None:
        return None
    c = calls[p]
    if c.effect or c.writes or c.outn() != [a] or readers.get(a) != [i]:
        return None
    return p


def _written(rec, calls, root, start, end):
    """Whether a call from ``start`` to ``end`` writes into ``root``'s memory."""
    slots = rec.slots
    return any(slots[w].root == root for c in calls[start:end + 1] for w in c.writes)

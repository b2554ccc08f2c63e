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
import re

from .. import _backend
from .trace import Ref

ndarray = _backend.ndarray


def regions(rec, calls, escaping, fused):
    """[(first index, mask slot, indices)] of the regions of ``calls`` (none of them in
    the fused runs ``fused``, a set of indices): the selections by one mask and what they
    make, tested once, before the first of them."""
    slots = rec.slots
    readers, last = {}, {}  # slot -> the calls reading it; root -> the last call reading it
    for j, c in enumerate(calls):
        for n in c.ins():
            readers.setdefault(n, []).append(j)
            last[slots[n].root] = j
    pos = {id(c.orig): j for j, c in enumerate(calls)}
    seeds = {}
    for i, c in enumerate(calls):
        if (c.fn is ndarray.__getitem__ and len(c.args) == 2 and type(c.args[0]) is Ref
                and type(c.args[1]) is Ref and i not in fused):
            ms = slots[c.args[1].n]
            outs = c.outn()
            if (ms.dtype == bool and ms.is_array and not ms.dynamic and outs
                    and all(slots[o].dynamic for o in outs)):
                seeds.setdefault(c.args[1].n, []).append(i)
    found, taken = [], set()
    for m, starts in seeds.items():
        members = _grow(rec, calls, starts, m, escaping, fused, last)
        if members is None:
            continue
        for i in starts:
            a = calls[i].args[0].n
            feeder = _feeder(rec, calls, a, i, readers, pos)
            if feeder is not None and feeder not in fused and a not in escaping:
                members.append(feeder)
        first, final = min(members), max(members)
        if taken.isdisjoint(members) and not _written(rec, calls, slots[m].root, first, final):
            taken.update(members)
            found.append((first, m, sorted(members)))
    return found


def _grow(rec, calls, starts, m, escaping, fused, last):
    """The indices of the region the selections by mask ``m`` at ``starts`` begin, or
    None. ``last``: the last call reading each root."""
    slots = rec.slots
    made, roots = set(), set()
    mroot = slots[m].root
    members = []
    end = starts[-1]  # past the last read of what the region made, nothing can join it
    for j in range(starts[0], len(calls)):
        if j > end:
            break
        c = calls[j]
        if j in starts:
            members.append(j)
            made.update(c.outn())
            roots.update(slots[n].root for n in c.outn())
            end = max([end] + [last.get(r, -1) for r in roots])
            continue
        ins = c.ins()
        if not any(n in made or slots[n].root in roots for n in ins):
            if any(slots[w].root == mroot for w in c.writes):
                # the mask changes here: nothing after may read the region's arrays
                if end > j:
                    return None
                break
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
        end = max([end] + [last.get(slots[o].root, -1) for o in outs])
    if any(n in escaping or slots[n].root in escaping for n in made):
        return None
    return members


def _feeder(rec, calls, a, i, readers, pos):
    """The index of the call that made slot ``a`` for the selection at ``i`` alone, or
    None. ``pos``: the index of each recorded call among ``calls``."""
    made_by = rec.slots[a].producer
    p = pos.get(id(rec.calls[made_by])) if made_by is not None else None
    if p is None or p >= i:
        return None
    c = calls[p]
    if c.effect or c.writes or c.outn() != [a] or readers.get(a) != [i]:
        return None
    return p


def _written(rec, calls, root, start, end):
    """Whether a call from ``start`` to ``end`` writes into ``root``'s memory."""
    slots = rec.slots
    return any(slots[w].root == root for c in calls[start:end + 1] for w in c.writes)


def movable(rec, calls, members):
    """Whether a region can run as one, where its first call is: nothing between its
    calls writes what they read or reads what they write, and what they read from
    outside is made before it starts."""
    slots = rec.slots
    inside = set(members)
    first, final = members[0], members[-1]
    made = {n for k in members for n in calls[k].outn()}
    reads = {slots[n].root for k in members for n in calls[k].ins() if n not in made}
    writes = {slots[w].root for k in members for w in calls[k].writes}
    for k in range(first, final + 1):
        if k in inside:
            continue
        c = calls[k]
        if (any(slots[w].root in reads for w in c.writes)
                or any(slots[n].root in writes for n in c.ins())
                or any(n in reads or slots[n].root in reads for n in c.outn())):
            return False
    return True


_NAME = re.compile(r"\b[vf]\d+\b")
_TARGET = re.compile(r"v\d+|\((?:v\d+|_)(?:, (?:v\d+|_))*,?\)")  # (plan._target)


def function(src, name, mask, lines, code_of):
    """The plan's line running a region as a function of its own, and that function,
    compiled the first time its mask selects anything (most plans never run it: the
    fix-ups of AdamW's rounding are three thousand lines of a GPT step's plan, which
    Python's compiler would hold tens of megabytes for, measured)."""
    made = set()
    for line in lines:
        lhs, eq, _ = line.partition(" = ")
        if eq and _TARGET.fullmatch(lhs):
            made.update(_NAME.findall(lhs))
    free = sorted({n for line in lines for n in _NAME.findall(line)} - made)
    text = f"def {name}({', '.join(free)}):\n" + "".join(f"    {x}\n" for x in lines)
    g = src.globals

    def first_use(*args):
        exec(code_of(text, f"<dyngrad.compile {name}>"), g)
        return g[name](*args)
    g[name] = first_use
    return f"if {mask}.any(): {name}({', '.join(free)})"

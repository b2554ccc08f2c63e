"""The plan: a recorded call (capture.py) turned into one flat Python function of array
calls, which later calls run instead of the function.

    record ──> keep what matters ──> give temporaries buffers ──> write the source, exec

- Keep what matters: a call stays when something that outlives the run needs it (a
  result, a side effect, a tensor the function reached, a random draw). What eager
  computes only to throw away (saved values of a graph already used, gradients nobody
  reads, copies the engine made to own a gradient) is left out, and so is what it
  computes twice (a repeated call: cse.py; a backward's in-place chain repeating its
  forward's: chains.py).
- Buffers: a ufunc's fresh result that does not outlive the run gets an array made once
  and reused on every run (``out=``), and a dying input of an elementwise ufunc hands its
  buffer to the output, so a chain of elementwise calls runs in one array (NumPy's own
  ufunc loops: the same roundings as eager, only no new memory and no page faults).
- The source: one line per call, arrays in local variables, functions and constants bound
  as globals of the generated function. No Tensor, node or engine in the loop.

NOTE [Replay equals eager]
The plan makes the same NumPy calls with the same arguments in the same order as the eager
call it was recorded from; writing into a reused buffer does not change a ufunc's result.
So a replay's values are eager's bit for bit.
"""
import math

import numpy as np

from .. import _backend
from ..tensor import _wrap
from . import chains as _chains, cse as _cse, fuse as _fuse, masked as _masked
from .codecache import code_of
from .trace import Call, Ref, _refs

ndarray = _backend.ndarray


def _tensor(data, requires_grad, version):
    t = _wrap(data if type(data) is ndarray else np.asarray(data))
    if requires_grad:
        t._requires_grad = True
    if version:
        t._version_counter[0] = version
    return t


class Plan:
    """A plan's generated function and what it was made from (for explain)."""

    def __init__(self, fn, source, n_calls, n_recorded, n_buffers):
        self.fn = fn
        self.source = source
        self.n_calls = n_calls
        self.n_recorded = n_recorded
        self.n_buffers = n_buffers


def _escaping(tr, extra=()):
    """Slots that outlive a run: results, side effects, and ``extra``."""
    out = set(extra)
    for e in tr.effects:
        if e[0] in ("data", "grad_new", "grad_data"):
            out.add(e[2])
    if tr.outputs is not None:
        for d in tr.outputs[1]:
            if d[0] in ("tensor", "sym"):
                out.add(d[1])
    return out


def needed_calls(rec, calls, escaping, keep_roots, effects=True):
    """The calls that something outliving the run depends on (NOTE in the module doc).
    ``effects=False``: the values alone, no random draw kept for its own sake."""
    slots = rec.slots
    vals = set(escaping)
    roots = {slots[n].root for n in vals} | set(keep_roots)
    needed = [False] * len(calls)
    changed = True
    while changed:
        changed = False
        for i in range(len(calls) - 1, -1, -1):
            if needed[i]:
                continue
            c = calls[i]
            outs = c.outn()
            if not (c.effect or c.writes) and outs and not any(
                    _made_by(rec, o, c) for o in outs):
                continue  # it handed back an array it was given (a no-op astype): nothing
            if ((c.effect and effects) or any(o in vals for o in outs)
                    or any(slots[w].root in roots for w in c.writes)):
                needed[i] = changed = True
                for n in c.ins():
                    vals.add(n)
                    roots.add(slots[n].root)
                for o in outs:
                    roots.add(slots[o].root)
    return [c for c, k in zip(calls, needed) if k]


def _made_by(rec, n, c):
    p = rec.slots[n].producer
    return p is not None and rec.calls[p] is c.orig


def _peephole(rec, calls, escaping):
    """Two rewrites of what eager does only for its own bookkeeping, same values:

    - a copy of an array nobody uses afterwards (the engine copies a gradient it cannot
      prove it owns) becomes that array itself;
    - ``a = ufunc(...); dst[...] = a`` with ``a`` used nowhere else becomes
      ``ufunc(..., out=dst)`` (an in-place update written through a temporary).
    """
    slots = rec.slots
    last = {}
    for i, c in enumerate(calls):
        for n in c.ins():
            last[slots[n].root] = i
    out, alias = [], {}
    skip = set()
    for i, c in enumerate(calls):
        if i in skip:
            continue
        if alias:
            c = c.renamed(alias)
        src = c.args[0] if c.args else None
        if (c.fn is np.array and type(src) is Ref and c.kwargs.get("copy") is True
                and set(c.kwargs) <= {"copy", "order"} and type(c.outs) is Ref):
            s = slots[src.n]
            if _copy_unneeded(slots, s, last, i, escaping):
                alias[c.outs.n] = s.n
                if c.outs.n in escaping:
                    escaping.discard(c.outs.n)
                    escaping.add(s.n)
                continue
        nxt = calls[i + 1] if i + 1 < len(calls) else None
        if (_elementwise(c) and "out" not in c.kwargs and type(c.outs) is Ref
                and nxt is not None and nxt.fn is ndarray.__setitem__
                and len(nxt.args) == 3 and nxt.args[1] is Ellipsis
                and type(nxt.args[2]) is Ref and nxt.args[2].n == c.outs.n
                and type(nxt.args[0]) is Ref):
            t, dst = slots[c.outs.n], slots[nxt.args[0].n]
            if (t.root == t.n and t.n not in escaping and last.get(t.n) == i + 1
                    and not t.dynamic and not dst.dynamic and t.shape == dst.shape
                    and t.dtype == dst.dtype):
                kw = dict(c.kwargs)
                kw["out"] = nxt.args[0]
                new = Call(c.fn, c.args, kw, c.outs, (nxt.args[0].n,), c.ufunc)
                new.orig = c.orig
                out.append(new)
                skip.add(i + 1)
                continue
        out.append(c)
    escaping = {alias.get(n, n) for n in escaping}
    return out, escaping, alias


# ufuncs whose NumPy loop with a scalar operand is several times slower than with two
# arrays (measured on a (128, 512) float32 ReLU, maximum(x, 0): 20 us against 4 us)
_SLOW_WITH_SCALAR = {np.maximum, np.minimum, np.fmax, np.fmin}
WIDEN_MIN = 4096  # elements: below it the scalar loop's cost does not show


def _widen_scalars(rec, calls):
    """``maximum(x, 0)`` as ``maximum(x, Z)``, Z an array of that number made once: the
    same ufunc on the same values element by element, in the output's dtype as NumPy
    casts the number (NOTE [Replay equals eager]), on the faster array-array loop."""
    made = {}
    out = []
    for c in calls:
        u = c.ufunc
        if (u is not None and u[1] == "__call__" and u[0] in _SLOW_WITH_SCALAR
                and len(c.args) == 2 and type(c.outs) is Ref
                and set(c.kwargs) <= {"out", "dtype"}):
            k = next((i for i, a in enumerate(c.args) if type(a) in (int, float)), None)
            o = rec.slots[c.outs.n]
            other = c.args[1 - k] if k is not None else None
            if (type(other) is Ref and o.is_array and not o.dynamic and o.dtype.kind == "f"
                    and rec.slots[other.n].dtype == o.dtype
                    and rec.slots[other.n].shape == o.shape
                    and math.prod(o.shape) >= WIDEN_MIN):
                v = c.args[k]
                key = (type(v), repr(v), o.dtype, o.shape)  # (repr: -0.0 is not 0.0)
                n = made.get(key)
                if n is None:
                    n = made[key] = rec._const(np.full(o.shape, v, o.dtype))
                args = list(c.args)
                args[k] = Ref(n)
                new = Call(c.fn, tuple(args), c.kwargs, c.outs, c.writes, c.ufunc)
                new.effect, new.orig = c.effect, c.orig
                c = new
        out.append(c)
    return out


def _copy_unneeded(slots, s, last, i, escaping):
    """Whether a copy of slot ``s`` made by call ``i`` may be ``s`` itself: a made array
    used by nothing later and written by nothing, C-contiguous (as the copy is), and all
    of its memory: either the array itself or a view of the whole of one (a gradient
    transposed back, ``w.grad`` of a ``linear``) whose memory nothing else hands out."""
    r = slots[s.root]
    if (s.kind != "value" or r.kind != "value" or s.scalar or s.written or r.written
            or not s.is_array or not s.contiguous or s.dynamic or last.get(r.n) != i
            or s.n in escaping):
        return False
    if r is s:
        return True
    return (r.is_array and not r.scalar and s.dtype == r.dtype
            and math.prod(s.shape) == math.prod(r.shape)
            and all(slots[e].root != r.n for e in escaping))


def _elementwise(call):
    u = call.ufunc
    return u is not None and u[1] == "__call__" and u[0].signature is None


def assign_buffers(rec, calls, escaping, skip=()):
    """{slot: buffer number} and the buffers' (shape, dtype): fresh ufunc results that
    do not escape get a reused array (NOTE in the module doc)."""
    slots = rec.slots
    escaping_roots = {slots[n].root for n in escaping}
    last = {}
    for i, c in enumerate(calls):
        for n in c.ins():
            last[slots[n].root] = i
        for n in c.outn():
            last.setdefault(slots[n].root, i)
    buf_of, shapes, free = {}, [], {}
    for i, c in enumerate(calls):
        outs = c.outn()
        dying = [slots[n].root for n in c.ins() if last.get(slots[n].root) == i]
        handed = None
        if (len(outs) == 1 and type(c.outs) is Ref and c.ufunc is not None
                and "out" not in c.kwargs):
            s = slots[outs[0]]
            if (s.fresh and not s.dynamic and s.root not in escaping_roots
                    and s.n not in skip and s.is_array and not s.scalar and s.contiguous):
                key = (s.shape, s.dtype)
                b = None
                if _elementwise(c):
                    for r in _refs(c.args):
                        d = slots[r.n]
                        if (d.root == r.n and r.n in buf_of and last.get(r.n) == i
                                and shapes[buf_of[r.n]] == key):
                            b = handed = buf_of[r.n]
                            break
                if b is None and free.get(key):
                    b = free[key].pop()
                if b is None:
                    b = len(shapes)
                    shapes.append(key)
                buf_of[s.n] = b
        for root in set(dying):
            b = buf_of.get(root)
            if b is not None and b != handed:
                free.setdefault(shapes[b], []).append(b)
    return buf_of, shapes


class _Source:
    """The text of a generated function and the globals its names refer to."""

    def __init__(self):
        self.lines = []
        self.globals = {}
        self._ids = {}

    def const(self, obj, prefix="K"):
        k = self._ids.get(id(obj))
        if k is None:
            k = self._ids[id(obj)] = f"{prefix}{len(self.globals)}"
            self.globals[k] = obj
        return k

    def render(self, tpl, names):
        t = type(tpl)
        if t is Ref:
            return names[tpl.n]
        if t is tuple:
            inner = ", ".join(self.render(v, names) for v in tpl)
            return f"({inner},)" if len(tpl) == 1 else f"({inner})"
        if t is list:
            return "[" + ", ".join(self.render(v, names) for v in tpl) + "]"
        if tpl is None or t in (bool, int, str):
            return repr(tpl)
        if t is float and math.isfinite(tpl):
            return repr(tpl)
        if tpl is Ellipsis:
            return "..."
        return self.const(tpl)


def _target(tpl, names, here=None):
    if type(tpl) is Ref:
        return names[tpl.n] if here is None or tpl.n in here else "_"
    if tpl is None:
        return "_"
    return "(" + ", ".join(_target(v, names, here) for v in tpl) + ",)"


def build(rec, calls, escaping, reads, sink, results, name="plan", params="A", pure=False):
    """Generate a plan function ``name(<params>) -> results``.

    ``calls``: the recorded calls that may run (in order); ``escaping``: slots that
    outlive the run; ``reads``: {slot: expression} for the values read from outside;
    ``sink(names)``: lines for the side effects; ``results(names)``: the expression
    returned. ``pure``: only what the results need (no writes into the inputs, no
    random draws: the checks of NOTE [Checks before a plan]). Returns (source, text,
    calls kept, buffers).
    """
    keep_roots = [] if pure else [n for n in reads if rec.slots[n].kind == "input"]
    calls, escaping, common = _cse.common_calls(rec, calls, escaping)
    kept = needed_calls(rec, calls, escaping, keep_roots, effects=not pure)
    kept, escaping, alias = _peephole(rec, kept, set(escaping))
    kept, kept_values = _chains.repeated_chains(rec, kept, escaping)
    # what only a repeat read is unneeded now (a copy the peephole left out still names
    # its own slot where a call writes it)
    kept = needed_calls(rec, kept, escaping | set(alias), keep_roots, effects=not pure)
    kept = _widen_scalars(rec, kept)
    runs = _fuse.groups(rec, kept)
    local = _fuse.local_slots(rec, kept, runs, escaping)
    buf_of, shapes = assign_buffers(rec, kept, escaping, local)
    src = _Source()
    names = {}
    for s in rec.slots:
        if s.kind == "const" and s.n not in reads:
            names[s.n] = src.const(s.value, "C")
        elif s.n in buf_of:
            names[s.n] = f"B{buf_of[s.n]}"
        else:
            names[s.n] = f"v{s.n}"
    for a, b in list(alias.items()) + list(common.items()) + list(kept_values.items()):
        names[a] = names[b]
    for b, (shape, dtype) in enumerate(shapes):
        src.globals[f"B{b}"] = np.empty(shape, dtype)
    used = set(escaping)
    for c in kept:
        used.update(c.ins())
    body = src.lines
    for n, expr in reads.items():
        if n in used:
            body.append(f"{names[n]} = {expr}")
    run_at = dict(runs)
    fused = {k for a, b in runs for k in range(a, b)}
    when = {}  # index -> the name of its region's test (masked.py)
    tests, apart = {}, {}
    for r, (first, m, members) in enumerate(_masked.regions(rec, kept, escaping, fused)):
        if _masked.movable(rec, kept, members):
            apart[first] = (r, m, [_line(rec, src, kept[k], names, buf_of) for k in members])
            when.update((k, None) for k in members)
        else:
            tests[first] = f"_m{r} = {names[m]}.any()"
            when.update((k, f"if _m{r}: ") for k in members)
    fresh_full = set()
    i = 0
    while i < len(kept):
        c = kept[i]
        if i in run_at:
            body.extend(_fuse.emit(rec, src, kept[i:run_at[i]], names, local, buf_of,
                                   fresh_full, rec.slots[c.outs.n].shape))
            i = run_at[i]
            continue
        if i in apart:
            r, m, lines = apart[i]
            body.append(_masked.function(src, f"_R{r}", names[m], lines, code_of))
        elif i in tests:
            body.append(tests[i])
        prefix = when.get(i, "")
        if prefix is not None:
            body.append(prefix + _line(rec, src, c, names, buf_of))
        i += 1
    body.extend(sink(names, src))
    body.append(f"return {results(names, src)}")
    src.globals["_tensor"] = _tensor
    src.globals["_asarray"] = np.asarray
    src.globals["_empty"] = np.empty
    text = f"def {name}({params}):\n" + "".join(f"    {line}\n" for line in body)
    return src, text, len(kept), len(shapes)


def _line(rec, src, c, names, buf_of):
    """The line of one call."""
    args = [src.render(a, names) for a in c.args]
    args += [f"{k}={src.render(v, names)}" for k, v in c.kwargs.items()]
    outs = _refs(c.outs)
    if "out" in c.kwargs or c.outs is None or not outs:
        # (with out=, the result is the out= array, named already)
        return f"{src.const(c.fn, 'F')}({', '.join(args)})"
    if (type(c.outs) is Ref and outs[0].n in buf_of
            and rec.calls[rec.slots[outs[0].n].producer] is c.orig):
        args.append(f"out={names[outs[0].n]}")
        return f"{src.const(c.fn, 'F')}({', '.join(args)})"
    call = f"{src.const(c.fn, 'F')}({', '.join(args)})"
    if (type(c.outs) is Ref and rec.slots[c.outs.n].scalar
            and rec.slots[c.outs.n].producer is not None):
        # NumPy gave a scalar here; the recorded calls after it had a 0-d array
        return f"{names[c.outs.n]} = _asarray({call})"
    # an array given in and handed back (a no-op asarray) keeps its own name
    here = {r.n for r in outs if rec.slots[r.n].producer is not None
            and rec.calls[rec.slots[r.n].producer] is c.orig}
    return f"{_target(c.outs, names, here)} = {call}"


def compile_source(src, text, name="plan"):
    exec(code_of(text, f"<dyngrad.compile {name}>"), src.globals)
    fn = src.globals[name]
    fn.source = text
    return fn

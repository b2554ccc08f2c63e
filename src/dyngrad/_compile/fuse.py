"""Fusing a run of elementwise calls over big arrays: the plan loops over chunks that fit
in the cache and runs every call of the run on each chunk, so an intermediate used only
inside the run never goes to memory whole (a 4M-element chain makes one pass over memory
per input and result instead of one per call).

NOTE [Chunks keep eager's bits]
An elementwise ufunc computes each element on its own: the same ufunc on a slice gives
the slice of its result, bit for bit (NumPy's SIMD loops handle a chunk's elements as
they handle the whole array's; chunks are whole multiples of any vector width). Only
elementwise ufunc calls are fused, never a reduction, whose summation order depends on
how the array is cut.

An array of more than one dimension takes part when it is C-contiguous: the loop runs
over its flat view (``reshape(-1)``, the same memory), so a GELU's 25 passes over a (12, 64, 512)
activation or an optimizer's update of a weight matrix are fused as a vector's are. An
array reshaped in place (``a.shape = s``) during the call is left out: its recorded
shape is not the one it has later.
"""
import math

from .. import _backend
from .trace import Ref, _refs, _set_shape, out_positional

ndarray = _backend.ndarray

CHUNK = 65536          # elements per chunk (256 KB of float32)
MIN_SIZE = 4 * CHUNK   # smaller arrays stay in the cache anyway


def _fusable(rec, c, reshaped):
    u = c.ufunc
    if u is None or u[1] != "__call__" or u[0].signature is not None or u[0].nout != 1:
        return None
    if set(c.kwargs) - {"out", "dtype", "casting"}:
        return None
    shape = None
    for n in c.ins() + c.outn():
        s = rec.slots[n]
        if s.dynamic or not s.is_array:
            return None
        if s.shape == ():
            continue
        if n in reshaped or (len(s.shape) > 1 and not s.contiguous):
            return None  # (a vector of any strides slices as it is)
        if shape is None:
            shape = s.shape
        elif s.shape != shape:
            return None
    if shape is None or math.prod(shape) < MIN_SIZE:
        return None
    out = rec.slots[c.outs.n] if type(c.outs) is Ref else None
    if out is None or out.shape != shape:
        return None
    return shape


def groups(rec, calls):
    """Runs of at least two consecutive fusable calls over one shape: [(start, end)]."""
    reshaped = {c.args[0].n for c in rec.calls
                if c.fn is _set_shape and type(c.args[0]) is Ref}
    found, start, shape = [], None, None
    for i, c in enumerate(calls + [None]):
        s = _fusable(rec, c, reshaped) if c is not None else None
        if s is not None and s == shape:
            continue
        if start is not None and i - start >= 2:
            found.append((start, i))
        start, shape = (i, s) if s is not None else (None, None)
    return found


def local_slots(rec, calls, runs, escaping):
    """The slots made and used only inside one run: they live in chunk-sized arrays."""
    where = {}
    for i, c in enumerate(calls):
        for n in c.ins():
            where.setdefault(rec.slots[n].root, []).append(i)
    local = {}
    for k, (a, b) in enumerate(runs):
        for c in calls[a:b]:
            n = c.outs.n
            s = rec.slots[n]
            if (s.root == n and n not in escaping and s.producer is not None
                    and rec.calls[s.producer] is c.orig
                    and all(a <= i < b for i in where.get(n, ()))):
                local[n] = k
    return local


def emit(rec, src, calls, names, local, buf_of, fresh_full, shape):
    """The lines of one run: a loop over chunks, each call on its chunk."""
    n = math.prod(shape)
    lines = []
    for c in calls:  # full-size results nobody gave a buffer: made before the loop
        o = c.outs.n
        if (o not in local and o not in buf_of and "out" not in c.kwargs
                and rec.calls[rec.slots[o].producer] is c.orig):
            lines.append(f"{names[o]} = _empty({shape!r}, {src.const(rec.slots[o].dtype)})")
            fresh_full.add(o)
    flat = {}  # the flat views of the full-size arrays, made once before the loop
    if len(shape) > 1:
        for c in calls:
            for r in _refs_of(c):
                if (r.n not in local and rec.slots[r.n].shape != ()
                        and names[r.n] not in flat):
                    flat[names[r.n]] = f"f{len(flat)}"
                    lines.append(f"f{len(flat) - 1} = {names[r.n]}.reshape(-1)")
    temps = sorted({o for c in calls for o in [c.outs.n] if o in local})
    for o in temps:
        src.globals[f"T{o}"] = _backend.xp.empty(CHUNK, rec.slots[o].dtype)
    lines.append(f"for _a in range(0, {n}, {CHUNK}):")
    lines.append(f"    _b = _a + {CHUNK}")
    if n % CHUNK:
        lines.append(f"    _n = min({CHUNK}, {n} - _a)")
    for o in temps:
        lines.append(f"    t{o} = T{o}" + ("[:_n]" if n % CHUNK else ""))

    def part(tpl):
        t = type(tpl)
        if t is Ref:
            s = rec.slots[tpl.n]
            if tpl.n in local:
                return f"t{tpl.n}"
            if s.shape == ():
                return names[tpl.n]
            return f"{flat.get(names[tpl.n], names[tpl.n])}[_a:_b]"
        if t is tuple:
            inner = ", ".join(part(v) for v in tpl)
            return f"({inner},)" if len(tpl) == 1 else f"({inner})"
        return src.render(tpl, names)
    for c in calls:
        f = src.const(c.fn, "F")
        args = [part(a) for a in c.args]
        kwargs = [f"{k}={part(v)}" for k, v in c.kwargs.items()]
        if "out" in c.kwargs:
            pass
        elif out_positional(c):
            args.append(part(c.outs))
        else:
            kwargs.append(f"out={part(c.outs)}")
        lines.append(f"    {f}({', '.join(args + kwargs)})")
    return lines


def _refs_of(c):
    return _refs((c.args, c.kwargs, c.outs))

"""Capture: run a compiled function's call once eagerly, recording it (NOTE [Capture
records array calls] in trace.py), and say what the call changed.

What the function can reach is found before it runs: its arguments, and the modules,
optimizers, tensors and generators named by its closure and the globals its code uses
(and by the functions and plain objects those lead to, a few levels down). Their tensors
are the plan's inputs, read afresh each run; everything else the call makes is computed
by the plan. After the call, comparing each tensor with what it was gives the side
effects to reproduce: a replaced array, a new or dropped ``.grad``, version-counter
bumps. In-place writes (parameter updates, running statistics, optimizer moments) are
calls in the record already.
"""
import builtins
import contextlib
import gc
import threading
import types
from types import FunctionType

import numpy as np

from .. import _backend, autograd
from .._autograd_state import DUAL as _DUAL, state as _gstate
from ..autograd import engine
from ..nn.modules import module as _module
from ..nn.modules.module import Module
from ..optim.optimizer import Optimizer
from ..random import Generator, default_generator
from ..tensor import Tensor, _wrap
from . import guards as _guards, namespace as _namespace, trace as _trace
from .trace import Recorder, Ref, SymFloat, Traced

_DRAWS = ("uniform", "normal", "bernoulli", "bernoulli_tensor", "randint", "random_",
          "randperm", "exponential")


class Found:
    """What a function can reach: modules, optimizers, tensors and generators."""

    def __init__(self):
        self.modules, self.optimizers, self.tensors, self.generators = [], [], [], []
        self.values = []  # (closure cell or globals dict, name, value): numbers the code reads
        self.objects = []  # other objects with attributes (a scheduler, a trainer)
        self.seen = set()

    def add(self, obj, depth=0):
        if id(obj) in self.seen or depth > 4:
            return
        if isinstance(obj, (int, float, str, bytes, bool, type(None), type, types.ModuleType)):
            return
        self.seen.add(id(obj))
        if isinstance(obj, Tensor):
            self.tensors.append(obj)
        elif isinstance(obj, Module):
            for m in obj.modules():
                if id(m) not in self.seen or m is obj:
                    self.seen.add(id(m))
                    self.modules.append(m)
                    for v in list(m._parameters.values()) + list(m._buffers.values()):
                        if v is not None:
                            self.add(v)
                    for v in m.__dict__.values():
                        if isinstance(v, (Tensor, Optimizer)):
                            self.add(v)
        elif isinstance(obj, Optimizer):
            self.optimizers.append(obj)
            for g in obj.param_groups:
                for p in g["params"]:
                    self.add(p)
                for v in g.values():
                    if isinstance(v, Tensor):
                        self.add(v)
            for st in obj.state.values():
                for v in st.values():
                    if isinstance(v, Tensor):
                        self.add(v)
        elif isinstance(obj, Generator):
            self.generators.append(obj)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            for v in obj:
                self.add(v, depth + 1)
        elif isinstance(obj, dict):
            for v in obj.values():
                self.add(v, depth + 1)
        elif isinstance(obj, types.MethodType):
            self.add(obj.__self__, depth)
            self.add(obj.__func__, depth)
        elif isinstance(obj, FunctionType):
            if obj.__module__ and obj.__module__.startswith("dyngrad"):
                return
            for cell in obj.__closure__ or ():
                try:
                    v = cell.cell_contents
                except ValueError:  # an empty cell
                    continue
                if _guards.plain_value(v):
                    self.values.append((cell, None, v))
                self.add(v, depth + 1)
            g = obj.__globals__
            for name in _names(obj.__code__):
                if name in g:
                    v = g[name]
                    if _guards.plain_value(v):
                        self.values.append((g, name, v))
                    self.add(v, depth + 1)
        elif hasattr(obj, "__dict__") and not callable(obj):
            self.objects.append(obj)
            for v in vars(obj).values():
                self.add(v, depth + 1)


def _names(code):
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _names(c)
    return names


def flatten(x, leaves):
    """The structure of ``x`` with its leaves (not tuples, lists or dicts) pulled out."""
    t = type(x)
    if t is tuple or t is list:
        return (t, [flatten(v, leaves) for v in x])
    if t is dict:
        return (dict, [(k, flatten(v, leaves)) for k, v in x.items()])
    leaves.append(x)
    return len(leaves) - 1


def unflatten(spec, leaves):
    if isinstance(spec, int):
        return leaves[spec]
    t, items = spec
    if t is dict:
        return {k: unflatten(v, leaves) for k, v in items}
    return t(unflatten(v, leaves) for v in items)


class Trace:
    """A recorded call: the recorder, its inputs' tensors and what the call changed."""

    def __init__(self, rec, sources, found, leaves, spec):
        self.rec = rec
        self.sources = sources  # [(tensor, kind, index)]: kind 'arg' or 'state'
        self.found = found
        self.arg_leaves = leaves
        self.arg_spec = spec
        self.effects = []     # see _effects
        self.outputs = None   # (spec, [leaf description])
        self.reason = None    # why the call cannot be replayed (a break, or a warm-up)
        self.warmup = False


def _hooks_in(found):
    if _module._global_forward_hooks or _module._global_forward_pre_hooks:
        return "a global module forward hook"
    for m in found.modules:
        if (m._forward_pre_hooks or m._forward_hooks or m._backward_hooks
                or m._backward_pre_hooks):
            return f"a hook on module {type(m).__name__}"
    for o in found.optimizers:
        if o._optimizer_step_pre_hooks or o._optimizer_step_post_hooks:
            return "an optimizer step hook"
    return None


def _python_state(found):
    """The plain values the call could change without an array call: {what: value}."""
    out = {}
    for obj in found.modules + found.objects:
        for k, v in vars(obj).items():
            if _guards.plain_value(v):
                out[(id(obj), k)] = (f"{type(obj).__name__}.{k}", v)
    for o in found.optimizers:
        for j, g in enumerate(o.param_groups):
            for k, v in g.items():
                if _guards.plain_value(v):
                    out[(id(o), j, k)] = (f"{type(o).__name__}.param_groups[{j}][{k!r}]", v)
    for where, name, _ in found.values:
        v = where.cell_contents if name is None else where.get(name)
        out[(id(where), name)] = ("a closure value" if name is None else f"global {name}", v)
    return out


def _first_change(before, after):
    """The first Python value the call changed, in words (None when none did)."""
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        if old is None:
            return f"{new[0]} was set to {new[1]!r}"
        if new is None:
            return f"{old[0]} was deleted"
        if old[1] is not new[1] and (type(old[1]) is not type(new[1]) or old[1] != new[1]):
            return f"{old[0]} changed from {old[1]!r} to {new[1]!r}"
    return None


def _state_layout(found):
    return [(id(o), [(id(p), tuple(st)) for p, st in o.state.items()])
            for o in found.optimizers]


# NOTE [One capture at a time]
# A capture swaps process-wide things for a while (the array namespace's factories,
# print, the generators' draws, the optimizers' step): one capture runs at a time, under
# this lock, and each swapped thing records only for the thread whose recorder is in
# charge (trace.state), so other threads run eagerly, unrecorded, meanwhile. A plan's
# buffers are the plan's: one thread runs a plan at a time (replay._serial).
capture_lock = threading.RLock()


@contextlib.contextmanager
def collector_paused():
    """The cyclic garbage collector off meanwhile: a record, or a plan made of one, is
    many small objects made at once, and the collector's passes over the whole heap they
    would set off cost more than the recording (measured). (Moving what was made
    meanwhile to the oldest generation when it resumes would save the first young
    collection's pass over it, half a millisecond of a small chain's capture, but leaves
    the cycles eager made meanwhile, and the activations they hold, to the next full
    collection: gpt_step's peak memory grew by a fifth, measured.)"""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield collecting
    finally:
        if collecting:
            gc.enable()


def capture(fn, args, kwargs, fullgraph, extra=(), guess=False):
    """Run ``fn(*args, **kwargs)`` once, recording it. Returns (result, Trace), the
    Trace with its guard (the state the record was made in); with ``guess``, a call
    that looks like a warm-up runs unrecorded (NOTE [A warm-up runs unrecorded]), and
    the Trace is None when it was not one after all."""
    with capture_lock, collector_paused() as collecting:
        return _capture(fn, args, kwargs, fullgraph, extra, guess, collecting)


def _capture(fn, args, kwargs, fullgraph, extra, guess=False, collecting=False):
    found = Found()
    for obj in extra:
        found.add(obj)
    found.add(fn)
    leaves = []
    spec = flatten((args, kwargs), leaves)
    for leaf in leaves:
        found.add(leaf)
    rec = Recorder()
    rec.fullgraph = fullgraph
    sources = []
    seen = {}
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, Tensor) and id(leaf) not in seen:
            seen[id(leaf)] = len(sources)
            sources.append((leaf, "arg", i))
    for k, t in enumerate(found.tensors):
        if id(t) not in seen:
            seen[id(t)] = len(sources)
            sources.append((t, "state", k))
    tr = Trace(rec, sources, found, leaves, spec)
    checks, g, const = _guards.build(leaves, spec, sources, found)
    before = []
    for t, kind, i in sources:
        gr = t._grad
        before.append((t._data, gr, gr._data if gr is not None else None,
                       t._version_counter[0],
                       gr._version_counter[0] if gr is not None else None, t._requires_grad))
    hooks = _hooks_in(found)
    if _DUAL[0] is not None:  # tangents live beside the arrays, out of the record's sight
        hooks = "a forward-mode AD dual level is open"
    if hooks is not None:
        rec.graph_break(hooks)
        tr.guard = _guards.finish(checks, g)
        return fn(*args, **kwargs), tr
    layout = _state_layout(found)
    python_state = _python_state(found)
    unseeded = _unseeded(found)
    for gen in unseeded:
        checks.append((f"{const(gen)}._state is None", "a random generator made its state"))
    if guess and _state_to_make(found):
        return _warmup(fn, args, kwargs, tr, layout, checks, g, const, before, collecting)
    undo = _start(rec, found, sources, before)
    try:
        result = fn(*args, **kwargs)
        tr.n_forward = len(rec.calls)
        if rec.active:
            _trace_backward(tr, result, seen)
    except BaseException:
        _trace.state.rec = _trace._Off()
        for u in reversed(undo):
            u()
        _settle(tr, before, ())  # an error leaves plain arrays behind, as eager would
        raise
    _trace.state.rec = _trace._Off()
    for u in reversed(undo):
        u()
    changed = _first_change(python_state, _python_state(found)) if rec.active else None
    if changed is not None:
        # a plan replays array calls only: a change the call made to Python values (a
        # scheduler's step, a counter, module.train()) would not happen again
        rec.graph_break(f"the call changed Python values: {changed}")
    if rec.active:
        if _state_layout(found) != layout:
            tr.warmup = True
            tr.reason = "the optimizer made its state"
        elif any(gen._state is not None for gen in unseeded):
            tr.warmup = True
            tr.reason = "a random generator made its state"
        else:
            _effects(tr, before)
    _guards.grad_checks(checks, const, sources, before, _grad_read_or_changed(tr))
    tr.guard = _guards.finish(checks, g)
    out_leaves = []
    out_spec = flatten(result, out_leaves)
    if rec.active and not tr.warmup:
        tr.outputs = (out_spec, [_describe(tr, x, seen) for x in out_leaves])
    _settle(tr, before, out_leaves)
    return result, tr


def _state_to_make(found):
    """Whether an optimizer the call reaches has a parameter with no state yet."""
    return any(p not in o.state for o in found.optimizers for group in o.param_groups
               for p in group["params"])


def _warmup(fn, args, kwargs, tr, layout, checks, g, const, before, collecting):
    """NOTE [A warm-up runs unrecorded]
    A call that makes an optimizer's state is a warm-up: its record would be dropped
    (the next call, state made, runs other array calls), so recording it would cost a
    capture for nothing (about an eager step more, gpt_step's first call). The first
    capture of a compiled function whose optimizer has a parameter with no state yet
    runs the call eagerly, unrecorded (the collector on, as eager has it), and then
    looks: the state made, a warm-up entry, as a recorded warm-up would have made; no
    state made (plain SGD keeps none), no entry at all, and the next call records."""
    if collecting:
        gc.enable()
    try:
        result = fn(*args, **kwargs)
    finally:
        gc.disable()
    if _state_layout(tr.found) == layout:
        return result, None
    tr.warmup = True
    tr.reason = "the optimizer made its state"
    # (nothing recorded says which .grad the call read: the guard checks them all)
    _guards.grad_checks(checks, const, tr.sources, before, {id(t) for t, _, _ in tr.sources})
    tr.guard = _guards.finish(checks, g)
    return result, tr


def _trace_backward(tr, result, seen):
    """Record the backward of the results that require grad, for a node that runs it
    as a plan (torch.compile's CompiledFunctionBackward): the gradient of each such
    result is an input of the record, and what flows to the tensors that require grad
    is its output."""
    tr.backward = None
    if not _gstate.enabled:
        return
    leaves = []
    flatten(result, leaves)
    outs = [x for x in leaves if isinstance(x, Tensor) and x._grad_fn is not None
            and id(x) not in seen]
    if not outs:
        return
    rec = tr.rec
    targets = [t for t, kind, i in tr.sources if t.requires_grad]
    gouts = []
    for j, o in enumerate(outs):
        raw = np.ones(o._data.shape, o._data.dtype)
        gouts.append(_wrap(rec.track_input(raw, ("gout", j, "data"))))
    start = len(rec.calls)
    rec.changed_outside()  # the backward plan runs within the engine: it cannot give up
    # an input that retains its grad would get this backward's: only the user's own
    # backward may fill it in
    retained = [t for t in targets if t._retains_grad]
    if any(t._grad is not None for t in retained):
        rec.graph_break("an argument that retains its grad has one already")
        return
    try:
        grads = autograd.grad(outs, targets, gouts, retain_graph=True, allow_unused=True)
    except RuntimeError as e:
        if "a second time" not in str(e) and "does not require grad" not in str(e):
            raise
        tr.backward = (outs, targets, None, None)
        return
    finally:
        for t in retained:
            t._grad = None
    slots = [None if g is None else _slot(rec, g._data) for g in grads]
    if any(g is not None and n is None for g, n in zip(grads, slots)):
        rec.graph_break("a gradient made by an operation the capture does not see")
        return
    tr.backward = (outs, targets, start, slots)


def _grad_read_or_changed(tr):
    """ids of the tensors whose ``.grad`` the record depends on."""
    rec = tr.rec
    if rec.broken is not None:
        return {id(t) for t, _, _ in tr.sources}
    out = set()
    by_src = {(kind, i): t for t, kind, i in tr.sources}
    grads = [s for s in rec.inputs if s.source[2] == "grad"]
    if grads:  # (the record's calls walked only when some gradient was there to read)
        used = {n for c in rec.calls for n in c.ins()}
        for s in grads:
            if s.n in used:
                out.add(id(by_src[s.source[:2]]))
    for e in tr.effects:
        if e[0].startswith("grad"):
            out.add(id(by_src[e[1]]))
    return out


def _generators(found):
    gens = {id(default_generator): default_generator}
    gens.update((id(g), g) for g in found.generators)
    return gens.values()


def _unseeded(found):
    """Generators not used yet: their stream is made on first use (an import and a
    seeding the capture does not pay unless the call draws); a call that makes it is a
    warm-up, and the guard sees whether it exists."""
    return [gen for gen in _generators(found) if gen._state is None]


def _start(rec, found, sources, before):
    """Swap every reachable array for a Traced view and start recording; returns the
    undo steps."""
    undo = []
    for (t, kind, i), (data, g, gdata, *_rest) in zip(sources, before):
        t._data = rec.track_input(data, (kind, i, "data"))
        if g is not None:
            g._data = rec.track_input(gdata, (kind, i, "grad"))
        rec.swapped[id(t)] = (t._data, g._data if g is not None else None)
    undo.append(_namespace.patch_namespace(_backend.xp))
    undo.append(_namespace.patch_asarray(_backend))
    _backend.capturing = False  # until the call changes what outlives it
    undo.append(lambda: setattr(_backend, "capturing", False))
    for gen in _generators(found):
        if gen._state is not None:  # (one made during the call: see _unseeded)
            undo.append(_record_draws(rec, gen._state))
    for opt in found.optimizers:
        undo.append(_mark_step(rec, opt))
    real_print = builtins.print

    def print_(*a, **k):
        if _trace.state.rec is rec and rec.active and not rec.inside:
            rec.graph_break("Failed to trace builtin operator `print` with argument types "
                            f"{[type(x).__name__ for x in a]} (has_kwargs {bool(k)})")
        return real_print(*a, **k)
    builtins.print = print_
    undo.append(lambda: setattr(builtins, "print", real_print))

    def watch(kind, fn, args, result):
        if _trace.state.rec is rec and rec.active:
            code = getattr(fn, "__code__", None)
            where = f" at {code.co_filename}:{code.co_firstlineno}" if code else ""
            rec.graph_break(f"a hook ran during backward: the {kind} hook "
                            f"{getattr(fn, '__qualname__', repr(fn))}{where}")
    engine.hook_watchers.append(watch)
    undo.append(lambda: engine.hook_watchers.remove(watch))
    _trace.state.rec = rec
    return undo


def _record_draws(rec, impl):
    """Each random draw of ``impl`` becomes one recorded call of the generator itself, so
    the plan draws from torch's stream as eager does."""
    for name in _DRAWS:
        real = getattr(impl, name)

        def draw(*args, _real=real, **kwargs):
            if _trace.state.rec is rec and rec.active and not rec.inside:
                out = rec.call(_real, args, kwargs)
                if rec.calls:
                    rec.calls[-1].effect = True  # the stream moves on: never left out
                rec.changed_outside()
                return out
            return _real(*args, **kwargs)
        setattr(impl, name, draw)

    def undo():
        for name in _DRAWS:
            impl.__dict__.pop(name, None)
    return undo


def _mark_step(rec, opt):
    """While ``opt.step`` runs, ``item()`` gives a SymFloat (the step count)."""
    had = "step" in opt.__dict__
    old = opt.__dict__.get("step")
    bound = opt.step

    def step(*args, **kwargs):
        if _trace.state.rec is not rec:
            return bound(*args, **kwargs)
        rec.in_optimizer += 1
        try:
            return bound(*args, **kwargs)
        finally:
            rec.in_optimizer -= 1
    opt.step = step

    def undo():
        if had:
            opt.step = old
        else:
            del opt.__dict__["step"]
    return undo


def _slot(rec, data):
    return rec.num(data) if type(data) is Traced else None


def _effects(tr, before):
    """The side effects on the inputs' tensors, for the plan to reproduce."""
    rec = tr.rec
    eff = tr.effects
    for (t, kind, i), (data, g0, gdata, v0, gv0, rg0) in zip(tr.sources, before):
        src = (kind, i)
        if t._requires_grad != rg0:
            rec.graph_break("requires_grad changed inside the compiled function")
            return
        data_in, grad_in = rec.swapped[id(t)]
        if t._data is not data_in:
            n = _slot(rec, t._data)
            if n is None:
                rec.graph_break("a tensor's data replaced by an array made outside the capture")
                return
            eff.append(("data", src, n))
        g1 = t._grad
        if g1 is not g0:
            if g1 is None:
                eff.append(("grad_none", src))
            else:
                n = _slot(rec, g1._data)
                if n is None or g1._requires_grad or g1._base is not None:
                    rec.graph_break("a .grad the capture cannot rebuild")
                    return
                eff.append(("grad_new", src, n, g1._version_counter[0]))
        elif g0 is not None:
            if g0._data is not grad_in:
                n = _slot(rec, g0._data)
                if n is None:
                    rec.graph_break("a .grad's data replaced by an array made outside the "
                                    "capture")
                    return
                eff.append(("grad_data", src, n))
            if g0._version_counter[0] != gv0:
                eff.append(("grad_bump", src, g0._version_counter[0] - gv0))
        if t._version_counter[0] != v0:
            eff.append(("bump", src, t._version_counter[0] - v0))


def _describe(tr, x, seen):
    """How the plan gives back one leaf of the result."""
    rec = tr.rec
    if isinstance(x, Tensor):
        k = seen.get(id(x))
        if k is not None:
            return ("source", k)
        n = _slot(rec, x._data)
        if n is None:
            if type(x._data) is Traced:
                rec.graph_break("a result made by an operation the capture does not see")
            return ("object", x)
        return ("tensor", n, x._requires_grad and x._grad_fn is None and x._base is None,
                x._grad_fn is not None, x._version_counter[0])
    if type(x) is SymFloat:
        return ("sym", x._n)
    if isinstance(x, _backend.ndarray):
        rec.graph_break("a NumPy array returned")
        return ("object", x)
    return ("object", x)


def _plain(rec, data):
    if type(data) is not Traced:
        return data
    raw = getattr(data, "_raw", None)
    return raw if raw is not None else _backend.ndarray.view(data, _backend.ndarray)


def _settle(tr, before, out_leaves):
    """Put plain arrays back into every tensor the call reached or returned."""
    rec = tr.rec
    for (t, kind, i), (data, g0, gdata, *_rest) in zip(tr.sources, before):
        t._data = _plain(rec, t._data)
        if g0 is not None:
            g0._data = _plain(rec, g0._data)
        if t._grad is not None:
            t._grad._data = _plain(rec, t._grad._data)
    for opt in tr.found.optimizers:
        for st in opt.state.values():
            for v in st.values():
                if isinstance(v, Tensor):
                    v._data = _plain(rec, v._data)
    for m in tr.found.modules:
        for v in list(m._buffers.values()) + list(m._parameters.values()):
            if v is not None:
                v._data = _plain(rec, v._data)
    for x in out_leaves:
        if isinstance(x, Tensor):
            x._data = _plain(rec, x._data)


__all__ = ["capture", "Trace", "flatten", "unflatten", "Ref"]

"""Replay: a captured call made into its plans, and the node that runs a plan backward.

A call whose results need no gradient later (inference, or a whole training step whose
backward and optimizer step ran inside) becomes one plan. A call returning results that
require grad becomes two, as torch's AOTAutograd makes them: the forward plan also hands
back the values the backward needs, and each run's results get one
``CompiledFunctionBackward`` node whose backward runs the backward plan on arrays.
"""
import threading

import numpy as np

from .. import _backend
from ..autograd.graph import Node, record
from ..autograd.saved_value import ERR_BACKWARD_TWICE
from . import plan as _plan

ERR_DOUBLE_BACKWARD = ("torch.compile with aot_autograd does not currently support double "
                       "backward")


class CompiledFunctionBackward(Node):
    """The backward of a compiled call's results: the backward plan, run on arrays."""

    __slots__ = ()
    _name = "CompiledFunctionBackward"

    def _apply(self, grads, create_graph):
        if create_graph:
            raise RuntimeError(ERR_DOUBLE_BACKWARD)
        d = self.__dict__
        saved = d.get("saved")
        if saved is None:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        shapes = d["shapes"]
        g = [np.zeros(*shapes[k]) if x is None else x for k, x in enumerate(grads)]
        return list(d["backward"](g, saved))

    def _release(self):
        self.__dict__["saved"] = None


class Entry:
    """One cache entry: a guard, and either a plan or the reason the call runs eagerly.

    A recorded call is made into its plans when a second call passes its guard (NOTE
    [Plans made on the second call]): until then ``pending`` holds the record."""

    def __init__(self, guard, run=None, reason=None, stack=None, plans=(), check=None):
        self.guard = guard
        self.check = check  # NOTE [Checks before a plan]
        self.run = run
        self.reason = reason
        self.stack = stack
        self.plans = plans  # the Plan objects, for explain
        self.pending = None

    def build(self):
        """Make the plans of a pending record (under capture.capture_lock: another thread
        meanwhile sees no plan yet, and runs eagerly)."""
        tr = self.pending
        if tr is not None:
            run, self.plans, self.check = _build(tr)
            self.run = run  # (the check first: a plan is never seen without it)
            self.pending = None


def _read(source, state_names):
    kind, i, what = source
    base = f"A[{i}]" if kind == "arg" else state_names[i]
    return f"{base}._grad._data" if what == "grad" else f"{base}._data"


def _structure(spec, leaf):
    if isinstance(spec, int):
        return leaf(spec)
    t, items = spec
    if t is dict:
        return "{" + ", ".join(f"{k!r}: {_structure(v, leaf)}" for k, v in items) + "}"
    inner = ", ".join(_structure(v, leaf) for v in items)
    if t is tuple:
        return f"({inner},)" if len(items) == 1 else f"({inner})"
    if t is list:
        return f"[{inner}]"
    return f"{t.__name__}([{inner}])"


def make_entry(tr):
    """The cache entry of a captured call, its plans still to make.

    NOTE [Plans made on the second call]
    Making the plans (keeping what matters, buffers, the source, Python's compile) costs
    several eager steps of a small graph, and a call whose guard never holds again (a
    warm-up, a one-off shape) would pay it for nothing. So the first call only records;
    the second call that passes the guard makes the plans and runs them. Until then the
    record keeps no argument alive: only the tensors the function reaches by itself."""
    rec = tr.rec
    if rec.broken is not None:
        return Entry(tr.guard, reason=rec.broken[0], stack=rec.broken[1])
    if tr.warmup:
        return Entry(tr.guard, reason=tr.reason)
    _let_go(tr)
    e = Entry(tr.guard)
    e.pending = tr
    return e


def _let_go(tr):
    """Drop what a record holds of the call's arguments and results."""
    tr.found = tr.arg_leaves = None
    tr.rec.swapped = tr.rec.traced = None
    if tr.backward is not None:
        outs, targets, start, slots = tr.backward
        arg_of = {id(t): i for t, kind, i in tr.sources if kind == "arg"}
        tr.target_args = tuple(arg_of.get(id(t)) for t in targets)
        targets = [None if id(t) in arg_of else t for t in targets]
        tr.backward = (None, targets, start, slots)
    tr.sources = [(None if kind == "arg" else t, kind, i) for t, kind, i in tr.sources]
    for s in tr.rec.inputs:
        if s.source[0] != "state":
            s._value = None


def _build(tr):
    """(run, plans, check) of a recorded call."""
    rec = tr.rec
    state_names = {}
    bind = {}
    for t, kind, i in tr.sources:
        if kind == "state":
            state_names[i] = f"S{i}"
            bind[f"S{i}"] = t
    reads = {s.n: _read(s.source, state_names) for s in rec.slots
             if s.kind == "input" and s.source[0] != "gout"}
    back = tr.backward
    out_spec, descs = tr.outputs
    escaping = _plan._escaping(tr)
    with_node = back is not None and any(d[0] == "tensor" and d[3] for d in descs)
    saved = []
    bwd = None
    if with_node and back[2] is not None:
        outs, targets, start, grad_slots = back
        bcalls = rec.calls[start:]
        besc = {n for n in grad_slots if n is not None}
        bkeep = _plan.needed_calls(rec, bcalls, besc, ())
        made = {n for c in bkeep for n in c.outn()}
        gouts = {s.n: s.source[1] for s in rec.slots if s.kind == "input"
                 and s.source[0] == "gout"}
        used = set(besc)
        for c in bkeep:
            used.update(c.ins())
        saved = sorted(n for n in used if n not in made and n not in gouts
                       and rec.slots[n].kind != "const")
        breads = {n: f"G[{j}]" for n, j in gouts.items()}
        breads.update((n, f"SV[{k}]") for k, n in enumerate(saved))
        bsrc, btext, bn, bb = _plan.build(
            rec, bkeep, besc, breads, lambda names, src: [],
            lambda names, src: "(" + "".join(
                ("None, " if n is None else f"{names[n]}, ") for n in grad_slots) + ")",
            name="backward", params="G, SV")
        bwd = _plan.Plan(_plan.compile_source(bsrc, btext, "backward"), btext, bn,
                         len(bcalls), bb)
    fcalls = rec.calls[:tr.n_forward]
    escaping |= set(saved)

    def sink(names, src):
        lines = []
        for e in tr.effects:
            kind, i = e[1]
            base = f"A[{i}]" if kind == "arg" else state_names[i]
            what = e[0]
            if what == "data":
                lines.append(f"{base}._data = {_as_array(rec, e[2], names)}")
            elif what == "grad_none":
                lines.append(f"{base}._grad = None")
            elif what == "grad_new":
                lines.append(f"{base}._grad = _tensor({names[e[2]]}, False, {e[3]})")
            elif what == "grad_data":
                lines.append(f"{base}._grad._data = {_as_array(rec, e[2], names)}")
            elif what == "grad_bump":
                lines.append(f"{base}._grad._version_counter[0] += {e[2]}")
            elif what == "bump":
                lines.append(f"{base}._version_counter[0] += {e[2]}")
        for k, d in enumerate(descs):
            if d[0] == "tensor":
                lines.append(f"R{k} = _tensor({names[d[1]]}, {d[2]}, {d[4]})")
        return lines

    def results(names, src):
        def leaf(k):
            d = descs[k]
            if d[0] == "source":
                t, kind, i = tr.sources[d[1]]
                return f"A[{i}]" if kind == "arg" else state_names[i]
            if d[0] == "tensor":
                return f"R{k}"
            if d[0] == "sym":
                return names[d[1]]
            return src.const(d[1], "K")
        body = _structure(out_spec, leaf)
        if not with_node:
            return body
        outs = "".join(f"R{k}, " for k, d in enumerate(descs) if d[0] == "tensor" and d[3])
        return f"{body}, ({outs}), (" + "".join(f"{names[n]}, " for n in saved) + ")"

    src, text, n_kept, n_bufs = _plan.build(rec, fcalls, escaping, reads, sink, results)
    src.globals.update(bind)
    fwd = _plan.Plan(_plan.compile_source(src, text), text, n_kept, len(fcalls), n_bufs)
    check = _precheck(rec, reads, bind)
    if not with_node:
        return _serial(fwd.fn), (fwd,), check
    targets = back[1]
    target_args = tr.target_args
    shapes = [(rec.slots[d[1]].shape, rec.slots[d[1]].dtype)
              for d in descs if d[0] == "tensor" and d[3]]
    run_fwd = _serial(fwd.fn)
    backward = _serial(bwd.fn) if bwd is not None else None

    def run(A):
        result, outs, sv = run_fwd(A)
        node = CompiledFunctionBackward.__new__(CompiledFunctionBackward)
        d = node.__dict__
        d["saved"] = sv if backward is not None else None
        d["backward"] = backward
        d["shapes"] = shapes
        inputs = [(A[j] if j is not None else t) for j, t in zip(target_args, targets)]
        record(node, [t if t.requires_grad else None for t in inputs], outs)
        return result
    plans = (fwd,) if bwd is None else (fwd, bwd)
    return run, plans, check


def _serial(fn):
    """``fn`` run by one thread at a time: a plan's buffers are its own, not each
    thread's (NOTE [One capture at a time] in capture.py)."""
    lock = threading.Lock()

    def run(*args):
        with lock:
            quiet = _backend.quiet()  # as eager ops are (NOTE [Floating-point warnings])
            try:
                return fn(*args)
            finally:
                _backend.loud(quiet)
    return run


def _precheck(rec, reads, bind):
    """NOTE [Checks before a plan]
    A branch eager took on an array's truth (``if bad.any(): raise``) is in the record
    only as the way it went. When the array depended on the call's inputs alone, read
    before anything wrote them, the same test can run before the plan: these calls,
    and nothing else (no write, no draw), then the comparison. A different outcome runs
    the call eagerly instead (which raises what eager raises)."""
    if not rec.checks:
        return None
    last = max(k for _, k, _ in rec.checks)
    esc = {n for n, _, _ in rec.checks}
    src, text, _, _ = _plan.build(
        rec, rec.calls[:last], esc, reads, lambda names, src: [],
        lambda names, src: " and ".join(f"bool({names[n]}) is {v}" for n, _, v in rec.checks),
        name="precheck", pure=True)
    src.globals.update(bind)
    return _plan.compile_source(src, text, "precheck")


def _as_array(rec, n, names):
    return f"_asarray({names[n]})" if rec.slots[n].scalar else names[n]

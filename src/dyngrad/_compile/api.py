"""torch.compile for dyngrad: the compiled function, the compiled module, the cache of
plans per guard, resetting, and explain.

    compiled(*args) ──> a cached entry whose guard holds? ──yes──> its plan (made on this,
          │                                                        the second, call), or
          │                                                        eager after a break
          └─no──> capture the call (it runs eagerly, recorded) ──> record + guard cached

At most ``recompile_limit`` (8, torch's default) entries per function; past that, calls
run eagerly and one warning says why, in torch's words. A plan whose check on the data
goes the other way (NOTE [Checks inside a plan]) hands the call to the next entry whose
guard holds, or to a new capture.

A graph break makes the call eager, where torch runs the pieces around the break
compiled: ``item()`` or ``tolist()`` feeding Python, an output shape that depends on
values (``nonzero``), a hook running, ``print``, an array made out of the capture's
sight. The entry remembers it, so later calls with the same guard run without a new
capture; ``explain`` reports it (the reason and the user's line), ``fullgraph=True``
raises instead. Splitting a function's call at the break would need the Python between
the pieces to run on its own each call, which a record of array calls does not hold; a
compiled module is split where its code is: NOTE [A module breaks into its children].

Shapes are always specialised: ``dynamic`` is accepted and stored, and every new shape
records a plan of its own (as ``dynamic=False``), where torch marks a dimension dynamic
after its first recompile on it (``dynamic=None``) or from the start (``True``) and keeps
one graph for every size. The values are the same; only the count of recorded plans, and
so when the recompile limit is reached, differ. With ``dynamic=True`` the first such
recording says so, once, in a warning: the caller asked for one plan for every size.
"""
import functools
import logging
import warnings
import weakref

from ..nn.modules.module import Module
from .capture import capture, capture_lock, collector_paused, flatten
from .replay import Entry, make_entry
from .trace import Bail, GraphBreak

_log = logging.getLogger("dyngrad._dynamo.convert_frame")

RECOMPILE_LIMIT = 8
_COMPILE_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs",
                  "max-autotune")
_ALL = weakref.WeakSet()  # every compiled function, for reset()


class Unsupported(RuntimeError):
    """torch._dynamo.exc.Unsupported: raised under fullgraph=True at a graph break."""


class CompiledFunction:
    """What ``compile(fn)`` returns: calls ``fn`` through the cache of plans."""

    def __init__(self, fn, fullgraph=False, dynamic=None, mode=None, disable=False,
                 recompile_limit=None, extra=(), module=None):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._module = module  # compile(module): broken calls run in pieces
        self._pieces = None
        self._fullgraph = fullgraph
        self._dynamic = dynamic
        self._mode = mode
        self._disable = disable
        self._limit = RECOMPILE_LIMIT if recompile_limit is None else recompile_limit
        self._extra = extra
        self._entries = []
        self._warned = self._warned_dynamic = False
        self._guessed = fullgraph  # NOTE [A warm-up runs unrecorded], at most once
        self._last_reason = None
        self.explained = []  # (reason, stack) of each graph break, once each
        _ALL.add(self)

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        if self._disable:
            return self._fn(*args, **kwargs)
        leaves = []
        spec = flatten((args, kwargs), leaves)
        gave_up = False
        for e in self._entries:
            if e.spec == spec and e.guard.fn(leaves):
                if e.pending is not None:
                    with capture_lock, collector_paused():
                        e.build()
                if e.check is not None and not e.check(leaves):
                    continue
                if e.run is None:
                    return self._eager(args, kwargs)
                try:
                    return e.run(leaves)
                except Bail:  # NOTE [Checks inside a plan]
                    gave_up = True
        if gave_up:
            self._last_reason = "a check on the data went the other way"
        elif self._entries:
            e = self._entries[-1]
            self._last_reason = (e.guard.why_not(leaves) if e.spec == spec
                                 else "the structure of the arguments changed")
        if (self._dynamic is True and not self._warned_dynamic and self._last_reason
                and "size mismatch" in self._last_reason):
            self._warned_dynamic = True
            warnings.warn("dyngrad.compile: dynamic=True is not supported yet: shapes are "
                          "specialised, and a new size records a plan of its own ("
                          f"{self._last_reason})", UserWarning, stacklevel=2)
        if len(self._entries) >= self._limit:
            if not self._warned:
                self._warned = True
                code = getattr(self._fn, "__code__", None)
                where = (f" ({code.co_filename}:{code.co_firstlineno})" if code else "")
                _log.warning(
                    "torch._dynamo hit config.recompile_limit (%d)\n"
                    "   function: '%s'%s\n"
                    "   last reason: 0/%d: %s\n"
                    'To log all recompilation reasons, use TORCH_LOGS="recompiles".',
                    self._limit, getattr(self._fn, "__name__", "?"), where,
                    len(self._entries) - 1, self._last_reason)
            return self._fn(*args, **kwargs)
        guess, self._guessed = not self._guessed, True
        try:
            result, tr = capture(self._fn, args, kwargs, self._fullgraph, self._extra, guess)
        except GraphBreak as e:
            raise Unsupported(str(e)) from None
        if tr is None:  # not a warm-up after all: the next call records
            return result
        entry = make_entry(tr)
        entry.spec = spec
        self._entries.append(entry)
        if entry.run is None and tr.rec.broken is not None:
            self.explained.append(tr.rec.broken)
        return result

    def _eager(self, args, kwargs):
        """A call whose capture broke: eagerly, or a module's in pieces.

        NOTE [A module breaks into its children]
        torch compiles the code before a graph break and the code after it as two graphs.
        A module's code is already cut into pieces: its children. When a compiled
        module's call breaks, its own forward runs eagerly and each child (the elements
        of a ModuleList or ModuleDict, which have no forward of their own) is called
        through a compiled function of its own, so everything but the child that breaks
        replays a plan, and that child, compiled the same way, breaks into its own
        children in turn. While the call runs the children's ``_compiled_call_impl``
        (``Module.compile``'s slot) holds them; one the user compiled keeps its own."""
        if self._module is None:
            return self._fn(*args, **kwargs)
        if self._pieces is None:
            self._pieces = [(m, CompiledFunction(m._call_impl, False, self._dynamic,
                                                 self._mode, extra=(m,), module=m))
                            for m in _children(self._module)]
        patched = []
        try:
            for m, piece in self._pieces:
                if m.__dict__.get("_compiled_call_impl") is None:
                    m.__dict__["_compiled_call_impl"] = piece
                    patched.append(m)
            return self._fn(*args, **kwargs)
        finally:
            for m in patched:
                m.__dict__.pop("_compiled_call_impl", None)

    def _reset(self):
        self._pieces = None
        self._entries.clear()
        self.explained.clear()
        self._warned = self._warned_dynamic = False
        self._guessed = self._fullgraph


def _children(module):
    """The modules a module's forward calls, as far as its structure says: its children,
    and the elements of those that are only containers (ModuleList, ModuleDict)."""
    out = []
    for m in module._modules.values():
        if m is None:
            continue
        if type(m).forward is Module.forward:
            out.extend(_children(m))
        else:
            out.append(m)
    return out


class OptimizedModule(Module):
    """What ``compile(module)`` returns: the module under ``_orig_mod``, its forward
    compiled (and, through its results' CompiledFunctionBackward, its backward)."""

    def __init__(self, mod, compiled_forward):
        super().__init__()
        self._orig_mod = mod
        self.__dict__["_compiled_forward"] = compiled_forward
        self.__dict__["training"] = mod.training

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._orig_mod, name)

    def forward(self, *args, **kwargs):
        return self.__dict__["_compiled_forward"](*args, **kwargs)


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, name=None, disable=False, recompile_limit=None,
            isolate_recompiles=False, shapes_spec=None):
    """Compile a function or module: its first call per guard is recorded, later calls
    replay the recorded array calls (see dyngrad/_compile). As a decorator, with or
    without arguments."""
    if mode is not None and mode not in _COMPILE_MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                           + ", ".join(_COMPILE_MODES))
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if model is None:
        def decorate(m):
            return compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                           mode=mode, options=options, disable=disable,
                           recompile_limit=recompile_limit)
        return decorate
    if isinstance(model, Module):
        fwd = CompiledFunction(model._call_impl, fullgraph, dynamic, mode, disable,
                               recompile_limit, extra=(model,), module=model)
        return OptimizedModule(model, fwd)
    if not callable(model):
        raise RuntimeError("compile() expects a callable")
    return CompiledFunction(model, fullgraph, dynamic, mode, disable, recompile_limit)


def reset():
    """torch.compiler.reset(): forget every recorded plan."""
    for f in list(_ALL):
        f._reset()


class ExplainOutput:
    """What ``explain(fn)(*args)`` returns (torch._dynamo's ExplainOutput): graphs
    recorded, graph breaks and why."""

    def __init__(self, graphs, breaks, ops_per_graph):
        self.graphs = graphs
        self.graph_count = len(graphs)
        self.break_reasons = breaks
        self.graph_break_count = len(breaks)
        self.ops_per_graph = ops_per_graph
        self.op_count = sum(len(o) for o in ops_per_graph)

    def __str__(self):
        lines = [f"Graph Count: {self.graph_count}",
                 f"Graph Break Count: {self.graph_break_count}",
                 f"Op Count: {self.op_count}"]
        if self.break_reasons:
            lines.append("Break Reasons:")
            for k, b in enumerate(self.break_reasons, 1):
                lines.append(f"  Break Reason {k}:")
                lines.append(f"    Reason: {b.reason}")
                lines.append("    User Stack:")
                lines.extend(f"      <FrameSummary file {f.filename}, line {f.lineno} in "
                             f"{f.name}>" for f in b.user_stack)
        if self.ops_per_graph:
            lines.append("Ops per Graph:")
            for k, ops in enumerate(self.ops_per_graph, 1):
                lines.append(f"  Ops {k}:")
                lines.extend(f"    {op}" for op in ops)
        return "\n".join(lines) + "\n"


class GraphCompileReason:
    def __init__(self, reason, user_stack, graph_break=True):
        self.reason = reason
        self.user_stack = user_stack
        self.graph_break = graph_break

    def __repr__(self):
        return (f"GraphCompileReason(reason={self.reason!r}, user_stack={self.user_stack!r}, "
                f"graph_break={self.graph_break})")


def explain(fn, *extra_args, **extra_kwargs):
    """``explain(fn)(*args)``: capture one call of ``fn`` on its own cache and say what
    was recorded: the plans (one per graph) with their array calls, and each graph break
    with its reason and the user's line."""
    if extra_args or extra_kwargs:
        return explain(fn)(*extra_args, **extra_kwargs)

    def inner(*args, **kwargs):
        c = CompiledFunction(fn.forward if isinstance(fn, Module) else fn)
        c._guessed = True  # (the one call explained is recorded)
        c(*args, **kwargs)
        graphs, breaks, ops = [], [], []
        for e in c._entries:
            e.build()
            if e.run is None and e.stack is not None:
                breaks.append(GraphCompileReason(e.reason, e.stack))
            for p in e.plans:
                graphs.append(p)
                ops.append(_ops_of(p))
        return ExplainOutput(graphs, breaks, ops)
    return inner


def _ops_of(p):
    """The functions a plan calls, one line each, as its source names them."""
    out = []
    g = p.fn.__globals__
    for line in p.source.splitlines()[1:]:
        for name, obj in g.items():
            if name.startswith("F") and f"{name}(" in line:
                out.append(getattr(obj, "__name__", repr(obj)))
                break
    return out


__all__ = ["compile", "reset", "explain", "CompiledFunction", "OptimizedModule", "Entry",
           "Unsupported"]

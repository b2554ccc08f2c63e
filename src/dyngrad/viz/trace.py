"""trace(): a record of each step of a backward pass, in the order the engine ran it.

    with dyngrad.viz.trace() as t:
        y.backward()
    print(t)                    # one block per step
    t.to_html("trace.html")     # the graph beside the steps, with a player

For each step: the node and the forward op it undoes, the gradient that arrived and the
edges it came from, each input's local formula (its text from the op table) with the
numbers it used, the gradient sent along each edge (and any reduction that undid
broadcasting), hooks and what they returned, and for a leaf its ``.grad`` before and after.

The trace is an observer of the engine (``engine.observers``); it costs nothing when no
trace is open.
"""
import threading

from ..autograd import engine
from ..autograd.graph import AccumulateGrad
from ..autograd.saved_value import SavedValue
from .dot import forward_name
from .formula import op_formulas
from .html import trace_page
from .summary import as_array, shape_str, snapshot
from .text import trace_text

class Arrival:
    """Gradient arriving at output ``output_nr`` of a node, from a step (or the root)."""

    __slots__ = ("output_nr", "source", "grad")

    def __init__(self, output_nr, source, grad):
        self.output_nr = output_nr
        self.source = source        # the sending Step, or None for the root gradient
        self.grad = grad


class Edge:
    """One input edge of a step: its local formula and the gradient sent along it."""

    __slots__ = ("index", "input", "formula", "args", "raw", "grad", "target", "target_nr",
                 "note")

    def __init__(self, index, input, formula, args, raw, grad, target, target_nr, note=""):
        self.index = index
        self.input = input          # the forward parameter name: "self", "other", ...
        self.formula = formula      # its text as declared, e.g. "grad * conj(other)"
        self.args = args            # [(name, value)] the formula was called with
        self.raw = raw              # what the formula returned (broadcast-shaped)
        self.grad = grad            # what the edge received (reduced, cast, after hooks)
        self.target = target        # the next node, or None
        self.target_nr = target_nr
        self.note = note            # e.g. "summed (2, 3) -> (3,) to undo broadcasting"


class Step:
    """One engine step: a node run once all of its gradient had arrived."""

    def __init__(self, index, run, node):
        self.index = index
        self.run = run
        self.node = node
        self.name = type(node).__name__
        self.op = forward_name(node)
        self.arrivals = []
        self.grads_in = []       # per output of the node, as summed by the engine
        self.grads = None        # after tensor hooks and pre-hooks (what the formulas used)
        self.edges = []
        self.hooks = []          # (kind, hook name, returned value or None)
        self.retained = []       # output numbers whose tensor retains its grad
        self.variable = node.variable if isinstance(node, AccumulateGrad) else None
        self.grad_before = None
        self.grad_after = None
        self.ran = False

    @property
    def key(self):
        """The node's name in ``make_dot`` drawings (and its SVG id, prefixed ``n``)."""
        return str(id(self.node))

    def __repr__(self):
        return f"<Step {self.index} {self.name}>"


class Trace:
    """The steps of the backward passes run while the trace was open."""

    def __init__(self, params=None, max_steps=None, run=None):
        self.params = dict(params or {})
        self.only_run = run      # record only the backward pass of this index (0: the first)
        self.model = None        # an nn.Module: the page groups the graph by its modules
        self.steps = []
        self.runs = 0
        self.max_steps = max_steps
        self.dropped = 0
        self._current = None
        # (id(node), output_nr) -> [(Step, grad copy, object the engine got)] not yet used
        self._pending = {}
        self._thread = None

    # -- recording --------------------------------------------------------------------
    def __enter__(self):
        self._thread = threading.get_ident()
        engine.observers.append(self)
        return self

    def __exit__(self, *exc):
        if self in engine.observers:
            engine.observers.remove(self)
        return False

    def __call__(self, event, **info):
        if threading.get_ident() != self._thread:
            return
        if self.only_run is not None and self.runs != self.only_run:
            if event == "end":  # another pass: only counted
                self.runs += 1
            return
        handler = getattr(self, "_on_" + event, None)  # events a trace does not draw: none
        if handler is not None:
            handler(**info)

    @property
    def recording(self):
        """Whether the pass that runs next is one this trace records (``run=``)."""
        return self.only_run is None or self.runs == self.only_run

    def _on_node(self, node, grads):
        self._current = None
        if self.max_steps is not None and len(self.steps) >= self.max_steps:
            self.dropped += 1
            return
        step = Step(len(self.steps), self.runs, node)
        step.grads_in = [snapshot(g) for g in grads]
        for nr, g in enumerate(step.grads_in):
            sent = self._pending.pop((id(node), nr), None)
            if g is None:
                continue
            if not sent:
                step.arrivals.append(Arrival(nr, None, g))
                continue
            for src, sg, _ in sent:
                step.arrivals.append(Arrival(nr, src, sg))
            # One sender: the engine's buffer is the very object it sent, unless a root
            # gradient was there first. Several (or a hook's): compare the sum.
            if len(sent) == 1 and sent[0][2] is not None:
                rooted = sent[0][2] is not grads[nr]
            else:
                rooted = _differs(sum(sg for _, sg, _ in sent), g)
            if rooted:
                total = sum(sg for _, sg, _ in sent)
                step.arrivals.insert(0, Arrival(nr, None, g - total))
        if node._retained:
            step.retained = sorted(nr for nr, ref in node._retained.items() if ref() is not None)
        if step.variable is not None:
            step.grad_before = snapshot(step.variable._grad)
        self.steps.append(step)
        self._current = step

    def _on_hook(self, kind, fn, args, result):
        step = self._current
        if step is not None:
            name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
            if isinstance(result, (tuple, list)):
                result = [snapshot(r) for r in result]
            else:
                result = snapshot(result)
            step.hooks.append((kind, name, result))
            if kind == "hook" and result is not None and step.edges:
                self._resend(step, result)

    def _resend(self, step, grads):
        # a node's post hook replaced the gradients it sends
        for e, g in zip(step.edges, grads):
            if e.target is None:
                continue
            sent = self._pending.get((id(e.target), e.target_nr), [])
            sent[:] = [x for x in sent if x[0] is not step]
            e.grad = g
            e.note = (e.note + "; " if e.note else "") + "replaced by a hook"
            if g is not None:
                self._pending.setdefault((id(e.target), e.target_nr), []).append((step, g, None))

    def _on_ran(self, node, grads, raw, outs):
        step = self._current
        if step is None or step.node is not node:
            return
        step.ran = True
        step.grads = [snapshot(g) for g in grads]
        if step.variable is not None:
            step.grad_after = snapshot(step.variable._grad)
            return
        step.edges = _edges(node, step.grads, raw, outs)
        for e in step.edges:
            if e.target is not None and e.grad is not None:
                self._pending.setdefault((id(e.target), e.target_nr), []).append(
                    (step, e.grad, outs[e.index]))

    def _on_end(self):
        self._current = None
        self._pending.clear()
        self.runs += 1

    # -- reading ----------------------------------------------------------------------
    def __len__(self):
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def find(self, name):
        """The steps of nodes called ``name`` (e.g. "MulBackward0")."""
        return [s for s in self.steps if s.name == name]

    def roots(self):
        """The nodes the recorded runs started from (no recorded step sent them anything)."""
        targets = {id(e.target) for s in self.steps for e in s.edges if e.target is not None}
        targets |= {id(n) for s in self.steps for n, _ in s.node.next_functions if n is not None}
        out = []
        seen = set()
        for s in self.steps:
            if id(s.node) not in targets and id(s.node) not in seen:
                seen.add(id(s.node))
                out.append(s.node)
        return out

    def __str__(self):
        return trace_text(self, self.params)

    def __repr__(self):
        return f"<Trace: {len(self.steps)} steps in {self.runs} run(s)>"

    def to_html(self, path=None, title="backward trace", max_nodes=300, layout="auto"):
        """Write (or return, without ``path``) a self-contained HTML page: the graph as SVG
        beside the steps, with a player to step through the backward. ``layout``: "auto"
        (Graphviz's ``dot`` when on PATH, else dyngrad's own), "dot" or "dyngrad"."""
        page = trace_page(self, title=title, max_nodes=max_nodes, layout=layout)
        if path is None:
            return page
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
        return path

    def _repr_html_(self):
        return trace_page(self, fragment=True)


def trace(params=None, max_steps=None, run=None):
    """Record the backward passes run inside the ``with`` block (this thread only).

    ``params``: dict name -> tensor, to name leaves (as in ``make_dot``); ``max_steps``:
    stop recording after that many steps; ``run``: record only the backward pass of this
    index (0 for the first), e.g. one step of a training loop; the others are counted.

    >>> x = torch.tensor([2.], requires_grad=True)
    >>> with trace() as t:
    ...     (x * x).sum().backward()
    >>> [s.name for s in t]
    ['SumBackward0', 'MulBackward0', 'AccumulateGrad']
    """
    return Trace(params, max_steps, run)


def _differs(a, b):
    import numpy as np  # values as drawn: host copies (summary.as_array)
    try:
        return not np.allclose(a, b, rtol=1e-6, atol=1e-12, equal_nan=True)
    except (TypeError, ValueError):
        return True


def _edges(node, grads, raw, outs):
    """Each input edge of a node that ran: formula, its arguments, what it sent."""
    formulas = op_formulas(node)
    nexts = node.next_functions
    edges = []
    saved = getattr(node, "_saved", None)
    op = getattr(node, "_op", None)
    for j, (target, nr) in enumerate(nexts):
        r = raw[j] if raw is not None and j < len(raw) else None
        g = outs[j] if outs is not None and j < len(outs) else None
        if formulas is not None and op.variadic:
            name, fn, text, argnames = formulas[0]
            name = f"{name}[{j}]"
        elif formulas is not None and j < len(formulas):
            name, fn, text, argnames = formulas[j]
        else:
            name, text, argnames = f"input {j}", f"{type(node).__name__} (no table formula)", ()
        args = []
        for a in argnames:
            if a == "grad":
                args.append((a, grads[0] if grads else None))
            elif a == "grads":
                args.append((a, list(grads)))
            elif saved and a in op.saved_index:
                v = saved[op.saved_index[a]]
                if isinstance(v, SavedValue):  # what the formula got (sent before the free)
                    v = v.unpack(node, as_tensor=False)
                args.append((a, snapshot(v) if as_array(v) is not None and not
                             isinstance(v, (bool, int, float)) else v))
        if op is not None and op.variadic and r is not None:
            r = raw[j]
        note = ""
        if r is not None and g is not None:
            ra, ga = as_array(r), as_array(g)
            if ra is not None and ga is not None:
                if ra.shape != ga.shape:
                    note = f"summed {shape_str(ra.shape)} -> {shape_str(ga.shape)} to undo broadcasting"
                elif ra.dtype != ga.dtype:
                    note = f"cast {ra.dtype} -> {ga.dtype}"
        edges.append(Edge(j, name, text, args, snapshot(r), snapshot(g), target, nr, note))
    return edges


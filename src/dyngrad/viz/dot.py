"""make_dot: the backward graph of a tensor, drawn as torchviz draws it, and more.

What is drawn (torchviz's colours)::

    lightblue  leaf that requires grad ("w\\n (1)")   ──>  AccumulateGrad (gray)
    orange     saved tensor ("self\\n (1)")  ── dir=none ──  the node that saved it
    gray       backward node (MulBackward0), edges from next_functions to the node
    green      each output ("\\n (1)");  dark green: the base of an output that is a view

Beyond torchviz: ``show_values`` / ``show_grads`` write values and ``.grad`` on leaves,
outputs and nodes whose outputs retain their grad; saved tensors freed by a backward are
drawn dashed as "(freed)"; the walk is iterative; past ``max_nodes`` long chains are
collapsed into one node that says what it holds.

NOTE [Statement order follows torchviz]
torchviz names each drawn object by ``id()`` and walks recursively; when one tensor is
both saved and a leaf its node is written twice and the later statement wins. The walk
below is torchviz's recursion run with an explicit stack, so statements come in the same
order and the drawing is the same.
"""
import re
from collections import Counter

from ..autograd.graph import AccumulateGrad
from ..tensor import Tensor
from . import render
from .summary import shape_str, value_str

NODE_ATTR = dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1",
                 height="0.2", fontname="monospace")
HELD, FREED = "held", "freed"
_NUMBER = (bool, int, float, complex)


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50, *,
             show_values=False, show_grads=False, max_nodes=None, model=None, depth=None):
    """Produce a Graphviz drawing of the autograd graph of ``var``, as torchviz does.

    Gray boxes are backward nodes; blue, leaves that require grad (named from ``params``,
    a dict name -> tensor); orange, saved tensors (``show_saved``); green, the outputs;
    dark green, the base of an output that is a view. ``show_attrs`` lists each node's
    non-tensor saved attributes. Returns a ``graphviz.Digraph`` when the ``graphviz``
    package is installed, else a ``DotSource``; both hold the DOT text in ``.source``,
    make SVG with or without Graphviz's ``dot`` program (``.pipe("svg")``), and show
    inline in Jupyter.

    ``model``: an ``nn.Module`` whose forward ran inside ``viz.record_modules()``: nodes
    are grouped in a cluster per module (without the record, only its parameters are);
    ``depth=N`` draws each module N levels down as one node, and repeated blocks
    (``layers.0`` ... ``layers.11`` of one class) as one node with their count.

    >>> w = torch.tensor([1.], requires_grad=True)
    >>> print(make_dot((w * 3).sum(), params={"w": w}).source)  # doctest: +SKIP
    """
    canvas = draw(var, params, show_attrs, show_saved, max_attr_chars, show_values,
                  show_grads, max_nodes, model=model, depth=depth)
    return canvas.emit()


def dot_source(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50, **kw):
    """The DOT text of ``make_dot`` with the same arguments; needs no package."""
    canvas = draw(var, params, show_attrs, show_saved, max_attr_chars,
                  kw.pop("show_values", False), kw.pop("show_grads", False),
                  kw.pop("max_nodes", None), **kw)
    return canvas.emit(use_graphviz=False).source


def draw(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50,
         show_values=False, show_grads=False, max_nodes=None, *, roots=(), ids=False,
         model=None, depth=None):
    """Walk the graph and return the ``Canvas`` (statements in torchviz's order).

    ``roots``: backward nodes to draw from when there is no output tensor (a trace);
    ``ids``: give every node and edge an SVG id (``n<key>``, ``e<k>``) for the HTML page.
    """
    outputs = _check_var(var)
    param_map = _check_params(params)
    w = _Walk(param_map, show_attrs, show_saved, max_attr_chars, show_values, show_grads)
    for v in outputs:
        w.add_base_tensor(v)
    for fn in roots:
        w.add_nodes(fn)
    canvas = w.canvas
    if depth is not None and model is None:
        raise ValueError("make_dot: depth= needs model= (the nn.Module whose levels to draw)")
    if model is not None:
        from .modules import group
        group(canvas, model, depth)
    if max_nodes is not None:
        canvas.limit(max_nodes)
    canvas.ids = ids
    return canvas


def _check_var(var):
    if var is None:
        return ()
    vs = var if isinstance(var, tuple) else (var,)
    for v in vs:
        if not isinstance(v, Tensor):
            what = "a tuple holding " + type(v).__name__ if isinstance(var, tuple) else type(v).__name__
            raise TypeError(f"make_dot expects a Tensor or a tuple of Tensors, got {what}")
    if vs and not any(v.grad_fn is not None or v._requires_grad for v in vs):
        raise ValueError(
            "make_dot: the tensor has no autograd graph (requires_grad=False and no grad_fn), "
            "so there is nothing to draw; build it from tensors created with "
            "requires_grad=True, outside torch.no_grad()")
    return vs


def _check_params(params):
    if params is None:
        return {}
    if not hasattr(params, "items"):
        raise TypeError(f"make_dot: params must be a dict of name -> Tensor, got "
                        f"{type(params).__name__}")
    for k, v in params.items():
        if not isinstance(v, Tensor):
            raise TypeError(f"make_dot: params[{k!r}] is a {type(v).__name__}, not a Tensor")
    return {id(v): k for k, v in params.items()}


def saved_items(fn):
    """(name, value, state) for each ``_saved_*`` attribute of a node, in ``dir`` order.

    A Python number saved for a tensor argument (``x * 3``) is how torch's wrapped
    number appears here: torch shows it as a 0-dim saved tensor, and so do we.
    """
    op = getattr(fn, "_op", None)
    if op is not None:  # a table node: its declaration lists them (dir() is slow)
        names = op.saved_names
        tensor_params = {op.params[i] for i in op.tensor_pos}
    else:
        names = {a[7:] for a in dir(fn) if a.startswith("_saved_")}
        tensor_params = set()
    for name in sorted(names):
        try:
            val = getattr(fn, "_saved_" + name)
        except RuntimeError:
            raw = getattr(fn, "_raw_saved_" + name, None) if op is not None else None
            was_tensor = raw is not None and not raw.is_number
            yield name, Tensor if was_tensor else None, FREED
            continue
        if isinstance(val, _NUMBER) and name in tensor_params:
            val = _WrappedNumber(val)
        yield name, val, HELD


class _WrappedNumber:
    """A number saved where torch saves a 0-dim tensor."""
    shape = ()

    def __init__(self, value):
        self.value = value


def _is_tensorish(v):
    return isinstance(v, (Tensor, _WrappedNumber))


def _attr_str(v):
    if _is_tensorish(v):
        return "[saved tensor]"
    if isinstance(v, (tuple, list)) and any(_is_tensorish(t) for t in v):
        return "[saved tensors]"
    if type(v).__name__ == "Size" or isinstance(v, list):
        return str(tuple(v))
    return str(v)


def node_label(fn, show_attrs=False, max_attr_chars=50):
    """torchviz's get_fn_name: the class name, and with show_attrs a table of attributes."""
    name = type(fn).__name__
    if not show_attrs:
        return name
    attrs = {}
    for attr, val, state in saved_items(fn):
        attrs[attr] = "[freed]" if state == FREED else _attr_str(val)
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    col1width = max(len(k) for k in attrs)
    col2width = min(max(len(str(v)) for v in attrs.values()), max_attr_chars)
    sep = "-" * max(col1width + col2width + 2, len(name))
    fmt = "%-" + str(col1width) + "s: %" + str(col2width) + "s"

    def truncate(s):
        return s[:col2width - 3] + "..." if len(s) > col2width else s
    return name + "\n" + sep + "\n" + "\n".join(fmt % (k, truncate(str(v))) for k, v in attrs.items())


def forward_name(fn):
    """The forward op a backward node undoes: MulBackward0 -> mul, ToCopyBackward0 -> to_copy."""
    if isinstance(fn, AccumulateGrad):
        return "accumulate into .grad"
    name = type(fn).__name__
    stem = re.sub(r"Backward\d*$", "", name)
    if stem == name:
        return name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()


class _Walk:
    """torchviz's add_nodes / add_base_tensor, iterative (NOTE [Statement order follows torchviz])."""

    def __init__(self, param_map, show_attrs, show_saved, max_attr_chars, show_values, show_grads):
        self.param_map = param_map
        self.show_attrs = show_attrs
        self.show_saved = show_saved
        self.max_attr_chars = max_attr_chars
        self.show_values = show_values
        self.show_grads = show_grads
        self.canvas = Canvas()
        self.seen = set()

    def key(self, obj):
        return self.canvas.key(obj)

    def var_name(self, var, name=None):
        if not name:
            name = self.param_map.get(id(var), "")
        return "%s\n %s" % (name, shape_str(var.shape))

    def extra(self, var, value=True, grad=True):
        lines = []
        if self.show_values and value:
            lines.append("value " + value_str(var))
        if self.show_grads and grad:
            g = var._grad
            lines.append("grad " + ("None (no backward yet)" if g is None else value_str(g)))
        return "".join("\n" + s for s in lines)

    def enter(self, fn):
        """What torchviz does for a node before walking its next_functions."""
        c = self.canvas
        if self.show_saved:
            for attr, val, state in saved_items(fn):
                if state == FREED:
                    if val is Tensor:
                        k = c.key(("freed", fn, attr))
                        c.edge(c.key(fn), k, dir="none", style="dashed")
                        c.node(k, "%s\n (freed)" % attr, fillcolor="white", style="dashed",
                               kind="saved")
                    continue
                if _is_tensorish(val):
                    self.seen.add(id(val))
                    c.edge(c.key(fn), c.key(val), dir="none")
                    c.node(c.key(val), self.var_name(val, attr), fillcolor="orange", kind="saved")
                if isinstance(val, tuple):
                    for i, t in enumerate(val):
                        if _is_tensorish(t):
                            c.edge(c.key(fn), c.key(t), dir="none")
                            c.node(c.key(t), self.var_name(t, attr + "[%s]" % i),
                                   fillcolor="orange", kind="saved")
        if isinstance(fn, AccumulateGrad):
            var = fn.variable
            self.seen.add(id(var))
            c.node(c.key(var), self.var_name(var) + self.extra(var), fillcolor="lightblue",
                   kind="leaf")
            c.edge(c.key(var), c.key(fn))
        c.node(c.key(fn), node_label(fn, self.show_attrs, self.max_attr_chars)
               + self.retained(fn), kind="fn")

    def retained(self, fn):
        if not self.show_grads or not fn._retained:
            return ""
        lines = []
        for nr, ref in sorted(fn._retained.items()):
            t = ref()
            if t is not None:
                g = t._grad
                lines.append(f"grad of output {nr} " + ("None" if g is None else value_str(g)))
        return "".join("\n" + s for s in lines)

    def leave(self, fn):
        """torchviz draws a custom Function's ``saved_tensors`` after its inputs."""
        try:
            saved = getattr(fn, "saved_tensors", None) or ()
        except RuntimeError:
            saved = ()
        c = self.canvas
        for t in saved:
            self.seen.add(id(t))
            c.edge(c.key(t), c.key(fn), dir="none")
            c.node(c.key(t), self.var_name(t), fillcolor="orange", kind="saved")

    def add_nodes(self, fn):
        seen = self.seen
        if id(fn) in seen:
            return
        seen.add(id(fn))
        self.enter(fn)
        c = self.canvas
        stack = [(fn, iter(fn.next_functions))]
        while stack:
            f, edges = stack[-1]
            for u, _ in edges:
                if u is None:
                    continue
                c.edge(c.key(u), c.key(f))
                if id(u) not in seen:
                    seen.add(id(u))
                    self.enter(u)
                    stack.append((u, iter(u.next_functions)))
                    break
            else:
                self.leave(f)
                stack.pop()

    def add_base_tensor(self, var, color="darkolivegreen1"):
        c = self.canvas
        dotted = []
        while var is not None and id(var) not in self.seen:
            self.seen.add(id(var))
            c.node(c.key(var), self.var_name(var) + self.extra(var, grad=var.grad_fn is None
                                                                or var._retains_grad),
                   fillcolor=color, kind="output" if color == "darkolivegreen1" else "base")
            if var.grad_fn is not None:
                self.add_nodes(var.grad_fn)
                c.edge(c.key(var.grad_fn), c.key(var))
            base = var._base
            if base is not None:
                dotted.append((c.key(base), c.key(var)))
            var, color = base, "darkolivegreen3"
        for tail, head in reversed(dotted):
            c.edge(tail, head, style="dotted")


class Canvas:
    """The drawing as statements, before it becomes DOT: nodes are named ``str(id(obj))``
    as torchviz names them, and the objects are kept alive so that no id is reused."""

    def __init__(self):
        self.stmts = []   # ("node", name, label, attrs) and ("edge", tail, head, attrs)
        self.keep = {}
        self.kinds = {}   # name -> "fn" | "leaf" | "saved" | "output" | "base" | "note"
        self.ids = False
        self.note = None
        self.clusters = []  # [(module path, label, member names)], parents first

    def key(self, obj):
        k = str(id(obj))
        self.keep[k] = obj
        return k

    def node(self, name, label, kind, **attrs):
        self.kinds[name] = kind
        self.stmts.append(("node", name, label, attrs))

    def edge(self, tail, head, **attrs):
        self.stmts.append(("edge", tail, head, attrs))

    def merged(self):
        """Nodes as Graphviz sees them: a node written twice keeps the later attributes."""
        nodes = {}
        edges = []
        for s in self.stmts:
            if s[0] == "node":
                label, attrs = nodes.get(s[1], (None, {}))
                nodes[s[1]] = (s[2], {**attrs, **s[3]})
            else:
                edges.append(s[1:])
        return nodes, edges

    # -- the node limit -------------------------------------------------------------
    def limit(self, max_nodes):
        """Collapse the longest chains until at most ``max_nodes`` nodes remain, then, if
        still too many, draw only the first ``max_nodes``; a note node says what was left out."""
        nodes, edges = self.merged()
        if len(nodes) <= max_nodes:
            return
        removed = _collapse_chains(self, nodes, edges, max_nodes)
        nodes, edges = self.merged()
        dropped = 0
        if len(nodes) > max_nodes:
            keep = set(list(nodes)[:max(max_nodes - 1, 1)])
            dropped = len(nodes) - len(keep)
            self.stmts = [s for s in self.stmts if s[1] in keep and (s[0] == "node" or s[2] in keep)]
        parts = []
        if removed:
            parts.append(f"{removed[0]} chain(s) collapsed ({removed[1]:,} nodes)")
        if dropped:
            parts.append(f"{dropped:,} more nodes not drawn")
        self.note = f"max_nodes={max_nodes}: " + "; ".join(parts)
        self.node("note", self.note, kind="note", shape="note", fillcolor="lightyellow")

    # -- output ---------------------------------------------------------------------
    def emit(self, use_graphviz=True):
        dot = render.digraph(NODE_ATTR, dict(size="12,12")) if use_graphviz else None
        if dot is None:
            dot = render.DotSource(NODE_ATTR, dict(size="12,12"))
        if self.clusters:  # max_nodes may have collapsed some members away
            kept = {s[1] for s in self.stmts if s[0] == "node"}
            self.clusters = [(p, label, [k for k in keys if k in kept])
                             for p, label, keys in self.clusters]
        in_cluster = {key for _, _, keys in self.clusters for key in keys}
        if in_cluster:
            self._emit_clusters(dot)
        k = 0
        for s in self.stmts:
            attrs = dict(s[3])
            if s[0] == "node":
                if self.ids:
                    attrs["id"] = "n" + s[1]
                if s[1] in in_cluster:  # written in its cluster's block; drawn all the same
                    dot._record("node", s[1], s[2], attrs)
                else:
                    dot.node(s[1], s[2], **attrs)
            else:
                if self.ids:
                    attrs["id"] = "e%d" % k
                    k += 1
                dot.edge(s[1], s[2], **attrs)
        dot._clusters = self.clusters
        resize_graph(dot)
        return dot


    def _emit_clusters(self, dot):
        """``subgraph cluster_<i> { label=...; its nodes; its child clusters }``."""
        nodes, _ = self.merged()
        index = {path: i for i, (path, _, _) in enumerate(self.clusters)}

        def block(i, indent):
            path, label, keys = self.clusters[i]
            dot.body.append(f"{indent}subgraph cluster_{i} {{\n")
            dot.body.append(f"{indent}\tlabel={render.quote(label)} style=\"rounded,dashed\" "
                            "fontname=monospace fontsize=10\n")
            for key in keys:
                label_, attrs = nodes[key]
                attrs = dict(attrs)
                if self.ids:
                    attrs["id"] = "n" + key
                dot.body.append(f"{indent}\t{render.quote(key)}"
                                f"{render.attr_list(label_, attrs)}\n")
            for j, (child, _, _) in enumerate(self.clusters):
                if child.rpartition(".")[0] == path and child != path:
                    block(j, indent + "\t")
            dot.body.append(f"{indent}}}\n")

        for i, (path, _, _) in enumerate(self.clusters):
            if "." not in path:
                block(i, "\t")


def resize_graph(dot, size_per_element=0.15, min_size=12):
    """torchviz's resize_graph: grow the canvas with the number of statements."""
    size = max(min_size, len(dot.body) * size_per_element)
    dot.graph_attr.update(size=str(size) + "," + str(size))


def _collapse_chains(canvas, nodes, edges, max_nodes, ends=1):
    """Replace the middle of long chains of backward nodes by one node each.

    A chain node is a backward node with one edge in and one out, not counting its
    satellites (its leaf tensor or saved tensors: nodes tied to it alone), which go with it.
    """
    kinds = canvas.kinds
    degree = Counter()
    for t, h, _ in edges:
        degree[t] += 1
        degree[h] += 1
    owner = {}
    for t, h, _ in edges:
        for sat, other in ((t, h), (h, t)):
            if kinds.get(sat) in ("leaf", "saved") and degree[sat] == 1:
                owner[sat] = other
    ins, outs = {}, {}
    for t, h, _ in edges:
        if t in owner or h in owner:
            continue
        outs.setdefault(t, []).append(h)
        ins.setdefault(h, []).append(t)

    def chainy(n):
        return kinds.get(n) == "fn" and len(ins.get(n, ())) == 1 and len(outs.get(n, ())) == 1

    runs = []
    for n in nodes:
        if not chainy(n) or chainy(ins[n][0]):
            continue
        run = [n]
        while chainy(outs[run[-1]][0]):
            run.append(outs[run[-1]][0])
        if len(run) > 2 * ends + 1:
            runs.append(run)
    runs.sort(key=len, reverse=True)
    sats = {}
    for s, o in owner.items():
        sats.setdefault(o, []).append(s)
    total = len(nodes)
    gone = set()
    added = []
    count = removed = 0
    for run in runs:
        if total <= max_nodes:
            break
        middle = run[ends:-ends]
        mid = set(middle)
        for m in middle:
            mid.update(sats.get(m, ()))
        names = Counter(nodes[m][0].split("\n")[0] for m in middle)
        what = ", ".join(f"{k} x{v:,}" for k, v in names.most_common(3))
        key = "collapsed%d" % count
        label = f"... {len(middle):,} nodes collapsed ...\n{what}"
        added.append((key, label, run[ends - 1], run[-ends]))
        gone |= mid
        total -= len(mid) - 1
        count += 1
        removed += len(mid)
    if not count:
        return None
    stmts = [s for s in canvas.stmts if s[1] not in gone and (s[0] == "node" or s[2] not in gone)]
    canvas.stmts = stmts
    for key, label, first, last in added:
        canvas.node(key, label, kind="collapsed", fillcolor="white", style="dashed")
        canvas.edge(first, key, style="dashed")
        canvas.edge(key, last, style="dashed")
    return count, removed

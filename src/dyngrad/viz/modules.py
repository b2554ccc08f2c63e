"""Which ``nn.Module`` made each backward node: recorded during the forward, used to draw a
model's graph grouped by module (``make_dot(y, model=model)``).

    with record_modules():          # global forward hooks, only while the block runs
        y = model(x)
    make_dot(y, model=model)        # a cluster per module; depth=1: one box per child

A module's forward hook walks back from its outputs through the nodes made since its
pre-hook (sequence numbers are given in creation order) and claims those no inner module
claimed first (inner hooks run first). A parameter's leaf and AccumulateGrad belong to the
module that holds the parameter. Outside ``record_modules`` nothing is recorded and no
hook is installed, so the forward pays nothing.
"""
import contextlib
import re
import weakref

from ..autograd import graph
from ..autograd.graph import AccumulateGrad
from ..tensor import Tensor
from ..nn.modules.module import (register_module_forward_hook, register_module_forward_pre_hook)

# id(node) -> (weakref to the node, weakref to the module): the innermost module whose
# forward made it (weak: recording keeps nothing alive)
_OWNERS = {}


def _tensors(value):
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


@contextlib.contextmanager
def record_modules(when=None):
    """Record, for every module called inside the block, the backward nodes its forward
    made (for ``make_dot(..., model=...)`` and ``python -m dyngrad.viz``). ``when``: a
    function saying whether to record now (one step of a training loop, say)."""
    starts = []

    def pre(module, args):
        if when is None or when():
            # nodes made from here on are its (the number taken leaves a gap in the
            # order, which the engine only compares)
            starts.append(graph.next_sequence_nr())
        else:
            starts.append(None)

    def post(module, args, result):
        start = starts.pop() if starts else 0
        if start is None:
            return
        todo = [t.grad_fn for t in _tensors(result) if t.grad_fn is not None]
        seen = set()
        while todo:
            node = todo.pop()
            if id(node) in seen or isinstance(node, AccumulateGrad):
                continue
            seen.add(id(node))
            if getattr(node, "_sequence_nr", -1) < start:
                continue
            if id(node) not in _OWNERS or _OWNERS[id(node)][0]() is not node:
                _OWNERS[id(node)] = (weakref.ref(node), weakref.ref(module))
            todo.extend(n for n, _ in node.next_functions if n is not None)

    for k in [k for k, (n, _) in _OWNERS.items() if n() is None]:
        del _OWNERS[k]
    handles = [register_module_forward_pre_hook(pre), register_module_forward_hook(post)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


class ModuleMap:
    """Module names for drawn objects: ``name(obj)`` is the dotted path of the module that
    made a node or holds a parameter, "" for the model itself, None when unknown."""

    def __init__(self, model):
        self.names = {id(m): name for name, m in model.named_modules()}
        self.kinds = {name: type(m).__name__ for name, m in model.named_modules()}
        self.params = {}
        for name, p in model.named_parameters():
            self.params[id(p)] = name.rpartition(".")[0]

    def name(self, obj):
        if isinstance(obj, AccumulateGrad):
            return self.params.get(id(obj.variable))
        if isinstance(obj, Tensor):
            return self.params.get(id(obj))
        rec = _OWNERS.get(id(obj))
        if rec is None or rec[0]() is not obj:
            return None
        return self.names.get(id(rec[1]()))

    def label(self, name):
        return f"{name or '(model)'}: {self.kinds.get(name, '?')}"


def at_depth(name, depth):
    """The ancestor of a module path at ``depth`` (``"layers.3.attn"``, 2 -> ``"layers.3"``)."""
    if name is None or depth is None:
        return name
    parts = name.split(".") if name else []
    return ".".join(parts[:depth])


_INDEX = re.compile(r"^(.*)\.(\d+)$")


def repeated(name):
    """``("layers", 3)`` for ``"layers.3"`` (a block of a ModuleList or Sequential), else None."""
    m = _INDEX.match(name or "")
    return (m.group(1), int(m.group(2))) if m else None


def group(canvas, model, depth=None):
    """Give the canvas's nodes their modules: clusters per module (``canvas.clusters``:
    ``[(path, label, member keys)]``, parents before children), or with ``depth`` one node
    per module at that depth, repeated blocks (``layers.0`` ... ``layers.11`` of one class)
    drawn as one node with their count."""
    names = ModuleMap(model)
    nodes, edges = canvas.merged()
    of = {}
    for key in nodes:
        obj = canvas.keep.get(key)
        path = names.name(obj) if obj is not None else None
        if path is not None:
            of[key] = path
    for t, h, attrs in edges:  # a saved tensor goes with the node that saved it
        for sat, other in ((h, t), (t, h)):
            if canvas.kinds.get(sat) == "saved" and sat not in of and other in of:
                of[sat] = of[other]
    if depth is None:
        _clusters(canvas, names, of)
    else:
        _collapse(canvas, names, of, depth)


def _clusters(canvas, names, of):
    paths = set()
    for path in of.values():
        parts = path.split(".") if path else []
        paths.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    members = {p: [] for p in paths}
    for key, path in of.items():
        if path:
            members[path].append(key)
    canvas.clusters = [(p, names.label(p), members[p])
                       for p in sorted(paths, key=lambda p: (p.count("."), p))]


def _collapse(canvas, names, of, depth):
    where = {}  # a node -> the module drawn in its place: at ``depth``, or a shallower leaf
    for key, path in of.items():
        if path or depth == 0:
            where[key] = at_depth(path, depth)
    blocks = {}  # a module path -> the key of the node drawn for it
    counts = {}
    drawn_paths = set(where.values())
    # repeated blocks merge only when each is drawn whole (no module inside it drawn apart)
    whole = {p for p in drawn_paths if not any(q.startswith(p + ".") for q in drawn_paths)}
    for path in drawn_paths:
        rep = repeated(path) if path in whole else None
        same = rep and [q for q in whole if repeated(q)
                        and repeated(q)[0] == rep[0] and names.kinds.get(q) == names.kinds.get(path)]
        if same and len(same) > 1:
            idx = sorted(repeated(q)[1] for q in same)
            blocks[path] = _key(rep[0]) + "_x"
            counts[blocks[path]] = (f"{rep[0]}.{idx[0]} ... {rep[0]}.{idx[-1]}: "
                                    f"{names.kinds.get(path)} x{len(same)}")
        else:
            blocks[path] = _key(path)
            counts[blocks[path]] = names.label(path)
    inside = {}
    for key, path in where.items():
        inside.setdefault(blocks[path], []).append(key)
    stmts = []
    seen_edges = set()
    drawn = set()
    for s in canvas.stmts:
        if s[0] == "node":
            if s[1] in where:
                b = blocks[where[s[1]]]
                if b not in drawn:
                    drawn.add(b)
                    n = len(inside[b])
                    stmts.append(("node", b, f"{counts[b]}\n({n:,} nodes)", {
                        "fillcolor": "lightcyan", "style": "filled,rounded"}))
                    canvas.kinds[b] = "module"
                    canvas.keep[b] = b
                continue
            stmts.append(s)
        else:
            t = blocks[where[s[1]]] if s[1] in where else s[1]
            h = blocks[where[s[2]]] if s[2] in where else s[2]
            if t == h or (t != s[1] or h != s[2]) and (t, h) in seen_edges:
                continue
            seen_edges.add((t, h))
            stmts.append(("edge", t, h, s[3]))
    canvas.stmts = stmts


def _key(path):
    """A module's node name: no ``:`` (DOT would read a port) and no digits-only name."""
    return "module_" + re.sub(r"\W", "_", path)

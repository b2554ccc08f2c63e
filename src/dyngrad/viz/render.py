"""From a drawing to SVG: through Graphviz's ``dot`` program when it is on PATH, else laid
out by dyngrad itself (``layout.py``, ``svg.py``), so SVG needs nothing beyond a pip install.

``make_dot`` returns a ``graphviz.Digraph`` (a subclass that keeps what was drawn) when
the ``graphviz`` Python package is installed, else a ``DotSource``, which holds the same
DOT text (``.source``). Both render SVG with or without ``dot`` (``pipe("svg")``,
``render(..., format="svg")``) and show themselves inline in Jupyter; other formats
(PNG, PDF) need ``dot``.
"""
import os
import re
import shutil
import subprocess

INSTALL_HINT = ("install Graphviz, which provides it (Debian/Ubuntu: apt-get install graphviz; "
                "macOS: brew install graphviz; conda: conda install graphviz); the DOT text "
                "is still available as make_dot(...).source")


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is not on PATH."""


def find_dot():
    return shutil.which("dot")


def render(source, format="svg"):  # noqa: A002 (Graphviz's name)
    """Run ``dot -T<format>`` on DOT text and return the bytes it writes."""
    exe = find_dot()
    if exe is None:
        raise GraphvizNotFound(f"cannot render to {format}: Graphviz's 'dot' program was not "
                               f"found on PATH; {INSTALL_HINT}")
    done = subprocess.run([exe, "-T" + format], input=source.encode("utf-8"),
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"dot -T{format} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


_ID = re.compile(r"^(?:[a-zA-Z_][a-zA-Z0-9_]*|-?(?:\.\d+|\d+(?:\.\d*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def quote(s):
    """A DOT ID, quoted as the graphviz package quotes it."""
    s = str(s)
    if _ID.match(s) and s.lower() not in _KEYWORDS:
        return s
    return '"' + re.sub(r'(?<!\\)"', '\\\\"', s) + '"'


def attr_list(label=None, attrs=None):
    parts = [] if label is None else [f"label={quote(label)}"]
    parts += [f"{k}={quote(v)}" for k, v in (attrs or {}).items() if v is not None]
    return " [" + " ".join(parts) + "]" if parts else ""


LAYOUTS = ("auto", "dot", "dyngrad")


def merged(stmts):
    """Nodes and edges as Graphviz reads statements: a node written twice keeps the later
    label and attributes; an edge to a name never written as a node makes a node with that
    name as its label. Returns ``[(name, label, attrs)]`` and ``[(tail, head, attrs)]``."""
    nodes = {}
    edges = []
    for kind, a, b, attrs in stmts:
        if kind == "node":
            label, old = nodes.get(a, (None, {}))
            nodes[a] = (a if b is None and label is None else b if b is not None else label,
                        {**old, **attrs})
        else:
            for name in (a, b):
                nodes.setdefault(name, (name, {}))
            edges.append((a, b, attrs))
    return [(name, label, attrs) for name, (label, attrs) in nodes.items()], edges


def to_svg(source, stmts, node_attr, layout="auto", clusters=()):
    """SVG text of a drawing: ``dot``'s layout (``layout="dot"``, or ``"auto"`` with
    ``dot`` on PATH), else dyngrad's (``"dyngrad"``, or ``"auto"`` without ``dot``)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(map(repr, LAYOUTS))}, "
                         f"got {layout!r}")
    if layout == "dot" or (layout == "auto" and find_dot() is not None):
        svg = render(source, "svg").decode("utf-8")
        return svg[svg.index("<svg"):]
    from .svg import draw_svg
    nodes, edges = merged(stmts)
    return draw_svg(nodes, edges, node_attr, clusters)


class SelfDrawn:
    """What a drawing object needs to make SVG without ``dot``: the statements written to
    it (``_drawn``), kept beside its DOT text."""

    def _record(self, kind, a, b, attrs):
        self.__dict__.setdefault("_drawn", []).append((kind, a, b, attrs))

    def svg(self, layout="auto"):
        """The drawing as SVG text (see ``to_svg`` for ``layout``)."""
        return to_svg(self.source, self.__dict__.get("_drawn", []), self.node_attr, layout,
                      self.__dict__.get("_clusters", ()))

    def _own_svg(self, format, renderer=None, formatter=None):
        """SVG by dyngrad when ``dot`` is missing and SVG is asked for; else None."""
        if format == "svg" and renderer is None and formatter is None and find_dot() is None:
            return self.svg("dyngrad")
        return None

    def _repr_svg_(self):
        return self.svg()


class DotSource(SelfDrawn):
    """DOT text with the rendering calls of ``graphviz.Digraph`` (``source``, ``pipe``,
    ``render``, rich display in Jupyter)."""

    def __init__(self, node_attr, graph_attr):
        self.node_attr = dict(node_attr)
        self.graph_attr = dict(graph_attr)
        self.body = []
        self._drawn = []

    def node(self, name, label=None, **attrs):
        self.body.append(f"\t{quote(name)}{attr_list(label, attrs)}\n")
        self._record("node", name, label, attrs)

    def edge(self, tail_name, head_name, **attrs):
        self.body.append(f"\t{quote(tail_name)} -> {quote(head_name)}{attr_list(None, attrs)}\n")
        self._record("edge", tail_name, head_name, attrs)

    @property
    def source(self):
        head = ["digraph {\n"]
        if self.graph_attr:
            head.append(f"\tgraph{attr_list(None, dict(sorted(self.graph_attr.items())))}\n")
        if self.node_attr:
            head.append(f"\tnode{attr_list(None, dict(sorted(self.node_attr.items())))}\n")
        return "".join(head + self.body + ["}\n"])

    def __str__(self):
        return self.source

    def pipe(self, format="svg", encoding=None):  # noqa: A002 (Graphviz's name)
        """The drawing in ``format`` as bytes (str with ``encoding``); SVG without ``dot``
        is laid out by dyngrad, other formats need ``dot``."""
        own = self._own_svg(format)
        out = own.encode("utf-8") if own is not None else render(self.source, format)
        return out.decode(encoding) if encoding else out

    def render(self, filename="Digraph.gv", directory=None, format="svg", cleanup=False):  # noqa: A002
        """Save the DOT text to ``filename`` and the drawing beside it (``filename.svg``);
        returns the drawing's path, as ``graphviz.Digraph.render`` does."""
        path = os.path.join(directory or "", filename)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        out = f"{path}.{format}"
        with open(out, "wb") as f:
            f.write(self.pipe(format))
        if cleanup:
            os.remove(path)
        return out

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return {"image/svg+xml": self.pipe("svg", encoding="utf-8"), "text/plain": repr(self)}

    def __repr__(self):
        nodes, edges = merged(self._drawn)
        return f"<DotSource: {len(nodes)} nodes, {len(edges)} edges>"


_DIGRAPH = {}


def digraph(node_attr, graph_attr):
    """A ``graphviz.Digraph`` that also draws SVG without ``dot``, or None when the
    ``graphviz`` package is not installed."""
    try:
        import graphviz
    except ImportError:
        return None
    cls = _DIGRAPH.get(graphviz.Digraph)
    if cls is None:
        cls = _DIGRAPH[graphviz.Digraph] = type("Digraph", (_DigraphMixin, graphviz.Digraph),
                                                {"__module__": __name__})
    return cls(node_attr=node_attr, graph_attr=graph_attr)


class _DigraphMixin(SelfDrawn):
    """``graphviz.Digraph`` with SVG laid out by dyngrad when ``dot`` is missing (its
    Jupyter display goes through ``pipe``, so it draws too)."""

    def node(self, name, label=None, _attributes=None, **attrs):
        super().node(name, label, _attributes=_attributes, **attrs)
        self._record("node", name, label, {**(_attributes or {}), **attrs})

    def edge(self, tail_name, head_name, label=None, _attributes=None, **attrs):
        super().edge(tail_name, head_name, label, _attributes=_attributes, **attrs)
        self._record("edge", tail_name, head_name, {**(_attributes or {}), **attrs})

    def pipe(self, format=None, renderer=None, formatter=None, *args, encoding=None, **kw):  # noqa: A002
        own = None if args else self._own_svg(format or self.format, renderer, formatter)
        if own is None:
            return super().pipe(format, renderer, formatter, *args, encoding=encoding, **kw)
        return own if encoding else own.encode("utf-8")

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,
               renderer=None, formatter=None, *args, **kw):  # noqa: A002
        own = None if view or args or kw else self._own_svg(format or self.format, renderer,
                                                                formatter)
        if own is None:
            return super().render(filename, directory, view, cleanup, format, renderer,
                                  formatter, *args, **kw)
        path = self.save(filename, directory=directory)
        out = f"{path}.svg"
        with open(out, "w", encoding="utf-8") as f:
            f.write(own)
        if cleanup:
            os.remove(path)
        return out

"""From DOT text to SVG/PNG through Graphviz's ``dot`` program, and DOT text on its own.

``DotSource`` is what ``make_dot`` returns when the ``graphviz`` Python package is not
installed: it holds the same DOT text (``.source``) and renders with ``dot`` when that
program is on PATH, as ``graphviz.Digraph`` does.
"""
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


def render(source, format="svg"):
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


class DotSource:
    """DOT text with the rendering calls of ``graphviz.Digraph`` (``source``, ``pipe``,
    rich display in Jupyter)."""

    def __init__(self, node_attr, graph_attr):
        self.node_attr = dict(node_attr)
        self.graph_attr = dict(graph_attr)
        self.body = []

    def node(self, name, label=None, **attrs):
        self.body.append(f"\t{quote(name)}{attr_list(label, attrs)}\n")

    def edge(self, tail_name, head_name, **attrs):
        self.body.append(f"\t{quote(tail_name)} -> {quote(head_name)}{attr_list(None, attrs)}\n")

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

    def pipe(self, format="svg", encoding=None):
        out = render(self.source, format)
        return out.decode(encoding) if encoding else out

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if find_dot() is None:
            return {"text/plain": self.source}
        return {"image/svg+xml": self.pipe("svg", encoding="utf-8")}

"""Jupyter: a tensor's graph drawn under its repr, after ``%load_ext dyngrad.viz``.

``make_dot`` results (``_repr_mimebundle_``: SVG) and traces (``_repr_html_``: the page's
player) show inline with nothing loaded. A tensor keeps torch's plain repr unless the
extension is loaded; then a tensor with a ``grad_fn`` also shows its backward graph::

    %load_ext dyngrad.viz
    y = (w * x).sum()
    y            # tensor(2., grad_fn=<SumBackward0>) and, below, the graph
"""
import html

from ..tensor import Tensor

MAX_NODES = 300  # a notebook output stays small: longer chains are collapsed


def tensor_html(t):
    """HTML for a tensor with a graph: its repr, then the drawing; None (plain text) for
    a tensor without one."""
    if t.grad_fn is None:
        return None
    from .dot import make_dot
    svg = make_dot(t, max_nodes=MAX_NODES).pipe("svg", encoding="utf-8")
    return (f'<div class="dyngrad-tensor"><pre>{html.escape(repr(t))}</pre>'
            f'{svg[svg.index("<svg"):]}</div>')


def load_ipython_extension(ipython):
    ipython.display_formatter.formatters["text/html"].for_type(Tensor, tensor_html)


def unload_ipython_extension(ipython):
    ipython.display_formatter.formatters["text/html"].pop(Tensor, None)

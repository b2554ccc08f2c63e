"""Seeing the graph: drawings of the backward graph and step-by-step traces of a backward.

    make_dot(y, params={"w": w})      the graph as torchviz draws it (DOT; SVG via Graphviz)
    with trace() as t: y.backward()   each engine step: grad in, local formula, grads out
    python -m dyngrad.viz script.py   a self-contained HTML page of both, with a player
    %load_ext dyngrad.viz             in Jupyter, a tensor's graph under its repr
    with record_modules(): model(x)   then make_dot(y, model=model, depth=2): by module

SVG needs no Graphviz: without its ``dot`` program, dyngrad lays the graph out itself.
The engine never imports this package; a trace watches it through ``engine.observers``.
"""
from .dot import dot_source, make_dot
from .jupyter import load_ipython_extension, unload_ipython_extension
from .modules import record_modules
from .render import DotSource, GraphvizNotFound
from .trace import Trace, trace

__all__ = ["make_dot", "dot_source", "trace", "Trace", "DotSource", "GraphvizNotFound",
           "load_ipython_extension", "unload_ipython_extension", "record_modules"]

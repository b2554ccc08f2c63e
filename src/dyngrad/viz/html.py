"""One self-contained HTML page: the graph as SVG beside the steps of a backward trace,
with a player to step through the backward (``player.py``).

    ┌──────────────────────────────┬──────────────────────────────┐
    │  SVG (Graphviz's dot, or     │  [0] MulBackward0  ▸ details │
    │  dyngrad's layout without)   │  [1] AddBackward0            │
    │  the chosen step's node and  │  ...                         │
    │  edges are highlighted       │                              │
    └──────────────────────────────┴──────────────────────────────┘

No network: styles, script, data and SVG are inline. Choosing a step (the buttons, the
arrow keys, a click, or ``#step=N`` in the URL) highlights its node
(``<g id="n<key>" class="node hl">``), the edges its gradient arrived by (``hl-in``) and
the edges it sent gradients along (``hl-out``); edges are coloured by the gradient that
crossed them so far.
"""
import html
import itertools
import json

from . import render
from .dot import draw
from .flows import flows
from .layout import gc_paused
from .player import CSS, JS
from .text import step_lines

_ROOTS = itertools.count()
_COLOUR_LEGEND = ('<span class="legend">|grad| (rms): 1e-8 <span class="scale"></span> 1e6'
                  ' · gray: zero · pink: nan/inf · light gray: not reached yet</span>')


def _json(value):
    return json.dumps(value, separators=(",", ":")).replace("</", "<" + chr(92) + "/")


def canvas(trace, max_nodes, show_saved):
    """The drawing of the nodes a trace ran, with values, grads and SVG ids."""
    return draw(None, trace.params, False, show_saved, 50, True, True, max_nodes,
                roots=trace.roots(), ids=True, model=trace.model)


def _graph(trace, max_nodes, show_saved, layout="auto"):
    """DOT text, SVG, drawn edges ``[id, tail key, head key]``, whether ``dot`` laid it
    out, and the canvas (node kinds, note)."""
    drawing = canvas(trace, max_nodes, show_saved)
    dot = drawing.emit(use_graphviz=False)
    edges = []
    k = 0
    for s in drawing.stmts:
        if s[0] == "edge":
            edges.append(["e%d" % k, s[1], s[2]])
            k += 1
    by_dot = layout == "dot" or (layout == "auto" and render.find_dot() is not None)
    svg = dot.svg("dot" if by_dot else "dyngrad")
    return dot.source, svg, edges, by_dot, drawing


def trace_page(trace, title="backward trace", max_nodes=300, show_saved=False, fragment=False,
               layout="auto"):
    """The page as a string (``fragment``: one ``<div>``, for Jupyter). ``layout``:
    "auto" (Graphviz's dot when on PATH, else dyngrad's), "dot" or "dyngrad"."""
    with gc_paused():
        return _page(trace, title, max_nodes, show_saved, fragment, layout)


def _page(trace, title, max_nodes, show_saved, fragment, layout):
    source, svg, drawn, by_dot, drawing = _graph(trace, max_nodes, show_saved, layout)
    per_edge, per_step = flows(trace, drawn, drawing.kinds)
    items, details = [], []
    index = {}
    run = None
    for step in trace.steps:
        if step.run != run:
            run = step.run
            index = {id(s.node): s.index for s in trace.steps if s.run == run}
        lines = step_lines(step, trace.params, index)
        # the details are data, written into the list when a step is opened: a DOM of
        # 10,000 steps' details would double the page's load time
        details.append(chr(10).join(l.strip() for l in lines[1:]))
        items.append(
            f'<li id="s{step.index}" data-index="{step.index}" data-node="n{step.key}">'
            f'<details><summary>{html.escape(lines[0])}</summary><pre></pre></details></li>')
    if not items:
        items.append('<li class="missing">No backward pass was recorded.</li>')
    drawer = ("drawn by Graphviz's dot" if by_dot else
              "laid out by dyngrad" + ("" if render.find_dot() else
                                       " (Graphviz's dot was not found)"))
    legend = (f'<p class="legend">{drawer} · gray: backward node · blue: leaf · green: output'
              ' · red: the current step; edges it sent gradients along glow red, the one its'
              ' gradient came by glows blue</p>')
    if drawing.note:
        legend += f'<p class="legend">{html.escape(drawing.note)}</p>'
    info = f"{len(trace.steps)} step(s) in {trace.runs} run(s)"
    if trace.only_run is not None:
        info = (f"{len(trace.steps)} step(s) of backward pass {trace.only_run + 1} "
                f"(of {trace.runs})")
    if trace.dropped:
        info += f", {trace.dropped} more not recorded"
    root = "dyngrad-trace-%d" % next(_ROOTS)
    controls = ('<div class="controls">'
                '<button class="first" title="before the backward (Home)">|&lt;</button>'
                '<button class="prev" title="previous step (left arrow)">&lt;</button>'
                '<button class="play">play</button>'
                '<button class="next" title="next step (right arrow)">&gt;</button>'
                '<button class="last" title="all steps done (End)">&gt;|</button>'
                '<span class="pos"></span>'
                '<input type="search" class="search" placeholder="find a node (Enter: next)">'
                '<span class="found-count"></span>'
                '<label><input type="checkbox" class="all-values"'
                f'{" checked" if len(drawn) <= 200 else ""}> values on all edges</label>'
                f'{_COLOUR_LEGEND}</div>')
    data = "".join(f'<script type="application/json" data-name="{name}">{_json(v)}</script>'
                   for name, v in (("edges", [[e, "n" + t, "n" + h] for e, t, h in drawn]),
                                   ("flows", per_edge), ("details", details),
                                   ("steps", [["n" + s.key, ids]
                                              for s, ids in zip(trace.steps, per_step)])))
    body = (f'<div class="dyngrad-trace{"" if fragment else " page"}" id="{root}" tabindex="0">'
            f'<header><h1>{html.escape(title)}</h1><span class="info">{html.escape(info)}'
            f'</span></header>{controls}'
            f'<main><div class="graph" id="graph">{legend}{svg}</div>'
            f'<ol class="steps" id="steps">{"".join(items)}</ol></main>{data}'
            f'<script>{JS.replace("__ROOT_ID__", json.dumps(root)).replace("__PAGE__", "false" if fragment else "true")}'
            '</script></div>')
    if fragment:
        return f'<div class="dyngrad-trace-output"><style>{CSS}</style>{body}</div>'
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(title)}</title><style>body{{margin:0}}{CSS}</style></head>'
            '<body><script>window.addEventListener("error", function(e){'
            'document.body.dataset.error = String(e.message);});</script>'
            f'{body}</body></html>\n')

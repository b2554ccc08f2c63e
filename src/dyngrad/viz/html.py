"""One self-contained HTML page: the graph as SVG beside the steps of a backward trace.

    ┌──────────────────────────────┬──────────────────────────────┐
    │  SVG (Graphviz's dot)        │  [0] MulBackward0  ▸ details │
    │  the chosen step's node and  │  [1] AddBackward0            │
    │  edges are highlighted       │  ...                         │
    └──────────────────────────────┴──────────────────────────────┘

No network: styles, script and SVG are inline. Choosing a step (a click, or ``#step=N``
in the URL) highlights its node (``<g id="n<key>" class="node hl">``), the edges its
gradient arrived by (``hl-in``) and the edges it sent gradients along (``hl-out``), and
records the choice on ``<body data-step data-selected>`` so that a test can read it.
"""
import html
import json

from . import render
from .dot import draw
from .text import step_lines

_CSS = """
body{margin:0;font:13px/1.35 system-ui,sans-serif;color:#222}
header{padding:6px 12px;background:#f3f3f3;border-bottom:1px solid #ccc}
header h1{font-size:15px;margin:0;display:inline}
header span{color:#666;margin-left:1em}
main{display:flex;height:calc(100vh - 34px)}
#graph{flex:3;overflow:auto;border-right:1px solid #ccc;padding:8px}
#graph svg{max-width:none}
#steps{flex:2;overflow:auto;margin:0;padding:0;list-style:none}
#steps li{border-bottom:1px solid #eee;padding:3px 8px;cursor:pointer}
#steps li.hl{background:#fff3c4}
#steps li summary{font-family:monospace;white-space:pre}
#steps li pre{margin:4px 0 4px 12px;font-size:12px;white-space:pre-wrap}
.node.hl polygon,.node.hl ellipse{stroke:#d40000;stroke-width:3px}
.edge.hl-in path{stroke:#1a62d6;stroke-width:2.5px}
.edge.hl-in polygon{stroke:#1a62d6;fill:#1a62d6}
.edge.hl-out path{stroke:#d40000;stroke-width:2.5px}
.edge.hl-out polygon{stroke:#d40000;fill:#d40000}
.missing{color:#a00}
pre.dot{font-size:11px;background:#f8f8f8;padding:6px}
.legend{color:#555;font-size:12px;margin:4px 0}
"""

_JS = """
(function(){
window.addEventListener('error', function(e){document.body.dataset.error = String(e.message);});
var EDGES = JSON.parse(document.getElementById('edges').textContent);
function clear(){
  document.querySelectorAll('.hl,.hl-in,.hl-out').forEach(function(e){
    e.classList.remove('hl','hl-in','hl-out');});
}
function select(i){
  var li = document.getElementById('s' + i);
  if (!li) return;
  clear();
  li.classList.add('hl');
  var d = li.querySelector('details'); if (d) d.open = true;
  var key = li.dataset.node;
  var g = document.getElementById(key);
  if (g) { g.classList.add('hl'); if (g.scrollIntoView) g.scrollIntoView({block:'nearest', inline:'nearest'}); }
  EDGES.forEach(function(e){
    var el = document.getElementById(e[0]);
    if (!el) return;
    if (e[1] === key) el.classList.add('hl-in');
    if (e[2] === key) el.classList.add('hl-out');
  });
  document.body.dataset.step = String(i);
  document.body.dataset.selected = g ? key : '';
  if (location.hash !== '#step=' + i && history.replaceState) history.replaceState(null, '', '#step=' + i);
}
document.querySelectorAll('#steps li').forEach(function(li){
  li.addEventListener('click', function(){ select(li.dataset.index); });
});
function fromHash(){
  var m = /step=(\\d+)/.exec(location.hash);
  if (m) select(m[1]);
}
window.addEventListener('hashchange', fromHash);
fromHash();
document.body.dataset.ready = '1';
})();
"""


def _graph(trace, max_nodes, show_saved):
    canvas = draw(None, trace.params, False, show_saved, 50, True, True, max_nodes,
                  roots=trace.roots(), ids=True)
    source = canvas.emit(use_graphviz=False).source
    edges = []
    k = 0
    for s in canvas.stmts:
        if s[0] == "edge":
            edges.append(["e%d" % k, "n" + s[1], "n" + s[2]])
            k += 1
    try:
        svg = render.render(source, "svg").decode("utf-8")
        svg = svg[svg.index("<svg"):]
        missing = None
    except render.GraphvizNotFound as e:
        svg, missing = None, str(e)
    return source, svg, edges, missing, canvas.note


def trace_page(trace, title="backward trace", max_nodes=300, show_saved=False, fragment=False):
    """The page as a string (``fragment``: the body only, for Jupyter)."""
    source, svg, edges, missing, note = _graph(trace, max_nodes, show_saved)
    items = []
    index = {}
    run = None
    for step in trace.steps:
        if step.run != run:
            run = step.run
            index = {id(s.node): s.index for s in trace.steps if s.run == run}
        lines = step_lines(step, trace.params, index)
        items.append(
            f'<li id="s{step.index}" data-index="{step.index}" data-node="n{step.key}">'
            f'<details><summary>{html.escape(lines[0])}</summary>'
            f'<pre>{html.escape(chr(10).join(l.strip() for l in lines[1:]))}</pre>'
            f'</details></li>')
    if not items:
        items.append('<li class="missing">No backward pass was recorded.</li>')
    if svg is not None:
        graph = svg
    else:
        graph = (f'<p class="missing">{html.escape(missing)}</p>'
                 f'<pre class="dot">{html.escape(source)}</pre>')
    legend = ('<p class="legend">gray: backward node · blue: leaf · green: output · '
              'red: the chosen step, and the edges it sends gradients along · '
              'blue edges: where its gradient came from</p>')
    if note:
        legend += f'<p class="legend">{html.escape(note)}</p>'
    info = f"{len(trace.steps)} step(s) in {trace.runs} run(s)"
    if trace.dropped:
        info += f", {trace.dropped} more not recorded"
    body = (f'<header><h1>{html.escape(title)}</h1><span>{html.escape(info)}</span></header>'
            f'<main><div id="graph">{legend}{graph}</div>'
            f'<ol id="steps">{"".join(items)}</ol></main>'
            f'<script type="application/json" id="edges">'
            f'{json.dumps(edges).replace("</", "<" + chr(92) + "/")}</script>'
            f'<script>{_JS}</script>')
    if fragment:
        return f'<div class="dyngrad-trace"><style>{_CSS}</style>{body}</div>'
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(title)}</title><style>{_CSS}</style></head>'
            f'<body>{body}</body></html>\n')

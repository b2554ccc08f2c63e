"""The page's styles and script: a backward you can play, step by step.

    [|<] [<] [play] [>] [>|]  step 1 of 5: AddBackward0      [find a node ]  2 found
    ┌─ graph ───────────────────────────┬─ steps ─────────────────────┐
    │ the current node in red; the edge │ [0] MulBackward0            │
    │ its gradient came by in blue, the │ [1] AddBackward0   (open)   │
    │ edges it sends along glow red;    │ ...                         │
    │ edges coloured by |gradient|      │                             │
    └───────────────────────────────────┴─────────────────────────────┘

Everything is inline (no network). The script works inside one root element, so several
traces can sit in one Jupyter notebook. Positions run from -1 (before the backward:
nothing has flowed) through each step to N (all done, nothing chosen, every edge coloured).
An edge shows the latest gradient that crossed it up to the current position: its colour
(log scale of its root mean square, ``flows.py``) and, on the current step's edges or on
all of them, its value. State is mirrored on the root's (and in a page, the body's)
``data-step`` / ``data-selected`` attributes, which tests read.
"""

CSS = """
.dyngrad-trace{font:13px/1.35 system-ui,sans-serif;color:#222;display:flex;flex-direction:column;
  height:560px;border:1px solid #ccc;outline:none}
.dyngrad-trace.page{height:100vh;border:0}
.dyngrad-trace header{padding:4px 10px;background:#f3f3f3;border-bottom:1px solid #ccc}
.dyngrad-trace header h1{font-size:15px;margin:0;display:inline}
.dyngrad-trace header .info{color:#666;margin-left:1em}
.dyngrad-trace .controls{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:4px 10px;
  border-bottom:1px solid #ddd}
.dyngrad-trace .controls button{font:13px monospace;min-width:2.4em}
.dyngrad-trace .controls .pos{font-family:monospace;min-width:22em}
.dyngrad-trace .controls input[type=search]{width:13em}
.dyngrad-trace .scale{display:inline-block;width:160px;height:10px;vertical-align:middle;
  background:linear-gradient(to right,#313695,#4575b4 19%,#74add1 43%,#1a9850 57%,#fdae61 71%,
  #d73027 86%,#a50026)}
.dyngrad-trace .legend{color:#555;font-size:12px}
.dyngrad-trace main{display:flex;flex:1;min-height:0}
.dyngrad-trace .graph{flex:3;overflow:auto;border-right:1px solid #ccc;padding:6px}
.dyngrad-trace .graph svg{max-width:none}
.dyngrad-trace .steps{flex:2;overflow:auto;margin:0;padding:0;list-style:none}
.dyngrad-trace .steps li{border-bottom:1px solid #eee;padding:3px 8px;cursor:pointer}
.dyngrad-trace .steps li.hl{background:#fff3c4}
.dyngrad-trace .steps li summary{font-family:monospace;white-space:pre}
.dyngrad-trace .steps li pre{margin:4px 0 4px 12px;font-size:12px;white-space:pre-wrap}
.dyngrad-trace .node.hl polygon,.dyngrad-trace .node.hl ellipse{stroke:#d40000;stroke-width:3px}
.dyngrad-trace .node.match polygon{stroke:#ff8c00;stroke-width:3px;stroke-dasharray:none}
.dyngrad-trace .node.found polygon{fill:#ffe066}
.dyngrad-trace .edge.pending path{stroke:#cfcfcf}
.dyngrad-trace .edge.pending polygon{stroke:#cfcfcf;fill:#cfcfcf}
.dyngrad-trace .edge.hl-in path,.dyngrad-trace .edge.hl-out path{stroke-width:3px}
.dyngrad-trace .edge.hl-in{filter:drop-shadow(0 0 2px #1a62d6)}
.dyngrad-trace .edge.hl-out{filter:drop-shadow(0 0 2px #d40000)}
.dyngrad-trace text.grad{font:9px monospace;fill:#111;paint-order:stroke;stroke:#fff;
  stroke-width:3px;stroke-linejoin:round}
.dyngrad-trace .edge.hl-out text.grad{font-weight:bold}
.dyngrad-trace .missing{color:#a00}
"""

JS = r"""
(function(root, page){
'use strict';
var T0 = performance.now();
function data(name){
  return JSON.parse(root.querySelector('script[data-name="' + name + '"]').textContent);
}
var EDGES = data('edges'), FLOWS = data('flows'), STEPS = data('steps'), DETAILS = data('details');
var N = STEPS.length, SVGNS = 'http://www.w3.org/2000/svg';
var q = function(sel){ return root.querySelector(sel); };
var nodes = {}, edges = {}, labels = {}, into = {}, outof = {}, stepsOf = {};
root.querySelectorAll('g.node').forEach(function(g){ nodes[g.id] = g; });
root.querySelectorAll('g.edge').forEach(function(g){ edges[g.id] = g; });
EDGES.forEach(function(e){
  (into[e[1]] = into[e[1]] || []).push(e[0]);   // the gradient of e[1] arrives by e
  (outof[e[2]] = outof[e[2]] || []).push(e[0]); // e[2] sends a gradient along e
});
STEPS.forEach(function(s, i){ (stepsOf[s[0]] = stepsOf[s[0]] || []).push(i); });
var STOPS = [[-8, [49, 54, 149]], [-5, [69, 117, 180]], [-2, [116, 173, 209]], [0, [26, 152, 80]],
             [2, [253, 174, 97]], [4, [215, 48, 39]], [6, [165, 0, 38]]];
function colour(size){
  if (size === 'zero') return '#8c8c8c';
  if (size === 'nonfinite') return '#e7298a';
  var s = Math.max(STOPS[0][0], Math.min(STOPS[STOPS.length - 1][0], size));
  for (var k = 1; k < STOPS.length; k++) {
    if (s <= STOPS[k][0]) {
      var a = STOPS[k - 1], b = STOPS[k], t = (s - a[0]) / (b[0] - a[0]);
      return 'rgb(' + [0, 1, 2].map(function(j){
        return Math.round(a[1][j] + t * (b[1][j] - a[1][j])); }).join(',') + ')';
    }
  }
}
var cur = -1, hot = {}, all = q('.all-values');
function latest(eid){
  var f = FLOWS[eid], best = null;
  if (!f) return null;
  for (var k = 0; k < f.length && f[k][0] <= cur; k++) best = f[k];
  return best;
}
function label(eid, text){
  var t = labels[eid];
  if (text === null) { if (t) t.style.display = 'none'; return; }
  if (!t) {
    var g = edges[eid], path = g.querySelector('path');
    var p = path.getPointAtLength(path.getTotalLength() / 2);
    t = labels[eid] = document.createElementNS(SVGNS, 'text');
    t.setAttribute('class', 'grad');
    t.setAttribute('x', p.x + 4);
    t.setAttribute('y', p.y + 3);
    g.appendChild(t);
  }
  t.textContent = text;
  t.style.display = '';
}
function paint(eid){
  var g = edges[eid];
  if (!g) return;
  var f = latest(eid), c = f ? colour(f[2]) : '';
  g.classList.toggle('pending', !f);
  g.querySelector('path').style.stroke = c;
  g.querySelectorAll('polygon').forEach(function(p){ p.style.stroke = c; p.style.fill = c; });
  if (f) { g.dataset.grad = f[1]; g.dataset.size = f[2]; }
  else { delete g.dataset.grad; delete g.dataset.size; }
  label(eid, f && (hot[eid] || all.checked) ? f[1] : null);
}
function go(i){
  i = Math.max(-1, Math.min(N, Number(i)));
  var old = cur, oldHot = hot, changed = {};
  cur = i;
  hot = {};
  root.querySelectorAll('.hl,.hl-in,.hl-out').forEach(function(e){
    e.classList.remove('hl', 'hl-in', 'hl-out'); });
  var key = '', li = null;
  if (i >= 0 && i < N) {
    key = STEPS[i][0];
    if (nodes[key]) nodes[key].classList.add('hl');
    (into[key] || []).forEach(function(e){ hot[e] = 1; if (edges[e]) edges[e].classList.add('hl-in'); });
    (outof[key] || []).forEach(function(e){ hot[e] = 1; if (edges[e]) edges[e].classList.add('hl-out'); });
    li = q('#s' + i);
    if (li) {
      root.querySelectorAll('.steps details[open]').forEach(function(d){ d.open = false; });
      li.classList.add('hl');
      var pre = li.querySelector('pre');
      if (pre && !pre.textContent) pre.textContent = DETAILS[i];
      li.querySelector('details').open = true;
      li.scrollIntoView({block: 'nearest'});
    }
    if (nodes[key]) nodes[key].scrollIntoView({block: 'nearest', inline: 'nearest'});
  }
  for (var k = Math.max(Math.min(old, i) + 1, 0); k <= Math.min(Math.max(old, i), N - 1); k++)
    STEPS[k][1].forEach(function(e){ changed[e] = 1; });
  Object.keys(oldHot).concat(Object.keys(hot)).forEach(function(e){ changed[e] = 1; });
  Object.keys(changed).forEach(paint);
  q('.pos').textContent = i < 0 ? 'before the backward: no gradient yet'
    : i >= N ? 'all ' + N + ' steps done'
    : 'step ' + i + ' of ' + N + ': ' + li.querySelector('summary').textContent.replace(/^\[\d+\] /, '');
  [root].concat(page ? [document.body] : []).forEach(function(el){
    el.dataset.step = String(i); el.dataset.selected = nodes[key] ? key : ''; });
  if (page && history.replaceState && location.hash !== '#step=' + i)
    history.replaceState(null, '', '#step=' + i);
}
var timer = null;
function play(){
  var b = q('.play');
  if (timer) { clearInterval(timer); timer = null; b.textContent = 'play'; return; }
  if (cur >= N) go(-1);
  b.textContent = 'pause';
  timer = setInterval(function(){ if (cur >= N) play(); else go(cur + 1); }, 700);
}
q('.first').onclick = function(){ go(-1); };
q('.prev').onclick = function(){ go(cur - 1); };
q('.next').onclick = function(){ go(cur + 1); };
q('.last').onclick = function(){ go(N); };
q('.play').onclick = play;
all.onchange = function(){ Object.keys(FLOWS).forEach(paint); };
(page ? document : root).addEventListener('keydown', function(ev){
  if (ev.target && ev.target.tagName === 'INPUT' && ev.target.type !== 'checkbox') return;
  var to = {ArrowRight: cur + 1, ArrowLeft: cur - 1, Home: -1, End: N}[ev.key];
  if (to === undefined) return;
  ev.preventDefault();
  go(to);
});
root.querySelector('.steps').addEventListener('click', function(ev){
  var li = ev.target.closest && ev.target.closest('li[data-index]');
  if (li) { ev.preventDefault(); go(li.dataset.index); }
});
var texts = null, found = [], at = -1, box = q('.search');
box.addEventListener('input', function(){
  if (!texts) {
    texts = {};
    Object.keys(nodes).forEach(function(id){
      texts[id] = Array.prototype.map.call(nodes[id].querySelectorAll('text'),
        function(t){ return t.textContent; }).join(' ').toLowerCase(); });
  }
  var s = box.value.trim().toLowerCase();
  found = [];
  at = -1;
  Object.keys(nodes).forEach(function(id){
    var hit = s !== '' && texts[id].indexOf(s) >= 0;
    nodes[id].classList.toggle('match', hit);
    nodes[id].classList.remove('found');
    if (hit) found.push(id);
  });
  q('.found-count').textContent = s === '' ? '' : found.length + ' found' +
    (found.length ? ' (Enter: next)' : '');
  root.dataset.found = String(found.length);
});
box.addEventListener('keydown', function(ev){
  if (ev.key !== 'Enter' || !found.length) return;
  if (at >= 0) nodes[found[at]].classList.remove('found');
  at = (at + 1) % found.length;
  var id = found[at], g = nodes[id];
  g.classList.add('found');
  g.scrollIntoView({block: 'center', inline: 'center'});
  if (stepsOf[id]) go(stepsOf[id][0]);
  root.dataset.foundAt = id;
});
Object.keys(FLOWS).forEach(function(e){ if (edges[e]) edges[e].classList.add('pending'); });
var m = page && /step=(-?\d+)/.exec(location.hash);
go(m ? m[1] : N);
if (page) window.addEventListener('hashchange', function(){
  var h = /step=(-?\d+)/.exec(location.hash); if (h && Number(h[1]) !== cur) go(h[1]); });
root.dataset.readyMs = String(Math.round(performance.now()));
root.dataset.scriptMs = String(Math.round(performance.now() - T0));
root.dataset.ready = '1';
if (page) { document.body.dataset.ready = '1'; document.body.dataset.readyMs = root.dataset.readyMs; }
})(document.getElementById(__ROOT_ID__), __PAGE__);
"""

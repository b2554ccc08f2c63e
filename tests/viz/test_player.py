"""The page's player in headless Chromium: buttons and keys step through the backward, the
current node and its edges light up, edges carry the gradients torch computes, coloured
by size; the search box finds nodes; nothing is fetched. With dot's layout and dyngrad's."""
import math
import re
import time

import pytest

import dyngrad
from dyngrad.viz import render, trace

from ._browser import Browser, chromium

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(chromium() is None, reason="headless Chromium is not installed "
                                "(Debian: apt-get install chromium)")
LAYOUTS = ["dot", "dyngrad"]


def tutorial(lib):
    w = lib.tensor([1.], requires_grad=True)
    x = lib.tensor([2.], requires_grad=True)
    a = lib.add(w, x)
    b = lib.add(w, 1)
    return lib.mul(a, b), {"w": w, "x": x}, (a, b)


def page_of(build, tmp_path, layout, name="page.html"):
    y, params, _ = build(dyngrad)
    with trace(params=params) as t:
        y.backward()
    path = tmp_path / name
    t.to_html(str(path), layout=layout)
    return path, t


def state(b):
    return b.eval("""(function(){
      var r = document.querySelector('.dyngrad-trace'), q = function(s){
        return Array.prototype.map.call(r.querySelectorAll(s), function(e){ return e.id; }); };
      return {step: r.dataset.step, selected: r.dataset.selected, body: document.body.dataset.step,
              hl: q('.node.hl'), hlin: q('.edge.hl-in'), hlout: q('.edge.hl-out'),
              pending: q('.edge.pending'),
              grads: Array.prototype.map.call(r.querySelectorAll('g.edge[data-grad]'),
                function(e){ return [e.id, e.dataset.grad, e.dataset.size,
                                     e.querySelector('path').style.stroke]; }),
              labels: Array.prototype.filter.call(r.querySelectorAll('text.grad'),
                function(t){ return t.style.display !== 'none'; }).length,
              error: document.body.dataset.error || null};
    })()""")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_buttons_and_keys_step_through_the_backward(tmp_path, layout):
    if layout == "dot" and render.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    path, t = page_of(tutorial, tmp_path, layout)
    page = path.read_text()
    steps = re.findall(r'<li id="s(\d+)" data-index="\d+" data-node="(n\d+)">', page)
    # the oracle: torch's gradients of the same program, at each tensor the edges lead to
    y, _, (a, b) = tutorial(torch)
    for v in (a, b):
        v.retain_grad()
    y.backward()
    expected = sorted(float(g) for g in [a.grad, b.grad, a.grad, a.grad, b.grad,
                                         a.grad + b.grad, a.grad])
    with Browser() as br:
        br.open(path.as_uri())
        s = state(br)
        assert s["error"] is None and s["step"] == "5" and s["hl"] == [] and s["pending"] == []
        assert sorted(float(g.strip("[]")) for _, g, _, _ in s["grads"]) == expected
        for _, g, size, colour in s["grads"]:
            assert float(size) == round(math.log10(float(g.strip("[]"))), 2) and colour
        assert s["labels"] == 7  # small graph: every value written on its edge
        br.click(".first")
        s = state(br)
        assert s["step"] == s["body"] == "-1" and len(s["pending"]) == 7 and s["grads"] == []
        seen = 0
        for i, (index, node) in enumerate(steps):
            br.click(".next") if i % 2 else br.key("ArrowRight")
            s = state(br)
            assert s["step"] == index and s["selected"] == node and s["hl"] == [node]
            assert 7 - len(s["pending"]) >= seen  # gradients only ever arrive
            seen = 7 - len(s["pending"])
            sent = [e for e in t[i].edges if e.target is not None] if t[i].variable is None \
                else [t[i].variable]  # AccumulateGrad: into .grad, along leaf -> node
            assert len(s["hlout"]) == len(sent)
            senders = [a for a in t[i].arrivals if a.source is not None]  # not the root's
            assert len(s["hlin"]) == len(senders)
        assert seen == 7
        br.key("ArrowLeft")
        assert state(br)["step"] == str(len(steps) - 2)
        br.key("End")
        assert state(br)["step"] == "5"
        br.click(".search")
        br.type("Accumulate")
        assert br.eval("document.querySelector('.dyngrad-trace').dataset.found") == "2"
        br.key("Enter")
        s = state(br)
        assert s["selected"] == br.eval(
            "document.querySelector('.dyngrad-trace').dataset.foundAt")
        assert "AccumulateGrad" in page.split(f'data-node="{s["selected"]}"')[1][:80]
        assert br.requests == [path.as_uri()]  # nothing fetched: everything is inline


def vanishing_and_exploding(lib):
    w = lib.tensor([1., 2.], requires_grad=True)
    v = lib.tensor([3., 4.], requires_grad=True)
    return (w * 1e-7).sum() + (v * 1e5).sum(), {"w": w, "v": v}, ()


def test_vanishing_and_exploding_gradients_stand_out(tmp_path):
    path, _ = page_of(vanishing_and_exploding, tmp_path, "dyngrad")
    with Browser() as br:
        br.open(path.as_uri())
        grads = {g: re.findall(r"\d+", c) for _, g, _, c in state(br)["grads"]}
    tiny, huge = grads["[1.e-07, 1.e-07]"], grads["[100000., 100000.]"]
    assert int(tiny[2]) > int(tiny[0])  # blue
    assert int(huge[0]) > int(huge[2])  # red
    ones = grads["[1., 1.]"]
    assert int(ones[1]) > max(int(ones[0]), int(ones[2]))  # green: a healthy size


def wide_model(lib, blocks=625):
    """16 nodes a block (4 matmuls with their weights, a gate, a residual): 10,000 nodes."""
    lib.manual_seed(0)
    h = lib.randn(4, 4)
    params = {}
    for i in range(blocks):
        ws = [(lib.randn(4, 4) * 0.1).requires_grad_() for _ in range(4)]
        params.update({f"w{i}_{k}": p for k, p in enumerate(ws)})
        q, k, v = h @ ws[0], h @ ws[1], h @ ws[2]
        h = h + ((q * k).sigmoid() * v) @ ws[3]
    return h.sum(), params, ()


def test_a_10000_node_graph_draws_in_the_page(tmp_path):
    """Everything is drawn; the times are printed (speed is not asserted in tests)."""
    y, params, _ = wide_model(dyngrad)
    with trace(params=params) as t:
        y.backward()
    start = time.perf_counter()
    page = t.to_html(max_nodes=20_000, layout="dyngrad")
    built = time.perf_counter() - start
    path = tmp_path / "big.html"
    path.write_text(page)
    with Browser() as br:
        start = time.perf_counter()
        br.open(path.as_uri())
        loaded = time.perf_counter() - start
        counts = br.eval("[document.querySelectorAll('g.node').length, "
                         "document.querySelectorAll('g.edge').length, document.body.dataset.readyMs,"
                         " document.body.dataset.error || null]")
        br.key("ArrowLeft")
        assert br.eval("document.body.dataset.step") == str(len(t) - 1)
    nodes = page.count('class="node"')
    assert nodes >= 10_000 and counts[:2] == [nodes, page.count('class="edge"')]
    assert counts[3] is None
    print(f"\n10k-node page: {nodes} nodes, {counts[1]} edges; built in {built:.2f} s, "
          f"{len(page) / 1e6:.1f} MB; Chromium load to ready {loaded:.2f} s "
          f"(script done at {counts[2]} ms)")

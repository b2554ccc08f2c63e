"""dyngrad's own layout: sound on random graphs, and as good as Graphviz's on the seeds."""
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from dyngrad.viz import layout as lay
from dyngrad.viz import render
from dyngrad.viz.dot import NODE_ATTR

from ._svg_read import crossings, overlapping, read_svg

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path("/work/shared/acceptance/seeds")
if not SEEDS.is_dir():  # CI lays shared/ beside the clone
    SEEDS = ROOT.parent / "shared" / "acceptance" / "seeds"
needs_dot = pytest.mark.skipif(render.find_dot() is None,
                               reason="Graphviz's dot is not installed (apt-get install graphviz)")


def random_graph(seed, n, extra, cycles=0):
    rnd = random.Random(seed)
    sizes = [(rnd.choice([54, 80, 130]), rnd.choice([20, 32, 56])) for _ in range(n)]
    edges = [(rnd.randrange(v), v) for v in range(1, n)]
    edges += [tuple(sorted(rnd.sample(range(n), 2))) for _ in range(extra)]
    edges += [(rnd.randrange(n), rnd.randrange(n)) for _ in range(cycles)]  # back, loops
    return sizes, edges


GRAPHS = [random_graph(s, n, e, c) for s, (n, e, c) in enumerate(
    [(2, 0, 0), (8, 4, 0), (30, 20, 0), (60, 60, 3), (120, 40, 5), (40, 10, 2)])]


@pytest.mark.parametrize("sizes, edges", GRAPHS)
def test_boxes_do_not_overlap_and_edges_join_their_ends(sizes, edges):
    got = lay.layout(sizes, edges)
    boxes = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for x, y, w, h in got.boxes]
    assert overlapping(boxes) == []
    assert all(0 <= l and r <= got.width and 0 <= t and b <= got.height
               for l, t, r, b in boxes)
    for (t, h), route in zip(edges, got.routes):
        for end, v in ((route[0], t), (route[-1], h)):
            x, y, w, hh = got.boxes[v]
            assert abs(end[0] - x) <= w / 2 + 1e-9 and abs(end[1] - y) <= hh / 2 + 1e-9
        if t != h and got.ranks[t] < got.ranks[h]:  # a forward edge goes down, layer by layer
            assert len(route) == got.ranks[h] - got.ranks[t] + 1
            assert all(a[1] < b[1] for a, b in zip(route, route[1:]))


@pytest.mark.parametrize("sizes, edges", GRAPHS)
def test_layers_follow_the_edges_except_the_ones_that_close_cycles(sizes, edges):
    got = lay.layout(sizes, edges)
    up, back = lay._acyclic(len(sizes), edges)
    forward = [e for k, e in enumerate(edges) if k not in back and e[0] != e[1]]
    assert all(got.ranks[t] < got.ranks[h] for t, h in forward)
    # what was turned round closes a cycle: its head reaches its tail by forward edges
    succ = {}
    for t, h in forward:
        succ.setdefault(t, []).append(h)
    for k in back:
        t, h = edges[k]
        seen, todo = set(), [h]
        while todo:
            v = todo.pop()
            if v not in seen:
                seen.add(v)
                todo += succ.get(v, [])
        assert t in seen


@pytest.mark.parametrize("sizes, edges", GRAPHS)
def test_crossings_counted_as_by_comparing_every_pair(sizes, edges):
    """The Fenwick-tree count against the definition: two pieces between the same layers
    cross when their ends are in opposite orders (pieces sharing an end do not)."""
    n = len(sizes)
    up, _ = lay._acyclic(n, edges)
    rank = lay._ranks(n, up)
    layers, chains, widths = lay._virtual(n, rank, up, sizes)
    rnd = random.Random(len(edges))
    for layer in layers:
        rnd.shuffle(layer)
    pos = {v: i for layer in layers for i, v in enumerate(layer)}
    layer_of = {v: r for r, layer in enumerate(layers) for v in layer}
    pieces = [(a, b) for c in chains for a, b in zip(c, c[1:]) if a != b]
    assert all(layer_of[b] == layer_of[a] + 1 for a, b in pieces)
    brute = sum(1 for i, (a, b) in enumerate(pieces) for c, d in pieces[i + 1:]
                if layer_of[a] == layer_of[c] and (pos[a] - pos[c]) * (pos[b] - pos[d]) < 0)
    assert lay.crossings(layers, chains) == brute
    assert lay._order(layers, chains, len(widths), lay.SWEEPS)[1] <= brute


def test_isotonic_keeps_the_order_and_is_the_least_squares_fit():
    rnd = random.Random(1)
    for _ in range(50):
        n = rnd.randrange(1, 9)
        want = [rnd.uniform(-50, 50) for _ in range(n)]
        weight = [rnd.choice([0.25, 1.0, 4.0]) for _ in range(n)]
        offsets = [0.0]
        for _ in range(n - 1):
            offsets.append(offsets[-1] + rnd.uniform(5, 30))
        x = lay._isotonic(want, weight, offsets)
        gaps = [b - a for a, b in zip(offsets, offsets[1:])]
        assert all(x[i + 1] - x[i] >= g - 1e-9 for i, g in enumerate(gaps))
        cost = sum(w * (a - d) ** 2 for a, d, w in zip(x, want, weight))
        # no small move of a block of neighbours that stays feasible does better
        for i in range(n):
            for j in range(i, n):
                for step in (-0.5, 0.5):
                    y = [v + step if i <= k <= j else v for k, v in enumerate(x)]
                    if all(y[k + 1] - y[k] >= g - 1e-9 for k, g in enumerate(gaps)):
                        assert sum(w * (a - d) ** 2 for a, d, w in zip(y, want, weight)) \
                            >= cost - 1e-6


@pytest.fixture(scope="module")
def seed_graphs(tmp_path_factory):
    """The graphs the page draws for the seed scripts that run a backward, and for the
    tutorial (one subprocess: torch is bound to dyngrad there)."""
    scripts = sorted(str(p) for p in SEEDS.glob("*.py")) + [str(ROOT / "docs" / "tutorial.py")]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("_seed_graphs.py")),
                           *scripts], capture_output=True, text=True, env=env, timeout=300,
                          cwd=str(tmp_path_factory.mktemp("seeds")))  # whatever they write
    assert done.returncode == 0, done.stderr[-2000:]
    return {k: ([tuple(s) for s in stmts], source)
            for k, (stmts, source) in json.loads(done.stdout).items()}


def measure(svg):
    nodes, edges = read_svg(svg)
    ends = [(t.split("->")[0], t.split("->")[1], pts) for _, t, pts in edges]
    return nodes, edges, crossings(ends)


@needs_dot
@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed scripts are not here")
def test_seed_graphs_drawn_by_both_layouts(seed_graphs):
    """Same nodes and edges in both drawings; no boxes overlap in either; dyngrad's
    drawing crosses edges at most 10% (and at least 1) more than dot's on each graph,
    and no more than dot's over all of them."""
    assert "tutorial.py" in seed_graphs and len(seed_graphs) >= 20
    totals = {"dot": 0, "dyngrad": 0}
    for name, (stmts, source) in seed_graphs.items():
        drawn = {}
        for layout in totals:
            nodes, edges, crossed = measure(render.to_svg(source, stmts, NODE_ATTR, layout))
            drawn[layout] = (nodes, edges, crossed)
            assert overlapping([box for _, box in nodes.values()]) == [], (name, layout)
            totals[layout] += crossed
        (n1, e1, c1), (n2, e2, c2) = drawn["dot"], drawn["dyngrad"]
        assert {k: t for k, (t, _) in n1.items()} == {k: t for k, (t, _) in n2.items()}, name
        assert sorted((k, t) for k, t, _ in e1) == sorted((k, t) for k, t, _ in e2), name
        assert c2 <= c1 + max(1, c1 // 10), (name, c1, c2)
    assert totals["dyngrad"] <= totals["dot"], totals


def test_page_draws_without_dot_on_path(monkeypatch):
    import dyngrad
    from dyngrad.viz import trace
    monkeypatch.setattr(render, "find_dot", lambda: None)
    w = dyngrad.tensor([1.], requires_grad=True)
    with trace(params={"w": w}) as t:
        (w * w).sin().sum().backward()
    page = t.to_html()
    nodes, edges = read_svg(page[page.index("<svg"):page.index("</svg>") + 6])
    assert sorted(title for title, _ in nodes.values()).count(str(id(w))) == 1
    assert len(nodes) == 5 and len(edges) == 5 and "laid out by dyngrad" in page
    with pytest.raises(render.GraphvizNotFound, match="apt-get install graphviz"):
        t.to_html(layout="dot")

"""A model's graph grouped by module: clusters that match named_modules, depth=, repeated
blocks, and nothing left installed after recording."""
import re

import pytest

import dyngrad
from dyngrad import nn
from dyngrad.autograd.graph import AccumulateGrad
from dyngrad.nn.modules import module as nn_module
from dyngrad.viz import make_dot, record_modules, render
from dyngrad.viz.dot import draw

from ._svg_read import read_svg


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.act = nn.Tanh()

    def forward(self, x):
        return x + self.act(self.lin(x))


class Net(nn.Module):
    def __init__(self, blocks=3):
        super().__init__()
        self.inp = nn.Linear(3, 4)
        self.layers = nn.ModuleList([Block() for _ in range(blocks)])
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        h = self.inp(x)
        for b in self.layers:
            h = b(h)
        return self.out(h).sum()


def run(recorded=True):
    dyngrad.manual_seed(0)
    model = Net()
    x = dyngrad.randn(2, 3)
    if recorded:
        with record_modules():
            y = model(x)
    else:
        y = model(x)
    return model, y


# what each kind of module's forward makes, in dyngrad as in torch
MADE = {"Linear": ["AccumulateGrad", "AccumulateGrad", "AddmmBackward0", "TBackward0"],
        "Tanh": ["TanhBackward0"], "Block": ["AddBackward0"], "ModuleList": [], "Net": []}


def test_clusters_are_the_modules_and_hold_what_each_made():
    model, y = run()
    canvas = draw(y, dict(model.named_parameters()), model=model)
    names = {name: type(m).__name__ for name, m in model.named_modules() if name}
    assert [p for p, _, _ in canvas.clusters] == sorted(names, key=lambda p: (p.count("."), p))
    params = dict(model.named_parameters())
    for path, label, keys in canvas.clusters:
        kind = names[path]
        assert label == f"{path}: {kind}"
        objs = [canvas.keep[k] for k in keys]
        fns = sorted(type(o).__name__ for o in objs if not isinstance(o, dyngrad.Tensor))
        assert fns == MADE[kind], path
        held = {id(p) for n, p in params.items() if n.rpartition(".")[0] == path}
        assert {id(o) for o in objs if isinstance(o, dyngrad.Tensor)} == held, path
        assert {id(o.variable) for o in objs if isinstance(o, AccumulateGrad)} == held, path
    # the model's own ops and the output stay outside every cluster
    inside = {k for _, _, keys in canvas.clusters for k in keys}
    outside = [type(canvas.keep[k]).__name__ for k in canvas.kinds if k not in inside]
    assert sorted(outside) == ["SumBackward0", "Tensor"]


def test_without_a_record_only_parameters_are_grouped():
    model, y = run(recorded=False)
    canvas = draw(y, dict(model.named_parameters()), model=model)
    for path, _, keys in canvas.clusters:
        assert all(isinstance(canvas.keep[k], (AccumulateGrad, dyngrad.Tensor)) for k in keys)
    assert len([p for p, _, keys in canvas.clusters if keys]) == 5  # the five Linears


def labels(dot):
    return re.findall(r'label="([^"]*)" fillcolor=lightcyan', dot.source)


def test_depth_draws_modules_as_nodes_and_repeated_blocks_once():
    model, y = run()
    clusters = draw(y, model=model).clusters
    count = {p: sum(len(k) for q, _, k in clusters if q == p or q.startswith(p + "."))
             for p, _, _ in clusters}
    assert sorted(labels(make_dot(y, model=model, depth=1))) == sorted([
        f"inp: Linear\n({count['inp']:,} nodes)", f"layers: ModuleList\n({count['layers']:,} nodes)",
        f"out: Linear\n({count['out']:,} nodes)"])
    blocks = sum(count[f"layers.{i}"] for i in range(3))
    assert sorted(labels(make_dot(y, model=model, depth=2))) == sorted([
        f"inp: Linear\n({count['inp']:,} nodes)", f"out: Linear\n({count['out']:,} nodes)",
        f"layers.0 ... layers.2: Block x3\n({blocks:,} nodes)"])
    # deeper, a block is drawn in parts: its own op and its modules, not merged with others
    deep = labels(make_dot(y, model=model, depth=3))
    assert sorted(s.split("\n")[0] for s in deep if s.startswith("layers")) == sorted(
        [f"layers.{i}: Block" for i in range(3)] + [f"layers.{i}.{m}" for i in range(3)
                                                     for m in ("act: Tanh", "lin: Linear")])
    with pytest.raises(ValueError, match="depth= needs model="):
        make_dot(y, depth=1)


@pytest.mark.parametrize("layout", ["dot", "dyngrad"])
def test_clusters_drawn_by_both_layouts(layout):
    if layout == "dot" and render.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    model, y = run()
    g = make_dot(y, params=dict(model.named_parameters()), model=model)
    svg = g.svg(layout)
    assert svg.count('class="cluster"') == len(dict(model.named_modules())) - 1
    nodes, edges = read_svg(svg)
    assert len(nodes) == len(draw(y, model=model).merged()[0])


def test_recording_leaves_no_hook_behind():
    run()
    assert not nn_module._global_forward_hooks and not nn_module._global_forward_pre_hooks


@pytest.mark.parametrize("layout", ["dot", "dyngrad"])
def test_max_nodes_collapses_inside_clusters(layout):
    if layout == "dot" and render.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    model = nn.Sequential(*[nn.Linear(2, 2) for _ in range(60)])
    with record_modules():
        y = model(dyngrad.randn(1, 2)).sum()
    g = make_dot(y, model=model, max_nodes=50)
    nodes, _ = read_svg(g.svg(layout))
    assert len(nodes) <= 50 and "max_nodes=50: " in g.source

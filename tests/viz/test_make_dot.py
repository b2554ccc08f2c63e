"""make_dot draws what torchviz draws for the same program, and more."""
import re
import sys
import warnings

import pytest

import dyngrad
from dyngrad import viz
from dyngrad.viz import dot as viz_dot

from ._dot import parse, same_drawing

torch = pytest.importorskip("torch")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # torchviz imports distutils
    torchviz = pytest.importorskip("torchviz")


def tutorial(torch):
    w = torch.tensor([1.], requires_grad=True)
    x = torch.tensor([2.], requires_grad=True)
    a = torch.add(w, x)
    b = torch.add(w, 1)
    return torch.mul(a, b), {"w": w, "x": x}


def saved(torch):
    w = torch.tensor([1.], requires_grad=True)
    return (w * 3).pow(2).sum(), {"w": w}


def broadcast_reuse(torch):
    torch.manual_seed(0)
    x = torch.randn(2, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    h = x * b
    return (h + h.exp() / b).sum(), {"x": x, "b": b}


def matmul_relu(torch):
    torch.manual_seed(0)
    w = torch.randn(3, 2, requires_grad=True)
    x = torch.randn(4, 3)
    return torch.mm(x, w).relu().mean(), {"w": w}


def view_of_intermediate(torch):
    x = torch.ones(3, 4, requires_grad=True)
    y = x * 2
    return y.t(), {"x": x}


def view_of_leaf(torch):
    x = torch.ones(3, 4, requires_grad=True)
    return x[0], {"x": x}


def several_outputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x.sin()
    return (h * 2, h.cos(), h), {"x": x}


def split_outputs(torch):
    x = torch.arange(6.).requires_grad_()
    a, b = x.split(3)
    return (a * b).sum(), {"x": x}


def unnamed_and_output_param(torch):
    x = torch.tensor([3.], requires_grad=True)
    y = x.exp()
    return y, {"y": y}


CASES = [tutorial, saved, broadcast_reuse, matmul_relu, view_of_intermediate, view_of_leaf,
         several_outputs, split_outputs, unnamed_and_output_param]
OPTIONS = [dict(), dict(show_saved=True), dict(show_attrs=True, show_saved=True)]
# Where dyngrad's op table saves differently from torch (reported; see
# test_known_attr_differences): these cases may differ, and pass once the table agrees.
KNOWN = {("tutorial", "show_attrs"), ("matmul_relu", "show_attrs")}


def both(case, **kw):
    var, params = case(torch)
    theirs = torchviz.make_dot(var, params=params, **kw).source
    var, params = case(dyngrad)
    ours = viz.make_dot(var, params=params, **kw).source
    return theirs, ours


@pytest.mark.parametrize("kw", OPTIONS, ids=lambda kw: "+".join(kw) or "plain")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_same_drawing_as_torchviz(case, kw):
    theirs, ours = both(case, **kw)
    try:
        same_drawing(theirs, ours)
    except AssertionError:
        if any((case.__name__, k) in KNOWN for k in kw):
            pytest.xfail("the op table saves differently from torch here")
        raise


def test_known_attr_differences():
    """Where the op table saves differently from torch (reported to the op table's owner):
    torch saves non-tensor arguments whatever the requires-grad mask (AddBackward0 of
    ``w + 1`` shows ``alpha: 1``)."""
    theirs, ours = both(tutorial, show_attrs=True)
    assert "alpha: 1" in theirs.split("AddBackward0")[-1]
    assert "alpha: None" in ours


def test_labels_and_colours_of_the_tutorial():
    var, params = tutorial(dyngrad)
    nodes, edges = parse(viz.dot_source(var, params=params))
    labels = sorted((a["label"], a.get("fillcolor", "")) for a in nodes.values())
    assert labels == [("\n (1)", "darkolivegreen1"), ("AccumulateGrad", ""),
                      ("AccumulateGrad", ""), ("AddBackward0", ""), ("AddBackward0", ""),
                      ("MulBackward0", ""), ("w\n (1)", "lightblue"), ("x\n (1)", "lightblue")]
    assert len(edges) == 8


def test_statements_in_torchviz_order():
    """Not only the same graph: the same DOT, ids aside (NOTE [Statement order follows torchviz])."""
    theirs, ours = both(saved, show_attrs=True, show_saved=True)
    strip = lambda s: re.sub(r"\d{6,}", "ID", s)  # noqa: E731
    assert strip(theirs) == strip(ours)


def test_returns_digraph_or_dot_source(monkeypatch):
    graphviz = pytest.importorskip("graphviz")
    var, params = tutorial(dyngrad)
    assert isinstance(viz.make_dot(var, params), graphviz.Digraph)
    monkeypatch.setitem(sys.modules, "graphviz", None)  # as if not installed
    d = viz.make_dot(var, params)
    assert isinstance(d, viz.DotSource)
    assert d.source == viz.dot_source(var, params)
    assert "MulBackward0" in str(d)


def test_values_and_grads_on_leaves_and_retained():
    w = dyngrad.tensor([1.], requires_grad=True)
    h = w * 3
    h.retain_grad()
    y = (h * h).sum()
    before = viz.dot_source(y, {"w": w}, show_values=True, show_grads=True)
    assert "value [1.]" in before and "grad None (no backward yet)" in before
    y.backward()
    after = viz.dot_source(y, {"w": w}, show_values=True, show_grads=True)
    assert "w\n (1)\nvalue [1.]\ngrad [18.]" in after
    assert "MulBackward0\ngrad of output 0 [6.]" in after
    big = dyngrad.ones(100, 100, requires_grad=True)
    text = viz.dot_source(big.sum(), show_values=True)
    assert "(100, 100) min 1 max 1 mean 1" in text


def test_saved_tensors_held_then_freed():
    x = dyngrad.tensor([2.], requires_grad=True)
    y = (x * x).sum()
    held = parse(viz.dot_source(y, show_saved=True))[0]
    assert sum(a.get("fillcolor") == "orange" for a in held.values()) == 0  # x is the leaf
    z = (x * 2).sin().sum()
    held = parse(viz.dot_source(z, show_saved=True))[0]
    assert any(a["label"] == "self\n (1)" and a.get("fillcolor") == "orange"
               for a in held.values())
    z.backward()
    freed = parse(viz.dot_source(z, show_saved=True, show_attrs=True))[0]
    assert any(a["label"] == "self\n (freed)" and a.get("style") == "dashed"
               for a in freed.values())
    assert any("self: [freed]" in a["label"] for a in freed.values())


def chain(n):
    x = dyngrad.tensor([1.], requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


def test_100000_nodes_draw_without_recursion_error():
    x, y = chain(100_000)
    text = viz.dot_source(y, {"x": x})
    nodes, edges = parse(text)
    assert len(nodes) == 100_003 and len(edges) == 100_002


def test_max_nodes_collapses_a_long_chain_with_a_note():
    x, y = chain(10_000)
    nodes, edges = parse(viz.dot_source(y, {"x": x}, max_nodes=50))
    assert len(nodes) <= 50
    labels = [a.get("label", "") for a in nodes.values()]
    assert any("9,998 nodes collapsed" in s and "MulBackward0 x9,998" in s for s in labels)
    assert any(s.startswith("max_nodes=50: 1 chain(s) collapsed") for s in labels)
    assert "x\n (1)" in labels  # the ends stay: leaf and output


def test_max_nodes_truncates_what_is_not_a_chain():
    xs = [dyngrad.tensor([float(i)], requires_grad=True) for i in range(40)]
    y = sum(x * 2 for x in xs)
    nodes, _ = parse(viz.dot_source(y, max_nodes=20))
    assert len(nodes) <= 21
    assert any("more nodes not drawn" in a.get("label", "") for a in nodes.values())


@pytest.mark.parametrize("bad, err, words", [
    (3, TypeError, "Tensor or a tuple of Tensors, got int"),
    ((dyngrad.ones(1, requires_grad=True), "y"), TypeError, "tuple holding str"),
    (dyngrad.ones(2), ValueError, "has no autograd graph"),
])
def test_bad_input_says_what_is_wrong(bad, err, words):
    with pytest.raises(err, match=re.escape(words)):
        viz.make_dot(bad)


def test_bad_params_say_which():
    w = dyngrad.ones(1, requires_grad=True)
    with pytest.raises(TypeError, match=r"params\['w'\] is a list, not a Tensor"):
        viz.make_dot(w * 2, params={"w": [1.0]})


@pytest.mark.parametrize("graphviz_package", [True, False], ids=["Digraph", "DotSource"])
def test_without_dot_svg_is_laid_out_by_dyngrad_and_png_names_what_to_install(
        monkeypatch, tmp_path, graphviz_package):
    monkeypatch.setenv("PATH", "/nonexistent")
    if not graphviz_package:
        monkeypatch.setitem(sys.modules, "graphviz", None)
    w = dyngrad.ones(1, requires_grad=True)
    d = viz.make_dot(w * 2, params={"w": w})
    svg = d.pipe("svg", encoding="utf-8")
    assert svg.startswith("<svg") and "MulBackward0" in svg and ">w</text>" in svg
    assert d._repr_mimebundle_()["image/svg+xml"] == svg  # Jupyter shows the drawing
    out = d.render(str(tmp_path / "g"), format="svg")
    assert open(out).read() == svg and open(tmp_path / "g").read() == d.source
    with pytest.raises(Exception, match="(apt-get install graphviz|Graphviz executables)"):
        d.pipe("png")


@pytest.mark.skipif(viz.render.find_dot() is None, reason="Graphviz's dot is not installed")
def test_renders_svg_with_dot():
    w = dyngrad.ones(1, requires_grad=True)
    svg = viz_dot.draw(w * 2).emit(use_graphviz=False).pipe("svg", encoding="utf-8")
    assert "<svg" in svg and "MulBackward0" in svg

"""In a real Jupyter kernel, drawings, traces and (with the extension) tensors show inline,
with Graphviz's dot and without it."""
import re
from pathlib import Path

import pytest

from dyngrad.viz import render

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

SRC = str(Path(__file__).resolve().parents[2] / "src")

SETUP = """import sys
sys.path.insert(0, SRC)
import dyngrad as torch
from dyngrad.viz import make_dot, trace, render
w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
y = torch.mul(torch.add(w, x), torch.add(w, 1))"""
SHOW = [
    'make_dot(y, params={"w": w, "x": x})',
    "with trace(params={'w': w, 'x': x}) as t:\n    y.backward(retain_graph=True)\nt",
    "y",
    "%load_ext dyngrad.viz\ny",
    "w.detach()",
    "%unload_ext dyngrad.viz",
]
NO_DOT = "render.find_dot = lambda: None  # as on a machine without Graphviz"


@pytest.fixture(scope="module")
def outputs():
    """The displayed outputs of each cell, shown with dot and again without (one kernel)."""
    nb = nbformat.v4.new_notebook()
    cells = [f"SRC = {SRC!r}\n" + SETUP] + SHOW + [NO_DOT] + SHOW
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    shown = [[o for o in c.outputs if o["output_type"] in ("execute_result", "display_data")]
             for c in nb.cells]
    n = len(SHOW)
    return {False: shown[1:1 + n], True: shown[2 + n:]}


@pytest.mark.parametrize("no_dot", [False, True], ids=["with-dot", "without-dot"])
def test_notebook_shows_graphs_inline(outputs, no_dot):
    if not no_dot and render.find_dot() is None:
        pytest.skip("Graphviz's dot is not installed")
    dot, tr, plain, ext, leaf, _ = outputs[no_dot]
    svg = dot[0]["data"]["image/svg+xml"]
    assert svg.count('class="node"') == 8 and svg.count('class="edge"') == 8
    assert "MulBackward0" in svg and ">w</text>" in svg
    page = tr[0]["data"]["text/html"]
    assert page.startswith('<div class="dyngrad-trace-output">')
    assert page.count('<li id="s') == 5 and page.count("<svg") == 1
    assert ("laid out by dyngrad" in page) == no_dot
    assert tr[0]["data"]["text/plain"] == "<Trace: 5 steps in 1 run(s)>"
    # a tensor keeps torch's repr; with the extension its graph is drawn below it
    assert plain[0]["data"] == {"text/plain": "tensor([6.], grad_fn=<MulBackward0>)"}
    html = ext[0]["data"]["text/html"]
    assert html.startswith("<div class=\"dyngrad-tensor\"><pre>tensor([6.], "
                           "grad_fn=&lt;MulBackward0&gt;)</pre><svg")
    assert len(re.findall(r'class="node"', html)) == 8
    assert ext[0]["data"]["text/plain"] == "tensor([6.], grad_fn=<MulBackward0>)"
    assert leaf[0]["data"] == {"text/plain": "tensor([1.])"}  # no graph: plain text only

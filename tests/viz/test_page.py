"""python -m dyngrad.viz writes one self-contained page; headless Chromium shows it working."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dyngrad.viz import render

ROOT = Path(__file__).resolve().parents[2]
SRC = str(ROOT / "src")
TUTORIAL = (ROOT / "docs" / "tutorial.py").read_text()  # the page the README shows
needs_dot = pytest.mark.skipif(render.find_dot() is None,
                               reason="Graphviz's dot is not installed (apt-get install graphviz)")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def write_page(tmp_path, script=TUTORIAL, extra=()):
    src = tmp_path / "tutorial.py"
    src.write_text(script)
    out = tmp_path / "trace.html"
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-m", "dyngrad.viz", str(src), "-o", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=120)
    return done, out


@needs_dot
def test_cli_writes_one_self_contained_page(tmp_path):
    done, out = write_page(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "tensor([5.]) tensor([2.])" in done.stdout  # the script ran, on dyngrad
    page = out.read_text()
    assert page.count("<svg") == 1 and page.count('<li id="s') == 5
    assert "<script src" not in page and "<link" not in page
    assert re.findall(r"(?:src|href)=\"(?:https?:)?//", page) == []
    assert "into .grad of w" in page and "grad * conj(other)" in page


def test_cli_without_dot_draws_with_dyngrads_layout(tmp_path):
    env_path = os.environ["PATH"]
    os.environ["PATH"] = str(tmp_path)  # python is run by full path; dot is not found
    try:
        done, out = write_page(tmp_path)
    finally:
        os.environ["PATH"] = env_path
    assert done.returncode == 0, done.stderr
    assert "drawn by dyngrad's layout (Graphviz's dot was not found on PATH)" in done.stderr
    page = out.read_text()
    assert page.count("<svg") == 1 and page.count('class="node"') == 7
    assert page.count('class="edge"') == 7 and "laid out by dyngrad" in page


def test_cli_script_without_backward_says_so(tmp_path):
    done, _ = write_page(tmp_path, script="import torch\nprint(torch.ones(2) * 2)\n")
    assert done.returncode == 1 and "ran no backward pass" in done.stderr


def test_cli_script_that_fails_still_writes_what_was_recorded(tmp_path):
    done, out = write_page(tmp_path, script=TUTORIAL + "raise ValueError('boom')\n")
    assert done.returncode == 1
    assert "ValueError: boom" in done.stderr and "the 5 step(s) recorded before" in done.stderr
    assert out.read_text().count('<li id="s') == 5


def test_cli_names_leaves_from_globals_and_passes_arguments(tmp_path):
    script = ("import sys, torch\nweight = torch.ones(2, requires_grad=True)\n"
              "print(sys.argv[1:])\n(weight * 2).sum().backward()\n")
    done, out = write_page(tmp_path, script, ("--dot", str(tmp_path / "g.dot"), "--",
                                              "--lr", "1"))
    assert done.returncode == 0, done.stderr
    assert "['--lr', '1']" in done.stdout
    assert "weight" in (tmp_path / "g.dot").read_text()
    assert "into .grad of weight" in out.read_text()


def dump_dom(browser, url, tmp_path):
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@needs_dot
@pytest.mark.skipif(chromium() is None,
                    reason="headless Chromium is not installed (Debian: apt-get install chromium)")
def test_page_in_headless_chromium_highlights_the_chosen_step(tmp_path):
    done, out = write_page(tmp_path)
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    items = re.findall(r'<li id="s(\d+)" data-index="\d+" data-node="(n\d+)"><details><summary>'
                       r'([^<]*)</summary>', page)
    step, node, summary = items[1]
    assert summary.startswith("[1] AddBackward0")
    dom = dump_dom(chromium(), out.as_uri() + f"#step={step}", tmp_path)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-ready="1"' in body and "data-error" not in body
    assert f'data-step="{step}"' in body and f'data-selected="{node}"' in body
    assert re.findall(r'<g id="(n\d+)" class="node hl">', dom) == [node]
    assert len(re.findall(r'class="node"', dom)) == 6  # the 6 other nodes drawn, not chosen
    assert dom.count('class="edge hl-in"') == 1    # its gradient came from MulBackward0
    assert dom.count('class="edge hl-out"') >= 1   # and went on to its inputs
    assert re.search(rf'<li id="s{step}"[^>]*class="hl"', dom)
    assert dom.count("<svg") == 1 and dom.count("<li id=") == 5


CNN = """import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(4 * 3 * 3, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(8, 1, 8, 8)
y = torch.randint(0, 3, (8,))
for step in range(4):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
"""


def graph_nodes(fn):
    """The nodes a backward from ``fn`` runs (torch's graph, walked by next_functions)."""
    seen, todo = {}, [fn]
    while todo:
        f = todo.pop()
        if f is not None and id(f) not in seen:
            seen[id(f)] = f
            todo += [n for n, _ in f.next_functions]
    return list(seen.values())


def test_cli_step_traces_one_backward_of_a_training_loop(tmp_path):
    torch = pytest.importorskip("torch")
    done, out = write_page(tmp_path, CNN, ("--step", "2"))
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    # the oracle: torch's graph of the same loss has one engine step per node
    namespace = {}
    exec(CNN.replace("range(4)", "range(2)"), {"torch": torch, "__name__": "cnn"}, namespace)
    nodes = graph_nodes(namespace["loss"].grad_fn)
    names = sorted(type(n).__name__ for n in nodes)
    steps = re.findall(r'<li id="s\d+" data-index="\d+" data-node="n\d+"><details><summary>'
                       r'\[\d+\] (\w+)', page)
    assert sorted(steps) == names and len(steps) == 12
    assert "backward pass 2 of 4 of" in page and "12 step(s) of backward pass 2 (of 4)" in page
    assert page.count('class="cluster"') == 5  # one per module of the Sequential
    assert "model.0.weight" in page and "min " in page and " norm " in page
    done, _ = write_page(tmp_path, TUTORIAL, ("--step", "2"))
    assert done.returncode == 1 and "ran 1 backward pass(es), so there is no pass 2" in done.stderr

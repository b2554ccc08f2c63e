"""``python -m dyngrad.viz script.py [-o trace.html] [--step N] [--dot graph.dot] [-- args...]``

Runs a script written for torch with ``torch`` bound to dyngrad (as ``dyngrad.run`` does),
traces its backward passes, and writes one self-contained HTML page: the graph as SVG
beside the steps, with a player to step through the backward. Leaves are named after
the script's global variables; the graph is grouped by the modules of the script's
biggest ``nn.Module``. The graph is laid out by Graphviz's ``dot`` when it is on
PATH, else by dyngrad itself (``--layout`` chooses).
"""
import argparse
import runpy
import sys
import traceback

from .. import run as _run
from ..tensor import Tensor
from . import render
from ..nn import Module
from .modules import record_modules
from .trace import Trace


def _names(namespace):
    """Name leaves after the script's globals (``w``, ``x``) and its modules' parameters."""
    names = {}
    for k, v in namespace.items():
        if k.startswith("_"):
            continue
        if isinstance(v, Tensor) and v._requires_grad and v.grad_fn is None:
            names[k] = v
        named = getattr(v, "named_parameters", None)
        if callable(named) and not isinstance(v, type):
            try:
                for pk, pv in named():
                    names.setdefault(f"{k}.{pk}", pv)
            except Exception:  # a user object with its own named_parameters: names only
                pass
    return names


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m dyngrad.viz",
                                description="Trace the backward passes of a torch script "
                                            "run on dyngrad, as one HTML page.")
    p.add_argument("script")
    p.add_argument("-o", "--output", default="trace.html", help="the HTML page to write")
    p.add_argument("--dot", help="also write the graph's DOT text to this file")
    p.add_argument("--max-steps", type=int, default=2000,
                   help="record at most this many steps (default 2000)")
    p.add_argument("--max-nodes", type=int, default=300,
                   help="collapse the drawing past this many nodes (default 300)")
    p.add_argument("--step", type=int, default=None, metavar="N",
                   help="trace only the N-th backward pass (1 for the first), e.g. one "
                        "step of a training loop; the others run untraced")
    p.add_argument("--title", default=None)
    p.add_argument("--layout", choices=render.LAYOUTS, default="auto",
                   help="who lays the graph out: Graphviz's dot when it is on PATH, else "
                        "dyngrad (auto, the default), or always one of them")
    argv = sys.argv[1:] if argv is None else list(argv)
    script_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, script_args = argv[:i], argv[i + 1:]
    ns = p.parse_args(argv)
    if ns.layout == "dot" and render.find_dot() is None:
        print(f"dyngrad.viz: --layout dot needs Graphviz's 'dot' program, which was not found "
              f"on PATH; {render.INSTALL_HINT}", file=sys.stderr)
        return 1
    _run.install_alias()
    sys.argv = [ns.script] + script_args
    if ns.step is not None and ns.step < 1:
        p.error(f"--step counts backward passes from 1, got {ns.step}")
    t = Trace(max_steps=ns.max_steps, run=None if ns.step is None else ns.step - 1)
    failed = None
    namespace = {}
    with t, record_modules(when=lambda: t.recording):
        try:
            namespace = runpy.run_path(ns.script, run_name="__main__")
        except SystemExit as e:
            if e.code not in (None, 0):
                failed = e
        except Exception as e:  # still write what was recorded, then report the error
            failed = e
            traceback.print_exc()
    t.params = _names(namespace)
    models = [v for k, v in namespace.items() if isinstance(v, Module) and not k.startswith("_")]
    if models:  # the page groups the graph by the modules of the biggest model
        t.model = max(models, key=lambda m: sum(p.numel() for p in m.parameters()))
    if failed is not None:
        print(f"dyngrad.viz: {ns.script} failed ({type(failed).__name__}: {failed})"
              + (f"; the page shows the {len(t.steps)} step(s) recorded before"
                 if t.steps else ""), file=sys.stderr)
        if t.steps:
            t.to_html(ns.output, title=ns.title or f"backward trace of {ns.script} (failed)",
                      max_nodes=ns.max_nodes, layout=ns.layout)
        return 1
    if not t.steps and ns.step is not None and t.runs:
        print(f"dyngrad.viz: {ns.script} ran {t.runs} backward pass(es), so there is no "
              f"pass {ns.step} to trace (--step {ns.step})", file=sys.stderr)
        return 1
    if not t.steps:
        print(f"dyngrad.viz: {ns.script} ran no backward pass, so there is nothing to trace "
              "(call .backward() or torch.autograd.grad in the script)", file=sys.stderr)
        return 1
    what = f"backward pass {ns.step} of {t.runs}" if ns.step else "backward trace"
    t.to_html(ns.output, title=ns.title or f"{what} of {ns.script}",
              max_nodes=ns.max_nodes, layout=ns.layout)
    if ns.dot:
        from .html import canvas
        with open(ns.dot, "w", encoding="utf-8") as f:
            f.write(canvas(t, ns.max_nodes, False).emit(use_graphviz=False).source)
    by = ("Graphviz's dot" if ns.layout == "dot" or (ns.layout == "auto" and render.find_dot())
          else "dyngrad's layout" + ("" if render.find_dot() else
                                     " (Graphviz's dot was not found on PATH)"))
    print(f"dyngrad.viz: wrote {ns.output} ({len(t.steps)} steps; graph drawn by {by})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run torch scripts on dyngrad under a trace and print the graphs the page would draw, as
JSON: ``{script name: [statements of the drawing, its DOT text]}``. Run in a subprocess,
because binding ``torch`` to dyngrad would hide the real torch from the other tests.

    python tests/viz/_seed_graphs.py script.py ...
"""
import contextlib
import io
import json
import os
import runpy
import sys


def main(paths):
    from dyngrad import run
    from dyngrad.viz.html import canvas
    from dyngrad.viz.trace import Trace
    run.install_alias()
    out = {}
    for path in paths:
        t = Trace(max_steps=2000)
        with t, contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                runpy.run_path(path, run_name="__main__")
            except BaseException:  # some seeds raise on purpose; their steps still count
                pass
        if t.steps:
            drawing = canvas(t, 300, False)
            dot = drawing.emit(use_graphviz=False)
            out[os.path.basename(path)] = [dot._drawn, dot.source]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])

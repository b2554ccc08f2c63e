"""The example scripts (custom Functions as the PyTorch tutorials teach them; nn, optim,
DataLoader and checkpoints in the training scripts, run short) print what torch prints: run with torch, and with torch bound to dyngrad, line by line; numbers
agree to float32 training noise (the two libraries sum in different orders)."""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..")
_PLOT = os.path.join(tempfile.mkdtemp(), "digits_loss.png")
_TEXT = os.path.join(ROOT, "examples", "data", "tinyshakespeare_64k.txt")
SCRIPTS = [("custom_relu.py",), ("legendre_fit.py",), ("polynomial_nn.py", "500"),
           ("polynomial_optim.py", "400"), ("digits_classifier.py", "3", _PLOT),
           ("char_model.py", "6", _TEXT)]
# Lines after this one are sampled text: a float32 rounding apart in the logits may move
# one multinomial draw, so only the sample's length is compared.
_SAMPLE = "sample:"
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


# One process per library runs every script (torch's import alone takes seconds): each
# script runs as __main__ with its own argv, its output captured on its own.
_DRIVER = """
import contextlib, io, json, runpy, sys
lib, scripts = sys.argv[1], json.loads(sys.argv[2])
if lib == "dyngrad":
    from dyngrad.run import install_alias
    install_alias()
import os, torch
outputs = []
for path, *args in scripts:
    buf = io.StringIO()
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(path))   # as ``python script.py`` has it
    with contextlib.redirect_stdout(buf):
        runpy.run_path(path, run_name="__main__")
    del sys.path[0]
    torch.set_default_dtype(torch.float32)      # what a script may change for itself
    outputs.append(buf.getvalue())
print(json.dumps(outputs))
"""


def run_all(lib, scripts):
    """Each of ``scripts`` ([path, *args]) run under ``lib`` in one process: the lines
    each prints, by path."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    if lib == "dyngrad":
        env["PYTHONPATH"] = os.path.join(ROOT, "src")
    r = subprocess.run([sys.executable, "-c", _DRIVER, lib, json.dumps(scripts)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    return dict(zip((s[0] for s in scripts), (o.splitlines() for o in
                                               json.loads(r.stdout.splitlines()[-1]))))


@pytest.fixture(scope="module")
def outputs():
    scripts = [[os.path.join(ROOT, "examples", name), *args] for name, *args in SCRIPTS]
    return {lib: {os.path.basename(k): v for k, v in run_all(lib, scripts).items()}
            for lib in ("torch", "dyngrad")}


def same(line_torch, line_ours):
    """Equal text around the numbers; numbers equal to 1% (or both below 1e-6)."""
    if _NUMBER.sub("#", line_torch) != _NUMBER.sub("#", line_ours):
        return False
    return all(math.isclose(float(a), float(b), rel_tol=1e-2, abs_tol=1e-6)
               for a, b in zip(_NUMBER.findall(line_torch), _NUMBER.findall(line_ours)))


@pytest.mark.parametrize("script", [s[0] for s in SCRIPTS])
def test_example_prints_what_torch_prints(script, outputs):
    theirs, ours = outputs["torch"][script], outputs["dyngrad"][script]
    if _SAMPLE in theirs:
        cut = theirs.index(_SAMPLE) + 1
        assert ours[cut - 1] == _SAMPLE
        assert len("\n".join(ours[cut:])) == len("\n".join(theirs[cut:]))
        theirs, ours = theirs[:cut], ours[:cut]
    assert len(ours) == len(theirs) > 5
    for a, b in zip(theirs, ours):
        assert same(a, b), f"torch: {a}\ndyngrad: {b}"
    if script == "digits_classifier.py":
        with open(_PLOT, "rb") as f:        # written by both runs: a PNG image
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"

"""The example scripts (custom Functions as the PyTorch tutorials teach them) print what
torch prints: run with torch, and with torch bound to dyngrad, line by line; numbers
agree to float32 training noise (the two libraries sum in different orders)."""
import math
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..")
SCRIPTS = ["custom_relu.py", "legendre_fit.py"]
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def _run(script, lib):
    path = os.path.join(ROOT, "examples", script)
    if lib == "torch":
        cmd = [sys.executable, path]
        env = os.environ
    else:
        cmd = [sys.executable, "-m", "dyngrad.run", path]
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def _same(line_torch, line_ours):
    """Equal text around the numbers; numbers equal to 1% (or both below 1e-6)."""
    if _NUMBER.sub("#", line_torch) != _NUMBER.sub("#", line_ours):
        return False
    return all(math.isclose(float(a), float(b), rel_tol=1e-2, abs_tol=1e-6)
               for a, b in zip(_NUMBER.findall(line_torch), _NUMBER.findall(line_ours)))


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_prints_what_torch_prints(script):
    theirs, ours = _run(script, "torch"), _run(script, "dyngrad")
    assert len(ours) == len(theirs) > 5
    for a, b in zip(theirs, ours):
        assert _same(a, b), f"torch: {a}\ndyngrad: {b}"

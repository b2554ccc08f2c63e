"""The array pool of _memory.py (NOTE [Fresh arrays cost page faults]): what the
environment variable asks for, that a freed large array's memory is reused without page
faults when the pool is on (and is not when it is off), and that results are the same
bits either way. Each setting runs in a fresh interpreter: the thresholds are set at import."""
import os
import subprocess
import sys

import pytest

from dyngrad import _memory

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

# a 16 MB array made, freed and made again: the minor page faults of the second one
_FAULTS = """
import resource
import numpy as np
import dyngrad
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
a = np.ones(4 * 1024 * 1024, np.float32)
del a
before = faults()
b = np.ones(4 * 1024 * 1024, np.float32)
print(faults() - before, dyngrad._memory.settings is not None)
"""

# a few training steps on large arrays (each step frees what the last one made)
_STEPS = """
import sys
import dyngrad as torch
torch.manual_seed(0)
w = torch.randn(512, 512, requires_grad=True)
x = torch.randn(2048, 512)
for _ in range(3):
    loss = ((x @ w).tanh() * (x @ w).sigmoid()).sum()
    loss.backward()
    with torch.no_grad():
        w -= 0.001 * w.grad
        w.grad = None
sys.stdout.buffer.write(w.detach().numpy().tobytes())
"""


def _run(code, pool):
    env = dict(os.environ, PYTHONPATH=SRC, DYNGRAD_ARRAY_POOL=pool)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          check=True).stdout


@pytest.mark.parametrize("value, expected", [
    ("", _memory.DEFAULT_POOL_MB * 2**20), ("0", 0), ("64", 64 * 2**20), (" 0.5 ", 2**19),
    ("-3", 0)])
def test_pool_size_from_environment(value, expected):
    assert _memory.pool_bytes({"DYNGRAD_ARRAY_POOL": value}) == expected


def test_pool_size_refuses_what_is_not_a_number():
    with pytest.raises(ValueError, match="DYNGRAD_ARRAY_POOL must be a number of megabytes"):
        _memory.pool_bytes({"DYNGRAD_ARRAY_POOL": "on"})


def test_pool_off_sets_nothing():
    assert _memory.configure({"DYNGRAD_ARRAY_POOL": "0"}) is None


@pytest.mark.skipif(not (hasattr(os, "confstr") and os.confstr("CS_GNU_LIBC_VERSION")),
                    reason="the pool is glibc's heap")
def test_freed_large_array_is_reused_without_page_faults():
    on_faults, on_set = _run(_FAULTS, "").split()
    off_faults, off_set = _run(_FAULTS, "0").split()
    assert (on_set, off_set) == (b"True", b"False")
    # 16 MB is 4096 pages (8 huge ones): off, the second array is fresh memory and
    # faults again; on, the freed block is handed back as it is
    assert int(on_faults) < min(50, int(off_faults))


def test_results_are_the_same_bits_with_the_pool_on_and_off():
    assert _run(_STEPS, "") == _run(_STEPS, "0")

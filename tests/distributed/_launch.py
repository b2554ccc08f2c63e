"""Running a script in several processes under mpiexec, from a test: skipped cleanly where
mpi4py or mpiexec is missing; a job that hangs fails by timeout instead of hanging the
suite."""
import os
import subprocess
import sys

import pytest

from dyngrad.distributed import is_mpi_available
from dyngrad.distributed.run import _mpiexec

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "src")
MPIEXEC = _mpiexec()

needs_mpi = pytest.mark.skipif(MPIEXEC is None or not is_mpi_available(),
                               reason="mpi4py and mpiexec are needed (pip install mpi4py mpich)")


def env():
    """The environment of a launched job: dyngrad from this checkout, and stdout buffered,
    so that each rank's output reaches the shared pipe in one write."""
    e = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""),
             OMP_NUM_THREADS="1")
    e.pop("PYTHONUNBUFFERED", None)
    return e


def mpiexec(n, script, *args, timeout=60):
    """Run ``python script args`` as ``n`` MPI processes; returns the CompletedProcess."""
    return subprocess.run([MPIEXEC, "-n", str(n), sys.executable, script, *map(str, args)],
                          capture_output=True, text=True, env=env(), timeout=timeout)


def launch(n, script, *args, timeout=60):
    """Run ``script`` through ``python -m dyngrad.distributed.run --nproc-per-node n``."""
    return subprocess.run([sys.executable, "-m", "dyngrad.distributed.run", "--nproc-per-node",
                           str(n), script, *map(str, args)],
                          capture_output=True, text=True, env=env(), timeout=timeout)


def check(done, n, tag):
    """Every rank printed ``ok <tag> <rank>`` and the job ended well."""
    assert done.returncode == 0, done.stdout + done.stderr
    for r in range(n):
        assert f"ok {tag} {r}" in done.stdout, done.stdout + done.stderr

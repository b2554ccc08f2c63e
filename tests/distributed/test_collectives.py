"""The collectives under mpiexec against NumPy; a failing or missing rank ends the job
with the error shown instead of hanging it; the launcher sets torchrun's variables."""
import os
import time

import pytest

from ._launch import HERE, check, launch, mpiexec, needs_mpi


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_every_collective_against_numpy(n):
    check(mpiexec(n, os.path.join(HERE, "collectives_worker.py")), n, "collectives")


FAILS = """
import sys, time, datetime
import torch, torch.distributed as dist
dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=2))
rank = dist.get_rank()
if sys.argv[1] == "raise" and rank == 1:
    raise ValueError("rank 1 gave up")
if sys.argv[1] == "skip" and rank == 1:
    time.sleep(60)  # never joins the all_reduce
dist.all_reduce(torch.ones(2))
time.sleep(60)
"""


@needs_mpi
@pytest.mark.parametrize("how, shown", [
    ("raise", "ValueError: rank 1 gave up"),
    ("skip", "DistBackendError: [dyngrad.distributed] all_reduce timed out after 2000ms")])
def test_an_error_on_one_rank_ends_the_job_and_is_shown(tmp_path, how, shown):
    script = tmp_path / "fails.py"
    script.write_text(FAILS)
    start = time.monotonic()
    done = launch(2, script, how, timeout=40)
    assert time.monotonic() - start < 30
    assert done.returncode != 0
    assert shown in done.stderr


ENV = """
import os, sys
import torch, torch.distributed as dist
dist.init_process_group("gloo")
names = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK", "ROLE_RANK",
         "ROLE_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "OMP_NUM_THREADS")
print("ok", torch.__name__, sys.argv[1:], [os.environ[k] for k in names],
      dist.get_rank(), dist.is_torchelastic_launched())
"""


@needs_mpi
def test_the_launcher_sets_what_torchrun_sets(tmp_path):
    script = tmp_path / "env.py"
    script.write_text(ENV)
    done = launch(3, script, "--lr", "1")
    assert done.returncode == 0, done.stderr
    lines = sorted(done.stdout.splitlines())
    for r in range(3):
        assert lines[r] == (f"ok dyngrad ['--lr', '1'] ['{r}', '{r}', '3', '3', '0', '{r}', '3', "
                            f"'127.0.0.1', '29500', '1'] {r} True")

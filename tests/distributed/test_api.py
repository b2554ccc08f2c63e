"""dyngrad.distributed in a world of one, side by side with torch's gloo: the answers,
the errors before and after init_process_group, DistributedDataParallel's surface."""
import os
import socket
import subprocess
import sys

from ._launch import HERE, env, needs_mpi

SCRIPT = os.path.join(HERE, "side_by_side_script.py")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Done:
    def __init__(self, process, stdout, stderr):
        self.returncode, self.stdout, self.stderr = process.returncode, stdout, stderr


@needs_mpi
def test_a_world_of_one_prints_what_torch_prints():
    e = dict(env(), RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1")
    # both at once (the torch run is the slow one)
    started = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(e, MASTER_PORT=str(_free_port())))
               for cmd in ([sys.executable, "-m", "dyngrad.run", SCRIPT], [sys.executable, SCRIPT])]
    ours, theirs = [_Done(p, *p.communicate(timeout=120)) for p in started]
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    for mine, torchs in zip(ours.stdout.splitlines(), theirs.stdout.splitlines()):
        assert mine == torchs
    assert len(ours.stdout.splitlines()) == len(theirs.stdout.splitlines())

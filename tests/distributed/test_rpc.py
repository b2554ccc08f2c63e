"""torch.distributed.rpc and distributed autograd, side by side with torch: the same two
scripts run in two processes by dyngrad's launcher and by torch (the oracle; started as
torchrun would, by torch_rpc_runner.py, which runs both scripts) must print the same lines.
The jobs run at once, to keep the test short."""
import os
import socket
import subprocess
import sys

import pytest

from ._launch import HERE, env, needs_mpi

EXAMPLE = os.path.join(HERE, "..", "..", "examples", "rpc_split_model.py")
PROBE = os.path.join(HERE, "rpc_side_by_side.py")
RUNNER = os.path.join(HERE, "torch_rpc_runner.py")


def _free_ports(n):
    """n distinct ports no one listens on now (held together, so they differ)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _lines(text):
    """Each rank's lines in the order it printed them (the two ranks' lines interleave)."""
    return sorted(text.splitlines(), key=lambda line: line[:3] if line[:1] == "r" else "")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """What the example and the probe print, run by dyngrad's launcher and by torch."""
    where = tmp_path_factory.mktemp("rpc")
    scripts = {"example": EXAMPLE, "probe": PROBE}
    oracle = [sys.executable, RUNNER]
    for port, (name, script) in zip(_free_ports(len(scripts)), scripts.items()):
        oracle += [str(port), script, str(where / name)]
    jobs = {name: subprocess.Popen(
        [sys.executable, "-m", "dyngrad.distributed.run", "--nproc-per-node", "2", script],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=HERE)
        for name, script in scripts.items()}
    torch_job = subprocess.Popen(oracle, stderr=subprocess.PIPE, text=True, env=env())
    done = {}
    for name, job in jobs.items():
        out, err = job.communicate(timeout=180)
        assert job.returncode == 0, f"{name}: {out}\n{err}"
        done["dyngrad", name] = _lines(out)
    err = torch_job.communicate(timeout=180)[1]
    assert torch_job.returncode == 0, err
    for name in scripts:
        done["torch", name] = _lines((where / name).read_text())
    return done


@needs_mpi
def test_the_split_model_trains_to_torchs_numbers(outputs):
    ours, torchs = outputs["dyngrad", "example"], outputs["torch", "example"]
    assert len(ours) > 40 and "step 3: loss" in ours[3]
    assert ours == torchs


@needs_mpi
def test_rpc_rref_and_distributed_autograd_behave_as_torchs(outputs):
    ours, torchs = outputs["dyngrad", "probe"], outputs["torch", "probe"]
    assert any(line.startswith("r0: grads 2") for line in ours)
    assert ours == torchs

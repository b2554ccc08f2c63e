"""examples/ddp_gpt.py (nanoGPT's DDP set-up) runs unchanged under the launcher."""
import math
import os
import re

from ._launch import HERE, launch, needs_mpi

EXAMPLE = os.path.join(HERE, "..", "..", "examples", "ddp_gpt.py")


@needs_mpi
def test_the_nanogpt_style_script_runs_under_the_launcher():
    done = launch(2, EXAMPLE, 3, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 process(es)" in done.stdout
    losses = [float(v) for v in re.findall(r"iter \d+: loss (\S+)", done.stdout)]
    assert len(losses) == 2  # printed by rank 0 only
    with open(os.path.join(HERE, "..", "..", "examples", "data", "tinyshakespeare_64k.txt")) as f:
        vocab = len(set(f.read()))
    # an untrained model predicts about uniformly: the first loss is near log(vocab)
    assert abs(losses[0] - math.log(vocab)) < 0.15
    assert losses[1] < losses[0]

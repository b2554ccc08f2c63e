"""``python torch_rpc_runner.py PORT SCRIPT OUT [PORT SCRIPT OUT ...]``: run each SCRIPT
with torch in two processes, as torchrun would (RANK, WORLD_SIZE, MASTER_ADDR and
MASTER_PORT set), its output going to the file OUT. Every process is forked from this one,
which has imported torch once: torchrun would import it three times per script, most of
the oracle's time."""
import os
import runpy
import sys
import traceback

import torch  # noqa: F401  (imported once, before the forks)


def run(rank, port, script, out):
    os.environ.update(RANK=str(rank), WORLD_SIZE="2", LOCAL_RANK=str(rank),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
    fd = os.open(out, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 1)
    os.chdir(os.path.dirname(os.path.abspath(script)))
    sys.argv = [script]
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except BaseException:  # noqa: BLE001 - shown, and the job fails
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


children = []
args = sys.argv[1:]
for port, script, out in zip(args[::3], args[1::3], args[2::3]):
    open(out, "w").close()
    for rank in range(2):
        pid = os.fork()
        if pid == 0:
            run(rank, port, script, out)
        children.append(pid)
sys.exit(max(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children))

"""``python -m dyngrad.distributed.run --nproc-per-node N script.py [args...]``: torchrun's
counterpart, over ``mpiexec``.

Each of the N processes runs ``script.py`` with ``torch`` bound to dyngrad (as
``python -m dyngrad.run`` does) and the variables torchrun sets (RANK, LOCAL_RANK,
WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT, ...), so a script that
calls ``init_process_group("gloo")`` from the environment runs unchanged. An uncaught
error in one process shows its traceback and ends them all (MPI_Abort), so the others
never hang.
"""
import argparse
import os
import shutil
import subprocess
import sys
import sysconfig

_OMP_WARNING = (
    "\n*****************************************\n"
    "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to "
    "avoid your system being overloaded, please further tune the variable for optimal "
    "performance in your application as needed. \n"
    "*****************************************")


def _parser():
    p = argparse.ArgumentParser(prog="python -m dyngrad.distributed.run",
                                description="Run a torch training script in N processes "
                                            "over MPI, as torchrun does.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="processes to start: an int, or 'cpu'/'auto' for one per core")
    p.add_argument("--nnodes", type=int, default=1,
                   help="machines; with more than one, --hostfile names them")
    p.add_argument("--hostfile", help="MPI hostfile listing the machines (one per line)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true")
    p.add_argument("--rdzv-id", "--rdzv_id", "--run-id", default="none")
    p.add_argument("-m", "--module", action="store_true",
                   help="run the script as a module (python -m)")
    p.add_argument("script")
    p.add_argument("script_args", nargs=argparse.REMAINDER)
    return p


def _mpiexec():
    """The mpiexec beside this Python (the ``mpich`` wheel puts it there), else on PATH."""
    here = os.path.join(sysconfig.get_path("scripts"), "mpiexec")
    if os.path.exists(here):
        return here
    return shutil.which("mpiexec")


def main(argv=None):
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.nnodes > 1 and args.hostfile is None:
        print("dyngrad.distributed.run: --nnodes > 1 needs --hostfile (MPI starts the "
              "processes on every machine from this one)", file=sys.stderr)
        return 2
    n = (os.cpu_count() or 1) if args.nproc_per_node in ("cpu", "auto") else int(args.nproc_per_node)
    mpiexec = _mpiexec()
    if mpiexec is None:
        print("dyngrad.distributed.run: mpiexec not found (pip install mpi4py mpich)",
              file=sys.stderr)
        return 1
    env = dict(os.environ, MASTER_ADDR=args.master_addr, MASTER_PORT=str(args.master_port),
               TORCHELASTIC_RUN_ID=args.rdzv_id, WORLD_SIZE=str(n * args.nnodes))
    if n > 1 and "OMP_NUM_THREADS" not in env:
        print(_OMP_WARNING, file=sys.stderr)
        env["OMP_NUM_THREADS"] = "1"
    placement = ["-n", str(n)]
    if args.hostfile is not None:
        placement = ["-f", args.hostfile, "-ppn", str(n), "-n", str(n * args.nnodes)]
    cmd = [mpiexec, *placement, sys.executable, "-m", "dyngrad.distributed._worker",
           "-m" if args.module else "--", args.script, *args.script_args]
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())

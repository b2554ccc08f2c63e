"""One process of ``python -m dyngrad.distributed.run``, started by mpiexec: set torchrun's
variables from MPI's view of the job, then run the script with ``torch`` bound to dyngrad.

LOCAL_RANK and LOCAL_WORLD_SIZE count the processes sharing this machine (MPI's
shared-memory split), so they stay right when a hostfile spreads the job over machines.
"""
import os
import runpy
import sys

from . import _mpi


def main(argv):
    as_module, target, args = argv[0] == "-m", argv[1], argv[2:]
    MPI = _mpi.load()
    world = MPI.COMM_WORLD
    if world.Get_size() != int(os.environ["WORLD_SIZE"]):
        # each process a world of one: this mpiexec starts another MPI than mpi4py's
        sys.exit(f"dyngrad.distributed.run: mpiexec started {os.environ['WORLD_SIZE']} "
                 f"processes but MPI sees a world of {world.Get_size()}: mpiexec and mpi4py "
                 f"come from different MPI libraries (pip install mpich puts the right "
                 f"mpiexec beside python)")
    local = world.Split_type(MPI.COMM_TYPE_SHARED, key=world.Get_rank())
    nodes = world.allgather(world.Get_rank() if local.Get_rank() == 0 else None)
    node_rank = sorted(r for r in nodes if r is not None).index(
        local.bcast(world.Get_rank() if local.Get_rank() == 0 else None, 0))
    os.environ.update(
        RANK=str(world.Get_rank()), WORLD_SIZE=str(world.Get_size()),
        LOCAL_RANK=str(local.Get_rank()), LOCAL_WORLD_SIZE=str(local.Get_size()),
        GROUP_RANK=str(node_rank), ROLE_RANK=str(world.Get_rank()),
        ROLE_WORLD_SIZE=str(world.Get_size()), ROLE_NAME="default",
        TORCHELASTIC_RESTART_COUNT="0", TORCHELASTIC_MAX_RESTARTS="0")
    local.Free()
    _mpi.abort_on_error()
    from ..run import install_alias  # (the script runner sits above this package)
    install_alias()
    sys.argv = [target, *args]
    try:
        if as_module:
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
            runpy.run_path(target, run_name="__main__")
    except SystemExit as stop:
        # sys.exit(non-zero) in one rank ends the job as an error does
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if code and world.Get_size() > 1:
            if not isinstance(stop.code, int):
                print(stop.code, file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            _mpi.abort(world, code)
        raise


if __name__ == "__main__":
    main(sys.argv[1:])

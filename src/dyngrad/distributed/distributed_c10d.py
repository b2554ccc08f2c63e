"""Process groups: starting one, asking about it, making sub-groups, ending them.

Every group is an MPI communicator. The default group is a duplicate of MPI's
COMM_WORLD, so MPI traffic of the user's own never mixes with ours; ``new_group`` splits
it. A script may ask for ``"gloo"`` (torch's CPU backend): it gets the same MPI transport,
and ``get_backend()`` answers what it asked for. The collectives live in ``collectives``.
"""
import datetime
import enum
import os
import warnings

from . import _mpi

__all__ = ["Backend", "ReduceOp", "ProcessGroup", "GroupMember", "group", "is_available",
           "is_initialized", "is_mpi_available", "is_gloo_available", "is_nccl_available",
           "is_ucc_available", "is_xccl_available", "is_torchelastic_launched",
           "get_default_backend_for_device",
           "init_process_group", "destroy_process_group", "new_group", "get_rank",
           "get_world_size", "get_backend", "get_global_rank", "get_group_rank",
           "get_process_group_ranks", "default_pg_timeout"]

default_pg_timeout = datetime.timedelta(minutes=30)

_NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to "
                    "call init_process_group.")


class Backend(str):
    """A backend's name: ``Backend("GLOO") == Backend.GLOO == "gloo"``."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return value


class ReduceOp:
    """How a reduction combines the ranks' values: ``ReduceOp.SUM`` and the others are
    members of ``ReduceOp.RedOpType``, as in torch."""

    class RedOpType(enum.Enum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8

    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM

    def __init__(self, op=RedOpType.SUM):
        self.op = op.op if isinstance(op, ReduceOp) else op

    def __eq__(self, other):
        return self.op == (other.op if isinstance(other, ReduceOp) else other)

    def __hash__(self):
        return hash(self.op)


class ProcessGroup:
    """A group of processes over one MPI communicator. ``ranks``: the global rank of each
    member, in group-rank order."""

    def __init__(self, comm, ranks, backend, timeout):
        self._comm = comm
        self._ranks = ranks
        self._backend = backend
        self._timeout = timeout

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return self._comm.Get_size()

    def name(self):
        return self._backend

    def __repr__(self):
        return (f"<dyngrad.distributed.ProcessGroup backend={self._backend!r} "
                f"ranks={self._ranks}>")


class GroupMember:
    """``WORLD``: the default group once initialised (else None); ``NON_GROUP_MEMBER``: what
    ``new_group`` returns to a process outside the new group."""

    WORLD = None
    NON_GROUP_MEMBER = -100


group = GroupMember  # torch.distributed.group.WORLD is the same object

_groups = []  # every live group, the default one first


def is_available():
    return True


def is_initialized():
    return GroupMember.WORLD is not None


def is_mpi_available():
    return _mpi.available()


def is_gloo_available():
    """True where MPI is: a script asking for gloo is served by MPI."""
    return _mpi.available()


def is_nccl_available():
    return False


def is_ucc_available():
    return False


def is_xccl_available():
    return False


def is_torchelastic_launched():
    """Whether the process was started by a launcher that sets TORCHELASTIC_RUN_ID (torchrun
    and ``python -m dyngrad.distributed.run``)."""
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def get_default_backend_for_device(device):
    """The backend torch picks for a device type: ``"gloo"`` for the CPU (served by MPI
    here), ``"nccl"`` for CUDA."""
    kind = str(device).split(":")[0]
    known = {"cpu": Backend.GLOO, "cuda": Backend.NCCL, "xpu": "xccl"}
    if kind not in known:
        raise RuntimeError(f"Default backend not registered for device : {device}")
    return known[kind]


def _env(name):
    value = os.environ.get(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: "
                         f"environment variable {name} expected, but not set")
    return value


def _rendezvous(init_method, rank, world_size, mpi_rank, mpi_size):
    """The rank and world size a non-MPI backend's rendezvous gives, checked against MPI's.
    Under mpiexec an unset RANK/WORLD_SIZE is taken from MPI."""
    if init_method is None or init_method.startswith("env://"):
        launched = mpi_size > 1
        if rank == -1:
            rank = mpi_rank if launched and "RANK" not in os.environ else int(_env("RANK"))
        if world_size == -1:
            world_size = (mpi_size if launched and "WORLD_SIZE" not in os.environ
                          else int(_env("WORLD_SIZE")))
        if not launched:
            _env("MASTER_ADDR")
            _env("MASTER_PORT")
    elif rank == -1 or world_size == -1:
        raise ValueError(f"Error initializing torch.distributed using {init_method.split(':')[0]}"
                         f":// rendezvous: {'rank' if rank == -1 else 'world size'} "
                         f"parameter missing")
    if world_size != mpi_size or rank != mpi_rank:
        raise RuntimeError(
            f"dyngrad.distributed runs its processes as one MPI job: this process is rank "
            f"{mpi_rank} of {mpi_size} in MPI, but was told rank {rank} of {world_size}. "
            f"Start the processes with `python -m dyngrad.distributed.run --nproc-per-node "
            f"{world_size} script.py` (or `mpiexec -n {world_size} python script.py`).")
    return rank, world_size


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Start the default process group: every process of the MPI job is one rank.

    ``backend`` ``"mpi"`` takes rank and size from MPI; ``"gloo"`` (or None) runs its
    rendezvous as torch does (``env://`` reads RANK, WORLD_SIZE, MASTER_ADDR and
    MASTER_PORT) and checks the answer against MPI's. The transport is MPI either way.
    """
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend.UNDEFINED if backend is None else Backend(backend)
    if name == Backend.NCCL:
        warnings.warn("Attempted to get default timeout for nccl backend, but NCCL support is "
                      "not compiled", UserWarning, stacklevel=2)
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name == Backend.UCC:
        raise RuntimeError("Distributed package doesn't have UCC built in")
    if name not in (Backend.GLOO, Backend.MPI, Backend.UNDEFINED):
        raise AssertionError(f"Unknown backend type {backend}")
    if store is not None:
        raise NotImplementedError("dyngrad.distributed: init_process_group(store=...) is not "
                                  "supported; processes meet through MPI")
    if timeout is None:
        timeout = default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got "
                        f"{timeout}")
    if not _mpi.available():
        raise RuntimeError("Distributed package doesn't have MPI built in: dyngrad.distributed "
                           "needs mpi4py and an MPI (pip install mpi4py mpich)")
    MPI = _mpi.load()
    world = MPI.COMM_WORLD
    mpi_rank, mpi_size = world.Get_rank(), world.Get_size()
    if name == Backend.MPI:
        if world_size != -1 or rank != -1:
            warnings.warn(f"For MPI backend, world_size ({world_size}) and rank ({rank}) are "
                          f"ignored since they are assigned by the MPI runtime.", UserWarning,
                          stacklevel=2)
    else:
        _rendezvous(init_method, rank, world_size, mpi_rank, mpi_size)
    if mpi_size > 1:
        _mpi.abort_on_error()
    pg = ProcessGroup(world.Dup(), list(range(mpi_size)), name, timeout.total_seconds())
    _groups.append(pg)
    GroupMember.WORLD = pg


def _default():
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INITIALIZED)
    return GroupMember.WORLD


def resolve(grp):
    """The group an operation runs on (None: the default one)."""
    return _default() if grp is None else grp


def destroy_process_group(group=None):
    """End ``group`` (None: every group, and the default one)."""
    if GroupMember.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    ending = list(_groups) if group is None else [group]
    for pg in ending:
        if pg in _groups:
            _groups.remove(pg)
            pg._comm.Free()
    if group is None or group is GroupMember.WORLD:
        GroupMember.WORLD = None


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None):
    """A group of the given global ranks. Every process of the default group must call it
    (it is collective); a process outside ``ranks`` gets ``GroupMember.NON_GROUP_MEMBER``."""
    world = _default()
    size = world.size()
    ranks = list(range(size)) if ranks is None else sorted(ranks)
    for r in ranks:
        if r < 0 or r >= size:
            raise ValueError("The new group's rank should be within the world_size set by "
                             "init_process_group")
    seconds = world._timeout if timeout is None else timeout.total_seconds()
    member = world.rank() in ranks
    MPI = _mpi.load()
    comm = world._comm.Split(0 if member else MPI.UNDEFINED, world.rank())
    if not member:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, ranks, world._backend if backend is None else Backend(backend),
                      seconds)
    _groups.append(pg)
    return pg


def not_member(grp):
    return grp is GroupMember.NON_GROUP_MEMBER


def get_rank(group=None):
    """This process's rank in ``group`` (-1 outside it)."""
    world = _default()
    if group is None or group is world:
        return world.rank()
    if not_member(group):
        return -1
    return group.rank()


def get_world_size(group=None):
    """The number of processes in ``group`` (-1 outside it)."""
    world = _default()
    if not_member(group):
        return -1
    return (world if group is None else group).size()


def get_backend(group=None):
    """The backend's name, as the script asked for it (``"gloo"`` runs on MPI too;
    ``"undefined"`` when it asked for none, as torch answers)."""
    pg = _default() if group is None else group
    if not_member(pg):
        raise ValueError("Invalid process group specified")
    return pg._backend


def get_global_rank(group, group_rank):
    if group is None or group is GroupMember.WORLD:
        return group_rank
    if not 0 <= group_rank < len(group._ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return group._ranks[group_rank]


def get_group_rank(group, global_rank):
    if group is None or group is GroupMember.WORLD:
        return global_rank
    if global_rank not in group._ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return group._ranks.index(global_rank)


def get_process_group_ranks(group):
    return list(resolve(group)._ranks)

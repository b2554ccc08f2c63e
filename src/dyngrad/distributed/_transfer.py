"""What every operation shares: its arguments checked as torch checks them, the group it
runs on, the arrays MPI reads and writes, and how MPI reduces each dtype.

Values travel as bytes, except in reductions, where MPI must know the type: a complex
tensor is reduced as its real pairs, a bool one as uint8 (SUM/MAX as OR, MIN/PRODUCT as
AND), a float16 one in float32. ``ReduceOp.AVG`` is a SUM divided by the group's size
with the tensor's ``div_``, as torch's gloo does.
"""
import warnings

from .. import _backend
from ..ops.inplace import apply_inplace
from ..ops.pointwise import div_scalar
from ..tensor import Tensor
from . import _mpi
from ._work import Work
from .distributed_c10d import GroupMember, ReduceOp, get_group_rank, not_member, resolve

xp = _backend.xp
_OP = ReduceOp.RedOpType
_NO_COMPLEX = (_OP.MAX, _OP.MIN, _OP.PRODUCT, _OP.BAND, _OP.BOR, _OP.BXOR)


# -- arguments -------------------------------------------------------------------------
def check_tensor(param, name):
    if not isinstance(param, Tensor):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type torch.Tensor
             but got {type(param)} instead.""")


def check_tensor_list(param, name):
    if not isinstance(param, list):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]
             but got {type(param)} instead.""")
    if not all(isinstance(p, Tensor) for p in param):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]
             but got {type(param)} with elements of type {[type(p) for p in param]}.""")


def group_of(grp, what):
    """The group to run on, or None (with torch's warning) when this process is not in it."""
    if not_member(grp):
        world = GroupMember.WORLD
        warnings.warn(f"Running {what} on global rank {-1 if world is None else world.rank()} "
                      f"which does not belong to the given group.", stacklevel=3)
        return None
    return resolve(grp)


def to_group_rank(pg, rank, group_rank):
    """The group rank of a ``src``/``dst`` given as a global rank (default 0) or as
    ``group_src``/``group_dst``."""
    if rank is not None and group_rank is not None:
        raise ValueError("Can't specify both group_rank and global_rank")
    if group_rank is None:
        group_rank = get_group_rank(pg if pg is not GroupMember.WORLD else None,
                                    0 if rank is None else rank)
    return group_rank


def root_rank(pg, rank, group_rank, what):
    """The root of a collective, checked as the backend checks it."""
    group_rank = to_group_rank(pg, rank, group_rank)
    if not 0 <= group_rank < pg.size():
        raise RuntimeError(f"{pg_name(pg)}::{what}: invalid root rank: {group_rank}")
    return group_rank


def pg_name(pg):
    return "ProcessGroupGloo" if pg._backend == "gloo" else "ProcessGroupMPI"


def run(pg, requests, what, async_op, finish=None, result=(), statuses=None):
    work = Work(requests, pg._timeout, what, finish, result, statuses)
    if async_op:
        return work
    work.wait()
    return None


# -- buffers ----------------------------------------------------------------------------
def as_bytes(array):
    """The bytes of a C-contiguous array, as MPI sends them."""
    return array.reshape(-1).view(xp.uint8)


def contiguous(t):
    return xp.ascontiguousarray(t._data)


def writable(t):
    """An array MPI may write ``t``'s values into: its own when contiguous, else a copy to
    be stored back by ``_store``."""
    a = t._data
    if a.flags.c_contiguous and a.flags.writeable:
        return a
    return xp.ascontiguousarray(a)


def store(t, values):
    if values is not t._data:
        t._data[...] = values.reshape(t._data.shape)


class Reduction:
    """How MPI reduces one dtype under one ReduceOp: ``pack`` gives an array MPI can
    reduce, ``unpack`` writes the reduced values back (dividing for AVG)."""

    def __init__(self, op, dtype, what):
        op = op.op if isinstance(op, ReduceOp) else op
        if not isinstance(op, _OP) or op is _OP.PREMUL_SUM:
            raise TypeError(f"{what}: unsupported reduce op {op!r}")
        if dtype.kind == "c" and op in _NO_COMPLEX:
            raise ValueError(f"{what} does not support {op} on complex tensors")
        MPI = _mpi.load()
        self.op, self.dtype = op, dtype
        if dtype.kind == "b":
            self.wire = xp.uint8
            mpi_op = {_OP.SUM: MPI.MAX, _OP.AVG: MPI.MAX, _OP.MAX: MPI.MAX, _OP.BOR: MPI.MAX,
                      _OP.MIN: MPI.MIN, _OP.PRODUCT: MPI.MIN, _OP.BAND: MPI.MIN}.get(op, MPI.BXOR)
        else:
            self.wire = xp.float32 if dtype == xp.float16 else None
            mpi_op = {_OP.SUM: MPI.SUM, _OP.AVG: MPI.SUM, _OP.PRODUCT: MPI.PROD,
                      _OP.MIN: MPI.MIN, _OP.MAX: MPI.MAX, _OP.BAND: MPI.BAND, _OP.BOR: MPI.BOR,
                      _OP.BXOR: MPI.BXOR}[op]
        self.mpi_op = mpi_op

    def pack(self, array):
        """A contiguous array of a type MPI reduces (``array`` itself where it is one)."""
        if self.wire is not None:
            return xp.ascontiguousarray(array, dtype=self.wire)
        array = xp.ascontiguousarray(array)
        if self.dtype.kind == "c":
            return array.reshape(-1).view(xp.float32 if self.dtype == xp.complex64
                                          else xp.float64)
        return array

    def unpack(self, wire, t, size):
        values = wire
        if self.dtype.kind == "c":
            values = wire.view(self.dtype)
        if self.dtype.kind == "b":
            values = values != 0
        elif values.dtype != self.dtype:
            values = values.astype(self.dtype)
        store(t, values)
        if self.op is _OP.AVG:
            # torch's gloo divides the sum with the tensor's own div_, through autograd: a
            # non-leaf gets a DivBackward1 node, a leaf that requires grad refuses, and an
            # integer tensor cannot hold the quotient (the sum stays written)
            apply_inplace(div_scalar, t, (t, size))

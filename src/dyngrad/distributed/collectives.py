"""The collectives and point-to-point operations, each one MPI call.

Every operation is started non-blocking (NOTE [Waiting with a deadline] in ``_mpi``) and
returns a ``Work``; with ``async_op=False`` it is waited on before returning. Results are
written into the given tensors' arrays in place, outside autograd, as torch's c10d does:
no node is recorded and the version counter is not bumped, even on a tensor that
requires grad (torch.distributed is not differentiable).

Values travel as bytes, except in reductions, where MPI must know the type: a complex
tensor is reduced as its real pairs, a bool one as uint8 (SUM/MAX as OR, MIN/PRODUCT as
AND), a float16 one in float32. ``ReduceOp.AVG`` is a SUM divided by the group's size
with the tensor's ``div_``, as torch's gloo does.
"""
import warnings

from .. import _backend
from .._dtype import _FROM_NP
from ..ops.inplace import apply_inplace
from ..ops.pointwise import div_scalar
from ..tensor import Tensor
from . import _mpi
from ._work import Work
from .distributed_c10d import GroupMember, ReduceOp, get_group_rank, not_member, resolve

__all__ = ["all_reduce", "broadcast", "all_gather", "all_gather_into_tensor", "reduce_scatter",
           "reduce_scatter_tensor", "reduce", "gather", "scatter", "send", "recv", "isend",
           "irecv", "barrier", "broadcast_object_list", "all_gather_object"]

xp = _backend.xp
_OP = ReduceOp.RedOpType
_NO_COMPLEX = (_OP.MAX, _OP.MIN, _OP.PRODUCT, _OP.BAND, _OP.BOR, _OP.BXOR)


# -- arguments -------------------------------------------------------------------------
def _check_tensor(param, name):
    if not isinstance(param, Tensor):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type torch.Tensor
             but got {type(param)} instead.""")


def _check_tensor_list(param, name):
    if not isinstance(param, list):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]
             but got {type(param)} instead.""")
    if not all(isinstance(p, Tensor) for p in param):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]
             but got {type(param)} with elements of type {[type(p) for p in param]}.""")


def _group(grp, what):
    """The group to run on, or None (with torch's warning) when this process is not in it."""
    if not_member(grp):
        world = GroupMember.WORLD
        warnings.warn(f"Running {what} on global rank {-1 if world is None else world.rank()} "
                      f"which does not belong to the given group.", stacklevel=3)
        return None
    return resolve(grp)


def _group_rank(pg, rank, group_rank):
    """The group rank of a ``src``/``dst`` given as a global rank (default 0) or as
    ``group_src``/``group_dst``."""
    if rank is not None and group_rank is not None:
        raise ValueError("Can't specify both group_rank and global_rank")
    if group_rank is None:
        group_rank = get_group_rank(pg if pg is not GroupMember.WORLD else None,
                                    0 if rank is None else rank)
    return group_rank


def _root(pg, rank, group_rank, what):
    """The root of a collective, checked as the backend checks it."""
    group_rank = _group_rank(pg, rank, group_rank)
    if not 0 <= group_rank < pg.size():
        raise RuntimeError(f"{_pg_name(pg)}::{what}: invalid root rank: {group_rank}")
    return group_rank


def _pg_name(pg):
    return "ProcessGroupGloo" if pg._backend == "gloo" else "ProcessGroupMPI"


def _run(pg, requests, what, async_op, finish=None, result=(), statuses=None):
    work = Work(requests, pg._timeout, what, finish, result, statuses)
    if async_op:
        return work
    work.wait()
    return None


# -- buffers ----------------------------------------------------------------------------
def _bytes(array):
    """The bytes of a C-contiguous array, as MPI sends them."""
    return array.reshape(-1).view(xp.uint8)


def _input(t):
    return xp.ascontiguousarray(t._data)


def _output(t):
    """An array MPI may write ``t``'s values into: its own when contiguous, else a copy to
    be stored back by ``_store``."""
    a = t._data
    if a.flags.c_contiguous and a.flags.writeable:
        return a
    return xp.ascontiguousarray(a)


def _store(t, values):
    if values is not t._data:
        t._data[...] = values.reshape(t._data.shape)


class _Reduction:
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
        _store(t, values)
        if self.op is _OP.AVG:
            # torch's gloo divides the sum with the tensor's own div_, through autograd: a
            # non-leaf gets a DivBackward1 node, a leaf that requires grad refuses, and an
            # integer tensor cannot hold the quotient (the sum stays written)
            apply_inplace(div_scalar, t, (t, size))


# -- collectives ------------------------------------------------------------------------
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across the group, in place on every rank."""
    _check_tensor(tensor, "tensor")
    pg = _group(group, "all_reduce")
    if pg is None:
        return None
    red = _Reduction(op, tensor._data.dtype, "all_reduce")
    buf = red.pack(_output(tensor))
    MPI = _mpi.load()
    req = pg._comm.Iallreduce(MPI.IN_PLACE, buf, red.mpi_op)
    return _run(pg, [req], "all_reduce", async_op,
                lambda: red.unpack(buf, tensor, pg.size()), [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy ``tensor`` of rank ``src`` into ``tensor`` of every other rank."""
    _check_tensor(tensor, "tensor")
    pg = _group(group, "broadcast")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "broadcast")
    buf = _output(tensor)
    req = pg._comm.Ibcast(_bytes(buf), root)
    return _run(pg, [req], "broadcast", async_op, lambda: _store(tensor, buf), [tensor])


def _check_list(pg, tensors, like, what):
    if len(tensors) != pg.size():
        raise RuntimeError(f"{_pg_name(pg)}::{what}: invalid output tensor list at index 0 "
                           f"(expected length {pg.size()}, got {len(tensors)})")
    for i, t in enumerate(tensors):
        if t._data.dtype != like._data.dtype or t._data.shape != like._data.shape:
            raise RuntimeError(f"{_pg_name(pg)}::{what}: invalid tensor type or size at "
                               f"index {i} (expected {like.dtype}{list(like.shape)}, got "
                               f"{t.dtype}{list(t.shape)})")


def _store_rows(tensors, rows, dtype):
    for t, row in zip(tensors, rows):
        _store(t, row.view(dtype))


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` gets rank i's ``tensor``, on every rank."""
    _check_tensor_list(tensor_list, "tensor_list")
    _check_tensor(tensor, "tensor")
    pg = _group(group, "all_gather")
    if pg is None:
        return None
    _check_list(pg, tensor_list, tensor, "allgather")
    send = _bytes(_input(tensor))
    recv = xp.empty((pg.size(), send.size), dtype=xp.uint8)
    req = pg._comm.Iallgather(send, recv)
    return _run(pg, [req], "all_gather", async_op,
                lambda: _store_rows(tensor_list, recv, tensor._data.dtype), [tensor_list])


def _check_sizes(pg, big, small, what):
    if big._data.dtype != small._data.dtype:
        raise RuntimeError(f"{_pg_name(pg)}::{what}: the input and output tensors must have "
                           f"the same dtype")
    if big._data.size != pg.size() * small._data.size:
        raise ValueError(f"{what}: the output's numel ({big._data.size}) must be the world "
                         f"size ({pg.size()}) times the input's ({small._data.size})")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """The ranks' ``input_tensor``s, concatenated (or stacked) into ``output_tensor``."""
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    pg = _group(group, "all_gather_into_tensor")
    if pg is None:
        return None
    _check_sizes(pg, output_tensor, input_tensor, "all_gather_into_tensor")
    shape = output_tensor._data.shape
    block = (shape[0] // pg.size(),) + shape[1:] if shape else ()
    if block != input_tensor._data.shape:
        raise RuntimeError(f"{_pg_name(pg)}::allgather: invalid tensor size at index 0 "
                           f"(expected ({', '.join(map(str, input_tensor._data.shape))}), got "
                           f"({', '.join(map(str, block))}))")
    out = _output(output_tensor)
    req = pg._comm.Iallgather(_bytes(_input(input_tensor)), _bytes(out))
    return _run(pg, [req], "all_gather_into_tensor", async_op,
                lambda: _store(output_tensor, out), [output_tensor])


def _reduce_scatter(output, stacked, op, pg, what, async_op):
    red = _Reduction(op, output._data.dtype, what)
    send = red.pack(stacked)
    recv = red.pack(_output(output))
    req = pg._comm.Ireduce_scatter_block(send, recv, red.mpi_op)
    return _run(pg, [req], what, async_op, lambda: red.unpack(recv, output, pg.size()),
                [output])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """``output`` on rank i gets the reduction of every rank's ``input_list[i]``."""
    _check_tensor(output, "output")
    _check_tensor_list(input_list, "input_list")
    pg = _group(group, "reduce_scatter")
    if pg is None:
        return None
    _check_list(pg, input_list, output, "reduce_scatter")
    stacked = xp.stack([t._data for t in input_list])
    return _reduce_scatter(output, stacked, op, pg, "reduce_scatter", async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """``output`` on rank i gets the reduction of every rank's i-th block of ``input``."""
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _group(group, "reduce_scatter_tensor")
    if pg is None:
        return None
    _check_sizes(pg, input, output, "reduce_scatter_tensor")
    return _reduce_scatter(output, input._data, op, pg, "reduce_scatter_tensor", async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across the group into ``tensor`` of rank ``dst``."""
    _check_tensor(tensor, "tensor")
    pg = _group(group, "reduce")
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "reduce")
    red = _Reduction(op, tensor._data.dtype, "reduce")
    MPI = _mpi.load()
    if pg.rank() == root:
        buf = red.pack(_output(tensor))
        req = pg._comm.Ireduce(MPI.IN_PLACE, buf, red.mpi_op, root)
        finish = lambda: red.unpack(buf, tensor, pg.size())  # noqa: E731
    else:
        req = pg._comm.Ireduce(red.pack(tensor._data), None, red.mpi_op, root)
        finish = None
    return _run(pg, [req], "reduce", async_op, finish, [tensor])


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """``gather_list[i]`` of rank ``dst`` gets rank i's ``tensor``."""
    _check_tensor(tensor, "tensor")
    if gather_list is not None:
        _check_tensor_list(gather_list, "gather_list")
    pg = _group(group, "gather")
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "gather")
    send = _bytes(_input(tensor))
    if pg.rank() == root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _check_list(pg, gather_list, tensor, "gather")
        recv = xp.empty((pg.size(), send.size), dtype=xp.uint8)
        req = pg._comm.Igather(send, recv, root)
        finish = lambda: _store_rows(gather_list, recv, tensor._data.dtype)  # noqa: E731
    else:
        if gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on "
                             "non-destination ranks.")
        req = pg._comm.Igather(send, None, root)
        finish = None
    return _run(pg, [req], "gather", async_op, finish, [tensor])


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """``tensor`` of rank i gets ``scatter_list[i]`` of rank ``src``."""
    _check_tensor(tensor, "tensor")
    if scatter_list is not None:
        _check_tensor_list(scatter_list, "scatter_list")
    pg = _group(group, "scatter")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "scatter")
    out = _output(tensor)
    if pg.rank() == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_list(pg, scatter_list, tensor, "scatter")
        send = xp.stack([_bytes(_input(t)) for t in scatter_list])
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                             "ranks.")
        send = None
    req = pg._comm.Iscatter(send, _bytes(out), root)
    return _run(pg, [req], "scatter", async_op, lambda: _store(tensor, out), [tensor])


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every process of the group has reached this call."""
    pg = _group(group, "barrier")
    if pg is None:
        return None
    return _run(pg, [pg._comm.Ibarrier()], "barrier", async_op)


# -- point to point ---------------------------------------------------------------------
def _peer(pg, rank, group_rank, kind):
    group_rank = _group_rank(pg, rank, group_rank)
    if group_rank == pg.rank():
        raise ValueError(f"Invalid {kind} rank: {kind} rank should not be the same as the rank "
                         f"of the current process.")
    return group_rank


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst``; returns a Work to wait on."""
    _check_tensor(tensor, "tensor")
    pg = _group(group, "isend")
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "destination")
    data = _input(tensor)  # held by the request's closure until the send completes
    req = pg._comm.Isend(_bytes(data), peer, tag)
    return Work([req], pg._timeout, "send", lambda: data, [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (None: any rank); returns a Work."""
    _check_tensor(tensor, "tensor")
    pg = _group(group, "irecv")
    if pg is None:
        return None
    MPI = _mpi.load()
    peer = (MPI.ANY_SOURCE if src is None and group_src is None
            else _peer(pg, src, group_src, "source"))
    out = _output(tensor)
    status = MPI.Status()
    req = pg._comm.Irecv(_bytes(out), peer, tag)
    work = Work([req], pg._timeout, "recv", lambda: _store(tensor, out), [tensor], [status])
    work._source = lambda: pg._ranks[status.Get_source()]
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and wait until it has left."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (None: any); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    return work._source()


# -- Python objects (pickled by mpi4py; blocking, so without the group's timeout) --------
def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace ``object_list``'s items on every rank by those of rank ``src``."""
    pg = _group(group, "broadcast_object_list")
    if pg is None:
        return
    root = _root(pg, src, group_src, "broadcast")
    objects = pg._comm.bcast(list(object_list) if pg.rank() == root else None, root)
    object_list[:] = objects


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` gets rank i's ``obj``, on every rank."""
    pg = _group(group, "all_gather_object")
    if pg is None:
        return
    object_list[:] = pg._comm.allgather(obj)

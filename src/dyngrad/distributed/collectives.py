"""The collectives, each one MPI call.

Every operation is started non-blocking (NOTE [Waiting with a deadline] in ``_mpi``) and
returns a ``Work``; with ``async_op=False`` it is waited on before returning. Results are
written into the given tensors' arrays in place, outside autograd, as torch's c10d does:
no node is recorded and the version counter is not bumped, even on a tensor that
requires grad (torch.distributed is not differentiable). ``_transfer`` says how values
travel.
"""
from . import _mpi
from ._transfer import (Reduction, as_bytes, check_tensor, check_tensor_list, contiguous,
                        group_of, pg_name, root_rank, run, store, writable, xp)
from .distributed_c10d import ReduceOp

__all__ = ["all_reduce", "broadcast", "all_gather", "all_gather_into_tensor", "reduce_scatter",
           "reduce_scatter_tensor", "reduce", "gather", "scatter", "barrier", "all_to_all",
           "all_to_all_single"]


# -- collectives ------------------------------------------------------------------------
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across the group, in place on every rank."""
    check_tensor(tensor, "tensor")
    pg = group_of(group, "all_reduce")
    if pg is None:
        return None
    red = Reduction(op, tensor._data.dtype, "all_reduce")
    buf = red.pack(writable(tensor))
    MPI = _mpi.load()
    req = pg._comm.Iallreduce(MPI.IN_PLACE, buf, red.mpi_op)
    return run(pg, [req], "all_reduce", async_op,
                lambda: red.unpack(buf, tensor, pg.size()), [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy ``tensor`` of rank ``src`` into ``tensor`` of every other rank."""
    check_tensor(tensor, "tensor")
    pg = group_of(group, "broadcast")
    if pg is None:
        return None
    root = root_rank(pg, src, group_src, "broadcast")
    buf = writable(tensor)
    req = pg._comm.Ibcast(as_bytes(buf), root)
    return run(pg, [req], "broadcast", async_op, lambda: store(tensor, buf), [tensor])


def _check_list(pg, tensors, like, what):
    if len(tensors) != pg.size():
        raise RuntimeError(f"{pg_name(pg)}::{what}: invalid output tensor list at index 0 "
                           f"(expected length {pg.size()}, got {len(tensors)})")
    for i, t in enumerate(tensors):
        if t._data.dtype != like._data.dtype or t._data.shape != like._data.shape:
            raise RuntimeError(f"{pg_name(pg)}::{what}: invalid tensor type or size at "
                               f"index {i} (expected {like.dtype}{list(like.shape)}, got "
                               f"{t.dtype}{list(t.shape)})")


def _store_rows(tensors, rows, dtype):
    for t, row in zip(tensors, rows):
        store(t, row.view(dtype))


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` gets rank i's ``tensor``, on every rank."""
    check_tensor_list(tensor_list, "tensor_list")
    check_tensor(tensor, "tensor")
    pg = group_of(group, "all_gather")
    if pg is None:
        return None
    _check_list(pg, tensor_list, tensor, "allgather")
    send = as_bytes(contiguous(tensor))
    recv = xp.empty((pg.size(), send.size), dtype=xp.uint8)
    req = pg._comm.Iallgather(send, recv)
    return run(pg, [req], "all_gather", async_op,
                lambda: _store_rows(tensor_list, recv, tensor._data.dtype), [tensor_list])


def _check_sizes(pg, big, small, what):
    if big._data.dtype != small._data.dtype:
        raise RuntimeError(f"{pg_name(pg)}::{what}: the input and output tensors must have "
                           f"the same dtype")
    if big._data.size != pg.size() * small._data.size:
        raise ValueError(f"{what}: the output's numel ({big._data.size}) must be the world "
                         f"size ({pg.size()}) times the input's ({small._data.size})")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """The ranks' ``input_tensor``s, concatenated (or stacked) into ``output_tensor``."""
    check_tensor(output_tensor, "output_tensor")
    check_tensor(input_tensor, "input_tensor")
    pg = group_of(group, "all_gather_into_tensor")
    if pg is None:
        return None
    _check_sizes(pg, output_tensor, input_tensor, "all_gather_into_tensor")
    shape = output_tensor._data.shape
    block = (shape[0] // pg.size(),) + shape[1:] if shape else ()
    if block != input_tensor._data.shape:
        raise RuntimeError(f"{pg_name(pg)}::allgather: invalid tensor size at index 0 "
                           f"(expected ({', '.join(map(str, input_tensor._data.shape))}), got "
                           f"({', '.join(map(str, block))}))")
    out = writable(output_tensor)
    req = pg._comm.Iallgather(as_bytes(contiguous(input_tensor)), as_bytes(out))
    return run(pg, [req], "all_gather_into_tensor", async_op,
                lambda: store(output_tensor, out), [output_tensor])


def _reduce_scatter(output, stacked, op, pg, what, async_op):
    red = Reduction(op, output._data.dtype, what)
    send = red.pack(stacked)
    recv = red.pack(writable(output))
    req = pg._comm.Ireduce_scatter_block(send, recv, red.mpi_op)
    return run(pg, [req], what, async_op, lambda: red.unpack(recv, output, pg.size()),
                [output])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """``output`` on rank i gets the reduction of every rank's ``input_list[i]``."""
    check_tensor(output, "output")
    check_tensor_list(input_list, "input_list")
    pg = group_of(group, "reduce_scatter")
    if pg is None:
        return None
    _check_list(pg, input_list, output, "reduce_scatter")
    stacked = xp.stack([t._data for t in input_list])
    return _reduce_scatter(output, stacked, op, pg, "reduce_scatter", async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """``output`` on rank i gets the reduction of every rank's i-th block of ``input``."""
    check_tensor(output, "output")
    check_tensor(input, "input")
    pg = group_of(group, "reduce_scatter_tensor")
    if pg is None:
        return None
    _check_sizes(pg, input, output, "reduce_scatter_tensor")
    return _reduce_scatter(output, input._data, op, pg, "reduce_scatter_tensor", async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across the group into ``tensor`` of rank ``dst``."""
    check_tensor(tensor, "tensor")
    pg = group_of(group, "reduce")
    if pg is None:
        return None
    root = root_rank(pg, dst, group_dst, "reduce")
    red = Reduction(op, tensor._data.dtype, "reduce")
    MPI = _mpi.load()
    if pg.rank() == root:
        buf = red.pack(writable(tensor))
        req = pg._comm.Ireduce(MPI.IN_PLACE, buf, red.mpi_op, root)
        finish = lambda: red.unpack(buf, tensor, pg.size())  # noqa: E731
    else:
        req = pg._comm.Ireduce(red.pack(tensor._data), None, red.mpi_op, root)
        finish = None
    return run(pg, [req], "reduce", async_op, finish, [tensor])


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """``gather_list[i]`` of rank ``dst`` gets rank i's ``tensor``."""
    check_tensor(tensor, "tensor")
    if gather_list is not None:
        check_tensor_list(gather_list, "gather_list")
    pg = group_of(group, "gather")
    if pg is None:
        return None
    root = root_rank(pg, dst, group_dst, "gather")
    send = as_bytes(contiguous(tensor))
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
    return run(pg, [req], "gather", async_op, finish, [tensor])


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """``tensor`` of rank i gets ``scatter_list[i]`` of rank ``src``."""
    check_tensor(tensor, "tensor")
    if scatter_list is not None:
        check_tensor_list(scatter_list, "scatter_list")
    pg = group_of(group, "scatter")
    if pg is None:
        return None
    root = root_rank(pg, src, group_src, "scatter")
    out = writable(tensor)
    if pg.rank() == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_list(pg, scatter_list, tensor, "scatter")
        send = xp.stack([as_bytes(contiguous(t)) for t in scatter_list])
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                             "ranks.")
        send = None
    req = pg._comm.Iscatter(send, as_bytes(out), root)
    return run(pg, [req], "scatter", async_op, lambda: store(tensor, out), [tensor])


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every process of the group has reached this call."""
    pg = group_of(group, "barrier")
    if pg is None:
        return None
    return run(pg, [pg._comm.Ibarrier()], "barrier", async_op)


def _splits(sizes, rows, world, what):
    if sizes is None or len(sizes) == 0:
        if rows % world:
            raise ValueError(f"{what}: dim 0 ({rows}) is not divisible by the group size "
                             f"({world})")
        return [rows // world] * world
    if len(sizes) != world or sum(sizes) != rows:
        raise ValueError(f"{what}: split sizes {list(sizes)} do not cut dim 0 ({rows}) into "
                         f"{world} parts")
    return list(sizes)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op=False):
    """Rank i's j-th block of ``input`` (along dim 0) becomes rank j's i-th block of
    ``output``; the blocks are equal unless the split sizes say otherwise."""
    check_tensor(output, "output")
    check_tensor(input, "input")
    pg = group_of(group, "all_to_all_single")
    if pg is None:
        return None
    world = pg.size()
    rows_in = input._data.shape[0] if input._data.ndim else 1
    rows_out = output._data.shape[0] if output._data.ndim else 1
    row_in = input._data.nbytes // max(rows_in, 1)
    row_out = output._data.nbytes // max(rows_out, 1)
    send_counts = [n * row_in for n in _splits(input_split_sizes, rows_in, world,
                                               "all_to_all_single")]
    recv_counts = [n * row_out for n in _splits(output_split_sizes, rows_out, world,
                                                "all_to_all_single")]
    out = writable(output)
    req = pg._comm.Ialltoallv([as_bytes(contiguous(input)), send_counts],
                              [as_bytes(out), recv_counts])
    return run(pg, [req], "all_to_all_single", async_op, lambda: store(output, out), [output])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """``output_tensor_list[i]`` of rank j gets ``input_tensor_list[j]`` of rank i."""
    check_tensor_list(output_tensor_list, "output_tensor_list")
    check_tensor_list(input_tensor_list, "input_tensor_list")
    pg = group_of(group, "all_to_all")
    if pg is None:
        return None
    if len(output_tensor_list) != pg.size() or len(input_tensor_list) != pg.size():
        raise ValueError(f"all_to_all: both lists must hold {pg.size()} tensors")
    send = xp.concatenate([as_bytes(contiguous(t)) for t in input_tensor_list])
    recv_counts = [t._data.nbytes for t in output_tensor_list]
    recv = xp.empty(sum(recv_counts), dtype=xp.uint8)
    req = pg._comm.Ialltoallv([send, [t._data.nbytes for t in input_tensor_list]],
                              [recv, recv_counts])

    def finish():
        offset = 0
        for t, n in zip(output_tensor_list, recv_counts):
            store(t, recv[offset:offset + n].view(t._data.dtype))
            offset += n
    return run(pg, [req], "all_to_all", async_op, finish, [output_tensor_list])

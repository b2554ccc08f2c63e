"""Point-to-point: send and receive between two ranks, blocking or not, and in batches."""
from . import _mpi
from ._transfer import (as_bytes, check_tensor, contiguous, group_of, store, to_group_rank,
                        writable)
from ._work import Work

__all__ = ["isend", "irecv", "send", "recv", "P2POp", "batch_isend_irecv"]


def _peer(pg, rank, group_rank, kind):
    group_rank = to_group_rank(pg, rank, group_rank)
    if group_rank == pg.rank():
        raise ValueError(f"Invalid {kind} rank: {kind} rank should not be the same as the rank "
                         f"of the current process.")
    return group_rank


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst``; returns a Work to wait on."""
    check_tensor(tensor, "tensor")
    pg = group_of(group, "isend")
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "destination")
    data = contiguous(tensor)  # held by the request's closure until the send completes
    req = pg._comm.Isend(as_bytes(data), peer, tag)
    return Work([req], pg._timeout, "send", lambda: data, [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (None: any rank); returns a Work."""
    check_tensor(tensor, "tensor")
    pg = group_of(group, "irecv")
    if pg is None:
        return None
    MPI = _mpi.load()
    peer = (MPI.ANY_SOURCE if src is None and group_src is None
            else _peer(pg, src, group_src, "source"))
    out = writable(tensor)
    status = MPI.Status()
    req = pg._comm.Irecv(as_bytes(out), peer, tag)
    work = Work([req], pg._timeout, "recv", lambda: store(tensor, out), [tensor], [status])
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


class P2POp:
    """One send or receive for ``batch_isend_irecv``: ``op`` is ``isend`` or ``irecv``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type "
                             "``torch.distributed.isend`` or ``torch.distributed.irecv``.")
        self.op, self.tensor, self.peer, self.group, self.tag = op, tensor, peer, group, tag
        self.group_peer = group_peer


def batch_isend_irecv(p2p_op_list):
    """Start every operation of the list; returns their Works, in order."""
    if not p2p_op_list or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``torch.distributed.P2POp``.")
    works = []
    for p in p2p_op_list:
        if p.op is isend:
            works.append(isend(p.tensor, p.peer, p.group, p.tag, group_dst=p.group_peer))
        else:
            works.append(irecv(p.tensor, p.peer, p.group, p.tag, group_src=p.group_peer))
    return works

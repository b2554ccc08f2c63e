"""Collectives of picklable Python objects (pickled by mpi4py). They block in MPI, so the
group's timeout does not apply to them."""
from ._transfer import group_of, root_rank

__all__ = ["broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list"]


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace ``object_list``'s items on every rank by those of rank ``src``."""
    pg = group_of(group, "broadcast_object_list")
    if pg is None:
        return
    root = root_rank(pg, src, group_src, "broadcast")
    objects = pg._comm.bcast(list(object_list) if pg.rank() == root else None, root)
    object_list[:] = objects


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` gets rank i's ``obj``, on every rank."""
    pg = group_of(group, "all_gather_object")
    if pg is None:
        return
    object_list[:] = pg._comm.allgather(obj)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """``object_gather_list[i]`` of rank ``dst`` gets rank i's ``obj``."""
    pg = group_of(group, "gather_object")
    if pg is None:
        return
    root = root_rank(pg, dst, group_dst, "gather")
    objects = pg._comm.gather(obj, root)
    if pg.rank() == root:
        object_gather_list[:] = objects


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    """``scatter_object_output_list[0]`` of rank i gets item i of rank ``src``'s input."""
    pg = group_of(group, "scatter_object_list")
    if pg is None:
        return
    root = root_rank(pg, src, group_src, "scatter")
    mine = pg._comm.scatter(list(scatter_object_input_list) if pg.rank() == root else None,
                            root)
    scatter_object_output_list[0] = mine

"""torch.distributed over MPI (mpi4py): process groups, collectives, point-to-point.

Start the processes with ``python -m dyngrad.distributed.run --nproc-per-node N
script.py`` (torchrun's counterpart) or with ``mpiexec -n N python script.py``; in the
script, ``init_process_group`` makes every process of the MPI job one rank. The backend
``"mpi"`` and torch's CPU backend ``"gloo"`` both run on MPI.
"""
from ._mpi import DistBackendError, DistError  # noqa: F401
from ._work import Work  # noqa: F401
from .collectives import (all_gather, all_gather_into_tensor, all_reduce,  # noqa: F401
                          all_to_all, all_to_all_single, barrier, broadcast, gather, reduce,
                          reduce_scatter, reduce_scatter_tensor, scatter)
from .object_collectives import (all_gather_object, broadcast_object_list,  # noqa: F401
                                 gather_object, scatter_object_list)
from .point_to_point import P2POp, batch_isend_irecv, irecv, isend, recv, send  # noqa: F401
from .distributed_c10d import (Backend, GroupMember, ProcessGroup, ReduceOp,  # noqa: F401
                               default_pg_timeout, destroy_process_group, get_backend,
                               get_default_backend_for_device,
                               get_global_rank, get_group_rank, get_process_group_ranks,
                               get_rank, get_world_size, group, init_process_group,
                               is_available, is_gloo_available, is_initialized,
                               is_mpi_available, is_nccl_available, is_torchelastic_launched,
                               is_ucc_available, is_xccl_available, new_group)

from .. import _on_first_use

# torch.distributed.rpc, .autograd, .optim and .nn: loaded when first read (they bring threads
# and pickling that collectives do not need)
__getattr__, __dir__ = _on_first_use.on_first_use(globals(), {
    name: (name, None) for name in ("rpc", "autograd", "optim", "nn")})

"""torch.distributed.rpc over MPI: workers call functions on each other (``rpc_sync``,
``rpc_async``, ``remote`` with RRefs), and distributed autograd runs a backward through
the calls (``torch.distributed.autograd``).

Each worker is one process of the MPI job, started by ``python -m dyngrad.distributed.run
--nproc-per-node N script.py`` or ``mpiexec -n N python script.py``; ``init_rpc`` gives
it its name, and its rank is its id.
"""
from . import functions  # noqa: F401
from ._agent import WorkerInfo  # noqa: F401
from .api import (get_rpc_timeout, get_worker_info, init_rpc, rpc_async,  # noqa: F401
                  rpc_sync, shutdown)
from .options import (BackendType, RpcBackendOptions,  # noqa: F401
                      TensorPipeRpcBackendOptions)
from .rref import RRef, remote  # noqa: F401


def is_available():
    return True

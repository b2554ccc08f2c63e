"""Starting and ending RPC, and calling a function on another worker.

    rpc.init_rpc("worker0", rank=0, world_size=2)   # every worker calls it
    rpc.rpc_sync("worker1", torch.add, args=(torch.ones(2), 1))   # tensor([2., 2.])
    rpc.shutdown()                                    # waits for the others' work too

Workers are the processes of the MPI job (``python -m dyngrad.distributed.run``); a
worker's id is its rank. A function a worker runs for another is found by its pickled
name, so it must be importable (or defined in the script) on both.
"""
import os
import re

from .. import _mpi
from ..distributed_c10d import _rendezvous
from . import _agent, _autograd_context, _state, rref
from .options import BackendType, RpcBackendOptions, TensorPipeRpcBackendOptions

__all__ = ["init_rpc", "shutdown", "rpc_sync", "rpc_async", "get_worker_info",
           "get_rpc_timeout"]

_NAME = re.compile(r"[A-Za-z0-9\-_:]*")


def init_rpc(name, backend=None, rank=-1, world_size=None, rpc_backend_options=None):
    """Make this process the worker ``name``; every worker of the job calls it."""
    if backend is not None and not isinstance(backend, BackendType):
        raise TypeError("Argument backend must be a member of BackendType")
    options = rpc_backend_options or TensorPipeRpcBackendOptions()
    if not isinstance(options, RpcBackendOptions):
        raise TypeError(f"Argument rpc_backend_options must be an instance of "
                        f"RpcBackendOptions, got {type(options)}")
    if getattr(options, "device_maps", None) or getattr(options, "devices", None):
        raise NotImplementedError("dyngrad.distributed.rpc: device maps and devices are not "
                                  "supported (tensors stay on the CPU)")
    if _state._current[0] is not None:
        raise RuntimeError("RPC is already initialized")
    if not _mpi.available():
        raise RuntimeError("dyngrad.distributed.rpc needs mpi4py and an MPI "
                           "(pip install mpi4py mpich)")
    MPI = _mpi.load()
    world = MPI.COMM_WORLD
    if world.Get_size() > 1:
        # a worker failing here must not leave the others waiting in the collectives below
        _mpi.abort_on_error()
    init_method = options.init_method
    if world_size is None:
        world_size = -1
    if "RANK" in os.environ or rank != -1 or world.Get_size() > 1:
        _rendezvous(init_method, rank, world_size, world.Get_rank(), world.Get_size())
    if not (isinstance(name, str) and 0 < len(name) < 128 and _NAME.fullmatch(name)):
        raise RuntimeError(f"Worker name must match ^[A-Za-z0-9-_:]*$, and must be non-empty "
                           f"and shorter than 128 chars, but got {name}")
    comm = world.Dup()
    names = comm.allgather(name)
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        comm.Free()
        raise RuntimeError(f"RPC worker name {twice} is not unique: workers "
                           f"{[i for i, n in enumerate(names) if n == twice]} both use it")
    agent = _agent.Agent(comm, names, comm.Get_rank(), float(options.rpc_timeout),
                         options.num_worker_threads
                         if hasattr(options, "num_worker_threads") else 16)
    _autograd_context.init(agent.me.id)
    _state.set_agent(agent)


def shutdown(graceful=True, timeout=0):
    """End RPC on this worker. ``graceful``: first wait until every worker is done with
    its work (so the others' requests to this worker are served too)."""
    agent = _state.agent()
    agent.shutdown(graceful, timeout)
    _state.set_agent(None)
    _autograd_context.reset()
    rref.forget_values()


def get_worker_info(worker_name=None):
    """The WorkerInfo of ``worker_name`` (this worker's when None)."""
    agent = _state.agent()
    if worker_name is None:
        return agent.me
    return _state.worker(worker_name)


def get_rpc_timeout():
    """The default timeout of a call, in seconds."""
    return _state.agent().timeout


def rpc_sync(to, func, args=None, kwargs=None, timeout=-1.0):
    """Run ``func(*args, **kwargs)`` on worker ``to`` (a name, id or WorkerInfo) and
    return its result; an error raised there is raised here, naming the worker."""
    return _state.call(to, func, args, kwargs, timeout).wait()


def rpc_async(to, func, args=None, kwargs=None, timeout=-1.0):
    """As ``rpc_sync``, returning at once a ``torch.futures.Future`` of the result."""
    return _state.call(to, func, args, kwargs, timeout)

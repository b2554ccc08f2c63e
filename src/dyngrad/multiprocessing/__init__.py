"""torch.multiprocessing: Python's multiprocessing, plus ``spawn``/``start_processes``,
which run ``fn(i, *args)`` in ``nprocs`` processes and raise the first failure in the
parent.

Tensors sent between processes are pickled and copied (torch moves them into shared
memory instead); the sharing-strategy switches are kept and reported back.
"""
import multiprocessing
from multiprocessing import (Array, AuthenticationError, Barrier,  # noqa: F401
                             BoundedSemaphore, BufferTooShort, Condition, Event,
                             JoinableQueue, Lock, Manager, Pipe, Pool, Process, ProcessError,
                             Queue, RLock, RawArray, RawValue, Semaphore, SimpleQueue,
                             TimeoutError, Value, active_children, allow_connection_pickling,
                             cpu_count, current_process, freeze_support, get_all_start_methods,
                             get_context, get_logger, get_start_method, log_to_stderr,
                             parent_process, reducer, set_executable, set_forkserver_preload,
                             set_start_method)

from .spawn import (ProcessContext, ProcessException, ProcessExitedException,  # noqa: F401
                    ProcessRaisedException, spawn, start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies",
           "spawn", "start_processes", "ProcessContext", "ProcessRaisedException",
           "ProcessExitedException"] + list(multiprocessing.__all__)

_STRATEGIES = {"file_descriptor", "file_system"}
_strategy = ["file_descriptor"]


def set_sharing_strategy(new_strategy):
    if new_strategy not in _STRATEGIES:
        raise AssertionError(f"Invalid sharing strategy {new_strategy}")
    _strategy[0] = new_strategy


def get_sharing_strategy():
    return _strategy[0]


def get_all_sharing_strategies():
    return set(_STRATEGIES)

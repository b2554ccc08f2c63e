"""What runs inside a DataLoader worker process: seeding, WorkerInfo, and the loop that
fetches the batches whose indices the main process sends.

Worker ``i`` seeds Python's ``random`` and dyngrad's stream with ``base_seed + i`` and
NumPy's global generator with the SeedSequence of ``(i, base_seed's low and high 32
bits, 0)``: the numbers torch's workers get, so a dataset that draws random numbers in
``__getitem__`` sees torch's draws.
"""
import random
import sys
import traceback
from dataclasses import dataclass

import numpy as np

from ... import random as _random
from ._fetch import make_fetcher

__all__ = ["WorkerInfo", "get_worker_info"]

_worker_info = None


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """Information about the current DataLoader worker process: ``id`` (0 to
    num_workers - 1), ``num_workers``, ``seed`` and ``dataset`` (this worker's copy)."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The WorkerInfo of the worker process this runs in; None in the main process."""
    return _worker_info


class ResumeIteration:
    """Sent to persistent workers at a new epoch: start the dataset's iteration anew."""


class IterableStop:
    """A worker's iterable dataset is exhausted for this epoch."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ExceptionWrapper:
    """An exception raised in a worker, carried back with its traceback as text and raised
    again in the main process with torch's message."""

    def __init__(self, where):
        exc_type, exc, tb = sys.exc_info()
        self.exc_type = exc_type
        self.where = where
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            # KeyError shows its argument's repr: keep the traceback readable
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _KeyErrorMessage(str):
    def __repr__(self):
        return self


def numpy_seed(base_seed, worker_id):
    return np.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32,
                                   0]).generate_state(4)


def worker_loop(dataset, iterable, index_queue, data_queue, auto_collation, collate_fn,
                drop_last, base_seed, init_fn, worker_id, num_workers):
    global _worker_info
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    np.random.seed(numpy_seed(base_seed, worker_id))
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                              dataset=dataset)
    init_error = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
    except Exception:
        init_error = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
    ended = False
    while True:
        task = index_queue.get()
        if task is None:
            break
        if isinstance(task, ResumeIteration):
            data_queue.put((task, None))
            ended = False
            fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
            continue
        if ended:
            continue
        idx, index = task
        if init_error is not None:
            data, init_error = init_error, None
        else:
            try:
                data = fetcher.fetch(index)
            except StopIteration:
                if not iterable:
                    data = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
                else:
                    data, ended = IterableStop(worker_id), True
            except Exception:
                data = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
        data_queue.put((idx, data))

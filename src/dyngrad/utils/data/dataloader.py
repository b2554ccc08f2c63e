"""DataLoader: batches of a dataset in the order of a sampler, collated into tensors.

As in torch, each ``iter(loader)`` draws one int64 from the random stream (the workers'
base seed) and a shuffling RandomSampler draws its own seed when it starts, so from the
same seed the batches come in torch's order.

With ``num_workers > 0`` batches are loaded by worker processes
(_multiprocessing_iter.py), seeded from the base seed as torch seeds its workers.

    >>> ds = torch.utils.data.TensorDataset(torch.arange(5.))
    >>> [b[0].tolist() for b in torch.utils.data.DataLoader(ds, batch_size=2)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
"""
import os
import warnings

from ... import _dtype as _dt
from ...creation import empty
from ._fetch import make_fetcher
from ._multiprocessing_iter import MultiProcessingIter
from ._utils.collate import default_collate, default_convert
from ._worker import get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]


class _InfiniteConstantSampler:
    """For an IterableDataset: one None per sample, forever."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if isinstance(shuffle, bool) and shuffle:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._iterator = None
        self.check_worker_number_rationality()

    def check_worker_number_rationality(self):
        """Warn, as torch does, when there are more workers than CPUs to run them."""
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        cpus = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        if cpus is not None and self.num_workers <= cpus:
            return
        suggestion = ("DataLoader is not able to compute a suggested max number of worker in "
                      "current system." if cpus is None else
                      f"Our suggested max number of worker in current system is {cpus}"
                      f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, "
                      "which is smaller than what this DataLoader is going to create.")
        warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in "
                      f"total. {suggestion} Please be aware that excessive worker creation "
                      "might get DataLoader running slow or even freeze, lower the worker "
                      "number to avoid potential slowness/freeze if necessary.", stacklevel=2)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                full, rest = divmod(length, self.batch_size)
                length = full if self.drop_last or not rest else full + 1
            return length
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers > 0:
            # persistent workers: one iterator (and one base seed) for the loader's life
            if not self.persistent_workers:
                self.check_worker_number_rationality()
                return MultiProcessingIter(self)
            if self._iterator is None:
                self.check_worker_number_rationality()
                self._iterator = MultiProcessingIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._single_process()

    def _single_process(self):
        indices = iter(self._index_sampler)
        # the base seed torch gives its workers: drawn even with no workers, at iter()
        empty((), dtype=_dt.int64).random_(generator=self.generator)
        fetcher = make_fetcher(self._iterable, self.dataset, self._auto_collation,
                               self.collate_fn, self.drop_last)
        return _batches(fetcher, indices)


def _batches(fetcher, indices):
    for index in indices:
        try:
            batch = fetcher.fetch(index)
        except StopIteration:      # an exhausted iterable dataset ends the pass
            return
        yield batch

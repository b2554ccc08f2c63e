"""The DataLoader's iterator over worker processes (``num_workers > 0``).

Each worker has its own index queue; all answer on one data queue. Batch indices go to
the workers in turn (``prefetch_factor`` per worker in flight), and the batches come back
in the sampler's order however the workers finish (``in_order=False``: as they arrive).
An iterable dataset runs in every worker (shard it with ``get_worker_info()``); a worker
whose copy is exhausted gets no more indices this epoch. The queue protocol and the order
in which indices are handed out are torch's, so the same seed gives the same batches.
"""
import itertools
import multiprocessing
import os
import queue

from ... import _dtype as _dt
from ...creation import empty
from ._worker import ExceptionWrapper, IterableStop, ResumeIteration, worker_loop

_POLL_SECONDS = 5.0


class MultiProcessingIter:
    def __init__(self, loader):
        self._loader = loader
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor
        self._in_order = loader.in_order
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        self._iterable = loader._iterable
        self._sampler_iter = iter(loader._index_sampler)
        # drawn once per iterator: persistent workers keep their seeds across epochs
        self._base_seed = empty((), dtype=_dt.int64).random_(generator=loader.generator).item()
        context = loader.multiprocessing_context
        if context is None:
            context = multiprocessing.get_context()
        elif isinstance(context, str):
            context = multiprocessing.get_context(context)
        self._data_queue = context.Queue()
        self._index_queues, self._workers = [], []
        for worker_id in range(self._num_workers):
            index_queue = context.Queue()
            worker = context.Process(
                target=worker_loop, daemon=True,
                args=(loader.dataset, self._iterable, index_queue, self._data_queue,
                      loader._auto_collation, loader.collate_fn, loader.drop_last,
                      self._base_seed, loader.worker_init_fn, worker_id, self._num_workers))
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._shutdown = False
        self._owner = os.getpid()       # a forked child inherits this object: not its workers
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        if not first_iter:
            self._sampler_iter = iter(loader._index_sampler)
        self._send_idx = 0          # the next task to send
        self._rcvd_idx = 0          # the next task to return
        self._task_info = {}        # task -> (worker,) while out, (worker, data) if early
        self._tasks_outstanding = 0
        self._active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for q in self._index_queues:
                q.put(ResumeIteration())
            resumed = 0
            while resumed < self._num_workers:
                idx, _ = self._get()
                resumed += isinstance(idx, ResumeIteration)
        for _ in range(self._prefetch * self._num_workers):
            self._put_index()

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _put_index(self):
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker = next(self._worker_cycle)
            if self._active[worker]:
                break
        else:
            return
        self._index_queues[worker].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get(self):
        while True:
            try:
                return self._data_queue.get(
                    timeout=self._timeout if self._timeout > 0 else _POLL_SECONDS)
            except queue.Empty:
                if self._timeout > 0:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} "
                                       "seconds") from None
                dead = [str(w.pid) for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(dead)}) exited "
                                       "unexpectedly") from None

    def __next__(self):
        while True:
            # skip tasks of exhausted workers that will never answer
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info and (len(info) == 2 or self._active[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process(data)
            idx, data = self._get()
            self._tasks_outstanding -= 1
            if isinstance(data, IterableStop):
                self._active[data.worker_id] = False
                self._put_index()
                continue
            if idx != self._rcvd_idx and self._in_order:
                self._task_info[idx] += (data,)
                continue
            self._task_info.pop(idx)
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown_workers(self):
        if self._shutdown or os.getpid() != self._owner:
            return
        self._shutdown = True
        for q in self._index_queues:
            q.put(None)
        for w in self._workers:
            w.join(timeout=_POLL_SECONDS)
            if w.is_alive():
                w.terminate()
        for q in self._index_queues + [self._data_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass

"""DistributedDataParallel's reducer: gradients averaged across ranks in buckets, each
bucket's all-reduce started as soon as its last gradient has been accumulated.

    backward ──> p.grad accumulated ──> post-accumulate hook: p ready
                     bucket complete ──> flat copy * 1/world, Iallreduce (non-blocking)
    end of backward (engine callback) ──> wait for every bucket, copy back into p.grad

NOTE [Bucket order]
Buckets are all-reduced in one order on every rank (MPI matches collectives by the order
they are started), so a complete bucket waits for the ones before it. The first
iteration runs with torch's initial buckets: all parameters in one (or, with
``find_unused_parameters``, buckets of ``bucket_cap_mb`` in reverse registration order).
After it, as torch does, the buckets are rebuilt in the order the gradients became ready
on rank 0 (the first bucket holding ~1 MiB when ``bucket_cap_mb`` is not given), so the
first bucket is sent while the rest of the backward runs.
"""
import sys

from ... import _backend
from ... import distributed as dist
from ...autograd.variable import Variable
from ...distributed._mpi import Progress
from ...tensor import _wrap

xp = _backend.xp

_DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024


def compute_bucket_assignment_by_size(tensors, bucket_size_limits, tensor_indices=None):
    """torch's ``_compute_bucket_assignment_by_size``: walk the tensors, fill one open
    bucket per dtype, close it once it holds ``limit`` bytes (the limits are used in turn,
    the last one for ever after). Without ``tensor_indices`` the buckets are sorted by the
    smallest index they hold; with it (the ready order) they stay in the order closed.
    Returns (buckets of indices, the limit of each)."""
    result = []
    open_ = {}  # dtype -> [indices, bytes, position in the limits]
    for i, t in enumerate(tensors):
        index = i if tensor_indices is None else tensor_indices[i]
        bucket = open_.setdefault(t._data.dtype, [[], 0, 0])
        bucket[0].append(index)
        bucket[1] += t._data.nbytes
        limit = bucket_size_limits[bucket[2]]
        if bucket[1] >= limit:
            result.append((bucket[0], limit))
            open_[t._data.dtype] = [[], 0, min(bucket[2] + 1, len(bucket_size_limits) - 1)]
    for indices, _, position in open_.values():
        if indices:
            result.append((indices, bucket_size_limits[position]))
    if tensor_indices is None:
        result.sort(key=lambda bucket: min(bucket[0]))
    return [b for b, _ in result], [limit for _, limit in result]


class _Bucket:
    __slots__ = ("indices", "pending", "flat", "work")

    def __init__(self, indices):
        self.indices = indices
        self.pending = len(indices)
        self.flat = self.work = None


class Reducer:
    def __init__(self, params, process_group, bucket_bytes_cap, first_bucket_bytes_cap,
                 find_unused_parameters, static_graph):
        self.params = params
        self.group = process_group
        self.world = dist.get_world_size(process_group)
        self.find_unused = find_unused_parameters
        self.rebuild_limits = [first_bucket_bytes_cap, bucket_bytes_cap]
        limits = ([bucket_bytes_cap] if first_bucket_bytes_cap >= bucket_bytes_cap
                  else self.rebuild_limits)
        limits = limits if find_unused_parameters and not static_graph else [sys.maxsize]
        buckets, _ = compute_bucket_assignment_by_size(params, limits)
        self.should_rebuild = static_graph or not find_unused_parameters
        self._set_buckets(list(reversed(buckets)))
        self.expect_hooks = False      # a synced backward is coming (set by the forward)
        self.require_finalize = False  # its hooks have started and it has not finished
        self.ready_order = []
        self.marked = set()
        self.unused = []
        self.local_used = None
        self.progress = Progress()
        for i, p in enumerate(params):
            p.register_post_accumulate_grad_hook(self._hook(i))

    def _set_buckets(self, buckets):
        self.buckets = [_Bucket(list(b)) for b in buckets]
        self.bucket_of = {i: k for k, b in enumerate(buckets) for i in b}

    def _hook(self, index):
        def ready(param):
            if self.expect_hooks:
                self._first_hook()
                self._mark_ready(index)
        return ready

    # -- a backward -----------------------------------------------------------------------
    def prepare_for_forward(self):
        """Before a synced forward: the prior backward must have finished its reduction;
        after the first one, the buckets are rebuilt (NOTE [Bucket order])."""
        if self.require_finalize:
            self._unfinished_error()
        if self.should_rebuild and self.ready_order:
            order = [self.ready_order]  # rank 0's order, so every rank buckets alike
            src = 0 if self.group is None else dist.get_global_rank(self.group, 0)
            dist.broadcast_object_list(order, src=src, group=self.group)
            order = order[0]
            buckets, _ = compute_bucket_assignment_by_size(
                [self.params[i] for i in order], self.rebuild_limits, order)
            self._set_buckets(buckets)
            self.should_rebuild = False

    def prepare_for_backward(self, unused):
        for b in self.buckets:
            b.pending = len(b.indices)
            b.flat = b.work = None
        self.next_bucket = 0
        self.marked = set()
        self.in_flight = []
        self.first = True
        self.queued = False
        self.expect_hooks = True
        self.unused = unused
        self.ready_order = [] if self.should_rebuild else self.ready_order
        if self.find_unused:
            self.local_used = xp.zeros(len(self.params), dtype=xp.int32)

    def _first_hook(self):
        if not self.first:
            return
        self.first = False
        self.require_finalize = True
        for i in self.unused:
            self._mark_ready(i, used=False)

    def _mark_ready(self, index, used=True):
        self.marked.add(index)
        if self.should_rebuild and used:
            self.ready_order.append(index)
        if self.local_used is not None and used:
            self.local_used[index] = 1
        bucket = self.buckets[self.bucket_of[index]]
        bucket.pending -= 1
        buckets = self.buckets
        while self.next_bucket < len(buckets) and buckets[self.next_bucket].pending == 0:
            self._launch(buckets[self.next_bucket])
            self.next_bucket += 1
        # each hook lets MPI move the buckets in flight along (it progresses only in calls)
        self.in_flight = [w for w in self.in_flight if not w.is_completed()]
        if self.next_bucket == len(buckets) and not self.queued:
            self.queued = True
            Variable._execution_engine.queue_callback(self._finalize)

    def _launch(self, bucket):
        parts = []
        for i in bucket.indices:
            g = self.params[i]._grad
            p = self.params[i]._data
            parts.append(xp.zeros(p.size, p.dtype) if g is None else g._data.reshape(-1))
        flat = xp.concatenate(parts) if len(parts) > 1 else parts[0].copy()
        flat *= 1.0 / self.world
        bucket.flat = flat
        bucket.work = dist.all_reduce(_wrap(flat), group=self.group, async_op=True)
        self.in_flight.append(bucket.work)
        self.progress.start(dist.distributed_c10d.resolve(self.group)._comm)

    def _finalize(self):
        """The end of the backward: wait for every bucket, then write the averages into
        the gradients (in place where a gradient exists)."""
        self.expect_hooks = self.require_finalize = False
        self.progress.stop()
        used = None
        if self.local_used is not None:
            used = _wrap(self.local_used)
            dist.all_reduce(used, group=self.group)
            used = used._data
        for b in self.buckets:
            b.work.wait()
            offset = 0
            for i in b.indices:
                p = self.params[i]
                n = p._data.size
                if used is None or used[i]:
                    values = b.flat[offset:offset + n].reshape(p._data.shape)
                    if p._grad is None:
                        p._grad = _wrap(values.copy())
                    else:
                        p._grad._data[...] = values
                offset += n
            b.flat = b.work = None

    def _unfinished_error(self):
        missing = [i for i in range(len(self.params)) if i not in self.marked]
        raise RuntimeError(
            "Expected to have finished reduction in the prior iteration before starting a new "
            "one. This error indicates that your module has parameters that were not used in "
            "producing loss. You can enable unused parameter detection by passing the keyword "
            "argument `find_unused_parameters=True` to "
            "`torch.nn.parallel.DistributedDataParallel`, and by \nmaking sure all `forward` "
            "function outputs participate in calculating loss. \nIf you already have done the "
            "above, then the distributed data parallel module wasn't able to locate the output "
            "tensors in the return value of your module's `forward` function. Please include "
            "the loss function and the structure of the return value of `forward` of your "
            "module when reporting this issue (e.g. list, dict, iterable).\nParameter indices "
            f"which did not receive grad for rank {dist.get_rank()}: "
            f"{' '.join(map(str, missing))}\n In addition, you can set the environment "
            "variable TORCH_DISTRIBUTED_DEBUG to either INFO or DETAIL to print out "
            "information about which particular parameters did not receive gradient on this "
            "rank as part of this error")

"""DistributedDataParallel under mpiexec: replicas identical after every step and equal
(float64, 1e-12) to one process training on the full batch; bucket order as torch's."""
import os

import pytest
import torch

import dyngrad
from dyngrad.nn.parallel._reducer import compute_bucket_assignment_by_size

from ._launch import HERE, check, mpiexec, needs_mpi

WORKER = os.path.join(HERE, "ddp_worker.py")


@needs_mpi
@pytest.mark.parametrize("n, case", [(2, "default"), (2, "buckets"), (3, "buckets"),
                                     (3, "no_sync"), (2, "unused"), (2, "unused_error")])
def test_ddp_matches_one_process_on_the_full_batch(n, case):
    check(mpiexec(n, WORKER, case), n, case)


SHAPES = [(4, 3), (3,), (100, 10), (10,), (7, 7), (2,), (300,), (1,)]


@pytest.mark.parametrize("limits", [[1 << 62], [400], [1024, 4000], [1, 1], [8000, 1]])
@pytest.mark.parametrize("ready", [None, [7, 6, 4, 5, 3, 2, 1, 0], [0, 2, 4, 6, 1, 3, 5, 7]])
def test_bucket_assignment_is_torchs(limits, ready):
    mixed = [torch.float32 if i != 3 else torch.float64 for i in range(len(SHAPES))]
    ts = [torch.zeros(s, dtype=d) for s, d in zip(SHAPES, mixed)]
    ds = [dyngrad.zeros(s, dtype=getattr(dyngrad, str(d)[6:])) for s, d in zip(SHAPES, mixed)]
    if ready is not None:
        ts, ds = [ts[i] for i in ready], [ds[i] for i in ready]
        expected = torch.distributed._compute_bucket_assignment_by_size(ts, limits, [False] * 8,
                                                                        ready)
    else:
        expected = torch.distributed._compute_bucket_assignment_by_size(ts, limits)
    got = compute_bucket_assignment_by_size(ds, limits, ready)
    assert sorted(map(tuple, got[0])) == sorted(map(tuple, expected[0]))
    if len(set(mixed)) == 1 or ready is None:
        assert got == (expected[0], expected[1])

"""torch.multiprocessing against torch: spawn runs fn(i, *args) in each process (tensors
made there come back through a queue), a child's exception and a child's exit code are
raised in the parent with torch's exception types and messages, join=False returns the
context, and the module re-exports Python's multiprocessing. Two small processes per
library."""
import multiprocessing as mp

import pytest
import torch

import dyngrad
import spawn_targets

LIBS = (torch, dyngrad)


def test_spawn_runs_each_index_and_returns_none():
    results = []
    for lib in LIBS:
        queue = mp.get_context("spawn").SimpleQueue()
        out = lib.multiprocessing.spawn(spawn_targets.square_into_queue,
                                        args=(lib.__name__, queue), nprocs=2)
        results.append((out, sorted(queue.get() for _ in range(2))))
    assert results[0] == results[1]
    assert results[0][1][1] == (1, [1.0, 4.0, 9.0], "float32")


def test_child_exception_and_exit_code():
    seen = []
    for lib in LIBS:
        mpl = lib.multiprocessing
        with pytest.raises(mpl.ProcessRaisedException) as raised:
            mpl.start_processes(spawn_targets.fail, args=(1,), nprocs=2, start_method="fork")
        text = str(raised.value)
        with pytest.raises(mpl.ProcessExitedException) as exited:
            mpl.start_processes(spawn_targets.exit_with, args=(3,), nprocs=1,
                                start_method="fork")
        seen.append((text.splitlines()[:3], text.splitlines()[-1], raised.value.error_index,
                     str(exited.value), exited.value.exit_code))
    assert seen[0] == seen[1]


def test_context_and_namespace():
    seen = []
    for lib in LIBS:
        mpl = lib.multiprocessing
        ctx = mpl.start_processes(spawn_targets.fail, args=(-1,), nprocs=1, join=False,
                                  start_method="fork")
        while not ctx.join():
            pass
        seen.append((type(ctx).__name__, len(ctx.pids()), mpl.get_sharing_strategy(),
                     sorted(mpl.get_all_sharing_strategies()), mpl.Queue is mp.Queue,
                     mpl.Process is mp.Process, mpl.cpu_count() == mp.cpu_count()))
    assert seen[0] == seen[1]

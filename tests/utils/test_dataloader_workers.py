"""DataLoader with worker processes against torch: the same batches in the same order,
the same random numbers drawn inside each worker (dyngrad's stream, NumPy's global
generator and Python's random, seeded from the base seed as torch seeds them),
get_worker_info, worker_init_fn, persistent workers across epochs, iterable datasets
sharded by worker, prefetch_factor, and an error raised in a worker. Kept small: every
loader here starts two or three processes."""
import random

import numpy as np
import pytest
import torch

import dyngrad


def _lib_data(lib):
    return lib.utils.data


def _random_dataset(lib):
    data = _lib_data(lib)

    class Draws(data.Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            info = data.get_worker_info()
            return lib.tensor([float(i), lib.rand(1).item(), float(np.random.rand()),
                               random.random(), info.id, info.seed, info.num_workers])
    return Draws()


def _stream(lib, n):
    data = _lib_data(lib)

    class Stream(data.IterableDataset):
        def __iter__(self):
            info = data.get_worker_info()
            return iter(range(info.id, n, info.num_workers))
    return Stream()


def _init(worker_id):
    # a worker_init_fn that reads the worker's info and reseeds NumPy from it
    info = (torch if _init.lib == "torch" else dyngrad).utils.data.get_worker_info()
    assert info.id == worker_id
    np.random.seed(info.seed % 2 ** 32 + 7)


def _run(lib):
    data = _lib_data(lib)
    _init.lib = lib.__name__
    out = []
    lib.manual_seed(0)
    loader = data.DataLoader(_random_dataset(lib), batch_size=3, shuffle=True, num_workers=2)
    out.append([b.tolist() for b in loader])
    out.append(lib.rand(2).tolist())             # the main stream after the pass
    g = lib.Generator().manual_seed(5)
    loader = data.DataLoader(_random_dataset(lib), batch_size=2, num_workers=2, generator=g,
                             persistent_workers=True, worker_init_fn=_init, prefetch_factor=1)
    out.append([[b.tolist() for b in loader] for _ in range(2)])
    out.append(lib.rand(2).tolist())
    out.append([b.tolist() for b in data.DataLoader(_stream(lib, 7), batch_size=2,
                                                    num_workers=2, drop_last=True)])
    out.append([int(b) for b in data.DataLoader(_stream(lib, 5), batch_size=None,
                                                num_workers=2)])
    out.append(data.get_worker_info())
    return out


def test_batches_and_worker_streams_equal_torch():
    assert _run(dyngrad) == _run(torch)


def _failing(lib):
    data = _lib_data(lib)

    class Bad(data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 2:
                raise KeyError("item 2")
            return i
    return Bad()


def test_worker_error_is_raised_in_the_main_process():
    seen = []
    for lib in (dyngrad, torch):
        batches = []
        with pytest.raises(KeyError) as info:
            for b in _lib_data(lib).DataLoader(_failing(lib), num_workers=2):
                batches.append(int(b))
        lines = str(info.value).splitlines()
        seen.append((batches, lines[0], lines[1], lines[-1]))
        del info                    # its traceback holds the iterator and its workers
    assert seen[0] == seen[1]
    assert seen[0][1] == "Caught KeyError in DataLoader worker process 0."


def test_worker_info_is_frozen_and_prints_as_torch():
    ours = dyngrad.utils.data._worker.WorkerInfo(id=1, num_workers=2, seed=3, dataset=None)
    theirs = torch.utils.data._utils.worker.WorkerInfo(id=1, num_workers=2, seed=3,
                                                         dataset=None)
    assert repr(ours) == repr(theirs)
    for info in (ours, theirs):
        with pytest.raises(AttributeError):
            info.id = 4

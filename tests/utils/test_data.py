"""torch.utils.data against torch: batch order from the same seed, collation of every
kind of sample, samplers, random_split, and the argument errors."""
import collections

import numpy as np
import pytest

from side_by_side import assert_same


def _tensor_ds(lib, n=10):
    return lib.utils.data.TensorDataset(lib.arange(n * 2.0).view(n, 2), lib.arange(n))


class _Dicts:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.full(2, i, dtype=np.float32), "y": i, "w": i / 2, "name": f"s{i}",
                "pair": (i, [i * 1.5, -i])}


def _batches(loader, passes=2):
    return [[b for b in loader] for _ in range(passes)]


CASES = {
    "sequential": lambda lib: _batches(lib.utils.data.DataLoader(_tensor_ds(lib), batch_size=3)),
    "drop_last": lambda lib: (_batches(lib.utils.data.DataLoader(_tensor_ds(lib), batch_size=4,
                                                                 drop_last=True)),
                              len(lib.utils.data.DataLoader(_tensor_ds(lib), batch_size=4,
                                                            drop_last=True))),
    "shuffle_seeded": lambda lib: (lib.manual_seed(3), _batches(lib.utils.data.DataLoader(
        _tensor_ds(lib), batch_size=4, shuffle=True)), lib.rand(2))[1:],
    "shuffle_generator": lambda lib: (lambda g: (g.manual_seed(7), _batches(
        lib.utils.data.DataLoader(_tensor_ds(lib), batch_size=3, shuffle=True, generator=g))
    ))(lib.Generator())[1],
    "stream_after_loader": lambda lib: (lib.manual_seed(0),
                                        [b for b in lib.utils.data.DataLoader(_tensor_ds(lib))],
                                        lib.randn(3))[2],
    "collate_dicts": lambda lib: _batches(lib.utils.data.DataLoader(_Dicts(5), batch_size=2), 1),
    "collate_namedtuple": lambda lib: lib.utils.data.default_collate(
        [collections.namedtuple("P", "a b")(1, 2.0), collections.namedtuple("P", "a b")(3, 4.0)]),
    "no_batching": lambda lib: _batches(lib.utils.data.DataLoader(_Dicts(2), batch_size=None), 1),
    "sampler": lambda lib: _batches(lib.utils.data.DataLoader(
        _tensor_ds(lib), batch_size=2, sampler=[9, 0, 3, 3, 1])),
    "batch_sampler": lambda lib: _batches(lib.utils.data.DataLoader(
        _tensor_ds(lib), batch_sampler=[[1, 2], [5], [0, 9, 8]])),
    "collate_fn": lambda lib: _batches(lib.utils.data.DataLoader(
        _tensor_ds(lib), batch_size=4, collate_fn=lambda b: len(b))),
    "random_sampler_replacement": lambda lib: (lib.manual_seed(1), list(
        lib.utils.data.RandomSampler(range(7), replacement=True, num_samples=40)))[1],
    "random_sampler_num_samples": lambda lib: (lib.manual_seed(1), list(
        lib.utils.data.RandomSampler(range(4), num_samples=10)))[1],
    "weighted_random": lambda lib: (lib.manual_seed(5), list(lib.utils.data.WeightedRandomSampler(
        [0.1, 0.9, 0.4, 0.6], 12)), list(lib.utils.data.WeightedRandomSampler(
            [1.0, 2.0, 3.0, 4.0, 0.5], 3, replacement=False)))[1:],
    "distributed": lambda lib: [
        (lambda s: (s.set_epoch(e), list(s), len(s))[1:])(lib.utils.data.DistributedSampler(
            range(10), num_replicas=3, rank=r, drop_last=d, seed=4))
        for r in (0, 2) for d in (False, True) for e in (0, 1)],
    # more replicas than samples (padding repeats the whole list), no shuffling, rank 0 of 1
    "distributed_pad_order": lambda lib: [
        list(lib.utils.data.DistributedSampler(range(n), num_replicas=k, rank=r, shuffle=s,
                                               drop_last=d, seed=7))
        for n, k, r in ((3, 5, 4), (2, 7, 6), (7, 3, 1), (1, 1, 0), (0, 2, 1))
        for s in (False, True) for d in (False, True)],
    "distributed_no_group": lambda lib: lib.utils.data.DistributedSampler(range(4)),
    "distributed_bad_rank": lambda lib: lib.utils.data.DistributedSampler(range(4), 2, rank=2),
    "subset_random": lambda lib: (lib.manual_seed(2), list(
        lib.utils.data.SubsetRandomSampler([10, 20, 30, 40])))[1],
    "batch_sampler_class": lambda lib: (list(lib.utils.data.BatchSampler(range(7), 3, False)),
                                        len(lib.utils.data.BatchSampler(range(7), 3, True))),
    "random_split": lambda lib: (lib.manual_seed(0), [list(s) for s in
                                                      lib.utils.data.random_split(range(10),
                                                                                  [3, 7])])[1],
    "random_split_fractions": lambda lib: [s.indices for s in lib.utils.data.random_split(
        range(11), [0.5, 0.3, 0.2], generator=lib.Generator().manual_seed(4))],
    "random_split_bad": lambda lib: lib.utils.data.random_split(range(10), [3, 3]),
    "concat_subset": lambda lib: (lambda c: (len(c), c[11], c[-1], c.cumulative_sizes,
                                             lib.utils.data.Subset(c, [0, 12])[1]))(
        lib.utils.data.ConcatDataset([_tensor_ds(lib), _tensor_ds(lib, 3)])),
    "iterable_dataset": lambda lib: _batches(lib.utils.data.DataLoader(
        type("It", (lib.utils.data.IterableDataset,), {"__iter__": lambda self: iter(range(7))})(),
        batch_size=3)),
    "iterable_shuffle_error": lambda lib: lib.utils.data.DataLoader(
        type("It", (lib.utils.data.IterableDataset,), {"__iter__": lambda self: iter(range(7))})(),
        shuffle=True),
    "sampler_shuffle_error": lambda lib: lib.utils.data.DataLoader(range(3), sampler=[0],
                                                                   shuffle=True),
    "batch_sampler_error": lambda lib: lib.utils.data.DataLoader(range(3), batch_sampler=[[0]],
                                                                 batch_size=2),
    "drop_last_no_batch_error": lambda lib: lib.utils.data.DataLoader(range(3), batch_size=None,
                                                                      drop_last=True),
    "tensor_dataset_mismatch": lambda lib: lib.utils.data.TensorDataset(lib.ones(2), lib.ones(3)),
    "collate_ragged_error": lambda lib: lib.utils.data.default_collate([[1, 2], [3]]),
    "collate_bad_type": lambda lib: lib.utils.data.default_collate([object(), object()]),
}


@pytest.mark.parametrize("name", CASES)
def test_data(name):
    assert_same(CASES[name])

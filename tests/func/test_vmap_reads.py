"""Functions outside the op table that read their tensors' values, under vmap, against
torch.vmap: each sample's own answer (never the first sample's), or torch's refusal
(NOTE [Functions that read arrays under vmap] in ops/_batched.py)."""
import numpy as np
import pytest
import torch

import dyngrad

from tests.func._compare import observe

X = np.array([[0.0, 1.0, 2.0, 0.0], [3.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]], np.float32)
SAME_COUNT = np.array([[0.0, 1.0, 2.0, 0.0], [3.0, 0.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0]],
                      np.float32)

CASES = {
    "all": lambda lib, s: s.all(),
    "any_dim": lambda lib, s: (s > 2).any(0),
    "all_keepdim": lambda lib, s: s.reshape(2, 2).all(1, keepdim=True),
    "all_0d": lambda lib, s: s[0].all(),
    "count_nonzero": lambda lib, s: lib.count_nonzero(s),
    "count_nonzero_dim": lambda lib, s: lib.count_nonzero(s.reshape(2, 2), dim=1),
    "searchsorted": lambda lib, s: lib.searchsorted(lib.tensor([0.5, 1.5]), s),
    "searchsorted_batched_sequence": lambda lib, s: lib.searchsorted(s.sort()[0],
                                                                    lib.tensor([0.5, 1.5])),
    "bucketize": lambda lib, s: lib.bucketize(s, lib.tensor([0.5, 1.5]), right=True),
    "one_hot": lambda lib, s: lib.nn.functional.one_hot(s.long(), 4),
    "one_hot_inferred": lambda lib, s: lib.nn.functional.one_hot(s.long()),
    "histc": lambda lib, s: lib.histc(s, 3),
    "nonzero": lambda lib, s: lib.nonzero(s),
    "nonzero_tuple": lambda lib, s: lib.nonzero(s, as_tuple=True)[0],
    "where_condition_only": lambda lib, s: lib.where(s > 0)[0],
    "argwhere": lambda lib, s: lib.argwhere(s),
    "bincount": lambda lib, s: lib.bincount(s.long()),
    "repeat_interleave_counts": lambda lib, s: lib.repeat_interleave(s, s.long()),
    "allclose": lambda lib, s: lib.tensor(lib.allclose(s, s)),
    "equal": lambda lib, s: lib.tensor(lib.equal(s, s)),
    "gaussian_nll_negative_check": lambda lib, s: lib.nn.functional.gaussian_nll_loss(
        s, s * 2, s + 1),
}


@pytest.mark.parametrize("values", [X, SAME_COUNT], ids=["counts_differ", "counts_agree"])
@pytest.mark.parametrize("name", list(CASES))
def test_reads_each_sample(name, values):
    def case(lib):
        return lib.func.vmap(lambda s: CASES[name](lib, s))(lib.tensor(values))
    assert observe(case, dyngrad) == observe(case, torch)

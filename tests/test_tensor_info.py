"""The Tensor methods and properties that describe a tensor: is_signed, is_same_size,
is_nonzero, nbytes, itemsize, and the conjugate transposes mH, H and adjoint()."""
import numpy as np
import pytest

import dyngrad
import torch

Z = np.array([[1 + 2j, 3 - 1j, 0.5j], [2, 1j, -1]], np.complex64)
CASES = {
    "is_signed_int": lambda t: t.tensor([1]).is_signed(),
    "is_signed_uint8": lambda t: t.tensor([1], dtype=t.uint8).is_signed(),
    "is_signed_bool": lambda t: t.tensor([True]).is_signed(),
    "is_signed_float": lambda t: t.tensor([1.0]).is_signed(),
    "is_same_size": lambda t: (t.ones(2, 3).is_same_size(t.ones(2, 3)),
                               t.ones(2, 3).is_same_size(t.ones(3, 2))),
    "is_nonzero": lambda t: (t.tensor(2).is_nonzero(), t.tensor([0.0]).is_nonzero()),
    "is_nonzero_many": lambda t: t.ones(2).is_nonzero(),
    "is_nonzero_empty": lambda t: t.tensor([]).is_nonzero(),
    "nbytes": lambda t: (t.ones(2, 3).nbytes, t.ones(4, dtype=t.int16).nbytes,
                         t.ones(3, dtype=t.complex128).nbytes),
    "itemsize": lambda t: (t.ones(1).itemsize, t.ones(1, dtype=t.uint8).itemsize),
    "mH": lambda t: t.tensor(Z).mH.resolve_conj().numpy().tolist(),
    "H": lambda t: t.tensor(Z).H.resolve_conj().numpy().tolist(),
    "adjoint": lambda t: t.tensor(Z[None]).adjoint().resolve_conj().numpy().tolist(),
    "mH_real_graph": lambda t: t.ones(2, 3, requires_grad=True).mH.grad_fn.name(),
    "adjoint_1d": lambda t: t.ones(3).adjoint(),
    "mH_1d": lambda t: t.ones(3).mH,
    "H_3d": lambda t: t.ones(2, 2, 2).H,
}


@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name):
    out = []
    for lib in (torch, dyngrad):
        try:
            out.append(CASES[name](lib))
        except RuntimeError as e:
            out.append(("error", str(e)))
    assert out[1] == out[0]

"""vmap over every public function and Tensor method (the calls of test_grad_fn_names),
against torch.vmap: where torch maps a call, dyngrad must give the same values."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad
from dyngrad.utils._pytree import tree_flatten

from tests import test_grad_fn_names as names

# where the two differ, and why
KNOWN = {
    "empty_like": "uninitialized values",
    "svd": "dyngrad's singular vectors take other signs than torch's, vmap or not",
    "cosine_embedding_loss": "torch.vmap returns the unreduced losses; dyngrad each sample's mean",
    "hinge_embedding_loss": "torch.vmap returns the unreduced losses; dyngrad each sample's mean",
    "margin_ranking_loss": "torch.vmap returns the unreduced losses; dyngrad each sample's mean",
    "triplet_margin_loss": "torch.vmap returns the unreduced losses; dyngrad each sample's mean",
    "as_strided_": "refused under vmap (it addresses the storage)",
    "vander": "written into a new tensor in place, as torch writes it, which vmap refuses",
}


def _call(lib, kind, name, args, x, y):
    if name in names.ARGS:
        return names.ARGS[name](lib, x, y)
    self = x.clone() if name.endswith("_") or name.startswith("__i") else x
    real = [y if a == "y" else a for a in args]
    return getattr(lib, name)(self, *real) if kind == "f" else getattr(self, name)(*real)


def _run(lib, kind, name, args):
    xb = lib.tensor(np.stack([names.X, names.X * 1.1 + 0.05]))
    yb = lib.tensor(np.stack([names.Y, names.Y * 0.9 - 0.05]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tree_flatten(lib.vmap(lambda x, y: _call(lib, kind, name, args, x, y))(xb, yb))[0]


CASES = [pytest.param(k, n, id=f"{k}:{n}") for k, n in
         [("f", n) for n in names._public_functions()] + [("m", n) for n in names._public_methods()]
         if n not in KNOWN]


@pytest.mark.parametrize("kind, name", CASES)
def test_vmap_matches_torch(kind, name):
    args = names._torch_args(kind, name)
    try:
        want = _run(torch, kind, name, args)
    except Exception:  # noqa: BLE001  (torch does not map it: nothing to compare)
        pytest.skip("torch.vmap refuses this call")
    got = _run(dyngrad, kind, name, args)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if not isinstance(w, torch.Tensor):
            assert g == w
            continue
        assert tuple(g.shape) == tuple(w.shape) and str(g.dtype) == str(w.dtype)
        np.testing.assert_allclose(_array(g), _array(w), rtol=1e-5, atol=1e-6)


def _array(t):
    t = t.detach()
    return (t.float() if "bfloat16" in str(t.dtype) else t).numpy()  # (NumPy has no bfloat16)

"""F.max_unpool1d/2d/3d and nn.MaxUnpool against torch: after max pools with strides,
padding and chosen output sizes; values, gradients, node names and torch's errors."""
import numpy as np
import pytest

import dyngrad
import torch


def _bad_index(value):
    # one index outside the output (torch names which of several it meets first by thread)
    def mutate(lib, y, i):
        i = i.clone()
        i.view(-1)[-1] = value
        return y, i
    return mutate


MUTATIONS = {None: None, "int_indices": lambda lib, y, i: (y, i.int()),
             "bad_index": _bad_index(10_000), "negative_index": _bad_index(-3),
             "indices_shape": lambda lib, y, i: (y, i[:, :1])}
SETTINGS = [{}, {"stride": 1}, {"padding": 1}, {"output_size": 6}, {"output_size": 7},
            {"output_size": 3}, {"output_size": "full"}, {"output_size": "short"},
            {"output_size": 9}]
CASES = [(k, s, m) for k in (1, 2, 3) for s in range(len(SETTINGS)) for m in MUTATIONS
         if m is None or s == 0]


def _run(lib, k, setting, mutation):
    kw = dict(SETTINGS[setting])
    x = lib.tensor(np.random.default_rng(k).standard_normal((2, 3) + (6,) * k).astype(np.float32),
                   requires_grad=True)
    pool = getattr(lib.nn.functional, f"max_pool{k}d")
    y, i = pool(x, 2, stride=kw.get("stride"), padding=kw.get("padding", 0), return_indices=True)
    if mutation:
        y, i = MUTATIONS[mutation](lib, y, i)
    size = kw.get("output_size")
    if size == "full":
        kw["output_size"] = (2, 3) + (6,) * k
    elif size == "short":
        kw["output_size"] = (6,) * (k + 1)
    elif size is not None:
        kw["output_size"] = (size,) * k
    try:
        u = lib.nn.MaxUnpool1d(2, kw.get("stride"), kw.get("padding", 0)) if k == 1 else None
        u = (u(y, i, kw.get("output_size")) if u is not None
             else getattr(lib.nn.functional, f"max_unpool{k}d")(y, i, 2, **kw))
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return type(e).__name__, str(e)
    u.backward(lib.tensor(np.linspace(-1, 1, u.numel()).reshape(tuple(u.shape)).astype(np.float32)))
    return u.detach().numpy(), x.grad.numpy(), u.grad_fn.name()


@pytest.mark.parametrize("k,setting,mutation", CASES)
def test_max_unpool_matches_torch(k, setting, mutation):
    want, got = _run(torch, k, setting, mutation), _run(dyngrad, k, setting, mutation)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[2] == want[2]
    np.testing.assert_array_equal(got[0], want[0])
    # (overlapping pool windows sum their gradients in another order)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_module_repr(k):
    reprs = [repr(getattr(lib.nn, f"MaxUnpool{k}d")(3, stride=1, padding=1))
             for lib in (torch, dyngrad)]
    assert reprs[0] == reprs[1]

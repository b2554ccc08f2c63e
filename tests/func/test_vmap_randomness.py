"""vmap's randomness ('error', 'same', 'different') against torch.vmap: for every sampler,
the same numbers from the same seed (torch draws a 'different' batch in one call, so the
numbers can agree bit for bit), or the same error."""
import numpy as np
import pytest
import torch

import dyngrad

from tests.func._compare import observe

B = 3
P = np.array([[0.1, 0.5, 0.9, 0.3], [0.7, 0.2, 0.4, 0.6], [0.25, 0.75, 0.5, 0.05]], np.float32)


def _f(lib):
    return lib.nn.functional


# name -> (the function vmapped, given the library and one sample)
SAMPLERS = {
    "rand": lambda lib, x: lib.rand(4),
    "randn_big": lambda lib, x: lib.randn(20),
    "randint": lambda lib, x: lib.randint(10, (4,)),
    "randperm": lambda lib, x: lib.randperm(5),
    "normal_floats": lambda lib, x: lib.normal(2.0, 3.0, (4,)),
    "rand_like": lambda lib, x: lib.rand_like(x),
    "randn_like": lambda lib, x: lib.randn_like(x),
    "randint_like": lambda lib, x: lib.randint_like(x, 7),
    "rand_like_of_unbatched": lambda lib, x: lib.rand_like(lib.zeros(4)) + x,
    "bernoulli": lambda lib, x: lib.bernoulli(x),
    "bernoulli_p": lambda lib, x: lib.bernoulli(x, 0.3),
    "bernoulli_unbatched": lambda lib, x: lib.bernoulli(lib.full((4,), 0.5)) + x,
    "normal_mean": lambda lib, x: lib.normal(x, 1.0),
    "normal_std": lambda lib, x: lib.normal(lib.zeros(4), x),
    "normal_unbatched": lambda lib, x: lib.normal(lib.ones(4), 2.0) + x,
    "poisson": lambda lib, x: lib.poisson(x * 10),
    "poisson_unbatched": lambda lib, x: lib.poisson(lib.full((4,), 3.0)) + x,
    "standard_gamma": lambda lib, x: lib._standard_gamma(x + 0.5),
    "standard_gamma_unbatched": lambda lib, x: lib._standard_gamma(lib.ones(4)) + x,
    "gamma_rsample_grad": lambda lib, x: lib.func.grad(
        lambda a: lib.distributions.Gamma(a, 1.0, validate_args=False).rsample().sum())(x + 0.5),
    "fractional_max_pool2d": lambda lib, x: _f(lib).fractional_max_pool2d(
        x.reshape(1, 2, 2).repeat(2, 3, 2), 2, (3, 2), return_indices=True),
    "fractional_max_pool3d_unbatched": lambda lib, x: _f(lib).fractional_max_pool3d(
        lib.arange(54.0).reshape(1, 3, 3, 6).sin(), 2, (1, 2, 3)) + x[0],
    "multinomial": lambda lib, x: lib.multinomial(x, 2),
    "multinomial_replacement": lambda lib, x: lib.multinomial(x, 5, True),
    "multinomial_unbatched": lambda lib, x: lib.multinomial(lib.ones(4), 2) + x.long()[:2],
    "uniform_": lambda lib, x: x.clone().uniform_(-1, 2),
    "normal_": lambda lib, x: x.clone().normal_(),
    "bernoulli_": lambda lib, x: x.clone().bernoulli_(0.4),
    "exponential_": lambda lib, x: x.clone().exponential_(),
    "random_": lambda lib, x: x.clone().random_(10),
    "uniform_unbatched": lambda lib, x: lib.zeros(4).uniform_() + x,
    "dropout": lambda lib, x: _f(lib).dropout(x + 1, 0.5),
    "dropout_unbatched": lambda lib, x: _f(lib).dropout(lib.ones(4), 0.5) + x,
    "dropout_eval": lambda lib, x: _f(lib).dropout(x, 0.5, training=False),
    "alpha_dropout": lambda lib, x: _f(lib).alpha_dropout(x, 0.5, training=True),
    "feature_dropout": lambda lib, x: _f(lib).dropout1d(x.reshape(2, 2), 0.5),
}


def _run(lib, sampler, mode, in_dim):
    lib.manual_seed(0)
    x = lib.tensor(P if in_dim == 0 else np.ascontiguousarray(P.T))
    return lib.func.vmap(lambda s: sampler(lib, s), in_dims=in_dim, randomness=mode)(x)


@pytest.mark.parametrize("in_dim", [0, 1])
@pytest.mark.parametrize("mode", ["error", "same", "different"])
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_randomness_like_torch(name, mode, in_dim):
    def case(lib):
        return _run(lib, SAMPLERS[name], mode, in_dim)
    assert observe(case, dyngrad) == observe(case, torch)


NESTED = ["error", "same", "different"]


@pytest.mark.parametrize("outer", NESTED)
@pytest.mark.parametrize("inner", NESTED)
def test_nested_randomness(outer, inner):
    """Under two vmaps a draw has the batch of each 'different' one, outer first."""
    def case(lib):
        lib.manual_seed(0)
        f = lib.func.vmap(lambda r: lib.rand(2) + lib.rand_like(r), randomness=inner)
        return lib.func.vmap(f, randomness=outer)(lib.zeros(3, 5, 2))
    assert observe(case, dyngrad) == observe(case, torch)


@pytest.mark.parametrize("outer", NESTED)
@pytest.mark.parametrize("inner", NESTED)
def test_nested_gamma_grads(outer, inner):
    """A draw by an op of the table (its gradient per sample) under two vmaps, its
    parameters batched at the outer one only."""
    def case(lib):
        lib.manual_seed(0)
        f = lib.func.vmap(lib.func.grad(lambda r, a: (lib._standard_gamma(a) * r).sum(),
                                        argnums=(0, 1)), in_dims=(0, None), randomness=inner)
        return lib.func.vmap(f, randomness=outer)(lib.ones(2, 3, 4, dtype=lib.float64),
                                                  lib.tensor(P + 0.5).double()[:2])
    assert observe(case, dyngrad) == observe(case, torch)


def test_stream_continues_after_vmap():
    """A draw under vmap takes exactly torch's share of the stream."""
    def case(lib):
        lib.manual_seed(0)
        lib.func.vmap(lambda x: lib.randn(17) * x, randomness="different")(lib.ones(B, 1))
        return lib.rand(3)
    assert observe(case, dyngrad) == observe(case, torch)

"""The public random API gives torch's numbers for the same seed (the stream itself is
tested in test_cpu_generator.py)."""
import numpy as np
import pytest
import torch

import dyngrad

CALLS = [
    ("rand", lambda m: m.rand(3, 4)),
    ("rand_f64", lambda m: m.rand(5, dtype=m.float64)),
    ("rand_big", lambda m: m.rand(1000)),
    ("randn", lambda m: m.randn(3, 4)),
    ("randn_big", lambda m: m.randn(100, 7)),
    ("randn_f64", lambda m: m.randn(33, dtype=m.float64)),
    ("randint", lambda m: m.randint(0, 10, (3, 3))),
    ("randint_high_only", lambda m: m.randint(5, (4,))),
    ("randperm", lambda m: m.randperm(10)),
    ("normal_scalar", lambda m: m.normal(2.0, 3.0, size=(2, 3))),
    ("rand_like", lambda m: m.rand_like(m.zeros(2, 2))),
    ("randn_like", lambda m: m.randn_like(m.zeros(17))),
    ("uniform_", lambda m: m.empty(6).uniform_(-2, 3)),
    ("normal_", lambda m: m.zeros(20).normal_(1.0, 0.5)),
    ("poisson", lambda m: m.poisson(m.tensor([0.5, 3.0, 9.9, 10.0, 20.0, 200.0, 0.0, 1e-3]))),
    ("poisson_f64", lambda m: m.poisson(m.rand(40, dtype=m.float64) * 30)),
    ("exponential_", lambda m: m.empty(7, dtype=m.float64).exponential_(2.5)),
    ("random_to", lambda m: m.empty(9).random_(10)),
    ("random_to_named", lambda m: m.empty(3, dtype=m.int32).random_(to=7)),
    ("random_from_to", lambda m: m.empty(6, dtype=m.long).random_(-5, 5)),
    ("random_from_none", lambda m: m.empty(5, dtype=m.long).random_(3, None)),
    ("random_from_none_f32", lambda m: m.empty(5).random_(3, None)),
    # a strided tensor is filled through memory, as torch's TensorIterator walks it; a
    # normal_ of one draws serially whatever its size
    ("uniform_transposed", lambda m: m.zeros(4, 3).t().uniform_()),
    ("normal_transposed_big", lambda m: m.zeros(6, 5).t().normal_()),
    ("normal_sliced_big", lambda m: m.zeros(6, 8)[:, ::2].normal_()),
    ("rand_like_transposed", lambda m: m.rand_like(m.zeros(2, 3, 4).permute(2, 0, 1))),
    ("randn_like_transposed_big", lambda m: m.randn_like(m.zeros(6, 5).t())),
    ("rand_like_sliced", lambda m: m.rand_like(m.zeros(4, 6)[:, ::2])),
    ("dropout_transposed", lambda m: m.nn.functional.dropout(m.ones(4, 5).t(), 0.5)),
    # bernoulli_ of a tensor of probabilities, broadcast to self and drawn through self's
    # memory: a float uniform per element for float p, a double one for float64 p
    ("bernoulli_p", lambda m: m.empty(2, 3).bernoulli_(m.rand(2, 3))),
    ("bernoulli_p_f64_long", lambda m: m.zeros(4, 3, dtype=m.int64).bernoulli_(
        m.rand(3, dtype=m.float64))),
    ("bernoulli_p_half_bool", lambda m: m.zeros(3, 2, dtype=m.bool).bernoulli_(
        m.rand(3, 1).half())),
    ("bernoulli_p_0d", lambda m: m.empty(5).bernoulli_(m.tensor(0.3))),
    ("bernoulli_p_transposed", lambda m: m.empty(3, 4).t().bernoulli_(m.rand(4, 3))),
    ("bernoulli_p_generator", lambda m: m.empty(4).bernoulli_(
        m.full((4,), 0.5), generator=m.Generator().manual_seed(7))),
    # complex: the real view drawn, (real, imag) pairs, with std / sqrt(2) (serially below
    # 16 real numbers, by blocks from 16)
    ("randn_complex64_small", lambda m: m.randn(7, dtype=m.complex64)),
    ("randn_complex64", lambda m: m.randn(3, 9, dtype=m.complex64)),
    ("randn_complex128", lambda m: m.randn(8, dtype=m.complex128)),
    ("randn_like_complex", lambda m: m.randn_like(m.zeros(17, dtype=m.complex128))),
    ("normal_complex", lambda m: m.zeros(9, dtype=m.complex64).normal_(2.0, 3.0)),
    ("normal_complex_sliced", lambda m: m.zeros(20, 2, dtype=m.complex64)[:, 0].normal_()),
    ("normal_complex_mean", lambda m: m.normal(m.zeros(9, dtype=m.complex64), 1.0)),
    ("rand_complex", lambda m: m.rand(3, 2, dtype=m.complex64)),
    ("uniform_complex_sliced", lambda m: m.empty(4, 2, dtype=m.complex128)[:, 0].uniform_(-2, 5)),
]


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("seed", [0, 10, 2**40 + 3])
def test_same_numbers_as_torch(name, call, seed):
    torch.manual_seed(seed)
    dyngrad.manual_seed(seed)
    for _ in range(2):  # twice: the stream position must agree after the first call
        expected = call(torch)
        got = call(dyngrad)
        assert got.dtype.__repr__() == repr(expected.dtype)
        assert tuple(got.shape) == tuple(expected.shape)
        assert got.stride() == expected.stride()
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_printed_seed_tutorial_values():
    torch.manual_seed(0)
    dyngrad.manual_seed(0)
    assert repr(dyngrad.rand(3, 3, requires_grad=True)) == repr(torch.rand(3, 3, requires_grad=True))


def test_generator_objects_are_independent():
    g_t, g_d = torch.Generator().manual_seed(7), dyngrad.Generator().manual_seed(7)
    torch.manual_seed(1)
    dyngrad.manual_seed(1)
    a = torch.rand(4, generator=g_t)
    b = dyngrad.rand(4, generator=g_d)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(torch.rand(3).numpy(), dyngrad.rand(3).numpy())
    assert g_d.initial_seed() == g_t.initial_seed() == 7


def test_manual_seed_returns_default_generator():
    g = dyngrad.manual_seed(10)
    assert g is dyngrad.default_generator
    assert dyngrad.initial_seed() == 10
    assert repr(g).startswith("<dyngrad._C.Generator object at 0x")


def test_rng_state_round_trip_and_torch_layout():
    torch.manual_seed(3)
    dyngrad.manual_seed(3)
    torch.rand(5)
    dyngrad.rand(5)
    st_t, st_d = torch.get_rng_state(), dyngrad.get_rng_state()
    np.testing.assert_array_equal(st_t.numpy(), st_d.numpy())
    assert st_d.dtype is dyngrad.uint8
    first = dyngrad.randn(10)
    dyngrad.set_rng_state(st_d)
    np.testing.assert_array_equal(first.numpy(), dyngrad.randn(10).numpy())
    # a state taken from torch continues torch's stream
    dyngrad.set_rng_state(dyngrad.tensor(st_t.numpy()))
    np.testing.assert_array_equal(torch.randn(10).numpy(), dyngrad.randn(10).numpy())


def test_requires_grad_and_errors():
    x = dyngrad.randn(2, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    with pytest.raises(RuntimeError) as e_d:
        dyngrad.randint(5, 5, (2,))
    with pytest.raises(RuntimeError) as e_t:
        torch.randint(5, 5, (2,))
    assert str(e_d.value) == str(e_t.value)


def test_inplace_samplers_bump_version_and_refuse_leaf():
    x = dyngrad.zeros(3)
    x.uniform_()
    assert x._version == 1
    leaf = dyngrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.normal_()
    assert leaf._version == 0
    with dyngrad.no_grad():
        leaf.normal_()  # the usual init pattern
    assert leaf._version == 1


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bernoulli_of_probability_tensor(dtype):
    torch.manual_seed(5)
    dyngrad.manual_seed(5)
    p_t = torch.linspace(0, 1, 40, dtype=getattr(torch, dtype))
    p_d = dyngrad.tensor(p_t.numpy())
    for _ in range(2):
        np.testing.assert_array_equal(torch.bernoulli(p_t).numpy(), dyngrad.bernoulli(p_d).numpy())
    np.testing.assert_array_equal(torch.zeros(30).bernoulli_(0.3).numpy(),
                                  dyngrad.zeros(30).bernoulli_(0.3).numpy())

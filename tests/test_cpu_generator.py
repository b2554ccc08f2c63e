"""dyngrad._cpu_generator.CPUGenerator against torch's CPU generator, bit for bit."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from dyngrad._cpu_generator import CPUGenerator, _forward_fisher_yates  # noqa: E402
from dyngrad._cpu_math import _fma32, _fma64  # noqa: E402


TORCH_DTYPE = {
    np.dtype(np.float16): torch.float16,
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
    np.dtype(np.int64): torch.int64,
    np.dtype(np.int32): torch.int32,
    np.dtype(np.int16): torch.int16,
    np.dtype(np.int8): torch.int8,
    np.dtype(np.uint8): torch.uint8,
    np.dtype(np.bool_): torch.bool,
}
FLOATS = [np.float32, np.float64, np.float16]
INTS = [np.int64, np.int32, np.int16, np.int8, np.uint8]
SIZES = [0, 1, 2, 7, 15, 16, 17, 31, 100, 1000, 100003]
SHAPES = [(3, 5), (2, 3, 4), (4, 4, 4), (17, 3), (0, 5), (1000, 33), (5, 1, 3)]
ALL_SHAPES = [(n,) for n in SIZES] + SHAPES
SEEDS = [0, 1, 2147483647, 67280421310721, -1, 2**64 - 1, -(2**63), 2**32 + 5]


def pair(seed):
    ours = CPUGenerator()
    ref = torch.Generator()
    ours.manual_seed(seed)
    ref.manual_seed(seed)
    return ours, ref


def assert_same(ours, theirs, what=""):
    theirs = theirs.numpy()
    assert isinstance(ours, np.ndarray), what
    assert ours.dtype == theirs.dtype, (what, ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (what, ours.shape, theirs.shape)
    # compare the bits (NaN-proof, and -0.0 != +0.0)
    assert np.array_equal(np.ascontiguousarray(ours).view(np.uint8),
                          np.ascontiguousarray(theirs).view(np.uint8)), what


def assert_same_state(ours, ref, what=""):
    mine = ours.get_state()
    theirs = ref.get_state().numpy()
    assert mine.dtype == np.uint8 and mine.shape == (5056,)
    assert np.array_equal(mine, theirs), what
    assert ours.initial_seed() == ref.initial_seed()


# ---------------------------------------------------------------- samplers

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_uniform(seed, dtype):
    ours, ref = pair(seed)
    td = TORCH_DTYPE[np.dtype(dtype)]
    for shape in ALL_SHAPES:
        assert_same(ours.uniform(shape, dtype), torch.rand(shape, dtype=td, generator=ref),
                    ("rand", shape))
        for lo, hi in [(-1.0, 1.0), (0.25, 0.75), (-3.5, 1000.0), (2.0, 2.0), (1e-3, 1.5e-3)]:
            assert_same(ours.uniform(shape, dtype, lo, hi),
                        torch.empty(shape, dtype=td).uniform_(lo, hi, generator=ref),
                        ("uniform_", shape, lo, hi))
    assert_same_state(ours, ref)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_normal(seed, dtype):
    # covers the serial (< 16, cached Box-Muller) and the vectorised (>= 16)
    # paths, with calls in a row so the cache and stream position carry over
    ours, ref = pair(seed)
    td = TORCH_DTYPE[np.dtype(dtype)]
    for shape in ALL_SHAPES:
        assert_same(ours.normal(shape, dtype), torch.randn(shape, dtype=td, generator=ref),
                    ("randn", shape))
        assert_same(ours.normal(shape, dtype, 0.5, 2.0),
                    torch.empty(shape, dtype=td).normal_(0.5, 2.0, generator=ref),
                    ("normal_", shape))
        assert_same(ours.normal(shape, dtype, -3.0, 0.37),
                    torch.normal(-3.0, 0.37, shape, dtype=td, generator=ref),
                    ("torch.normal", shape))
        assert_same_state(ours, ref, ("state after", shape))


@pytest.mark.parametrize("mean,std", [(0.0, 0.0), (1e3, 3.7), (2.5, 1e-3), (-1.0, 1.0), (0.1, 0.3)])
def test_normal_mean_std(mean, std):
    ours, ref = pair(12345)
    for dtype in FLOATS:
        td = TORCH_DTYPE[np.dtype(dtype)]
        for n in [3, 16, 33, 20000]:
            assert_same(ours.normal((n,), dtype, mean, std),
                        torch.empty(n, dtype=td).normal_(mean, std, generator=ref),
                        (dtype, n, mean, std))
    assert_same_state(ours, ref)


def test_normal_cache_sequence():
    # torch caches the second Box-Muller sample (as a double) in the small
    # path, for float and double tensors alike
    ours, ref = pair(7)
    seq = [(1, np.float32), (1, np.float64), (3, np.float32), (1, np.float16), (2, np.float64),
           (16, np.float32), (1, np.float32), (5, np.float64), (17, np.float64), (1, np.float64)]
    for n, dtype in seq:
        td = TORCH_DTYPE[np.dtype(dtype)]
        assert_same(ours.normal((n,), dtype), torch.randn(n, dtype=td, generator=ref), (n, dtype))
        assert_same_state(ours, ref, (n, dtype))
    # manual_seed drops the cache
    ours.normal((1,), np.float32)
    torch.randn(1, generator=ref)
    ours.manual_seed(7)
    ref.manual_seed(7)
    assert_same_state(ours, ref)
    assert_same(ours.normal((1,), np.float64), torch.randn(1, dtype=torch.float64, generator=ref))


def test_normal_large():
    ours, ref = pair(2024)
    for dtype in [np.float32, np.float64]:
        td = TORCH_DTYPE[np.dtype(dtype)]
        assert_same(ours.normal((1000, 1000), dtype),
                    torch.randn(1000, 1000, dtype=td, generator=ref), dtype)
        assert_same(ours.uniform((1000001,), dtype), torch.rand(1000001, dtype=td, generator=ref))
    assert_same_state(ours, ref)


RANDINT_CASES = [
    (0, 10, FLOATS + INTS),
    (-100, 100, FLOATS + [np.int64, np.int32, np.int16, np.int8]),
    (0, 2, FLOATS + INTS + [np.bool_]),
    (0, 256, [np.uint8, np.int16, np.float16]),
    (-128, 128, [np.int8]),
    (-60000, 60000, [np.float16, np.int32]),
    (0, 2**28 - 1, [np.int64, np.int32, np.float32, np.float64]),   # 32-bit draws
    (0, 2**28, [np.int64, np.int32, np.float32, np.float64]),       # 64-bit draws
    (5, 2**31 - 1, [np.int64, np.int32, np.float32, np.float64]),
    (-2**40, 2**41, [np.int64, np.float32, np.float64]),
    (0, 2**62, [np.int64, np.float32, np.float64]),
    (-2**63, 2**63 - 1, [np.int64, np.float64]),
]


@pytest.mark.parametrize("seed", SEEDS[:3] + SEEDS[4:5])
def test_randint(seed):
    ours, ref = pair(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch and we warn for float bounds > 2^digits
        for lo, hi, dtypes in RANDINT_CASES:
            for dtype in dtypes:
                td = TORCH_DTYPE[np.dtype(dtype)]
                for shape in [(0,), (1,), (7,), (17,), (3, 5), (1003,)]:
                    assert_same(ours.randint(shape, lo, hi, dtype),
                                torch.randint(lo, hi, shape, dtype=td, generator=ref),
                                (lo, hi, dtype, shape))
    assert_same(ours.randint((100003,), 0, 1000), torch.randint(0, 1000, (100003,), generator=ref))
    assert_same_state(ours, ref)


def test_randint_errors():
    g = CPUGenerator()
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        g.randint((3,), 5, 5)
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for unsigned char"):
        g.randint((3,), 0, 300, np.uint8)
    with pytest.raises(RuntimeError, match="from is out of bounds for unsigned char"):
        g.randint((3,), -1, 5, np.uint8)
    with pytest.raises(RuntimeError, match="out of bounds for c10::Half"):
        g.randint((3,), 0, 2**17, np.float16)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_random_full_range(seed):
    ours, ref = pair(seed)
    for dtype in FLOATS + INTS + [np.bool_]:
        td = TORCH_DTYPE[np.dtype(dtype)]
        for shape in [(0,), (1,), (2,), (17,), (4, 25), (10007,)]:
            assert_same(ours.random_(shape, dtype),
                        torch.empty(shape, dtype=td).random_(generator=ref), (dtype, shape))
    assert_same_state(ours, ref)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_bernoulli(seed):
    ours, ref = pair(seed)
    for p in [0.0, 0.1, 0.5, 0.9, 1.0]:
        for dtype in [np.float32, np.float64, np.float16, np.int64, np.uint8, np.bool_]:
            td = TORCH_DTYPE[np.dtype(dtype)]
            for shape in [(0,), (1,), (15,), (16,), (3, 7), (10007,)]:
                assert_same(ours.bernoulli(shape, dtype, p),
                            torch.empty(shape, dtype=td).bernoulli_(p, generator=ref),
                            (p, dtype, shape))
    assert_same_state(ours, ref)
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\]"):
        ours.bernoulli((3,), np.float32, 1.5)


def test_bernoulli_tensor_p():
    ours, ref = pair(77)
    rng = np.random.default_rng(0)
    for pdt in FLOATS:
        for shape in [(0,), (1,), (16,), (3, 7), (5001,)]:
            p = rng.random(shape).astype(pdt)
            p.reshape(-1)[:2] = [0, 1][: p.size]
            assert_same(ours.bernoulli_tensor(p), torch.bernoulli(torch.from_numpy(p), generator=ref),
                        (pdt, shape))
            for out_dt in [np.float64, np.int64, np.bool_]:
                td = TORCH_DTYPE[np.dtype(out_dt)]
                assert_same(ours.bernoulli_tensor(p, out_dt),
                            torch.empty(shape, dtype=td).bernoulli_(torch.from_numpy(p), generator=ref),
                            (pdt, shape, out_dt))
    assert_same_state(ours, ref)
    with pytest.raises(RuntimeError, match="Expected p_in >= 0 && p_in <= 1"):
        ours.bernoulli_tensor(np.array([0.5, 1.5], np.float32))


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_exponential(seed):
    ours, ref = pair(seed)
    for lambd in [1.0, 0.5, 3.0, 1e-3, float("inf")]:
        for dtype in FLOATS:
            td = TORCH_DTYPE[np.dtype(dtype)]
            for shape in [(0,), (1,), (17,), (2, 8), (10007,)]:
                assert_same(ours.exponential(shape, dtype, lambd),
                            torch.empty(shape, dtype=td).exponential_(lambd, generator=ref),
                            (lambd, dtype, shape))
    assert_same_state(ours, ref)
    with pytest.raises(RuntimeError, match="exponential_ expects lambda > 0.0"):
        ours.exponential((3,), np.float32, 0.0)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_cauchy(seed):
    ours, ref = pair(seed)
    for median, sigma in [(0.0, 1.0), (1.5, 0.25), (-3.0, 20.0)]:
        for dtype in FLOATS:
            td = TORCH_DTYPE[np.dtype(dtype)]
            for shape in [(0,), (1,), (17,), (2, 8), (1001,)]:
                assert_same(ours.cauchy(shape, dtype, median, sigma),
                            torch.empty(shape, dtype=td).cauchy_(median, sigma, generator=ref),
                            (median, sigma, dtype, shape))
    assert_same_state(ours, ref)


@pytest.mark.parametrize("seed", SEEDS[:3] + SEEDS[5:6])
def test_randperm(seed):
    ours, ref = pair(seed)
    for n in [0, 1, 2, 3, 7, 15, 16, 17, 31, 100, 1000, 100003]:
        for dtype in [np.int64, np.int32, np.float32, np.float64, np.int16, np.uint8, np.float16]:
            if n - 1 > {np.int16: 32767, np.uint8: 255, np.float16: 2048}.get(dtype, n):
                continue
            td = TORCH_DTYPE[np.dtype(dtype)]
            assert_same(ours.randperm(n, dtype), torch.randperm(n, dtype=td, generator=ref),
                        (n, dtype))
    assert_same_state(ours, ref)
    with pytest.raises(RuntimeError, match="n cannot be greater than 2049 for Half type."):
        ours.randperm(2050, np.float16)


def test_randperm_large():
    ours, ref = pair(99)
    # its speed is measured in benchmarks/, not here
    assert_same(ours.randperm(1000000), torch.randperm(1000000, generator=ref))
    assert_same_state(ours, ref)


def test_forward_fisher_yates_matches_loop():
    rng = np.random.default_rng(0)
    for n in list(range(1, 40)) + [64, 257, 1000]:
        for _ in range(10):
            z = np.array([rng.integers(0, n - i) for i in range(n - 1)], dtype=np.int64)
            r = list(range(n))
            for i, zi in enumerate(z.tolist()):
                r[i], r[i + zi] = r[i + zi], r[i]
            assert np.array_equal(_forward_fisher_yates(n, z), r), (n, z)


def test_random_op_sequences():
    # a shuffled mix of every sampler, so each one starts at odd stream
    # positions (mid-624-word block, across twists, with/without a cached
    # normal sample)
    rng = np.random.default_rng(31337)
    for seed in [3, -7, 2**63 + 11]:
        ours, ref = pair(seed)
        for _ in range(120):
            op = rng.integers(0, 7)
            n = int(rng.choice([0, 1, 2, 3, 5, 15, 16, 17, 40, 333, 700]))
            dtype = FLOATS[rng.integers(0, 3)]
            td = TORCH_DTYPE[np.dtype(dtype)]
            if op == 0:
                a, b = ours.uniform((n,), dtype), torch.rand(n, dtype=td, generator=ref)
            elif op == 1:
                a, b = ours.normal((n,), dtype), torch.randn(n, dtype=td, generator=ref)
            elif op == 2:
                hi = int(rng.choice([3, 1000, 2**30, 2**40]))
                if dtype == np.float16:
                    hi = min(hi, 2048)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    a = ours.randint((n,), -2, hi, dtype)
                    b = torch.randint(-2, hi, (n,), dtype=td, generator=ref)
            elif op == 3:
                a, b = ours.randperm(n), torch.randperm(n, generator=ref)
            elif op == 4:
                a = ours.bernoulli((n,), dtype, 0.3)
                b = torch.empty(n, dtype=td).bernoulli_(0.3, generator=ref)
            elif op == 5:
                a = ours.exponential((n,), dtype, 2.0)
                b = torch.empty(n, dtype=td).exponential_(2.0, generator=ref)
            else:
                a = ours.random_((n,), dtype)
                b = torch.empty(n, dtype=td).random_(generator=ref)
            assert_same(a, b, (seed, op, n, dtype))
        assert_same_state(ours, ref, seed)


# ------------------------------------------------------------------- state

def test_default_state_matches_torch():
    ours, ref = CPUGenerator(), torch.Generator()
    assert ours.initial_seed() == ref.initial_seed() == 67280421310721
    assert_same_state(ours, ref)
    assert_same(ours.normal((5,), np.float32), torch.randn(5, generator=ref))


@pytest.mark.parametrize("seed", SEEDS + [2**63, 12345678901234567890, -(2**62) + 3])
def test_manual_seed_matches_torch(seed):
    ours, ref = pair(seed)
    assert ours.initial_seed() == ref.initial_seed() == seed % 2**64
    assert_same_state(ours, ref)
    assert_same(ours.uniform((700,), np.float64), torch.rand(700, dtype=torch.float64, generator=ref))
    assert_same_state(ours, ref)
    assert ours.manual_seed(seed) is ours


def test_manual_seed_errors():
    g = CPUGenerator()
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        g.manual_seed(2**64)
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        g.manual_seed(-(2**63) - 1)
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        g.manual_seed(1.5)
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got bool"):
        g.manual_seed(True)
    g.manual_seed(np.int64(5))
    assert g.initial_seed() == 5


def test_seed_nondeterministic():
    g = CPUGenerator()
    s = g.seed()
    assert 0 <= s < 2**64 and g.initial_seed() == s
    ref = torch.Generator()
    ref.manual_seed(s)
    assert_same_state(g, ref)
    assert g.seed() != s  # 2^-64 chance of a false failure


@pytest.mark.parametrize("words", [0, 1, 2, 622, 623, 624, 625, 1247, 1248, 1249, 5000])
def test_state_round_trip_from_torch(words):
    # bring torch's generator to an arbitrary stream position (and cache
    # state), load its bytes into ours, and check both continue identically
    ref = torch.Generator()
    ref.manual_seed(2718)
    if words:
        torch.randint(0, 10, (words,), generator=ref)  # one 32-bit word each
    torch.randn(3, generator=ref)  # leaves a cached double normal sample
    state = ref.get_state()
    ours = CPUGenerator()
    ours.set_state(state.numpy())
    assert np.array_equal(ours.get_state(), state.numpy())
    assert ours.initial_seed() == 2718
    for n in [1, 16, 700, 3]:
        assert_same(ours.normal((n,), np.float32), torch.randn(n, generator=ref))
        assert_same(ours.uniform((n,), np.float64), torch.rand(n, dtype=torch.float64, generator=ref))
    assert_same_state(ours, ref)
    # and the other way round: torch accepts our bytes
    ref2 = torch.Generator()
    ref2.set_state(torch.from_numpy(ours.get_state()))
    assert_same(ours.randint((1000,), 0, 7), torch.randint(0, 7, (1000,), generator=ref2))
    assert_same_state(ours, ref2)


@pytest.mark.parametrize("left,nxt", [(1, 0), (1, 624), (5, 100), (624, 0), (300, 1), (2, 622)])
def test_set_state_unusual_positions(left, nxt):
    # valid (left, next) pairs that seeding/drawing never produce: torch reads
    # left-1 words from state[next:] and then twists
    raw = torch.Generator().manual_seed(11).get_state().numpy().copy()
    raw[8:12] = np.array([left], "<i4").view(np.uint8)
    raw[16:24] = np.array([nxt], "<u8").view(np.uint8)
    ref = torch.Generator()
    ref.set_state(torch.from_numpy(raw))
    ours = CPUGenerator()
    ours.set_state(raw)
    assert_same_state(ours, ref)
    assert_same(ours.randint((3,), 0, 100), torch.randint(0, 100, (3,), generator=ref))
    assert_same(ours.uniform((1500,), np.float32), torch.rand(1500, generator=ref))
    assert_same_state(ours, ref)


def test_state_float_normal_cache_round_trip():
    # no CPU sampler here sets the float cache, but its bytes must survive
    ref = torch.Generator()
    ref.manual_seed(5)
    raw = ref.get_state().numpy().copy()
    raw[5048:5052] = np.array([1.25], dtype="<f4").view(np.uint8)
    raw[5052] = 1
    ref.set_state(torch.from_numpy(raw))
    ours = CPUGenerator()
    ours.set_state(raw)
    assert np.array_equal(ours.get_state(), ref.get_state().numpy())
    assert np.array_equal(ours.get_state(), raw)


def test_get_state_is_a_copy():
    g = CPUGenerator(3)
    s = g.get_state()
    s[:] = 0
    assert g.get_state()[0] == 3
    g2 = CPUGenerator(4)
    g2.set_state(g.get_state())
    assert_same(g2.uniform((10,), np.float32), torch.rand(10, generator=torch.Generator().manual_seed(3)))


def test_set_state_errors():
    g = CPUGenerator()
    good = g.get_state()
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        g.set_state(good.astype(np.float32))
    with pytest.raises(RuntimeError, match="RNG state must be contiguous"):
        g.set_state(np.repeat(good, 2)[::2])
    with pytest.raises(RuntimeError, match="of size 5056 but found the input RNG state size to be 10"):
        g.set_state(np.zeros(10, np.uint8))
    with pytest.raises(RuntimeError, match="of size 5056 but found the input RNG state size to be 5048"):
        g.set_state(good[:5048].copy())
    bad = good.copy()
    bad[8:12] = 0  # left == 0
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(bad)
    bad = good.copy()
    bad[12:16] = 0  # not seeded
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(bad)
    # torch agrees on these
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        torch.Generator().set_state(torch.from_numpy(bad))
    assert np.array_equal(g.get_state(), good)  # failed calls leave the state alone


def test_argument_errors_match_torch():
    g = CPUGenerator()
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        g.normal((3,), np.float32, 0.0, -1.0)
    with pytest.raises(RuntimeError, match=r"uniform_ expects to return a \[from, to\) range, but found from=2 > to=1"):
        g.uniform((3,), np.float32, 2.0, 1.0)
    with pytest.raises(RuntimeError, match="to is out of bounds for c10::Half"):
        g.uniform((3,), np.float16, 0.0, 70000.0)
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        g.normal((3,), np.int64)


# ------------------------------------------------------------ fma helpers

def _round_fraction_to(fr, dtype):
    c = dtype(float(fr))
    cands = [np.nextafter(c, dtype(-np.inf)), c, np.nextafter(c, dtype(np.inf))]
    bits = np.uint32 if dtype == np.float32 else np.uint64
    return min(cands, key=lambda v: (abs(Fraction(float(v)) - fr), int(np.array(v).view(bits)) & 1))


def test_fma_emulation_is_exact():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(3000).astype(np.float32)
    b = rng.standard_normal(3000).astype(np.float32)
    c = rng.standard_normal(3000).astype(np.float32)
    # single-precision rounding midpoints, where rounding via float64 would fail
    a[:8] = b[:8] = np.float32(1 + 2**-12)
    c[:8] = [0, 2**-60, -(2**-60), 2**-70, -(2**-48), 2**-48, 2**-24, -(2**-24)]
    want = [_round_fraction_to(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), np.float32)
            for x, y, z in zip(a, b, c)]
    assert np.array_equal(_fma32(a, b, c), np.array(want, np.float32))
    x = rng.standard_normal(3000) * 10
    y = rng.standard_normal(3000)
    z = rng.standard_normal(3000)
    want = [float(Fraction(p) * Fraction(q) + Fraction(s)) for p, q, s in zip(x, y, z)]
    assert np.array_equal(_fma64(x, y, z), np.array(want))
    assert math.isnan(float(_fma64(np.inf, 0.0, 1.0)))

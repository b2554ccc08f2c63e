"""Differential tests: dyngrad._tensor_str.tensor_repr must equal torch's repr exactly."""

import importlib.util
import math
import pathlib

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Load the module straight from its file: it depends on numpy only, and this
# keeps the test independent of the rest of the (evolving) package.
_PATH = pathlib.Path(__file__).resolve().parents[1] / "src" / "dyngrad" / "_tensor_str.py"
_spec = importlib.util.spec_from_file_location("dyngrad_tensor_str_under_test", _PATH)
ts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ts)

SETTINGS = dict(derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

NP_DTYPES = {
    "bool": np.bool_,
    "uint8": np.uint8,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "float16": np.float16,
    "float32": np.float32,
    "float64": np.float64,
    "complex64": np.complex64,
    "complex128": np.complex128,
}


def torch_show_dtype(t):
    """torch's rule for non-empty tensors, which is what callers pass."""
    default = torch.get_default_dtype()
    default_complex = torch.complex128 if default == torch.float64 else torch.complex64
    return t.dtype not in (default, default_complex, torch.int64, torch.bool)


def ours(arr, t, suffixes=(), prefix="tensor("):
    return ts.tensor_repr(arr, str(t.dtype), torch_show_dtype(t), suffixes, prefix)


def check(arr, suffixes=()):
    arr = np.asarray(arr)
    t = torch.from_numpy(arr.copy())
    expected = repr(t)
    assert str(t) == expected
    got = ours(arr, t, suffixes)
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"


def set_both(**kw):
    torch.set_printoptions(**kw)
    ts.set_printoptions(**kw)


@pytest.fixture(autouse=True)
def _reset_printoptions():
    set_both(profile="default")
    yield
    set_both(profile="default")
    torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------------------
# value generation
# ---------------------------------------------------------------------------

SPECIALS = [math.nan, math.inf, -math.inf, 0.0, -0.0]


def gen_real(rng, n, profile):
    lo, hi, p_special, p_int, p_zero = profile
    mag = 10.0 ** rng.uniform(lo, hi, n) * rng.choice([-1.0, 1.0], n)
    out = np.where(rng.random(n) < p_int, np.round(mag), mag)
    out = np.where(rng.random(n) < p_zero, 0.0, out)
    special = rng.random(n) < p_special
    out[special] = rng.choice(SPECIALS, int(special.sum()))
    return out


def gen_array(dtype_name, shape, seed, profile):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    dt = NP_DTYPES[dtype_name]
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype_name == "bool":
            vals = rng.random(n) < 0.5
        elif np.issubdtype(dt, np.integer):
            info = np.iinfo(dt)
            small = rng.integers(-1000, 1000, n, endpoint=True)
            wide = rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)
            vals = np.where(rng.random(n) < profile[3], small, wide)
            vals = np.clip(vals, info.min, info.max)
        elif np.issubdtype(dt, np.complexfloating):
            vals = gen_real(rng, n, profile) + 1j * gen_real(rng, n, profile)
        else:
            vals = gen_real(rng, n, profile)
        return np.asarray(vals).astype(dt).reshape(shape)


profiles = st.tuples(
    st.integers(-10, 10),  # lo exponent
    st.integers(-10, 12),  # hi exponent
    st.sampled_from([0.0, 0.1, 0.5, 1.0]),  # special-value probability
    st.sampled_from([0.0, 0.5, 1.0]),  # integer-valued probability
    st.sampled_from([0.0, 0.2]),  # zero probability
).map(lambda p: (min(p[0], p[1]), max(p[0], p[1])) + p[2:])


@st.composite
def shapes(draw, max_size=200):
    ndim = draw(st.integers(0, 4))
    dims = draw(st.lists(st.integers(0, 7), min_size=ndim, max_size=ndim))
    while dims and int(np.prod(dims)) > max_size:
        dims[dims.index(max(dims))] //= 2
    return tuple(dims)


arrays = st.builds(
    gen_array,
    st.sampled_from(sorted(NP_DTYPES)),
    shapes(),
    st.integers(0, 2**32 - 1),
    profiles,
)


# ---------------------------------------------------------------------------
# property tests
# ---------------------------------------------------------------------------


@settings(max_examples=400, **SETTINGS)
@given(arrays)
def test_random_arrays_default_options(arr):
    check(arr)


@settings(max_examples=250, **SETTINGS)
@given(
    arrays,
    st.fixed_dictionaries(
        {},
        optional={
            "precision": st.integers(0, 10),
            "threshold": st.integers(0, 80),
            "edgeitems": st.integers(0, 4),
            "linewidth": st.integers(10, 160),
            "profile": st.sampled_from(["default", "short", "full"]),
            "sci_mode": st.sampled_from([None, True, False]),
        },
    ),
)
def test_random_arrays_random_options(arr, opts):
    set_both(**opts)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    check(arr)


_UNARY = [
    lambda x: x * 2,
    lambda x: x + 1,
    lambda x: x.exp(),
    lambda x: x.sum(),
    lambda x: x.t() if x.dim() == 2 else x.sin(),
    lambda x: x.reshape(-1),
    lambda x: x.mean(0),
    lambda x: x.cumsum(-1),
    lambda x: x,  # leaf: requires_grad=True
]


@settings(max_examples=120, **SETTINGS)
@given(
    st.sampled_from(["float32", "float64", "complex64"]),
    shapes(max_size=40).filter(lambda s: len(s) in (1, 2) and 0 not in s),
    st.integers(0, 2**32 - 1),
    profiles,
    st.integers(0, len(_UNARY) - 1),
    st.integers(20, 120),
)
def test_autograd_suffixes(dtype_name, shape, seed, profile, op, linewidth):
    set_both(linewidth=linewidth)
    base = gen_array(dtype_name, shape, seed, profile)
    x = torch.from_numpy(base).requires_grad_(True)
    y = _UNARY[op](x)
    if y.grad_fn is not None:
        suffixes = (f"grad_fn=<{type(y.grad_fn).__name__}>",)
    else:
        suffixes = ("requires_grad=True",)
    expected = repr(y)
    got = ours(y.detach().numpy(), y, suffixes)
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"


# ---------------------------------------------------------------------------
# explicit cases
# ---------------------------------------------------------------------------

nan, inf = math.nan, math.inf

EXPLICIT = {
    # integer-valued floats, fixed, sci, ratio boundaries
    "int_valued": np.array([1.0, 2.0, -3.0], np.float32),
    "fixed": np.array([1.5, -2.25, 3.125], np.float32),
    "ratio_eq_1000": np.array([1.0, 1000.0], np.float64),
    "ratio_gt_1000": np.array([1.0, 1000.5], np.float64),
    "ratio_gt_1000_int": np.array([1.0, 1001.0], np.float64),
    "max_eq_1e8": np.array([1e8, 2e7], np.float64),
    "max_gt_1e8": np.array([100000001.0, 2e7], np.float64),
    "min_eq_1e-4": np.array([1e-4, 2e-4]),
    "min_lt_1e-4": np.array([9.9e-5, 2e-4]),
    "tiny": np.array([1e-30, 1e-31], np.float32),
    "rounding_carry": np.array([9.99996, 1.0]),
    "specials": np.array([inf, -inf, nan, -0.0, 0.0], np.float32),
    "only_zeros": np.array([0.0, -0.0]),
    "only_nonfinite": np.array([nan, inf]),
    "mixed_frac_special": np.array([1.5, nan, -inf, -0.0, 2.0]),
    "mixed_int_special": np.array([1.0, nan, -inf, -0.0, 100.0]),
    "mixed_sci_special": np.array([1e-8, nan, inf, -0.0, 5.0]),
    "scalar_float": np.array(3.14159, np.float32),
    "scalar_int_valued": np.array(2.0),
    "scalar_neg_zero": np.array(-0.0),
    "scalar_nan": np.array(nan),
    "scalar_sci": np.array(1.5e-7),
    "scalar_int": np.array(-7, np.int64),
    "scalar_uint8": np.array(255, np.uint8),
    "scalar_bool": np.array(False),
    "scalar_complex": np.array(1 - 2j, np.complex64),
    "scalar_complex_negzero_imag": np.array(complex(1.5, -0.0)),
    # empty & zero-size
    "empty_f32": np.zeros(0, np.float32),
    "empty_f64": np.zeros(0, np.float64),
    "empty_i64": np.zeros(0, np.int64),
    "empty_i32": np.zeros(0, np.int32),
    "empty_bool": np.zeros(0, np.bool_),
    "empty_c64": np.zeros(0, np.complex64),
    "zero_size_0x3": np.zeros((0, 3), np.float32),
    "zero_size_2x0x4_i64": np.zeros((2, 0, 4), np.int64),
    "zero_size_3x0_u8": np.zeros((3, 0), np.uint8),
    # ints / bool
    "int64_extremes": np.array([np.iinfo(np.int64).min, 0, np.iinfo(np.int64).max]),
    "int8": np.array([-128, 0, 127], np.int8),
    "uint8": np.array([0, 7, 255], np.uint8),
    "int16_2d": np.arange(-6, 6, dtype=np.int16).reshape(3, 4),
    "int32_big": np.array([2**31 - 1, -(2**31)], np.int32),
    "bool_all_true": np.array([True, True]),
    "bool_mixed_2d": np.array([[True, False], [False, True]]),
    # float16
    "f16": np.array([0.1, 65504.0, -2.5], np.float16),
    "f16_overflowed": np.array([inf, 1.0], np.float16),
    "f16_subnormal": np.array([6e-8, 1.0], np.float16),
    # complex
    "complex_basic": np.array([1 + 2j, -3.5 - 0.25j, 0j], np.complex64),
    "complex_int_valued": np.array([1 + 2j, 3 - 4j], np.complex128),
    "complex_specials": np.array(
        [complex(nan, 1), complex(1, nan), complex(inf, -inf), complex(-0.0, -0.0)]
    ),
    "complex_sci_imag_only": np.array([1 + 1e-6j, 2 + 3j], np.complex64),
    "complex_long_row": (np.arange(30) * (1.25 - 0.5j)).astype(np.complex64),
    # wrapping / nesting
    "long_row_fixed": np.linspace(-3, 3, 50).astype(np.float32),
    "long_row_sci": np.logspace(-8, 8, 37),
    "long_row_int": np.arange(100, dtype=np.int64) ** 3,
    "wide_2d": np.linspace(0, 1, 60, dtype=np.float32).reshape(3, 20),
    "block_3d": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
    "block_4d": np.arange(16, dtype=np.int64).reshape(2, 2, 2, 2),
    "single_col": np.arange(5, dtype=np.float64).reshape(5, 1) + 0.5,
    # summarisation
    "summ_1d": np.arange(2000, dtype=np.float32) / 3,
    "summ_1d_int": np.arange(1001, dtype=np.int64),
    "summ_exact_threshold": np.arange(1000, dtype=np.float32),
    "summ_2d": np.arange(4000, dtype=np.int32).reshape(40, 100),
    "summ_3d": np.arange(2400, dtype=np.float64).reshape(10, 12, 20) - 1200.5,
    "summ_hidden_outlier": np.concatenate(
        [np.ones(3), np.full(1000, 1e-9), np.ones(3) * 2]
    ),
    "summ_complex": (np.arange(1500) * (0.5 + 2j)).astype(np.complex64),
    "summ_small_dim": np.arange(2 * 600, dtype=np.float32).reshape(2, 600),
}


@pytest.mark.parametrize("name", sorted(EXPLICIT))
def test_explicit(name):
    check(EXPLICIT[name])


@pytest.mark.parametrize("name", sorted(EXPLICIT))
def test_explicit_non_default_options(name):
    set_both(precision=2, linewidth=50, threshold=20, edgeitems=2)
    check(EXPLICIT[name])


@pytest.mark.parametrize("sci_mode", [True, False])
@pytest.mark.parametrize(
    "name", ["fixed", "int_valued", "max_gt_1e8", "tiny", "specials", "only_zeros",
             "complex_basic", "f16", "scalar_float", "summ_1d"]
)
def test_forced_sci_mode(name, sci_mode):
    set_both(sci_mode=sci_mode)
    check(EXPLICIT[name])


@pytest.mark.parametrize("profile", ["default", "short", "full"])
def test_profiles(profile):
    set_both(profile=profile)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    for name in ["fixed", "summ_1d", "summ_2d", "block_3d", "complex_basic"]:
        check(EXPLICIT[name])


def test_profile_with_override_and_sci_mode_reset():
    set_both(profile="short", precision=6, sci_mode=True)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    check(EXPLICIT["fixed"])
    # any later call that omits sci_mode resets it to None (torch quirk)
    set_both(linewidth=40)
    assert ts.PRINT_OPTS.sci_mode is None
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    check(EXPLICIT["long_row_fixed"])


def test_get_printoptions_roundtrip_and_context_manager():
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    with ts.printoptions(precision=1, edgeitems=1):
        assert ts.PRINT_OPTS.precision == 1 and ts.PRINT_OPTS.edgeitems == 1
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


@pytest.mark.parametrize("edgeitems", [0, 1])
def test_edgeitems_zero_adds_size(edgeitems):
    set_both(edgeitems=edgeitems, threshold=3)
    for arr in [np.arange(10.0), np.ones((4, 5), np.int32), np.array(2.5),
                np.zeros((2, 3, 4), np.complex64), np.zeros((0, 5))]:
        check(arr)


def test_docstring_example_with_grad_fn():
    x = torch.tensor([[2.0909e-01, 1.7705e-02, 1.5163e-01, 5.4537e+00],
                      [3.1916e-01, 8.0252e-02, 5.0204e-01, 1.1908e+00],
                      [3.6696e-03, 1.5319e-05, 2.7183e+00, 4.1582e-03]], requires_grad=True)
    y = x * 1.0
    expected = repr(y)
    assert expected.endswith("]],\n       grad_fn=<MulBackward0>)")
    assert ours(y.detach().numpy(), y, ("grad_fn=<MulBackward0>",)) == expected
    # short tensors keep the suffix on the same line
    z = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    assert repr(z) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert ours(z.detach().numpy(), z, ("grad_fn=<MulBackward0>",)) == repr(z)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.complex64])
def test_requires_grad_suffix_and_dtype_order(dtype):
    for shape in [(), (1,), (3,), (2, 3), (12,), (0,), (0, 2)]:
        t = torch.zeros(shape, dtype=dtype).requires_grad_(True)
        got = ours(t.detach().numpy(), t, ("requires_grad=True",))
        assert got == repr(t)


def test_parameter_prefix():
    p = torch.nn.Parameter(torch.arange(12, dtype=torch.float64).reshape(3, 4) / 3)
    got = ts.tensor_repr(p.detach().numpy(), str(p.dtype), torch_show_dtype(p),
                         ("requires_grad=True",), prefix="Parameter containing:\ntensor(")
    assert got == repr(p)
    # Parameter repr is literally the prefix line + the plain tensor repr
    assert got == "Parameter containing:\n" + ours(p.detach().numpy(), p, ("requires_grad=True",))


class MyTensor(torch.Tensor):
    pass


def test_subclass_prefix():
    t = (torch.arange(60, dtype=torch.float32).reshape(3, 20) / 7).as_subclass(MyTensor)
    arr = t.as_subclass(torch.Tensor).numpy()
    assert ours(arr, t, prefix="MyTensor(") == repr(t)


def test_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    for arr in [np.array([1.5, 2.0]), np.array([1.5, 2.0], np.float32),
                np.array([1 + 1j]), np.array([1 + 1j], np.complex64),
                np.zeros(0), np.zeros(0, np.float32), np.zeros(0, np.complex128),
                np.zeros((0, 2), np.complex64), np.zeros(0, np.int64)]:
        check(arr)


def test_show_dtype_none_assumes_float32_default():
    for arr in [np.zeros(3, np.float32), np.zeros(3), np.zeros(0, np.int64),
                np.zeros(0, np.float32), np.ones(2, np.complex64), np.ones(2, np.uint8)]:
        t = torch.from_numpy(arr)
        assert ts.tensor_repr(arr, str(t.dtype), None) == repr(t)


def test_negative_and_transposed_views():
    base = np.arange(24, dtype=np.float32).reshape(4, 6) - 11.5
    for arr in [base.T, base[::-1], base[:, ::2], base[1:3]]:
        t = torch.from_numpy(np.ascontiguousarray(arr))
        assert ours(arr, t) == repr(t)


# ---------------------------------------------------------------------------
# __format__
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["", ".3f", ".2e", "10.1f", "g", ">12"])
@pytest.mark.parametrize("value,dtype", [
    (1.5, torch.float32), (0.1, torch.float32), (0.1, torch.float16), (2.0, torch.float64),
    (-0.0, torch.float64), (inf, torch.float32),
])
def test_format_float_scalar(value, dtype, spec):
    t = torch.tensor(value, dtype=dtype)
    assert ts.format_scalar(t.numpy(), spec) == format(t, spec)
    assert ts.tensor_format(t.numpy(), spec, repr(t)) == format(t, spec)


@pytest.mark.parametrize("t", [
    torch.tensor(3), torch.tensor(-3, dtype=torch.int8), torch.tensor(True),
    torch.tensor(1 + 2j, dtype=torch.complex64), torch.tensor(200, dtype=torch.uint8),
])
def test_format_other_scalars(t):
    assert ts.format_scalar(t.numpy()) == format(t)
    assert ts.format_scalar(t.numpy()) == f"{t}"


def test_format_non_scalar():
    t = torch.tensor([1.5, 2.0])
    arr = t.numpy()
    assert ts.tensor_format(arr, "", lambda: ours(arr, t)) == format(t) == f"{t}"
    with pytest.raises(TypeError) as ours_err:
        ts.tensor_format(arr, ".3f", "")
    with pytest.raises(TypeError) as torch_err:
        format(t, ".3f")
    assert str(ours_err.value) == str(torch_err.value)

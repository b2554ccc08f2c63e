"""pow with the number exponents torch's CPU kernel computes as products (x*x*x, 1/(x*x),
1/sqrt(x)) gives torch's bits, not NumPy's once-rounded power."""
import numpy as np
import pytest
import torch

import dyngrad


@pytest.mark.parametrize("exponent", [3, 3.0, -2, -0.5, 2, -1])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pow_bits_equal_torch(exponent, dtype):
    x = np.random.default_rng(0).standard_normal(2000) * 3
    x[:3] = [0.0, -0.0, np.inf]
    ours = (dyngrad.tensor(x, dtype=getattr(dyngrad, dtype)) ** exponent).numpy()
    theirs = (torch.tensor(x, dtype=getattr(torch, dtype)) ** exponent).numpy()
    assert ours.dtype == theirs.dtype
    assert np.array_equal(ours, theirs, equal_nan=True)


# complex: zero, signed-zero, infinite and NaN parts beside ordinary numbers and ones whose
# products overflow (in float32, in float64), every pair of base and exponent
# (NOTE [Complex pow], [Complex division], [Complex products])
_PARTS = [0.0, -0.0, 1.0, -2.5, 0.5, np.inf, -np.inf, np.nan, 3e38, -1e308]
_SPECIAL = np.array([complex(a, b) for a in _PARTS for b in _PARTS])


def _bits(a):
    """Real and imaginary parts as integers (signs of zeros count), NaNs all alike."""
    a = np.ascontiguousarray(a)
    parts = np.stack([a.real, a.imag]).copy()
    parts[np.isnan(parts)] = np.nan
    return parts.view(np.int64 if parts.dtype == np.float64 else np.int32)


def _complex_cases(lib, dtype):
    rng = np.random.default_rng(0)
    ordinary = rng.standard_normal(600) + 1j * rng.standard_normal(600)
    # a multiple of torch's vector length, so that no element falls in its scalar tail
    base = np.concatenate([np.repeat(_SPECIAL, len(_SPECIAL)), ordinary, np.zeros(40)])
    exponent = np.concatenate([np.tile(_SPECIAL, len(_SPECIAL)), ordinary[::-1],
                               np.round(rng.standard_normal(40) * 3) + 1j * (np.arange(40) % 2)])
    b = lib.tensor(base, dtype=getattr(lib, dtype))
    e = lib.tensor(exponent, dtype=getattr(lib, dtype))
    out = {"tensor ** tensor": b ** e, "number ** tensor": (2.5j) ** e,
           "zero ** tensor": lib.pow(0j, e), "one ** tensor": lib.pow(1, e),
           "tensor / tensor": b / e, "tensor * tensor": b * e, "reciprocal": b.reciprocal()}
    for n in (0, 1, 2, 3, -1, -2, 0.5, -0.5, 4, 0.25, 1j, 1 + 1j, 2 + 0j, 0j, -3.0, 100):
        out[f"tensor ** {n}"] = b ** n
    return out


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_pow_division_products_bits_equal_torch(dtype):
    theirs, ours = _complex_cases(torch, dtype), _complex_cases(dyngrad, dtype)
    wrong = []
    for name, t in theirs.items():
        o = ours[name]
        if (str(o.dtype), tuple(o.shape)) != (str(t.dtype), tuple(t.shape)):
            wrong.append(f"{name}: {o.dtype} {tuple(o.shape)} vs {t.dtype} {tuple(t.shape)}")
            continue
        diff = np.flatnonzero((_bits(o.numpy()) != _bits(t.numpy())).any(axis=0))
        if len(diff):
            wrong.append(f"{name}: {len(diff)} differ, first at {diff[0]}: "
                         f"{o.numpy()[diff[0]]} vs torch {t.numpy()[diff[0]]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("exponent", [0j, 1 + 0j, 2 + 0j, 0.5 + 0j, -1 + 0j, 1j, 1 + 1j, 0.25 + 0j])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_pow_gradient_at_zero_base_like_torch(exponent, dtype):
    def run(lib):
        b = lib.zeros(3, dtype=getattr(lib, dtype), requires_grad=True)
        e = lib.full((3,), exponent, dtype=getattr(lib, dtype), requires_grad=True)
        results = []
        for y in (b ** e, b ** exponent, lib.pow(0j, e), lib.float_power(b, exponent)):
            y.backward(lib.ones_like(y))
            results.append(y.detach())
        return [complex(v) for t in results + [b.grad, e.grad] for v in t.tolist()]
    ours, theirs = run(dyngrad), run(torch)
    assert _bits(np.array(ours)).tolist() == _bits(np.array(theirs)).tolist(), (ours, theirs)

"""Type promotion: the result dtype of mixed operands (tensors of every kind, 0-d tensors,
Python numbers) is torch's, and so is the error where torch refuses the mix."""
import numpy as np
import pytest
import torch

import dyngrad

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float32", "float64", "complex64"]
SCALARS = [True, 3, 2.5, 1j]


def _tensor(lib, dtype, zero_dim):
    values = np.array(True if dtype == "bool" else 2) if zero_dim else (
        np.array([True, False]) if dtype == "bool" else np.array([1, 2]))
    return lib.tensor(values.tolist(), dtype=getattr(lib, dtype))


def operands():
    """(id, maker) pairs: a maker gives the operand for a library."""
    out = []
    for d in DTYPES:
        for zero_dim in (False, True):
            out.append((f"{d}{'_0d' if zero_dim else ''}",
                        lambda lib, d=d, z=zero_dim: _tensor(lib, d, z)))
    for s in SCALARS:
        out.append((repr(s), lambda lib, s=s: s))
    return out


OPS = {
    "add": lambda t, a, b: t.add(a, b),
    "sub": lambda t, a, b: a - b,
    "rsub": lambda t, a, b: b - a,
    "mul": lambda t, a, b: t.mul(a, b),
    "div": lambda t, a, b: a / b,
    "pow": lambda t, a, b: a ** b,
    "where": lambda t, a, b: t.where(t.tensor([True, False]), a, b),
    "eq": lambda t, a, b: a == b,
    "lt": lambda t, a, b: t.lt(a, b),
    "maximum": lambda t, a, b: t.maximum(a, b) if isinstance(b, t.Tensor) else t.clamp(a, min=b),
}


def outcome(lib, op, a, b):
    try:
        r = op(lib, a, b)
    except Exception as e:  # noqa: BLE001 - the exception is what we compare
        return type(e).__name__, str(e)
    return str(r.dtype), tuple(r.shape)


@pytest.mark.parametrize("name", sorted(OPS))
def test_result_dtype_like_torch(name):
    op = OPS[name]
    wrong = []
    lhs = [(i, m) for i, m in operands() if not isinstance(m(torch), (bool, int, float, complex))]
    for ia, ma in lhs:
        for ib, mb in operands():
            want = outcome(torch, op, ma(torch), mb(torch))
            got = outcome(dyngrad, op, ma(dyngrad), mb(dyngrad))
            if want != got:
                wrong.append(f"{ia} {name} {ib}: torch {want} dyngrad {got}")
    assert not wrong, f"{len(wrong)} mismatches:\n" + "\n".join(wrong[:40])


# float operands beside a float32 input that requires grad: the result is float32 (a
# 0-dim or lower-kind tensor does not widen it), and so must its gradient be
GRAD_OPS = {**{k: OPS[k] for k in ("add", "sub", "rsub", "mul", "div", "pow", "maximum")},
            "atan2": lambda t, a, b: t.atan2(a, b), "rdiv": lambda t, a, b: b / a,
            "rpow": lambda t, a, b: b ** a, "hypot": lambda t, a, b: t.hypot(a, b)}
OTHERS = {"float64_0d": (np.array(1.5), "float64"), "float16_0d": (np.array(1.5), "float16"),
          "float16": (np.array([1.5, 0.5]), "float16"), "int64_0d": (np.array(2), "int64"),
          "int64": (np.array([2, 3]), "int64"), "float32": (np.array([1.5, 0.5]), "float32")}


@pytest.mark.parametrize("name", sorted(GRAD_OPS))
@pytest.mark.parametrize("other", sorted(OTHERS))
@pytest.mark.parametrize("both", [False, True], ids=["other_constant", "both_require_grad"])
def test_gradient_dtype_like_torch(name, other, both):
    values, dtype = OTHERS[other]
    seen = []
    for lib in (torch, dyngrad):
        x = lib.tensor([0.7, 1.3], requires_grad=True)
        w = lib.tensor(values.tolist(), dtype=getattr(lib, dtype),
                       requires_grad=both and dtype.startswith("float"))
        try:
            y = GRAD_OPS[name](lib, x, w)
        except RuntimeError as e:  # (torch refuses some mixes: compared below)
            seen.append(str(e))
            continue
        leaves = [t for t in (x, w) if t.requires_grad]
        gs = lib.autograd.grad((y * y).sum(), leaves)
        seen.append([(str(g.dtype), g.double().tolist()) for g in gs])
    if isinstance(seen[0], str):
        assert seen[1] == seen[0]
        return
    assert [d for d, _ in seen[1]] == [d for d, _ in seen[0]]
    for (_, a), (_, b) in zip(seen[0], seen[1]):
        np.testing.assert_allclose(b, a, rtol=2e-3)

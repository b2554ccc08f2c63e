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

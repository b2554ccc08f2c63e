"""``out=`` against torch: the result written into the given tensor (kept, resized or cast),
the tensor itself returned, its version bumped, torch's warnings. The refusals (dtypes,
gradients, overlaps) are in the bad-input corpus (tests/errors/corpus_ops.py)."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

X = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9]], np.float32)
N = np.array([[1, -2, 3], [4, 0, -6]], np.int64)

# (call(t, x, n, out), the out tensor's make(t))
CASES = {
    "add": (lambda t, x, n, o: t.add(x, 2, alpha=3, out=o), lambda t: t.empty(2, 3)),
    "add_int_to_float": (lambda t, x, n, o: t.add(n, n, out=o), lambda t: t.empty(2, 3)),
    "add_cast_up": (lambda t, x, n, o: t.add(x, x, out=o),
                    lambda t: t.empty(2, 3, dtype=t.float64)),
    "sub_resized": (lambda t, x, n, o: t.sub(x, 1, out=o), lambda t: t.empty(4)),
    "mul_empty": (lambda t, x, n, o: t.mul(x, x, out=o), lambda t: t.empty(0)),
    "div": (lambda t, x, n, o: t.div(n, 4, out=o), lambda t: t.empty(2, 3)),
    "exp_half": (lambda t, x, n, o: t.exp(x, out=o), lambda t: t.empty(2, 3, dtype=t.float16)),
    "log_0d_resized": (lambda t, x, n, o: t.log(x.abs(), out=o), lambda t: t.empty(())),
    "clamp": (lambda t, x, n, o: t.clamp(x, -0.4, 0.9, out=o), lambda t: t.empty(2, 3)),
    "where": (lambda t, x, n, o: t.where(x > 0, x, -x, out=o), lambda t: t.empty(2, 3)),
    "sum_dim_long": (lambda t, x, n, o: t.sum(x, 1, out=o), lambda t: t.empty(2, dtype=t.long)),
    "mean_dim": (lambda t, x, n, o: t.mean(x, 0, keepdim=True, out=o), lambda t: t.empty(1, 3)),
    "matmul": (lambda t, x, n, o: t.matmul(x, x.t(), out=o), lambda t: t.empty(2, 2)),
    "mm_resized": (lambda t, x, n, o: t.mm(x.t(), x, out=o), lambda t: t.empty(2, 2)),
    "cat": (lambda t, x, n, o: t.cat([x, x, x], 1, out=o), lambda t: t.empty(2, 9)),
    "cat_cast": (lambda t, x, n, o: t.cat([x, n], out=o), lambda t: t.empty(0, dtype=t.float64)),
    "stack": (lambda t, x, n, o: t.stack([x, x], out=o), lambda t: t.empty(2, 2, 3)),
    "maximum": (lambda t, x, n, o: t.maximum(x, -x, out=o), lambda t: t.empty(2, 3)),
    "eq": (lambda t, x, n, o: t.eq(x, x.abs(), out=o), lambda t: t.empty(2, 3, dtype=t.bool)),
    "argmax": (lambda t, x, n, o: t.argmax(x, 1, out=o), lambda t: t.empty(2, dtype=t.long)),
    "cumsum": (lambda t, x, n, o: t.cumsum(x, 1, out=o), lambda t: t.empty(2, 3)),
    "neg": (lambda t, x, n, o: t.neg(x, out=o), lambda t: t.empty(2, 3)),
    "remainder": (lambda t, x, n, o: t.remainder(x, 0.7, out=o), lambda t: t.empty(2, 3)),
    "exp_into_itself": (lambda t, x, n, o: t.exp(x, out=x), None),
    "sort": (lambda t, x, n, o: t.sort(x, 1, out=o),
             lambda t: (t.empty(2, 3), t.empty(2, 3, dtype=t.long))),
    "max_dim": (lambda t, x, n, o: t.max(x, 0, out=o),
                lambda t: (t.empty(0), t.empty(0, dtype=t.long))),
    "topk": (lambda t, x, n, o: t.topk(x, 2, out=o),
             lambda t: (t.empty(2, 2), t.empty(2, 2, dtype=t.long))),
}


def _observe(lib, call, make):
    x, n = lib.tensor(X), lib.tensor(N)
    out = make(lib) if make is not None else x
    outs = out if isinstance(out, tuple) else (out,)
    versions = [o._version for o in outs]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = call(lib, x, n, out)
    results = result if isinstance(result, tuple) else (result,)
    return {"same objects": all(r is o for r, o in zip(results, outs)),
            "type": type(result).__name__, "repr": repr(result),
            "versions": [o._version - v for o, v in zip(outs, versions)],
            "warnings": [str(w.message).split(" (Triggered internally")[0] for w in seen]}


@pytest.mark.parametrize("case", CASES)
def test_out_like_torch(case):
    call, make = CASES[case]
    assert _observe(dyngrad, call, make) == _observe(torch, call, make)


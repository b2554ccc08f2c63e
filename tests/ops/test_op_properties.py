"""Hypothesis draws shapes, broadcasting, dims, keys and values; torch is the oracle.

Every example goes through ``oracle.assert_same``: values, dtype, shape, requires_grad,
graph text, backward, create_graph gradients and second derivatives. The number of
examples is the loaded profile's (tests/conftest.py; HYPOTHESIS_PROFILE=ci gives 25).
"""
import numpy as np
import pytest
from hypothesis import given, note, settings, strategies as st
from hypothesis.extra.numpy import array_shapes, arrays, broadcastable_shapes

from tests.autograd._oracle import check

from .oracle import assert_same

SHAPES = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
VALUES = st.floats(-2, 2, width=32, allow_nan=False, allow_subnormal=False)
POSITIVE = st.floats(0.25, 2, width=32)


def floats(shape, elements=VALUES, unique=True):
    # unique values: no ties for max/min, no kinks of abs/relu/clamp at equal points
    return arrays(np.float32, shape, elements=elements, unique=unique)


@st.composite
def two_broadcastable(draw, elements=VALUES):
    shape = draw(SHAPES)
    other = draw(broadcastable_shapes(shape, min_dims=0, max_dims=3, max_side=3))
    if (shape == ()) != (other == ()):
        # a 0-d input broadcast against a bigger one hits the engine's sum_to bug
        # (test_op_table.py::test_gradient_summed_to_0d, strict xfail)
        shape, other = shape or (1,), other or (1,)
    if draw(st.booleans()):
        shape, other = other, shape
    return draw(floats(shape)), draw(floats(other, elements))


BINARY = {
    "add": lambda t, x, y: t.add(x, y, alpha=0.5),
    "sub": lambda t, x, y: x - y,
    "mul": lambda t, x, y: x * y,
    "div": lambda t, x, y: x / y,
    "pow": lambda t, x, y: y ** x,
    "maximum": lambda t, x, y: t.maximum(x, y),
    "minimum": lambda t, x, y: t.minimum(x, y),
    "where": lambda t, x, y: t.where(x > 0, x, y),
    "lt": lambda t, x, y: x < y,
}


@given(name=st.sampled_from(sorted(BINARY)), xy=two_broadcastable(POSITIVE))
@settings(deadline=None)
def test_binary_broadcasting(name, xy):
    # the second operand is positive: a divisor away from 0, a base inside pow's domain
    assert_same(BINARY[name], list(xy))


@st.composite
def reduction_case(draw):
    x = draw(floats(SHAPES))
    n = max(x.ndim, 1)
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n,
                         unique_by=lambda d: d % n))
    return x, dims, draw(st.booleans())


@given(case=reduction_case(), name=st.sampled_from(["sum", "mean", "max", "min", "all"]))
@settings(deadline=None)
def test_reductions(case, name):
    x, dims, keepdim = case
    calls = {
        "sum": lambda t, a: a.sum(tuple(dims), keepdim),
        "mean": lambda t, a: t.mean(a, tuple(dims), keepdim=keepdim),
        "max": lambda t, a: a.max(dims[0], keepdim),
        "min": lambda t, a: t.min(a, dim=dims[0], keepdim=keepdim),
        "all": lambda t, a: (a.max(), a.min(), a.sum(), a.mean()),
    }
    assert_same(calls[name], [x])


@st.composite
def view_case(draw):
    x = draw(floats(SHAPES))
    n = x.ndim
    kind = draw(st.sampled_from(["permute", "transpose", "squeeze", "unsqueeze", "reshape",
                                 "expand", "flatten", "t"]))
    if n == 0 and kind in ("permute", "transpose", "squeeze", "flatten", "reshape", "expand"):
        # (expanding a 0-d tensor hits the engine's sum_to bug: test_gradient_summed_to_0d)
        kind = "unsqueeze"
    if kind == "permute":
        dims = draw(st.permutations(range(n)))
        return x, lambda t, a: a.permute(*dims)
    if kind == "transpose":
        d0, d1 = draw(st.integers(-n, n - 1)), draw(st.integers(-n, n - 1))
        return x, lambda t, a: t.transpose(a, d0, d1) * 1.5
    if kind == "squeeze":
        d = draw(st.none() | st.integers(-n, n - 1))
        return x, lambda t, a: a.squeeze() if d is None else a.squeeze(d)
    if kind == "unsqueeze":
        d = draw(st.integers(-n - 1, n))
        return x, lambda t, a: t.unsqueeze(a, d)
    if kind == "reshape":
        # view or copy: reshape a permuted tensor into the reversed shape
        perm = draw(st.permutations(range(n)))
        return x, lambda t, a: a.permute(*perm).reshape(tuple(reversed(x.shape)) + (-1,))
    if kind == "expand":
        lead = draw(st.integers(1, 2))
        size = [lead] + [draw(st.integers(1, 3)) if s == 1 else -1 for s in x.shape]
        return x, lambda t, a: a.expand(*size) * a
    if kind == "t":
        x = x.reshape(-1)[:6].reshape(-1, 2) if x.size % 2 == 0 else x.reshape(-1)
        return x, lambda t, a: a.t()
    s, e = sorted(draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=2)),
                  key=lambda d: d % n)
    return x, lambda t, a: a.flatten(s, e)


@given(case=view_case())
@settings(deadline=None)
def test_views(case):
    x, call = case
    assert_same(call, [x])


@st.composite
def joining_case(draw):
    shape = draw(array_shapes(min_dims=1, max_dims=3, max_side=3))
    n = len(shape)
    dim = draw(st.integers(-n, n - 1))
    kind = draw(st.sampled_from(["cat", "stack", "split", "split_sizes", "chunk", "unbind"]))
    if kind == "cat":
        shapes = [list(shape) for _ in range(draw(st.integers(1, 3)))]
        for s in shapes:
            s[dim] = draw(st.integers(0, 3))
        xs = [draw(floats(tuple(s))) for s in shapes]
        return xs, lambda t, *a: t.cat(a, dim)
    if kind == "stack":
        xs = [draw(floats(shape)) for _ in range(draw(st.integers(1, 3)))]
        sdim = draw(st.integers(-n - 1, n))
        return xs, lambda t, *a: t.stack(a, sdim)
    x = draw(floats(shape))
    size = shape[dim]
    if kind == "split":
        k = draw(st.integers(1, 4))
        return [x], lambda t, a: a.split(k, dim)
    if kind == "split_sizes":
        cut = draw(st.integers(0, size))
        return [x], lambda t, a: t.split(a, [cut, size - cut], dim)
    if kind == "chunk":
        k = draw(st.integers(1, 4))
        return [x], lambda t, a: a.chunk(k, dim)
    return [x], lambda t, a: t.unbind(a, dim)


@given(case=joining_case())
@settings(deadline=None)
def test_joining(case):
    xs, call = case
    assert_same(call, xs)


@st.composite
def basic_key(draw, shape):
    key = []
    dim = 0
    ellipsis = False
    while dim < len(shape) and draw(st.booleans()):
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis"]))
        if kind == "int":
            key.append(draw(st.integers(-shape[dim], shape[dim] - 1)))
            dim += 1
        elif kind == "slice":
            start = draw(st.none() | st.integers(-4, 4))
            stop = draw(st.none() | st.integers(-4, 4))
            step = draw(st.none() | st.integers(1, 3))
            key.append(slice(start, stop, step))
            dim += 1
        elif kind == "none":
            key.append(None)
        elif not ellipsis:
            ellipsis = True
            key.append(Ellipsis)
            dim = len(shape)
    if len(key) == 1 and draw(st.booleans()):
        return key[0]
    return tuple(key)


@st.composite
def index_case(draw):
    shape = draw(array_shapes(min_dims=1, max_dims=3, max_side=3))
    x = draw(floats(shape))
    kind = draw(st.sampled_from(["basic", "int_tensor", "bool", "mixed"]))
    if kind == "basic":
        key = draw(basic_key(shape))
        note(f"key={key!r}")
        return [x], lambda t, a: a[key]
    if kind == "int_tensor":
        idx = draw(arrays(np.int64, draw(array_shapes(min_dims=1, max_dims=2, max_side=3)),
                          elements=st.integers(-shape[0], shape[0] - 1)))
        return [x, idx], lambda t, a, i: a[i]
    if kind == "bool":
        k = draw(st.integers(1, len(shape)))
        mask = draw(arrays(np.bool_, shape[:k]))
        return [x, mask], lambda t, a, m: a[m]
    idx = draw(st.lists(st.integers(-shape[-1], shape[-1] - 1), min_size=1, max_size=4))
    return [x], lambda t, a: a[..., idx]


@given(case=index_case())
@settings(deadline=None)
def test_getitem(case):
    xs, call = case
    assert_same(call, xs)


@st.composite
def setitem_case(draw):
    shape = draw(array_shapes(min_dims=1, max_dims=3, max_side=3))
    x = draw(floats(shape))
    if draw(st.booleans()):
        key = draw(basic_key(shape))
        target = x[key]
        # (a 0-d value into a bigger target is torch's fill_(Tensor), FillBackward3, which
        # dyngrad lacks: test_op_table.py::test_setitem_0d_value, strict xfail)
        value = draw(floats(target.shape[draw(st.integers(0, max(target.ndim - 1, 0))):]))
    else:
        rows = draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=3, unique=True))
        key = (rows,)
        value = draw(floats((len(rows),) + shape[1:]))

    note(f"key={key!r}")

    def call(t, a, v):
        y = a * 1  # a non-leaf to write into
        y[key] = v
        return y
    return [x, value], call


@given(case=setitem_case())
@settings(deadline=None)
def test_setitem(case):
    xs, call = case
    assert_same(call, xs)


@st.composite
def matmul_case(draw):
    # ranks 1 to 4 on each side; batch dims are the trailing ones of one full batch shape,
    # some set to 1, so the two batches broadcast
    r1, r2 = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    # n, k, m from 2: with a size-1 dim the layout torch's mm backward follows depends on
    # strides of size-1 dims, where dyngrad's (NumPy's) differ from torch's (reported;
    # test_op_table.py::test_mm_backward_layout_size_1, strict xfail)
    n, k, m = (draw(st.integers(2, 3)) for _ in range(3))
    full = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))

    def batch(rank):
        dims = full[2 - max(rank - 2, 0):] if rank > 2 else ()
        return tuple(1 if draw(st.booleans()) else d for d in dims)
    s1 = (k,) if r1 == 1 else batch(r1) + (n, k)
    s2 = (k,) if r2 == 1 else batch(r2) + (k, m)
    return draw(floats(s1)), draw(floats(s2))


@given(xy=matmul_case())
@settings(deadline=None)
def test_matmul(xy):
    assert_same(lambda t, x, y: t.matmul(x, y), list(xy))


# A 0-d input keeps its dtype through the backward: its gradient's shape matches the
# output's, so the engine does not cast it, and a formula that divides by an int64 count
# with NumPy's / would hand back float64.
ZERO_D_REDUCTIONS = {
    "max": lambda t, a: a.max(), "min": lambda t, a: t.min(a), "amax": lambda t, a: a.amax(()),
    "amin": lambda t, a: t.amin(a, ()), "median": lambda t, a: a.median(),
    "nanmedian": lambda t, a: a.nanmedian(), "norm_inf": lambda t, a: a.norm(float("inf")),
    "sum": lambda t, a: a.sum(), "mean": lambda t, a: a.mean(), "prod": lambda t, a: a.prod(),
    "logsumexp": lambda t, a: a.logsumexp(0), "max_dim": lambda t, a: a.max(0)[0],
}


@pytest.mark.parametrize("name", sorted(ZERO_D_REDUCTIONS))
@pytest.mark.parametrize("value", [0.0, -1.5, float("nan")])
def test_zero_d_reduction_keeps_dtype(name, value):
    assert_same(ZERO_D_REDUCTIONS[name], [np.array(value, np.float32)])


SIGN_INPUTS = {"float_edges": lambda t: t.tensor([float("nan"), -0.0, 0.0, float("inf"), -2.5]),
               "nan_0d": lambda t: t.tensor(float("nan"), dtype=t.float64),
               "bool": lambda t: t.tensor([True, False]),
               "uint8": lambda t: t.tensor([3, 0], dtype=t.uint8),
               "int": lambda t: t.tensor([-3, 0, 7])}


@pytest.mark.parametrize("name", ["sign", "sgn"])
@pytest.mark.parametrize("kind", sorted(SIGN_INPUTS))
def test_sign_at_its_edges(name, kind):
    """torch's sign is (0 < x) - (x < 0): nan gives 0, -0.0 gives +0, bool stays bool."""
    def case(t):
        r = getattr(t, name)(SIGN_INPUTS[kind](t))
        return r, r.signbit() if r.dtype != t.bool else None
    case.__name__ = f"{name}_{kind}"
    check(case)

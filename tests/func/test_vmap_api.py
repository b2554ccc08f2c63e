"""vmap's interface against torch.vmap: in_dims and out_dims (nested, negative, None),
nesting, chunks, randomness, and the errors of a bad call or of a function vmap cannot
run, compared by result or by error type and message."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

from tests.func._compare import observe

X = np.arange(12, dtype=np.float32).reshape(3, 4) / 5 - 1
Y = np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3)


def _t(t, a):
    return t.tensor(a)


def f(x):
    return x.sin()


CASES = {
    "in_dims_tuple": lambda t: t.vmap(lambda a, b: a * b, in_dims=(0, 1))(_t(t, X), _t(t, Y)),
    "in_dims_none": lambda t: t.vmap(lambda a, b: a @ b, in_dims=(0, None))(_t(t, X), _t(t, X.T)),
    "in_dims_negative": lambda t: t.vmap(lambda a: a.cumsum(0), in_dims=-1)(_t(t, X)),
    "in_dims_nested": lambda t: t.vmap(lambda p: p[0] + p[1]["u"], in_dims=((0, {"u": 1}),))(
        (_t(t, X), {"u": _t(t, Y[:4].T)})),
    "in_dims_int_for_tree": lambda t: t.vmap(lambda p: p[0] * p[1])([_t(t, X), _t(t, X)]),
    "kwargs_unmapped": lambda t: t.vmap(lambda a, scale: a * scale)(_t(t, X), scale=_t(t, X[0])),
    "out_dims": lambda t: t.vmap(lambda a: a.unsqueeze(0) * 2, out_dims=2)(_t(t, X)),
    "out_dims_tuple": lambda t: t.vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(_t(t, X)),
    "out_dims_negative": lambda t: t.vmap(lambda a: a.outer(a), out_dims=-1)(_t(t, X)),
    "out_unbatched": lambda t: t.vmap(lambda a: t.ones(2))(_t(t, X)),
    "out_dims_none": lambda t: t.vmap(lambda a: (a * 2, t.ones(2)), out_dims=(0, None))(_t(t, X)),
    "out_tree": lambda t: t.vmap(lambda a: {"s": a.sum(), "l": [a, a.max()]})(_t(t, X)),
    "out_named_tuple": lambda t: t.vmap(lambda a: a.max(0))(_t(t, X)),
    "nested": lambda t: t.vmap(t.vmap(lambda a, b: a * b + 1), in_dims=(0, None))(_t(t, X), _t(t, X[0])),
    "nested_inner_dims": lambda t: t.vmap(t.vmap(lambda a: a.sum(), in_dims=1), in_dims=0)(
        _t(t, np.arange(24, dtype=np.float32).reshape(2, 3, 4))),
    "nested_mixed_levels": lambda t: t.vmap(lambda a: t.vmap(lambda b: a.sum() * b)(a))(_t(t, X)),
    "chunk_size": lambda t: t.vmap(lambda a: a.softmax(0), chunk_size=2)(_t(t, X)),
    "chunk_size_out_dims": lambda t: t.vmap(lambda a: (a, a.sum()), out_dims=(1, 0), chunk_size=2)(
        _t(t, Y)),
    "getitem_batched_index": lambda t: t.vmap(lambda a, i: a[i])(
        _t(t, X), t.tensor([0, 3, 1])),
    "setitem_slice": lambda t: t.vmap(lambda a: _setitem(a))(_t(t, X)),
    "inplace_batched": lambda t: t.vmap(lambda a: a.clone().mul_(2).add_(1))(_t(t, X)),
    "inplace_into_unbatched": lambda t: t.vmap(lambda a: t.zeros(4).add_(a))(_t(t, X)),
    "grad_fn_physical": lambda t: t.vmap(lambda a: a.sin().sum())(
        t.tensor(X, requires_grad=True)).grad_fn.name(),
    "backward_through_vmap": lambda t: _backward_through(t, lambda a: (a * a).sum()),
    # take and put batched as one index of the flattened rows: a plain key reaches the backward
    "backward_through_take": lambda t: _backward_through(
        t, lambda a: a.take(t.tensor([3, 0, 3])) ** 2),
    "backward_through_put": lambda t: _backward_through(
        t, lambda a: a.put(t.tensor([1, 2]), a[:2] * 2) ** 2),
    "random_error": lambda t: t.vmap(lambda a: a + t.randn(4))(_t(t, X)),
    "random_dropout_error": lambda t: t.vmap(lambda a: t.nn.functional.dropout(a, 0.5))(_t(t, X)),
    "random_same": lambda t: _same_random(t),
    # errors of the call
    "bad_randomness": lambda t: t.vmap(f, randomness="foo"),
    "bad_chunk_size": lambda t: t.vmap(f, chunk_size=0),
    "no_inputs": lambda t: t.vmap(f)(),
    "in_dims_type": lambda t: t.vmap(f, in_dims="a")(_t(t, X)),
    "in_dims_list": lambda t: t.vmap(f, in_dims=[0])(_t(t, X)),
    "in_dims_structure": lambda t: t.vmap(f, in_dims=(0, 1))(_t(t, X)),
    "in_dims_float": lambda t: t.vmap(f, in_dims=(1.5,))(_t(t, X)),
    "in_dims_range": lambda t: t.vmap(f, in_dims=2)(_t(t, X)),
    "in_dims_all_none": lambda t: t.vmap(f, in_dims=(None,))(_t(t, X)),
    "in_dims_non_tensor": lambda t: t.vmap(f)(3),
    "sizes_differ": lambda t: t.vmap(lambda a, b: a + b[:, :4].sum())(_t(t, X), _t(t, Y)),
    "out_dims_type": lambda t: t.vmap(f, out_dims="a")(_t(t, X)),
    "out_dims_structure": lambda t: t.vmap(f, out_dims=(0, 1))(_t(t, X)),
    "out_dims_range": lambda t: t.vmap(f, out_dims=3)(_t(t, X)),
    "returns_int": lambda t: t.vmap(lambda a: 3)(_t(t, X)),
    "returns_none": lambda t: t.vmap(lambda a: None)(_t(t, X)),
    "returns_mixed": lambda t: t.vmap(lambda a: (a, 2))(_t(t, X)),
    # errors of what the function does
    "item": lambda t: t.vmap(lambda a: a.sum().item())(_t(t, X)),
    "float": lambda t: t.vmap(lambda a: float(a.sum()))(_t(t, X)),
    "control_flow": lambda t: t.vmap(lambda a: a if a.sum() > 0 else -a)(_t(t, X)),
    # histogram and histc run per sample (each sample's own edges); histogramdd is refused
    "histogram_per_sample": lambda t: t.vmap(lambda a: t.histogram(a, 3))(_t(t, X)),
    "histogram_edges_weight": lambda t: t.vmap(lambda a, w: t.histogram(
        a, t.tensor([-1.0, 0.0, 1.5]), weight=w))(_t(t, X), _t(t, X + 2)),
    "histc_per_sample": lambda t: t.vmap(lambda a: t.histc(a, 4))(_t(t, X)),
    "histogramdd_refused": lambda t: t.vmap(lambda a: t.histogramdd(a.reshape(2, 2), 2))(_t(t, X)),
    "histogramdd_list_refused": lambda t: t.vmap(lambda a: t.histogramdd(a.reshape(2, 2),
                                                                        [2, 3]))(_t(t, X)),
    "histogramdd_edges_refused": lambda t: t.vmap(lambda a: t.histogramdd(
        a.reshape(2, 2), [t.tensor([-1.0, 0.0, 1.0])] * 2))(_t(t, X)),
    # (refused whichever argument is batched)
    "histogramdd_weight_refused": lambda t: t.vmap(lambda w: t.histogramdd(
        _t(t, X[0]).reshape(2, 2), 2, weight=w[:2]))(_t(t, X)),
    "histogramdd_edges_batched_refused": lambda t: t.vmap(lambda e: t.histogramdd(
        _t(t, X[0]).reshape(2, 2), [e, e]))(_t(t, X)),
}


def _setitem(a):
    b = a.clone()
    b[1:3] = 0.5
    return b


def _backward_through(t, fn):
    x = t.tensor(X, requires_grad=True)
    t.vmap(fn)(x).sum().backward()
    return x.grad


def _same_random(t):
    t.manual_seed(0)
    out = t.vmap(lambda a: a * 0 + t.rand(4), randomness="same")(_t(t, X))
    return out[0] - out[1]


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    assert observe(CASES[name], dyngrad) == observe(CASES[name], torch)


def test_fallback_warns_once():
    # an op with no batching rule runs once per sample and says so, once
    x = dyngrad.tensor(np.abs(X) + 1)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        a = dyngrad.vmap(lambda r: dyngrad.nn.functional.smooth_l1_loss(r, r * 2))(x)
        b = dyngrad.vmap(lambda r: dyngrad.nn.functional.smooth_l1_loss(r, r * 2))(x)
    msgs = [str(w.message) for w in seen if "performance drop" in str(w.message)]
    assert len(msgs) <= 1 and all("batching rule for aten::smooth_l1_loss" in m for m in msgs)
    want = torch.vmap(lambda r: torch.nn.functional.smooth_l1_loss(r, r * 2))(torch.tensor(np.abs(X) + 1))
    np.testing.assert_allclose(a.numpy(), want.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), want.numpy(), rtol=1e-6)


@pytest.mark.parametrize("bins", [3, "edges"])
def test_histogram_fallback_warning_names_the_overload(bins):
    def warned(t):
        b = bins if bins == 3 else t.tensor([-1.0, 0.0, 1.5])
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            t.vmap(lambda a: t.histogram(a, b))(_t(t, X))
        # (torch's C++ warnings end in where they were raised: dyngrad's do not)
        return [str(w.message).split(" (Triggered internally")[0] for w in seen
                if "performance drop" in str(w.message)]
    from dyngrad.ops import _batched
    _batched._warned.clear()  # (dyngrad says it once per process)
    assert warned(dyngrad) == warned(torch)


LOSSES = ["mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits"]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", LOSSES)
def test_loss_per_sample(name, reduction):
    # each sample reduced on its own, forward and per-sample gradient (vmap of grad)
    def case(t):
        fn = getattr(t.nn.functional, name)
        x = t.tensor(np.abs(Y[:, :2]) * 0.8 + 0.1)
        y = t.tensor(np.abs(Y[::-1, 1:]) * 0.9)

        def f(a, b):
            return fn(a, b, reduction=reduction)
        return (t.vmap(f)(x, y), t.vmap(t.func.grad(lambda a, b: f(a, b).sum()))(x, y))
    assert observe(case, dyngrad) == observe(case, torch)


def test_same_randomness_in_place():
    # an in-place draw on a batched tensor under randomness="same": one draw, every sample
    def case(t):
        t.manual_seed(3)
        return t.vmap(lambda a: a.clone().uniform_() + a * 0, randomness="same")(_t(t, X))
    assert observe(case, dyngrad) == observe(case, torch)

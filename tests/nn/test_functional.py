"""nn.functional against torch: values, grad_fn names, saved values, gradients, double
backward and error messages. Each case is one callable run on both libraries."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad
import dyngrad.nn.functional as dF

LIBS = ((dyngrad, dF), (torch, torch.nn.functional))
RNG = np.random.default_rng(0)


def _np(t):
    return t.detach().numpy()


def _run(case, *arrays, grad_arg=0):
    """``case(lib, F, *tensors)`` on both libraries, the ``grad_arg``-th input requiring grad
    (None: no input). Returns [(out, inputs)] for dyngrad then torch."""
    outs = []
    for lib, F in LIBS:
        ts = [lib.tensor(a, requires_grad=(i == grad_arg and a.dtype.kind == "f"))
              for i, a in enumerate(arrays)]
        outs.append((case(lib, F, *ts), ts))
    return outs


def _same(a, b, rtol=1e-5, atol=1e-6):
    assert tuple(a.shape) == tuple(b.shape)
    assert str(a.dtype) == str(b.dtype)
    np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol)


def _first_and_second_order(results, upstream_seed=1):
    """Compare grads of <out, v> and of <grad, w> (double backward) w.r.t. input 0."""
    grads = []
    for (lib, _), (out, ts) in zip(LIBS, results):
        rng = np.random.default_rng(upstream_seed)
        v = lib.tensor(rng.standard_normal(tuple(out.shape)).astype(_np(out).dtype))
        g, = lib.autograd.grad(out, ts[0], v, create_graph=True)
        w = lib.tensor(rng.standard_normal(tuple(g.shape)).astype(_np(g).dtype))
        inner = (g * w).sum()
        # a gradient linear in grad alone (nll_loss) has no graph back to the input
        gg = lib.autograd.grad(inner, ts[0], allow_unused=True)[0] if inner.requires_grad else None
        grads.append((g, gg))
    (g_d, gg_d), (g_t, gg_t) = grads
    _same(g_d, g_t)
    if gg_t is None:
        assert gg_d is None or not np.any(_np(gg_d))
    elif gg_d is None:
        # torch records a zero second derivative (nll_loss: its backward node takes self);
        # dyngrad's nll_loss gradient does not depend on self, so it records none
        assert not np.any(_np(gg_t))
    else:
        _same(gg_d, gg_t, rtol=1e-4, atol=1e-5)


# -- activations -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((3, 4), -1),
                                        ((2, 3, 4), 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family(name, shape, dim, dtype):
    x = RNG.standard_normal(shape).astype(dtype)
    results = _run(lambda lib, F, t: getattr(F, name)(t, dim), x)
    (d, _), (t, _) = results
    _same(d, t)
    assert d.grad_fn.name() == t.grad_fn.name()
    _same(d.grad_fn._saved_result, t.grad_fn._saved_result)
    if dim >= 0:  # torch shows a negative saved dim as its unsigned 64-bit value
        assert d.grad_fn._saved_dim == t.grad_fn._saved_dim
    _first_and_second_order(results)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_is_stable_for_large_inputs(name):
    x = np.array([[1000., 0., -1000.], [-np.inf, 0., 1.]], dtype=np.float32)
    (d, _), (t, _) = _run(lambda lib, F, t: getattr(F, name)(t, 1), x)
    _same(d, t)  # finite where torch's is, to an ulp


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_pointwise_activations(name):
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    results = _run(lambda lib, F, t: getattr(F, name)(t), x)
    (d, _), (t, _) = results
    _same(d, t)
    assert d.grad_fn.name() == t.grad_fn.name()
    _first_and_second_order(results)


def test_exact_gelu_float32_across_its_range():
    # float32's exact gelu is a polynomial fit: check it where the cdf saturates (|x| ~ 4..14),
    # in the far negative tail (values near zero), at zeros, tiny and huge values, -inf, nan
    # and non-contiguous and 0-d inputs, forward and gradient. (Above 1.7e38 torch's kernel
    # overflows to inf, and gives nan at +inf; dyngrad keeps x there, as torch's float64.)
    grid = np.concatenate([np.linspace(-16, 16, 6401), [0.0, -0.0, 1e-30, -1e-30, 1e-6, 1e30,
                                                         -3e38, -np.inf, np.nan]])
    for x in (grid.astype(np.float32), grid[:40].astype(np.float32).reshape(8, 5).T,
              np.float32(-0.7)):
        (d, di), (t, ti) = _run(lambda lib, F, t: F.gelu(t), np.asarray(x))
        _same(d, t)
        for (lib, _), out, ins in ((LIBS[0], d, di), (LIBS[1], t, ti)):
            out.backward(lib.ones_like(out))
        _same(di[0].grad, ti[0].grad)


def test_exact_gelu_float32_keeps_the_tail_digits():
    # for x in [-6, -3.5] torch's float32 kernel loses digits to 1 + erf(x / sqrt 2)
    # (up to a third of the gradient); dyngrad's fit keeps them (README): value and
    # gradient within 1e-5 of torch's float64 ones
    x = np.linspace(-6, -3.5, 251).astype(np.float32)
    exact = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.gelu(exact).backward(torch.full_like(exact, 3.0))
    t = dyngrad.tensor(x, requires_grad=True)
    y = dF.gelu(t)
    y.backward(dyngrad.full_like(y, 3.0))
    want = torch.nn.functional.gelu(exact).detach().numpy()
    np.testing.assert_allclose(y.detach().numpy(), want, rtol=1e-5, atol=0)
    np.testing.assert_allclose(t.grad.numpy(), exact.grad.numpy(), rtol=1e-5, atol=0)


def test_implicit_softmax_dim_warns_as_torch():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    for lib, F in LIBS:
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            F.softmax(lib.tensor(x))


# -- nll_loss and cross_entropy ----------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
def test_nll_loss(reduction, with_weight, ignore):
    x = RNG.standard_normal((6, 5)).astype(np.float32)
    y = np.array([0, 4, 2, 2, 1, 3])
    if ignore:
        y[[1, 4]] = -100
    weight = RNG.random(5).astype(np.float32)

    def case(lib, F, x, y):
        w = lib.tensor(weight) if with_weight else None
        return F.nll_loss(x, y, weight=w, reduction=reduction)
    results = _run(case, x, y)
    (d, _), (t, _) = results
    _same(d, t)
    assert d.grad_fn.name() == t.grad_fn.name() == "NllLossBackward0"
    assert d.grad_fn._saved_reduction == t.grad_fn._saved_reduction
    _first_and_second_order(results)


def test_nll_loss_1d_input_and_extra_dims():
    x1 = RNG.standard_normal(5).astype(np.float32)
    (d, _), (t, _) = _run(lambda lib, F, x, y: F.nll_loss(x, y), x1, np.array(3))
    _same(d, t)
    xk = RNG.standard_normal((2, 5, 3)).astype(np.float32)
    yk = np.array([[0, 4, 1], [2, -100, 3]])
    results = _run(lambda lib, F, x, y: F.nll_loss(x, y), xk, yk)
    _same(results[0][0], results[1][0])
    _first_and_second_order(results)


def test_nll_loss_all_ignored_is_nan():
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    (d, _), (t, _) = _run(lambda lib, F, x, y: F.nll_loss(x, y), x, np.array([-100, -100]))
    assert np.isnan(_np(d)) and np.isnan(_np(t))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_composes_log_softmax_and_nll(reduction):
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    results = _run(lambda lib, F, x, y: F.cross_entropy(x, y, reduction=reduction),
                   x, np.array([0, 2, 1, -100]))
    (d, _), (t, _) = results
    _same(d, t)
    graph = [(f.grad_fn.name(), f.grad_fn.next_functions[0][0].name()) for f in (d, t)]
    assert graph[0] == graph[1] == ("NllLossBackward0", "LogSoftmaxBackward0")
    _first_and_second_order(results)


def test_cross_entropy_legacy_args_warn_as_torch():
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    for lib, F in LIBS:
        with pytest.warns(UserWarning, match="reduction='sum' instead"):
            out = F.cross_entropy(lib.tensor(x), lib.tensor([0, 1, 2, 0]), size_average=False)
        assert out.shape == ()


def _error(case):
    """The (type, message) each library raises for ``case(lib, F)``."""
    seen = []
    for lib, F in LIBS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as info:
                case(lib, F)
        seen.append((type(info.value), str(info.value)))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("x_shape,target", [
    ((3, 4), [0, 1, 5]),                    # out of bounds
    ((3, 4), [0, 1, -1]),                   # negative, not ignore_index
    ((3, 4), [0, 1]),                       # batch mismatch
    ((3, 4), [[0, 1, 2]]),                  # target of the wrong rank
    ((3, 4), 1),                            # 0-d target for a batch
    ((2, 3, 4), [0, 1]),                    # K-dim target shape
    ((4,), [[1]]),                          # multi-target
    ((4,), [1, 2]),                         # 1D input, 1D target of size 2
    ((), 1),                                # 0-d input
])
def test_nll_loss_errors(x_shape, target):
    x = RNG.standard_normal(x_shape).astype(np.float32)
    _error(lambda lib, F: F.nll_loss(lib.tensor(x), lib.tensor(target)))


def test_nll_loss_target_dtype_and_reduction_errors():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    _error(lambda lib, F: F.nll_loss(lib.tensor(x), lib.tensor([0., 1., 2.])))
    _error(lambda lib, F: F.nll_loss(lib.tensor(x), lib.tensor([0, 1, 2]), reduction="avg"))
    _error(lambda lib, F: F.cross_entropy(lib.tensor(x), lib.tensor(np.zeros((3, 4), np.int64))))


def test_softmax_errors():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    _error(lambda lib, F: F.log_softmax(lib.tensor(x), 2))
    _error(lambda lib, F: F.softmax(lib.tensor(x), -3))
    _error(lambda lib, F: F.log_softmax(lib.tensor([1, 2]), 0))


# -- mse_loss ----------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("grad_arg", [0, 1])
def test_mse_loss(reduction, grad_arg):
    a, b = (RNG.standard_normal((4, 3)).astype(np.float32) for _ in range(2))
    results = _run(lambda lib, F, a, b: F.mse_loss(a, b, reduction=reduction), a, b,
                   grad_arg=grad_arg)
    (d, dts), (t, tts) = results
    _same(d, t)
    assert d.grad_fn.name() == t.grad_fn.name() == "MseLossBackward0"
    assert d.grad_fn._saved_reduction == t.grad_fn._saved_reduction
    if grad_arg == 0:
        _first_and_second_order(results)
    else:
        for out, ts in ((d, dts), (t, tts)):
            out.sum().backward()
        _same(dts[1].grad, tts[1].grad)


def test_mse_loss_broadcast_warns_and_mismatch_raises():
    a = RNG.standard_normal((3, 4)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    outs = []
    for lib, F in LIBS:
        with pytest.warns(UserWarning, match="different to the input size"):
            outs.append(F.mse_loss(lib.tensor(a), lib.tensor(b)))
    _same(*outs)
    c = RNG.standard_normal(5).astype(np.float32)
    _error(lambda lib, F: F.mse_loss(lib.tensor(a), lib.tensor(c)))


def test_hessian_vector_product_of_a_tanh_mlp():
    # the benchmark's hvp workload, small: grad(create_graph=True) twice through
    # MmBackward0, TanhBackward0 and MseLossBackward0
    x, y = RNG.standard_normal((16, 8)), RNG.standard_normal((16, 1))
    params = [RNG.standard_normal(s) * 0.3 for s in ((8, 6), (6,), (6, 1), (1,))]
    vs = [RNG.standard_normal(p.shape) for p in params]
    hvs = []
    for lib, F in LIBS:
        ps = [lib.tensor(p, requires_grad=True) for p in params]
        w1, b1, w2, b2 = ps
        loss = F.mse_loss(lib.tanh(lib.tensor(x) @ w1 + b1) @ w2 + b2, lib.tensor(y))
        grads = lib.autograd.grad(loss, ps, create_graph=True)
        dot = sum((g * lib.tensor(v)).sum() for g, v in zip(grads, vs))
        hvs.append(lib.autograd.grad(dot, ps))
    for h_d, h_t in zip(*hvs):
        _same(h_d, h_t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape,padding_idx,by_freq", [((12, 64), None, False), ((3,), 2, True),
                                                       ((0,), None, False), ((), 1, False),
                                                       ((12, 64), 3, True)])
def test_embedding_gradient_sums_repeated_rows_as_torch(shape, padding_idx, by_freq):
    # float32 sums of a row's repeated indices depend on their order: bit for bit torch's
    # (by frequency: each row scaled by 1 / count and added with a fused multiply-add)
    idx = RNG.integers(0, 7, shape)
    g = RNG.standard_normal(shape + (6,)).astype(np.float32)
    grads = []
    for lib, F in LIBS:
        w = lib.zeros(7, 6, requires_grad=True)
        F.embedding(lib.tensor(idx), w, padding_idx=padding_idx,
                    scale_grad_by_freq=by_freq).backward(lib.tensor(g))
        grads.append(_np(w.grad))
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("pad", [(-1, 2), (2, -1), (-1, -1), (-3, 0), (1, -1, -1, 1),
                                 (-1, 1, 1, -2)])
def test_circular_pad_crops_before_it_wraps(pad):
    # negative pads crop first: the wrapped border is the cropped tensor's
    x = np.arange(40, dtype=np.float32).reshape(2, 4, 5)
    results = _run(lambda lib, F, t: F.pad(t, pad, mode="circular"), x)
    _same(results[0][0], results[1][0])
    _first_and_second_order(results)

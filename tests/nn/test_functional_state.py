"""nn.functional against torch where state is involved: masks drawn from the random stream
(the same seed gives the same mask and leaves the same generator state), running statistics
updated in place, weights renormalised in place, in-place activations; and the Python
signatures (parameter names and defaults) of the functionals."""
import inspect

import numpy as np
import pytest
import torch

import dyngrad
import dyngrad.nn.functional as dF

R = np.random.default_rng(11)
X = R.standard_normal((6, 5, 4, 3)).astype(np.float32)


def _both(call, *arrays):
    """call(lib, *tensors) on both libraries after seeding both with 7; (dyngrad, torch)
    results with the next uniform draw of each generator."""
    outs = []
    for lib in (dyngrad, torch):
        lib.manual_seed(7)
        out = call(lib, *[lib.tensor(a) for a in arrays])
        outs.append((out, lib.rand(3)))
    return outs


DROPS = {
    "dropout": lambda t, x, p: t.nn.functional.dropout(x, p),
    "dropout_functional": lambda t, x, p: t.dropout(x, p, True),
    "dropout2d": lambda t, x, p: t.nn.functional.dropout2d(x, p),
    "dropout1d": lambda t, x, p: t.nn.functional.dropout1d(x[0], p),
    "dropout3d": lambda t, x, p: t.nn.functional.dropout3d(x, p),
    "alpha_dropout": lambda t, x, p: t.nn.functional.alpha_dropout(x, p, True),
    "feature_alpha_dropout": lambda t, x, p: t.nn.functional.feature_alpha_dropout(x, p, True),
    "dropout_inplace": lambda t, x, p: t.nn.functional.dropout(x * 1, p, inplace=True),
    "sdpa_dropout": lambda t, x, p: t.nn.functional.scaled_dot_product_attention(x, x, x, dropout_p=p),
}


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("name", DROPS)
def test_dropout_masks_are_torchs(name, p):
    (d, d_next), (t, t_next) = _both(lambda lib, x: DROPS[name](lib, x, p), X)
    if name == "sdpa_dropout":
        np.testing.assert_allclose(d.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(d.numpy(), t.numpy())
    np.testing.assert_array_equal(d_next.numpy(), t_next.numpy())


@pytest.mark.parametrize("p", [0.0, 0.5])
def test_dropout_off_returns_the_input(p):
    for lib in (dyngrad, torch):
        x = lib.tensor(X)
        assert lib.nn.functional.dropout(x, p, training=False) is x
    (d, d_next), (t, t_next) = _both(lambda lib, x: lib.nn.functional.dropout(x, 1.0), X)
    np.testing.assert_array_equal(d.numpy(), t.numpy())


@pytest.mark.parametrize("momentum", [0.1, 0.6])
@pytest.mark.parametrize("shape", [(6, 5), (6, 5, 4), (6, 5, 4, 3)])
def test_batch_norm_running_stats(shape, momentum):
    x = X.reshape(-1)[:int(np.prod(shape))].reshape(shape)
    weight = np.linspace(-1.5, 2.0, 5, dtype=np.float32)
    got = []
    for lib in (dyngrad, torch):
        rm, rv = lib.zeros(5) + 0.25, lib.ones(5) * 1.5
        w, b = lib.tensor(weight), lib.zeros(5)
        y = lib.nn.functional.batch_norm(lib.tensor(x), rm, rv, w, b, True, momentum, 1e-3)
        y2 = lib.nn.functional.batch_norm(lib.tensor(x) * 2, rm, rv, w, b, True, momentum)
        e = lib.nn.functional.batch_norm(lib.tensor(x), rm, rv, w, b, False)
        got.append([t.numpy() for t in (y, y2, e, rm, rv)] + [rm._version])
    for a, b in zip(got[0][:-1], got[1][:-1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert got[0][-1] == got[1][-1]


def test_instance_norm_running_stats():
    got = []
    for lib in (dyngrad, torch):
        rm, rv = lib.zeros(5), lib.ones(5)
        y = lib.nn.functional.instance_norm(lib.tensor(X), rm, rv, use_input_stats=True)
        got.append([t.numpy() for t in (y, rm, rv)])
    for a, b in zip(*got):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_embedding_max_norm_renormalises_in_place():
    got = []
    for lib in (dyngrad, torch):
        w = lib.tensor(X[0, :, :, 0] * 3)
        out = lib.nn.functional.embedding(lib.tensor([[0, 2], [2, 4]]), w, max_norm=1.5)
        got.append((out.numpy(), w.numpy(), w._version))
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-5)
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-5)


INPLACE = ["relu6", "hardtanh", "leaky_relu", "elu", "selu", "celu", "silu", "mish",
           "hardswish", "hardsigmoid"]


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_activation_writes_its_input(name):
    got = []
    for lib in (dyngrad, torch):
        x = lib.tensor(X * 3)
        y = getattr(lib.nn.functional, name)(x, inplace=True)
        got.append((y is x, x.numpy()))
    assert got[0][0] and got[1][0]
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-5, atol=1e-6)


# (the max pools are torch's boolean dispatchers over return_indices, and sdpa a builtin
# without a documented signature line: they are left out)
NAMES = ["linear", "bilinear", "silu", "mish", "leaky_relu", "elu", "selu", "celu", "hardtanh",
         "relu6", "hardsigmoid", "hardswish", "threshold", "glu", "softmin", "softsign",
         "tanhshrink", "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
         "embedding", "layer_norm", "group_norm", "batch_norm", "instance_norm", "normalize",
         "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "pad",
         "interpolate", "binary_cross_entropy", "binary_cross_entropy_with_logits", "l1_loss",
         "smooth_l1_loss", "huber_loss", "kl_div", "nll_loss", "cross_entropy", "mse_loss",
         "margin_ranking_loss", "triplet_margin_loss", "cosine_embedding_loss",
         "hinge_embedding_loss", "poisson_nll_loss", "gaussian_nll_loss", "soft_margin_loss",
         "conv1d", "conv2d", "conv3d", "conv_transpose1d",
         "conv_transpose2d", "gelu", "softplus", "logsigmoid", "prelu", "one_hot",
         "cosine_similarity", "pairwise_distance"]


def _parameters(fn):
    try:
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]
    except (TypeError, ValueError):
        # a builtin: its documented signature is the docstring's first line
        line = fn.__doc__.strip().splitlines()[0]
        inner = line[line.index("(") + 1:line.rindex(")")]
        return [part.split("=")[0].strip().lstrip("*") for part in inner.split(",")
                if part.strip() not in ("*", "")]


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_torchs(name):
    want = _parameters(getattr(torch.nn.functional, name))
    got = inspect.signature(getattr(dF, name)).parameters.values()
    if want and isinstance(want[0], tuple):
        assert [(p.name, p.default) for p in got] == want
    else:
        assert [p.name for p in got][:len(want)] == want


def test_attention_heads_merge_back_with_contiguous_view():
    # nanoGPT's idiom: (B, nh, T, hs) -> transpose -> contiguous -> view(B, T, C)
    got = []
    for lib in (dyngrad, torch):
        q = lib.tensor(X[:2, :4, :3, :2].copy(), requires_grad=True)
        y = lib.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True)
        z = y.transpose(1, 2).contiguous()
        m = z.view(2, 3, 8)
        m.sum().backward()
        got.append((z.is_contiguous(), z.stride(), m.detach().numpy(), q.grad.numpy()))
    assert got[0][:2] == got[1][:2]
    np.testing.assert_allclose(got[0][2], got[1][2], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[0][3], got[1][3], rtol=1e-5, atol=1e-6)

"""The array-module seam (NOTE [The array-module seam] in _backend.py): tensors over
array-api-strict arrays run the core ops and the engine, forward, backward and double
backward, with the values the NumPy backend gives.

The strict arrays live on array-api-strict's ``device1``, a device NumPy cannot read:
any op that reached around the seam to NumPy (``numpy.exp(a)``, ``numpy.asarray(a)``)
raises there, and any array it made with NumPy could not be combined with them. Every
tensor an op returns, and every gradient, is checked to hold a strict array.

Covered: + - * / ** (tensors and numbers, alpha), neg, exp, log, sqrt, sin, cos, tanh,
sigmoid, abs, relu, where, comparisons, matmul (mm, and batches folded into mm), sum,
mean, view/reshape, t/transpose/permute, unsqueeze/squeeze/expand, slicing and integer
indexing, cat, stack, softmax, log_softmax, mse_loss, cross_entropy (nll_loss), dtype
conversion (``.to``), complex gradients (mul, tanh, sigmoid, conj, abs), and the engine
(backward into ``.grad``, autograd.grad, create_graph).

Still NumPy-only (another module's array fails in them, named by the error): in-place
ops, indexing with tensors (gather/scatter/index_put, advanced indexing), max/min and
the other reductions, sorting, scans, linalg beyond matmul, fft, convolution and
pooling (strides), random ops, the special functions, and torch's exact FMA rounding of
``add(alpha=)``. A first-order backward runs its formulas' operators on the arrays, so
a differentiable op mixing an integer and a float tensor (``x * int_tensor``) relies on
the module promoting as NumPy does (CuPy does; array-api-strict refuses).
"""
import numpy as np
import pytest

import dyngrad
from dyngrad import _backend

xps = pytest.importorskip("array_api_strict")
DEVICE = xps.Device("device1")
# array-api-strict warns when one of its dtypes meets one of NumPy's: that is a bypass too
pytestmark = pytest.mark.filterwarnings("error:You are comparing")


def _strict(a):
    return xps.asarray(np.array(a), device=DEVICE)


def _inputs(module, arrays, requires_grad=True):
    """Tensors over NumPy arrays or over strict arrays of the same values."""
    if module == "numpy":
        return [dyngrad.as_tensor(np.array(a)).requires_grad_(requires_grad) for a in arrays]
    return [dyngrad.as_tensor(_strict(a)).requires_grad_(requires_grad) for a in arrays]


def _cross_entropy(x):
    target = dyngrad.as_tensor(_strict([2, 0, 1]) if not _backend.is_numpy(x._data)
                               else np.array([2, 0, 1]))
    return dyngrad.nn.functional.cross_entropy(x, target)


def _like(x, values):
    """A tensor of ``values`` over x's module."""
    values = np.array(values)
    return dyngrad.as_tensor(values if _backend.is_numpy(x._data) else _strict(values))


def _nll_loss_4d(x):
    # nll_loss2d: class weights, an ignored target, 'mean' over the weights kept
    target = _like(x, [[[0, 2], [1, 1]], [[2, 0], [1, 2]]])
    return dyngrad.nn.functional.nll_loss(x.log_softmax(1), target, _like(x, [0.5, 2.0, 1.5]),
                                          ignore_index=1)


def _where(x, y):
    return dyngrad.where(x > 0.1, x, y)


def _ints(x):
    """An int64 tensor of x's module (torch's promotion: float64 with int64 is float64)."""
    values = np.array([[1, 2, 3], [-4, 5, 7]])
    return dyngrad.tensor(values if _backend.is_numpy(x._data) else _strict(values))


# (name, function of the input tensors, input shapes); values drawn away from kinks
CASES = [
    ("add", lambda x, y: x + y, [(2, 3), (3,)]),
    ("sub_alpha", lambda x, y: dyngrad.sub(x, y, alpha=2), [(2, 3), (2, 3)]),
    ("mul", lambda x, y: x * y, [(2, 3), (2, 1)]),
    ("div", lambda x, y: x / (y * y + 1), [(2, 3), (2, 3)]),
    ("scalar_arith", lambda x: (2.0 - x) * 3 + x / 4 - 1, [(4,)]),
    ("int_promotion", lambda x: x + _ints(x) - dyngrad.where(_ints(x) > 1, x, 0.0) / 2,
     [(2, 3)]),
    ("float32", lambda x: (x.float() * 2.5).exp().double() + x.to(dyngrad.float32), [(4,)]),
    ("neg_pow", lambda x: (-x) ** 3 + x ** 2, [(3,)]),
    ("exp_log", lambda x: dyngrad.log(dyngrad.exp(x) + 1), [(2, 3)]),
    ("tanh_sigmoid", lambda x: dyngrad.tanh(x) * dyngrad.sigmoid(x), [(5,)]),
    ("sin_cos_sqrt", lambda x: x.sin() + x.cos() + (x * x + 1).sqrt(), [(3, 2)]),
    ("abs_relu", lambda x: x.abs() + dyngrad.relu(x), [(6,)]),
    # (relu at 0, where its gradient is 0)
    ("relu_at_zero", lambda x: dyngrad.relu(x - x[0]) * x, [(6,)]),
    ("matmul", lambda x, y: x @ y, [(2, 3), (3, 4)]),
    ("matmul_batched", lambda x, y: dyngrad.matmul(x, y), [(2, 2, 3), (3, 2)]),
    # addmm's node, whose backward reads its inputs' layouts (strides of another module)
    ("linear", lambda x, w, b: dyngrad.nn.functional.linear(x, w, b), [(2, 3), (4, 3), (4,)]),
    ("sum_mean", lambda x: x.sum() + x.mean(dim=1).sum() + x.sum(0, keepdim=True).sum(),
     [(3, 4)]),
    ("reshape_transpose", lambda x: x.reshape(4, 3).t().permute(1, 0).view(2, 6), [(3, 4)]),
    ("indexing", lambda x: x[1:, ::2] * x[0, 1], [(3, 4)]),
    ("unsqueeze_expand", lambda x: x.unsqueeze(1).expand(3, 2, 4).squeeze() * x[:, None, :],
     [(3, 4)]),
    ("where", _where, [(2, 3), (2, 3)]),
    # an empty vector skipped by cat: its gradient is new zeros beside the others, in float32
    ("cat_empty_vector", lambda x, e: dyngrad.cat([x.float(), e.float()]).double() * x,
     [(2, 3), (0,)]),
    ("cat_stack", lambda x, y: dyngrad.cat([x, y], 0) * dyngrad.stack([x, y]).sum(0).sum(),
     [(2, 3), (2, 3)]),
    ("softmax", lambda x: dyngrad.softmax(x, 1) * dyngrad.log_softmax(x, 0), [(3, 4)]),
    ("mse_loss", lambda x, y: dyngrad.nn.functional.mse_loss(x, y), [(2, 3), (2, 3)]),
    ("cross_entropy", _cross_entropy, [(3, 4)]),
    ("nll_loss_1d_sum", lambda x: dyngrad.nn.functional.nll_loss(
        x.log_softmax(0), _like(x, 2), reduction="sum"), [(4,)]),
    ("nll_loss_4d_weight_ignore", _nll_loss_4d, [(2, 3, 2, 2)]),
    ("cross_entropy_none_ignore", lambda x: dyngrad.nn.functional.cross_entropy(
        x, _like(x, [2, -100, 0]), reduction="none"), [(3, 4)]),
]


def _run(module, fn, values):
    """Forward, backward with create_graph, and a backward through the gradients."""
    inputs = _inputs(module, values)
    out = fn(*inputs)
    loss = (out * out).sum()
    grads = dyngrad.autograd.grad(loss, inputs, create_graph=True)
    second = dyngrad.autograd.grad(sum((g * g).sum() for g in grads), inputs, allow_unused=True)
    return [out, loss, *grads, *second]


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_core_ops_on_strict_arrays_match_numpy(name, fn, shapes):
    rng = np.random.default_rng(0)
    values = [rng.uniform(0.2, 1.5, s) * rng.choice([-1, 1], s) for s in shapes]
    want = _run("numpy", fn, values)
    got = _run("strict", fn, values)
    for w, g in zip(want, got):
        if w is None:
            assert g is None
            continue
        assert type(g._data) is not np.ndarray and not _backend.is_numpy(g._data), name
        assert g.dtype is w.dtype and tuple(g.shape) == tuple(w.shape)
        if w.grad_fn is not None:
            assert type(g.grad_fn).__name__ == type(w.grad_fn).__name__
        np.testing.assert_allclose(_backend.to_numpy(g._data), w.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)


# complex inputs: the formulas' conjugates (torch's Wirtinger convention) on strict arrays
COMPLEX_CASES = [
    ("mul", lambda z: (z * z).abs()),
    ("tanh_sigmoid", lambda z: (z.tanh() * z.sigmoid()).abs()),
    ("conj_sin", lambda z: (z.conj() * z.sin()).abs()),
]


@pytest.mark.parametrize("name, fn", COMPLEX_CASES, ids=[c[0] for c in COMPLEX_CASES])
def test_complex_gradients_on_strict_arrays_match_numpy(name, fn):
    rng = np.random.default_rng(0)
    values = [rng.uniform(0.2, 1.5, 4) + 1j * rng.uniform(-1, 1, 4)]
    weights = np.array([1.0, -1.0, 0.3, 2.0])
    grads = {}
    for module in ("numpy", "strict"):
        z, = _inputs(module, values)
        w = dyngrad.as_tensor(weights if module == "numpy" else _strict(weights))
        grads[module], = dyngrad.autograd.grad((fn(z) * w).sum(), [z])
    assert not _backend.is_numpy(grads["strict"]._data)
    np.testing.assert_allclose(_backend.to_numpy(grads["strict"]._data), grads["numpy"].numpy(),
                               rtol=1e-12)


def test_float32_gradients_through_new_zeros():
    # select's and slicing's backward write the gradient into zeros of its dtype and module:
    # float64 zeros (the strict module's default) would make the engine cast the gradient
    # back, a ToCopyBackward0 on top of its graph
    values = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], np.float32)
    seen = {}
    for module in ("numpy", "strict"):
        x, = _inputs(module, [values])
        seen[module] = []
        for y in (x[1], x[:, 1:]):
            g, = dyngrad.autograd.grad((y * y).sum(), x, create_graph=True)
            seen[module].append((g.dtype, g.grad_fn.name(), _backend.to_numpy(g._data).tolist()))
    assert seen["strict"] == seen["numpy"]


def test_backward_accumulates_into_strict_leaves():
    w = dyngrad.as_tensor(_strict([[0.5, -1.0], [2.0, 0.25]])).requires_grad_()
    x = dyngrad.as_tensor(_strict([[1.0, 2.0]]))
    for _ in range(2):
        (x @ w).tanh().sum().backward()
    wn = dyngrad.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=dyngrad.float64, requires_grad=True)
    for _ in range(2):
        (dyngrad.tensor([[1.0, 2.0]], dtype=dyngrad.float64) @ wn).tanh().sum().backward()
    assert not _backend.is_numpy(w.grad._data)
    np.testing.assert_allclose(_backend.to_numpy(w.grad._data), wn.grad.numpy(), rtol=1e-12)


def test_create_graph_backward_into_strict_leaf_then_copies():
    # backward(create_graph=True) copies the gradient into .grad (copy_, CopyBackwards);
    # a second backward goes through that copy; copy_ then works both ways (into a NumPy
    # tensor too: the overlap check leaves the strict source alone)
    import warnings

    import torch

    def run(lib, module):
        w = (_inputs(module, [[0.5, -1.0, 2.0]])[0] if lib is dyngrad
             else torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the reference cycle .grad makes)
            (w * w * w).sum().backward(create_graph=True)
        g = w.grad.detach()
        first = (np.array(_backend.to_numpy(g._data) if lib is dyngrad else g.numpy()),
                 w.grad.grad_fn.name())
        w.grad.sum().backward()
        with lib.no_grad():
            w.copy_(w.grad * 2)
            w.copy_(lib.tensor([1, 2, 3]))  # another dtype, from NumPy's arrays
            back = lib.zeros(3).copy_(w * 2)
        return first, w.grad, w, back

    want = run(torch, "numpy")
    for module in ("numpy", "strict"):
        (grad1, name), grad2, w, back = run(dyngrad, module)
        assert name == want[0][1]
        np.testing.assert_array_equal(grad1, want[0][0])
        assert _backend.is_numpy(back._data) and str(back.dtype) == str(want[3].dtype)
        np.testing.assert_array_equal(back.numpy(), want[3].numpy())
        for g, t in ((grad2, want[1]), (w, want[2])):
            assert module == "numpy" or not _backend.is_numpy(g._data)
            np.testing.assert_array_equal(_backend.to_numpy(g.detach()._data),
                                          t.detach().numpy())
        assert grad2.grad_fn.name() == want[1].grad_fn.name()


def test_accumulation_into_a_strict_grad_of_another_dtype():
    # a .grad of another dtype (grad_dtype None allows one) takes a gradient of its kind
    # and refuses another kind, as on NumPy arrays (whose message the error corpus checks)
    def run(module):
        v = _inputs(module, [np.array([1.0, 2.0], np.float32)])[0]
        v.grad_dtype = None
        v.grad = _like(v, [1.0, 1.0])
        (v * 3).sum().backward()
        kept = v.grad
        v.grad = _like(v, [1, 1])
        with pytest.raises(RuntimeError) as error:
            (v * 3).sum().backward()
        return kept, str(error.value), v.grad
    (kept, message, grad), (want, want_message, want_grad) = run("strict"), run("numpy")
    assert not _backend.is_numpy(kept._data) and kept.dtype is want.dtype is dyngrad.float64
    np.testing.assert_array_equal(_backend.to_numpy(kept._data), want.numpy())
    assert message == want_message
    np.testing.assert_array_equal(_backend.to_numpy(grad._data), want_grad.numpy())


def test_dtypes_printing_and_numpy_conversion():
    t = dyngrad.as_tensor(xps.asarray([1.5, -2.0], dtype=xps.float32, device=DEVICE))
    n = dyngrad.tensor([1.5, -2.0])
    assert t.dtype is dyngrad.float32 and t.is_floating_point()
    assert dyngrad.as_tensor(_strict([1, 2])).dtype is dyngrad.int64
    assert (t + 1).to(dyngrad.float64).dtype is dyngrad.float64
    assert repr(t.requires_grad_()) == repr(n.requires_grad_())
    assert repr(t * 2) == repr(n * 2) and str(t.detach()) == str(n.detach())
    assert t.tolist() == n.tolist() and (t.sum() * 1).item() == (n.sum() * 1).item()
    with pytest.raises(TypeError, match="can't convert array_api_strict array to numpy"):
        t.detach().numpy()
    assert np.array_equal(t.detach().cpu().numpy(), n.detach().numpy())


def test_an_op_still_numpy_only_says_so():
    x = dyngrad.as_tensor(_strict([1.0, -2.0])).requires_grad_()
    with pytest.raises(NotImplementedError, match="Could not run 'CumsumBackward0' with "
                                                  "arguments from the 'array_api_strict' backend"):
        x.cumsum(0)
    with pytest.raises(NotImplementedError, match="'ErfBackward0'"):
        x.erf()
    assert x.grad is None and x.is_leaf

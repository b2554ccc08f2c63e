"""torch.autograd.functional against torch (values, nesting, dtypes, graphs, errors), and
jacobian/hessian against finite differences."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

from _oracle import check, params

X = [0.5, -1.2, 2.0]
Y = [[0.3, 0.7], [-0.4, 1.1]]


def _xy(torch, grad=False, dtype=None):
    return (torch.tensor(X, dtype=dtype, requires_grad=grad),
            torch.tensor(Y, dtype=dtype, requires_grad=grad))


def _f(x, y):
    return (x.exp() * y.sum()).sin(), (x ** 2).sum() * y


def _scalar(x, y):
    return (x.sin() * y.sum() ** 2).sum() + (x ** 3).sum()


def _F(torch):
    return torch.autograd.functional


# -- vjp ---------------------------------------------------------------------------------
def case_vjp_tensor(torch):
    x, _ = _xy(torch)
    return _F(torch).vjp(lambda x: x.exp() * 2, x, torch.tensor([1.0, 2.0, 3.0]))


def case_vjp_tuples(torch):
    x, y = _xy(torch)
    v = (torch.tensor([1.0, -1.0, 0.5]), torch.ones(2, 2))
    return _F(torch).vjp(_f, (x, y), v)


def case_vjp_v_none_scalar(torch):
    return _F(torch).vjp(lambda x: (x ** 2).sum(), _xy(torch)[0])


def case_vjp_create_graph(torch):
    x, y = _xy(torch, grad=True)
    out, g = _F(torch).vjp(_scalar, (x, y), create_graph=True)
    return out, g, torch.autograd.grad(g[0].sum(), x)


def case_vjp_create_graph_input_without_grad(torch):
    x, y = _xy(torch)
    return _F(torch).vjp(_scalar, (x, y), create_graph=True)


def case_vjp_unused_input(torch):
    x, y = _xy(torch)
    return _F(torch).vjp(lambda x, y: x * 2, (x, y), torch.ones(3))


def case_vjp_strict_unused(torch):
    x, y = _xy(torch)
    return _F(torch).vjp(lambda x, y: x * 2, (x, y), torch.ones(3), strict=True)


def case_vjp_strict_constant_output(torch):
    return _F(torch).vjp(lambda x: torch.ones(3), _xy(torch)[0], torch.ones(3), strict=True)


def case_vjp_constant_output(torch):
    return _F(torch).vjp(lambda x: torch.ones(3), _xy(torch)[0], torch.ones(3))


def case_vjp_strict_create_graph_linear(torch):
    x = torch.tensor(X, requires_grad=True)
    return _F(torch).vjp(lambda x: x * 2, x, torch.ones(3), create_graph=True, strict=True)


def case_vjp_v_none_not_scalar(torch):
    return _F(torch).vjp(lambda x: x * 2, _xy(torch)[0])


def case_vjp_v_wrong_size(torch):
    return _F(torch).vjp(lambda x: x * 2, _xy(torch)[0], torch.ones(2))


def case_vjp_v_wrong_size_tuple(torch):
    x, y = _xy(torch)
    return _F(torch).vjp(_f, (x, y), (torch.ones(3), torch.ones(3)))


def case_vjp_v_wrong_length(torch):
    x, y = _xy(torch)
    return _F(torch).vjp(_f, (x, y), (torch.ones(3),))


def case_vjp_v_tuple_for_tensor_output(torch):
    return _F(torch).vjp(lambda x: x * 2, _xy(torch)[0], (torch.ones(3), torch.ones(3)))


def case_vjp_inputs_list(torch):
    return _F(torch).vjp(lambda x: x * 2, [_xy(torch)[0]])


def case_vjp_inputs_tuple_with_number(torch):
    return _F(torch).vjp(lambda x, y: x * y, (_xy(torch)[0], 2.0))


def case_vjp_output_list(torch):
    return _F(torch).vjp(lambda x: [x * 2], _xy(torch)[0])


def case_vjp_v_number(torch):
    return _F(torch).vjp(lambda x: x.sum(), _xy(torch)[0], 1.0)


def case_vjp_float64_v_for_float32(torch):
    return _F(torch).vjp(lambda x: x * 2, _xy(torch)[0], torch.ones(3, dtype=torch.float64))


def case_vjp_keeps_input_untouched(torch):
    x = torch.tensor(X, requires_grad=True)
    out = _F(torch).vjp(lambda x: x * 2, x, torch.ones(3))
    return out, x, x.grad


def case_vjp_captured_input(torch):
    # an input the function captures instead of taking is not differentiated
    x, y = _xy(torch, grad=True)
    return _F(torch).vjp(lambda a: a * x, y[0], torch.ones(3))


def case_vjp_under_no_grad(torch):
    with torch.no_grad():
        return _F(torch).vjp(lambda x: x.exp(), _xy(torch)[0], torch.ones(3))


# -- jvp ---------------------------------------------------------------------------------
def case_jvp_tensor(torch):
    return _F(torch).jvp(lambda x: x.exp() * 2, _xy(torch)[0], torch.tensor([1.0, 2.0, 3.0]))


def case_jvp_tuples(torch):
    x, y = _xy(torch)
    return _F(torch).jvp(_f, (x, y), (torch.tensor([1.0, -1.0, 0.5]), torch.ones(2, 2)))


def case_jvp_v_none_single_element(torch):
    return _F(torch).jvp(lambda x: x * torch.tensor([1.0, 2.0]), torch.tensor([3.0]))


def case_jvp_v_none_not_single(torch):
    return _F(torch).jvp(lambda x: x * 2, _xy(torch)[0])


def case_jvp_create_graph(torch):
    x, y = _xy(torch, grad=True)
    out, j = _F(torch).jvp(_f, (x, y), (torch.ones(3), torch.ones(2, 2)), create_graph=True)
    return out, j, torch.autograd.grad(j[1].sum(), (x, y))


def case_jvp_unused_input(torch):
    x, y = _xy(torch)
    return _F(torch).jvp(lambda x, y: x.exp(), (x, y), (torch.ones(3), torch.ones(2, 2)))


def case_jvp_strict_unused(torch):
    x, y = _xy(torch)
    return _F(torch).jvp(lambda x, y: (x.exp(), y * 2 + x.sum()), (x, y),
                         (torch.ones(3), torch.ones(2, 2)), strict=True)


def case_jvp_strict_output_independent(torch):
    x, y = _xy(torch)
    return _F(torch).jvp(lambda x, y: (x.exp(), x * 0 + 1), (x, y),
                         (torch.ones(3), torch.ones(2, 2)), strict=True)


def case_jvp_strict_constant_output(torch):
    return _F(torch).jvp(lambda x: torch.ones(2), _xy(torch)[0], torch.ones(3), strict=True)


def case_jvp_v_wrong_size(torch):
    x, y = _xy(torch)
    return _F(torch).jvp(_f, (x, y), (torch.ones(3), torch.ones(4)))


def case_jvp_v_wrong_length(torch):
    x, y = _xy(torch)
    return _F(torch).jvp(_f, (x, y), torch.ones(3))


def case_jvp_output_number(torch):
    return _F(torch).jvp(lambda x: 3.0, _xy(torch)[0], torch.ones(3))


# -- vhp / hvp ---------------------------------------------------------------------------
def _v(torch):
    return (torch.tensor([1.0, 0.5, -2.0]), torch.tensor([[0.2, 0.0], [1.0, -1.0]]))


def case_vhp_tuples(torch):
    return _F(torch).vhp(_scalar, _xy(torch), _v(torch))


def case_hvp_tuples(torch):
    return _F(torch).hvp(_scalar, _xy(torch), _v(torch))


def case_vhp_tensor(torch):
    return _F(torch).vhp(lambda x: (x ** 3).sum(), _xy(torch)[0], _v(torch)[0])


def case_hvp_tensor_float64(torch):
    x = torch.tensor(X, dtype=torch.float64)
    return _F(torch).hvp(lambda x: (x.exp() ** 2).prod(), x, torch.ones(3, dtype=torch.float64))


def case_hvp_v_none_single(torch):
    return _F(torch).hvp(lambda x: (x ** 4).sum(), torch.tensor([2.0]))


def case_vhp_v_none(torch):
    return _F(torch).vhp(lambda x: (x ** 4).sum(), _xy(torch)[0])


def case_hvp_create_graph(torch):
    x, y = _xy(torch, grad=True)
    out, h = _F(torch).hvp(_scalar, (x, y), _v(torch), create_graph=True)
    return out, h, torch.autograd.grad(h[0].sum(), (x, y))


def case_vhp_create_graph(torch):
    x, y = _xy(torch, grad=True)
    return _F(torch).vhp(_scalar, (x, y), _v(torch), create_graph=True)


def case_vhp_tuple_output(torch):
    return _F(torch).vhp(lambda x: (x.sum(),), _xy(torch)[0], torch.ones(3))


def case_hvp_not_single_element(torch):
    return _F(torch).hvp(lambda x: x ** 2, _xy(torch)[0], torch.ones(3))


def case_vhp_linear_strict(torch):
    return _F(torch).vhp(lambda x: (x * 2).sum(), _xy(torch)[0], torch.ones(3), strict=True)


def case_hvp_linear_strict(torch):
    return _F(torch).hvp(lambda x: (x * 2).sum(), _xy(torch)[0], torch.ones(3), strict=True)


def case_hvp_linear(torch):
    return _F(torch).hvp(lambda x: (x * 2).sum(), _xy(torch)[0], torch.ones(3))


def case_vhp_unused_strict(torch):
    x, y = _xy(torch)
    return _F(torch).vhp(lambda x, y: (x ** 3).sum(), (x, y), _v(torch), strict=True)


def case_hvp_quadratic_strict_create_graph(torch):
    # the Hessian of a quadratic is constant: refused by strict mode with create_graph
    return _F(torch).hvp(lambda x: (x ** 2).sum(), _xy(torch)[0], torch.ones(3),
                         create_graph=True, strict=True)


def case_vhp_quadratic_strict_create_graph(torch):
    return _F(torch).vhp(lambda x: (x ** 2).sum(), _xy(torch)[0], torch.ones(3),
                         create_graph=True, strict=True)


# -- jacobian ----------------------------------------------------------------------------
def _jac(torch, func, inputs, **kw):
    return _F(torch).jacobian(func, inputs, **kw)


JACOBIAN_FUNCS = {
    "tensor_tensor": (lambda x: x.exp() * x.sum(), False),
    "tensor_tuple": (lambda x: (x.exp(), x.sum()), False),
    "tuple_tensor": (lambda x, y: x * y.sum(), True),
    "tuple_tuple": (_f, True),
    "0d": (lambda x: (x ** 2).sum(), False),
}


def _jacobian_case(name, **kw):
    func, two = JACOBIAN_FUNCS[name]

    def case(torch):
        x, y = _xy(torch)
        return _jac(torch, func, (x, y) if two else x, **kw)
    case.__name__ = f"case_jacobian_{name}_" + "_".join(f"{k}_{v}" for k, v in kw.items())
    return case


for _name in JACOBIAN_FUNCS:
    for _kw in ({}, {"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
        _c = _jacobian_case(_name, **_kw)
        globals()[_c.__name__.replace("-", "_")] = _c


def case_jacobian_create_graph(torch):
    # (float64: in float32 sin's derivative near 4 pi loses digits, differently in each)
    x, y = _xy(torch, grad=True, dtype=torch.float64)
    J = _jac(torch, _f, (x, y), create_graph=True)
    return J, torch.autograd.grad(J[0][1].sum(), (x, y))


def case_jacobian_create_graph_vectorized(torch):
    x, y = _xy(torch, grad=True)
    J = _jac(torch, _f, (x, y), create_graph=True, vectorize=True)
    return J, torch.autograd.grad(J[1][0].sum(), (x, y))


def _detached(res):
    """A forward-mode result without history: torch's tangents may come with a grad_fn, or
    requires_grad, that no gradient was asked for (dyngrad's never do)."""
    if isinstance(res, (list, tuple)):
        return type(res)(_detached(r) for r in res)
    return res.detach()


def case_jacobian_forward_mode_input_requires_grad(torch):
    x, y = _xy(torch, grad=True)
    return _detached(_jac(torch, _f, (x, y), vectorize=True, strategy="forward-mode"))


def case_jacobian_forward_mode_under_no_grad(torch):
    x, y = _xy(torch, grad=True)
    with torch.no_grad():
        return _jac(torch, _f, (x, y), vectorize=True, strategy="forward-mode")


def case_jacobian_dtypes(torch):
    # reverse mode: the inputs' dtypes; forward mode: the outputs'
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(Y)
    f = lambda x, y: ((x * 2).float(), (y * 3).double())  # noqa: E731
    return (_jac(torch, f, (x, y)), _jac(torch, f, (x, y), vectorize=True),
            _jac(torch, f, (x, y), vectorize=True, strategy="forward-mode"))


def case_jacobian_unused_input(torch):
    x, y = _xy(torch)
    return _jac(torch, lambda x, y: x * 2, (x, y)), _jac(torch, lambda x, y: x * 2, (x, y),
                                                         vectorize=True)


def case_jacobian_constant_output(torch):
    x = _xy(torch)[0]
    return (_jac(torch, lambda x: torch.zeros(2), x),
            _jac(torch, lambda x: torch.zeros(2), x, vectorize=True),
            _jac(torch, lambda x: torch.zeros(2), x, vectorize=True, strategy="forward-mode"))


def case_jacobian_strict_unused(torch):
    x, y = _xy(torch)
    return _jac(torch, lambda x, y: x * 2, (x, y), strict=True)


def case_jacobian_strict_constant(torch):
    return _jac(torch, lambda x: torch.zeros(2), _xy(torch)[0], strict=True)


def case_jacobian_strict_vectorize(torch):
    return _jac(torch, lambda x: x * 2, _xy(torch)[0], strict=True, vectorize=True)


def case_jacobian_strict_create_graph_linear(torch):
    x = torch.tensor(X, requires_grad=True)
    return _jac(torch, lambda x: x * 2, x, strict=True, create_graph=True)


def case_jacobian_strict_forward_mode(torch):
    return _jac(torch, lambda x: x * 2, [1], strict=True, strategy="forward-mode")


def case_jacobian_forward_mode_not_vectorized(torch):
    return _jac(torch, lambda x: x * 2, _xy(torch)[0], strategy="forward-mode")


def case_jacobian_forward_mode_not_vectorized_bad_input(torch):
    return _jac(torch, lambda x: x * 2, [1], strategy="forward-mode")


def case_jacobian_forward_mode_create_graph(torch):
    return _jac(torch, lambda x: x * 2, _xy(torch)[0], strategy="forward-mode",
                create_graph=True, vectorize=True)


def case_jacobian_forward_mode_output_list(torch):
    return _jac(torch, lambda x: [x * 2], _xy(torch)[0], strategy="forward-mode",
                vectorize=True)


def case_jacobian_bad_strategy(torch):
    return _jac(torch, lambda x: x * 2, _xy(torch)[0], strategy="forward")


def case_jacobian_output_number(torch):
    return _jac(torch, lambda x: 3, _xy(torch)[0])


def case_jacobian_empty_output(torch):
    return _jac(torch, lambda x: x[:0], _xy(torch)[0])


def case_jacobian_0d_input(torch):
    x = torch.tensor(1.5)
    return (_jac(torch, lambda x: torch.stack([x, x ** 2]), x),
            _jac(torch, lambda x: x.exp(), x, vectorize=True),
            _jac(torch, lambda x: x.exp(), x, vectorize=True, strategy="forward-mode"))


def case_jacobian_tuple_with_one_tensor(torch):
    x = _xy(torch)[0]
    return (_jac(torch, lambda x: (x * 2,), (x,)),
            _jac(torch, lambda x: (x * 2,), (x,), vectorize=True, strategy="forward-mode"))


# -- hessian -----------------------------------------------------------------------------
def case_hessian_tensor(torch):
    return _F(torch).hessian(lambda x: (x ** 3).sum() * x.prod(), _xy(torch)[0])


def case_hessian_tuple(torch):
    return _F(torch).hessian(_scalar, _xy(torch))


def case_hessian_vectorize(torch):
    return _F(torch).hessian(_scalar, _xy(torch), vectorize=True)


def test_hessian_forward_over_reverse():
    # torch's forward-over-reverse compiles vmap rules on first use (5 s): against the
    # reverse-mode Hessian here, which torch gives as tuples where forward mode gives lists
    F = dyngrad.autograd.functional
    H = F.hessian(_scalar, _xy(dyngrad), vectorize=True, outer_jacobian_strategy="forward-mode")
    R = F.hessian(_scalar, _xy(dyngrad))
    assert type(H) is list and all(type(row) is list for row in H)
    for h_row, r_row in zip(H, R):
        for h, r in zip(h_row, r_row):
            # (torch's forward-mode Hessian keeps the inner Jacobian's graph)
            assert h.dtype == r.dtype and h.shape == r.shape and h.requires_grad
            np.testing.assert_allclose(h.detach().numpy(), r.numpy(), rtol=1e-6, atol=1e-6)


def case_hessian_forward_not_vectorized(torch):
    return _F(torch).hessian(_scalar, _xy(torch), outer_jacobian_strategy="forward-mode")


def case_hessian_bad_strategy(torch):
    return _F(torch).hessian(_scalar, _xy(torch), outer_jacobian_strategy="reverse")


def case_hessian_create_graph(torch):
    x, y = _xy(torch, grad=True)
    H = _F(torch).hessian(_scalar, (x, y), create_graph=True)
    return H, torch.autograd.grad(H[0][0].sum(), (x, y))


def case_hessian_not_scalar(torch):
    return _F(torch).hessian(lambda x: x ** 2, _xy(torch)[0])


def case_hessian_tuple_output(torch):
    return _F(torch).hessian(lambda x: ((x ** 2).sum(),), _xy(torch)[0])


def case_hessian_strict_linear(torch):
    return _F(torch).hessian(lambda x: (x * 2).sum(), _xy(torch)[0], strict=True)


def case_hessian_strict_unused(torch):
    x, y = _xy(torch)
    return _F(torch).hessian(lambda x, y: (x ** 3).sum(), (x, y), strict=True)


def case_hessian_linear(torch):
    return _F(torch).hessian(lambda x: (x * 2).sum(), _xy(torch)[0])


def case_hessian_inputs_list(torch):
    return _F(torch).hessian(lambda x: (x * 2).sum(), [_xy(torch)[0]])


def case_hessian_one_element_output(torch):
    return _F(torch).hessian(lambda x: (x ** 3).sum().reshape(1, 1), _xy(torch)[0])


# -- autograd.grad(is_grads_batched=True), which vectorize=True stands on -----------------
def _batched(torch, grads, outputs=None, **kw):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    outs = outputs(x) if outputs else [x * 2]
    return torch.autograd.grad(outs, x, grads, is_grads_batched=True, **kw)


def case_batched_0d_grad(torch):
    return _batched(torch, [torch.tensor(1.0)])


def case_batched_empty_batch(torch):
    return _batched(torch, [torch.ones(0, 2)])


def case_batched_wrong_row_shape(torch):
    return _batched(torch, [torch.ones(3, 3)])


def case_batched_batch_sizes_differ(torch):
    return _batched(torch, [torch.ones(3, 2), torch.ones(2, 2)], lambda x: [x * 2, x * 3])


def case_batched_two_outputs(torch):
    return _batched(torch, [torch.ones(3, 2), torch.eye(3, 2)], lambda x: [x * 2, x ** 3])


def case_batched_scalar_output(torch):
    return _batched(torch, [torch.tensor([1.0, -2.0, 3.0])], lambda x: [(x ** 2).sum()])


def case_batched_create_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g, = torch.autograd.grad(x ** 3, x, torch.eye(2), is_grads_batched=True, create_graph=True)
    # (the graph differs: dyngrad runs one backward per row and stacks them, where torch's
    # vmap batches the one backward, so its last node is StackBackward0)
    return g.detach(), g.requires_grad, torch.autograd.grad(g.sum(), x)


def case_batched_unused_input(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = torch.tensor([3.0], requires_grad=True)
    return (torch.autograd.grad(x * 2, (x, z), torch.eye(2), is_grads_batched=True,
                                allow_unused=True, retain_graph=True),
            torch.autograd.grad(x * 2, (x, z), torch.eye(2), is_grads_batched=True,
                                materialize_grads=True))


def case_batched_float64_rows_for_float32(torch):
    return _batched(torch, [torch.eye(2, dtype=torch.float64)])


@pytest.mark.parametrize("case", params(globals()))
def test_against_torch(case):
    def quiet(torch):
        with warnings.catch_warnings():
            # torch's vmap compiles its rules on first use, and warns that torch.jit.script
            # is deprecated: torch's own business, whichever case comes first
            warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated")
            return case(torch)
    quiet.__name__ = case.__name__
    check(quiet)


def test_forward_mode_results_keep_history_as_torch():
    # the columns are tangents pushed through dual inputs that require grad: torch's keep
    # that graph (the hessian's inner Jacobian records one)
    def history(lib):
        x, y = _xy(lib, grad=True)
        F = lib.autograd.functional
        results = [F.jacobian(_f, (x, y), vectorize=True, strategy="forward-mode"),
                   F.hessian(_scalar, (x, y), vectorize=True,
                             outer_jacobian_strategy="forward-mode")]
        return [(t.requires_grad, type(t.grad_fn).__name__) for r in results for row in r
                for t in row]
    assert history(dyngrad) == history(torch)


# -- against finite differences ----------------------------------------------------------
def _numeric_jacobian(f, x, eps=1e-6):
    """Central differences of a NumPy function, shaped output x input."""
    out = np.asarray(f(x))
    J = np.zeros(out.shape + x.shape)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        J[(...,) + idx] = (np.asarray(f(x + d)) - np.asarray(f(x - d))) / (2 * eps)
    return J


def _g(t):
    return (t.sin() * t.sum()).exp()


def _g_np(x):
    return np.exp(np.sin(x) * x.sum())


@pytest.mark.parametrize("kw", [{}, {"vectorize": True},
                                {"vectorize": True, "strategy": "forward-mode"}],
                         ids=["rows", "vectorized", "forward"])
def test_jacobian_finite_differences(kw):
    x = np.array([[0.3, -0.8, 1.1], [0.5, 0.2, -0.4]])
    J = dyngrad.autograd.functional.jacobian(_g, dyngrad.tensor(x), **kw)
    np.testing.assert_allclose(J.numpy(), _numeric_jacobian(_g_np, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kw", [{}, {"vectorize": True},
                                {"vectorize": True, "outer_jacobian_strategy": "forward-mode"}],
                         ids=["rows", "vectorized", "forward_over_reverse"])
def test_hessian_finite_differences(kw):
    x = np.array([0.3, -0.8, 1.1, 0.5])

    def f(t):
        return (t.sin() * t.sum()).exp().sum() + (t ** 3).prod()

    def grad_np(v):  # the gradient, from the same function on dyngrad
        t = dyngrad.tensor(v, requires_grad=True)
        return dyngrad.autograd.grad(f(t), t)[0].numpy()

    H = dyngrad.autograd.functional.hessian(f, dyngrad.tensor(x), **kw).detach()
    np.testing.assert_allclose(H.numpy(), _numeric_jacobian(grad_np, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(H.numpy(), H.numpy().T, rtol=1e-12)


def test_hvp_vhp_jvp_vjp_agree_with_the_matrices():
    x = dyngrad.tensor([0.3, -0.8, 1.1], dtype=dyngrad.float64)
    v = dyngrad.tensor([1.0, -2.0, 0.5], dtype=dyngrad.float64)
    F = dyngrad.autograd.functional

    def f(t):
        return (t.exp() * t.sum()).sin().sum()

    H = F.hessian(f, x).numpy()
    np.testing.assert_allclose(F.hvp(f, x, v)[1].numpy(), H @ v.numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.vhp(f, x, v)[1].numpy(), v.numpy() @ H, rtol=1e-12)
    J = F.jacobian(_g, x).numpy()
    np.testing.assert_allclose(F.jvp(_g, x, v)[1].numpy(), J @ v.numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.vjp(_g, x, v)[1].numpy(), v.numpy() @ J, rtol=1e-12)


"""Gradients through complex inputs follow torch's conjugate (Wirtinger) convention:
each op's gradient of a real loss is compared with torch's."""
import numpy as np
import pytest
import torch

import dyngrad

Z = np.array([1 + 2j, 3 - 1j, -0.5 + 0.25j], np.complex64)
W = np.array([2 - 1j, 1 + 1j, 0.5 - 2j], np.complex64)
# exponents at a zero base: two real ones (0 ** b's exponent gradient is 0), one that is
# not (NaN); and a last pair away from 0
Z0 = np.array([0j, 0j, 0j, -2j], np.complex64)
W0 = np.array([0.5 + 0j, 2 + 0j, 1 + 1j, 0.5 - 2j], np.complex64)
M = np.array([[1 + 2j, 3 - 1j], [0.5j, 2 + 0j]], np.complex64)
N = np.array([[2 - 1j, 1 + 1j], [1 + 0j, 1j]], np.complex64)

CALLS = {
    "mul": (lambda t, z, w: z * w, [Z, W]),
    # a complex Python number: the formulas conjugate it too (mul.Scalar's grad * conj(2-1j))
    "mul_complex_number": (lambda t, z: z * (2 - 1j), [Z]),
    "add_complex_number": (lambda t, z: (z + 1j) * z, [Z]),
    "div": (lambda t, z, w: z / w, [Z, W]),
    "reciprocal": (lambda t, z: z.reciprocal(), [Z]),
    "exp": (lambda t, z: z.exp(), [Z]),
    "log": (lambda t, z: z.log(), [Z]),
    "sqrt": (lambda t, z: z.sqrt(), [Z]),
    "sin_cos": (lambda t, z: z.sin() * z.cos(), [Z]),
    "tanh": (lambda t, z: z.tanh(), [Z]),
    "sigmoid": (lambda t, z: z.sigmoid(), [Z]),
    "pow": (lambda t, z: z ** 3, [Z]),
    "pow_tensor": (lambda t, z, w: z ** w, [Z, W]),
    # 0 ** b: the exponent gradient is 0 for a real b >= 0 only (NaN off the real axis)
    "pow_zero_base": (lambda t, z, w: z ** w, [Z0, W0]),
    "pow_zero_number_base": (lambda t, w: t.pow(0.0, w) * w, [W0]),
    # a number base and a complex exponent: the complex log (of a negative base, log|b| + pi i)
    "pow_number_base": (lambda t, z: 2 ** z, [Z]),
    "pow_negative_number_base": (lambda t, z: t.pow(-1.5, z), [Z]),
    "conj": (lambda t, z, w: z.conj() * w, [Z, W]),
    "mm": (lambda t, a, b: a @ b, [M, N]),
    "mv": (lambda t, a, z: a @ z[:2], [M, Z]),
    "dot": (lambda t, z, w: t.dot(z, w), [Z, W]),
    "bmm": (lambda t, a, b: t.bmm(a[None], b[None]), [M, N]),
    "view_as_real": (lambda t, z: t.view_as_real(z) * t.tensor([1.0, -2.0]), [Z]),
    "view_as_complex": (lambda t, a: t.view_as_complex(t.view_as_real(a.t()).contiguous() * 2),
                        [M]),
    "view_as_real_grad": (lambda t, z, w: t.view_as_complex(t.view_as_real(z * w)), [Z, W]),
    # (|sgn(z) w| alone would not depend on z)
    "sgn": (lambda t, z, w: t.sgn(z) * w + 1, [Z, W]),
    "sgn_at_zero": (lambda t, z, w: z.sgn() * w + 1, [np.array([0j, 1 - 1j, -2j], np.complex64), W]),
    "abs": (lambda t, z, w: z.abs() * w + 1, [Z, W]),
    # a complex log takes the gradient's sign along: no positive and negative parts
    "logcumsumexp": (lambda t, z: z.logcumsumexp(0), [Z]),
    # the pads' backward sums real and imaginary parts apart
    "pad_reflect": (lambda t, a: t.nn.functional.pad(a[None], (1, -1, 1, 0), mode="reflect"), [M]),
    "pad_replicate": (lambda t, z: t.nn.functional.pad(z[None], (1, 2), mode="replicate"), [Z]),
}


def _grads(lib, call, arrays):
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    loss = (call(lib, *xs).abs() * 1.5).sum()
    return [g.detach().resolve_conj().numpy() for g in lib.autograd.grad(loss, xs)]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_complex_gradient_matches_torch(name):
    call, arrays = CALLS[name]
    for got, expected in zip(_grads(dyngrad, call, arrays), _grads(torch, call, arrays)):
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_conj_of_a_real_tensor_is_itself():
    x = dyngrad.tensor([1.0, 2.0], requires_grad=True)
    assert x.conj() is x
    z = dyngrad.tensor(Z, requires_grad=True)
    assert z.conj().grad_fn.name() == "ConjBackward0"


@pytest.mark.parametrize("name", ["sgn", "abs", "exp", "mul", "sqrt"])
def test_complex_second_derivative_matches_torch(name):
    """The gradient's own gradient: abs's formula runs through sgn's."""
    call, arrays = CALLS[name]

    def second(lib):
        xs = [lib.tensor(a.astype(np.complex128), requires_grad=True) for a in arrays]
        loss = (call(lib, *xs).abs() * 1.5).sum()
        gs = lib.autograd.grad(loss, xs, create_graph=True)
        again = sum((g + 1).abs().sum() for g in gs)
        return [g.detach().resolve_conj().numpy() for g in lib.autograd.grad(again, xs)]
    for got, expected in zip(second(dyngrad), second(torch)):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def _real_imag_cases():
    def views(t):
        z = t.tensor([1 + 2j, 3 - 1j], requires_grad=True)
        r, i = z.real, z.imag
        (r * 2 + i * 3).sum().backward()
        return r, i, r._base is z, r.grad_fn.next_functions[0][0], z.grad

    def written_through(t):
        z = t.tensor([1 + 2j, -0.5j], dtype=t.complex128)
        z.real.mul_(2)
        z.imag.add_(1)
        return z, z._version

    def of_a_real_tensor(t):
        x = t.tensor([1.0, -2.0])
        return x.real is x, t.real(x) is x, t.imag(x)

    def second_order(t):
        w = t.tensor([1 + 2j, 3 - 1j], requires_grad=True)
        g, = t.autograd.grad((w.real * w.imag).sum(), w, create_graph=True)
        return g, t.autograd.grad((g.real ** 2).sum(), w)
    return [views, written_through, of_a_real_tensor, second_order]


@pytest.mark.parametrize("case", _real_imag_cases(), ids=lambda c: c.__name__)
def test_real_and_imag_are_views_as_torch(case):
    from tests.autograd._oracle import check
    check(case)

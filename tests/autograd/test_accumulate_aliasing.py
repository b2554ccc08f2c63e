"""The first gradient a leaf receives may be taken without a copy only when nothing else
holds it: leaves never share gradient memory with each other or with the user's tensors."""
import numpy as np

import dyngrad


def test_identity_formula_does_not_alias_two_leaves():
    x = dyngrad.ones(3, requires_grad=True)
    y = dyngrad.ones(3, requires_grad=True)
    (x + y).sum().backward()  # AddBackward0 hands one array to both edges
    x.grad.add_(1)
    np.testing.assert_array_equal(y.grad.numpy(), np.ones(3))


def test_user_gradient_is_not_aliased():
    x = dyngrad.ones(3, requires_grad=True)
    g = dyngrad.ones(3)
    (x + 0).backward(g)
    x.grad.add_(5)
    np.testing.assert_array_equal(g.numpy(), np.ones(3))
    x2 = dyngrad.ones(3, requires_grad=True)
    x2.backward(g)  # a leaf as the root: the gradient goes straight to AccumulateGrad
    x2.grad.mul_(7)
    np.testing.assert_array_equal(g.numpy(), np.ones(3))


def test_expand_view_gradient_is_copied_and_writable():
    x = dyngrad.ones(2, 3, requires_grad=True)
    x.sum().backward()  # SumBackward0's gradient is a broadcast view
    x.grad.add_(1)
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))


def test_later_backwards_accumulate_in_place():
    x = dyngrad.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    g1 = x.grad
    (x * 2).sum().backward()
    assert g1 is x.grad
    np.testing.assert_array_equal(g1.numpy(), np.full(3, 4.0))


def test_one_array_on_two_edges_into_two_leaves():
    x = dyngrad.ones(3, requires_grad=True)
    y = dyngrad.ones(3, requires_grad=True)
    ((x + y) * 2).sum().backward()  # a fresh array, handed to both leaves' edges
    x.grad.add_(1)
    np.testing.assert_array_equal(y.grad.numpy(), np.full(3, 2.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 3.0))

"""Factories against torch: values, dtypes, requires_grad, memory sharing, warnings."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "autograd"))
from _oracle import check, params  # noqa: E402


def case_tensor_dtypes(torch):
    return (torch.tensor(1), torch.tensor(1.), torch.tensor(True), torch.tensor(1j),
            torch.tensor([1, 2.5]), torch.tensor([True, 2]), torch.tensor([[1, 2], [3, 4]]),
            torch.tensor([]), torch.tensor([[]]), torch.tensor([1., 2.], dtype=torch.float64),
            torch.tensor([1.7, -1.7], dtype=torch.int32), torch.tensor(np.float32(2.5)),
            torch.tensor(np.array([1, 2], dtype=np.int16)), torch.tensor([np.float64(1.5)]))


def case_tensor_narrowing_overflow_is_silent(torch):
    # values beyond the narrower dtype's range become inf, with no NumPy warning
    a = np.array([7e38, -1e308, 1e308 + 1e308j, 1e300j])
    return (torch.tensor(a, dtype=torch.complex64), torch.tensor(a.real, dtype=torch.float16),
            torch.tensor(torch.tensor(a.real), dtype=torch.float32).detach())


def case_tensor_from_tensors_list(torch):
    return torch.tensor([torch.tensor(1.), torch.tensor(2.)])


def case_tensor_requires_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return x, x.is_leaf, x.grad_fn, x.grad


def case_tensor_requires_grad_int_error(torch):
    torch.tensor([1, 2], requires_grad=True)


def case_tensor_requires_grad_bool_error(torch):
    torch.zeros(2, dtype=torch.bool, requires_grad=True)


def case_tensor_complex_requires_grad(torch):
    return torch.tensor([1 + 1j], requires_grad=True)


def case_tensor_copy_construct_warning(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = torch.tensor(x)
    y[0] = 5
    return y, x, y.requires_grad, y.is_leaf


def case_tensor_copies_numpy(torch):
    a = np.array([1., 2.])
    t = torch.tensor(a)
    a[0] = 10
    return t


def case_as_tensor_shares_numpy(torch):
    a = np.array([1., 2.])
    t = torch.as_tensor(a)
    a[0] = 10
    u = torch.as_tensor(a, dtype=torch.float32)
    a[1] = 20
    return t, u


def case_as_tensor_of_tensor(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = torch.as_tensor(x)
    z = torch.as_tensor(x, dtype=torch.float64)
    return y is x, z, torch.as_tensor([1, 2]), torch.as_tensor(3.)


def case_from_numpy_shares(torch):
    a = np.array([[1, 2], [3, 4]], dtype=np.int32)
    t = torch.from_numpy(a)
    t[0, 0] = 9
    a[1, 1] = 7
    return t, a.tolist()


def case_from_numpy_bad_type(torch):
    torch.from_numpy([1, 2])


def case_zeros_ones_full_empty(torch):
    e = torch.empty(2, 3)
    return (torch.zeros(2, 3), torch.zeros((2, 3)), torch.zeros([2]),
            torch.ones(2, dtype=torch.int64),
            torch.ones(()), torch.zeros(0), torch.full((2,), 7), torch.full((2,), 1.5),
            torch.full((2,), True), torch.full([1, 2], 2, dtype=torch.float64),
            e.shape, e.dtype, torch.empty(0).shape)


def case_full_complex(torch):
    return torch.full((2,), 1 + 2j)


def case_size_keyword(torch):
    return torch.zeros(size=(2,)), torch.ones(size=[1, 2]), torch.empty(size=(0,)).shape


def case_size_errors(torch):
    out = []
    for f in (lambda: torch.zeros(2, 2.5), lambda: torch.zeros((2, 2.5)), lambda: torch.zeros(2.5),
              lambda: torch.ones(2.5), lambda: torch.empty(2.5), lambda: torch.zeros("a"),
              lambda: torch.zeros([2, "a"]), lambda: torch.full((2.5,), 1),
              lambda: torch.full(2, 1.), lambda: torch.full((2, 2.5), 1),
              lambda: torch.zeros(2, -3), lambda: torch.ones(-1), lambda: torch.zeros(size=2),
              lambda: torch.full((-1,), 1), lambda: torch.zeros((2.5,)),
              lambda: torch.zeros(2.5, 2),
              lambda: torch.zeros([2.5]), lambda: torch.zeros((2, 3, "a")), lambda: torch.eye(-1)):
        try:
            f()
            out.append("ok")
        except (TypeError, RuntimeError) as e:
            out.append((type(e).__name__, str(e)))
    return out, torch.ones(()).shape, torch.zeros([]).shape


def case_new_factories(torch):
    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    return (x.new_zeros(3), x.new_ones((2, 2)), x.new_full((2,), 5), x.new_empty(2).shape,
            x.new_tensor([1, 2]), x.new_zeros(2, dtype=torch.int32),
            x.new_zeros(2, requires_grad=True), x.new_ones(2, 1).shape)


def case_zeros_negative(torch):
    torch.zeros(2, -1)


def case_arange(torch):
    return (torch.arange(5), torch.arange(1, 4), torch.arange(0, 1, 0.25), torch.arange(5.),
            torch.arange(1, 2.5, 0.5), torch.arange(10, 0, -3),
            torch.arange(3, dtype=torch.float32), torch.arange(0, 0), torch.arange(-1.5, 1.5),
            torch.arange(0, 10, 3, dtype=torch.float64))


def case_arange_bad_step(torch):
    torch.arange(0, 5, 0)


def case_arange_bad_sign(torch):
    torch.arange(5, 0, 1)


def case_linspace(torch):
    return (torch.linspace(0, 1, 5), torch.linspace(-1, 1, 4), torch.linspace(0, 10, 1),
            torch.linspace(0, 10, 0), torch.linspace(0, 1, 3, dtype=torch.float64),
            torch.linspace(0, 10, 6, dtype=torch.int64), torch.linspace(1, 0, 7))


def case_eye(torch):
    return torch.eye(3), torch.eye(2, 3), torch.eye(2, dtype=torch.int64)


def case_likes(torch):
    x = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    f = torch.tensor([1., 2.], requires_grad=True)
    return (torch.zeros_like(x), torch.ones_like(x), torch.full_like(x, 7),
            torch.zeros_like(x, dtype=torch.float64), torch.ones_like(f), torch.zeros_like(f),
            torch.full_like(f, 2.5), torch.empty_like(f).shape, torch.ones_like(f).requires_grad,
            torch.ones_like(f, requires_grad=True))


def case_full_like_int_float_value(torch):
    return torch.full_like(torch.tensor([1, 2]), 2.7)


def case_default_dtype_effects(torch):
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        out = (torch.tensor([1.5]), torch.zeros(1), torch.ones(1), torch.arange(2.),
               torch.linspace(0, 1, 2), torch.full((1,), 2.), torch.tensor(1j), torch.eye(1),
               torch.tensor([1]), torch.get_default_dtype(), torch.tensor([1.]) * 2.5,
               torch.empty(1).dtype)
    finally:
        torch.set_default_dtype(old)
    return out, torch.get_default_dtype(), torch.tensor(1.)


def case_set_default_dtype_errors(torch):
    out = []
    for d in (torch.int64, torch.complex64, torch.bool, "float", None):
        try:
            torch.set_default_dtype(d)
        except TypeError as e:
            out.append(str(e))
    return out, torch.get_default_dtype()


def case_default_dtype_float16(torch):
    torch.set_default_dtype(torch.float16)
    try:
        return torch.tensor([1.5]), torch.zeros(1), torch.arange(2.), torch.get_default_dtype()
    finally:
        torch.set_default_dtype(torch.float32)


def case_legacy_tensor_constructor(torch):
    return torch.Tensor([1, 2]), torch.Tensor(2, 3).shape, torch.Tensor().shape


def case_scalar_tensor(torch):
    return torch.scalar_tensor(3), torch.scalar_tensor(2.5, dtype=torch.float64)


def case_tensor_bad_data(torch):
    torch.tensor("abc")


def case_tensor_ragged(torch):
    torch.tensor([[1, 2], [3]])


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)

"""Grad modes against torch: no_grad, enable_grad, set_grad_enabled, inference_mode, threads."""
import os
import sys
import threading

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "autograd"))
from _oracle import check, params  # noqa: E402


def case_no_grad_context(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        y = x * 2
        inside = torch.is_grad_enabled()
    return y, y.requires_grad, y.is_leaf, y.grad_fn, inside, torch.is_grad_enabled()


def case_no_grad_decorator(torch):
    @torch.no_grad()
    def f(x):
        return x * 2, torch.is_grad_enabled()
    x = torch.tensor([1.], requires_grad=True)
    return f(x), f.__name__, torch.is_grad_enabled()


def case_no_grad_generator(torch):
    @torch.no_grad()
    def gen(x):
        yield torch.is_grad_enabled()
        yield (x * 2).requires_grad
    x = torch.tensor([1.], requires_grad=True)
    return list(gen(x)), torch.is_grad_enabled()


def case_no_grad_bare_decorator(torch):
    @torch.no_grad
    def f(x):
        return x * 2

    @torch.enable_grad
    def g(x):
        return x * 2
    x = torch.tensor([1.], requires_grad=True)
    with torch.no_grad():
        b = g(x)
    return f(x), b, f.__name__


def case_grad_mode_on_method(torch):
    class M:
        @torch.no_grad()
        def f(self, x):
            return x * 2
    x = torch.tensor([1.], requires_grad=True)
    return M().f(x)


def case_decorate_class_error(torch):
    @torch.no_grad()
    class A:
        pass


def case_set_grad_enabled_bad_type(torch):
    torch.set_grad_enabled("yes")


def case_enable_grad_inside_no_grad(torch):
    x = torch.tensor([1.], requires_grad=True)
    with torch.no_grad():
        with torch.enable_grad():
            y = x * 2
        z = x * 2
    return y, z


def case_enable_grad_decorator(torch):
    @torch.enable_grad()
    def f(x):
        return x * 2
    x = torch.tensor([1.], requires_grad=True)
    with torch.no_grad():
        y = f(x)
    return y


def case_set_grad_enabled_function(torch):
    out = []
    x = torch.tensor([1.], requires_grad=True)
    torch.set_grad_enabled(False)
    out.append((torch.is_grad_enabled(), (x * 2).requires_grad))
    torch.set_grad_enabled(True)
    out.append((torch.is_grad_enabled(), (x * 2).requires_grad))
    return out


def case_set_grad_enabled_context(torch):
    x = torch.tensor([1.], requires_grad=True)
    with torch.set_grad_enabled(False):
        a = x * 2
        with torch.set_grad_enabled(True):
            b = x * 2
        c = x * 2
    return a, b, c, torch.is_grad_enabled()


def case_set_grad_enabled_decorator(torch):
    @torch.set_grad_enabled(False)
    def f(x):
        return x * 2
    x = torch.tensor([1.], requires_grad=True)
    return f(x), torch.is_grad_enabled()


def case_no_grad_restores_after_error(torch):
    try:
        with torch.no_grad():
            raise ValueError("boom")
    except ValueError:
        pass
    return torch.is_grad_enabled()


def case_factories_in_no_grad(torch):
    with torch.no_grad():
        ts = [torch.tensor([1.], requires_grad=True), torch.zeros(2, requires_grad=True),
              torch.ones(2, requires_grad=True), torch.full((2,), 3., requires_grad=True),
              torch.arange(3., requires_grad=True), torch.linspace(0, 1, 3, requires_grad=True),
              torch.eye(2, requires_grad=True), torch.zeros_like(torch.ones(2), requires_grad=True)]
        e = torch.empty(2, requires_grad=True)  # uninitialised: only its flags compare
    return ts, [t.is_leaf for t in ts], e.requires_grad, e.is_leaf


def case_no_grad_result_then_backward(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        y = x * 2
    (y * x).sum().backward()
    return x.grad


def case_inference_mode(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.inference_mode():
        y = x * 2
        z = torch.ones(2)
        inside = (torch.is_inference_mode_enabled(), torch.is_grad_enabled())
    return (y, y.requires_grad, y.is_inference(), z.is_inference(), x.is_inference(), inside,
            torch.is_inference_mode_enabled())


def case_inference_mode_false(torch):
    with torch.inference_mode(False):
        z = torch.ones(2)
        m = torch.is_inference_mode_enabled()
    return z.is_inference(), m


def case_inference_mode_decorator(torch):
    @torch.inference_mode()
    def f():
        return torch.ones(1)

    @torch.inference_mode
    def g():
        return torch.ones(1)
    return f().is_inference(), g().is_inference()


def case_inference_tensor_version_error(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    return t._version


def case_inference_tensor_inplace_outside(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    try:
        t.add_(1)
    except RuntimeError as e:
        print(e)
    return t


def case_inference_tensor_inplace_inside(torch):
    with torch.inference_mode():
        t = torch.ones(2)
        t.add_(1)
    return t


def case_inference_tensor_saved_error(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    x = torch.tensor([1., 2.], requires_grad=True)
    return x * t


def case_inference_tensor_not_saved_ok(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x + t
    y.sum().backward()
    return y, x.grad


def case_inference_tensor_requires_grad(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    t.requires_grad_()


def case_inference_tensor_requires_grad_inside(torch):
    with torch.inference_mode():
        t = torch.ones(2)
        t.requires_grad_()
    return t.requires_grad


def case_inference_view(torch):
    with torch.inference_mode():
        t = torch.ones(4)
        v = t[:2]
    return v.is_inference()


def case_view_of_normal_tensor_in_inference_mode(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.inference_mode():
        y = x.view(2)
        z = x * 2
    return y.is_inference(), y.requires_grad, y.grad_fn, z.is_inference(), y._version


def case_grad_mode_repr_and_type(torch):
    return (torch.set_grad_enabled(True).__class__.__name__, type(torch.no_grad()).__name__,
            isinstance(torch.no_grad(), torch.autograd.grad_mode.no_grad)
            if hasattr(torch.autograd, "grad_mode") else None)


def test_new_thread_starts_with_grad_enabled():
    import dyngrad
    seen = []
    with dyngrad.no_grad():
        t = threading.Thread(target=lambda: seen.append(dyngrad.is_grad_enabled()))
        t.start()
        t.join()
        assert not dyngrad.is_grad_enabled()
    assert seen == [True]


def test_grad_mode_is_thread_local():
    import dyngrad
    flags = []
    barrier = threading.Barrier(2)

    def off():
        with dyngrad.no_grad():
            barrier.wait()
            barrier.wait()

    def watch():
        barrier.wait()
        flags.append(dyngrad.is_grad_enabled())
        x = dyngrad.tensor([1.], requires_grad=True)
        flags.append((x * 2).requires_grad)
        barrier.wait()
    threads = [threading.Thread(target=off), threading.Thread(target=watch)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert flags == [True, True]


def test_inference_mode_thread_local():
    import dyngrad
    seen = []
    with dyngrad.inference_mode():
        t = threading.Thread(target=lambda: seen.append(dyngrad.is_inference_mode_enabled()))
        t.start()
        t.join()
    assert seen == [False]


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)

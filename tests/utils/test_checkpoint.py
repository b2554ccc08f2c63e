"""utils.checkpoint against torch: values, gradients, graphs, the random stream replayed,
warnings and errors, for both variants (each case is run on both libraries)."""
import os
import sys

import pytest
import torch.utils.checkpoint  # noqa: F401  (torch.utils.checkpoint for the torch runs)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "autograd"))
from _oracle import check, graph  # noqa: E402

VARIANTS = [True, False]


def _f(torch):
    def f(a, k=2):
        print("f runs with grad mode", torch.is_grad_enabled())
        return (a.sin() * k).exp()
    return f


def _leaf(torch):
    return torch.tensor([1., 2.], requires_grad=True)


def case_values_gradients_graph(torch, reentrant):
    x = _leaf(torch)
    y = torch.utils.checkpoint.checkpoint(_f(torch), x, 3, use_reentrant=reentrant)
    out = [y, graph(y)]
    y.sum().backward()
    return out + [x.grad]


def case_retain_graph_twice(torch, reentrant):
    x = _leaf(torch)
    y = torch.utils.checkpoint.checkpoint(_f(torch), x, use_reentrant=reentrant).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def case_autograd_grad(torch, reentrant):
    x = _leaf(torch)
    y = torch.utils.checkpoint.checkpoint(_f(torch), x, use_reentrant=reentrant)
    return torch.autograd.grad(y.sum(), x)


def case_backward_inputs(torch, reentrant):
    x, w = _leaf(torch), _leaf(torch)
    y = torch.utils.checkpoint.checkpoint(lambda a, b: a * b, x, w, use_reentrant=reentrant)
    y.sum().backward(inputs=[x])
    return [x.grad, w.grad]


def case_no_input_requires_grad(torch, reentrant):
    return torch.utils.checkpoint.checkpoint(_f(torch), torch.ones(2), use_reentrant=reentrant)


def case_random_stream_replayed(torch, reentrant):
    out = []
    for preserve in (True, False):
        x = _leaf(torch)
        torch.manual_seed(0)
        y = torch.utils.checkpoint.checkpoint(lambda a: a * torch.rand(2), x,
                                              use_reentrant=reentrant,
                                              preserve_rng_state=preserve)
        y.sum().backward()
        out += [y, x.grad, torch.rand(1)]
    return out


def case_several_outputs(torch, reentrant):
    x = _leaf(torch)
    r = torch.utils.checkpoint.checkpoint(lambda a: (a * 2, a.exp(), 5), x,
                                          use_reentrant=reentrant)
    r[1].sum().backward()
    return [r, x.grad]


def case_two_inputs_one_constant(torch, reentrant):
    x, w = _leaf(torch), torch.tensor([3., 4.])
    y = torch.utils.checkpoint.checkpoint(lambda a, b: (a * b).tanh(), x, w,
                                          use_reentrant=reentrant)
    (y * y).sum().backward()
    return [y, x.grad]


def case_keyword_arguments(torch, reentrant):
    x = _leaf(torch)
    return torch.utils.checkpoint.checkpoint(_f(torch), x, k=3, use_reentrant=reentrant)


def case_sequential(torch, reentrant):
    x = _leaf(torch)
    seq = [lambda t: t * 2, lambda t: t.sin(), lambda t: t + 1, lambda t: t.exp(),
           lambda t: t.tanh()]
    y = torch.utils.checkpoint.checkpoint_sequential(seq, 2, x, use_reentrant=reentrant)
    out = [y, graph(y)]
    y.sum().backward()
    return out + [x.grad]


def case_sequential_module(torch, reentrant):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 4),
                                torch.nn.Tanh(), torch.nn.Linear(4, 1))
    x = torch.tensor([[1., 2., 3.], [0.5, -1., 0.]], requires_grad=True)
    y = torch.utils.checkpoint.checkpoint_sequential(model, 2, x, use_reentrant=reentrant)
    y.sum().backward()
    return [y, x.grad, model[0].weight.grad]


def case_input_changed_before_backward(torch, reentrant):
    x = _leaf(torch)
    h = x * 1
    y = torch.utils.checkpoint.checkpoint(lambda a: a.sin() * 2, h, use_reentrant=reentrant)
    with torch.no_grad():
        h.mul_(3)
    y.sum().backward()


def case_nested(torch, reentrant):
    x = _leaf(torch)
    y = torch.utils.checkpoint.checkpoint(
        lambda a: torch.utils.checkpoint.checkpoint(torch.sin, a, use_reentrant=reentrant) * 2,
        x, use_reentrant=reentrant)
    y.sum().backward()
    return [y, x.grad]


def case_context_fn(torch, reentrant):
    import contextlib

    @contextlib.contextmanager
    def say(what):
        print("enter", what, torch.is_grad_enabled())
        yield
        print("exit", what)

    x = _leaf(torch)
    y = torch.utils.checkpoint.checkpoint(torch.sin, x, use_reentrant=reentrant,
                                          context_fn=lambda: (say("forward"), say("recompute")))
    y.sum().backward()
    return x.grad


CASES = [f for n, f in sorted(globals().items()) if n.startswith("case_")]


@pytest.mark.parametrize("reentrant", VARIANTS, ids=["reentrant", "non_reentrant"])
@pytest.mark.parametrize("case", CASES, ids=[f.__name__[5:] for f in CASES])
def test_case(case, reentrant):
    def run(torch):
        return case(torch, reentrant)
    run.__name__ = case.__name__
    check(run)


def test_warning_without_use_reentrant():
    def run(torch):
        x = _leaf(torch)
        y = torch.utils.checkpoint.checkpoint(torch.sin, x)
        z = torch.utils.checkpoint.checkpoint_sequential([torch.sin, torch.cos], 2, x)
        return [y, z]
    check(run)


def test_errors():
    def run(torch):
        x = _leaf(torch)
        out = []
        for call in (lambda: torch.utils.checkpoint.checkpoint(torch.sin, x, foo=1,
                                                               use_reentrant=True),
                     lambda: torch.utils.checkpoint.checkpoint_sequential(
                         [torch.sin], 1, x, foo=1, use_reentrant=True),
                     lambda: torch.utils.checkpoint.checkpoint(
                         torch.sin, x, use_reentrant=True, debug=True)):
            try:
                call()
            except ValueError as e:
                out.append(str(e))
        return out
    check(run)

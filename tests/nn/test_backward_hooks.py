"""Full backward hooks and pre-hooks on modules with several inputs and outputs, against
torch: one BackwardHookFunctionBackward node around all inputs and one around all outputs,
grad_input / grad_output tuples with None for arguments that are not tensors or need no
gradient, replaced gradients, the no-input-requires-grad case (and its warning), and the
errors for tuples of the wrong length."""
import pytest

from side_by_side import assert_same


def _two(lib):
    class Two(lib.nn.Module):
        def forward(self, x, scale, y, z):
            return x * y * scale, (y + z).sum(), z.detach()
    return Two()


def _listed(gs):
    return [None if g is None else g.tolist() for g in gs]


def _run_two(lib, with_pre, replace):
    log = []
    m = _two(lib)

    def hook(mod, gi, go):
        log.append(("hook", _listed(gi), _listed(go)))
        return (gi[0] * 10, None, gi[2], None) if replace else None

    def pre(mod, go):
        log.append(("pre", _listed(go)))
        return (go[0] * 2,) + tuple(go[1:])
    m.register_full_backward_hook(hook)
    if with_pre:
        m.register_full_backward_pre_hook(pre)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0], requires_grad=True)
    z = lib.tensor([5.0, 6.0], requires_grad=True)
    a, b, c = m(x, 2.0, y, z)
    graph = (a.grad_fn.name(), b.grad_fn.name(), c.grad_fn, a.grad_fn is b.grad_fn,
             [n.name() if n else None for n, _ in a.grad_fn.next_functions])
    inner = [n.name() if n else None
             for n, _ in a.grad_fn.next_functions[0][0].next_functions[0][0].next_functions]
    (a.sum() + b * 3).backward()
    return log, graph, inner, x.grad, y.grad, z.grad


@pytest.mark.parametrize("with_pre", [False, True])
@pytest.mark.parametrize("replace", [False, True])
def test_several_inputs_and_outputs(with_pre, replace):
    assert_same(lambda lib: _run_two(lib, with_pre, replace))


def test_no_input_requires_grad_fires_on_outputs():
    def case(lib):
        log = []
        m = lib.nn.Linear(2, 1)
        m.register_full_backward_hook(lambda mod, gi, go: log.append((gi, _listed(go))))
        m(lib.ones(1, 2)).sum().backward()
        return log, m.weight.grad
    assert_same(case)


def test_hooks_run_once_per_backward_in_nested_modules():
    def case(lib):
        log = []
        net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh(), lib.nn.Linear(2, 1))
        for i, m in enumerate(net):
            m.register_full_backward_hook(
                lambda mod, gi, go, i=i: log.append((i, _listed(gi), _listed(go))))
        net.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", _listed(go))))
        x = lib.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        lib.manual_seed(0)
        for p in net.parameters():
            lib.nn.init.constant_(p, 0.3)
        net(x).sum().backward()
        return log, x.grad
    assert_same(case, rtol=1e-6)


@pytest.mark.parametrize("kind", ["hook", "pre", "hook_no_input_grad"])
def test_wrong_number_of_gradients(kind):
    def case(lib):
        m = lib.nn.Linear(2, 2)
        x = lib.ones(1, 2, requires_grad=kind != "hook_no_input_grad")
        if kind == "pre":
            m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
        else:
            m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]) if kind == "hook"
                                          else (lib.ones(1, 2),))
        m(x).sum().backward()
    assert_same(case)


def test_double_backward_through_a_hooked_module():
    def case(lib):
        m = lib.nn.Tanh()
        m.register_full_backward_hook(lambda mod, gi, go: None)
        x = lib.tensor([0.3, -0.5], requires_grad=True)
        (g,) = lib.autograd.grad(m(x * 1).sum(), x, create_graph=True)
        g.sum().backward()
        return g, x.grad
    assert_same(case, rtol=1e-6)

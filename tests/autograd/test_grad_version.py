"""The version counter of the gradients the engine hands out, against torch's.

torch adds a gradient into a buffer in place when the buffer holds the only reference to a
dense tensor, and a leaf takes its first gradient as it is when nothing else holds it,
copying it otherwise (a copy_ into a fresh tensor: version 1). Users see the result in
``.grad._version``, in what hooks are shown, and in what autograd.grad returns."""
import pytest

from _oracle import check, params


def _leaf(torch, *shape):
    return torch.ones(*shape or (3,), requires_grad=True)


def case_fresh_gradient_is_taken(torch):
    w = _leaf(torch)
    (w * 2).sum().backward()
    return w.grad._version


def case_two_uses_summed_in_place(torch):
    w = _leaf(torch)
    (w * w).sum().backward()
    return w.grad._version


def case_three_uses(torch):
    w = _leaf(torch)
    (w * w * w).sum().backward()
    return w.grad._version


def case_view_gradient_is_copied(torch):
    w = _leaf(torch, 2, 3)
    w.sum().backward()
    return w.grad._version


def case_accumulation_over_backwards(torch):
    w = _leaf(torch)
    out = []
    for _ in range(3):
        (w * w).sum().backward()
        out.append(w.grad._version)
    return out


def case_retain_graph_twice(torch):
    w = _leaf(torch)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    y.backward()
    return w.grad._version


def case_user_gradient_is_copied(torch):
    w = _leaf(torch)
    g = torch.ones(3)
    w.backward(g)
    return w.grad._version, g._version


def case_user_gradient_through_identity(torch):
    w = _leaf(torch)
    (w + 0).backward(torch.ones(3))
    return w.grad._version


def case_user_gradient_into_a_formula(torch):
    w = _leaf(torch)
    (w * 2).backward(torch.ones(3))
    return w.grad._version


def case_implicit_scalar_gradient(torch):
    w = torch.tensor(1., requires_grad=True)
    w.backward()
    return w.grad._version


def case_scalar_leaf_used_twice(torch):
    w = torch.tensor(2., requires_grad=True)
    (w * w).backward()
    v = w.grad._version
    u = torch.tensor(2., requires_grad=True)
    (u * 3).backward()
    return v, u.grad._version


def case_identity_passes_fresh_gradient(torch):
    w = _leaf(torch)
    ((w + 1) * 2).sum().backward()
    return w.grad._version


def case_identity_passes_summed_gradient(torch):
    w = _leaf(torch)
    y = w + 1
    (y * y).sum().backward()
    return w.grad._version


def case_one_array_to_two_leaves(torch):
    a, b = _leaf(torch), _leaf(torch)
    ((a + b) * 2).sum().backward()
    return a.grad._version, b.grad._version


def case_python_sum_of_leaves(torch):
    ws = [_leaf(torch) for _ in range(3)]
    (sum(ws) * 2).sum().backward()
    return [w.grad._version for w in ws]


def case_same_array_twice_into_one_buffer(torch):
    w = _leaf(torch)
    y = w * 2
    (y + y).sum().backward()
    return w.grad._version


def case_pass_through_then_fresh(torch):
    w = _leaf(torch)
    ((w * 2).exp() * (w + 1)).sum().backward()
    return w.grad._version


def case_several_uses_of_views(torch):
    w = _leaf(torch)
    (w[0] * w[1]).backward()
    v = w.grad._version
    m = _leaf(torch, 2, 3)
    (m.t() * m.t()).sum().backward()
    return v, m.grad._version


def case_two_roots(torch):
    w = _leaf(torch)
    torch.autograd.backward([(w * 2).sum(), (w * 3).sum()])
    return w.grad._version


def case_cast_gradients_summed(torch):
    w = torch.ones(3, dtype=torch.float64, requires_grad=True)
    (w.float() * w.float()).sum().backward()
    return w.grad._version


def case_retain_grad(torch):
    w = _leaf(torch)
    y = w * 2
    y.retain_grad()
    (y * y).sum().backward(retain_graph=True)
    first = (w.grad._version, y.grad._version)
    (y * y).sum().backward()
    return first, w.grad._version, y.grad._version


def case_hook_sees_the_buffer_version(torch):
    seen = []
    w = _leaf(torch)
    w.register_hook(lambda g: seen.append(g._version))
    y = w * 2
    y.register_hook(lambda g: seen.append(g._version))
    (y * y + w * w).sum().backward()
    return w.grad._version, seen


def case_hook_that_keeps_the_gradient(torch):
    kept = []
    w = _leaf(torch)
    w.register_hook(kept.append)
    (w * 2).sum().backward()
    return w.grad._version, kept[0]._version


def case_hook_that_only_looks(torch):
    w = _leaf(torch)
    w.register_hook(lambda g: print(g.shape))
    (w * 2).sum().backward()
    u = _leaf(torch)
    u.register_hook(lambda g: None)
    (u * u).sum().backward()
    return w.grad._version, u.grad._version


def case_hook_returning_a_new_gradient(torch):
    seen = []
    w = _leaf(torch)
    w.register_hook(lambda g: g * 1)
    w.register_hook(lambda g: seen.append(g._version))
    (w * w).sum().backward()
    return w.grad._version, seen


def case_post_accumulate_hook(torch):
    seen = []
    w = _leaf(torch)
    w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad._version))
    (w * w).sum().backward()
    (w * w).sum().backward()
    return seen


def case_autograd_grad(torch):
    w = _leaf(torch)
    one = torch.autograd.grad((w * w).sum(), w)[0]._version
    two = torch.autograd.grad((w * w * w).sum(), w)[0]._version
    return one, two


def case_backward_with_inputs(torch):
    w = _leaf(torch)
    x = _leaf(torch)
    (w * x * w).sum().backward(inputs=[w])
    return w.grad._version, x.grad


def case_create_graph(torch):
    w = _leaf(torch)
    (w * w).sum().backward(create_graph=True)
    return w.grad._version


def case_anomaly_mode(torch):
    w = _leaf(torch)
    with torch.autograd.detect_anomaly():
        (w * w).sum().backward()
    return w.grad._version


def case_zero_grad_between(torch):
    w = _leaf(torch)
    (w * w).sum().backward()
    w.grad.zero_()
    v = w.grad._version
    w.grad = None
    (w * w).sum().backward()
    return v, w.grad._version


def case_module_parameters(torch):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    x = torch.ones(5, 3)
    torch.nn.functional.mse_loss(m(x), torch.zeros(5, 1)).backward()
    return [p.grad._version for p in m.parameters()]


def case_shared_weight(torch):
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 3)
    x = torch.ones(2, 3)
    lin(lin(lin(x))).sum().backward()
    return lin.weight.grad._version, lin.bias.grad._version


def case_gradient_not_handed_to_unwanted_edges(torch):
    # AddBackward0 hands one array to a's node and to z, which autograd.grad does not
    # want: a's buffer alone holds it, so b's gradient is added into it in place
    w = _leaf(torch)
    z = _leaf(torch)
    a = w * 2
    b = a * 3
    out = (((a + z) + b) * 1.5).sum()
    g, = torch.autograd.grad(out, [a])
    return g, g._version

def case_broadcast_gradient_summed_into(torch):
    # y's buffer first holds the gradient summed down from (2, 3), a view in torch: the
    # second is added into a new tensor
    w = _leaf(torch)
    y = w * 2
    b = y * 3
    g, = torch.autograd.grad((y + torch.ones(2, 3)).sum() + b.sum(), [y])
    # summed over a dim it keeps (1, 3): no view, added into in place
    w1 = _leaf(torch, 1, 3)
    y1 = w1 * 2
    b1 = y1 * 3
    g1, = torch.autograd.grad((y1 + torch.ones(2, 3)).sum() + b1.sum(), [y1])
    return g, g._version, g1, g1._version


def case_broadcast_gradient_past_hooks_and_observers(torch):
    # as above, the summed-down gradient reaching the leaf's buffer from a node with a post
    # hook (returning None, its own arguments, or new gradients for some) or under anomaly
    # mode's observer; and the gradients a hook shows meeting in one buffer
    hooks = [lambda gi, go: None, lambda gi, go: gi, lambda gi, go: (gi[0] * 1, gi[1]),
             lambda gi, go: (gi[0], gi[1] * 1), None]
    out = []
    for hook in hooks:
        a = _leaf(torch)
        b = _leaf(torch, 2, 3)
        s = a.sum()
        with torch.autograd.set_detect_anomaly(hook is None):
            y = a + b
            if hook is not None:
                y.grad_fn.register_hook(hook)
            (s + y.sum()).backward()
        out.append((a.grad._version, b.grad._version))
    # y + y hands the one array it got to both edges: torch's buffer shares it, so the
    # second is added into a new tensor
    x = _leaf(torch)
    y = x * 2
    y.register_hook(lambda g: print(g._version))
    ((y + y) * 2).sum().backward()
    return out, x.grad._version


@pytest.mark.parametrize("case", params(globals()))
def test_grad_version(case):
    check(case)

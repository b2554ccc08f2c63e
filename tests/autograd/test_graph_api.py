"""torch.autograd.graph against torch: register_multi_grad_hook (both modes, leaves and
non-leaves, several backwards, removal, autograd.grad) and GradientEdge as an output of
autograd.grad and backward."""
import pytest

from _oracle import check, params


def _leaves(torch):
    return (torch.tensor([1., 2.], requires_grad=True), torch.tensor([3., 4.], requires_grad=True),
            torch.tensor([5.], requires_grad=True))


def case_multi_all_leaves(torch):
    a, b, c = _leaves(torch)
    h = torch.autograd.graph.register_multi_grad_hook((a, b, c), lambda gs: print("all", gs))
    (a * b).sum().backward()
    (a * 2).sum().backward()
    (a * b * c).sum().backward()
    h.remove()
    (a * b).sum().backward()
    return a.grad


def case_multi_all_leaf_under_grad(torch):
    a, b, _ = _leaves(torch)
    torch.autograd.graph.register_multi_grad_hook((a, b), lambda gs: print("all", gs))
    torch.autograd.grad((a * b).sum(), [a])


def case_multi_all_non_leaves(torch):
    a, b, _ = _leaves(torch)
    x, y = a * 1, b * 1
    torch.autograd.graph.register_multi_grad_hook((x, y), lambda gs: print("all", gs))
    (x * y).sum().backward(retain_graph=True)
    out = torch.autograd.grad((x * y).sum(), [x])
    (x * 3).sum().backward()
    return out


def case_multi_all_under_grad_of_some(torch):
    # autograd.grad runs the nodes of two of the three: the hook waits for those two only
    a, b, c = _leaves(torch)
    x, y, z = a * 1, b * 1, c * 1
    torch.autograd.graph.register_multi_grad_hook((x, y, z), lambda gs: print("all", gs))
    return torch.autograd.grad((x * y).sum() + z.sum(), [x, y])


def case_multi_any(torch):
    a, b, c = _leaves(torch)
    h = torch.autograd.graph.register_multi_grad_hook((a, b, c), lambda g: print("any", g),
                                                      mode="any")
    (a * b).sum().backward()
    (b * 3).sum().backward()
    h.remove()
    (a * b).sum().backward()


def case_multi_bad_mode(torch):
    a, b, _ = _leaves(torch)
    torch.autograd.graph.register_multi_grad_hook((a, b), print, mode="some")


def case_multi_on_function_outputs(torch):
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, gy, gz):
            return gy + gz
    a, _, _ = _leaves(torch)
    y, z = Two.apply(a)
    torch.autograd.graph.register_multi_grad_hook((y, z), lambda gs: print("all", gs))
    (y * z).sum().backward()
    return a.grad


def case_edge_as_output(torch):
    a, _, _ = _leaves(torch)
    h = a * 2
    e = torch.autograd.graph.get_gradient_edge(h)
    out = [e.node.name(), e.output_nr,
           torch.autograd.grad(e, a, grad_outputs=torch.ones(2), retain_graph=True),
           torch.autograd.grad([e], [a], grad_outputs=[torch.ones(2) * 3], retain_graph=True)]
    torch.autograd.backward(e, torch.ones(2))
    return out + [a.grad]


def case_edge_as_output_without_gradient(torch):
    a, _, _ = _leaves(torch)
    torch.autograd.grad(torch.autograd.graph.get_gradient_edge(a * 2), a)


def case_edge_without_node_as_output(torch):
    # torch reads the edge's node before anything runs: nothing is written
    a, _, _ = _leaves(torch)
    e = torch.autograd.graph.GradientEdge(None, 0)
    for run in (lambda: torch.autograd.backward([e, a * 2], [torch.ones(2), torch.ones(2)]),
                lambda: torch.autograd.grad([(a * 3).sum(), e], [a], [None, torch.ones(2)])):
        try:
            run()
        except AttributeError as error:
            print(error)
    return a.grad


def case_edge_as_input_and_output(torch):
    a, _, _ = _leaves(torch)
    h = a * 2
    y = (h * h).sum()
    return torch.autograd.grad(y, torch.autograd.graph.get_gradient_edge(h))


def case_post_accumulate_hook_after_function(torch):
    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g
    a, _, _ = _leaves(torch)
    a.register_post_accumulate_grad_hook(lambda t: print("accumulated", t.grad))
    Sq.apply(a).sum().backward()
    Sq.apply(a).sum().backward()


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)

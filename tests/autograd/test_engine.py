"""The engine against torch: dependency counting, ready order, backward and grad arguments,
accumulation, freeing of saved tensors, deep graphs."""
import sys

import pytest

from _oracle import check, params, graph


# -- graphs with shared subgraphs and several roots ----------------------------------------
def case_dag_shared_subgraph(torch):
    # float64: NumPy's and torch's float32 exp may differ in the last bit
    x = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
    w = torch.tensor(2., dtype=torch.float64, requires_grad=True)
    a = x * w
    b = a.exp()
    c = a * b
    d = (b + c).sum()
    e = (a * 3).sum()
    torch.autograd.backward([d, e])
    return x.grad, w.grad, graph(d), graph(e)


def case_diamond_used_many_times(torch):
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    y = x * x
    z = y + y + y * y
    z.sum().backward()
    return x.grad, graph(z)


def case_several_roots_with_gradients(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    a = x * 2
    b = a ** 2
    torch.autograd.backward([a, b], [torch.tensor([1., -1.]), torch.tensor([0.5, 2.])])
    return x.grad


def case_same_root_twice(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * 3).sum()
    torch.autograd.backward([y, y])
    return x.grad


def case_independent_roots(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.backward([(x * 2).sum(), (x * 3).sum()])
    return x.grad


def case_root_is_a_later_output(torch):
    # the root is the second output of SplitBackward0
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (x * 2).split(2)
    torch.autograd.backward([b], [torch.tensor([1., 10.])])
    return x.grad

def case_root_is_leaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.backward(torch.tensor([3., 4.]))
    return x.grad


def case_unused_branch_not_run(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = torch.tensor([3., 4.], requires_grad=True)
    a = x * y
    b = a.sum()
    (a * 0 + 1).sum()  # a second graph on a, never run
    b.backward()
    return x.grad, y.grad


def case_none_edges(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    c = torch.tensor([3., 4.])
    y = (x * c + c).sum()
    y.backward()
    return x.grad, graph(y), c.grad


def case_broadcast_reduction(torch):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    b = torch.tensor([1.], requires_grad=True)
    r = torch.tensor([[1.], [2.]], requires_grad=True)
    ((x + b) * r).sum().backward()
    return x.grad, b.grad, r.grad


def case_broadcast_to_0d_create_graph(torch):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = torch.tensor(1.5, requires_grad=True)
    b = torch.tensor([2.], requires_grad=True)
    gy, gb = torch.autograd.grad((x * y + b).sum(), [y, b], create_graph=True)
    return gy, graph(gy), gb, graph(gb)


def case_mixed_dtype_grads(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    d = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    y = x * d
    y.sum().backward()
    return x.grad, d.grad, y


# -- ready order: hooks that print ----------------------------------------------------------
def case_order_tensor_hooks(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = torch.tensor([3., 4.], requires_grad=True)
    a = x * 2
    b = y * 3
    c = a + b
    d = a * b
    e = c.sum() + d.sum()
    for name, t in [("x", x), ("y", y), ("a", a), ("b", b), ("c", c), ("d", d), ("e", e)]:
        t.register_hook(lambda g, n=name: print(n, g))
    e.backward()


def case_order_node_prehooks(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    h = (x * w).exp()
    k = (w + 1) * h
    m = h.sin() if hasattr(h, "sin") else h * 2
    out = (k.sum() + m.sum()) * 2
    seen = set()
    stack = [out.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        fn.register_prehook(lambda g, n=fn.name(): print("pre", n))
        fn.register_hook(lambda gi, go, n=fn.name(): print("post", n))
        stack.extend(f for f, _ in fn.next_functions)
    out.backward()


def case_order_two_leaves_one_node(torch):
    x = torch.tensor([1.], requires_grad=True)
    y = torch.tensor([2.], requires_grad=True)
    z = torch.tensor([3.], requires_grad=True)
    for n, t in (("x", x), ("y", y), ("z", z)):
        t.register_hook(lambda g, n=n: print(n, g))
    ((x * y) * z + x * z).sum().backward()


def case_order_several_roots(torch):
    x = torch.tensor([1.], requires_grad=True)
    a = x * 2
    b = x * 3
    c = x * 4
    for n, t in (("a", a), ("b", b), ("c", c), ("x", x)):
        t.register_hook(lambda g, n=n: print(n, g))
    torch.autograd.backward([b.sum(), c.sum(), a.sum()])


def case_order_doc_example(torch):
    # notes 1.3: tensor hook, retain_grad, prehook, post hook, leaf hook, post-accumulate
    x = torch.tensor([1.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: (print("tensor hook", g), g * 3)[1])
    y.retain_grad()
    y.grad_fn.register_prehook(lambda go: print("prehook", go))
    y.grad_fn.register_hook(lambda gi, go: print("posthook", gi, go))
    x.register_hook(lambda g: print("leaf hook", g))
    x.register_post_accumulate_grad_hook(lambda p: print("post acc", p.grad))
    y.sum().backward()
    return y.grad, x.grad


# -- backward arguments ------------------------------------------------------------------------
def case_backward_gradient(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    y.backward(torch.tensor([1., 0.5, -1.]))
    return x.grad


def case_backward_gradient_float64_cast(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 3
    y.backward(torch.tensor([1., 1.], dtype=torch.float64))
    return x.grad


def case_backward_gradient_int_cast(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 3).backward(torch.tensor([1, 2]))
    return x.grad


def case_backward_nonscalar_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).backward()


def case_backward_shape1_ok(torch):
    x = torch.tensor([1.], requires_grad=True)
    (x * 2).backward()
    return x.grad


def case_backward_complex_scalar_error(torch):
    x = torch.tensor(1 + 1j, requires_grad=True)
    (x * 2).backward()


def case_backward_complex_grad_for_real(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).backward(torch.tensor([1 + 0j, 1j], dtype=torch.complex64))


def case_backward_wrong_shape(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    try:
        y.backward(torch.tensor([1., 1.]))
    except RuntimeError as e:
        print(e)
    y.sum().backward()  # the failed call freed nothing
    return x.grad


def case_backward_wrong_shape_scalar(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    x.sum().backward(torch.tensor([1.]))


def case_backward_gradient_list_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).backward([1., 1.])


def case_backward_count_mismatch(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.backward([x.sum(), (x * 2).sum()], [torch.tensor(1.)])


def case_backward_no_grad_fn(torch):
    torch.tensor([1., 2.]).sum().backward()


def case_backward_second_output_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.backward([x.sum(), torch.tensor(1.)])


def case_backward_inside_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    with torch.no_grad():
        y.backward()
    return x.grad


def case_backward_inside_inference_mode(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    with torch.inference_mode():
        y.backward()
    return x.grad, x.grad.is_inference()


def case_backward_returns_none(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return (x * 2).sum().backward()


def case_backward_inputs_leaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    (x * w).sum().backward(inputs=[x])
    return x.grad, w.grad


def case_backward_inputs_single_tensor(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    (x * w).sum().backward(inputs=w)
    return x.grad, w.grad


def case_backward_inputs_nonleaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    z = (y * y).sum()
    z.backward(inputs=[y])
    return y.grad, x.grad, y.retains_grad


def case_backward_inputs_nonleaf_and_leaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([5., 6.], requires_grad=True)
    y = x * w
    z = (y * y).sum()
    z.backward(inputs=[y, w], retain_graph=True)
    z.backward(inputs=[y, w])
    return y.grad, x.grad, w.grad


def case_backward_inputs_empty(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).sum().backward(inputs=[])


def case_backward_inputs_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).sum().backward(inputs=[torch.tensor([1.])])


def case_backward_inputs_unreached(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    u = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).sum().backward(inputs=[u])
    return x.grad, u.grad


def case_backward_inputs_hooks_on_other_leaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([5., 6.], requires_grad=True)
    w.register_hook(lambda g: print("w hook", g))
    x.register_hook(lambda g: print("x hook", g))
    (x * w).sum().backward(inputs=[x])
    return x.grad, w.grad


def case_autograd_backward_function(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * x
    r = torch.autograd.backward(y, grad_tensors=torch.tensor([1., 1.]))
    torch.autograd.backward((y.sum(),), retain_graph=False, grad_tensors=None) if False else None
    return r, x.grad


def case_autograd_backward_grad_variables(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.backward([x * 2], grad_tensors=[torch.tensor([1., 3.])])
    return x.grad


# -- accumulation -----------------------------------------------------------------------------
def case_accumulate_in_place(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).sum().backward()
    g1 = x.grad
    v = g1._version
    (x * 3).sum().backward()
    return g1 is x.grad, g1, x.grad._version - v


def case_first_grad_is_a_copy(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    g = torch.tensor([1., 1.])
    x.backward(g)
    x.grad.add_(1)
    return x.grad is g, g, x.grad


def case_accumulate_after_user_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    mine = torch.tensor([10., 10.])
    x.grad = mine
    (x * 2).sum().backward()
    return x.grad is mine, mine


def case_create_graph_accumulates_out_of_place(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * x).sum().backward(create_graph=True)
    g1 = x.grad
    (x * x).sum().backward(create_graph=True)
    return g1, x.grad, g1 is x.grad, graph(x.grad)


def case_create_graph_first_grad_copy(torch):
    x = torch.tensor([2.], requires_grad=True)
    (x * x * x).sum().backward(create_graph=True)
    return x.grad, graph(x.grad)


def case_create_graph_pow_graph(torch):
    x = torch.tensor([2.], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    return x.grad, graph(x.grad)


def case_create_graph_grad_of_leaf_root(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    g = torch.tensor([1., 1.], requires_grad=True)
    x.backward(g, create_graph=True)
    return x.grad, x.grad is g


def case_create_graph_double_backward(torch):
    x = torch.tensor([3.], requires_grad=True)
    y = x ** 3
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x, create_graph=True)
    (ggg,) = torch.autograd.grad(gg.sum(), x)
    return g, gg, ggg


def case_create_graph_hooks_see_grad_mode(torch):
    x = torch.tensor([1.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: print(torch.is_grad_enabled(), g.requires_grad))
    y.sum().backward(retain_graph=True)
    y.sum().backward(create_graph=True)


def case_accumulate_0d_into_create_graph_grad(torch):
    x = torch.tensor(3., requires_grad=True)
    (x ** 2).backward(create_graph=True)
    g = x.grad
    g.backward()
    return x.grad, g is x.grad, x.grad._version


def case_grad_versions(torch):
    out = []
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).sum().backward()
    out.append(x.grad._version)
    (x * 2).sum().backward()
    out.append(x.grad._version)
    x.grad = None
    (x * x).sum().backward(create_graph=True)
    out.append((x.grad._version, x.grad.grad_fn.name()))
    (x * x).sum().backward(create_graph=True)
    out.append((x.grad._version, x.grad.grad_fn.name()))
    w = torch.tensor([1., 2.], requires_grad=True)
    (w * 1).backward(torch.tensor([1., 1.]), create_graph=True)
    out.append((w.grad._version, w.grad.grad_fn, w.grad.requires_grad))
    return out


def case_accumulate_under_dual_level(torch):
    # under a dual level gradients in flight are Tensors (a root's too), yet without
    # create_graph the leaf takes its first one and adds the next in place
    fwAD = torch.autograd.forward_ad
    x = torch.tensor([1., 2.], requires_grad=True)
    with fwAD.dual_level():
        (x * 3).sum().backward()
        g, v = x.grad, x.grad._version
        (x * x).sum().backward(torch.tensor(2.))
    return x.grad, v, g is x.grad, x.grad._version

def case_accumulate_0d_twice(torch):
    x = torch.tensor(3., requires_grad=True)
    (x * x).backward()
    (x * 4).backward()
    return x.grad


def case_grad_dtype_casts_incoming(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.grad_dtype = torch.float64
    (x * 3).sum().backward()
    h = torch.tensor([1., 2.], dtype=torch.float16, requires_grad=True)
    (h * 3).sum().backward()
    return x.grad, h.grad


def case_grad_dtype_set_after_forward(torch):
    # the graph was recorded for float32: the leaf casts what arrives, with and without
    # create_graph, on its first gradient and when accumulating
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * 3).sum()
    x.grad_dtype = torch.float64
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    w = torch.tensor([1., 2.], requires_grad=True)
    z = (w * w).sum()
    w.grad_dtype = torch.float64
    z.backward(create_graph=True)
    return first, x.grad, x.grad._version, w.grad, w.grad._version


def case_grad_int_accumulate_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.grad_dtype = None
    x.grad = torch.tensor([1, 1])
    try:
        (x * 3).sum().backward()
    except RuntimeError as e:
        print(e)
    return x.grad


def case_grad_accumulates_into_zeroed(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).sum().backward()
    x.grad.zero_()
    (x * 3).sum().backward()
    x.grad = None
    (x * 4).sum().backward()
    return x.grad


# -- autograd.grad ------------------------------------------------------------------------------
def case_grad_basic(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = (x * w).sum()
    r = torch.autograd.grad(y, [x, w])
    return r, x.grad, w.grad


def case_grad_single_input_tuple(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return torch.autograd.grad((x ** 2).sum(), x)


def case_grad_outputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * x
    return torch.autograd.grad(y, x, grad_outputs=torch.tensor([1., -1.]))


def case_grad_outputs_too_many_ignored(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    return torch.autograd.grad([y], [x], grad_outputs=[torch.tensor(1.), torch.tensor(5.)])


def case_grad_outputs_too_few(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.grad([x.sum(), (x * 2).sum()], [x], grad_outputs=[torch.tensor(1.)])


def case_grad_nonleaf_input(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    z = (y * y).sum()
    return torch.autograd.grad(z, [y, x])


def case_grad_dict_inputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = (x * w).sum()
    return torch.autograd.grad(y, {"w": w, "x": x})


def case_grad_unused(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    u = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.grad((x * 2).sum(), [x, u])


def case_grad_allow_unused(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    u = torch.tensor([1., 2.], requires_grad=True)
    return torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)


def case_grad_materialize(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    u = torch.tensor([1, 2], dtype=torch.float64, requires_grad=True)
    return torch.autograd.grad((x * 2).sum(), [u, x], materialize_grads=True)


def case_grad_materialize_disallowed(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.grad((x * 2).sum(), [x], materialize_grads=True, allow_unused=False)


def case_grad_input_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.grad((x * 2).sum(), [x, torch.tensor([1.])])


def case_grad_empty_inputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.grad((x * 2).sum(), [])


def case_grad_output_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.grad([torch.tensor(1.)], [x])


def case_grad_frees_graph(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x.exp()).sum()
    torch.autograd.grad(y, x)
    torch.autograd.grad(y, x)


def case_grad_retain_graph(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x.exp()).sum()
    a = torch.autograd.grad(y, x, retain_graph=True)
    b = torch.autograd.grad(y, x)
    return a, b


def case_grad_runs_no_leaf_hooks(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_hook(lambda g: print("leaf hook", g))
    x.register_post_accumulate_grad_hook(lambda p: print("post acc"))
    y = x * 2
    y.register_hook(lambda g: print("y hook", g))
    return torch.autograd.grad(y.sum(), [x, y])


def case_grad_hook_changes_captured(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_hook(lambda g: g * 10)
    y = x * 2
    y.register_hook(lambda g: g + 1)
    return torch.autograd.grad(y.sum(), [x, y])


def case_grad_hook_changes_captured_create_graph(torch):
    # the captured input's node does not run: its hook's result is captured as it is,
    # recorded under create_graph
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * x
    h.register_hook(lambda g: g * x)
    g, = torch.autograd.grad((h * 3).sum(), [h], create_graph=True)
    return g, torch.autograd.grad(g.sum(), [x])


def case_later_output_only_gradient(torch):
    # a multi-output node whose first output got no gradient still runs
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (x * 1).split(2)
    (b * 3).sum().backward()
    return x.grad


def _no_grad(torch):
    """A custom Function whose backward gives its input no gradient."""
    class NoGrad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return None
    return NoGrad


def case_node_reached_without_gradient(torch):
    # a node reached with no gradient at all: a custom Function's backward still runs (on
    # zeros), a built-in node does not
    NoGrad = _no_grad(torch)

    class Shout(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            print("shout", g)
            return g * 2
    x = torch.tensor([1., 2.], requires_grad=True)
    NoGrad.apply(Shout.apply(x)).sum().backward()
    w = torch.tensor([1., 2.], requires_grad=True)
    NoGrad.apply(w * 2).sum().backward()
    # nor does a built-in node of several outputs, none of which got a gradient
    v = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (v * 2).split(2)
    (NoGrad.apply(a) + NoGrad.apply(b)).sum().backward()
    return x.grad, w.grad, v.grad


def case_hooked_nodes_reached_without_gradient(torch):
    # as above, through nodes with hooks: a built-in node that got no gradient at all is
    # not run, yet its hooks are; one that got a gradient for a later output runs
    NoGrad = _no_grad(torch)
    w = torch.tensor([1., 2.], requires_grad=True)
    h = w * 2
    h.grad_fn.register_prehook(lambda go: print("pre", go))
    h.grad_fn.register_hook(lambda gi, go: print("post", gi, go))
    NoGrad.apply(h).sum().backward()
    v = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (v * 2).split(2)
    a.grad_fn.register_hook(lambda gi, go: print("split", gi, go))
    (NoGrad.apply(a) + NoGrad.apply(b)).sum().backward()
    u = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    c, d = (u * 1).split(2)
    c.grad_fn.register_prehook(lambda go: print("later", go))
    (d * 3).sum().backward()
    return w.grad, v.grad, u.grad


def case_hooked_leaf_under_create_graph(torch):
    # the leaf's node has a hook: its .grad is still the recorded gradient, then a sum
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_hook(lambda g: print("leaf", g))
    (x * x).sum().backward(create_graph=True)
    first = x.grad
    (x * x).sum().backward(create_graph=True)
    return first, x.grad, first is x.grad


def case_grad_root_node_not_wanted(torch):
    # h is a root whose node autograd.grad does not want (it leads to z only): x * h's
    # node hands it nothing
    x = torch.tensor([1., 2.], requires_grad=True)
    z = torch.tensor([3., 4.], requires_grad=True)
    h = z * 3
    return torch.autograd.grad([(x * h).sum(), h], [x], [None, torch.ones(2)])


def case_grad_hook_of_unwanted_chain_not_run(torch):
    # u's node is the first edge of the sum and ready at once, but not wanted
    x = torch.tensor([1., 2.], requires_grad=True)
    z = torch.tensor([3., 4.], requires_grad=True)
    u = z * 3
    u.register_hook(lambda g: print("u", g))
    v = x * 2
    v.register_hook(lambda g: print("v", g))
    return torch.autograd.grad((u + v).sum(), [x])


def case_inputs_past_a_view_node_made_later(torch):
    # v's node is made afresh (its base changed in place) while y's is recorded: a node
    # newer than the node that takes it, so the needed nodes are not in creation order.
    # Which nodes run: u's chain leads to no input; the non-leaf input's own node runs.
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    b = x * 1
    v = b[:2]
    b.mul_(2)
    y = v * 3
    y.grad_fn.register_hook(lambda gi, go: print("y node", gi, go))
    v.grad_fn.register_prehook(lambda go: print("v node", go))
    w = torch.tensor([1., 2.], requires_grad=True)
    u = w * 2
    u.register_hook(lambda g: print("u", g))
    z = (y * y + u).sum()
    print(torch.autograd.grad(z, [x], retain_graph=True))
    z.backward(inputs=[y], retain_graph=True)
    z.backward(inputs=[v])
    return x.grad, y.grad, v.grad, w.grad


def case_grad_same_input_twice(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return torch.autograd.grad((x * x).sum(), [x, x])


def case_grad_create_graph_names(torch):
    a = torch.tensor([1., 2.], requires_grad=True)
    (g,) = torch.autograd.grad((a * a).sum(), a, create_graph=True)
    return g, graph(g)


def case_grad_batched(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    z = (x * x).sum()
    return (torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True),
            torch.autograd.grad(z, x, torch.tensor([1., 2.]), is_grads_batched=True))


def case_grad_batched_shape_error(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    torch.autograd.grad(x * x, x, torch.ones(2, 2), is_grads_batched=True)


def case_grad_batched_scalar_error(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    torch.autograd.grad((x * x).sum(), x, None, is_grads_batched=True)


def case_grad_batched_frees_graph(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True)
    torch.autograd.grad(y, x, torch.ones(3))


def case_gradient_edge_inputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * x
    e = torch.autograd.graph.get_gradient_edge(y)
    a = torch.autograd.grad(y.sum(), e, retain_graph=True)
    b = torch.autograd.grad(y.sum(), [torch.autograd.graph.get_gradient_edge(x), x])
    (x * 3).sum().backward(inputs=[torch.autograd.graph.get_gradient_edge(x)])
    return repr(e).split(" object")[0], e.output_nr, e.ownership_token, a, b, x.grad


def case_gradient_edge_no_grad(torch):
    torch.autograd.graph.get_gradient_edge(torch.tensor([1.]))


def case_grad_only_inputs_false(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return torch.autograd.grad((x * 2).sum(), x, only_inputs=False)


# -- freeing saved tensors ----------------------------------------------------------------------
def case_backward_twice_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    try:
        y.backward()
    except RuntimeError as e:
        print(type(e).__name__, e)
    return x.grad


def case_backward_twice_nothing_saved(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    return x.grad


def case_retain_then_plain_then_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp().sum()
    y.backward(retain_graph=True)
    y.backward()
    y.backward()


def case_saved_result_after_free(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    y.sum().backward()
    return y.grad_fn._saved_result


def case_saved_attributes(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    m = x * w
    m3 = w * 3
    p = x ** 2
    e = x.exp()
    return (m.grad_fn._saved_self is x, m.grad_fn._saved_other is w, m3.grad_fn._saved_self,
            m3.grad_fn._saved_other, p.grad_fn._saved_exponent, p.grad_fn._saved_self is x,
            e.grad_fn._saved_result, e.grad_fn._saved_result is e)


def case_saved_attribute_unknown(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return (x * 2).grad_fn._saved_nothing


def case_saved_attributes_sum_mean(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    s = x.sum()
    mn = x.mean()
    return s.grad_fn._saved_self_sym_sizes, mn.grad_fn._saved_self_sym_sizes, \
        mn.grad_fn._saved_self_sym_numel


def case_next_functions_and_variable(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x + 1
    nf = y.grad_fn.next_functions
    return (len(nf), nf[0][0].name(), nf[0][0].variable is x, nf[1], nf[0][1],
            y.grad_fn.metadata, repr(nf[0][0]).split(" object")[0],
            repr(y.grad_fn).split(" object")[0], y.grad_fn.next_functions[0][0] is
            (x * 2).grad_fn.next_functions[0][0])


def case_call_node_by_hand(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = x * w
    # a node with one input hands back a tensor, not a 1-tuple; several outputs take one each
    a, b = x.split(1)
    return (y.grad_fn(torch.tensor([1., 1.])), (x * 2).grad_fn(torch.tensor([1., 1.])),
            x.sum().grad_fn(torch.tensor(1.)), x.exp().grad_fn(torch.ones(2)),
            a.grad_fn(torch.ones(1), torch.ones(1)))


def case_grad_of_leaf_output(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return torch.autograd.grad(x, x, torch.tensor([3., 4.]))


def case_complex_grads(torch):
    x = torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex128, requires_grad=True)
    w = torch.tensor([2 - 1j, 1j], dtype=torch.complex128, requires_grad=True)
    g = torch.tensor([1 + 1j, 2 - 1j], dtype=torch.complex128)
    return torch.autograd.grad(x * w, [x, w], g)


def case_hook_modifies_grad_in_place(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 1
    a = y * 2
    b = y * 3
    a.register_hook(lambda g: g.mul_(10))
    (a.sum() + b.sum()).backward()
    return x.grad


def case_post_accumulate_hook_zeroes(torch):
    x = torch.tensor([1., 2.], requires_grad=True)

    def step(p):
        with torch.no_grad():
            p.sub_(0.1 * p.grad)
        p.grad = None
    x.register_post_accumulate_grad_hook(step)
    (x * x).sum().backward()
    return x, x.grad


def case_graph_names(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    v = torch.tensor([1., 2.], requires_grad=True)
    outs = [x + 1, x - 1, 1 - x, x * x, x / 2, x ** 2, x @ x, x.sum(), x.mean(), x.view(4),
            x.reshape(4), x.t(), x[0], -x, x.exp(), x.relu(), x.sigmoid(), x.tanh(), x.abs(),
            x.sqrt(), x.log(), x.clone(), torch.cat([x, x]), torch.stack([x, x]),
            x.expand(2, 2, 2), x.max(), x.transpose(0, 1), x.unsqueeze(0), v @ v]
    return [graph(o) for o in outs]


def test_create_graph_warns_once_per_process():
    import warnings

    import dyngrad as torch
    from dyngrad import autograd
    autograd._warned_create_graph[0] = False
    x = torch.tensor([1.], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x * x).sum().backward(create_graph=True)
        (x * x).sum().backward(create_graph=True)
    assert [str(w.message) for w in caught] == [autograd._CREATE_GRAPH_WARNING]


def case_accumulate_grad_node_hooks(torch):
    x = torch.tensor([1.], requires_grad=True)
    acc = (x * 2).grad_fn.next_functions[0][0]
    acc.register_hook(lambda gi, go: print("acc post", gi, go))
    acc.register_prehook(lambda go: print("acc pre", go))
    x.register_post_accumulate_grad_hook(lambda p: print("post acc", p.grad))
    x.register_hook(lambda g: print("x hook", g))
    (x * 2).sum().backward()


def case_backward_inputs_runs_input_node(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    w.register_hook(lambda g: print("w hook", g))
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: print("post", gi, go))
    (y * y).sum().backward(inputs=[y])
    try:
        y.sum().backward()
    except RuntimeError as e:
        print(e)
    return x.grad, w.grad, y.grad


def case_grad_output_complex128_for_complex64(torch):
    x = torch.tensor([1 + 1j], dtype=torch.complex64, requires_grad=True)
    y = x * 2
    return torch.autograd.grad(y, x, torch.tensor([1 + 0j], dtype=torch.complex128))


def case_grad_materialize_create_graph(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    u = torch.tensor([1., 2.], requires_grad=True)
    return torch.autograd.grad((x * x).sum(), [x, u], materialize_grads=True, create_graph=True)


def case_grad_unused_frees_graph(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    u = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    try:
        torch.autograd.grad(y, [x, u])
    except RuntimeError as e:
        print(e)
    torch.autograd.grad(y, [x])


def case_backward_grad_variables_warns(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.autograd.backward([x * 2], grad_variables=[torch.tensor([1., 3.])])
    return x.grad


def case_backward_inputs_dict(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    (x * w).sum().backward(inputs={"a": w})
    return x.grad, w.grad


def case_backward_twice_saved_wrapped_number(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * 3).sum()
    y.backward()
    y.backward()


def case_saved_sizes_after_free(torch):
    x = torch.tensor([[1., 2.]], requires_grad=True)
    y = x.sum()
    y.backward()
    return y.grad_fn._saved_self_sym_sizes


def case_saved_wrapped_numbers(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    return (x * 3.).grad_fn._saved_other, (x * True).grad_fn._saved_other, \
        (x + 2).grad_fn._saved_alpha if False else None


# -- deep graphs ------------------------------------------------------------------------------
def _random_graph_case(seed):
    """A random DAG over a few leaves (cat, stack, mul, add, sum, several roots) with a
    printing hook on every tensor: the printed order is the engine's ready order."""
    import random

    def case(torch):
        rnd = random.Random(seed)
        leaves = [torch.tensor([float(i + 1), 0.5], requires_grad=True)
                  for i in range(rnd.randint(2, 6))]
        pool = list(leaves)
        for k in range(rnd.randint(2, 8)):
            kind = rnd.choice(["cat", "stack", "mul", "add", "sum2"])
            recent = pool[-4:]
            picks = rnd.sample(recent, min(len(recent), rnd.randint(1, 3))) + [rnd.choice(pool)]
            if kind == "cat":
                t = torch.cat(picks)[:2]
            elif kind == "stack":
                t = torch.stack(picks).sum(0)
            elif kind == "mul":
                t = picks[0] * picks[1]
            elif kind == "add":
                t = picks[0] + picks[1]
            else:
                t = picks[0] * 2 + picks[-1].sum()
            pool.append(t)
        for i, t in enumerate(pool):
            t.register_hook(lambda g, i=i: print(i, g))
        roots = [t.sum() for t in pool[-rnd.randint(1, 2):]]
        torch.autograd.backward(roots)
        return [t.grad for t in leaves]
    case.__name__ = f"case_random_graph_{seed}"
    return case


@pytest.mark.parametrize("seed", range(25))
def test_random_graph_ready_order(seed):
    check(_random_graph_case(seed))


def test_deep_chain_no_recursion_error():
    """A million-node chain: discovery, backward and freeing stay iterative. clone() is the
    cheapest recorded op, so the test spends its few seconds in the engine."""
    import dyngrad as torch
    x = torch.tensor([1.], requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y.clone()
    limit = sys.getrecursionlimit()
    y.sum().backward()
    assert sys.getrecursionlimit() == limit
    assert x.grad.tolist() == [1.]
    del y  # freeing a million-node chain must not recurse either


def test_backward_leaves_the_cyclic_collector_as_it_was():
    """The engine turns the cyclic collector off while it runs: afterwards, and after a
    failed backward, it is on or off as the caller had it."""
    import gc

    import dyngrad as torch
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            x = torch.tensor([1., 2.], requires_grad=True)
            (x * x).sum().backward()
            assert gc.isenabled() is enabled
            y = (x * x).sum()
            y.backward()
            with pytest.raises(RuntimeError, match="backward through the graph a second time"):
                y.backward()
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()



def case_order_chain_node_waits_its_turn(torch):
    # q's node is made ready by sq's while sp's (made later) waits in the queue: sp first
    x = torch.tensor([1., 2.], requires_grad=True)
    p = x * 2
    q = x * 3
    sp = p.sum()
    sq = q.sum()
    for name, t in [("p", p), ("q", q), ("sp", sp), ("sq", sq)]:
        t.register_hook(lambda g, n=name: print(n))
    (sp + sq).backward()
    return x.grad


def case_order_ready_together_shuffled(torch):
    # stack hands its gradients on in its inputs' order: eight nodes ready at once,
    # entering the ready queue out of their creation order, run newest first
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 1
    made = [y * (i + 2) for i in range(8)]
    for i, t in enumerate(made):
        t.register_hook(lambda g, i=i: print(i))
    torch.stack([made[i] for i in (3, 0, 6, 1, 7, 2, 5, 4)]).sum().backward()
    return x.grad


# -- the ready queue against std::priority_queue -------------------------------------------
class _StdPriorityQueue:
    """std::priority_queue<T, vector, less> as libstdc++ keeps it: push_heap's
    __push_heap, and pop_heap's __adjust_heap (the hole down along the larger child to a
    leaf, the last element back up from there), step by step."""

    def __init__(self):
        self.items = []  # (key, value), compared by key alone

    def _up(self, hole, item):
        a = self.items
        while hole > 0:
            parent = (hole - 1) // 2
            if not a[parent][0] < item[0]:
                break
            a[hole] = a[parent]
            hole = parent
        a[hole] = item

    def push(self, key, value):
        self.items.append((key, value))
        self._up(len(self.items) - 1, (key, value))

    def pop(self):
        a = self.items
        top, value = a[0], a[-1]
        a[-1] = top
        n = len(a) - 1
        hole = child = 0
        while child < (n - 1) // 2:
            child = 2 * (child + 1)
            if a[child][0] < a[child - 1][0]:
                child -= 1
            a[hole] = a[child]
            hole = child
        if n % 2 == 0 and child == (n - 2) // 2:
            child = 2 * (child + 1)
            a[hole] = a[child - 1]
            hole = child - 1
        self._up(hole, value)
        a.pop()
        return top[1]


@pytest.mark.parametrize("seed", range(4))
def test_ready_queue_is_libstdcxx_priority_queue(seed):
    """Ties (every AccumulateGrad's key) come out of the engine's queue in the order
    std::priority_queue gives them, whatever the pushes and pops around them."""
    import random

    from dyngrad.autograd.engine import _ReadyQueue
    inf = float("inf")
    rnd = random.Random(seed)
    for _ in range(150):
        ours, std = _ReadyQueue(), _StdPriorityQueue()
        fresh = iter(range(1000))
        got, want = [], []
        for _ in range(rnd.randint(1, 40)):
            if std.items and rnd.random() < 0.4:
                got.append(ours.pop())
                want.append(std.pop())
            else:
                key = inf if rnd.random() < 0.5 else next(fresh) * 7 % 101 + 1000 * len(got)
                value = object()
                ours.push(key, value)
                std.push(key, value)
        while std.items:
            got.append(ours.pop())
            want.append(std.pop())
        assert got == want

def case_order_many_leaves_tie(torch):
    leaves = [torch.tensor([float(i)], requires_grad=True) for i in range(6)]
    for i, t in enumerate(leaves):
        t.register_hook(lambda g, i=i: print("leaf", i))
    torch.cat(leaves).sum().backward()


def case_order_many_leaves_two_nodes(torch):
    a = [torch.tensor([float(i)], requires_grad=True) for i in range(4)]
    for i, t in enumerate(a):
        t.register_hook(lambda g, i=i: print("leaf", i))
    s1 = torch.stack(a[:3])
    s2 = torch.cat([a[3], a[1], a[0]])
    (s1.sum() + s2.sum()).backward()


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)

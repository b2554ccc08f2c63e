"""Hooks against torch: tensor hooks on leaves and non-leaves, node pre/post hooks,
post-accumulate hooks, retain_grad, removable handles, and the .grad warning."""
import threading

import pytest

from _oracle import check, params


def case_leaf_hook_changes_accumulated(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_hook(lambda g: g * 2)
    (x * 3).sum().backward()
    return x.grad


def case_hooks_run_in_order_of_registration(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: (print("first", g), g + 1)[1])
    y.register_hook(lambda g: (print("second", g), g * 10)[1])
    y.register_hook(lambda g: print("third", g))
    y.sum().backward()
    return x.grad


def case_hook_returning_none_keeps_later_hooks(torch):
    # a hook that returns None leaves the gradient as it is, and the next hooks still run
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: print("first", g))
    y.register_hook(lambda g: (print("second", g), g * 10)[1])
    y.sum().backward()
    return x.grad


def case_hook_handle_remove(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    h1 = x.register_hook(lambda g: print("h1") or g * 2)
    h2 = x.register_hook(lambda g: print("h2"))
    h1.remove()
    (x * 3).sum().backward()
    h2.remove()
    h2.remove()
    (x * 3).sum().backward()
    return x.grad


def case_hook_handle_context_manager(torch):
    x = torch.tensor([1.], requires_grad=True)
    with x.register_hook(lambda g: print("in")):
        (x * 2).sum().backward()
    (x * 2).sum().backward()
    return x.grad


def case_hook_no_grad_error(torch):
    x = torch.tensor([1., 2.])
    x.register_hook(lambda g: g)


def case_hook_changes_size(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g.sum())
    y.sum().backward()


def case_hook_changes_size_leaf_state_kept(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_hook(lambda g: torch.ones(3))
    y = (x * 2).sum()
    try:
        y.backward()
    except RuntimeError as e:
        print(e)
    return x.grad


def case_hook_changes_dtype(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g.double())
    y.sum().backward()


def case_hook_named_function_in_message(torch):
    def my_hook(g):
        return g.sum()
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_hook(my_hook)
    (x * 2).sum().backward()


def case_hook_grad_mode_off(torch):
    x = torch.tensor([1.], requires_grad=True)
    x.register_hook(lambda g: print(torch.is_grad_enabled(), g.requires_grad, g.is_leaf))
    (x * 2).sum().backward()


def case_nonleaf_hook_and_retain_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 3)
    y.sum().backward()
    return y.grad, x.grad, y.retains_grad, x.retains_grad


def case_retain_grad_twice_accumulates(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.retain_grad()
    z = y.sum()
    z.backward(retain_graph=True)
    g = y.grad
    z.backward()
    return y.grad, g is y.grad, g


def case_retain_grad_of_output_without_gradient_or_gone(torch):
    # split's first output gets no gradient (its .grad stays None); y is gone before the
    # backward reaches its node
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (x * 1).split(2)
    a.retain_grad()
    b.retain_grad()
    (b * 3).sum().backward()
    y = x * 2
    y.retain_grad()
    z = y.sum()
    del y
    z.backward()
    return a.grad, b.grad, x.grad


def case_node_hooks_replace_under_create_graph(torch):
    # the hooks' gradients are recorded: the second derivative goes through them
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * x
    y.grad_fn.register_prehook(lambda go: (go[0] * x,))
    z = y * 3
    z.grad_fn.register_hook(lambda gi, go: (gi[0] * x, None))
    g, = torch.autograd.grad(z.sum(), [x], create_graph=True)
    return g, torch.autograd.grad(g.sum(), [x])


def case_node_hooks_see_the_buffer_version(torch):
    # y's gradient is summed in place in its buffer: the node's hooks see version 1
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: print("pre", go[0]._version))
    y.grad_fn.register_hook(lambda gi, go: print("post", gi[0]._version, go[0]._version))
    (y * 3 + y * 4).sum().backward()
    return x.grad, x.grad._version


def case_hooked_node_returns_a_wrong_shape(torch):
    # the check of a formula's gradient names the node, hooks or not; the leaf is untouched
    class Wide(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return torch.ones(3)
    x = torch.tensor([1., 2.], requires_grad=True)
    y = Wide.apply(x)
    y.grad_fn.register_hook(lambda gi, go: print("post", gi))
    try:
        y.sum().backward()
    except RuntimeError as e:
        print(e)
    return x.grad


def case_retain_grad_leaf_noop(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.retain_grad()
    (x * 2).sum().backward()
    return x.retains_grad, x.grad


def case_retain_grad_no_grad_error(torch):
    torch.tensor([1.]).retain_grad()


def case_nonleaf_grad_warning(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.sum().backward()
    return y.grad


def case_no_warning_leaf_without_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    z = torch.tensor([1., 2.])
    return x.grad, z.grad


def case_post_accumulate_hook(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.register_post_accumulate_grad_hook(
        lambda p: print("post", p.grad, torch.is_grad_enabled(), p is x))
    (x * 2).sum().backward()
    (x * 2).sum().backward()


def case_post_accumulate_hook_nonleaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 2).register_post_accumulate_grad_hook(lambda p: None)


def case_post_accumulate_hook_remove(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x.register_post_accumulate_grad_hook(lambda p: print("post"))
    h.remove()
    (x * 2).sum().backward()
    return x.grad


def case_node_prehook_replaces(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0] * 10,))
    y.sum().backward()
    return x.grad


def case_node_posthook_replaces(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: (print(gi, go), (gi[0] + 1, gi[1] * 0))[1])
    y.sum().backward()
    return x.grad, w.grad


def case_node_posthook_none_input(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * torch.tensor([3., 4.])
    y.grad_fn.register_hook(lambda gi, go: print(gi, go))
    y.sum().backward()


def case_node_hook_remove(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    h = y.grad_fn.register_prehook(lambda go: print("pre"))
    h2 = y.grad_fn.register_hook(lambda gi, go: print("post"))
    h.remove()
    h2.remove()
    y.sum().backward()


def case_hooks_with_create_graph(torch):
    x = torch.tensor([2.], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: print(torch.is_grad_enabled(), g))
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return g


def case_hook_on_leaf_keeps_accumulator(torch):
    x = torch.tensor([1.], requires_grad=True)
    x.register_hook(lambda g: print("hook", g))
    y = x * 2
    a1 = y.grad_fn.next_functions[0][0]
    a2 = (x * 3).grad_fn.next_functions[0][0]
    y.sum().backward()
    return a1 is a2, a1.variable is x


def case_hook_on_view_output(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = x * 1
    v = y[0]
    v.register_hook(lambda g: print("v", g))
    y.register_hook(lambda g: print("y", g))
    (v.sum() + y.sum()).backward()
    return x.grad


def case_grad_assignment_errors(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    out = []
    for bad in ([1., 2., 3.], torch.tensor([1., 2.]),
                torch.tensor([1., 2., 3.], dtype=torch.float64)):
        try:
            x.grad = bad
        except (RuntimeError, TypeError) as e:
            out.append((type(e).__name__, str(e)))
    out.append(x.grad)
    x.grad = torch.tensor([1., 1., 1.])
    del x.grad
    out.append(x.grad)
    return out


def case_grad_dtype(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    out = [x.grad_dtype]
    x.grad_dtype = None
    x.grad = torch.tensor([1., 2.], dtype=torch.float64)
    out.append(x.grad)
    return out



def case_retain_grad_moves_with_inplace(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.mul_(3)
    (y * torch.tensor([1., 10.])).sum().backward()
    return y.grad, x.grad, y.retains_grad


def case_hook_before_inplace_sees_old_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: print("before", g))
    y.mul_(3)
    y.register_hook(lambda g: print("after", g))
    (y * torch.tensor([1., 10.])).sum().backward()
    return x.grad


def case_retain_grad_view_inplace(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    v = y[1:]
    v.retain_grad()
    y.retain_grad()
    v.mul_(5)
    (y * torch.tensor([1., 10., 100.])).sum().backward()
    return v.grad, y.grad, x.grad



def case_hook_of_output_without_grad_sees_none(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (x * 1).split(2)
    a.register_hook(lambda g: print("a", g))
    b.register_hook(lambda g: print("b", g))
    (a * 3).sum().backward()
    return x.grad


def case_hook_replaces_none_error(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (x * 1).split(2)
    b.register_hook(lambda g: torch.ones(2))
    (a * 3).sum().backward()


def case_hooks_of_unneeded_leaf_not_run(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([1., 2.], requires_grad=True)
    w.register_hook(lambda g: print("w", g))
    x.register_hook(lambda g: print("x", g))
    (x * w).sum().backward(inputs=[x])
    return x.grad, w.grad


def case_grad_captured_output_without_grad(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a, b = (x * 1).split(2)
    b.register_hook(lambda g: print("b", g))
    return torch.autograd.grad((a * 3).sum(), [a, b], allow_unused=True)


def case_node_hook_wrong_count(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: (gi[0],))
    y.sum().backward()


def case_node_hook_wrong_count_unnamed(torch):
    # a callable object has no __name__: the message names the hook '<unknown>'
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(type("Hook", (), {"__call__": lambda self, go: (go[0], go[0])})())
    y.sum().backward()


def case_node_prehook_wrong_count(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0], go[0]))
    y.sum().backward()


def case_node_prehook_wrong_size(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (torch.ones(3),))
    y.sum().backward()


def case_node_hook_wrong_size(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: (torch.ones(3), gi[1]))
    y.sum().backward()


def case_node_hook_returns_list(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_hook(lambda gi, go: [gi[0] * 2])
    y.sum().backward()
    return x.grad


def case_node_prehook_returns_tensor(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: go[0] * 2)
    y.sum().backward()
    return x.grad


def case_hook_changes_type_and_size(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g.double().sum())
    y.sum().backward()


def case_hook_returns_list(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: [1., 2.])
    y.sum().backward()


def case_node_hook_none_drops_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: (None, gi[1]))
    y.sum().backward()
    return x.grad, w.grad


def case_node_prehook_none_drops_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (None,))
    y.sum().backward()
    return x.grad


def case_final_callbacks_run_after_every_gradient(torch):
    """queue_callback (what DistributedDataParallel waits on): callbacks run in the order
    queued, after the whole graph, and one may queue another."""
    engine = torch.autograd.Variable._execution_engine
    w = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3.], requires_grad=True)
    seen = []

    def later():
        seen.append(("later", w.grad.tolist(), b.grad.tolist()))

    def first(p):
        seen.append(("hook", p.grad.tolist()))
        if len(seen) == 1:
            engine.queue_callback(lambda: (seen.append(("cb", w.grad is not None,
                                                        b.grad is not None)),
                                           engine.queue_callback(later)))
    w.register_post_accumulate_grad_hook(first)
    b.register_post_accumulate_grad_hook(first)
    ((w * b).sum() * 2).backward()
    return seen


def case_final_callback_outside_backward(torch):
    return torch.autograd.Variable._execution_engine.queue_callback(print)


def case_final_callback_in_autograd_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    seen = []
    y = x * 3
    y.register_hook(lambda g: torch.autograd.Variable._execution_engine.queue_callback(
        lambda: seen.append("done")))
    return torch.autograd.grad(y.sum(), x), seen


def case_final_callbacks_of_two_threads(torch):
    """Two threads backpropagating at once: each queue_callback joins its own thread's
    backward (the runs in progress are per thread, as torch's graph tasks)."""
    engine = torch.autograd.Variable._execution_engine
    both_inside = threading.Barrier(2, timeout=30)
    ran = {"a": [], "b": []}

    def run(name):
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 2

        def hook(g):
            both_inside.wait()  # the other thread's backward is running too
            engine.queue_callback(lambda: ran[name].append(
                (name, threading.current_thread().name)))
            both_inside.wait()  # and has queued its callback
        y.register_hook(hook)
        y.sum().backward()
        ran[name].append(("done", x.grad.tolist()))
    threads = [threading.Thread(target=run, args=(n,), name=n) for n in ran]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ran


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)

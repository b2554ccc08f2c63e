"""Custom autograd.Function against torch: each case is run on both libraries (_oracle)."""
import pytest

from _oracle import check, graph, params


def _exp(torch):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            r, = ctx.saved_tensors
            return g * r
    return Exp


def _scale(torch):
    """Saves an input, keeps a number on ctx, takes a non-Tensor input."""
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            print("forward: grad mode", torch.is_grad_enabled(), ctx.needs_input_grad)
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x * k

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            print("backward: grad mode", torch.is_grad_enabled(), ctx.needs_input_grad)
            return g * 2 * x * ctx.k, None
    return Scale


def _returning(torch, backward_result, n_in=1):
    """A Function whose backward returns ``backward_result(g)``."""
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, *rest):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return backward_result(torch, g)
    return Bad


def _leaf(torch, values=(1., 2.)):
    return torch.tensor(list(values), requires_grad=True)


def case_apply_node_and_gradient(torch):
    Scale = _scale(torch)
    x = _leaf(torch)
    y = Scale.apply(x, 3)
    fn = y.grad_fn
    out = [y, fn.name(), graph(y), fn.saved_tensors, fn.needs_input_grad, fn.k,
           type(fn).__name__, type(fn).__module__, fn._forward_cls is Scale,
           repr(fn).split(" object")[0], repr(type(fn))]
    y.sum().backward()
    return out + [x.grad]


def case_saved_freed_after_backward(torch):
    y = _scale(torch).apply(_leaf(torch), 3)
    y.sum().backward()
    return y.grad_fn.saved_tensors


def case_retain_graph_runs_twice(torch):
    x = _leaf(torch)
    y = _scale(torch).apply(x, 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def case_no_saved_tensors_runs_twice(torch):
    x = _leaf(torch)
    y = _returning(torch, lambda t, g: g * 2).apply(x).sum()
    y.backward()
    y.backward()
    return x.grad


def case_saved_output_and_double_backward(torch):
    x = _leaf(torch)
    y = _exp(torch).apply(x)
    s = y.grad_fn.saved_tensors[0]
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    gg, = torch.autograd.grad(g.sum(), x)
    return [s, s.grad_fn.name(), s is y, g, graph(g), gg]


def case_saved_output_modified(torch):
    y = _exp(torch).apply(_leaf(torch))
    y.mul_(2)
    y.sum().backward()


def case_saved_input_modified(torch):
    x = _leaf(torch).clone()
    y = _scale(torch).apply(x, 1)
    x.add_(1)
    y.sum().backward()


def case_saved_leaf_modified_by_hand(torch):
    x = _leaf(torch)
    y = _scale(torch).apply(x, 1)
    with torch.no_grad():
        x.add_(1)
    return y.grad_fn.saved_tensors


def case_save_non_tensor(torch):
    class SaveBad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None, 3)
            return x * 1
    SaveBad.apply(_leaf(torch))


def case_save_none_and_intermediate(torch):
    class Save(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            t = x * 2
            ctx.save_for_backward(None, t)
            return t + 1

        @staticmethod
        def backward(ctx, g):
            none, t = ctx.saved_tensors
            print(none, t, t.requires_grad, t.grad_fn)
            return g * t
    x = _leaf(torch)
    Save.apply(x).sum().backward()
    return x.grad


def case_setup_context_style(torch):
    class SC(torch.autograd.Function):
        @staticmethod
        def forward(x, k=2.0):
            print("forward: grad mode", torch.is_grad_enabled())
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k = inputs
            print("setup_context:", len(inputs), type(output).__name__, torch.is_grad_enabled())
            ctx.k = k
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None
    x = _leaf(torch)
    y = SC.apply(x)
    z = SC.apply(x, k=3.0)
    (y + z).sum().backward()
    return [y, z, graph(z), x.grad]


def case_vjp_alias(torch):
    class V(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 3

        @staticmethod
        def vjp(ctx, g):
            return g * 3
    x = _leaf(torch)
    V.apply(x).sum().backward()
    F = torch.autograd.Function
    return [x.grad, F.vjp is F.backward, V.backward is V.vjp]


def case_backward_and_vjp_both(torch):
    class Both(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 3

        @staticmethod
        def vjp(ctx, g):
            return g * 3

        @staticmethod
        def backward(ctx, g):
            return g * 3
    y = Both.apply(_leaf(torch))
    print(y)
    y.sum().backward()


def case_backward_not_implemented(torch):
    class NoBack(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2
    NoBack.apply(_leaf(torch)).sum().backward()


def case_forward_not_implemented(torch):
    class NoFwd(torch.autograd.Function):
        @staticmethod
        def backward(ctx, g):
            return g
    NoFwd.apply(_leaf(torch))


def case_jvp_not_implemented(torch):
    return torch.autograd.Function.jvp(None, None)


def case_legacy_instantiation(torch):
    class Legacy(torch.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, g):
            return g
    return Legacy()(_leaf(torch))


def case_apply_with_non_static_forward(torch):
    class Legacy(torch.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, g):
            return g * 2
    x = _leaf(torch)
    y = Legacy.apply(x)
    y.sum().backward()
    return [y, x.grad]


_BAD_BACKWARDS = {
    "too_many": (lambda t, g: (g, g), 1),
    "trailing_none": (lambda t, g: (g, None, None), 2),
    "grad_for_number": (lambda t, g: (g, g), 2),
    "int_for_number": (lambda t, g: (g, 3), 2),
    "int_gradient": (lambda t, g: 3, 1),
    "wrong_shape": (lambda t, g: g[:1], 1),
    "broadcast_shape": (lambda t, g: t.ones(3, 2), 1),
    "double_gradient": (lambda t, g: t.ones(2, dtype=t.float64), 1),
    "long_gradient": (lambda t, g: t.ones(2, dtype=t.int64), 1),
    "none": (lambda t, g: None, 1),
}


@pytest.mark.parametrize("name", sorted(_BAD_BACKWARDS))
def test_backward_results_checked_as_torch(name):
    result, n_in = _BAD_BACKWARDS[name]

    def case(torch):
        x = _leaf(torch)
        y = _returning(torch, result).apply(x, *[2] * (n_in - 1))
        y.sum().backward()
        return [x.grad, y]
    check(case)


def _dirty(torch):
    class Dirty(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return Dirty


def case_mark_dirty(torch):
    a = _leaf(torch)
    b = a.clone()
    o = _dirty(torch).apply(b)
    out = [o is b, o, graph(b), b._version]
    o.sum().backward()
    return out + [a.grad]


def case_mark_dirty_view(torch):
    a = _leaf(torch)
    b = a.clone()
    v = b[:1]
    o = _dirty(torch).apply(v)
    out = [o is v, o, b, graph(b), graph(v)]
    b.sum().backward()
    return out + [a.grad]


def case_mark_dirty_leaf(torch):
    a = _leaf(torch)
    try:
        _dirty(torch).apply(a)
    except RuntimeError as e:
        print(e)
    return [a, a._version]


def case_mark_dirty_view_of_leaf(torch):
    a = _leaf(torch)
    try:
        _dirty(torch).apply(a[:1])
    except RuntimeError as e:
        print(e)
    return [a, a._version]


def case_mark_dirty_no_grad_input(torch):
    c = torch.tensor([1., 2.])
    o = _dirty(torch).apply(c)
    return [o is c, o, c._version]


def case_dirty_not_returned(torch):
    class DirtyNotReturned(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x * 1
    DirtyNotReturned.apply(_leaf(torch).clone())


def case_modified_without_mark_dirty(torch):
    class NotDirty(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    a = _leaf(torch).clone()
    return [NotDirty.apply(a), a._version]


def case_mark_non_differentiable(torch):
    class Sort(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            i = x.argmax()
            s = x * 2
            z = x * 3
            ctx.mark_non_differentiable(i, z)
            return s, i, z

        @staticmethod
        def backward(ctx, gs, gi, gz):
            print("grads", gs, gi, gz)
            return gs
    x = _leaf(torch)
    s, i, z = Sort.apply(x)
    s.sum().backward()
    return [s, i, z, x.grad]


def case_non_differentiable_output_backward(torch):
    class ND(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            z = x * 3
            ctx.mark_non_differentiable(z)
            return z
    ND.apply(_leaf(torch)).sum().backward()


def case_non_differentiable_input(torch):
    class ND(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_non_differentiable(x)
            return x
    x = _leaf(torch)
    r = ND.apply(x)
    return [r is x, r, r._is_view(), r._version]


def _two(torch):
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, gy, gz):
            print("grads", gy, gz)
            return gy + (gz if gz is not None else 0)
    return Two


def case_materialize_grads(torch):
    x = _leaf(torch)
    y, z = _two(torch).apply(x)
    y.sum().backward()
    return [y, z, graph(z), x.grad]


def case_set_materialize_grads_false(torch):
    class Two(_two(torch)):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3
    x = _leaf(torch)
    y, z = Two.apply(x)
    y.sum().backward()
    return x.grad


def case_no_gradient_arrives_runs_with_zeros(torch):
    Z = _returning(torch, lambda t, g: (print("called with", g), g)[1])
    N = _returning(torch, lambda t, g: None)
    x = _leaf(torch)
    N.apply(Z.apply(x)).sum().backward()
    return x.grad


def case_several_inputs_and_outputs(torch):
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            return x + y, x * k

        @staticmethod
        def backward(ctx, a, b):
            print(ctx.needs_input_grad)
            return a + b, None, a
    x = _leaf(torch)
    y = torch.ones(2, requires_grad=True)
    r = Two.apply(x, 3.0, y)
    torch.autograd.backward(r, (torch.ones(2), torch.ones(2) * 2))
    r2 = Two.apply(torch.ones(2), 1.0, y)
    r2[0].sum().backward()
    return [r, graph(r[0]), graph(r2[1]), x.grad, y.grad]


def case_non_tensor_outputs(torch):
    class NT(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return 5, x * 2, "a"

        @staticmethod
        def backward(ctx, a, g, b):
            print("grads", a, g, b)
            return g
    x = _leaf(torch)
    r = NT.apply(x)
    r[1].sum().backward()
    return [r, r[1].output_nr, x.grad, NT.apply(x.detach())]


def case_other_returns(torch):
    class L(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, what):
            return what(x)
    x = _leaf(torch)
    return [L.apply(x, lambda x: [x * 2]), L.apply(x, lambda x: None), L.apply(x, lambda x: 3)]


def case_no_input_requires_grad(torch):
    Scale = _scale(torch)
    x = torch.tensor([1., 2.])
    out = [Scale.apply(x, 2)]
    with torch.no_grad():
        out.append(Scale.apply(_leaf(torch), 2))
    return out


def case_int_input(torch):
    class I(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.float() * 2
    return I.apply(torch.tensor([1, 2]))


def case_input_returned_as_is(torch):
    class Id(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x = _leaf(torch)
    nl = x * 1
    o = Id.apply(nl)
    out = [o is nl, o, o._is_view(), o._base is nl, graph(o)]
    o.sum().backward()
    d = x.detach()
    od = Id.apply(d)
    with torch.no_grad():
        on = Id.apply(nl)
    out += [x.grad, od is d, od._is_view(), on is nl, on._is_view(), on.requires_grad]
    ol = Id.apply(x)
    return out + [ol.is_leaf, ol._is_view()]


def case_input_returned_as_is_written(torch):
    class Id(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x
    o = Id.apply(_leaf(torch) * 1)
    o.mul_(2)


def case_view_made_in_forward_written(torch):
    class Vw(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x[:1]

        @staticmethod
        def backward(ctx, g):
            return torch.cat([g, torch.zeros(1)])
    nl = _leaf(torch) * 1
    o = Vw.apply(nl)
    out = [o, o._is_view(), o._base is nl]
    for write in (lambda: o.mul_(2), lambda: (nl.mul_(2), o.grad_fn)):
        try:
            write()
        except RuntimeError as e:
            out.append(str(e))
    return out


def case_once_differentiable(torch):
    once_differentiable = torch.autograd.function.once_differentiable

    class OD(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            print("backward: grad mode", torch.is_grad_enabled(), g.requires_grad)
            return 2 * x * g
    x = _leaf(torch)
    g1, = torch.autograd.grad(OD.apply(x).sum(), x, create_graph=True)
    g2, = torch.autograd.grad((OD.apply(x) * x).sum(), x, create_graph=True)
    out = [OD.backward.__name__, g1, g2, graph(g2)]
    try:
        g2.sum().backward()
    except RuntimeError as e:
        out.append(str(e))
    return out


def case_node_hooks_and_metadata(torch):
    class M(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, g * 2
    x, y = _leaf(torch), torch.ones(2, requires_grad=True)
    r = M.apply(x, y)
    r.grad_fn.register_prehook(lambda go: print("pre", go))
    r.grad_fn.register_hook(lambda gi, go: print("post", gi, go))
    r.grad_fn.metadata["k"] = 1
    r.register_hook(lambda g: g * 10)
    r.sum().backward()
    return [r.grad_fn.metadata, x.grad, y.grad]


def case_call_node_by_hand(torch):
    y = _scale(torch).apply(_leaf(torch), 2)
    return y.grad_fn(torch.ones(2))


def case_function_in_a_graph_of_ops(torch):
    Exp = _exp(torch)
    x = _leaf(torch, (0.5, -1.0))
    w = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    h = Exp.apply(w @ x + 1)
    loss = (Exp.apply(h * 0.1) * x).sum()
    loss.backward()
    return [loss, graph(loss), x.grad, w.grad]


def case_broadcast_input(torch):
    class AddB(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g
    a = torch.ones(2, 3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    AddB.apply(a, b).sum().backward()
    return [a.grad, b.grad]


def case_dirty_second_output(torch):
    class AddInto(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            y.add_(x)
            ctx.mark_dirty(y)
            return x * 2, y

        @staticmethod
        def backward(ctx, gx2, gy):
            return gx2 * 2 + gy, gy
    x = _leaf(torch)
    y = torch.ones(2, requires_grad=True).clone()
    a, b = AddInto.apply(x, y)
    out = [a, b, b is y, b.output_nr, graph(b)]
    (a * b).sum().backward()
    return out + [x.grad]


def case_retain_grad_and_hooks_on_outputs(torch):
    y, z = _two(torch).apply(_leaf(torch))
    y.retain_grad()
    z.register_hook(lambda g: print("z hook", g) or g * 10)
    (y * z).sum().backward()
    return [y.grad]


def case_view_input(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = _exp(torch).apply(x[0])
    y.sum().backward()
    return [y, graph(y), x.grad]


def case_input_requires_grad_under_no_grad(torch):
    x = _leaf(torch)
    with torch.no_grad():
        y = _exp(torch).apply(x)
    return [y, y.requires_grad]


def case_save_for_backward_twice(torch):
    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x)
            ctx.save_for_backward(y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            print(len(ctx.saved_tensors))
            return g, g
    x = _leaf(torch)
    Twice.apply(x, torch.ones(2)).sum().backward()
    return x.grad


def case_saved_tensors_hooks(torch):
    def pack(t):
        print("pack", t)
        return t * 1

    def unpack(p):
        print("unpack", p)
        return p
    x = _leaf(torch)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = _exp(torch).apply(x)
        z = _scale(torch).apply(x, 2)
    (y + z).sum().backward()
    return x.grad


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)


def test_forward_gradcheck_by_finite_differences():
    """A Function whose backward is written with differentiable ops: its first and second
    derivatives match central differences of its forward (float64)."""
    import dyngrad
    Exp = _exp(dyngrad)
    x = dyngrad.tensor([0.3, -0.7, 1.1], dtype=dyngrad.float64, requires_grad=True)
    g, = dyngrad.autograd.grad((Exp.apply(x) * x).sum(), x, create_graph=True)
    gg, = dyngrad.autograd.grad(g.sum(), x)
    eps = 1e-6
    for i in range(3):
        e = [0.0] * 3
        e[i] = eps

        def f(d):
            t = dyngrad.tensor([v + d_ for v, d_ in zip(x.tolist(), d)], dtype=dyngrad.float64)
            return (t.exp() * t).sum().item()

        def df(d):
            t = dyngrad.tensor([v + d_ for v, d_ in zip(x.tolist(), d)], dtype=dyngrad.float64)
            return ((t.exp() * t + t.exp())[i]).item()
        fd = (f(e) - f([-v for v in e])) / (2 * eps)
        assert abs(g[i].item() - fd) < 1e-6
        fdd = (df(e) - df([-v for v in e])) / (2 * eps)
        assert abs(gg[i].item() - fdd) < 1e-5

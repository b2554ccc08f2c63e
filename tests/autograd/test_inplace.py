"""In-place ops against torch: version counters, torch's refusals (and that a refused op
changes nothing), rebasing grad_fn, CopySlices, .data, detach_, Variable."""
import pytest

from _oracle import check, params, graph


def _state(torch, *ts):
    """What a failed operation must leave as it was."""
    return [(t._version, t.tolist(), t.requires_grad, t.is_leaf,
             None if t.grad_fn is None else graph(t)) for t in ts]


# -- version counters ---------------------------------------------------------------------------
def case_versions_shared_by_views_and_detach(torch):
    x = torch.tensor([1., 2., 3., 4.])
    v = x[1:]
    d = x.detach()
    w = x.view(2, 2)
    out = [x._version]
    v.add_(1)
    out.append((x._version, v._version, d._version, w._version))
    d.mul_(2)
    out.append((x._version, v._version, d._version, w._version))
    x[0] = 7
    out.append((x._version, v._version, d._version, w._version, x))
    return out


def case_data_not_versioned(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.data.add_(1)
    y = x.data
    y.mul_(2)
    return x._version, y._version, x


def case_out_of_place_no_bump(torch):
    x = torch.tensor([1., 2.])
    y = x + 1
    return x._version, y._version


def case_inplace_bumps_once_per_op(torch):
    x = torch.tensor([1., 2.])
    x.add_(1).mul_(2)
    x += 1
    x.zero_()
    x.fill_(3)
    x.copy_(torch.tensor([5., 6.]))
    return x._version, x


def case_setitem_bumps(torch):
    x = torch.tensor([[1., 2.], [3., 4.]])
    x[0, 1] = 5
    x[:, 0] = torch.tensor([9., 8.])
    return x._version, x


# -- refusals, and nothing changed -------------------------------------------------------------
def case_leaf_inplace_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    before = _state(torch, x)
    try:
        x.add_(1)
    except RuntimeError as e:
        print(e)
    return before == _state(torch, x), x


def case_leaf_inplace_ops_errors(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    out = []
    for f in (lambda: x.mul_(2), lambda: x.zero_(), lambda: x.fill_(1.), lambda: x.exp_(),
              lambda: x.copy_(torch.tensor([0., 0.])), lambda: x.__setitem__(0, 5.),
              lambda: x.__iadd__(1)):
        try:
            f()
        except RuntimeError as e:
            out.append(str(e))
    return out, x, x._version


def case_view_of_leaf_inplace_error(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    out = []
    for f in (lambda: x[:1].mul_(2), lambda: x.__setitem__(0, 5.), lambda: x.view(3).add_(1)):
        try:
            f()
        except RuntimeError as e:
            out.append(str(e))
    return out, x, x._version


def case_leaf_inplace_under_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        x.add_(1)
        x[0] = 10
        x.mul_(2)
    return x, x._version, x.is_leaf, x.requires_grad, x.grad_fn


def case_saved_input_modified(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    a = x * 2
    b = a * a
    a.add_(1)
    try:
        b.sum().backward()
    except RuntimeError as e:
        print(e)
    return x.grad, a._version


def case_saved_output_modified_exp(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    y.mul_(2)
    y.sum().backward()


def case_saved_output_modified_through_detach(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    z = y.sum()
    y.detach().zero_()
    z.backward()


def case_saved_output_modified_through_data(torch):
    x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    y = x.exp()
    z = y.sum()
    y.data.zero_()
    z.backward()
    return x.grad


def case_saved_leaf_modified_under_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    with torch.no_grad():
        x.add_(1)
    y.backward()


def case_saved_tensor_modified_by_setitem(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    a = x * 2
    b = a.sigmoid() if hasattr(a, "sigmoid") else a * a
    a[0] = 0
    b.sum().backward()


def case_saved_tensor_modified_view_name(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    a = x * 2
    b = a * a
    a[1:].mul_(2)
    b.sum().backward()


def case_saved_read_public_after_modify(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    y.add_(1)
    return y.grad_fn.next_functions[0][0]._saved_result


def case_multi_view_error(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    out = []
    a, b = y.split(2)
    c, d = y.chunk(2)
    r = y.unbind()
    for v in (a, b, c, d, r[1]):
        try:
            v.mul_(2)
        except RuntimeError as e:
            out.append(str(e))
    return out, y._version, y, graph(y)


def case_multi_view_no_grad_allowed(torch):
    x = torch.tensor([1., 2., 3., 4.])
    a, b = x.split(2)
    b.mul_(2)
    return x, x._version


def case_no_grad_view_modified_with_grad(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 1
    with torch.no_grad():
        v = y[1:]
    before = _state(torch, y)
    try:
        v.mul_(2)
    except RuntimeError as e:
        print(e)
    return before == _state(torch, y), y


def case_no_grad_view_modified_in_no_grad(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 1
    with torch.no_grad():
        v = y[1:]
        v.mul_(2)
    y.sum().backward()
    return y, x.grad, v.requires_grad, v.grad_fn


def case_failed_inplace_dtype(torch):
    x = torch.tensor([1, 2])
    before = _state(torch, x)
    try:
        x.add_(1.5)
    except RuntimeError as e:
        print(e)
    return before == _state(torch, x), x


def case_failed_inplace_broadcast(torch):
    x = torch.tensor([1., 2.])
    before = _state(torch, x)
    try:
        x.add_(torch.ones(3, 2))
    except RuntimeError as e:
        print(e)
    return before == _state(torch, x)


def _saved_then_modified(op):
    def case(torch):
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 1
        z = y * y
        op(torch, y)
        z.sum().backward()
    return case


# The version error names the op that last wrote the saved tensor, as torch spells it.
_WRITERS = {
    "exp": lambda t, y: y.exp_(), "add": lambda t, y: y.add_(1), "mul": lambda t, y: y.mul_(2),
    "copy": lambda t, y: y.copy_(t.tensor([3., 4.])),
    "setitem": lambda t, y: y.__setitem__(slice(0, 1), 0.), "zero": lambda t, y: y.zero_(),
    "fill": lambda t, y: y.fill_(1.), "sigmoid": lambda t, y: y.sigmoid_(),
    "pow": lambda t, y: y.pow_(2), "clamp": lambda t, y: y.clamp_(0, 1),
    "div": lambda t, y: y.div_(2), "sub": lambda t, y: y.sub_(1), "neg": lambda t, y: y.neg_(),
    "view_mul": lambda t, y: y[1:].mul_(2), "detach_add": lambda t, y: y.detach().add_(1),
    "relu": lambda t, y: y.relu_(), "tanh": lambda t, y: y.tanh_(),
}
for _name, _op in _WRITERS.items():
    globals()[f"case_version_error_after_{_name}"] = _saved_then_modified(_op)
    globals()[f"case_version_error_after_{_name}"].__name__ = f"case_version_error_after_{_name}"


# -- rebasing -------------------------------------------------------------------------------------
def case_inplace_nonleaf_rebases(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    old = y.grad_fn
    y.add_(1)
    z = y.exp_() if False else y.mul_(y)
    z.sum().backward()
    return y is z, y.grad_fn is old, graph(y), x.grad, y._version


def case_inplace_on_no_grad_tensor_with_grad_other(torch):
    a = torch.tensor([1., 2.])
    w = torch.tensor([3., 4.], requires_grad=True)
    a.mul_(w)
    a.sum().backward()
    return a, w.grad, graph(a), a.is_leaf


def case_inplace_unary_chain(torch):
    x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    y = x * 1
    y.exp_()
    y.sigmoid_() if hasattr(y, "sigmoid_") else y.mul_(2)
    y.sum().backward()
    return y, x.grad, graph(y)


def case_copy_slices_setitem(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y[0] = 0
    y.sum().backward()
    return y, x.grad, graph(y), y.grad_fn.name()


def case_copy_slices_view_mul(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    v = y[1:]
    v.mul_(2)
    (y * torch.tensor([1., 10., 100.])).sum().backward()
    return y, v, x.grad, graph(y), graph(v), v._version, y._version


def case_copy_slices_then_use_view(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    v = y.view(2, 2)
    v[0].mul_(3)
    w = y[2:]
    w.add_(x[:2])
    (v.sum() * 2 + y.sum()).backward()
    return y, x.grad, graph(y), graph(v)


def case_copy_slices_with_grad_source(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    s = torch.tensor([5.], requires_grad=True)
    y = x * 1
    y[1:2] = s * 3
    (y * y).sum().backward()
    return y, x.grad, s.grad, graph(y)


def case_copy_slices_base_no_grad(torch):
    s = torch.tensor([5., 6.], requires_grad=True)
    y = torch.zeros(4)
    y[1:3] = s
    (y * torch.tensor([1., 2., 3., 4.])).sum().backward()
    return y, s.grad, graph(y), y.is_leaf


def case_copy_slices_saved_modified(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    z = y * y
    y[0] = 0
    z.sum().backward()


def case_view_after_base_modified(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    v = y[1:]
    y.mul_(3)
    v.sum().backward()
    return x.grad, graph(v), v.grad_fn.name()


def case_copy_slices_double_backward(torch):
    x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    y = x * x
    y[0] = 0
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return g


def case_copy_inplace_nonleaf(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    s = torch.tensor([3., 4.], requires_grad=True)
    y = x * 1
    y.copy_(s * 2)
    y.sum().backward()
    return y, x.grad, s.grad, graph(y)


def case_copy_inplace_saved_modified_name(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 1
    z = y * y
    y.copy_(torch.tensor([3., 4.]))
    z.sum().backward()


# -- .data, detach_, requires_grad_, Variable ---------------------------------------------------
def case_data_assign(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.data = torch.tensor([[1., 2., 3.]])
    return x, x._version, x.shape


def case_data_assign_int_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    x.data = torch.tensor([1, 2])


def case_data_is_leaf_no_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    d = y.data
    return d, d.requires_grad, d.is_leaf, d.grad_fn


def case_detach_(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    r = y.detach_()
    return r is y, y, y.is_leaf, y.requires_grad, y.grad_fn, x.detach_()


def case_detach_view_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    v = y[0:1]
    before = _state(torch, v)
    try:
        v.detach_()
    except RuntimeError as e:
        print(e)
    return before == _state(torch, v)


def case_detach_shares(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    d = x.detach()
    d[0] = 5
    return x, d, d.requires_grad, d.is_leaf, x._version


def case_requires_grad_flags(torch):
    x = torch.tensor([1., 2.])
    out = [x.requires_grad_() is x, x.requires_grad]
    y = x * 2
    y.requires_grad_(True)
    out.append(y.requires_grad)
    try:
        y.requires_grad_(False)
    except RuntimeError as e:
        out.append(str(e))
    try:
        y.requires_grad = False
    except RuntimeError as e:
        out.append(str(e))
    out.append(y)
    x.requires_grad_(False)
    out.append(x)
    try:
        torch.tensor([1, 2]).requires_grad_()
    except RuntimeError as e:
        out.append(str(e))
    torch.tensor([1, 2]).requires_grad_(False)
    return out


def case_variable(torch):
    Variable = torch.autograd.Variable
    t = torch.tensor([1., 2.])
    v = Variable(t, requires_grad=True)
    w = Variable(t)
    return v, type(v).__name__, w.requires_grad, isinstance(t, Variable), v is t


def case_variable_volatile(torch):
    v = torch.autograd.Variable(torch.tensor([1.]), volatile=True)
    return v


# -- views whose base changed (NOTE [Stale views]) ----------------------------------------------
def case_stale_view_names_and_grads(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    v2 = y.view(2, 2)
    t = v2.t()
    e = y.expand(2, 4)
    u = y.unsqueeze(0)
    y.mul_(3)
    (v2.sum() + t.sum() + e.sum() + u.sum()).backward()
    return [v.grad_fn.name() for v in (v2, t, e, u)], x.grad, graph(t)


def case_view_requires_grad_follows_base(torch):
    a = torch.zeros(4)
    v = a[:2]
    before = v.requires_grad
    w = torch.ones(4, requires_grad=True)
    a.mul_(w)
    return before, v.requires_grad, v.grad_fn, v.is_leaf, v._version, v


def case_view_of_plain_tensor_modified(torch):
    a = torch.zeros(4)
    v = a[:2]
    a.add_(1)
    return v.grad_fn, v.requires_grad, v.is_leaf, v


def case_no_grad_view_of_requires_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        v = x[:1]
    return v.requires_grad, v.is_leaf, v.grad_fn, v


def case_no_grad_view_used_with_grad(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        v = x[:1]
    z = v * 2
    s = torch.cat([v, x])
    z.sum().backward()
    return z, graph(z), s, graph(s), x.grad, v.grad


def case_view_of_base_that_gained_grad_used(torch):
    a = torch.zeros(4)
    v = a[:2]
    w = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    a.add_(w)
    z = v * 3
    z.sum().backward()
    return z, graph(z), w.grad


def case_no_grad_view_stale_error(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 1
    with torch.no_grad():
        v = y[1:]
    y.mul_(2)
    return v.grad_fn


def case_no_grad_view_stale_repr_and_use(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 1
    with torch.no_grad():
        v = y[1:]
    y.mul_(2)
    out = [repr(v), v.requires_grad]
    for f in (lambda: v.is_leaf, lambda: v * 2):
        try:
            f()
        except RuntimeError as e:
            out.append(str(e))
    return out


def case_leaf_by_held_node_grad_retain_hook(torch):
    # .grad's warning, retain_grad and register_hook read the node a tensor holds: a view
    # made in no_grad mode (fresh or stale) and a view of a base that gained grad later are
    # leaves there; a stale view of a graph is not
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    with torch.no_grad():
        b = y[1:]
    c = y[:2]
    a = torch.zeros(4)
    g = a[:2]
    a.add_(x)
    out = [b.grad, b.retain_grad(), b.retains_grad, g.grad]
    b.register_hook(lambda grad: print("hook", grad))
    y.mul_(2)
    out += [b.grad, b.retain_grad(), b.retains_grad, b.requires_grad, c.grad]
    (b * 2).sum().backward()
    return out, x.grad


def case_retain_grad_moves_to_the_inplace_node(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.add_(1)
    b = x * 1
    b.retain_grad()
    b[1:].mul_(2)  # the base's CopySlices takes it
    ((y * y).sum() + (b * b).sum()).backward()
    return y.grad, b.grad, x.grad, y.retains_grad, b.retains_grad


def case_copy_slices_other_broadcast_and_wider(torch):
    # the other input's gradient is reduced to its shape and dtype, at every order
    out = []
    for create_graph in (False, True):
        x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        s = torch.tensor([5.], dtype=torch.float64, requires_grad=True)
        y = x * 1
        y[1].mul_(s)
        y[:, 0].add_(s * s)
        gx, gs = torch.autograd.grad((y * y).sum(), (x, s), create_graph=create_graph)
        out += [gx, gs]
        if create_graph:
            out += list(torch.autograd.grad((gx * gx).sum() + gs.sum(), (x, s)))
    return out


def case_multi_view_stale_error(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    a, b = y.split(2)
    y.mul_(2)
    return b.grad_fn


def case_multi_view_stale_no_grad_base(torch):
    a = torch.zeros(4)
    p, q = a.split(2)
    a.add_(1)
    return p.grad_fn, q


def case_view_chain_modified_in_middle(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    v = y[1:]
    w = v[1:]
    v.mul_(2)
    (w * torch.tensor([1., 10.])).sum().backward()
    return w.grad_fn.name(), y.grad_fn.name(), v.grad_fn.name(), x.grad, graph(w)


def case_view_inplace_twice(torch):
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    v = y[:2]
    v.mul_(2)
    v.add_(1)
    (y * torch.arange(4.)).sum().backward()
    return x.grad, graph(v), graph(y)


def case_view_multiple_inplace_on_base_and_view(torch):
    x = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
    y = x.exp()
    v = y[1:]
    y.mul_(2)
    v.mul_(y[1:].detach())
    (y * y).sum().backward()
    return x.grad


def case_inplace_on_expanded_error(torch):
    x = torch.tensor([1., 2.])
    e = x.expand(3, 2)
    before = (x._version, x.tolist())
    try:
        e.add_(1)
    except RuntimeError as err:
        print(err)
    return before == (x._version, x.tolist())


def case_copy_slices_view_double_backward(torch):
    x = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
    y = x * x
    v = y[1:]
    v.mul_(x[1:])
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    return g, gg


def case_stale_view_double_backward(torch):
    x = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
    y = x * x
    v = y[1:]
    y.mul_(x)
    (g,) = torch.autograd.grad((v * v).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    return g, gg


def case_copy_slices_create_graph_graph(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 1
    v = y[1:]
    v.mul_(2)
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x, create_graph=True)
    return g, graph(g), gg


def case_stale_view_create_graph_graph(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 1
    v = y[1:]
    y.mul_(2)
    (g,) = torch.autograd.grad((v * v).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x, create_graph=True)
    return g, graph(g), gg


def case_copy_slices_2d_third_order(torch):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], dtype=torch.float64, requires_grad=True)
    y = x * x
    v = y[:, 1:]
    v.mul_(x[:, :2])
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad((g * g).sum(), x, create_graph=True)
    (ggg,) = torch.autograd.grad(gg.sum(), x)
    return g, gg, ggg


def case_stale_expanded_view_values(torch):
    x = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
    y = x * x
    e = y.expand(2, 3)
    y.mul_(x)
    (g,) = torch.autograd.grad((e * e).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad((g * g).sum(), x)
    return e.grad_fn.name(), g.detach(), gg


def case_inplace_sources_mixed_dtype(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    d = torch.tensor([3., 4.], dtype=torch.float64, requires_grad=True)
    y = x * 1
    y.mul_(d)
    y.sum().backward()
    return y, x.grad, d.grad


def case_inplace_broadcast_other(torch):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    b = torch.tensor([10., 20.], requires_grad=True)
    y = x * 1
    y.add_(b)
    y.mul_(b)
    y.sum().backward()
    return y, x.grad, b.grad


def case_self_mul_inplace_version_error(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 1
    y.mul_(y)
    y.sum().backward()


def case_failed_backward_leaves_grads(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    a = x * 2
    b = (a * a).sum() + (w * 3).sum()
    a.add_(1)
    try:
        b.backward()
    except RuntimeError as e:
        print(e)
    return x.grad, w.grad


def case_failed_requires_grad_keeps_flag(torch):
    t = torch.tensor([1, 2])
    try:
        t.requires_grad_()
    except RuntimeError as e:
        print(e)
    return t.requires_grad, t


def case_failed_data_assign_keeps_data(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    try:
        x.data = torch.tensor([1, 2])
    except RuntimeError as e:
        print(e)
    return x, x._version


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)

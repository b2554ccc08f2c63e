"""torch.autograd.forward_ad, custom Function.jvp, forward-over-reverse and torch.func's
forward transforms, against torch: each case is written once and run on both libraries
(values, reprs with their tangents, errors and the state left after them)."""
import warnings

import pytest
import torch as _torch

from _oracle import check, params

# torch scripts helpers of forward mode on first use, with a deprecation warning that is
# not the case's: use them once here, so the cases compare their own warnings alone
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    with _torch.autograd.forward_ad.dual_level():
        try:
            _torch.autograd.forward_ad.make_dual(_torch.ones(1), _torch.ones(2))
        except RuntimeError:
            pass


def _dual(torch, values, tangent):
    fwAD = torch.autograd.forward_ad
    return fwAD.make_dual(torch.tensor(values), torch.tensor(tangent))


def _tangent(torch, t):
    return torch.autograd.forward_ad.unpack_dual(t).tangent


# -- levels and dual tensors ----------------------------------------------------------------
def case_level_index_and_printing(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level() as level:
        x = _dual(torch, [1.0, 2.0], [0.5, -1.0])
        y = (x * x).sum()
        return level, x, y, repr(y), str(fwAD.unpack_dual(y)), fwAD.unpack_dual(torch.ones(2))


def case_tangents_dropped_on_exit(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        x = _dual(torch, [1.0, 2.0], [0.5, -1.0])
        y = x.exp()
    return y, fwAD.unpack_dual(y), fwAD.unpack_dual(x).tangent


def case_enter_and_exit_by_hand(torch):
    fwAD = torch.autograd.forward_ad
    first = fwAD.enter_dual_level()
    x = _dual(torch, [3.0], [1.0])
    t = _tangent(torch, x.sin())
    fwAD.exit_dual_level(level=first)
    return first, t, fwAD.enter_dual_level(), fwAD.exit_dual_level()


def case_nested_level_refused(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        try:
            fwAD.enter_dual_level()
        except RuntimeError as e:
            nested = str(e)
        x = _dual(torch, [1.0], [2.0])  # the open level still works
        return nested, x * 3


def case_exit_without_level(torch):
    torch.autograd.forward_ad.exit_dual_level()


def case_exit_negative_level(torch):
    torch.autograd.forward_ad.exit_dual_level(level=-1)


def case_exit_wrong_level(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        fwAD.exit_dual_level(level=1)


def case_make_dual_outside_level(torch):
    return _dual(torch, [1.0], [1.0])


@pytest.mark.parametrize("bad", ["size", "int_primal", "int_tangent", "level", "twice"])
def test_make_dual_errors(bad):
    def case(torch):
        fwAD = torch.autograd.forward_ad
        with fwAD.dual_level():
            p, t = torch.ones(2), torch.ones(2)
            if bad == "size":
                return fwAD.make_dual(p, torch.ones(3))
            if bad == "int_primal":
                return fwAD.make_dual(torch.ones(2, dtype=torch.int64), t)
            if bad == "int_tangent":
                return fwAD.make_dual(p, torch.ones(2, dtype=torch.int64))
            if bad == "level":
                return fwAD.make_dual(p, t, level=3)
            return fwAD.make_dual(fwAD.make_dual(p, t), t)
    case.__name__ = f"make_dual_{bad}"
    check(case)


def case_make_dual_is_a_view(torch):
    fwAD = torch.autograd.forward_ad
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, torch.ones(2, dtype=torch.float64))  # the tangent keeps its dtype
        return d, d._base is x, d * 2, fwAD.unpack_dual(d).tangent.dtype


def case_unpack_wrong_level(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        return fwAD.unpack_dual(_dual(torch, [1.0], [1.0]), level=2)


def case_integer_result_has_no_tangent(torch):
    with torch.autograd.forward_ad.dual_level():
        x = _dual(torch, [1.5, -2.5], [1.0, 1.0])
        return x.long(), _tangent(torch, x.long()), _tangent(torch, x > 0), x.round()


def case_no_grad_tangent(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.forward_ad.dual_level(), torch.no_grad():
        y = torch.autograd.forward_ad.make_dual(x, torch.ones(2)) * x
        return y, _tangent(torch, y)


def case_complex_tangents(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        z = fwAD.make_dual(torch.tensor([1 + 2j, 3 - 1j]), torch.tensor([1 + 0j, 1j]))
        return z * z, z.exp(), z.abs(), z.conj(), z.sum()


def case_unsupported_op_names_it(torch):
    with torch.autograd.forward_ad.dual_level():
        x = _dual(torch, [1.0, 2.0, 1.0], [1.0, 1.0, 1.0])
        return torch.unique(x)


def case_not_implemented_op_names_aten(torch):
    with torch.autograd.forward_ad.dual_level():
        return torch.floor_divide(_dual(torch, [3.0, 4.0], [1.0, 1.0]), 2)


# -- views and in-place writes ---------------------------------------------------------------
def case_view_tangent_is_a_view_of_the_base_tangent(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        x = _dual(torch, [[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]])
        v = x.t()[0]
        return _tangent(torch, v), _tangent(torch, v)._base is _tangent(torch, x)


def case_inplace_updates_the_tangent(torch):
    with torch.autograd.forward_ad.dual_level():
        x = _dual(torch, [1.0, 2.0], [1.0, -1.0])
        y = x.clone()
        v = y[1:]
        y.mul_(x)
        return _tangent(torch, y).detach(), _tangent(torch, v).detach()


def case_inplace_leaves_the_input_tangent(torch):
    with torch.autograd.forward_ad.dual_level():
        x = _dual(torch, [1.0, 2.0], [1.0, -1.0])
        y = x + 1
        y.mul_(3)
        return _tangent(torch, x), _tangent(torch, y)


def case_write_into_plain_tensor(torch):
    with torch.autograd.forward_ad.dual_level():
        z = torch.zeros(4)
        v = z[1:3]
        v.copy_(_dual(torch, [1.0, 1.0], [5.0, 6.0]))
        w = torch.zeros(3)
        w[0] = _dual(torch, 2.0, 7.0)
        return _tangent(torch, z), _tangent(torch, v), _tangent(torch, w)


def case_inplace_on_dual_view_of_leaf(torch):
    with torch.autograd.forward_ad.dual_level():
        x = _dual(torch, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
        x[0] = 10.0
        x.exp_()
        return _tangent(torch, x)


def case_inplace_tangent_taken_after_the_write(torch):
    # exp_'s forward rule reads its result: the tangent comes from self after the write,
    # with the node that wrote it, so reverse mode through the tangent reaches x
    fwAD = torch.autograd.forward_ad
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x * 1, torch.tensor([1.0, 3.0], dtype=torch.float64))
        d.exp_()
        t = fwAD.unpack_dual(d).tangent
        (g,) = torch.autograd.grad(t.sum(), x)
        return t.grad_fn.name(), t.detach(), g


# -- custom Function.jvp ------------------------------------------------------------------
def _functions(torch):
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            ctx.save_for_forward(x, y)
            ctx.k = k
            ctx.saw_tangent = torch.autograd.forward_ad.unpack_dual(x).tangent
            return x * y * k

        @staticmethod
        def jvp(ctx, x_t, y_t, k_t):
            x, y = ctx.saved_tensors
            return (x_t * y + x * y_t) * ctx.k

    class NoJvp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def jvp(ctx, x_t):
            x_t.mul_(2)
            return x_t

    class TwoOut(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def jvp(ctx, x_t):
            return x_t * 2

    class WrongSize(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def jvp(ctx, x_t):
            return x_t.sum()

    return Scale, NoJvp, Double, TwoOut, WrongSize


def case_function_jvp(torch):
    Scale = _functions(torch)[0]
    with torch.autograd.forward_ad.dual_level():
        x = _dual(torch, [1.0, 2.0], [1.0, 0.0])
        out = Scale.apply(x, torch.tensor([3.0, 4.0]), 2)
        return out, out.grad_fn is None


@pytest.mark.parametrize("which", [1, 3, 4])
def test_function_jvp_errors(which):
    def case(torch):
        with torch.autograd.forward_ad.dual_level():
            return _functions(torch)[which].apply(_dual(torch, [1.0, 2.0], [1.0, 0.0]))
    case.__name__ = f"function_jvp_error_{which}"
    check(case)


def case_function_jvp_mark_dirty(torch):
    Double = _functions(torch)[2]
    with torch.autograd.forward_ad.dual_level():
        z = _dual(torch, [1.0, 2.0], [1.0, 0.0]) * 1
        out = Double.apply(z)
        return out, out is z, _tangent(torch, z)


def case_function_without_dual_inputs_needs_no_jvp(torch):
    with torch.autograd.forward_ad.dual_level():
        return _functions(torch)[1].apply(torch.tensor([1.0]))


# -- forward-over-reverse and reverse-over-forward ---------------------------------------
def _f(torch, x):
    return (x.exp() * x.sin()).sum() + (x.tanh() ** 3).sum() + x.softmax(0)[0] \
        + (x.unsqueeze(1) @ x.unsqueeze(0)).logsumexp(1).sum()


def case_forward_over_reverse_hvp(torch):
    fwAD = torch.autograd.forward_ad
    x = torch.tensor([0.5, 1.2, -0.3], dtype=torch.float64, requires_grad=True)
    with fwAD.dual_level():
        xd = fwAD.make_dual(x, torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64))
        g, = torch.autograd.grad(_f(torch, xd), xd)
        return g.detach(), _tangent(torch, g).detach()


def case_reverse_over_forward(torch):
    # (without _f's softmax and logsumexp: torch's forward rules of those write in place
    # into a saved exp, and its own reverse-over-forward fails)
    fwAD = torch.autograd.forward_ad
    x = torch.tensor([0.5, 1.2, -0.3], dtype=torch.float64, requires_grad=True)
    with fwAD.dual_level():
        xd = fwAD.make_dual(x, torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64))
        jv = _tangent(torch, (xd.sin() * xd).sum() + (xd.tanh() ** 3).sum()
                      + (xd * xd).prod())
    return jv.detach(), torch.autograd.grad(jv, x)


# -- torch.func --------------------------------------------------------------------------
def _xy(torch):
    return torch.tensor([0.5, 1.5, -1.0]), torch.tensor([2.0, 1.0, 3.0])


def case_func_jvp(torch):
    x, _ = _xy(torch)
    return torch.func.jvp(lambda a: a.sin() * 2, (x,), (torch.ones(3),))


def case_func_jvp_aux_and_pytrees(torch):
    x, _ = _xy(torch)
    return torch.func.jvp(lambda a: ((a.exp(), a * 2), {"k": a.sum()}), (x,), (torch.ones(3),),
                          has_aux=True)


@pytest.mark.parametrize("bad", ["primals", "structure", "nested", "output", "size"])
def test_func_jvp_errors(bad):
    def case(torch):
        x, _ = _xy(torch)
        f = torch.sin
        if bad == "primals":
            return torch.func.jvp(f, x, (torch.ones(3),))
        if bad == "structure":
            return torch.func.jvp(f, (x,), (torch.ones(3), torch.ones(3)))
        if bad == "nested":
            return torch.func.jvp(f, (x,), ([1.0, 2.0, 3.0],))
        if bad == "output":
            return torch.func.jvp(lambda a: 3.0, (x,), (torch.ones(3),))
        return torch.func.jvp(f, (x,), (torch.ones(2),))
    case.__name__ = f"func_jvp_{bad}"
    check(case)


def _no_negative_zeros(tree):
    # torch's vmapped forward mode adds a zero tangent where dyngrad has none: the same
    # values, but -0.0 can come out as 0.0
    if isinstance(tree, (tuple, list)):
        return type(tree)(_no_negative_zeros(t) for t in tree)
    return tree + 0.0


def case_func_jacfwd(torch):
    x, y = _xy(torch)
    return _no_negative_zeros(torch.func.jacfwd(torch.sin)(x)), _no_negative_zeros((
            torch.func.jacfwd(lambda a, b: a * b, argnums=(0, 1))(x, y),
            torch.func.jacfwd(lambda a: (a.exp(), a.sum()), has_aux=True)(x),
            torch.func.jacfwd(lambda a: a.sum())(x),
            torch.func.jacfwd(lambda a: a.outer(a))(x[:2])))


def case_func_jacfwd_bad_argnum(torch):
    x, _ = _xy(torch)
    return torch.func.jacfwd(torch.sin, argnums=2)(x)


def case_func_hessian(torch):
    x, y = _xy(torch)
    return _no_negative_zeros((
        torch.func.hessian(lambda a: (a.sin() * a).sum())(x),
        torch.func.hessian(lambda a, b: (a.sin() * b).sum(), argnums=(0, 1))(x, y),
        torch.func.hessian(lambda a: _f(torch, a))(x.double())))


def _linearize(torch, f, x):
    with warnings.catch_warnings():  # torch's tracing warns from inside torch.fx
        warnings.simplefilter("ignore")
        return torch.func.linearize(f, x)


def case_func_linearize(torch):
    x, y = _xy(torch)
    out, jvp_fn = _linearize(torch, lambda a: a.sin() * 2, x)
    return out, jvp_fn(torch.ones(3)), jvp_fn(y)


def case_func_linearize_wrong_shape(torch):
    x, _ = _xy(torch)
    return _linearize(torch, torch.sin, x)[1](torch.ones(2))


def case_functional_jacobian_forward_mode(torch):
    x, y = _xy(torch)
    return _no_negative_zeros(torch.autograd.functional.jacobian(
        lambda a, b: (a * b, a.exp().sum()), (x, y), vectorize=True, strategy="forward-mode"))


@pytest.mark.parametrize("case", params(globals()))
def test_against_torch(case):
    check(case)

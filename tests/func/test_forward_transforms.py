"""The forward-mode transforms against torch.func, as a table: every function of FUNCS
under every transform of TRANSFORMS (jacfwd, hessian, the four mixes of forward and
reverse Jacobians, jvp under vmap, jvp of grad, and hessian under vmap), on both
libraries; values, dtypes, shapes and requires_grad (or error type and message) agree."""
import numpy as np
import pytest
import torch

import dyngrad

from tests.func._compare import observe

X = np.array([0.3, -1.2, 2.1, 0.7], np.float64)
M = np.array([[0.5, -0.2, 1.3], [0.1, 0.9, -0.4]], np.float64)
A = np.array([[0.2, -0.5, 0.8, 0.1], [1.1, 0.3, -0.6, 0.4], [-0.3, 0.7, 0.2, -0.9]], np.float64)
B = np.array([0.1, -0.3, 0.2], np.float64)
Y = np.array([1.5, -0.5, 0.25], np.float64)


def _f(t):
    return t.nn.functional


# name: (function of (t, *inputs), input arrays, argnums, has_aux)
FUNCS = {
    "elementwise": (lambda t, x: x.sin() * x.exp() + x ** 3 + x.sigmoid(), [X], 0, False),
    "matmul": (lambda t, x: (t.tensor(A) @ x).tanh(), [X], 0, False),
    "reduction": (lambda t, m: (m ** 2).sum(0) * m.mean() + m.amax(1).sum(), [M], 0, False),
    "norm_prod": (lambda t, x: t.stack([x.norm(), x.prod(), x.cumsum(0)[2]]), [X], 0, False),
    "softmax": (lambda t, x: x.softmax(0) * x, [X], 0, False),
    "log_softmax_2d": (lambda t, m: m.log_softmax(-1)[:, 1:], [M], 0, False),
    "indexing": (lambda t, x: x[t.tensor([0, 2])] * x[1] + x[1:3].flip(0), [X], 0, False),
    "broadcasting": (lambda t, x, y: (x[:, None] * y[None, :]).sin(), [X, Y], 0, False),
    "linear_gelu": (lambda t, x: _f(t).gelu(_f(t).linear(x, t.tensor(A), t.tensor(B))), [X], 0,
                    False),
    "layer_norm": (lambda t, m: _f(t).layer_norm(m, (3,)) * m, [M], 0, False),
    "mlp_two_args": (lambda t, w, x: (w @ x).tanh() @ t.tensor(B).exp(), [A, X], (0, 1), False),
    "where_relu": (lambda t, x: t.where(x > 0, x * x, _f(t).relu(-x) * 0.5), [X], 0, False),
    "has_aux": (lambda t, x: ((x * x.sum()).cos(), x.detach() * 2), [X], 0, True),
    "second_argnum": (lambda t, x, y: (x.sum() * y).log_softmax(0), [X, Y], 1, False),
}


def _scalar(t, fn, has_aux):
    """The function made scalar (summed), for the transforms that need one."""
    def scalar(*args):
        out = fn(t, *args)
        return (out[0].sum(), out[1]) if has_aux else out.sum()
    return scalar


def _vector(t, fn):
    return lambda *args: fn(t, *args)


def _jvp_under_vmap(t, fn, args, argnums, has_aux):
    # a batch of tangents for the first argument, the other primals shared
    f = _vector(t, fn)
    v = args[0] * 0 + 1
    tangents = t.stack([v, args[0].cos()])
    return t.func.vmap(lambda tv: t.func.jvp(lambda a: f(a, *args[1:]), (args[0],), (tv,),
                                             has_aux=has_aux))(tangents)


def _jvp_of_grad(t, fn, args, argnums, has_aux):
    g = t.func.grad(_scalar(t, fn, has_aux), argnums=argnums, has_aux=has_aux)
    tangents = tuple(a.cos() for a in args)
    return t.func.jvp(g, tuple(args), tangents, has_aux=has_aux)


def _hessian_under_vmap(t, fn, args, argnums, has_aux):
    # a batch of first arguments (the sample and a nearby one), the others shared
    batch = t.stack([args[0], args[0] * 1.1 + 0.05])
    h = t.func.hessian(_scalar(t, fn, False) if not has_aux else
                       (lambda *a: fn(t, *a)[0].sum()), argnums=argnums)
    return t.func.vmap(h, in_dims=(0,) + (None,) * (len(args) - 1))(batch, *args[1:])


def _jacfwd_under_vmap(t, fn, args, argnums, has_aux):
    batch = t.stack([args[0], args[0] * 0.9 - 0.1])
    j = t.func.jacfwd(_vector(t, fn), argnums=argnums, has_aux=has_aux)
    return t.func.vmap(j, in_dims=(0,) + (None,) * (len(args) - 1))(batch, *args[1:])


TRANSFORMS = {
    "jacfwd": lambda t, fn, args, argnums, has_aux: t.func.jacfwd(
        _vector(t, fn), argnums=argnums, has_aux=has_aux)(*args),
    "jacrev": lambda t, fn, args, argnums, has_aux: t.func.jacrev(
        _vector(t, fn), argnums=argnums, has_aux=has_aux)(*args),
    "hessian": lambda t, fn, args, argnums, has_aux: t.func.hessian(
        _scalar(t, fn, False) if not has_aux else (lambda *a: fn(t, *a)[0].sum()),
        argnums=argnums)(*args),
    "jacfwd_jacrev": lambda t, fn, args, argnums, has_aux: t.func.jacfwd(t.func.jacrev(
        _scalar(t, fn, has_aux), argnums=argnums, has_aux=has_aux), argnums=argnums,
        has_aux=has_aux)(*args),
    "jacrev_jacfwd": lambda t, fn, args, argnums, has_aux: t.func.jacrev(t.func.jacfwd(
        _scalar(t, fn, has_aux), argnums=argnums, has_aux=has_aux), argnums=argnums,
        has_aux=has_aux)(*args),
    "jvp_under_vmap": _jvp_under_vmap,
    "jvp_of_grad": _jvp_of_grad,
    "jacfwd_under_vmap": _jacfwd_under_vmap,
    "hessian_under_vmap": _hessian_under_vmap,
}


# Known gaps: layer_norm's double backward (vjp_of_composite in ops/normalization.py) takes
# no tangents and, under vmap, no per-sample gradient yet. (Beyond these, torch's own
# jacrev(jacfwd) of layer_norm is not symmetric: it disagrees with its hessian and with
# finite differences, so that case is no oracle.)
GAPS = {("layer_norm", t) for t in ("hessian", "jacfwd_jacrev", "jacrev_jacfwd", "jvp_of_grad",
                                    "hessian_under_vmap")}


def _case(fname, tname):
    fn, arrays, argnums, has_aux = FUNCS[fname]
    return lambda t: TRANSFORMS[tname](t, fn, [t.tensor(a) for a in arrays], argnums, has_aux)


@pytest.mark.parametrize("tname", list(TRANSFORMS))
@pytest.mark.parametrize("fname", list(FUNCS))
def test_forward_transform_against_torch(fname, tname):
    if (fname, tname) in GAPS:
        pytest.xfail("layer_norm's double backward: no tangents, no per-sample gradient yet")
    case = _case(fname, tname)
    want = observe(case, torch)
    got = observe(case, dyngrad)
    assert got == want

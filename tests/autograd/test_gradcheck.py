"""gradcheck and gradgradcheck against torch: the same good and deliberately wrong
functions through both, comparing verdicts, messages, warnings and the random stream
left behind; then gradgradcheck over every sample of the op table."""
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import dyngrad

from _oracle import params, run

sys.path.insert(0, str(Path(__file__).parents[1]))
from ops.test_op_table import SAMPLES  # noqa: E402
from ops.oracle import outputs_of  # noqa: E402

_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")


def _same_text(got, want):
    """Equal up to the numbers, and the numbers equal to 6 significant digits: the fast
    mode's scalars are sums whose last bits follow the order of summation."""
    assert _NUMBER.sub("#", got) == _NUMBER.sub("#", want), f"\n{want}\n!=\n{got}"
    np.testing.assert_allclose([float(v) for v in _NUMBER.findall(got)],
                               [float(v) for v in _NUMBER.findall(want)], rtol=1e-6, atol=1e-12)


def _check(case):
    want, got = run(case, torch), run(case, dyngrad)
    for key in ("result", "printed", "warnings"):
        assert got[key] == want[key], f"{key}:\n torch:   {want[key]}\n dyngrad: {got[key]}"
    assert (got["error"] is None) == (want["error"] is None), (want["error"], got["error"])
    if want["error"] is not None:
        assert got["error"][0] == want["error"][0]
        _same_text(got["error"][1], want["error"][1])


def _inputs(torch, dtype=None):
    dtype = dtype or torch.float64
    torch.manual_seed(0)
    x = torch.tensor([[0.3, -1.2, 2.0], [0.5, 0.7, -0.1]], dtype=dtype, requires_grad=True)
    y = torch.tensor([1.5, -0.5, 0.25], dtype=dtype, requires_grad=True)
    return x, y


def _good(x, y):
    return (x.exp() * y).sin(), (x ** 2).sum(1)


def _scaled_grad(x, y):
    # a wrong gradient without a custom Function: a hook scales what flows back
    z = x * y
    z.register_hook(lambda g: g * 1.5)
    return z.sin()


def _noisy_grad(torch):
    def f(x):
        z = x.exp()
        z.register_hook(lambda g: g + torch.rand(g.shape, dtype=g.dtype) * 1e-3)
        return z
    return f


def _constant_grad(x):
    # the gradient does not scale with grad_output
    z = x * 2
    z.register_hook(lambda g: g + 1)
    return z


def _tail(torch):
    return torch.randn(3).tolist()  # the random stream left behind


def _gc(torch, func, inputs, **kw):
    r = torch.autograd.gradcheck(func, inputs, **kw)
    return r, _tail(torch)


def _ggc(torch, func, inputs, **kw):
    r = torch.autograd.gradgradcheck(func, inputs, **kw)
    return r, _tail(torch)


def _both_modes(name, body):
    """Two cases (slow and fast mode) from one body(torch, fast_mode)."""
    for fast in (False, True):
        def case(torch, fast=fast):
            return body(torch, fast)
        case.__name__ = f"case_{name}_{'fast' if fast else 'slow'}"
        globals()[case.__name__] = case


_both_modes("good", lambda t, f: _gc(t, _good, _inputs(t), fast_mode=f))
_both_modes("good_batched", lambda t, f: _gc(t, _good, _inputs(t), fast_mode=f,
                                             check_batched_grad=True))
_both_modes("scaled", lambda t, f: _gc(t, _scaled_grad, _inputs(t), fast_mode=f))
_both_modes("scaled_no_raise", lambda t, f: _gc(t, _scaled_grad, _inputs(t), fast_mode=f,
                                                raise_exception=False))
_both_modes("scaled_loose", lambda t, f: _gc(t, _scaled_grad, _inputs(t), fast_mode=f,
                                             rtol=0.6, atol=0.3))
_both_modes("float32", lambda t, f: _gc(t, lambda x: x * 2, _inputs(t, t.float32)[0],
                                        fast_mode=f))
_both_modes("float32_eps", lambda t, f: _gc(t, lambda x: x * 2, _inputs(t, t.float32)[0],
                                            fast_mode=f, eps=1e-2, atol=1e-3))
_both_modes("noisy", lambda t, f: _gc(t, _noisy_grad(t), _inputs(t)[0], fast_mode=f))
_both_modes("noisy_tolerated", lambda t, f: _gc(t, _noisy_grad(t), _inputs(t)[0], fast_mode=f,
                                                nondet_tol=1e-2, atol=1e-2))
_both_modes("constant_grad", lambda t, f: _gc(t, _constant_grad, _inputs(t)[0], fast_mode=f,
                                              atol=2.0))
_both_modes("constant_grad_masked", lambda t, f: _gc(t, _constant_grad, _inputs(t)[0],
                                                     fast_mode=f, atol=2.0, masked=True))
_both_modes("no_input_requires_grad", lambda t, f: _gc(t, lambda x: x * 2,
                                                       _inputs(t)[0].detach(), fast_mode=f))
_both_modes("stride_0", lambda t, f: _gc(t, lambda x: x * 2,
                                         _inputs(t)[1].detach().expand(2, 3).requires_grad_(),
                                         fast_mode=f))
_both_modes("no_differentiable_output", lambda t, f: _gc(t, lambda x: x.detach() * 2,
                                                         _inputs(t)[0], fast_mode=f))
_both_modes("no_differentiable_output_constant", lambda t, f: _gc(
    t, lambda x: (x > 0).double() * 2, _inputs(t)[0], fast_mode=f))
_both_modes("output_shape_changes", lambda t, f: _gc(t, lambda x: x[x > 0.3],
                                                     _inputs(t)[0], fast_mode=f))
_both_modes("mixed_inputs", lambda t, f: _gc(
    t, lambda x, k, y: (x * k + y.detach(), y.sum()),
    (_inputs(t)[0], 3, _inputs(t)[1].detach().requires_grad_()), fast_mode=f))
_both_modes("input_list_0d", lambda t, f: _gc(
    t, lambda a, b: a * b.exp(), [t.tensor(1.5, dtype=t.float64, requires_grad=True),
                                   t.tensor(-0.5, dtype=t.float64, requires_grad=True)],
    fast_mode=f))
_both_modes("unused_input", lambda t, f: _gc(t, lambda x, y: x.sin(), _inputs(t), fast_mode=f))
_both_modes("multi_output_view", lambda t, f: _gc(t, lambda x: x.unbind(1), _inputs(t)[0],
                                                  fast_mode=f))
_both_modes("undefined_one_output", lambda t, f: _gc(t, lambda x: x.split([1, 2], 1),
                                                     _inputs(t)[0], fast_mode=f))
_both_modes("grad_dtypes", lambda t, f: _gc(t, lambda x: x.float() * 2, _inputs(t)[0],
                                            fast_mode=f, check_grad_dtypes=True, atol=1e-3))
_both_modes("gradgrad", lambda t, f: _ggc(t, _good, _inputs(t), fast_mode=f))
_both_modes("gradgrad_scaled", lambda t, f: _ggc(t, _scaled_grad, _inputs(t), fast_mode=f))
_both_modes("gradgrad_noncontig", lambda t, f: _ggc(t, _good, _inputs(t), fast_mode=f,
                                                    gen_non_contig_grad_outputs=True))
_both_modes("gradgrad_batched", lambda t, f: _ggc(t, _good, _inputs(t), fast_mode=f,
                                                  check_batched_grad=True))
_both_modes("gradgrad_given_grads", lambda t, f: _ggc(
    t, lambda x: x ** 3, _inputs(t)[1],
    grad_outputs=t.tensor([1.0, -2.0, 0.5], dtype=t.float64), fast_mode=f))


def _functions(torch):
    """Custom Functions: a wrong derivative, and backwards that mishandle undefined
    (None) output gradients."""
    class BadExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y * 1.01

    class RefusesUndefined(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            if ga is None or gb is None:
                raise RuntimeError("an undefined gradient")
            return ga * 2 + gb * 3

    class InventsGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return torch.ones(2, dtype=torch.float64) if g is None else g * 2

    class RefusesUndefinedOne(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            if g is None:
                raise RuntimeError("an undefined gradient")
            return g * 2

    return BadExp, RefusesUndefined, InventsGradient, RefusesUndefinedOne


_both_modes("function_wrong_backward", lambda t, f: _gc(t, _functions(t)[0].apply, _inputs(t)[1],
                                                        fast_mode=f))
_both_modes("function_refuses_undefined", lambda t, f: _gc(
    t, _functions(t)[1].apply, _inputs(t)[1][:2], fast_mode=f))
_both_modes("function_invents_gradient", lambda t, f: _gc(
    t, _functions(t)[2].apply, _inputs(t)[1][:2], fast_mode=f))
_both_modes("function_refuses_undefined_one", lambda t, f: _gc(
    t, _functions(t)[3].apply, _inputs(t)[1][:2], fast_mode=f))
_both_modes("gradgrad_function", lambda t, f: _ggc(t, _functions(t)[0].apply, _inputs(t)[1],
                                                   fast_mode=f))


def _complex_input(torch):
    return torch.tensor([1 + 2j, 0.5 - 1j], dtype=torch.complex128, requires_grad=True)


def _scaled_complex(z):
    w = z * z
    w.register_hook(lambda g: g * 1.2)
    return w.abs()


def case_complex_input(torch):
    return _gc(torch, lambda z: (z * z).abs(), _complex_input(torch))


def case_complex_and_real_inputs(torch):
    return _gc(torch, lambda z, x: (z.exp() * x).abs().sum(), (_complex_input(torch),
                                                                 _inputs(torch)[1]))


def case_complex_input_scaled(torch):
    return _gc(torch, _scaled_complex, _complex_input(torch))


def case_flags_backward_off(torch):
    return torch.autograd.gradcheck(_good, _inputs(torch), check_backward_ad=False)


def case_flags_batched_without_backward(torch):
    return torch.autograd.gradcheck(_good, _inputs(torch), check_batched_grad=True,
                                     check_backward_ad=False, check_forward_ad=True)


def case_flags_batched_forward_without_forward(torch):
    return torch.autograd.gradcheck(_good, _inputs(torch), check_batched_forward_grad=True)


def case_flags_gradgrad_nothing(torch):
    return torch.autograd.gradgradcheck(_good, _inputs(torch), check_rev_over_rev=False)


def case_flags_gradgrad_undefined_without_rev(torch):
    return torch.autograd.gradgradcheck(_good, _inputs(torch), check_rev_over_rev=False,
                                        check_fwd_over_rev=True)


def case_flags_gradgrad_batched_without_rev(torch):
    return torch.autograd.gradgradcheck(_good, _inputs(torch), check_rev_over_rev=False,
                                        check_fwd_over_rev=True, check_undefined_grad=False,
                                        check_batched_grad=True)


def _wrong_jvp(torch):
    class WrongJvp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def jvp(ctx, t):
            return t * 3
    return WrongJvp


# torch scripts a helper of its forward-mode check on first use, with a deprecation
# warning that is not the check's: run it once here, so the cases compare the check alone.
# (Slow mode only: dyngrad checks forward mode in fast mode as it does in slow mode.)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    torch.autograd.gradcheck(torch.sin, torch.ones(1, dtype=torch.float64, requires_grad=True),
                             check_forward_ad=True, fast_mode=True)


def case_forward_ad(torch):
    return _gc(torch, _good, _inputs(torch), check_forward_ad=True)


def case_forward_ad_only(torch):
    return _gc(torch, _good, _inputs(torch), check_forward_ad=True, check_backward_ad=False)


def case_forward_ad_wrong_jvp(torch):
    return _gc(torch, _wrong_jvp(torch).apply, _inputs(torch)[1], check_forward_ad=True)



_both_modes("gradgrad_fwd_over_rev", lambda t, f: _ggc(t, _good, _inputs(t), fast_mode=f,
                                                       check_fwd_over_rev=True))


def case_error_class(torch):
    from importlib import import_module
    E = import_module(torch.__name__ + ".autograd.gradcheck").GradcheckError
    try:
        torch.autograd.gradcheck(_scaled_grad, _inputs(torch))
    except E as e:
        return E.__name__, E.__mro__[1].__name__, isinstance(e, RuntimeError)


@pytest.mark.parametrize("case", params(globals()))
def test_against_torch(case):
    _check(case)


def test_complex_outputs_and_fast_complex_are_not_there_yet():
    z = _complex_input(dyngrad)
    with pytest.raises(NotImplementedError, match="complex outputs"):
        dyngrad.autograd.gradcheck(lambda z: z * 2, z)
    with pytest.raises(NotImplementedError, match="complex inputs"):
        dyngrad.autograd.gradcheck(lambda z: z.abs(), z, fast_mode=True)


def test_inputs_are_left_as_they_were():
    x, y = _inputs(dyngrad)
    before = x.detach().clone()
    with pytest.raises(RuntimeError):
        dyngrad.autograd.gradcheck(_scaled_grad, (x, y))
    assert x._version == 0 and x.grad is None and bool((x == before).sum() == 6)


# -- gradgradcheck over the op table ----------------------------------------------------
# Cases whose call keeps state between calls (the leaf's .grad accumulates): finite
# differences of them mean nothing.
_STATEFUL = {"accumulate_create_graph"}
# Whole Jacobians (the slow mode) for small cases; above this many input elements, the
# fast mode's one number per pair (the norms' cases would take seconds each)
SLOW_MAX = 12
_KNOWN = {}
TABLE = [pytest.param(call, arrays, id=f"{op.name or 'nograd'}-{cid}", marks=_KNOWN.get(cid, ()))
         for op, cases in SAMPLES.items() for cid, call, arrays in cases
         if cid not in _STATEFUL and any(isinstance(a, np.ndarray) and a.dtype.kind == "f"
                                         for a in arrays)]


def _float64(lib, arrays):
    return [lib.tensor(a.astype(np.float64), requires_grad=True) if a.dtype.kind == "f"
            else lib.tensor(a) for a in arrays]


def _differentiable_outputs(lib, call):
    def f(*xs):
        return tuple(o for o in outputs_of(call(lib, *xs))
                     if o.requires_grad and o.dtype.is_floating_point)
    return f


@pytest.mark.parametrize("call, arrays", TABLE)
def test_gradgradcheck_op_table(call, arrays):
    # dyngrad's verdict is torch's (a kink at a sample point fails both, a derivative
    # torch lacks raises in both), and true where torch's is. The slow mode's analytical
    # Jacobian runs the double backward without create_graph: formulas on arrays
    verdicts = []
    fast = sum(a.size for a in arrays if a.dtype.kind == "f") > SLOW_MAX
    for lib in (torch, dyngrad):
        # float64 throughout, the tensors a call makes itself included
        lib.set_default_dtype(lib.float64)
        try:
            verdicts.append(_gradgradcheck(lib, call, arrays, fast))
        finally:
            lib.set_default_dtype(lib.float32)
    assert verdicts[1] == verdicts[0]


def _gradgradcheck(lib, call, arrays, fast):
    f = _differentiable_outputs(lib, call)
    xs = _float64(lib, arrays)
    try:
        if not f(*xs):
            return None  # nothing differentiable comes out (comparisons, integer results)
        lib.manual_seed(0)
        return lib.autograd.gradgradcheck(f, xs, raise_exception=False, fast_mode=fast)
    except RuntimeError as e:  # a derivative torch does not have (hardsigmoid's)
        return type(e).__name__, str(e)

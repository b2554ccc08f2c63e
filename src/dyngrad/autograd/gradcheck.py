"""torch.autograd.gradcheck: the gradients autograd computes, checked against finite
differences (``gradcheck``), and the gradients of those gradients (``gradgradcheck``).

The slow mode compares whole Jacobians: numerically one column per input element (a
central difference), analytically one row per output element (a backward with that
element's basis vector). The fast mode compares one number per (input, output) pair,
``v^T J u`` for random unit vectors ``u`` and ``v`` drawn from a fresh Generator (so the
user's random stream is untouched and the numbers are torch's), and on a mismatch
recomputes the pair in the slow mode for the message.

The Jacobians themselves come from _jacobians.py.

    >>> x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(lambda x: x.exp() * x, x)
    True
"""
import warnings

from .. import creation
from .._dtype import complex128, float64, promote_types
from ..ops import torch_shape
from ..random import Generator, rand, randn_like
from ..tensor import Tensor
from . import engine, grad as _grad
from ._jacobians import (analytical_jacobians, as_tuple, forward_jacobians, is_float, iter_tensors,
                         numerical_jacobians, numerical_jvps)
from .graph import get_gradient_edge
from .grad_mode import no_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Error raised by :func:`gradcheck` and :func:`gradgradcheck`."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check the gradients of ``func`` at ``inputs`` (those that require grad) against
    finite differences: True when they agree, else a GradcheckError (or False with
    ``raise_exception=False``). The defaults are meant for float64 inputs.

    >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(torch.sin, x, fast_mode=True)
    True
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad "
                             "to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be "
                             "True")
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError("Setting check_batched_forward_grad=True requires check_forward_ad "
                             "to be True")
    try:
        if check_backward_ad:
            _check(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad,
                   check_grad_dtypes, check_batched_grad, fast_mode, masked)
        if check_forward_ad:
            _forward_check(func, as_tuple(inputs), eps, atol, rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the function ``(inputs, grad_outputs) -> gradients of func``: checks
    second derivatives. Without ``grad_outputs``, random ones in [-1, 1) are drawn from
    the default generator, as torch draws them.

    >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradgradcheck(lambda x: x ** 3, x)
    True
    """
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev "
                             "to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to "
                             "be True")
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_batched_grad=True requires check_rev_over_rev to be "
                             "True")
    inputs = as_tuple(inputs)
    if grad_outputs is None:
        outputs = _differentiable(func(*inputs))
        grad_outputs = tuple(_random_grad_output(o, gen_non_contig_grad_outputs)
                             for o in outputs)
    else:
        grad_outputs = as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_inputs = {i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad}
    diff_grads = {i for i, g in enumerate(grad_outputs) if g.requires_grad}

    def gradients(*args):
        # (gradcheck hands the inputs over as they are: their requires_grad holds)
        ins = tuple(x.requires_grad_() if i in diff_inputs else x
                    for i, x in enumerate(args[:-n_out]))
        outs = _differentiable(func(*ins))
        gos = tuple(g.requires_grad_() if i in diff_grads else g
                    for i, g in enumerate(args[-n_out:]))
        wrt = tuple(x for i, x in enumerate(ins) if i in diff_inputs)
        grads = _grad(outs, wrt, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(gradients, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     fast_mode=fast_mode, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, masked=masked)


def _random_grad_output(like, noncontiguous):
    """torch.testing.make_tensor(like.shape, low=-1, high=1, requires_grad=True): uniform
    values from the default generator (a non-float output gets float64 ones)."""
    dtype = like.dtype if like.is_floating_point() or like.is_complex() else float64
    shape = tuple(like.shape)
    noncontiguous = noncontiguous and like.numel() > 1
    if noncontiguous:  # twice as wide, then every other element (from the second)
        shape = shape[:-1] + (2 * shape[-1],)
    g = creation.empty(shape, dtype=dtype).uniform_(-1, 1)
    if noncontiguous:
        g = g[..., 1::2]
    return g.requires_grad_()


# -- the check --------------------------------------------------------------------------
def _check(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes,
           check_batched_grad, fast_mode, masked):
    inputs = as_tuple(inputs)
    _check_inputs(inputs)
    func_out = func(*inputs)
    outputs = _differentiable(func_out)
    # (complex outputs are checked by torch as their real and imaginary parts, which
    # dyngrad's tensors do not have yet; the fast mode's complex vectors are not there yet)
    if any(isinstance(o, Tensor) and o.is_complex() for o in as_tuple(func_out)):
        raise NotImplementedError("gradcheck: functions with complex outputs are not "
                                  "supported by dyngrad's gradcheck yet.")
    if fast_mode and any(t.is_complex() for t in iter_tensors(inputs)):
        raise NotImplementedError("gradcheck: fast_mode=True with complex inputs is not "
                                  "supported by dyngrad's gradcheck yet.")
    if fast_mode:
        _fast_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes,
                    nondet_tol)
    else:
        _slow_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes,
                    nondet_tol)
    if check_batched_grad:
        for i, o in enumerate(outputs):
            _check_batched_grad(inputs, o, i)
    _check_backward_multiplies_grad(outputs, inputs, masked)
    if check_undefined_grad:
        _check_undefined_grads(func, outputs, inputs)


def _differentiable(out):
    return tuple(o for o in as_tuple(out) if o.requires_grad)


def _check_inputs(inputs):
    found = False
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.dtype is not float64 and x.dtype is not complex128:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point or complex. This check will likely fail if all the inputs are "
                          "not of double precision floating point or complex. ", stacklevel=4)
        if not all(st > 0 or sz <= 1 for st, sz in zip(x.stride(), x.size())):
            raise RuntimeError(f"The {i}th input has a dimension with stride 0. gradcheck only "
                               "supports inputs that are non-overlapping to be able to compute "
                               "the numerical gradients correctly. You should call .contiguous "
                               "on the input before passing it to gradcheck.")
        found = True
    if not found:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of them have requires_grad=True.")


def _all(mask):
    return int(mask.sum()) == mask.numel()


def _allclose(a, b, rtol, atol):
    """torch.allclose after promoting both to one dtype (nan is never close)."""
    if a.dtype is not b.dtype:
        dtype = promote_types(a.dtype, b.dtype)
        a, b = a.to(dtype), b.to(dtype)
    return _all((a - b).abs() <= atol + rtol * b.abs())


# -- analytical derivatives -------------------------------------------------------------
_NONDET_NOTE = """\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""


def _forward_check(func, inputs, eps, atol, rtol):
    """The Jacobians forward mode gives (one JVP per input element, through dual inputs)
    against finite differences, with torch's message for a mismatch."""
    _check_inputs(inputs)
    func_out = as_tuple(func(*inputs))
    numerical = numerical_jacobians(func, inputs, func_out, eps)
    by_output = [n for o, n in zip(func_out, zip(*numerical)) if o.requires_grad]
    analytical = forward_jacobians(func, inputs)
    for i, n_per_out in enumerate(by_output):
        for j, n in enumerate(n_per_out):
            a = analytical[j][i]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch(a, n, i, j, "computed with forward mode "))


def _analytical_jacobians(inputs, output, nondet_tol, check_grad_dtypes, v=None):
    """``analytical_jacobians``, computed twice: a backward that differs from itself, or
    gradients of the wrong size or dtype, are refused."""
    first, sizes_ok, types_ok = analytical_jacobians(inputs, output, v)
    second, _, _ = analytical_jacobians(inputs, output, v)
    reentrant = all(a.numel() == 0 or (a - b).abs().max() <= nondet_tol
                    for a, b in zip(first, second))
    # (torch reads its two flags in swapped order: a size mismatch is reported as a dtype
    # mismatch, and only when dtypes are checked; a dtype mismatch as a wrong size)
    if not sizes_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not types_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    if not reentrant:
        raise GradcheckError(
            "Backward is not reentrant, i.e., running backward with same input and grad_output "
            "multiple times gives different values, although analytical gradient matches "
            f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}." + _NONDET_NOTE)
    return first



def _mismatch(analytical, numerical, output_idx, input_idx, mode=""):
    return (f"Jacobian {mode}mismatch for output {output_idx:d} with respect to input "
            f"{input_idx:d},\nnumerical:{numerical}\nanalytical:{analytical}\n")


# -- slow and fast mode -----------------------------------------------------------------
def _slow_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes,
                nondet_tol):
    func_out = as_tuple(func_out)
    numerical = numerical_jacobians(func, inputs, func_out, eps)
    if not outputs:
        if any(int((jac != 0).sum()) > 0 for per_input in numerical for jac in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    by_output = list(zip(*numerical))
    by_output = [n for o, n in zip(func_out, by_output) if o.requires_grad]
    for i, o in enumerate(outputs):
        analytical = _analytical_jacobians(inputs, o, nondet_tol, check_grad_dtypes)
        for j, (a, n) in enumerate(zip(analytical, by_output[i])):
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch(a, n, i, j))


def _unit_vector(like, generator):
    """A random vector of like's size, uniform then normalised, in like's dtype."""
    vec = rand(like.numel(), generator=generator).to(dtype=like.dtype)
    vec /= vec.norm()
    return vec


_FAST_FAIL_SLOW_OK = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
""".strip()


def _fast_check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes,
                nondet_tol):
    idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    generator = Generator()  # a fresh one: torch's numbers, the user's stream untouched
    us = [_unit_vector(inputs[i], generator) for i in idx]
    vs = [_unit_vector(o, generator) for o in outputs]
    func_out = as_tuple(func_out)
    numerical = []  # [input][output]: v . (J u)
    for i, u in zip(idx, us):
        jvps = numerical_jvps(func, inputs, i, u, eps)
        jvps = [jvp for jvp, o in zip(jvps, func_out) if is_float(o)]
        numerical.append([(v * jvp).sum() for v, jvp in zip(vs, jvps)])
    if not outputs:  # (the differences again, as torch computes them)
        for i, u in zip(idx, us):
            for jvp in numerical_jvps(func, inputs, i, u, eps):
                if jvp.numel() and (jvp - creation.zeros_like(jvp)).abs().max() > nondet_tol:
                    raise GradcheckError("Numerical gradient for function expected to be zero")
    analytical = []  # [output][input]: (v^T J) . u
    for o, v in zip(outputs, vs):
        rows = _analytical_jacobians(inputs, o, nondet_tol, check_grad_dtypes, v)
        analytical.append([vj.T.squeeze(0).dot(u) for vj, u in zip(rows, us)])
    for i, per_output in enumerate(numerical):
        for j, n in enumerate(per_output):
            a = analytical[j][i]
            tol = atol * float(us[i].sum()) * float(vs[j].sum())
            if not _allclose(a, n, rtol, tol):
                raise GradcheckError(_mismatch(a, n, j, i) + _slow_details(
                    func, inputs, outputs, i, j, rtol, atol, eps))


def _slow_details(func, inputs, outputs, i, j, rtol, atol, eps):
    """The message's second part: the pair's Jacobians recomputed in the slow mode."""
    numerical = numerical_jacobians(func, inputs, outputs, eps)[i][j]
    analytical = _analytical_jacobians(inputs, outputs[j], float("inf"), False)[i]
    max_diff = (numerical - analytical).abs().max()
    msg = ("\nThe above quantities relating the numerical and analytical jacobians are computed "
           "\nin fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more "
           "background \nabout fast mode. Below, we recompute numerical and analytical "
           "jacobians in slow mode:\n\n"
           f"Numerical:\n {numerical}\nAnalytical:\n{analytical}\n\n"
           f"The max per-element difference (slow mode) is: {max_diff}.\n")
    if analytical.dtype is not numerical.dtype:  # torch.allclose does not promote
        raise RuntimeError(f"{analytical.dtype._legacy[:-6]} did not match "
                           f"{numerical.dtype._legacy[:-6]}")
    if _allclose(analytical, numerical, rtol, atol):
        msg += _FAST_FAIL_SLOW_OK
    return msg


# -- the other checks -------------------------------------------------------------------
_BATCHED_FAILED = """
gradcheck or gradgradcheck failed while testing batched gradient computation.
This could have been invoked in a number of ways (via a test that calls
gradcheck/gradgradcheck directly or via an autogenerated test).

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `check_batched_grad=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `check_batched_grad=False` and/or `check_batched_gradgrad=False`.

If you're modifying an existing operator that supports batched grad computation,
or wish to make a new operator work with batched grad computation, please read
the following.

To compute batched grads (e.g., jacobians, hessians), we vmap over the backward
computation. The most common failure case is if there is a 'vmap-incompatible
operation' in the backward pass. Please see
NOTE: [How to write vmap-compatible backward formulas]
in the codebase for an explanation of how to fix this.
""".strip()


def _check_batched_grad(inputs, output, output_idx):
    """Two backwards with random gradients against one with both as a batch
    (``is_grads_batched``, where torch vmaps; the random ones come from the default
    generator, as torch's)."""
    wrt = list(iter_tensors(inputs, True))

    def filled(grads, batch=()):
        return tuple(g if g is not None else creation.zeros([], dtype=x.dtype).expand(
            batch + tuple(x.shape)) for g, x in zip(grads, wrt))

    grad_outputs = [randn_like(output) for _ in range(2)]
    expected = [filled(_grad(output, wrt, g, retain_graph=True, allow_unused=True))
                for g in grad_outputs]
    expected = [torch_shape.stack(shards) for shards in zip(*expected)]
    try:
        result = filled(_grad(output, wrt, torch_shape.stack(grad_outputs), retain_graph=True,
                              allow_unused=True, is_grads_batched=True), (2,))
    except RuntimeError as ex:
        raise GradcheckError(f"While computing batched gradients, got: {ex}\n\n"
                             f"{_BATCHED_FAILED}") from ex
    for input_idx, (res, exp) in enumerate(zip(result, expected)):
        if not _allclose(res, exp, 1e-05, 1e-08):
            raise GradcheckError(f"For output {output_idx} and input {input_idx}:\n\n"
                                 f"{_BATCHED_FAILED}\n\nGot:\n{res}\n\nExpected:\n{exp}")


def _check_backward_multiplies_grad(outputs, inputs, masked):
    """With zero output gradients, the input gradients must be zeros of the right kind."""
    wrt = list(iter_tensors(inputs, True))
    if not wrt:
        raise GradcheckError("no Tensors requiring grad found in input")
    grads = _grad(outputs, wrt, [creation.zeros_like(o) for o in outputs], allow_unused=True)
    for g, x in zip(grads, wrt):
        if g is None:
            continue
        zero = (_allclose(g, creation.zeros_like(g), 1e-05, 1e-08) if masked
                else _all(g.eq(0)))
        if not zero:
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype != x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.size() != x.size():
            raise GradcheckError("grad is incorrect size")


def _check_undefined_grads(func, outputs, inputs):
    """Backward with undefined (None) gradients for all the outputs, then for one at a
    time, must work and give None or zeros. The engine takes a None root gradient as
    undefined: what torch's UndefinedGrad node hands on."""
    wrt = list(iter_tensors(inputs, True))
    if not wrt:
        raise GradcheckError("no Tensors requiring grad found in input")

    def bc_warning():
        warnings.warn("Backwards compatibility: New undefined gradient support checking feature "
                      "is enabled by default, but it may break existing callers of this "
                      "function. If this is true for you, you can call this function with "
                      '"check_undefined_grad=False" to disable the feature', stacklevel=5)

    def check(outs, undefined):
        roots = [get_gradient_edge(o)[:2] for o in outs]
        root_grads = [None if k in undefined else creation.zeros_like(o)._data
                      for k, o in enumerate(outs)]
        try:
            with no_grad():
                grads = engine.run_backward(roots, root_grads, False, False,
                                            [get_gradient_edge(x)[:2] for x in wrt], False)
        except RuntimeError as e:
            bc_warning()
            raise GradcheckError('Expected backward function to handle undefined output grads. '
                                 'Please look at "Notes about undefined output gradients" in '
                                 '"tools/autograd/derivatives.yaml"') from e
        for g in grads:
            if g is not None and not bool((getattr(g, "_data", g) == 0).all()):
                bc_warning()
                raise GradcheckError(
                    "Expected all input grads to be undefined or zero when all output grads are "
                    'undefined or zero. Please look at "Notes about undefined output gradients" '
                    'in "tools/autograd/derivatives.yaml"')

    outs = [o for o in _differentiable(func(*inputs)) if isinstance(o, Tensor)]
    check(outs, set(range(len(outs))))
    if len(outs) > 1:
        for k in range(len(outputs)):
            check(list(_differentiable(func(*inputs))), {k})

"""Forward mode with complex values: each sample of test_op_table.py whose op torch runs
on complex inputs, run again with complex primals and complex tangents.

Tangents are compared with torch's forward AD (values and dtypes) and, in complex128, with
central differences along the tangent: a derivative of complex values is R-linear, so the
difference quotient is the JVP of holomorphic and non-holomorphic functions alike (``abs``,
``conj``, ``real``). Gradients of a real loss are compared with torch's (conjugate
Wirtinger convention): the transposed forward rules are built from them.
"""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

from . import samples_nn
from .forward_oracle import (assert_same_forward, assert_tangents_are_differences,
                             dual_inputs, run_forward, tangent_array)
from .oracle import outputs_of, weights
from .test_op_jvp import TORCH_HAS_NO_TANGENT, TORCH_TANGENT_IS_NOT_THE_DERIVATIVE
from .test_op_table import AT_A_KINK, NEEDS_GRAD, SAMPLES

_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


def _complex(a, k):
    """A float sample made complex: its values as real parts, distinct imaginary parts."""
    if not (isinstance(a, np.ndarray) and a.dtype.kind == "f"):
        return a
    return np.asarray(a + 1j * (weights(a.shape, k + 5) - 0.9)).astype(_COMPLEX[a.dtype])


def _complex_tangent(a, k):
    return np.asarray(tangent_array(a.real, k) + 1j * (weights(a.shape, k + 2) - 0.7)
                      ).astype(a.dtype)


def _inputs(lib, arrays, grad=False):
    return dual_inputs(lib, arrays, grad=grad, kind="c")


def _numpy(t):
    return t.detach().resolve_conj().numpy().copy()


def _torch_takes_complex(call, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(torch, *_inputs(torch, arrays))
        except Exception:  # noqa: BLE001 - torch refusing complex inputs is the answer
            return False
    return True


# where torch's own forward rule disagrees with its backward, which dyngrad's rule follows
# (and TORCH_TANGENT_IS_NOT_THE_DERIVATIVE, test_op_jvp.py); none at present (a zero base
# to a complex power: torch's backward is nan off the real axis too, as dyngrad's now)
_KNOWN = {}
# where torch's complex gradient (not its forward rule) is not the derivative
_KNOWN_GRADIENTS = {"RenormBackward0-renorm_inf": (
    "torch's gradient is nan where it scales: its renorm_backward takes the inf-norm in the "
    "complex accumulate type, which no |z| equals; dyngrad gives the derivative")}


def _complex_cases(select):
    """The cases ``select`` picks that have a float input, made complex, where torch's op
    takes them."""
    out = []
    for op, cases in SAMPLES.items():
        for cid, call, arrays in cases:
            if op.name is None or cid in NEEDS_GRAD or not select(op, cid) or not any(
                    isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in arrays):
                continue
            arrays = [_complex(a, k) for k, a in enumerate(arrays)]
            if _torch_takes_complex(call, arrays):
                name = f"{op.name}-{cid}"
                out.append(pytest.param(call, arrays, id=name, marks=_KNOWN.get(name, ())))
    return out


# samples holding infinities, made complex, multiply infinite parts: torch's complex
# products there follow C's rules (a NaN part here, an infinite one there) and NumPy's its
# own, so the products' values already differ (complex infinities are not compared)
_INFINITE = {"cumprod_zeros_inf", "cumprod_zeros_inf_mid"}
CASES = _complex_cases(lambda op, cid: cid not in TORCH_HAS_NO_TANGENT | _INFINITE)
# finite differences where the derivative is defined: away from kinks, and not through an
# op whose derivative torch (and so dyngrad) writes for real values only (silu's forward
# rule is not its derivative at complex points)
FD = _complex_cases(lambda op, cid: op.real_grad_only is None and cid not in AT_A_KINK
                    and cid not in TORCH_HAS_NO_TANGENT
                    and cid not in samples_nn.NO_FINITE_DIFF and op.jvp is not None)


@pytest.mark.parametrize("call, arrays", [p for p in CASES if p.id.split("-", 1)[1]
                                          not in TORCH_TANGENT_IS_NOT_THE_DERIVATIVE])
def test_complex_jvp_against_torch(call, arrays):
    assert_same_forward(call, arrays, "c", _complex_tangent)


@pytest.mark.parametrize("call, arrays", FD)
def test_complex_jvp_finite_differences(call, arrays):
    arrays = [a.astype(np.complex128) if isinstance(a, np.ndarray) and a.dtype.kind == "c"
              else a for a in arrays]
    got = run_forward(dyngrad, call, arrays, "c", _complex_tangent)
    assert not isinstance(got, tuple), f"dyngrad raised {got}"
    assert_tangents_are_differences(got, call, arrays, "c", _complex_tangent)


def _gradients(lib, call, arrays):
    """The gradients of ``sum(Re(conj(w) out))`` (a real loss) in the complex inputs, or
    the error raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            xs = _inputs(lib, arrays, grad=True)
            terms = []
            for k, o in enumerate(outputs_of(call(lib, *xs))):
                if o.requires_grad and (o.dtype.is_complex or o.dtype.is_floating_point):
                    w = weights(tuple(o.shape), k)
                    w = lib.tensor(w + 1j * w[::-1] if o.dtype.is_complex else w, dtype=o.dtype)
                    terms.append((w.conj() * o).real.sum() if o.dtype.is_complex
                                 else (w * o).sum())
            wrt = [x for x in xs if isinstance(x, lib.Tensor) and x.requires_grad]
            if not terms:
                return []
            gs = lib.autograd.grad(sum(terms), wrt, allow_unused=True)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            return (type(e).__name__, str(e))
        return [None if g is None else _numpy(g) for g in gs]


@pytest.mark.parametrize("call, arrays", [
    p if p.id not in _KNOWN_GRADIENTS else pytest.param(
        *p.values, id=p.id, marks=pytest.mark.xfail(strict=True, reason=_KNOWN_GRADIENTS[p.id]))
    for p in CASES if p.id.split("-", 1)[1] not in AT_A_KINK])
def test_complex_gradients_against_torch(call, arrays):
    want = _gradients(torch, call, arrays)
    got = _gradients(dyngrad, call, arrays)
    if isinstance(want, tuple):
        assert got == want
        return
    assert not isinstance(got, tuple), f"dyngrad raised {got}"
    assert len(got) == len(want)
    for k, (w, g) in enumerate(zip(want, got)):
        assert (g is None) == (w is None), f"input {k}"
        if w is not None:
            assert g.dtype == w.dtype, f"input {k}"
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg=f"input {k}")

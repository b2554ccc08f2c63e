"""Forward mode run side by side: one sample call with dual inputs in torch or dyngrad, its
primals and tangents compared, and dyngrad's tangents against central differences.

``kind`` picks the inputs that get tangents: real floats ("f", tangents from
``tangent_array``) or complex values ("c", the complex tests' own ``tangent``); with "c",
complex outputs carry tangents too.
"""
import warnings

import numpy as np
import torch

import dyngrad

from .oracle import outputs_of, weights


def tangent_array(a, k):
    return (weights(a.shape, k) - 1.1).astype(a.dtype)


def _of_kind(a, kind):
    return isinstance(a, np.ndarray) and a.dtype.kind == kind


def dual_inputs(lib, arrays, fwAD=None, grad=False, kind="f", tangent=tangent_array):
    """The sample arrays as tensors: those of ``kind`` leaves (requiring grad if ``grad``),
    made dual with ``tangent(a, k)`` when a forward-AD module ``fwAD`` is given."""
    def leaf(a):
        return lib.tensor(a.copy(), requires_grad=grad)
    return [(fwAD.make_dual(leaf(a), lib.tensor(tangent(a, k))) if fwAD is not None else leaf(a))
            if _of_kind(a, kind) else lib.tensor(a.copy()) if isinstance(a, np.ndarray) else a
            for k, a in enumerate(arrays)]


def _numpy(t):
    return t.detach().resolve_conj().numpy().copy()


def run_forward(lib, call, arrays, kind="f", tangent=tangent_array):
    """The outputs' primals and tangents (zeros where none), or the error raised."""
    fwAD = lib.autograd.forward_ad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with fwAD.dual_level():
                res = []
                xs = dual_inputs(lib, arrays, fwAD, kind=kind, tangent=tangent)
                for o in outputs_of(call(lib, *xs)):
                    p, t = fwAD.unpack_dual(o)
                    p = _numpy(p)
                    if o.dtype.is_floating_point or (kind == "c" and o.dtype.is_complex):
                        t = np.zeros_like(p) if t is None else _numpy(t)
                    else:
                        t = None
                    res.append((p, t))
                return res
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            return (type(e).__name__, str(e))


def assert_same_forward(call, arrays, kind="f", tangent=tangent_array):
    """dyngrad's primals and tangents (values and dtypes) are torch's, or it raises as
    torch does."""
    want = run_forward(torch, call, arrays, kind, tangent)
    got = run_forward(dyngrad, call, arrays, kind, tangent)
    if isinstance(want, tuple):
        assert got == want
        return
    assert not isinstance(got, tuple), f"dyngrad raised {got}"
    assert len(got) == len(want)
    for k, ((pw, tw), (pg, tg)) in enumerate(zip(want, got)):
        assert pg.dtype == pw.dtype, f"primal {k}"
        np.testing.assert_allclose(pg, pw, rtol=1e-5, atol=1e-6, err_msg=f"primal {k}")
        if tw is not None:
            assert tg.dtype == tw.dtype, f"tangent {k}"
            np.testing.assert_allclose(tg, tw, rtol=1e-4, atol=1e-5, equal_nan=True,
                                       err_msg=f"tangent {k}")


def moved_along_tangent(lib, call, arrays, eps, kind="f", tangent=tangent_array):
    """The primals at ``arrays`` moved by +eps and -eps along the tangents."""
    return [[p for p, _ in run_forward(lib, call, [np.asarray(a + s * tangent(a, k))
                                                   if _of_kind(a, kind) else a
                                                   for k, a in enumerate(arrays)], kind, tangent)]
            for s in (eps, -eps)]


def assert_tangents_are_differences(got, call, arrays, kind="f", tangent=tangent_array):
    """dyngrad's tangents ``got`` (from run_forward) are its central differences."""
    eps = 1e-6
    plus, minus = moved_along_tangent(dyngrad, call, arrays, eps, kind, tangent)
    for k, (p, t) in enumerate(got):
        if t is not None:
            num = (plus[k] - minus[k]) / (2 * eps)
            np.testing.assert_allclose(t, num, rtol=1e-5, atol=1e-6, err_msg=f"output {k}")

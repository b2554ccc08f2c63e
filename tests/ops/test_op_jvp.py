"""Forward mode over the op table: every sample of test_op_table.py run with dual inputs.

Each case's tangents are compared with torch's forward AD (values, or the same error) and,
in float64, with central differences of the call along the tangent. Cases with a second
derivative also take it through forward mode, forward-over-reverse and reverse-over-forward,
against torch's.
"""
import warnings

import numpy as np
import pytest
import torch

import dyngrad
from dyngrad.linalg import householder, ldl, legacy
from dyngrad.ops import histogram
from dyngrad.ops import (activation_pointwise, attention, ctc_loss, embedding_bag, grid_sample,
                         distance, margin_loss, packed_sequence, pointwise as pw, rrelu,
                         sampling, sorting, conv, pixel_shuffle, special, weight_norm)
from dyngrad.ops import sparse as sp
from dyngrad.ops._table import ALL_OPS

from . import samples_indexing
from .forward_oracle import (assert_same_forward, assert_tangents_are_differences,
                             dual_inputs as _inputs, moved_along_tangent, run_forward,
                             tangent_array as _tangent_array)
from .oracle import outputs_of, weights
from .test_op_table import AT_A_KINK, NEEDS_GRAD, SAMPLES, samples_nn, samples_variants

# Ops torch has no forward rule for either: forward AD through them raises, naming the op.
# Each is checked against torch's message by test_unsupported_ops_raise_as_torch.
NO_JVP = {
    pw.floor_divide: "torch records a NotImplemented node: its backward raises too",
    pw.remainder_scalar_tensor: "as floor_divide: a NotImplemented node",
    sorting.unique_op: "torch's _unique2 has no forward formula",
    sorting.unique_dim_op: "torch's unique_dim has no forward formula",
    sorting.unique_consecutive_op: "torch's unique_consecutive has no forward formula",
    attention.flash_attention: "torch's CPU flash attention has no forward formula",
    attention.flash_attention_backward: "its backward, likewise",
    activation_pointwise.hardsigmoid_backward: "torch has no derivative of it at all",
    packed_sequence.pack_padded_sequence: "torch's _pack_padded_sequence has no forward formula",
    sampling.standard_gamma_op: "torch's _standard_gamma has no forward formula",
    sampling.standard_gamma_grad_op: "nor has _standard_gamma_grad",
    special.igamma: "torch's igamma has no forward formula",
    special.igammac: "nor has igammac",
    ldl.ldl_factor_op: "torch records a NotImplemented node for linalg_ldl_factor_ex",
    householder.geqrf_op: "torch's geqrf has no derivative at all",
    ldl.ldl_solve_op: "and for linalg_ldl_solve",
    embedding_bag.embedding_bag: "torch's _embedding_bag has no forward formula",
    margin_loss.multi_margin_loss: "torch's multi_margin_loss has no forward formula",
    margin_loss.multi_margin_loss_backward: "torch has no derivative of it at all",
    margin_loss.multilabel_margin_loss: "torch's multilabel_margin_loss_forward has none",
    margin_loss.multilabel_margin_loss_backward: "torch has no derivative of it at all",
    ctc_loss.ctc_loss: "torch's _ctc_loss has no forward formula",
    ctc_loss.ctc_loss_backward: "torch has no derivative of it at all",
    distance.cdist_op: "torch's _cdist_forward has no forward formula",
    distance.euclidean_dist: "torch's _euclidean_dist has no forward formula",
    distance.cdist_backward: "torch has no derivative of it at all",
    distance.pdist: "torch's _pdist_forward has no forward formula",
    distance.pdist_backward: "torch has no derivative of it at all",
    **{pw.INPLACE_BY_OPERAND[n][0]: f"torch's {n}_ has no forward formula (nor a backward)"
       for n in ("acosh", "asinh", "atanh")},
    rrelu.rrelu_with_noise_: "torch's in-place rrelu_with_noise_ has no forward formula",
    grid_sample.grid_sampler[2]: "torch's grid_sampler_2d has no forward formula",
    grid_sample.grid_sampler[3]: "torch's grid_sampler_3d has no forward formula",
    grid_sample.backward[2]: "torch's grid_sampler_2d_backward has no forward formula",
    grid_sample.backward[3]: "nor has grid_sampler_3d_backward",
    embedding_bag.embedding_bag_backward: "torch has no derivative of it at all",
    embedding_bag.per_sample_weights_backward: "torch records a NotImplemented node",
    **dict.fromkeys((histogram.histogram_op, histogram.bin_edges_op, histogram.from_bin_cts_op,
                     histogram.from_bin_tensors_op), "torch records NotImplemented nodes"),
    **samples_variants.NO_JVP, **samples_indexing.NO_JVP,
    legacy.cholesky_op: "torch's deprecated cholesky has no forward formula",
    householder.ormqr_op: "torch's ormqr has no forward formula",
    conv.conv_tbc: "torch's conv_tbc has no forward formula",
    pixel_shuffle.native_channel_shuffle: "torch records a NotImplemented node",
    weight_norm.weight_norm_interface: "torch's _weight_norm_interface has no forward formula",
    **dict.fromkeys((sp.sparse_coo_tensor_op, sp.to_sparse_op, sp.to_sparse_dim_op),
                    "torch has no forward formula for the ops that make sparse tensors"),
    **dict.fromkeys((sp.to_dense_op, sp.sparse_mask_op, sp.coalesce_op, sp.values_op,
                     sp.sparse_addmm_op, sp.sparse_sum_op, sp.sparse_softmax_op,
                     sp.sparse_log_softmax_op, sp.sparse_sum_backward_op,
                     sp.softmax_backward_op, sp.log_softmax_backward_op,
                     sp.mask_projection_op, sp.sparse_sparse_matmul_op, sp.matrix_mask_op),
                    "no forward AD reaches a sparse tensor (see the ops that make them)"),
}


def test_every_differentiable_op_has_a_forward_rule():
    # an op with a VJP needs a JVP beside it (ops/_jvp.py), or a reason here
    missing = [op.name for op in ALL_OPS
               if op.formulas and op.jvp is None and op not in NO_JVP]
    assert not missing, f"ops with a backward formula and no forward rule: {missing}"
    assert all(op.jvp is None for op in NO_JVP), "an op listed in NO_JVP has a rule now"


def _cases(select):
    return [pytest.param(call, arrays, id=f"{op.name}-{cid}")
            for op, cases in SAMPLES.items() if op.name is not None
            for cid, call, arrays in cases if select(cid)]


# where torch's tangents are not the derivative of its own forward (its rule uses all of A's
# tangent where the forward reads one triangle, or differs otherwise): dyngrad's tangents
# are checked by finite differences only, and torch's disagreement by the test below
TORCH_TANGENT_IS_NOT_THE_DERIVATIVE = {"triangular_solve", "triangular_solve_transpose",
                                       "cholesky_inverse", "cholesky_inverse_upper"}
# torch's tangent of binary_cross_entropy at a probability of exactly 0 or 1 is nan, and
# within its eps of them not the reverse mode's (its forward rule leaves the backward's
# denominator unclamped); dyngrad's rule is the clamped backward's: these are compared by
# reverse mode only (test_op_table)
TORCH_TANGENT_IS_NAN = {"bce_at_bounds_squared", "bce_near_bounds_squared"}
# torch's forward AD gives scatter_reduce(reduce='prod') no tangent at all (its jvp covers the
# other reductions); dyngrad's tangents there are its gradients transposed, unchecked here
TORCH_HAS_NO_TANGENT = {"scatter_reduce_prod_True", "scatter_reduce_prod_False",
                        "scatter_reduce_prod_zeros"}
JVP_CASES = _cases(lambda cid: cid not in NEEDS_GRAD | TORCH_TANGENT_IS_NOT_THE_DERIVATIVE
                   | TORCH_TANGENT_IS_NAN | TORCH_HAS_NO_TANGENT)
FD_CASES = _cases(lambda cid: cid not in NEEDS_GRAD and cid not in AT_A_KINK
                  and cid not in TORCH_HAS_NO_TANGENT
                  and cid not in samples_nn.NO_FINITE_DIFF)


@pytest.mark.parametrize("call, arrays", JVP_CASES)
def test_jvp_against_torch(call, arrays):
    assert_same_forward(call, arrays)


@pytest.mark.parametrize("call, arrays", _cases(lambda cid: cid in TORCH_TANGENT_IS_NOT_THE_DERIVATIVE))
def test_torch_tangent_differs_from_its_differences(call, arrays):
    arrays = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
              for a in arrays]
    tangents = [t for _, t in run_forward(torch, call, arrays)]
    moved = moved_along_tangent(torch, call, arrays, 1e-6)
    assert any(not np.allclose(t, (p - m) / 2e-6, rtol=1e-4, atol=1e-5)
               for t, p, m in zip(tangents, *moved) if t is not None)


@pytest.mark.parametrize("call, arrays", FD_CASES)
def test_jvp_finite_differences(call, arrays):
    arrays = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
              for a in arrays]
    got = run_forward(dyngrad, call, arrays)
    if isinstance(got, tuple):
        assert got[1].startswith("Trying to use forward AD with"), got
        return
    assert_tangents_are_differences(got, call, arrays)


def _loss_and_inputs(lib, call, xs):
    outs = [o for o in outputs_of(call(lib, *xs)) if o.dtype.is_floating_point and o.requires_grad]
    wrt = [x for x in xs if isinstance(x, lib.Tensor) and x.requires_grad]
    if not outs:
        return None, wrt
    return sum((o * lib.tensor(weights(tuple(o.shape), k), dtype=o.dtype)).sum()
               for k, o in enumerate(outs)), wrt


def _forward_over_reverse(call, arrays, lib=dyngrad):
    """Hessian-vector products by forward mode through the backward pass (the backward
    formulas' own forward rules): the tangents of the loss's gradients."""
    fwAD = lib.autograd.forward_ad
    with fwAD.dual_level():
        L, wrt = _loss_and_inputs(lib, call, _inputs(lib, arrays, fwAD, grad=True))
        if L is None:
            return []
        gs = lib.autograd.grad(L, wrt, allow_unused=True)
        return [None if g is None else _numpy_tangent(g, fwAD.unpack_dual(g).tangent)
                for g in gs]


def _reverse_over_forward(call, arrays, lib=dyngrad):
    """The same products by reverse mode through the tangents: the gradients of
    ``sum(w * tangent)`` (the forward rules' own graphs)."""
    fwAD = lib.autograd.forward_ad
    with fwAD.dual_level():
        xs = _inputs(lib, arrays, fwAD, grad=True)
        outs = [o for o in outputs_of(call(lib, *xs))
                if o.dtype.is_floating_point and o.requires_grad]
        wrt = [x for x in xs if isinstance(x, lib.Tensor) and x.requires_grad]
        terms = []
        for k, o in enumerate(outs):
            t = fwAD.unpack_dual(o).tangent
            if t is not None and t.requires_grad:
                terms.append((t * lib.tensor(weights(tuple(o.shape), k), dtype=t.dtype)).sum())
    if not terms:
        return [np.zeros(tuple(x.shape)) for x in wrt]
    hv = lib.autograd.grad(sum(terms), wrt, allow_unused=True)
    return [np.zeros(tuple(x.shape)) if h is None else h.numpy().copy()
            for x, h in zip(wrt, hv)]


def _numpy_tangent(g, t):
    return np.zeros(tuple(g.shape)) if t is None else t.detach().numpy().copy()


def _reverse_over_reverse(lib, call, arrays):
    """Hessian-vector products by two reverse passes: torch's (which has no forward rule
    for some backward formulas, silu_backward or logit_backward, that dyngrad has), or
    dyngrad's where torch has no second derivative either (hardsigmoid)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch = lib
        xs = _inputs(torch, arrays, grad=True)
        L, wrt = _loss_and_inputs(torch, call, xs)
        if L is None:
            return []
        gs = torch.autograd.grad(L, wrt, create_graph=True, allow_unused=True)
        vs = [torch.tensor(_tangent_array(a, k)) for k, a in enumerate(arrays)
              if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
        terms = [(g * v).sum() for g, v in zip(gs, vs) if g is not None and g.requires_grad]
        if not terms:
            return [None if g is None else np.zeros(tuple(g.shape)) for g in gs]
        hv = torch.autograd.grad(sum(terms), wrt, allow_unused=True)
        return [None if g is None else np.zeros(tuple(g.shape)) if h is None
                else h.detach().numpy(force=True).copy() for g, h in zip(gs, hv)]


# second derivatives where the oracle has none to offer: torch's is nan at copysign's zero,
# and sinc's double backward is not its second derivative at 0 (in torch or dyngrad)
NO_HVP_ORACLE = {"copysign", "copysign_number", "sinc"}
# reverse-over-forward through an in-place op whose formula reads its input before the
# write fails in dyngrad (x.sin_(), x.digamma_() alike): the saved input is the written one
_INPLACE_READING_SELF = pytest.mark.xfail(strict=True, reason="reverse-over-forward through "
                                          "an in-place op that saves its input")
_HVP_MARKS = {"polygamma_": _INPLACE_READING_SELF, "polygamma__squared": _INPLACE_READING_SELF}
# Second derivatives at a point where torch's own two modes disagree: logcumsumexp's
# backward splits its gradient into log|grad| where grad > 0 (or < 0) and the lowest float
# elsewhere. At grad == 0 forward mode takes where()'s constant branch (tangent 0), while
# reverse-over-reverse differentiates log|0| (slope inf, times 0: nan). So the generic test
# below, which compares every mode with torch's reverse-over-reverse, cannot hold there;
# each of dyngrad's modes is compared with torch's same mode instead.
MODES_DIFFER_IN_TORCH = {"logcumsumexp_zero_grad"}
# reverse-over-forward where torch's forward rule is not differentiable: cumprod's at a
# zero divides by it before masking its slice out (0 * inf in the reverse pass: nan);
# compared with torch's own reverse-over-forward
TORCH_FORWARD_RULE_NOT_DIFFERENTIABLE = {"cumprod_zeros"}
HVP_CASES = [pytest.param(call, arrays, cid, id=f"{op.name}-{cid}", marks=_HVP_MARKS.get(cid, ()))
             for op, cases in SAMPLES.items() if op.name is not None
             for cid, call, arrays in cases
             if cid not in NEEDS_GRAD | AT_A_KINK | samples_nn.NO_FINITE_DIFF | NO_HVP_ORACLE
             | TORCH_HAS_NO_TANGENT]


def _fails_as_torch_does(call, arrays):
    """Forward AD through a backward formula without a forward rule: torch's error."""
    errors = []
    for lib in (torch, dyngrad):
        fwAD = lib.autograd.forward_ad
        with warnings.catch_warnings(), fwAD.dual_level():
            warnings.simplefilter("ignore")
            try:
                L, wrt = _loss_and_inputs(lib, call, _inputs(lib, arrays, fwAD, grad=True))
                lib.autograd.grad(L, wrt, allow_unused=True)
            except NotImplementedError as e:
                errors.append(str(e))
    assert len(errors) == 2 and errors[0] == errors[1], errors


@pytest.mark.parametrize("call, arrays, cid", HVP_CASES)
def test_second_order_forward_against_torch(call, arrays, cid):
    # Hessian-vector products by forward-over-reverse and by reverse-over-forward, against
    # torch's by reverse-over-reverse (for every op: torch lacks some forward rules)
    try:
        fwd_rev = _forward_over_reverse(call, arrays)
    except NotImplementedError as e:
        assert str(e).startswith("Trying to use forward AD with")
        return _fails_as_torch_does(call, arrays)
    try:
        want = _reverse_over_reverse(torch, call, arrays)
    except RuntimeError as e:  # torch has no second derivative here: dyngrad's own
        assert "is not implemented" in str(e)
        want = _reverse_over_reverse(dyngrad, call, arrays)
    rev_fwd = _reverse_over_forward(call, arrays)
    want_rev_fwd = (_reverse_over_forward(call, arrays, torch)
                    if cid in TORCH_FORWARD_RULE_NOT_DIFFERENTIABLE else want)
    for how, got, want in (("forward-over-reverse", fwd_rev, want),
                           ("reverse-over-forward", rev_fwd, want_rev_fwd)):
        for k, (w, g) in enumerate(zip(want, got)):
            if w is not None:
                np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, equal_nan=True,
                                           err_msg=f"{how}, input {k}")




@pytest.mark.parametrize("call, arrays", _cases(lambda cid: cid in MODES_DIFFER_IN_TORCH))
def test_second_order_mode_by_mode_where_torch_modes_differ(call, arrays):
    fwd_rev = [_forward_over_reverse(call, arrays, lib) for lib in (torch, dyngrad)]
    rev_rev = [_reverse_over_reverse(lib, call, arrays) for lib in (torch, dyngrad)]
    for want, got in (fwd_rev, rev_rev):
        for w, g in zip(want, got):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, equal_nan=True)
    # (the disagreement itself, so that the case leaves this list when torch's modes agree)
    assert not all(np.allclose(f, r, equal_nan=True) for f, r in zip(fwd_rev[0], rev_rev[0]))


@pytest.mark.parametrize("forward", [
    lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 2])),
    lambda lib, x: lib.nn.functional.scaled_dot_product_attention(*[x[None, None]] * 3)])
def test_tangent_into_a_not_implemented_backward(forward):
    # a gradient carrying a tangent through a backward torch records as a NotImplemented
    # node (multi_margin_loss_backward, the fused attention's): torch's error names it
    errors = []
    for lib in (torch, dyngrad):
        fwAD = lib.autograd.forward_ad
        x = lib.tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), requires_grad=True)
        out = forward(lib, x)
        with fwAD.dual_level(), pytest.raises(NotImplementedError) as err:
            lib.autograd.grad(out, x, fwAD.make_dual(lib.ones_like(out), lib.ones_like(out)),
                              create_graph=True)
        errors.append(str(err.value))
    assert errors[0] == errors[1]

"""The smaller pieces of torch.nn and nn.functional against torch, one table: adaptive
softmax, CrossMapLRN2d, the multilabel soft margin and custom-distance triplet losses,
the deprecated upsampling spellings, adaptive max pooling with indices, fractional max
pooling's module and errors, and the __torch_function__ dispatch helpers."""
import numpy as np
import pytest

from side_by_side import assert_same

R = np.random.default_rng(5)
X8 = R.standard_normal((5, 8)).astype(np.float32)   # (the layers are float32)
X4 = R.standard_normal((2, 6, 3, 2))
X5 = R.standard_normal((2, 3, 5, 4, 6))
T01 = (R.uniform(size=(5, 8)) > 0.5).astype(np.float64)
W8 = R.uniform(0.5, 1.5, 8)


def _asm(t, make, target, call="forward", x=X8):
    t.manual_seed(0)
    m = make(t.nn)
    inp = t.tensor(x, requires_grad=True)
    if call == "forward":
        out = m(inp, t.tensor(target))
        (out.output.sum() + out.loss).backward()
        return repr(m), type(out).__name__, out.output, out.loss, inp.grad, \
            [p.grad for p in m.parameters()]
    return repr(m), getattr(m, call)(inp)


def _lrn(t, size, x, create_graph=False):
    m = t.nn.CrossMapLRN2d(size, 0.1, 0.75, 2)
    inp = t.tensor(x, requires_grad=True)
    out = m(inp)
    g, = t.autograd.grad((out * out.detach().cos()).sum(), inp, create_graph=create_graph)
    return repr(m), out, g


class Overrides:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return func.__name__, [tp.__name__ for tp in types], len(args), kwargs


class Declines(Overrides):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented


def _dispatch(t):
    F = t.nn.functional
    a, d = Overrides(), Declines()
    return (F.has_torch_function((a, 1)), F.has_torch_function((t.ones(1), 1)),
            F.has_torch_function_unary(a), F.has_torch_function_variadic(1, t.ones(1)),
            t.overrides.has_torch_function([d]),
            t.overrides.handle_torch_function(F.relu, (d, a), d, inplace=True))


def _declined(t):
    return t.overrides.handle_torch_function(t.nn.functional.relu, (Declines(),), 1)


CASES = {
    # AdaptiveLogSoftmaxWithLoss
    "asm": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6]),
                          np.array([0, 4, 9, 2, 7])),
    "asm_head_bias_div": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(
        8, 12, (4,), div_value=2.0, head_bias=True), np.array([5, 5, 11, 0, 4])),
    "asm_shortlist_only": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5]),
                                         np.array([0, 1, 4, 3, 2])),
    "asm_unbatched": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5]),
                                    np.array(7), x=X8[0]),
    "asm_log_prob": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [2, 6]),
                                   None, "log_prob"),
    "asm_predict": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [2, 6],
                                                                              head_bias=True),
                                  None, "predict", x=X8 * 3),
    "asm_target_range": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5]),
                                       np.array([0, 10, 4, 3, 2])),
    "asm_target_2d": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5]),
                                    np.zeros((5, 1), int)),
    "asm_batch_mismatch": lambda t: _asm(t, lambda nn: nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5]),
                                         np.zeros(4, int)),
    "asm_bad_cutoffs": lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3]),
    "asm_no_cutoffs": lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(8, 10, []),
    # CrossMapLRN2d
    "lrn_size3": lambda t: _lrn(t, 3, X4),
    "lrn_size5": lambda t: _lrn(t, 5, X4),
    "lrn_size2": lambda t: _lrn(t, 2, X4),
    "lrn_wide": lambda t: _lrn(t, 9, X4[:, :3]),
    "lrn_3d_input": lambda t: _lrn(t, 3, X4[0]),
    "lrn_create_graph": lambda t: _lrn(t, 3, X4, create_graph=True),
    # losses
    "multilabel_soft_margin": lambda t: t.nn.functional.multilabel_soft_margin_loss(
        t.tensor(X8, requires_grad=True), t.tensor(T01)),
    "multilabel_soft_margin_weight_none": lambda t: t.nn.functional.multilabel_soft_margin_loss(
        t.tensor(X8), t.tensor(T01), t.tensor(W8), reduction="none"),
    "multilabel_soft_margin_legacy": lambda t: t.nn.functional.multilabel_soft_margin_loss(
        t.tensor(X8), t.tensor(T01), size_average=False),
    "multilabel_soft_margin_bad_reduction": lambda t: t.nn.MultiLabelSoftMarginLoss(
        reduction="avg")(t.tensor(X8), t.tensor(T01)),
    "triplet_distance_fn": lambda t: t.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: 1 - t.nn.functional.cosine_similarity(a, b), margin=0.5,
        swap=True, reduction="sum")(*(t.tensor(X8[i:i + 2]) for i in (0, 1, 3))),
    "triplet_distance_module": lambda t: t.nn.functional.triplet_margin_with_distance_loss(
        *(t.tensor(X8[i:i + 2]) for i in (0, 1, 3)), distance_function=t.nn.PairwiseDistance(1.0),
        reduction="none"),
    "triplet_distance_margin": lambda t: t.nn.TripletMarginWithDistanceLoss(margin=0),
    "triplet_distance_fn_margin": lambda t: t.nn.functional.triplet_margin_with_distance_loss(
        t.tensor(X8), t.tensor(X8), t.tensor(X8), margin=-1.0),
    "triplet_distance_dims": lambda t: t.nn.functional.triplet_margin_with_distance_loss(
        t.tensor(X8), t.tensor(X8[0]), t.tensor(X8)),
    "triplet_distance_reduction": lambda t: t.nn.functional.triplet_margin_with_distance_loss(
        t.tensor(X8), t.tensor(X8), t.tensor(X8), reduction="avg"),
    "nll_loss_2d_module": lambda t: t.nn.NLLLoss2d(ignore_index=1)(
        t.tensor(X4).log_softmax(1), t.tensor(np.array([[[0, 1]] * 3, [[5, 2]] * 3]))),
    # upsampling and pooling spellings
    "upsample_nearest": lambda t: t.nn.functional.upsample_nearest(t.tensor(X4), scale_factor=2),
    "upsample_bilinear": lambda t: t.nn.functional.upsample_bilinear(t.tensor(X4), size=(4, 5)),
    "upsample": lambda t: t.nn.functional.upsample(t.tensor(X4), size=(4, 5), mode="bilinear"),
    "adaptive_max_pool_indices": lambda t: [
        t.nn.functional.adaptive_max_pool1d_with_indices(t.tensor(X8[None]), 3),
        t.nn.functional.adaptive_max_pool2d_with_indices(t.tensor(X4), (2, None)),
        t.nn.functional.adaptive_max_pool3d_with_indices(t.tensor(X5), (2, 1, 3), False)],
    "fractional_module_ratio": lambda t: (lambda m: (
        repr(m), m.kernel_size, m.output_size, m.output_ratio, m.return_indices,
        list(m.state_dict())))(t.nn.FractionalMaxPool2d(2, output_ratio=(0.5, 0.7),
                                                        return_indices=True)),
    "fractional_module_both": lambda t: t.nn.FractionalMaxPool2d(2, 3, 0.5),
    "fractional_module_neither": lambda t: t.nn.FractionalMaxPool3d(2),
    "fractional_module_ratio_range": lambda t: t.nn.FractionalMaxPool2d(2, output_ratio=1.5),
    "fractional_3d_kernel": lambda t: t.nn.FractionalMaxPool3d((2, 0, 1), 3),
    "fractional_module_samples": lambda t: t.nn.FractionalMaxPool3d(
        2, output_size=(2, 2, 3), _random_samples=t.tensor(R.uniform(size=(2, 3, 3))))(
        t.tensor(X5)),
    # __torch_function__ helpers
    "torch_function_helpers": _dispatch,
    "torch_function_declined": _declined,
}


@pytest.mark.parametrize("name", CASES)
def test_surface(name):
    assert_same(CASES[name], rtol=1e-5, atol=1e-6)   # (float32 layers)

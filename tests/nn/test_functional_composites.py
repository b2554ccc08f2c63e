"""The functionals torch composes from other ops (no node of their own), against torch:
values, gradients, second derivatives and the graphs they record."""
import numpy as np
import pytest

from tests.ops.oracle import assert_same

f32 = np.float32
X = np.array([[0.3, -1.2, 2.1], [1.7, -0.4, 0.9], [-0.8, 0.5, 1.3], [0.2, 0.6, -1.9]], f32)
Y = np.array([[0.1, 0.9, -0.3], [1.2, -0.7, 0.4], [0.6, 0.2, 1.1], [-0.5, 1.4, 0.8]], f32)
T = np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]], f32)
W = np.array([0.5, 2.0, 1.5], f32)


def F(t):
    return t.nn.functional


CASES = {
    "normalize": lambda t, x: F(t).normalize(x),
    "normalize_p1_dim0": lambda t, x: F(t).normalize(x, 1.0, 0),
    "cosine_similarity": lambda t, x, y: F(t).cosine_similarity(x, y),
    "softsign": lambda t, x: F(t).softsign(x),
    "tanhshrink": lambda t, x: F(t).tanhshrink(x),
    "softmin": lambda t, x: F(t).softmin(x, 1),
    "rms_norm": lambda t, x: F(t).rms_norm(x, (3,), t.tensor(W)),
    # eps defaults to the dtype's epsilon, which shows beside a tiny mean square; the
    # normalized dims are the last ones of a 3-d input
    "rms_norm_tiny_float64": lambda t, x: F(t).rms_norm(x.double() * 1e-5, (3,)),
    "rms_norm_3d": lambda t, x: F(t).rms_norm(x.reshape(2, 2, 3), [3], t.tensor(W)),
    "l1_loss": lambda t, x, y: F(t).l1_loss(x, y),
    "l1_loss_sum": lambda t, x, y: F(t).l1_loss(x, y, reduction="sum"),
    "l1_loss_broadcast": lambda t, x, y: F(t).l1_loss(x, y[1]),
    # weighted: 'mean' divides by the weights' sum
    "l1_loss_weight": lambda t, x, y: F(t).l1_loss(x, y, weight=t.tensor(T)),
    "mse_loss_weight": lambda t, x, y: F(t).mse_loss(x, y, weight=t.tensor(T)),
    "mse_loss_weight_sum": lambda t, x, y: F(t).mse_loss(x, y, weight=t.tensor(T), reduction="sum"),
    "mse_loss_weight_none_broadcast": lambda t, x, y: F(t).mse_loss(
        x, y[2], weight=t.tensor(T), reduction="none"),
    "kl_div_batchmean": lambda t, x: F(t).kl_div(x, t.tensor(T), reduction="batchmean"),
    # torch.kl_div: the reduction as an enum (none by default, any other number none too)
    "torch_kl_div": lambda t, x: t.kl_div(x, t.tensor(T)),
    "torch_kl_div_mean": lambda t, x: t.kl_div(x, t.tensor(T), 1),
    "torch_kl_div_sum_log_target": lambda t, x: t.kl_div(x, t.tensor(T).log(), reduction=2,
                                                         log_target=True),
    "torch_kl_div_other": lambda t, x: t.kl_div(x, t.tensor(T), 3),
    "cross_entropy_smoothing": lambda t, x: F(t).cross_entropy(x, t.tensor([0, 2, 1, -100]),
                                                              label_smoothing=0.2),
    "cross_entropy_smoothing_weight": lambda t, x: F(t).cross_entropy(
        x, t.tensor([0, 2, 1, -100]), t.tensor(W), label_smoothing=0.1, reduction="sum"),
    "cross_entropy_probs": lambda t, x: F(t).cross_entropy(x, t.tensor(T)),
    "cross_entropy_probs_weight": lambda t, x: F(t).cross_entropy(x, t.tensor(T), t.tensor(W),
                                                                 reduction="none"),
    "margin_ranking": lambda t, x, y: F(t).margin_ranking_loss(
        x[:, 0], y[:, 0], t.tensor([1.0, -1.0, 1.0, -1.0]), 0.1),
    "linear_1d_no_bias": lambda t, x, y: F(t).linear(x[0], y),
    "linear_transposed_input": lambda t, x, y: F(t).linear(x.t(), y.t()[:2], t.tensor(W[:2])),
    # powers of a window: odd p with negative sums (clipped at 0), and p = -inf
    "lp_pool1d_odd": lambda t, x: F(t).lp_pool1d(x[None], 3, 2),
    "lp_pool2d": lambda t, x: F(t).lp_pool2d(x[None, None], 2, (2, 2), stride=1),
    "lp_pool2d_neg_inf": lambda t, x: F(t).lp_pool2d(x[None, None], -float("inf"), 2),
    "local_response_norm": lambda t, x: F(t).local_response_norm(x[None, :, :, None], 3),
    "local_response_norm_5d": lambda t, x: F(t).local_response_norm(
        x.reshape(1, 2, 2, 3, 1), 4, alpha=0.3, beta=0.6, k=0.5),
    "gumbel_softmax": lambda t, x: _seeded(t, lambda: F(t).gumbel_softmax(x, tau=0.5)),
    "gumbel_softmax_hard": lambda t, x: _seeded(t, lambda: F(t).gumbel_softmax(x, hard=True,
                                                                               dim=0)),
}


def _seeded(t, draw):
    t.manual_seed(11)
    return draw()
# the engine sums the two gradients reaching the target in the other order (the sum of
# the first derivative's graph; values agree): graphs from the forward and backward only
SUM_ORDER = {
    "kl_div_log_target": lambda t, x, y: F(t).kl_div(x, y, reduction="sum", log_target=True),
}
# composed differently from torch's C++ (norm vs linalg_vector_norm, trilinear): values only
VALUES_ONLY = {
    "pairwise_distance": lambda t, x, y: F(t).pairwise_distance(x, y),
    "triplet_margin": lambda t, x, y: F(t).triplet_margin_loss(x, y, x * 0.5, swap=True),
    "bilinear": lambda t, x, y: F(t).bilinear(x, y, t.tensor(np.ones((2, 3, 3), f32) * W)),
}


def _arrays(call):
    return [X, Y][:call.__code__.co_argcount - 1]


@pytest.mark.parametrize("name", CASES)
def test_composite_like_torch(name):
    assert_same(CASES[name], _arrays(CASES[name]))


@pytest.mark.parametrize("name", VALUES_ONLY)
def test_composite_values_like_torch(name):
    assert_same(VALUES_ONLY[name], _arrays(VALUES_ONLY[name]), graphs=("second_order",))


@pytest.mark.parametrize("name", SUM_ORDER)
def test_composite_sum_order(name):
    assert_same(SUM_ORDER[name], _arrays(SUM_ORDER[name]),
                graphs=("forward", "backward", "second_order"))

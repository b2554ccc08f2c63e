"""The in-place forms and small companions against torch (inplace_forms.py): ``square_
round_ cumsum_ cumprod_ floor_divide_ fill_diagonal_ conj_physical(_)``, ``torch.fill``,
``resolve_neg``/``is_neg``, ``embedding_renorm_`` and the torch-level in-place
activations and alpha dropouts: values, node names, gradients, version counters, errors,
and the tensors an error leaves (the derivatives to second order: test_op_table.py).
"""
import pytest

from side_by_side import assert_same
from .test_view_variants import _observed

CASES = {
    "square_": lambda t, x, y, b: b.square_(),
    "square__function": lambda t, x, y, b: t.square_(b),
    "square__leaf": lambda t, x, y, b: x.square_(),
    "square__int": lambda t, x, y, b: t.tensor([2, 3]).square_(),
    "square__bool": lambda t, x, y, b: t.tensor([True]).square_(),
    "round_": lambda t, x, y, b: (b * 3).round_(),
    "round__decimals": lambda t, x, y, b: b.round_(decimals=1),
    "round__function": lambda t, x, y, b: t.round_(b, decimals=1),
    "round__int": lambda t, x, y, b: t.tensor([25, 35]).round_(),
    "round__int_decimals": lambda t, x, y, b: t.tensor([25, 35]).round_(decimals=-1),
    "round_int_decimals": lambda t, x, y, b: t.tensor([25, 35]).round(decimals=-1),
    "round__complex": lambda t, x, y, b: t.tensor([1 + 1j]).round_(),
    "round__complex_decimals": lambda t, x, y, b: t.tensor([1 + 1j]).round_(decimals=1),
    "cumsum_": lambda t, x, y, b: b.cumsum_(1),
    "cumsum__negative_dim": lambda t, x, y, b: b.cumsum_(-2),
    "cumsum__dtype": lambda t, x, y, b: b.cumsum_(1, dtype=t.float32),
    "cumsum__same_dtype": lambda t, x, y, b: b.cumsum_(1, dtype=t.float64),
    "cumsum__int32": lambda t, x, y, b: t.tensor([1, 2], dtype=t.int32).cumsum_(0),
    "cumsum__bool": lambda t, x, y, b: t.tensor([True, True]).cumsum_(0),
    "cumsum__bad_dim": lambda t, x, y, b: b.cumsum_(2),
    "cumsum__0d": lambda t, x, y, b: b[0, 0].cumsum_(0),
    "cumprod_": lambda t, x, y, b: b.cumprod_(1),
    "cumprod__dtype": lambda t, x, y, b: b.cumprod_(-1, dtype=t.float16),
    "cumprod__int32": lambda t, x, y, b: t.tensor([3, 2], dtype=t.int32).cumprod_(0),
    "floor_divide_": lambda t, x, y, b: b.floor_divide_(0.5),
    "floor_divide__tensor": lambda t, x, y, b: b.floor_divide_(y),
    "floor_divide__int": lambda t, x, y, b: t.tensor([5, 7]).floor_divide_(2),
    "floor_divide__int_by_float": lambda t, x, y, b: t.tensor([5, 7]).floor_divide_(2.5),
    "floor_divide__by_zero": lambda t, x, y, b: t.tensor([5, 7]).floor_divide_(0),
    "conj_physical_real": lambda t, x, y, b: (t.conj_physical(b) is b, b.conj_physical() is b),
    "conj_physical_": lambda t, x, y, b: b.conj_physical_(),
    "conj_physical__function": lambda t, x, y, b: t.conj_physical_(b),
    "conj_physical_complex": lambda t, x, y, b: t.view_as_real(t.conj_physical(
        t.view_as_complex(t.stack([b, y], -1)))),
    "conj_physical__complex": lambda t, x, y, b: t.view_as_real(
        (t.view_as_complex(t.stack([b, y], -1)) * 1).conj_physical_()),
    "resolve_neg": lambda t, x, y, b: (t.resolve_neg(b) is b, b.resolve_neg() is b,
                                       b.is_neg(), t.is_neg(b)),
    "fill": lambda t, x, y, b: t.fill(b, 2.0),
    "fill_tensor": lambda t, x, y, b: t.fill(b, y[0, 0]),
    "fill_1d_tensor": lambda t, x, y, b: t.fill(b, y[0]),
    "fill_int": lambda t, x, y, b: t.fill(t.tensor([1, 2]), 2.5),
    "fill_int_too_big": lambda t, x, y, b: t.fill(t.tensor([1, 2]), 2 ** 70),
    "fill_complex_into_real": lambda t, x, y, b: t.fill(b, 1j),
    "fill__complex_into_real": lambda t, x, y, b: b.fill_(1j),
    "fill__int_too_big": lambda t, x, y, b: t.tensor([1, 2]).fill_(2 ** 70),
    "fill_diagonal_": lambda t, x, y, b: b.fill_diagonal_(5),
    "fill_diagonal__wrap": lambda t, x, y, b: t.zeros(7, 3).fill_diagonal_(5, wrap=True),
    "fill_diagonal__tall": lambda t, x, y, b: t.zeros(7, 3).fill_diagonal_(5),
    "fill_diagonal__wide": lambda t, x, y, b: t.zeros(3, 7).fill_diagonal_(5, True),
    "fill_diagonal__cube": lambda t, x, y, b: t.zeros(3, 3, 3).fill_diagonal_(5),
    "fill_diagonal__unequal": lambda t, x, y, b: t.zeros(3, 3, 2).fill_diagonal_(5),
    "fill_diagonal__1d": lambda t, x, y, b: t.zeros(3).fill_diagonal_(5),
    "fill_diagonal__tensor": lambda t, x, y, b: t.zeros(3, 3).fill_diagonal_(t.tensor(5.0)),
    "fill_diagonal__long": lambda t, x, y, b: t.zeros(3, 3, dtype=t.long).fill_diagonal_(2.5),
    "fill_diagonal__transposed": lambda t, x, y, b: t.cat([b, y, b]).t().fill_diagonal_(7, True),
    "fill_diagonal__leaf": lambda t, x, y, b: x.fill_diagonal_(5),
    "threshold_": lambda t, x, y, b: t.threshold_(b, 0.5, 9.0),
    "threshold__leaf": lambda t, x, y, b: t.threshold_(x, 0.5, 9.0),
    "selu_": lambda t, x, y, b: t.selu_(b),
    "celu_": lambda t, x, y, b: t.celu_(b, 2.0),
    "alpha_dropout_eval": lambda t, x, y, b: t.alpha_dropout_(b, 0.5, False),
    "feature_alpha_dropout_eval": lambda t, x, y, b: t.feature_alpha_dropout_(b, 0.5, False),
    "alpha_dropout_": lambda t, x, y, b: (t.manual_seed(0), t.alpha_dropout_(b, 0.5, True))[1],
    "feature_alpha_dropout_": lambda t, x, y, b: (
        t.manual_seed(0), t.feature_alpha_dropout_(b[None] * 1, 0.5, True))[1],
    "feature_alpha_dropout__1d": lambda t, x, y, b: t.feature_alpha_dropout_(b[0], 0.5, True),
    "alpha_dropout__p": lambda t, x, y, b: t.alpha_dropout_(b, 1.5, True),
    "embedding_renorm_": lambda t, x, y, b: t.embedding_renorm_(
        t.tensor([[3.0, 4], [0.3, 0.4], [6, 8]]), t.tensor([0, 2, 0]), 2.0, 2.0),
    "embedding_renorm__grad": lambda t, x, y, b: t.embedding_renorm_(b, t.tensor([0]), 1.0, 2.0),
    "embedding_renorm__1_norm": lambda t, x, y, b: t.embedding_renorm_(
        b, t.tensor([1, 0]), 1.0, 1.0),
}


@pytest.mark.parametrize("grad", [True, False], ids=["grad", "no_grad"])
@pytest.mark.parametrize("name", CASES)
def test_against_torch(name, grad):
    assert_same(lambda lib: _observed(lib, CASES[name], grad))

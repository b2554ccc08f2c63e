"""Tensor.new, resize, sum_to_size, apply_/map_/map2_, bernoulli, geometric_ and
log_normal_ (torch's numbers from the same seed), and the small torch-level functions
beside them (can_cast, typename, set_warn_always, is_nonzero, get_device, ...), against
torch: values, node names, gradients, version counters, errors and state after errors."""
import numpy as np
import pytest

from side_by_side import assert_same
from .test_view_variants import _observed


def _layout(t):
    return (tuple(t.shape), t.stride(), t.dtype, t.requires_grad)


def _f64(t, *values):
    return t.tensor(list(values), dtype=t.float64)


CASES = {
    "sum_to_size": lambda t, x, y, b: b.sum_to_size(1, 3),
    "sum_to_size_leading": lambda t, x, y, b: b.sum_to_size((3,)),
    "sum_to_size_column": lambda t, x, y, b: b.sum_to_size(2, 1),
    "sum_to_size_same": lambda t, x, y, b: b.sum_to_size(2, 3) is b,
    "sum_to_size_not_expandable": lambda t, x, y, b: b.sum_to_size(3, 3),
    "sum_to_size_more_dims": lambda t, x, y, b: b.sum_to_size(1, 1, 3),
    "sum_to_size_no_size": lambda t, x, y, b: b.sum_to_size(),
    "new": lambda t, x, y, b: b.new(),
    "new_sizes": lambda t, x, y, b: _layout(b.new(2, 3)),
    "new_size": lambda t, x, y, b: _layout(b.new(t.Size([2]))),
    "new_data": lambda t, x, y, b: (b.new([1, 2]), b.new((1, 2)), b.new(np.array([1, 2]))),
    "new_int_data": lambda t, x, y, b: t.tensor([1, 2]).new([1.5]),
    "new_other_dtype": lambda t, x, y, b: b.new(t.tensor([1, 2])),
    "new_number": lambda t, x, y, b: b.new(2.5),
    "new_itself": lambda t, x, y, b: b.new(b),
    "resize": lambda t, x, y, b: b.resize(3, 2),
    "resize_transposed": lambda t, x, y, b: b.t().resize(6),
    "resize_numel": lambda t, x, y, b: b.resize(4),
    "resize_tuple": lambda t, x, y, b: b.resize((3, 2)),
    "resize_as": lambda t, x, y, b: b.resize_as(y.t()),
    "resize_as_numel": lambda t, x, y, b: b.resize_as(y[0]),
    "apply_": lambda t, x, y, b: b.detach().apply_(lambda v: v * 2),
    "apply__version": lambda t, x, y, b: (lambda z: (z.apply_(abs), z._version))(b.detach()),
    "apply__int": lambda t, x, y, b: t.tensor([1, 2]).apply_(lambda v: v / 2),
    "apply__int_str": lambda t, x, y, b: t.tensor([1, 2]).apply_(lambda v: "a"),
    "apply__float_str": lambda t, x, y, b: t.tensor([1.0, 2]).apply_(lambda v: "a"),
    "apply__not_callable": lambda t, x, y, b: b.detach().apply_(5),
    "apply__requires_grad": lambda t, x, y, b: b.apply_(lambda v: v),
    "map_": lambda t, x, y, b: b.detach().map_(_f64(t, 1, 2, 3), lambda u, v: u + v),
    "map__dtype": lambda t, x, y, b: b.detach().map_(t.tensor([1, 2, 3]), lambda u, v: u + v),
    "map__shape": lambda t, x, y, b: b.detach().map_(t.ones(2, 2, dtype=t.float64),
                                                     lambda u, v: u + v),
    "map__requires_grad": lambda t, x, y, b: b.map_(y, lambda u, v: u + v),
    "map2_": lambda t, x, y, b: b.detach().map2_(_f64(t, 1, 2, 3), y.detach()[:, :1],
                                                 lambda u, v, w: u + v * w),
    "map2__dtype": lambda t, x, y, b: b.detach().map2_(y.detach(), y.detach().float(),
                                                       lambda u, v, w: u),
    # random draws: torch's numbers from the same seed
    "geometric_": lambda t, x, y, b: (t.manual_seed(0), t.zeros(5).geometric_(0.3),
                                      t.zeros(3, dtype=t.long).geometric_(0.5),
                                      t.zeros(40, dtype=t.float64).geometric_(0.01))[1:],
    "geometric__generator": lambda t, x, y, b: t.zeros(4).geometric_(
        0.2, generator=t.Generator().manual_seed(3)),
    "geometric__p": lambda t, x, y, b: t.zeros(3).geometric_(1.5),
    "log_normal_": lambda t, x, y, b: (t.manual_seed(0), t.zeros(5).log_normal_(),
                                       t.zeros(3, dtype=t.float64).log_normal_(0.5, 0.1),
                                       t.zeros(20).log_normal_(std=0.5))[1:],
    "log_normal__std": lambda t, x, y, b: t.zeros(3).log_normal_(1, -1.0),
    "log_normal__int": lambda t, x, y, b: t.zeros(3, dtype=t.long).log_normal_(),
    "bernoulli": lambda t, x, y, b: (t.manual_seed(0), b.detach().sigmoid().bernoulli(),
                                     b.detach().bernoulli(0.3), t.zeros(3).bernoulli(p=0.5))[1:],
    # torch-level functions
    "can_cast": lambda t, x, y, b: [t.can_cast(f, to) for f in (t.float32, t.int32, t.bool,
                                                                t.complex64, t.uint8)
                                    for to in (t.int32, t.float16, t.uint8, t.bool, t.int8,
                                               t.complex64)],
    "can_cast_not_a_dtype": lambda t, x, y, b: t.can_cast(b, t.float32),
    "typename": lambda t, x, y, b: [t.typename(v) for v in (b, t.tensor([1]), 1, "a", None,
                                                           t.zeros(1, dtype=t.complex64))],
    "set_warn_always": lambda t, x, y, b: (t.is_warn_always_enabled(), t.set_warn_always(True),
                                           t.is_warn_always_enabled(), t.set_warn_always(False),
                                           t.is_warn_always_enabled()),
    "tensor_queries": lambda t, x, y, b: (t.get_device(b), t.is_inference(b), t.is_conj(b),
                                          t.is_nonzero(t.tensor([1.0])), t.is_same_size(b, y),
                                          t.is_same_size(b, b.t()), t.resolve_conj(b) is b),
    "is_nonzero_many": lambda t, x, y, b: t.is_nonzero(b),
    "get_device_not_a_tensor": lambda t, x, y, b: t.get_device(1),
}


@pytest.mark.parametrize("grad", [True, False], ids=["grad", "no_grad"])
@pytest.mark.parametrize("name", CASES)
def test_against_torch(name, grad):
    assert_same(lambda lib: _observed(lib, CASES[name], grad), rtol=1e-12, atol=1e-12)

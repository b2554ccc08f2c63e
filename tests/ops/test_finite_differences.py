"""torch.gradient and unravel_index against torch: every spacing form (none, a number, a
list of numbers, coordinates), edge orders 1 and 2, dims, integer and complex input, the
graphs (cat of slices) and derivatives, and the errors."""
import numpy as np
import pytest

from .oracle import GRAPHS, assert_same, assert_same_error

f32 = np.float32
X = np.array([[1.0, 2, 4, 8], [10, 20, 40, 80], [3, 3, 3, 3]], f32)
Y = np.array([[0.3, -1.2, 2.1, 0.7], [1.7, -0.4, 0.9, 0.1], [0.5, 0.2, -0.8, 1.3]], f32)
ROWS = np.array([0.0, 1.0, 3.0], f32)        # uneven coordinates
COLS = np.array([0.0, 1.0, 1.5, 4.0], f32)

CASES = {
    "default": (lambda t, x: t.gradient(x), [Y]),
    "edge_order_2_dim": (lambda t, x: t.gradient(x, dim=1, edge_order=2), [Y]),
    "number": (lambda t, x: t.gradient(x, spacing=2.0), [Y]),
    "negative_number_dim": (lambda t, x: t.gradient(x, spacing=-1, dim=-1), [Y]),
    "numbers": (lambda t, x: t.gradient(x, spacing=[2.0, 3], edge_order=2), [Y]),
    "number_dims": (lambda t, x: t.gradient(x, spacing=0.5, dim=[1, 0]), [Y]),
    "coordinates": (lambda t, x, r, c: t.gradient(x, spacing=[r, c]), [Y, ROWS, COLS]),
    "coordinates_edge_2": (lambda t, x, c: t.gradient(x, spacing=(c,), dim=1, edge_order=2),
                           [Y, COLS]),
    "coordinates_dims": (lambda t, x, r, c: t.gradient(x, spacing=[c, r], dim=(1, 0),
                                                       edge_order=2), [Y, ROWS, COLS]),
    "exponential": (lambda t, x: t.gradient(x, spacing=[1.0, 2.0]), [X]),
    "double_with_float_coordinates": (lambda t, x, r: t.gradient(x.double(), spacing=[r],
                                                                 dim=0), [Y, ROWS]),
    "integer": (lambda t: t.gradient(t.tensor([1, 4, 9, 16])), []),
    "integer_number": (lambda t: t.gradient(t.tensor([1, 4, 9, 16]), spacing=2), []),
    "integer_coordinates": (lambda t: t.gradient(t.tensor([1, 4, 9, 16]),
                                                 spacing=[t.tensor([0, 1, 2, 4])]), []),
    "complex": (lambda t: t.gradient(t.tensor([1, 2j, 3])), []),
    "zero_dim": (lambda t: t.gradient(t.tensor(1.0)), []),
}


# torch's C++ evaluates the operands of a + b * c in its compiler's order, which orders the
# nodes and so the order in which the gradients of the coordinates' terms add up: their
# derivatives' graphs are compared as values
SUM_ORDER = {"coordinates", "coordinates_edge_2", "coordinates_dims",
             "double_with_float_coordinates"}


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    call, arrays = CASES[name]
    assert_same(call, arrays, grad=bool(arrays), graphs=("forward", "backward", "second_order")
                if name in SUM_ORDER else GRAPHS)


UNRAVEL = {
    "vector": lambda t: t.unravel_index(t.tensor([4, 1, 7]), (3, 3)),
    "scalar": lambda t: t.unravel_index(t.tensor(5), (2, 3)),
    "past_the_end": lambda t: t.unravel_index(t.tensor([9]), (2, 3)),
    "negative": lambda t: t.unravel_index(t.tensor([-1, -7]), (2, 3)),
    "int_shape": lambda t: t.unravel_index(t.tensor([[1, 2], [3, 4]]), 6),
    "int32_size": lambda t: t.unravel_index(t.tensor([1], dtype=t.int32), t.Size([2, 3])),
    "uint8": lambda t: t.unravel_index(t.tensor([5], dtype=t.uint8), [2, 3]),
    "empty_shape": lambda t: t.unravel_index(t.tensor([0]), ()),
}


@pytest.mark.parametrize("name", list(UNRAVEL))
def test_unravel_index(name):
    assert_same(UNRAVEL[name], [], grad=False)


ERRORS = {
    "uint8": lambda t, x: t.gradient(x.to(t.uint8)),
    "edge_order": lambda t, x: t.gradient(x, edge_order=3),
    "edge_order_dim": lambda t, x: t.gradient(x, dim=0, edge_order=3),
    "too_short": lambda t, x: t.gradient(x[:2], edge_order=2),
    "spacing_length": lambda t, x: t.gradient(x, spacing=[2.0]),
    "spacing_dim_length": lambda t, x: t.gradient(x, spacing=[2.0], dim=[0, 1]),
    "coordinates_0d": lambda t, x: t.gradient(x, spacing=(t.tensor(1.0),), dim=1),
    "dim_twice": lambda t, x: t.gradient(x, dim=[0, 0]),
    "dim_range": lambda t, x: t.gradient(x, dim=2),
    "spacing_type": lambda t, x: t.gradient(x, spacing="a"),
    "input_type": lambda t, x: t.gradient(1),
    "unravel_float": lambda t, x: t.unravel_index(t.tensor([1.0]), (2, 3)),
    "unravel_bool": lambda t, x: t.unravel_index(t.tensor([True]), (2, 3)),
    "unravel_negative_shape": lambda t, x: t.unravel_index(t.tensor([1]), (2, -3)),
    "unravel_float_shape": lambda t, x: t.unravel_index(t.tensor([1]), (2.0,)),
    "unravel_string_shape": lambda t, x: t.unravel_index(t.tensor([1]), "a"),
    "unravel_zero_size": lambda t, x: t.unravel_index(t.tensor([1]), (0, 3)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    assert_same_error(ERRORS[name], X)

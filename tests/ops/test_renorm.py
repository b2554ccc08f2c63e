"""renorm against torch where it changes: slices at, above and below maxnorm, maxnorm 0,
zero slices, every p, negative dims, half and complex and empty input, out=, the in-place
form, and the errors in torch's order (the op table checks its derivatives)."""
import numpy as np
import pytest

from .oracle import assert_same, assert_same_error

f32 = np.float32
X = np.array([[1.0, -2.0, 3.0], [0.5, 0.2, -0.1], [0.0, 0.0, 0.0], [4.0, 4.0, 4.0]], f32)

CASES = {
    "p2": lambda t, x: t.renorm(x, 2, 0, 1.5),
    "p1_dim1": lambda t, x: t.renorm(x, 1, 1, 2.0),
    "inf": lambda t, x: t.renorm(x, float("inf"), 0, 1.0),
    "fractional_p": lambda t, x: t.renorm(x, 0.5, 0, 1.0),
    "p_2_5_negative_dim": lambda t, x: x.renorm(2.5, -1, 1.0),
    "maxnorm_zero": lambda t, x: t.renorm(x, 2, 0, 0.0),
    "at_maxnorm": lambda t, x: t.renorm(x, 1, 0, 6.0),
    "double": lambda t, x: t.renorm(x.double(), 2, 1, 1.0),
    "half": lambda t, x: t.renorm(x.half(), 2, 0, 1.0),
    "complex": lambda t, x: t.renorm(t.complex(x, x * 0.5), 2, 0, 1.0),
    "empty": lambda t, x: t.renorm(x[:0], 2, 0, 1.0),
    "in_place": lambda t, x: x.clone().renorm_(3, 1, 2.0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values(name):
    assert_same(CASES[name], [X], grad=False)


def test_out():
    import dyngrad
    import torch
    got = [repr(lib.renorm(lib.tensor(X), 2, 0, 1.0, out=lib.empty(0))) for lib in (torch, dyngrad)]
    assert got[0] == got[1]


ERRORS = {
    "p_zero": lambda t, x: t.renorm(x, 0, 0, 1.0),
    "p_negative_and_1d": lambda t, x: t.renorm(x[0], -1, 0, -1.0),
    "maxnorm_negative": lambda t, x: t.renorm(x[0], 2, 5, -1.0),
    "one_dim": lambda t, x: t.renorm(x[0], 2, 0, 1.0),
    "zero_dim": lambda t, x: t.renorm(x[0, 0], 2, 0, 1.0),
    "dim_range": lambda t, x: t.renorm(x, 2, 2, 1.0),
    "integer": lambda t, x: t.renorm(x.long(), 2, 0, 1.0),
    "p_type": lambda t, x: t.renorm(x, "a", 0, 1.0),
    "in_place_integer": lambda t, x: x.long().renorm_(2, 0, 1.0),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    assert_same_error(ERRORS[name], X)

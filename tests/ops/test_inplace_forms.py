"""``x.name_(...)`` for torch's pointwise and comparison functions, against torch: the value
written, the dtype kept, the version bumped, the node recorded (a comparison written in
place records EqBackward0/1, whose gradients are zeros), the gradients through it, and
torch's refusals (complex input, a result that does not fit, a number where a tensor is
needed) with the tensor left as it was."""
import pytest

from tests.autograd._oracle import check

UNARY = ["acos", "asin", "atan", "ceil", "floor", "trunc", "cosh", "sinh", "tan", "erf",
         "expm1", "log10", "log1p", "log2", "rsqrt", "sgn", "sign", "logical_not",
         "bitwise_not", "absolute", "arccos", "arcsin", "arctan", "fix", "negative", "abs"]
BINARY = ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
          "bitwise_and", "bitwise_or", "bitwise_xor", "remainder", "fmod", "arctan2", "clip",
          "divide", "multiply", "subtract", "true_divide", "greater", "greater_equal", "less",
          "less_equal", "not_equal"]
# self: float (with a zero and values on both sides of it), int, complex
SELVES = {"float": lambda t: t.tensor([0.25, -0.5, 0.0, 2.0]),
          "int": lambda t: t.tensor([1, -2, 0, 3]),
          "complex": lambda t: t.tensor([1 + 1j, -2j, 0j, 0.5 + 0j])}
OTHERS = {"tensor": lambda t: t.tensor([0.5, -0.5, 0.0, 1.0]), "int": lambda t: 1,
          "float": lambda t: 0.5, "int_0d": lambda t: t.tensor(2),
          "long_tensor": lambda t: t.tensor([1, 2, 3, 1])}


def _written(t, make, name, *args):
    """Write in place; on error the tensor must be unchanged (value and version)."""
    x = make(t)
    before = x.clone()
    try:
        getattr(x, name + "_")(*args)
    except Exception:
        assert x._version == 0 and bool((x == before).all() | (x != x).any())
        raise
    return x, x._version


def _through_graph(t, name, *other):
    x = t.tensor([0.25, -0.5, 0.75, 2.0], requires_grad=True)
    w = t.tensor([1.5, 2.5, -1.0, 0.5], requires_grad=True)
    y = x * 1
    getattr(y, name + "_")(*(w if o == "w" else o for o in other))
    (y * y).sum().backward()
    return y, y.grad_fn, x.grad, w.grad


CASES = ([(f"{n}-{s}", (lambda n, s: lambda t: _written(t, SELVES[s], n))(n, s))
          for n in UNARY for s in SELVES]
         + [(f"{n}-grad", (lambda n: lambda t: _through_graph(t, n))(n)) for n in UNARY]
         + [(f"{n}-{s}-{o}", (lambda n, s, o: lambda t: _written(t, SELVES[s], n,
                                                                  OTHERS[o](t)))(n, s, o))
            for n in BINARY for s in ("float", "int") for o in OTHERS]
         + [(f"{n}-grad-{o}", (lambda n, o: lambda t: _through_graph(t, n, o))(n, o))
            for n in BINARY for o in ("w", 0.5)])


@pytest.mark.parametrize("name,case", CASES, ids=[c[0] for c in CASES])
def test_inplace_form_matches_torch(name, case):
    case.__name__ = name
    check(case)

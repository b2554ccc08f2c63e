"""In-place ops inside vmap on tensors a grad transform differentiates (per-sample
gradients of functions that write in place), and as_strided under vmap, against torch."""
import numpy as np
import pytest
import torch

import dyngrad

from tests.func._compare import observe

X = np.arange(1.0, 13.0, dtype=np.float64).reshape(3, 4) / 4


def _per_sample_grad(f):
    return lambda lib: lib.func.vmap(lib.func.grad(lambda v: f(lib, v)))(lib.tensor(X))


def _then(write, value):
    """``write`` happens first; ``value`` is what the function returns."""
    return value()


CASES = {
    "mul_by_input": lambda lib, v: (lambda y: _then(y.mul_(v), lambda: (y ** 2).sum()))(v.clone()),
    "mul_by_itself": lambda lib, v: (lambda y: _then(y.mul_(y), lambda: y.sum()))(v.clone()),
    "exp_": lambda lib, v: (lambda y: _then(y.exp_(), lambda: (y * v).sum()))(v.clone()),
    "add_scalar": lambda lib, v: (lambda y: _then(y.add_(1), lambda: (y ** 2).sum()))(v * 2),
    "into_untracked": lambda lib, v: (lambda y: _then(y.add_(v * v), lambda: (y ** 2).sum()))(
        v.detach().clone()),
    "twice": lambda lib, v: (lambda y: _then((y.sin_(), y.sin_()), lambda: y.sum()))(v.clone()),
    "addcmul_": lambda lib, v: (lambda y: _then(y.addcmul_(v, v, value=0.5),
                                                lambda: (y ** 3).sum()))(v.clone()),
    "into_unbatched": lambda lib, v: (lambda y: _then(y.add_(v), lambda: y.sum()))(
        lib.zeros(4, dtype=lib.float64)),
    "the_input_itself": lambda lib, v: _then(v.mul_(2), lambda: v.sum()),
}


@pytest.mark.parametrize("name", list(CASES))
def test_inplace_under_grad_under_vmap(name):
    case = _per_sample_grad(CASES[name])
    assert observe(case, dyngrad) == observe(case, torch)


def test_inplace_on_a_view_is_refused():
    """torch rebases the view's base; dyngrad does not track a batched view's base yet."""
    def f(lib, v):
        y = v.clone()
        y[1:].mul_(2)
        return (y ** 2).sum()
    with pytest.raises(NotImplementedError, match="on a view"):
        _per_sample_grad(f)(dyngrad)


Y = np.arange(24.0).reshape(2, 3, 4)

# as_strided: each sample's view over its own part of the storage, and torch's refusal of
# one that reaches outside the memory the sample can address
STRIDED = {
    "basic": (lambda lib, s: s.as_strided((2, 2), (1, 2)), X, 0),
    "offset": (lambda lib, s: s.as_strided((2,), (1,), 1), X, 0),
    "inner_dim": (lambda lib, s: s.as_strided((2,), (2,)), X, 1),
    "reaching_out": (lambda lib, s: s.as_strided((4,), (1,), 2), X, 0),
    "reaching_out_strided": (lambda lib, s: s.as_strided((3,), (2,), 0), X, 0),
    "inner_dim_spanning": (lambda lib, s: s.as_strided((3,), (1,), 0), X, 1),
    "before_a_slice": (lambda lib, s: s[1:].as_strided((2,), (1,), 0), X, 0),
    "slice_offset": (lambda lib, s: s[1:].as_strided((2,), (1,)), X, 0),
    "empty": (lambda lib, s: s.as_strided((0,), (1,), 7), X, 0),
    "grad": (lambda lib, s: lib.func.grad(lambda u: u.as_strided((2,), (2,)).pow(2).sum())(s),
             X, 0),
    "grad_overlapping": (lambda lib, s: lib.func.grad(
        lambda u: u.as_strided((2, 2), (1, 1)).pow(2).sum())(s), X, 0),
    "nested": (lambda lib, s: lib.func.vmap(lambda u: u.as_strided((2,), (2,)))(s), Y, 0),
    "permuted": (lambda lib, s: s.as_strided((2, 2), (4, 1)), Y, "permuted"),
}


@pytest.mark.parametrize("name", list(STRIDED))
def test_as_strided_under_vmap(name):
    f, array, in_dim = STRIDED[name]

    def case(lib):
        x = lib.tensor(array)
        if in_dim == "permuted":  # the batch over a dim that is not outermost in memory
            x, in_dim_ = x.permute(1, 0, 2), 0
        else:
            in_dim_ = in_dim
        return lib.func.vmap(lambda s: f(lib, s), in_dims=in_dim_)(x)
    assert observe(case, dyngrad) == observe(case, torch)

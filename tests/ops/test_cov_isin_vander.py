"""cov, corrcoef, isin and vander against torch: weights of both kinds, corrections that
leave no degrees of freedom, one variable, the graphs recorded (torch composes all of
them), gradients, and torch's errors."""
import warnings

import numpy as np
import pytest

import dyngrad
import torch

X = np.random.default_rng(2).standard_normal((3, 5))
FW = [1, 2, 1, 0, 3]
AW = [0.5, 1.0, 0.2, 0.7, 1.5]

CASES = {
    "cov": lambda t, x: t.cov(x),
    "cov_method": lambda t, x: x.cov(correction=0),
    "cov_fweights": lambda t, x: t.cov(x, fweights=t.tensor(FW)),
    "cov_aweights": lambda t, x: t.cov(x, aweights=t.tensor(AW, dtype=t.float64)),
    "cov_both": lambda t, x: t.cov(x, correction=2, fweights=t.tensor(FW),
                                   aweights=t.tensor(AW, dtype=t.float64)),
    "cov_vector": lambda t, x: t.cov(x[0]),
    "cov_no_freedom": lambda t, x: t.cov(x[:, :1]),
    "cov_one_freedom": lambda t, x: t.cov(x[:, :2]),
    "cov_below_freedom": lambda t, x: t.cov(x[:, :1], correction=2),
    # a float norm below 0 is zeroed to +0 (inf, not -inf, where the products are > 0)
    "cov_below_freedom_aweights": lambda t, x: t.cov(
        x[:, :2], correction=3, aweights=t.tensor([1.0, 1.0], dtype=t.float64)),
    "cov_aweights_zero": lambda t, x: t.cov(x, aweights=t.tensor([0.5, 0, 1, 1, 1],
                                                                 dtype=t.float64)),
    "corrcoef": lambda t, x: t.corrcoef(x),
    "corrcoef_method": lambda t, x: x.corrcoef(),
    "corrcoef_vector": lambda t, x: t.corrcoef(x[1]),
    # rounding takes these past 1 and -1: the clip brings them back
    "corrcoef_clipped": lambda t, x: t.corrcoef(_proportional(t, x)),
    "corrcoef_complex": lambda t, x: t.view_as_real(t.corrcoef(_proportional(t, x, True))),
    "vander": lambda t, x: t.vander(x[0]),
    "vander_increasing_n": lambda t, x: t.vander(x[0], N=3, increasing=True),
    "vander_n0": lambda t, x: t.vander(x[0], N=0),
    "vander_n1": lambda t, x: t.vander(x[0], N=1),
    "vander_n2": lambda t, x: t.vander(x[0], N=2),
    "vander_empty": lambda t, x: t.vander(x[0, :0]),
    "linalg_vander": lambda t, x: t.linalg.vander(x[:, :3], N=4),
    "linalg_vander_vector": lambda t, x: t.linalg.vander(x[0]),
    "linalg_vander_batch": lambda t, x: t.linalg.vander(x[None, :2]),
    "linalg_vander_n2": lambda t, x: t.linalg.vander(x[0], N=2),
    "linalg_vander_number": lambda t, x: t.linalg.vander(x[0, 0], N=3),
    "linalg_vander_complex": lambda t, x: t.view_as_real(t.linalg.vander(x[0] * (1 + 2j), N=3)),
    "linalg_vander_int": lambda t, x: t.linalg.vander(t.tensor([2, -1, 3], dtype=t.int8), N=4),
}
ERRORS = {
    "cov_3d": lambda t, x: t.cov(x[None]),
    "cov_fweights_float": lambda t, x: t.cov(x, fweights=t.tensor(AW)),
    "cov_fweights_negative": lambda t, x: t.cov(x, fweights=t.tensor([1, -1, 1, 1, 1])),
    "cov_aweights_size": lambda t, x: t.cov(x, aweights=t.tensor(AW[:3])),
    "cov_zero_weights": lambda t, x: t.cov(x, fweights=t.tensor([0, 0, 0, 0, 0])),
    "cov_bool": lambda t, x: t.cov(x > 0),
    "cov_fweights_2d": lambda t, x: t.cov(x, fweights=t.tensor([FW])),
    "cov_fweights_size": lambda t, x: t.cov(x, fweights=t.tensor(FW[:3])),
    "cov_aweights_2d": lambda t, x: t.cov(x, aweights=t.tensor([AW], dtype=t.float64)),
    "cov_aweights_int": lambda t, x: t.cov(x, aweights=t.tensor(FW)),
    "cov_aweights_negative": lambda t, x: t.cov(x, aweights=t.tensor([0.5, -1, 1, 1, 1],
                                                                     dtype=t.float64)),
    "corrcoef_3d": lambda t, x: t.corrcoef(x[None]),
    "vander_2d": lambda t, x: t.vander(x),
    "vander_negative_n": lambda t, x: t.vander(x[0], N=-1),
    "linalg_vander_n1": lambda t, x: t.linalg.vander(x[0], N=1),
    "linalg_vander_number_n1": lambda t, x: t.linalg.vander(x[0, 0]),
    "linalg_vander_bool": lambda t, x: t.linalg.vander(x[0] > 0, N=3),
    "linalg_vander_half": lambda t, x: t.linalg.vander(x[0].half(), N=3),
}


def _proportional(t, x, complex_=False):
    """Rows in proportion: rounding takes their correlations past 1 and -1 (real and, for
    the complex rows, imaginary parts) in both libraries, where they are clipped alike."""
    x = x[0]
    if complex_:
        return t.stack([x * (1 + 0j), x * 1j, x * (-3j / 7), x * (-2 + 0j)])
    return t.stack([x, x * 7, x * (-13 / 7)])


@pytest.mark.parametrize("complex_", [False, True])
def test_corrcoef_clips_to_one_exactly(complex_):
    # the clip moves values by 2e-16, under any tolerance: compare where they are +-1
    parts = []
    for lib in (torch, dyngrad):
        c = lib.corrcoef(_proportional(lib, lib.tensor(X), complex_))
        parts.append([c.real.numpy(), c.imag.numpy()] if complex_ else [c.numpy()])
    for want, got in zip(*parts):
        assert np.abs(got).max() <= 1
        np.testing.assert_array_equal(np.abs(got) == 1, np.abs(want) == 1)


def _graph(node, depth=0):
    if node is None or depth > 8:
        return None
    return (node.name(), tuple(_graph(n, depth + 1) for n, _ in node.next_functions))


def _run(lib, call):
    x = lib.tensor(X, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            y = call(lib, x)
        except RuntimeError as e:
            return type(e).__name__, str(e)
    try:
        g, = lib.autograd.grad(y.sum(), x, allow_unused=True)
        g = None if g is None else g.numpy()
    except RuntimeError as e:  # vander's backward fails in torch: its cumprod reads a view
        g = str(e)             # that the next copy overwrites
    # (torch's warnings from C++ say where they were triggered; dyngrad's do not)
    warned = [str(c.message).split(" (Triggered internally")[0] for c in caught]
    return y.detach().numpy(), g, _graph(y.grad_fn), warned, str(y.dtype)


@pytest.mark.parametrize("name", list(CASES) + list(ERRORS))
def test_matches_torch(name):
    call = CASES.get(name) or ERRORS[name]
    want, got = _run(torch, call), _run(dyngrad, call)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[2:] == want[2:]
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12, equal_nan=True)
    if isinstance(want[1], str):
        assert got[1] == want[1]
    elif want[1] is not None:
        np.testing.assert_allclose(got[1], want[1], rtol=1e-10, atol=1e-12, equal_nan=True)


ISIN = [("int_in_int", [1, 2, 3, 4], [2, 4], {}), ("float_in_int", [1.5, 2.0], [2], {}),
        ("inverted", [1, 2, 3], [3, 9], {"invert": True}), ("number_test", [1, 2], 2, {}),
        ("number_element", 3, [3, 4], {}), ("empty", [], [1], {}), ("nan", [float("nan")], [float("nan")], {}),
        ("matrix", [[1, 2], [3, 4]], [4, 1], {"assume_unique": True})]


@pytest.mark.parametrize("name,elements,test,kw", ISIN, ids=[c[0] for c in ISIN])
def test_isin_matches_torch(name, elements, test, kw):
    out = []
    for lib in (torch, dyngrad):
        a = lib.tensor(elements) if isinstance(elements, list) else elements
        b = lib.tensor(test) if isinstance(test, list) else test
        r = lib.isin(a, b, **kw)
        out.append((r.numpy(), str(r.dtype)))
    np.testing.assert_array_equal(out[1][0], out[0][0])
    assert out[1][1] == out[0][1]


# the device follows the elements; on meta only the shape is there (a meta test-elements
# tensor too gives elements on the CPU a result of unset values: their shape is compared)
@pytest.mark.parametrize("devices", [("meta", "meta"), ("cpu", "meta"), ("meta", "cpu")])
def test_isin_on_meta_as_torch(devices):
    out = []
    for lib in (torch, dyngrad):
        r = lib.isin(lib.ones(2, 3, device=devices[0]), lib.ones(2, device=devices[1]))
        out.append((tuple(r.shape), str(r.dtype), str(r.device)))
    assert out[0] == out[1]


@pytest.mark.parametrize("elements, test", [([True], [True]), ([1.0], [1j])], ids=["bool", "complex"])
def test_isin_refuses_bool_and_complex_as_torch(elements, test):
    seen = []
    for lib in (torch, dyngrad):
        try:
            lib.isin(lib.tensor(elements), lib.tensor(test))
        except RuntimeError as e:
            seen.append(str(e))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_isin_refuses_two_numbers_as_torch():
    seen = []
    for lib in (torch, dyngrad):
        try:
            lib.isin(1, 2)
        except TypeError as e:
            seen.append(str(e))
    assert len(seen) == 2 and seen[0] == seen[1]

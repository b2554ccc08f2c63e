"""Forward-mode tangents of var, std, var_mean and std_mean against torch's, where they
branch: no degrees of freedom (2 / 0), an empty dim list (which reduces every dim but
counts none), 0-dim and empty inputs, constant inputs (std 0), infinities; and torch's
degrees-of-freedom warning, shown once per line as torch's is."""
import math
import warnings

import pytest
import torch

import dyngrad

INF = math.inf
INPUTS = {
    "0d": ([2.], [1.], ()),
    "one": ([2.], [-1.], (1,)),
    "three": ([0., 1., 5.], [1., 1., 0.001], (3,)),
    "mixed": ([0., 1., 5.], [1., 0., 0.5], (3,)),
    "at_mean": ([0., 1., 2.], [1., 1., 1.], (3,)),
    "constant": ([1., 1., 1.], [1., 0., 0.5], (3,)),
    "empty": ([], [], (0,)),
    "matrix": ([0., 1., 5., 2., 2., 2.], [1., 0., 0.5, 1., -1., 0.], (2, 3)),
    "inf": ([0., INF, 1.], [1., 0., 0.5], (3,)),
    "inf_last": ([0., 1., INF], [1., 0., 0.5], (3,)),
    "inf_tangent": ([0., 2.], [INF, 1.], (2,)),
}
DIMS = ["none", (), 0, -1]


def _tangents(lib, name, key, dim, correction):
    values, tangent, shape = INPUTS[key]
    x = lib.tensor(values).reshape(shape)
    t = lib.tensor(tangent).reshape(shape)
    f = getattr(lib, name)
    fw = lib.autograd.forward_ad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fw.dual_level():
            dual = fw.make_dual(x, t)
            out = f(dual, correction=correction) if dim == "none" else f(dual, dim, correction=correction)
            out = out if isinstance(out, tuple) else (out,)
            return [(fw.unpack_dual(o).primal.tolist(), fw.unpack_dual(o).tangent.tolist())
                    for o in out]


def _same(a, b):
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if math.isnan(a):
        return math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize("key", sorted(INPUTS))
def test_tangents_as_torch(name, key):
    for dim in DIMS:
        if dim in (0, -1) and key == "matrix":
            continue
        for correction in (0, 1, 4):
            want = _tangents(torch, name, key, dim, correction)
            got = _tangents(dyngrad, name, key, dim, correction)
            assert _same(want, got), (dim, correction, want, got)


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
def test_dof_warning_shown_once_per_line(name):
    def shown(lib):
        x = lib.ones(1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            for _ in range(3):
                getattr(lib, name)(x)
        return [str(w.message).split(" (Triggered")[0] for w in caught]
    assert shown(dyngrad) == shown(torch)

"""Lazy modules and uninitialized parameters against torch: the lazy repr and state dict,
materialisation on the first forward (sizes, torch's initial values from the same seed,
the class the module becomes), loading a state dict into a lazy module, and the errors."""
import copy

import numpy as np
import pytest

from side_by_side import assert_same

RNG = np.random.default_rng(1)
X2 = RNG.standard_normal((3, 5)).astype(np.float32)
X3 = RNG.standard_normal((2, 3, 6)).astype(np.float32)
X4 = RNG.standard_normal((2, 3, 5, 5)).astype(np.float32)
X5 = RNG.standard_normal((1, 2, 3, 4, 4)).astype(np.float32)


def _kinds(m):
    return {k: type(v).__name__ for k, v in m.state_dict().items()}


# name -> (make(nn), input)
LAZY = {
    "LazyLinear": (lambda nn: nn.LazyLinear(4), X3),
    "LazyLinear_nobias_double": (lambda nn: nn.LazyLinear(2, bias=False).double(), X2),
    "LazyConv1d": (lambda nn: nn.LazyConv1d(4, 3, stride=2, padding=1), X3),
    "LazyConv1d_unbatched": (lambda nn: nn.LazyConv1d(2, 2, bias=False), X3[0]),
    "LazyConv2d_groups": (lambda nn: nn.LazyConv2d(6, (2, 3), groups=3), X4),
    "LazyConv3d": (lambda nn: nn.LazyConv3d(2, 2, padding_mode="reflect", padding=1), X5),
    "LazyConvTranspose1d": (lambda nn: nn.LazyConvTranspose1d(2, 3, output_padding=1,
                                                              stride=2), X3),
    "LazyConvTranspose2d": (lambda nn: nn.LazyConvTranspose2d(4, 2, groups=1), X4),
    "LazyConvTranspose3d": (lambda nn: nn.LazyConvTranspose3d(1, (1, 2, 2)), X5),
    # (in float64: a normalisation's gradients cancel, float32 rounding would differ)
    "LazyBatchNorm1d": (lambda nn: nn.LazyBatchNorm1d(momentum=None).double(), X2),
    "LazyBatchNorm2d_no_affine": (lambda nn: nn.LazyBatchNorm2d(affine=False).double(), X4),
    "LazyBatchNorm3d_no_stats": (lambda nn: nn.LazyBatchNorm3d(track_running_stats=False)
                                 .double(), X5),
    "LazyInstanceNorm1d": (lambda nn: nn.LazyInstanceNorm1d().double(), X3),
    "LazyInstanceNorm2d_no_bias": (lambda nn: nn.LazyInstanceNorm2d(bias=False).double(), X4),
    "LazyInstanceNorm3d_plain": (lambda nn: nn.LazyInstanceNorm3d(
        affine=False, track_running_stats=False), X5.astype(np.float64)),
    "LazyConv2d_bad_groups": (lambda nn: nn.LazyConv2d(4, 3, groups=2), X4),
    "LazyConv2d_bad_dims": (lambda nn: nn.LazyConv2d(4, 3), X2),
    "LazyBatchNorm2d_bad_dims": (lambda nn: nn.LazyBatchNorm2d(), X3),
}


@pytest.mark.parametrize("name", LAZY)
def test_lazy_module(name):
    make, x = LAZY[name]

    def case(lib):
        lib.manual_seed(0)
        m = make(lib.nn)
        before = (repr(m), _kinds(m), m.has_uninitialized_params(), type(m).__name__)
        state = list(m.state_dict().values())
        inp = lib.tensor(x, dtype=state[0].dtype if state else None, requires_grad=True)
        out = m(inp)
        (out * out).sum().backward()
        return (before, repr(m), type(m).__name__, m.state_dict(), out, inp.grad,
                [p.grad for p in m.parameters()], [type(p).__name__ for p in m.parameters()],
                hasattr(m, "_initialize_hook"))
    assert_same(case, rtol=1e-5, atol=1e-6)


def _load(lib, source, target, x):
    nn = lib.nn
    m = target(nn)
    keys = m.load_state_dict(source(nn).state_dict())
    state = (type(m).__name__, repr(keys), _kinds(m))
    out = m(lib.tensor(x))
    return state, repr(m), m.state_dict(), out


LOADS = {
    # materialised by the load, then checked by the first forward
    "eager_into_lazy": (lambda nn: nn.Linear(5, 3), lambda nn: nn.LazyLinear(3), X2),
    "eager_into_lazy_wrong_input": (lambda nn: nn.Linear(4, 3), lambda nn: nn.LazyLinear(3), X2),
    "lazy_into_lazy": (lambda nn: nn.LazyLinear(3), lambda nn: nn.LazyLinear(3), X2),
    "lazy_into_eager": (lambda nn: nn.LazyLinear(3), lambda nn: nn.Linear(5, 3), X2),
    "batchnorm_into_lazy": (lambda nn: nn.BatchNorm2d(3), lambda nn: nn.LazyBatchNorm2d(), X4),
    "conv_into_lazy_nested": (lambda nn: nn.Sequential(nn.Conv2d(3, 2, 2)),
                              lambda nn: nn.Sequential(nn.LazyConv2d(2, 2)), X4),
}


@pytest.mark.parametrize("name", LOADS)
def test_load_state_dict(name):
    source, target, x = LOADS[name]

    def case(lib):
        lib.manual_seed(0)
        return _load(lib, source, target, x)
    assert_same(case, rtol=1e-5, atol=1e-6)


def _uninitialized(lib):
    P = lib.nn.UninitializedParameter
    B = lib.nn.UninitializedBuffer
    p, b, q = P(), B(), P(False, None, lib.float64)
    before = [repr(p), repr(b), repr(q), p.requires_grad, b.requires_grad, q.requires_grad,
              str(p.dtype), str(q.dtype), tuple(p.size()), isinstance(b, lib.nn.Buffer),
              lib.nn.parameter.is_lazy(p), type(copy.deepcopy(q)).__name__,
              str(copy.deepcopy(q).dtype), repr(p.double()), str(p.double().dtype)]
    p.materialize((2, 3))
    b.materialize((4,), dtype=lib.float16)
    return before, type(p).__name__, tuple(p.shape), type(b).__name__, b.dtype, b.shape, \
        p.requires_grad, lib.nn.parameter.is_lazy(p)


def test_uninitialized_parameter_and_buffer():
    assert_same(lambda lib: _uninitialized(lib))


@pytest.mark.parametrize("touch", [lambda p: p.shape, lambda p: p.share_memory_()])
def test_uninitialized_refuses(touch):
    assert_same(lambda lib: touch(lib.nn.UninitializedParameter()))


def test_module_methods():
    def case(lib):
        m = lib.nn.LazyLinear(3)
        out = [m.cls_to_become.__name__, isinstance(lib.nn.LazyBatchNorm1d(), lib.nn.BatchNorm1d)]
        try:
            m._replicate_for_data_parallel()
        except RuntimeError as e:
            out.append(str(e))
        seen = []
        m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *rest: seen.append(
            (type(mod).__name__, sorted(sd), prefix)))
        m.load_state_dict(lib.nn.Linear(2, 3).state_dict())
        return out, seen, repr(copy.deepcopy(m)), _kinds(copy.deepcopy(lib.nn.LazyLinear(2)))
    assert_same(case)

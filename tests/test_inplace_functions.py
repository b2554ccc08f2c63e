"""torch.<name>_(input, ...), the in-place methods torch also exposes as functions: each
against torch (the written input, its version, the node recorded), and torch's refusal of
something that is not a tensor."""
import numpy as np
import pytest

import dyngrad
import torch

X = np.array([[0.2, 0.7, 1.5], [2.5, 0.4, 0.9]], np.float32)
ARGS = {"clamp_": (0.3, 1.0), "clamp_max_": (0.8,), "clamp_min_": (0.5,), "clip_": (0.3, 1.0),
        "fill_": (2.5,), "as_strided_": ((2, 2), (1, 2)), "xlogy_": (3.0,), "logit_": (0.1,),
        "resize_as_": "other"}
NAMES = ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
         "arctanh_", "as_strided_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
         "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_",
         "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "i0_",
         "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_",
         "rad2deg_", "reciprocal_", "relu_", "resize_as_", "rsqrt_", "sigmoid_", "sin_",
         "sinc_", "sinh_", "sqrt_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_"]


def _run(lib, name):
    # (a tensor that requires grad cannot be resized)
    leaf = lib.tensor(X, requires_grad=name != "resize_as_")
    x = leaf * 1
    args = ARGS.get(name, ())
    if args == "other":
        args = (lib.zeros(3, 2),)
    out = getattr(lib, name)(x, *args)
    node = out.grad_fn.name() if out.grad_fn is not None else None
    return out is x, out.detach().numpy(), x._version, node


@pytest.mark.parametrize("name", NAMES)
def test_inplace_function_matches_torch(name):
    want, got = _run(torch, name), _run(dyngrad, name)
    assert got[0] == want[0] and got[2:] == want[2:]
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("name", ["exp_", "relu_", "zero_"])
def test_non_tensor_refused(name):
    seen = []
    for lib in (torch, dyngrad):
        try:
            getattr(lib, name)([1.0, 2.0])
        except TypeError as e:
            seen.append(str(e))
    assert len(seen) == 2 and seen[0] == seen[1]

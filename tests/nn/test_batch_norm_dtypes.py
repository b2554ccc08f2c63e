"""F.batch_norm over mixed dtypes, against torch: which parameter dtypes an input accepts
(float32 parameters with a bfloat16 or float16 input, else the input's own), the error
otherwise (its text depends on the first parameter given and on training), the result's
and the statistics' dtypes, the running statistics updated in the input's precision, and
the gradients."""
import pytest

from side_by_side import assert_same

DTYPES = ["float32", "float64", "bfloat16", "float16"]
# (weight, bias, running stats); "x" stands for the input's dtype
PARAMS = [("x", "x", "x"), (None, None, "float32"), ("float32", "float32", "float32"),
          ("float32", "float64", None), ("x", None, "float32"), ("float32", None, "x"),
          (None, "float32", None), ("float64", None, "float64"), ("x", "x", "float16")]


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_parameter_dtypes(dtype, params, training):
    def case(lib):
        g = lib.Generator().manual_seed(0)
        dt = (lambda name: getattr(lib, dtype if name == "x" else name))
        x = (lib.randn(6, 3, 4, generator=g) * 3 + 1).to(dt("x")).requires_grad_()
        w, b, stats = params
        weight = None if w is None else lib.randn(3, generator=g).to(dt(w)).requires_grad_()
        bias = None if b is None else lib.randn(3, generator=g).to(dt(b))
        rm = rv = None
        if stats is not None:
            rm = lib.randn(3, generator=g).to(dt(stats))
            rv = (lib.rand(3, generator=g) + 0.5).to(dt(stats))
        out = lib.nn.functional.batch_norm(x, rm, rv, weight, bias,
                                           training=training or rm is None)
        out.backward(lib.full_like(out, 0.3))
        results = (out, x.grad, None if weight is None else weight.grad, rm, rv)
        # (torch's .numpy() refuses bfloat16: compared as float64 values and a dtype)
        return out.grad_fn.name(), [None if t is None else (t.dtype, t.detach().double())
                                    for t in results]
    # a half-precision result may round the other way (and float16 is computed in float16
    # here, in float32 by torch)
    low = dtype in ("float16", "bfloat16")
    assert_same(case, rtol=1e-2 if low else 1e-5, atol=1e-2 if low else 1e-6)

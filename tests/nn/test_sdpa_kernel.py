"""torch.nn.attention.sdpa_kernel and SDPBackend, and torch.backends.cuda's sdp switches,
against torch: which kernel scaled_dot_product_attention runs (its node name), the error
when none may run, the switches inside and after the block, and the enum's printing."""
import importlib

import pytest

from side_by_side import assert_same

Q = [[[[0.1, 0.2, -0.3], [0.5, 0.1, 0.0], [-0.2, 0.4, 0.3]]]]


@pytest.mark.parametrize("choice", ["MATH", ["FLASH_ATTENTION"], ["FLASH_ATTENTION", "MATH"],
                                    ["EFFICIENT_ATTENTION"], [], ["CUDNN_ATTENTION", "MATH"]])
@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_kernel_choice(choice, dropout):
    def case(lib):
        attention = importlib.import_module(lib.__name__ + ".nn.attention")
        B = attention.SDPBackend
        backends = getattr(B, choice) if isinstance(choice, str) else [getattr(B, c)
                                                                        for c in choice]
        q = lib.tensor(Q, requires_grad=True)
        cuda = lib.backends.cuda
        lib.manual_seed(0)
        with attention.sdpa_kernel(backends):
            flags = (cuda.flash_sdp_enabled(), cuda.math_sdp_enabled(),
                     cuda.mem_efficient_sdp_enabled(), cuda.cudnn_sdp_enabled())
            out = lib.nn.functional.scaled_dot_product_attention(q, q, q, dropout_p=dropout,
                                                                 is_causal=True)
            out.sum().backward()
        return flags, out, q.grad, cuda.flash_sdp_enabled(), cuda.math_sdp_enabled()
    assert_same(case, rtol=1e-6)


def test_switches_enum_and_errors():
    def case(lib):
        attention = importlib.import_module(lib.__name__ + ".nn.attention")
        B = attention.SDPBackend
        q = lib.tensor(Q)
        lib.backends.cuda.enable_flash_sdp(False)
        try:
            name = lib.nn.functional.scaled_dot_product_attention(
                q.requires_grad_(), q, q).grad_fn.name()
        finally:
            lib.backends.cuda.enable_flash_sdp(True)
        with pytest.raises(AssertionError) as err:
            with attention.sdpa_kernel("math"):
                pass
        return (name, str(err.value), repr(B.MATH), str(B.FLASH_ATTENTION), int(B.ERROR),
                list(B.__members__))
    assert_same(case)


@pytest.mark.parametrize("mask_shape", [(), (6,), (4, 6), (4, 1), (3, 4, 6), (1, 4, 6),
                                        (2, 3, 4, 6), (1, 1, 1, 6),
                                        # masks that do not broadcast to the scores' shape
                                        (3, 1, 4, 6), (5, 6), (2, 2, 3, 4, 6)])
@pytest.mark.parametrize("mask_dtype", ["bool", "float32", "float64", "float16", "int64"])
@pytest.mark.parametrize("query", [(2, 3, 4, 5), (3, 4, 5), (2, 3, 4, 5, "double")])
def test_mask_kinds(mask_shape, mask_dtype, query):
    # which masks are accepted (bool, float32 or the query's dtype), which kernel takes
    # them (flash: 2-d or 4-d masks), the shape error flash's check gives on 0-d/1-d, and
    # torch's errors for masks that would grow the scores
    def case(lib):
        dtype = lib.float64 if query[-1] == "double" else lib.float32
        shape = tuple(s for s in query if s != "double")
        g = lib.Generator().manual_seed(0)
        q = lib.randn(shape, generator=g, dtype=dtype, requires_grad=True)
        kv = lib.randn(shape[:-2] + (6, 5), generator=g, dtype=dtype)
        mask = lib.randn(mask_shape, generator=g) > 0
        mask = mask.to(getattr(lib, mask_dtype)) if mask_dtype != "bool" else mask
        out = lib.nn.functional.scaled_dot_product_attention(q, kv, kv, attn_mask=mask)
        out.sum().backward()
        return out, q.grad
    assert_same(case, rtol=1e-5, atol=1e-6)


def test_half_query_with_a_float32_mask():
    # the fused kernel adds a float32 mask to a half query's scores in float32: a mask
    # near 2048, where half's numbers are 2 apart, keeps the scores' differences (values
    # to half's rounding: torch's products of half numbers round otherwise)
    def case(lib):
        g = lib.Generator().manual_seed(0)
        q = lib.randn((1, 2, 3, 4), generator=g).half()
        kv = lib.randn((1, 2, 5, 4), generator=g).half()
        mask = lib.randn((3, 5), generator=g) + 2048
        return lib.nn.functional.scaled_dot_product_attention(q, kv, kv, attn_mask=mask)
    assert_same(case, atol=1e-2)

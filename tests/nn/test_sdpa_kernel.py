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

"""torch.nn.attention: choosing the kernels scaled_dot_product_attention may use.

    >>> attention = torch.nn.attention
    >>> with attention.sdpa_kernel(attention.SDPBackend.MATH):
    ...     torch.backends.cuda.flash_sdp_enabled()
    False
"""
import contextlib
from enum import IntEnum

from ..._runtime_flags import sdp_enabled as _sdp

__all__ = ["SDPBackend", "sdpa_kernel"]


class SDPBackend(IntEnum):
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __repr__(self):
        return f"<SDPBackend.{self.name}: {self.value}>"

    def __str__(self):
        return f"SDPBackend.{self.name}"


_FLAG = {SDPBackend.MATH: "math", SDPBackend.FLASH_ATTENTION: "flash",
         SDPBackend.EFFICIENT_ATTENTION: "mem_efficient", SDPBackend.CUDNN_ATTENTION: "cudnn",
         SDPBackend.OVERRIDEABLE: "overrideable"}


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Inside the block, scaled_dot_product_attention may use only ``backends`` (one or a
    list); the previous choice comes back after it. ``set_priority`` (the order of
    preference) is accepted: the CPU has one order, flash before math."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend "
                             f"instances, got {type(backends).__name__}")
    chosen = {backends} if isinstance(backends, SDPBackend) else set(backends)
    previous = dict(_sdp)
    for backend, flag in _FLAG.items():
        _sdp[flag] = backend in chosen
    try:
        yield {}
    finally:
        _sdp.update(previous)

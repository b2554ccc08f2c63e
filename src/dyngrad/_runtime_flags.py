"""The process-wide switches scripts set up front (threads, matmul precision, determinism,
default device). dyngrad's CPU arithmetic is already float32-exact and
deterministic, so they are recorded and reported back, changing no result."""
import os
import warnings

from ._size import check_device, device

_PRECISIONS = ("highest", "high", "medium")
_state = {"precision": "highest", "deterministic": False, "warn_only": False,
          "threads": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
          else os.cpu_count()}
# which scaled_dot_product_attention kernels may run (torch.backends.cuda.enable_*_sdp,
# torch.nn.attention.sdpa_kernel); on the CPU only "flash" and "math" exist
sdp_enabled = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True,
               "overrideable": True}


def set_float32_matmul_precision(precision):
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _state["precision"] = precision


def get_float32_matmul_precision():
    return _state["precision"]


def use_deterministic_algorithms(mode, *, warn_only=False):
    _state["deterministic"] = bool(mode)
    _state["warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]


def set_warn_always(b):
    """torch.set_warn_always: warnings torch gives once per process come every time."""
    _state["warn_always"] = bool(b)


def is_warn_always_enabled():
    return _state.get("warn_always", False)


def set_num_threads(n):
    if not isinstance(n, int) or isinstance(n, bool):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["threads"] = n


def get_num_threads():
    return _state["threads"]


def set_default_device(value):
    check_device(value, "set_default_device")


def get_default_device():
    return device("cpu")

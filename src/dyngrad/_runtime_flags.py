"""The process-wide switches scripts set up front (threads, matmul precision, determinism,
default device). dyngrad's CPU arithmetic is already float32-exact and
deterministic, so they are recorded and reported back, changing no result."""
import os
import warnings

from . import _size

_PRECISIONS = ("highest", "high", "medium")
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _initial_threads():
    # torch's intra-op pool: one thread a core, fewer where OMP_NUM_THREADS asks (a number
    # it cannot read, or more than the cores, leaves one a core); its inter-op pool keeps
    # one a core whatever the variable says
    asked = os.environ.get("OMP_NUM_THREADS", "")
    return min(int(asked), _CORES) if asked.isdigit() and int(asked) > 0 else _CORES


_state = {"precision": "highest", "deterministic": False, "warn_only": False,
          "threads": _initial_threads()}
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


_DEBUG_MODES = ("default", "warn", "error")


def set_deterministic_debug_mode(debug_mode):
    """0/"default": off; 1/"warn": deterministic, warning only; 2/"error": deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    elif debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]


def set_warn_always(b):
    """torch.set_warn_always: warnings torch gives once per process come every time."""
    _state["warn_always"] = bool(b)


def is_warn_always_enabled():
    return _state.get("warn_always", False)


_warned = set()


def warn_once(key, message, stacklevel=4):
    """torch's TORCH_WARN_ONCE: the first call in the process warns (every call, under
    set_warn_always(True))."""
    if key not in _warned or _state.get("warn_always", False):
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=stacklevel)


def set_num_threads(n):
    if not isinstance(n, int) or isinstance(n, bool):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["threads"] = n


def get_num_threads():
    return _state["threads"]


def set_num_interop_threads(n):
    # torch's inter-op pool is made once; after that its size is fixed
    if not isinstance(n, int) or isinstance(n, bool):
        raise RuntimeError(f"set_num_interop_threads expects an int, but got "
                           f"{type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if "interop" in _state:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _state["interop"] = n


def get_num_interop_threads():
    return _state.get("interop", _CORES)


def set_flush_denormal(mode):
    """Whether denormal floats may be flushed to zero: True where the CPU supports it, as
    torch answers on x86; NumPy's arithmetic keeps denormals, so nothing changes."""
    return True


def compiled_with_cxx11_abi():
    return True


def set_default_device(value):
    _size.set_default(value)


def get_default_device():
    return _size.default_device()

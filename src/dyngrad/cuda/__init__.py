"""torch.cuda as a CPU-only build of torch has it: nothing is available, seeding passes
through (there is no CUDA generator to seed), memory counters read zero, and whatever
would touch a device raises torch's error for a build without CUDA."""
import contextlib
import warnings

from .._size import device as _device
from . import amp  # noqa: F401
from ._legacy import (BFloat16Tensor, BoolTensor, ByteTensor, CharTensor,  # noqa: F401
                      DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor)

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _no_cuda(*args, **kwargs):
    raise AssertionError(_NOT_COMPILED)


def _no_binding(name):
    # what torch's CPU build does where the Python layer calls a CUDA binding it lacks
    def call(*args, **kwargs):
        raise AttributeError(f"module 'torch._C' has no attribute '{name}'")
    return call


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def get_arch_list():
    return []


def manual_seed(seed):
    # torch queues the seed for a CUDA that never initialises
    int(seed)


def manual_seed_all(seed):
    int(seed)


def seed():
    pass


def seed_all():
    pass


def set_rng_state(new_state, device="cuda"):
    pass  # queued, as the seeds are


def set_rng_state_all(new_states):
    pass


def empty_cache():
    pass


def memory_allocated(device=None):
    return 0


max_memory_allocated = memory_reserved = max_memory_reserved = memory_allocated


def memory_cached(device=None):
    warnings.warn("`torch.cuda.memory_cached` has been renamed to `torch.cuda.memory_reserved`",
                  FutureWarning, stacklevel=2)
    return 0


def max_memory_cached(device=None):
    warnings.warn("`torch.cuda.max_memory_cached` has been renamed to "
                  "`torch.cuda.max_memory_reserved`", FutureWarning, stacklevel=2)
    return 0


def memory_stats(device=None):
    from collections import OrderedDict
    return OrderedDict()


def _device_index(device):
    """torch's _get_device_index for a CUDA device: an int, or a cuda device/string."""
    if isinstance(device, str):
        device = _device(device)
    if isinstance(device, _device):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        device = device.index
    if device is None:
        raise ValueError("Expected a torch.device with a specified index or an integer, but "
                         "got:None")
    return device


def set_device(device):
    if _device_index(device) >= 0:
        _no_binding("_cuda_setDevice")()


class device:
    """``with torch.cuda.device(i)``: a negative index is no device at all."""

    def __init__(self, device):
        self.idx = None if device is None else _device_index(device)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:  # (None fails here, as in torch)
            return
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc):
        return False


class device_of(device):
    def __init__(self, obj):
        super().__init__(-1)  # a CPU tensor: no CUDA device to switch to


@contextlib.contextmanager
def stream(stream):
    if stream is not None:
        _no_cuda()
    yield


class Stream:
    def __new__(cls, *args, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


class Event:
    def __new__(cls, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event")


reset_peak_memory_stats = _no_binding("_cuda_resetPeakMemoryStats")
current_device = synchronize = init = _no_cuda
get_device_name = get_device_properties = get_device_capability = _no_cuda
current_stream = default_stream = get_rng_state = get_rng_state_all = _no_cuda
initial_seed = ipc_collect = mem_get_info = _no_cuda

"""torch.cuda as a CPU-only build of torch has it: nothing is available, seeding passes
through (there is no CUDA generator to seed), and asking for a device raises."""
from . import amp  # noqa: F401

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _no_cuda(*args, **kwargs):
    raise AssertionError(_NOT_COMPILED)


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def manual_seed(seed):
    # torch queues the seed for a CUDA that never initialises
    int(seed)


def manual_seed_all(seed):
    int(seed)


def empty_cache():
    pass


def memory_allocated(device=None):
    return 0


current_device = synchronize = init = _no_cuda

"""torch.cpu: the CPU as a device module (always there, one device), and its deprecated
``torch.cpu.amp`` spellings."""
from . import amp  # noqa: F401


def is_available():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def synchronize(device=None):
    """Nothing to wait for: CPU work is done when its call returns."""

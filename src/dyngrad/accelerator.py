"""torch.accelerator: no accelerator on a CPU machine."""

_NONE = "Cannot access accelerator device when none is available."


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0


def _none(*args, **kwargs):
    raise RuntimeError(_NONE)


set_device_index = set_device_idx = current_device_index = current_device_idx = _none
synchronize = current_stream = set_stream = _none


class device_index:
    """``with torch.accelerator.device_index(i)``: None is no device at all."""

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            _none()

    def __exit__(self, *exc):
        return False

"""torch.distributed: this build has the package (is_available is True, as in torch's CPU
wheel) but no process group is ever initialised, and dyngrad cannot start one."""


def is_available():
    return True


def is_initialized():
    return False

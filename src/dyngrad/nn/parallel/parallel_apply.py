"""parallel_apply (torch.nn.parallel.parallel_apply) on a machine without GPUs: torch's
checks of the lengths, then its refusal, as there is no accelerator to run on."""
from ._devices import NO_ACCELERATOR, cuda_index

__all__ = ["parallel_apply"]


def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    """Apply each module of ``modules`` to its inputs, each on its own GPU: without GPUs,
    refused after torch's checks of the arguments."""
    if len(modules) != len(inputs):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the "
                             f"number of inputs {len(inputs)}")
    if kwargs_tup is not None and len(modules) != len(kwargs_tup):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the "
                             f"number of kwargs_tup {len(kwargs_tup)}")
    if devices is not None and len(modules) != len(devices):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the "
                             f"number of devices {len(devices)}")
    devices = [None] * len(modules) if devices is None else devices
    for d in devices:
        if d is not None:
            cuda_index(d, "cuda")
    if devices:  # (the stream of the first device)
        raise RuntimeError(NO_ACCELERATOR)
    raise AssertionError("No available accelerator found.")

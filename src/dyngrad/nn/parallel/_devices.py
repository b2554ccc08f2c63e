"""How torch's nn.parallel helpers read a device on a machine without GPUs: a CPU device
is refused by name, any other is an index torch then cannot use."""


def cuda_index(device, expected):
    """torch's _get_device_index: ``expected`` names what a CPU device is not ("non cpu",
    "cuda")."""
    name = device if isinstance(device, str) else str(device)
    if isinstance(device, str) and (device == "cpu" or device.startswith("cpu:")) or (
            getattr(device, "type", None) == "cpu"):
        raise ValueError(f"Expected a {expected} device, but got: {name}")
    return device


NO_ACCELERATOR = "Cannot access accelerator device when none is available."

"""torch.memory_format values. dyngrad's tensors are NumPy arrays: ``clone`` and
``contiguous`` accept these and keep (or make) C order; channels_last is not a layout
dyngrad builds."""


class TorchConstant:
    """A named constant of torch's (a memory format, a layout): printed as torch.<name>,
    pickled by name."""
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    __str__ = __repr__

    def __reduce__(self):
        return self._name


class memory_format(TorchConstant):
    __slots__ = ()


preserve_format = memory_format("preserve_format")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")

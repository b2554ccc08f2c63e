"""torch.Size and torch.device: the small value types a Tensor hands out."""

from . import _backend

__all__ = ["Size", "device"]


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        self = tuple.__new__(cls, sizes)
        for v in self:
            if type(v) is not int:
                return tuple.__new__(cls, _ints(self))
        return self

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to "
                            "torch.Size")
        return Size(tuple.__add__(self, other))


def _ints(items):
    """torch.Size's items as ints (a 0-d integer tensor, a NumPy integer), or its TypeError."""
    out = []
    for k, v in enumerate(items):
        if isinstance(v, float) or not hasattr(v, "__index__"):
            raise TypeError(f"torch.Size() takes an iterable of 'int' (item {k} is "
                            f"'{type(v).__name__}')")
        out.append(v.__index__())
    return out


class device:
    """Where a tensor's data lives: ``cpu`` (NumPy's arrays) or ``meta`` (shapes and dtypes
    only, NOTE [Meta arrays]). As a context manager it is the device of the factories
    called inside that are given none (torch's DeviceContext), as ``set_default_device``
    is outside."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            raise TypeError(
                "device() received an invalid combination of arguments - got "
                f"({_type_name(type)}), but expected one of:\n * (torch.device device)\n"
                "      didn't match because some of the arguments have invalid types: "
                f"(!{_type_name(type)}!)\n * (str type, int index = -1)\n")
        text = type
        if ":" in type:
            type, idx = type.split(":", 1)
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{text}'")
            index = int(idx)
        if type not in DEVICE_TYPES:
            if type.strip() != type or not type.isalpha():
                raise RuntimeError(f"Invalid device string: '{text}'")
            raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start "
                               f"of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = type
        self.index = index

    def __eq__(self, other):
        # torch compares devices with devices only: ``t.device == "meta"`` is False
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __enter__(self):
        _DEFAULT.append(None if self.type == "cpu" else self)
        return self

    def __exit__(self, *exc):
        _DEFAULT.pop()


# the device types torch's parser knows (c10/core/DeviceType.cpp), in its order
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")


def _type_name(value):
    return type(value).__name__


CPU = device("cpu")
META = device("meta")
# the default device of factories: the innermost ``with torch.device(...)`` (or
# ``set_default_device``, at the bottom); None stands for the CPU
_DEFAULT = [None]


def default_device():
    return _DEFAULT[-1] or CPU


def set_default(value):
    _DEFAULT[0] = None if value is None or check_device(value, "set_default_device") is None \
        else META


def check_device(value, fn):
    """A factory's or ``to``'s ``device=`` (None: the default device): ``META`` for the
    meta device, None for the CPU; any other device raises what torch built without it
    raises."""
    if value is None:
        value = _DEFAULT[-1]
        if value is None:
            return None
    if value is CPU:
        return None
    if value is META:
        _backend.admit_meta()
        return META
    if not isinstance(value, (str, device, int)) or isinstance(value, bool):
        raise TypeError(f"{fn}(): argument 'device' must be torch.device, not "
                        f"{_type_name(value)}")
    d = device(value)
    if d.type == "cpu":
        return None
    if d.type == "meta":
        _backend.admit_meta()
        return META
    if d.type in ("cuda", "xpu"):
        raise AssertionError(f"Torch not compiled with {d.type.upper()} enabled")
    raise NotImplementedError(f"dyngrad has no '{d.type}' device: only the CPU and meta")

"""torch.finfo and torch.iinfo: the numerical limits of a dtype, printed as torch prints them."""
from . import _backend
from . import _dtype as _dt

xp = _backend.xp


def _g(v):
    # torch prints the limits with six significant digits (C++'s default stream format)
    return format(v, ".6g")


class finfo:
    """Machine limits of a floating-point dtype (of a complex dtype: its real part).

    >>> import dyngrad as torch
    >>> torch.finfo(torch.float32).eps
    1.1920928955078125e-07
    """

    __slots__ = ("bits", "eps", "max", "min", "resolution", "smallest_normal", "tiny", "dtype")

    def __init__(self, type=None):
        d = _dt.get_default_dtype() if type is None else type
        if not isinstance(d, _dt.dtype) or not (d.is_floating_point or d.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo "
                            "to handle 'torch.finfo'")
        d = d.to_real()
        info = xp.finfo(d.np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.resolution = 10.0 ** -int(info.precision)  # exactly, as torch computes it
        self.smallest_normal = float(info.smallest_normal)
        self.tiny = float(info.tiny)
        self.dtype = d._name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, max={_g(self.max)}, "
                f"eps={_g(self.eps)}, smallest_normal={_g(self.smallest_normal)}, "
                f"tiny={_g(self.tiny)}, dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """Machine limits of an integer dtype.

    >>> import dyngrad as torch
    >>> torch.iinfo(torch.uint8).max
    255
    """

    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):
        if type is _dt.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if not isinstance(type, _dt.dtype) or type.is_floating_point or type.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        info = xp.iinfo(type.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = type._name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"

    __str__ = __repr__

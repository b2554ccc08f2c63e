"""torch.finfo and torch.iinfo: the numerical limits of a dtype, printed as torch prints them."""
import math

from . import _backend
from . import _dtype as _dt

xp = _backend.xp

# the types NumPy has no finfo for (nor needs ml_dtypes for): bits, mantissa bits, largest
# value, smallest normal exponent. float8_e4m3fn has no infinity: its top exponent holds
# values up to 448.
_LOW_PRECISION = {"bfloat16": (16, 7, (2 - 2 ** -7) * 2.0 ** 127, -126),
                  "float8_e4m3fn": (8, 3, 448.0, -6),
                  "float8_e5m2": (8, 2, 57344.0, -14)}


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
        if d._name in _LOW_PRECISION:
            self.bits, mantissa, self.max, min_exponent = _LOW_PRECISION[d._name]
            self.eps = 2.0 ** -mantissa
            self.smallest_normal = 2.0 ** min_exponent
            precision = int(-math.log10(self.eps))
        else:
            info = xp.finfo(d.np)
            self.bits = int(info.bits)
            self.eps = float(info.eps)
            self.max = float(info.max)
            self.smallest_normal = float(info.smallest_normal)
            precision = int(info.precision)
        self.min = -self.max
        self.resolution = 10.0 ** -precision  # exactly, as torch computes it
        self.tiny = self.smallest_normal
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
        if isinstance(type, _dt._QuantizedDtype):
            raise NotImplementedError(f'"dtype" not implemented for \'{type._cname}\'')
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

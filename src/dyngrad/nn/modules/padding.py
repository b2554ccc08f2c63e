"""Padding modules: ConstantPad, ZeroPad, ReflectionPad, ReplicationPad and CircularPad
in 1, 2 and 3 dims, over ``F.pad``.

    >>> torch.nn.ZeroPad2d(1)(torch.ones(1, 1, 1, 2))
    tensor([[[[0., 0., 0., 0.],
              [0., 1., 1., 0.],
              [0., 0., 0., 0.]]]])
"""
from .. import functional as F
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


class _PadNd(Module):
    """``padding`` is (left, right) per padded dim, last dim first; an int pads every side."""
    _n = 0
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = (tuple(padding) if isinstance(padding, (tuple, list))
                        else (padding,) * (2 * self._n))

    def forward(self, input):
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ConstantPad1d(_ConstantPadNd):
    _n = 1


class ConstantPad2d(_ConstantPadNd):
    _n = 2


class ConstantPad3d(_ConstantPadNd):
    _n = 3


class ZeroPad1d(_ZeroPadNd):
    _n = 1


class ZeroPad2d(_ZeroPadNd):
    _n = 2


class ZeroPad3d(_ZeroPadNd):
    _n = 3


class ReflectionPad1d(_PadNd):
    _n = 1
    _mode = "reflect"


class ReflectionPad2d(_PadNd):
    _n = 2
    _mode = "reflect"


class ReflectionPad3d(_PadNd):
    _n = 3
    _mode = "reflect"


class ReplicationPad1d(_PadNd):
    _n = 1
    _mode = "replicate"


class ReplicationPad2d(_PadNd):
    _n = 2
    _mode = "replicate"


class ReplicationPad3d(_PadNd):
    _n = 3
    _mode = "replicate"


class CircularPad1d(_PadNd):
    _n = 1
    _mode = "circular"


class CircularPad2d(_PadNd):
    _n = 2
    _mode = "circular"


class CircularPad3d(_PadNd):
    _n = 3
    _mode = "circular"

"""Tensor methods and properties that describe a tensor rather than compute from it:
``is_signed() is_same_size() is_nonzero()``, ``nbytes``, ``itemsize``, and the conjugate
transposes ``mH`` / ``adjoint()``."""
from .torch_shape import H, adjoint, mH


def is_signed(self):
    return self.dtype.is_signed


def is_same_size(self, other):
    return tuple(self.shape) == tuple(other.shape)


def is_nonzero(self):
    n = self.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.item())


METHODS = {"is_signed": is_signed, "is_same_size": is_same_size, "is_nonzero": is_nonzero,
           "adjoint": adjoint}


PROPERTIES = {"mH": mH, "H": H, "nbytes": lambda self: self.numel() * self.element_size(),
              "itemsize": lambda self: self.element_size()}

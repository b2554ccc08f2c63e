"""addcmul, addcdiv and lerp: the three-input updates optimizers are written with.

torch's CPU kernels compute ``self + value * t1 * t2`` as one fused multiply-add
(``fma(value * t1, t2, self)``) and ``lerp`` as ``fma(weight, end - self, self)`` (for
``|weight| < 0.5``, else ``fma(weight - 1, end - self, end)``): one rounding where NumPy
would make two. ``fma`` reproduces that rounding exactly (``_cpu_math``), so that an
optimizer's float32 and float64 steps give torch's bits.
"""
from .. import _backend
from ._promote import binary
from ._table import Op
from .pointwise import fma, mul_scalar

xp = _backend.xp


def _addcmul(self, tensor1, tensor2, value):
    return fma(binary(xp.multiply, tensor1, value), tensor2, self)


def _addcdiv(self, tensor1, tensor2, value):
    return binary(xp.add, self, binary(xp.divide, binary(xp.multiply, tensor1, value), tensor2))


def _lerp(self, end, weight):
    diff = binary(xp.subtract, end, self)
    if abs(weight) < 0.5:
        return fma(weight, diff, self)
    return fma(weight - 1, diff, end)


def _scalar_over(value, tensor):
    # ``value / tensor`` in a formula: torch divides a wrapped number (DivBackward0)
    from .pointwise import div
    data = getattr(tensor, "_data", tensor)
    number = xp.asarray(value, dtype=data.dtype)
    if hasattr(tensor, "_data"):
        from ..tensor import _wrap
        number = _wrap(number)
    return div(number, tensor)


addcmul = Op("AddcmulBackward0", _addcmul,
             self=lambda grad: grad,
             tensor1=lambda grad, tensor2, value: grad * mul_scalar(tensor2, value),
             tensor2=lambda grad, tensor1, value: grad * mul_scalar(tensor1, value))
addcdiv = Op("AddcdivBackward0", _addcdiv,
             self=lambda grad: grad,
             tensor1=lambda grad, tensor2, value: grad * _scalar_over(value, tensor2),
             tensor2=lambda grad, tensor1, tensor2, value:
                 -grad * (mul_scalar(tensor1, value) / (tensor2 * tensor2)))
lerp = Op("LerpBackward0", _lerp,
          self=lambda grad, weight: mul_scalar(grad, 1 - weight),
          end=lambda grad, weight: mul_scalar(grad, weight))

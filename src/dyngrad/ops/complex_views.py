"""view_as_real and view_as_complex: a complex tensor seen as pairs of reals, and back,
sharing its memory (views in autograd's sense, as in torch)."""
from .. import _backend
from ._table import LINEAR, Op

xp = _backend.xp
_REAL = {xp.dtype(xp.complex64): xp.dtype(xp.float32),
         xp.dtype(xp.complex128): xp.dtype(xp.float64)}
_COMPLEX = {r: c for c, r in _REAL.items()}


def _view_as_real(self):
    return self[..., None].view(_REAL[self.dtype])


def _view_as_complex(self):
    if self.strides[-1] != self.itemsize or any(s % (2 * self.itemsize)
                                                for s in self.strides[:-1]):
        self = xp.ascontiguousarray(self)  # (a gradient: the public function checked)
    return self.view(_COMPLEX[self.dtype])[..., 0]


view_as_real_op = Op("ViewAsRealBackward0", _view_as_real, view=True, jvp=LINEAR,
                     self=lambda grad: view_as_complex_op(grad))
view_as_complex_op = Op("ViewAsComplexBackward0", _view_as_complex, view=True, jvp=LINEAR,
                        self=lambda grad: view_as_real_op(grad))


def view_as_real(input):
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return view_as_real_op(input)


def view_as_complex(input):
    data = input._data
    half = data.dtype == xp.float16  # (torch's complex32, which dyngrad lacks: refused last)
    if data.dtype not in _COMPLEX and not half:
        raise RuntimeError(f"view_as_complex is only supported for half, float and double "
                           f"tensors, "
                           f"but got a tensor of scalar type: {input.dtype._cname}")
    if data.ndim == 0 or data.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if half:
        raise NotImplementedError("complex32 (ComplexHalf) tensors are not supported yet")
    if data.strides[-1] != data.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * data.itemsize) for s in data.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last "
                           "dimension")
    return view_as_complex_op(input)


def real(input):
    """The real part, a view (a real tensor is its own real part), as torch builds it."""
    return view_as_real_op(input).select(-1, 0) if input.is_complex() else input


def imag(input):
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return view_as_real_op(input).select(-1, 1)


FUNCTIONS = {"view_as_real": view_as_real, "view_as_complex": view_as_complex,
             "real": real, "imag": imag}

"""In-place forms and small companions of the table's functions: ``square_ round_
cumsum_ cumprod_ fill_diagonal_ conj_physical(_) resolve_neg is_neg``, ``torch.fill``,
``embedding_renorm_``, and the torch-level spellings of nn's in-place activations and
alpha dropouts. Each is its function's op written in place (apply_inplace), so the node
is the function's, as in torch.

>>> import dyngrad as torch
>>> torch.tensor([[1., 2.], [3., 4.]]).fill_diagonal_(0)
tensor([[0., 2.],
        [3., 0.]])
"""
from .. import _backend
from .._sparse_coo import SparseCoo
from ..tensor import _CPP_TYPE, Tensor, _wrap_dim
from . import pointwise as pw, prod, reduction as red, torch_math as tm, torch_nn
from .torch_shape import check_fill_value
from ._promote import type_name
from ._table import LINEAR, Op, derivative_not_implemented
from .inplace import _fill, apply_inplace
from .pointwise import zeros_like

xp = _backend.xp


def square_(self):
    if self._data.dtype.kind == "b":  # (square is pow(x, 2): a long result)
        raise RuntimeError("result type Long can't be cast to the desired output type Bool")
    return tm.INPLACE["pow_"](self, 2)


def round_(self, *, decimals=0):
    if self._data.dtype.kind == "c":
        kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{self.dtype._cname}\'')
    if decimals == 0:
        return apply_inplace(pw.round_, self, (self,))
    pw.round(self, decimals=decimals)  # (its refusals)
    return apply_inplace(pw.round_decimals, self, (self, decimals))


def _scan_(name, op):
    """cumsum_ / cumprod_: the scan in the tensor's own dtype, written in place."""
    def scan_(self, dim, *, dtype=None):
        if dtype is not None and dtype is not self.dtype:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {_CPP_TYPE[self.dtype]} "
                               f"and output tensor dtype {_CPP_TYPE[dtype]} should match")
        if self._data.dtype.kind == "b":
            raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')
        return apply_inplace(op, self, (self, _wrap_dim(dim, self.dim()), self.dtype))
    scan_.__name__ = name + "_"
    return scan_


# floor_divide has no derivative; its in-place form's backward names itself
floor_divide__op = Op("torch::autograd::NotImplemented", pw.floor_divide.forward,
                      inplace_cast=type_name, self=pw._not_implemented("floor_divide_"),
                      other=pw._not_implemented("floor_divide_"))


def floor_divide_(self, other):
    return apply_inplace(floor_divide__op, self, (self, other))


# -- conj_physical: an eager conjugate (dyngrad's conj is eager too) -------------------------
def _conj_physical(self):
    # (a real tensor is copied: NumPy's conjugate of bool gives int8)
    return xp.conjugate(self) if self.dtype.kind == "c" else self.copy()


conj_physical_op = Op("ConjPhysicalBackward0", _conj_physical, jvp=LINEAR,
                      self=lambda grad: conj_physical_op(grad))
# the in-place form records its own node, for real tensors too (torch's ConjPhysicalBackward1)
conj_physical__op = Op("ConjPhysicalBackward1", _conj_physical, jvp=LINEAR,
                       self=lambda grad: conj_physical_op(grad))


def conj_physical(input):
    """The complex conjugate, computed; a real tensor is returned as it is."""
    return conj_physical_op(input) if input.is_complex() else input


def conj_physical_(self):
    if type(self._data) is SparseCoo and self.is_complex():
        raise RuntimeError("unsupported tensor layout: Sparse")
    return apply_inplace(conj_physical__op, self, (self,))


# dyngrad negates eagerly (no lazy negative bit): nothing is ever left to resolve
def is_neg(input):
    return False


def resolve_neg(input):
    return input


# -- fill, fill_diagonal_ ------------------------------------------------------------------------
fill_op = Op("FillBackward0", _fill, jvp=lambda self_t: zeros_like(self_t),
             self=lambda grad: zeros_like(grad))
fill_tensor_op = Op("FillBackward1", _fill, jvp=LINEAR, self=lambda grad: zeros_like(grad),
                    value=lambda grad: grad.sum())


def fill(input, value):
    """torch.fill: a new tensor of ``input``'s shape and dtype holding ``value``."""
    check_fill_value(input, value)
    if isinstance(value, Tensor):
        return fill_tensor_op(input, value)
    return fill_op(input, value)


def fill_diagonal_(self, fill_value, wrap=False):
    """As torch writes it: the diagonal as a strided view of ``self``, filled (a tall
    matrix with ``wrap`` gets a second view, starting ``width + 1`` rows down)."""
    shape = tuple(self.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    height, width = shape[:2]
    size, stride = min(height, width), sum(self.stride())
    offset = self.storage_offset()
    self.as_strided((size,), (stride,), offset).fill_(fill_value)
    if wrap and len(shape) == 2 and height > width + 1:
        step = width + 1
        self.as_strided(((self.numel() + step - 1) // step - size,), (stride,),
                        offset + self.stride(0) * step).fill_(fill_value)
    return self


# -- embedding_renorm_ ----------------------------------------------------------------------------
def _embedding_renorm(self, indices, max_norm, norm_type):
    # the rows looked up, scaled down to max_norm (by max_norm / (norm + 1e-7)) where their
    # norm is above it; norms in double, as torch's kernel accumulates
    out = self.copy()
    rows = xp.unique(indices.reshape(-1))
    norms = xp.linalg.norm(out[rows].astype(xp.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    out[rows[big]] *= (max_norm / (norms[big] + 1e-7)).astype(out.dtype)[:, None]
    return out


embedding_renorm_op = Op("EmbeddingRenormBackward0", _embedding_renorm, nondiff=("indices",),
                         jvp_name="embedding_renorm_",
                         self=derivative_not_implemented("embedding_renorm"))


def embedding_renorm_(input, indices, max_norm, norm_type):
    return apply_inplace(embedding_renorm_op, input, (input, indices, float(max_norm),
                                                      float(norm_type)))


# -- nn's in-place forms, as torch.* functions ----------------------------------------------------
def _functional(name):
    def fn(*args, **kwargs):
        from ..nn import functional as F
        return getattr(F, name)(*args, **kwargs)
    fn.__name__ = name
    return fn


def alpha_dropout_(input, p, train):
    torch_nn._check_p(p)
    return torch_nn._alpha_dropout(input, p, train, tuple(input.shape), True)


def feature_alpha_dropout_(input, p, train):
    torch_nn._check_p(p)
    return torch_nn._alpha_dropout(input, p, train, torch_nn._feature_shape(input), True)


FUNCTIONS = {
    "square_": square_, "round_": round_, "conj_physical": conj_physical,
    "conj_physical_": conj_physical_, "is_neg": is_neg, "resolve_neg": resolve_neg,
    "fill": fill, "embedding_renorm_": embedding_renorm_, "alpha_dropout_": alpha_dropout_,
    "feature_alpha_dropout_": feature_alpha_dropout_,
    **{n: _functional(n) for n in ("threshold_", "selu_", "celu_")},
}
METHODS = {
    "square_": square_, "round_": round_, "cumsum_": _scan_("cumsum", red.cumsum),
    "cumprod_": _scan_("cumprod", prod.cumprod_op), "conj_physical": conj_physical,
    "conj_physical_": conj_physical_, "is_neg": is_neg, "resolve_neg": resolve_neg,
    "fill_diagonal_": fill_diagonal_, "floor_divide_": floor_divide_,
}

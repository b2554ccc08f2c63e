"""torch's native_* entry points and torch.convolution: the ops under nn.functional's
normalizations, dropout and convolutions, called as torch exposes them (every output,
all arguments positional as in their schemas).

    >>> out, mean, rstd = torch.native_layer_norm(torch.tensor([[1., 3.]]), [2], None, None, 0.)
    >>> out, mean, rstd
    (tensor([[-1.,  1.]]), tensor([[2.]]), tensor([[1.]]))
"""
from .. import _backend, _dtype, random as _random
from ..tensor import _wrap
from . import conv as _conv, normalization as _norm, statistics as _st
from ._table import LINEAR, Op
from .torch_nn import (_check_conv, check_batch_norm, check_layer_norm,
                       check_parameter_dtypes)

xp = _backend.xp


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    normalized_shape = check_layer_norm(input, normalized_shape, weight, bias)
    return _norm.native_layer_norm(input, normalized_shape, weight, bias, eps)


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    check_batch_norm(input, weight, bias, running_mean, running_var, training)
    return _norm.native_batch_norm(input, weight, bias, running_mean, running_var, training,
                                   momentum, eps)


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    check_parameter_dtypes(input, weight, bias, "GroupNormKernelImpl")
    return _norm.native_group_norm(input, weight, bias, N, C, HxW, group, eps)


# NativeDropoutBackward0: the gradient is the incoming one through the kept elements,
# scaled by ``grad_scale``: the forward's scale, except that torch's formula takes an
# unset ``train`` (which drops, as True does) for no training, and so scales by 1
native_dropout_op = Op("NativeDropoutBackward0",
                       lambda input, mask, scale, grad_scale: input * mask * scale,
                       jvp=LINEAR, nondiff=("mask",), real_grad_only="native_dropout",
                       input=lambda grad, mask, grad_scale: grad * mask * grad_scale)


def native_dropout(input, p, train):
    """(output, mask): with ``train`` (None counts as True) each element is kept with
    probability 1 - p and scaled by 1 / (1 - p), from torch's draws for the same seed;
    without, the input as it is and a mask of ones."""
    if train is None or train:
        if not 0 <= 1 - p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={1 - p}")
        mask = _random.bernoulli_mask(input, tuple(input.shape), 1 - p) != 0
        scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    else:
        mask = _wrap(xp.ones(tuple(input.shape), bool))
        scale = 1.0
    # the scale is a number of the input's dtype to torch's kernel (bfloat16: 1.3359375 for
    # p = 0.25)
    if input.is_floating_point():
        scale = float(xp.asarray(scale, dtype=input._data.dtype).astype(xp.float64))
    return native_dropout_op(input, mask, scale, 1.0 if train is None else scale), mask


def native_norm(input, *args):
    # torch's dense CPU build has no kernel for it (sparse tensors only)
    raise NotImplementedError("Could not run 'aten::native_norm' with arguments from the "
                              "'CPU' backend. This could be because the operator doesn't "
                              "exist for this backend, or was omitted during the "
                              "selective/custom build process (if using custom build).")


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm over every dim but ``dim``, kept as size-1 dims (weight_norm's
    norm), composed as torch's."""
    for name, value, k in (("pow", pow, 2), ("dim", dim, 3)):
        if type(value) is not int:
            raise TypeError(f"norm_except_dim(): argument '{name}' (position {k}) must be int, "
                            f"not {type(value).__name__}")
    if not (v.is_floating_point() or v.is_complex()):
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {v.dtype._cname} instead.")
    if dim == -1:
        return _st.norm_op(v, float(pow), None, False)
    last = v.dim() - 1
    if dim == 0:
        shape = (v.size(0),) + (1,) * last
        return _st.norm_dim(v.contiguous().view(v.size(0), -1), float(pow), (1,),
                               False).view(shape)
    if dim == last:
        shape = (1,) * last + (v.size(dim),)
        return _st.norm_dim(v.contiguous().view(-1, v.size(dim)), float(pow), (0,),
                               False).view(shape)
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    stride, padding, dilation = tuple(stride), tuple(padding), tuple(dilation)
    _check_conv(input, weight, bias, stride, padding, dilation, bool(transposed), groups,
                weight.dim() - 2, "convolution")
    return _conv.convolution(input, weight, bias, stride, padding, dilation, bool(transposed),
                             tuple(output_padding), groups)


FUNCTIONS = {"native_layer_norm": native_layer_norm, "native_batch_norm": native_batch_norm,
             "native_group_norm": native_group_norm, "native_dropout": native_dropout,
             "native_norm": native_norm, "norm_except_dim": norm_except_dim,
             "convolution": convolution}

"""torch's own functions for the nn family (torch.addmm, torch.dropout, torch.embedding,
torch.layer_norm, torch.batch_norm, ...), with ATen's signatures: nn.functional checks
its Python-level arguments and calls these, as torch's functional calls its ATen ops.

Nothing here computes: each function checks its arguments and picks a table entry, or
composes entries as torch composes them (dropout is a multiply by a drawn mask).
"""
import math
import warnings

from .. import random as _random
from ..tensor import Tensor
from . import embedding as _emb, embedding_bag as _bag, grid_sample as _gs, linalg
from . import ctc_loss as _ctc, normalization as _norm, distance as _distance, pointwise as _pw
from . import rrelu as _rr
from ._batched import any_batched, loop_batched, refuse_batched
from .inplace import apply_inplace
from .pointwise_more import logit
from .._kernel_dtypes import (ALL_BUT_COMPLEX, FLOATING, FLOATING_COMPLEX, NUMERIC_COMPLEX,
                              check_kernel)
from .torch_shape import to_copy
from .. import _backend, _dtype, _runtime_flags, creation
from .._args import broadcast_shapes
from .._dtype_info import finfo
from ..creation import ones, zeros
from ..tensor import _wrap


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    return linalg.addmm(input, mat1, mat2, beta, alpha)


# -- dropout --------------------------------------------------------------------------------
def _mask(input, shape, p):
    """torch's CPU dropout noise: bernoulli_(1 - p) on the default generator, divided by
    1 - p in the input's dtype (the same draws, so the same mask from the same seed).
    The noise takes the input's dtype, so there is no complex one (native_dropout draws a
    bool mask and takes complex inputs)."""
    check_kernel(input._data, "bernoulli_scalar_cpu_", ALL_BUT_COMPLEX)
    return _random.bernoulli_mask(input, shape, 1 - p).div_(1 - p)


def _dropout_impl(input, p, train, shape, inplace):
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        z = zeros((), dtype=input.dtype)
        return input.mul_(z) if inplace else input * z
    noise = _mask(input, shape, p)
    return input.mul_(noise) if inplace else input * noise


def _check_p(p):
    if not 0 <= p <= 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p, train):
    _check_p(p)
    return _dropout_impl(input, p, train, tuple(input.shape), False)


def dropout_(input, p, train):
    _check_p(p)
    return _dropout_impl(input, p, train, tuple(input.shape), True)


def _feature_shape(input):
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return tuple(input.shape[:2]) + (1,) * (input.dim() - 2)


def feature_dropout(input, p, train):
    _check_p(p)
    return _dropout_impl(input, p, train, _feature_shape(input), False)


def feature_dropout_(input, p, train):
    _check_p(p)
    return _dropout_impl(input, p, train, _feature_shape(input), True)


_ALPHA = 1.7580993408473766  # selu's -scale * alpha: where a dropped unit goes


def _alpha_dropout(input, p, train, shape, inplace):
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        return input.mul_(0) if inplace else input * 0
    check_kernel(input._data, "bernoulli_scalar_cpu_", ALL_BUT_COMPLEX)
    noise = _random.bernoulli_mask(input, shape, 1 - p)
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = noise.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
    noise.mul_(a)
    return input.mul_(noise).add_(b) if inplace else input * noise + b


def alpha_dropout(input, p, train):
    _check_p(p)
    return _alpha_dropout(input, p, train, tuple(input.shape), False)


def feature_alpha_dropout(input, p, train):
    _check_p(p)
    return _alpha_dropout(input, p, train, _feature_shape(input), False)


# -- embedding --------------------------------------------------------------------------------
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return _emb.embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse)


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """torch.embedding_bag: the result and the three bookkeeping tensors."""
    if sparse:
        raise NotImplementedError("dyngrad: embedding_bag with sparse=True (sparse gradients) "
                                  "is not implemented")
    return _bag.embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse,
                              per_sample_weights, include_last_offset, padding_idx)


# -- rrelu ---------------------------------------------------------------------------------------
def _rrelu(input, lower, upper, training, generator, inplace):
    refuse_batched(f"vmap: we do not yet support aten::rrelu{'_' if inplace else ''}. Please "
                   "file an issue", input)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not input.is_floating_point():
        kernel = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._cname}\'')
    noise = _wrap(_rr.draw_noise(input._data, lower, upper, generator) if training
                  else _backend.xp.empty(0, input._data.dtype))
    if inplace:
        return apply_inplace(_rr.rrelu_with_noise_, input, (input, noise, lower, upper, training))
    return _rr.rrelu_with_noise(input, noise, lower, upper, training)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, False)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, True)


# -- ctc_loss --------------------------------------------------------------------------------------
def _lengths(v):
    if isinstance(v, Tensor):
        return [int(x) for x in v._data.reshape(-1)]
    return [int(x) for x in v]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
             zero_infinity=False):
    # (torch.ctc_loss's own default, unlike F.ctc_loss's, is no reduction)
    if any_batched(input_lengths, target_lengths):
        # lengths of each sample's own, read as numbers: once per sample
        return loop_batched(lambda lp, t, il, tl: ctc_loss(lp, t, il, tl, blank, reduction,
                                                          zero_infinity),
                            [log_probs, targets, input_lengths, target_lengths], "aten::ctc_loss")
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    target_lengths = _lengths(target_lengths)
    res = _ctc.ctc_loss(lp, targets, _lengths(input_lengths), target_lengths, blank,
                        zero_infinity)[0]
    if zero_infinity:
        res = _pw.where(res == float("inf"), zeros((), dtype=res.dtype), res)
    if reduction == 1:
        lengths = creation.tensor(target_lengths, dtype=res.dtype).clamp_min(1)
        return (res / lengths).mean()
    if reduction == 2:
        return res.sum()
    return res if batched else res.squeeze(0)


# -- pdist -----------------------------------------------------------------------------------------
def pdist(input, p=2):
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    if input.dtype in _REDUCED:
        raise NotImplementedError(f'"pdist" not implemented for \'{input.dtype._cname}\'')
    return _distance.pdist(input.contiguous(), p)


_CDIST_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
                "donot_use_mm_for_euclid_dist": 2}


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    # torch's order: shapes, then the kernel's checks (floating types, p), then the path
    # taken: the Euclidean matrix product (its own dtype check), or the batch broadcast,
    # empty and column-less inputs, the kernel's dtypes (X1's dispatch, then X2 against it)
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{x.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.is_floating_point():
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{x.dtype._cname}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    mode = _CDIST_MODES[compute_mode]
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    empty = x1.numel() == 0 or x2.numel() == 0
    if not empty and p == 2 and (mode == 1 or (mode == 0 and (rows1 > 25 or rows2 > 25))):
        # (a dtype mismatch is refused by the product: mm's words, or bmm's)
        linalg._check_same_dtype(x1._data, x2._data, "mm" if x1.dim() == x2.dim() == 2 else "bmm")
        # the Euclidean distance by one matrix product, over one flattened batch dim
        batch = tuple(_backend.xp.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2])))
        if x1.dim() == 2 and x2.dim() == 2:
            return _distance.euclidean_dist(x1, x2).view(rows1, rows2)
        a = x1.expand(batch + tuple(x1.shape[-2:])).contiguous().view(-1, rows1, x1.shape[-1])
        b = x2.expand(batch + tuple(x2.shape[-2:])).contiguous().view(-1, rows2, x2.shape[-1])
        return _distance.euclidean_dist(a, b).view(batch + (rows1, rows2))
    broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    if not empty and x1.shape[-1]:
        if x1.dtype in _REDUCED:
            raise NotImplementedError(f'"cdist" not implemented for \'{x1.dtype._cname}\'')
        if x1.dtype != x2.dtype:
            raise RuntimeError(f"expected scalar type {x1.dtype._cname} but found "
                               f"{x2.dtype._cname}")
    elif x1.dtype != x2.dtype:  # (torch makes the empty or zero result in X1's dtype)
        x2 = x2.to(x1.dtype)
    return _distance.cdist_op(x1, x2, p, None)


# -- grid sampling ------------------------------------------------------------------------------
def _check_grid_sampler(input, grid, interpolation_mode):
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._cname} but found "
                           f"{grid.dtype._cname}")
    if not input.dim() or not grid.dim() or input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in last "
                           f"dimension, but got grid with sizes {list(grid.shape)}")
    for d in range(2, input.dim()):
        if input.shape[d] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(input.shape)} with "
                               f"dimension {d} being empty")
    k = 2 if input.dim() == 4 else 3
    if input.dim() != grid.dim() or input.dim() not in (4, 5):
        raise RuntimeError(f"grid_sampler(): expected {k + 2}D input and grid with same number "
                           f"of dimensions, but got input with sizes {list(input.shape)} and "
                           f"grid with sizes {list(grid.shape)}")
    if k == 3 and interpolation_mode == 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.is_floating_point():
        raise NotImplementedError(f'"grid_sampler_{k}d_cpu_kernel_impl" not implemented for '
                                  f"'{input.dtype._cname}'")
    return k


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    k = _check_grid_sampler(input, grid, interpolation_mode)
    return _gs.grid_sampler[k](input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta, size, align_corners):
    return _gs.affine_grid_generator(theta, tuple(size), align_corners)


# -- normalization ------------------------------------------------------------------------------
def _sizes(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    normalized_shape = check_layer_norm(input, normalized_shape, weight, bias)
    return _norm.native_layer_norm(input, normalized_shape, weight, bias, eps)[0]


def check_layer_norm(input, normalized_shape, weight, bias):
    """torch's checks of layer_norm's arguments; the normalized shape as a tuple."""
    normalized_shape = _sizes(normalized_shape)
    k = len(normalized_shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(normalized_shape)}")
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    if input.dim() < k or tuple(input.shape[input.dim() - k:]) != normalized_shape:
        expected = "[*, " + ", ".join(str(s) for s in normalized_shape) + "]"
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with "
                           f"shape {expected}, but got input of size{list(input.shape)}")
    check_parameter_dtypes(input, weight, bias, "LayerNormKernelImpl")
    return normalized_shape


def check_parameter_dtypes(input, weight, bias, kernel):
    """The norms' parameter-dtype rules (layer and group norm's are batch norm's), after
    their kernel's dtypes."""
    if not any_batched(input, weight, bias):
        _check_parameter_dtypes(input, weight, bias, None, None, False, kernel)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(input.shape)} and num_groups="
                           f"{num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            # (torch's message about the bias shows the weight's shape, [0] without one)
            shown = [0] if weight is None else list(weight.shape)
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {shown} and "
                               f"input of shape {list(input.shape)}")
    hxw = input.numel() // (n * c) if n * c else 0
    check_parameter_dtypes(input, weight, bias, "GroupNormKernelImpl")
    return _norm.native_group_norm(input, weight, bias, n, c, hxw, num_groups, eps)[0]


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled=True):
    check_batch_norm(input, weight, bias, running_mean, running_var, training)
    # (the running statistics are written in place without a version bump, as in torch)
    return _norm.native_batch_norm(input, weight, bias, running_mean, running_var, training,
                                   momentum, eps)[0]


def check_batch_norm(input, weight, bias, running_mean, running_var, training):
    c = input.shape[1] if input.dim() > 1 else input.shape[0]
    # torch's order: each running statistic (present, or refused in evaluation), then the
    # affine parameters
    for name, t, needed in (("running_mean", running_mean, not training),
                            ("running_var", running_var, not training),
                            ("weight", weight, False), ("bias", bias, False)):
        if t is None:
            if needed:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
        elif t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    if not any_batched(input, weight, bias, running_mean, running_var):
        # (under vmap torch's batching rule speaks first, about the running statistics)
        _check_parameter_dtypes(input, weight, bias, running_mean, running_var, training)


def _check_parameter_dtypes(input, weight, bias, running_mean, running_var, training,
                            kernel="batch_norm"):
    """torch's CPU rule: parameters share the input's dtype, except that a bfloat16 or
    float16 input may have float32 ones (the 'mixed' case, decided by the first one given).
    The kernel's own dtypes come first."""
    check_kernel(input._data, kernel, FLOATING)
    given = [t for t in (weight, bias, running_mean, running_var) if t is not None]
    if given and given[0].dtype != input.dtype:
        if any(t.dtype != _dtype.float32 for t in given):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input.dtype not in (_dtype.bfloat16, _dtype.float16):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    # the kernels meet the statistics first when training, the affine ones in evaluation
    order = ((running_mean, running_var, weight, bias) if training
             else (weight, bias, running_mean, running_var))
    for t in order:
        if t is not None and t.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype._cname} but found "
                               f"{t.dtype._cname}")


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled=True):
    # torch folds the batch into the channels and calls batch_norm on (1, N*C, ...)
    n, c = input.size(0), input.size(1)
    shape = (1, n * c) + tuple(input.shape[2:])
    rep = (lambda t: None if t is None else t.repeat(n))
    rm, rv = rep(running_mean), rep(running_var)
    out = batch_norm(input.contiguous().view(shape), rep(weight), rep(bias), rm, rv,
                     use_input_stats, momentum, eps, cudnn_enabled)
    if running_mean is not None:
        running_mean.copy_(rm.view(n, c).mean(0))
    if running_var is not None:
        running_var.copy_(rv.view(n, c).mean(0))
    return out.view(tuple(input.shape))


FUNCTIONS = {
    "addmm": addmm, "dropout": dropout, "dropout_": dropout_,
    "feature_dropout": feature_dropout, "feature_dropout_": feature_dropout_,
    "alpha_dropout": alpha_dropout, "feature_alpha_dropout": feature_alpha_dropout,
    "embedding": embedding, "embedding_bag": embedding_bag, "grid_sampler": grid_sampler,
    "grid_sampler_2d": grid_sampler, "grid_sampler_3d": grid_sampler,
    "affine_grid_generator": affine_grid_generator, "rrelu": rrelu, "rrelu_": rrelu_, "pdist": pdist,
    "ctc_loss": ctc_loss, "cdist": cdist,
    "layer_norm": layer_norm, "group_norm": group_norm,
    "batch_norm": batch_norm, "instance_norm": instance_norm,
}
METHODS = {"addmm": addmm, "logit": lambda self, eps=None: logit(self, eps)}


# -- convolution ------------------------------------------------------------------------------
def _tuple(v, n):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    return v * n if len(v) == 1 else v


def _parsed(v, n):
    """An int-list argument as torch's argument parser passes it on: an int repeated n
    times, a sequence as it is (its length checked against the weight's later)."""
    return (v,) * n if isinstance(v, int) else tuple(v)


def _sizes_text(shape):
    return " x ".join(str(s) for s in shape)




def _check_conv_bias_type(input, bias):
    """conv1d/2d/3d's first check (not the transposed ones'): the bias's dtype is the
    input's."""
    if bias is not None and bias.dtype != input.dtype:
        # (C++'s names of the element types, caffe2::TypeMeta's)
        raise RuntimeError(f"Input type ({_dtype.CPP_NAMES[input.dtype]}) and bias type "
                           f"({_dtype.CPP_NAMES[bias.dtype]}) should be the same")


def _conv_param(name, value, k):
    """A window argument as the weight's k spatial dims read it (torch's
    expand_param_if_needed): one value is repeated, other lengths are refused."""
    if len(value) == 1:
        return tuple(value) * k
    if len(value) != k:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {k} "
                           "values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    return tuple(value)


def _check_conv_input(input, d, name):
    """The input's dims (after an unbatched input gained its batch dim)."""
    if input.dim() != d + 2:
        raise RuntimeError(f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")


def _check_conv(input, weight, bias, stride, padding, dilation, transposed, groups, d, name,
                output_padding=None):
    """torch's checks of a convolution (``stride``, ``padding``, ``dilation`` as its
    argument parser gives them): the input's and the weight's dims, the groups, each
    window argument's length against the weight's, their signs, then the shapes."""
    _check_conv_input(input, d, name)
    k = weight.dim() - 2
    if k <= 0:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride, padding = _conv_param("stride", stride, k), _conv_param("padding", padding, k)
    dilation = _conv_param("dilation", dilation, k)
    output_padding = _conv_param("output_padding", output_padding or (0,) * d, k)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(dl < 0 for dl in dilation):  # (a zero is the kernels' to refuse)
        raise RuntimeError("dilation should be greater than zero")
    if weight.dim() != input.dim():
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-"
                           f"dimensional weight {list(weight.shape)}, but got {input.dim()}-"
                           f"dimensional input of size {list(input.shape)} instead")
    if weight.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} "
                           f"at dimension 0, but got weight of size {list(weight.shape)} "
                           "instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size "
                           f"[{list(weight.shape)}] instead")
    if not transposed:
        if input.shape[1] != weight.shape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                               f"expected input{list(input.shape)} to have "
                               f"{weight.shape[1] * groups} channels, but got {input.shape[1]} "
                               f"channels instead")
        padded = [s + 2 * p for s, p in zip(input.shape[2:], padding)]
        reach = [dl * (k - 1) + 1 for k, dl in zip(weight.shape[2:], dilation)]
        if any(r > s for r, s in zip(reach, padded)):
            raise RuntimeError(f"Calculated padded input size per channel: ({_sizes_text(padded)})"
                               f". Kernel size: ({_sizes_text(reach)}). Kernel size can't be "
                               f"greater than actual input size")
        out_c = weight.shape[0]
    else:
        if input.shape[1] != weight.shape[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, "
                               f"expected input{list(input.shape)} to have {weight.shape[0]} "
                               f"channels, but got {input.shape[1]} channels instead")
        out_c = weight.shape[1] * groups
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_c):
        raise RuntimeError(f"Given {'transposed=1, ' if transposed else ''}weight of size "
                           f"{list(weight.shape)}, expected bias to be "
                           f"1-dimensional with {out_c} elements, but got bias of size "
                           f"{list(bias.shape)} instead")
    if not transposed and input.numel():  # (an empty input reaches no kernel)
        _check_conv_kernel(weight, dilation, d)
    if weight.dtype != input.dtype:  # (the kernel's check, after the shapes')
        if _on_onednn(input, weight, stride, dilation, groups):
            raise RuntimeError(f"Input type ({_type_text(input.dtype)}) and weight type "
                               f"({_type_text(weight.dtype)}) should be the same or input "
                               "should be a MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(f"expected scalar type {input.dtype._cname} but found "
                           f"{weight.dtype._cname}")


def _as_2d(values, d, fill=1):
    """A 1-d convolution's sizes as torch's kernels see them: a 2-d one of height 1."""
    return [fill] + list(values) if d == 1 else list(values)


def _named(prefix, values, sep=" "):
    names = ("depth", "height", "width")[-len(values):]
    return sep.join(f"{prefix}_{n}: {v}" for n, v in zip(names, values))


def _check_conv_kernel(weight, dilation, d):
    """The CPU kernels' own checks of a convolution's kernel and dilation (zero sizes)."""
    kernel = _as_2d(weight.shape[2:], d)
    if any(dl != 1 for dl in dilation):
        # (torch's dilated kernels name the list they refuse)
        if 0 in kernel or 0 in dilation:
            what, values = (("kernel size", kernel) if 0 in kernel else
                            ("dilation", _as_2d(dilation, d)))
            raise RuntimeError(f"{what} should be greater than zero, but got {values}")
    elif 0 in kernel:
        if d == 3:
            raise RuntimeError("kernel size should be greater than zero, but got: "
                               f"{' x '.join(map(str, kernel))} (TxHxW)")
        raise RuntimeError(f"kernel size should be greater than zero, but got "
                           f"{_named('kernel', kernel)}")


def _check_conv_transpose_kernel(weight, stride, dilation, output_padding, d):
    """The transposed CPU kernels' own checks: kernel sizes, dilation, output padding (less
    than the stride or the dilation) and a non-empty weight (first, in the 3-d kernel)."""
    shape = _as_2d(weight.shape[2:], d)
    if weight.numel() == 0 and d == 3:
        raise RuntimeError("non-empty 5D (n_output_plane x n_input_plane x kernel_depth x "
                           "kernel_height x kernel_width) tensor expected for weight, but got: "
                           f"{list(weight.shape)}")
    if 0 in shape:
        raise RuntimeError(f"kernel size should be greater than zero, but got "
                           f"{_named('kernel', shape)}")
    if 0 in dilation:
        raise RuntimeError(f"dilation should be greater than zero, but got "
                           f"{_named('dilation', _as_2d(dilation, d), ', ')}")
    if any(op >= s and op >= dl for op, s, dl in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"{_named('output_padding', _as_2d(output_padding, d, 0))} "
            f"{_named('stride', _as_2d(stride, d))} {_named('dilation', _as_2d(dilation, d))}")
    if weight.numel() == 0:
        raise RuntimeError(f"non-empty 2D or 4D weight tensor expected, but got: "
                           f"{list(weight.shape[:2]) + _as_2d(weight.shape[2:], d)}")


def _type_text(dtype):
    # torch's type string: the legacy tensor class, or for types without one (and bfloat16
    # in this message) the backend's type name
    if dtype.is_complex or dtype is _dtype.bfloat16:
        return f"CPU{dtype._cname}Type"
    return f"torch.{dtype._legacy}"


def _on_onednn(input, weight, stride, dilation, groups):
    """Whether torch's CPU convolution takes its oneDNN path (whose dtype check words its
    message otherwise): bfloat16 inputs, and float32 ones where torch measured oneDNN
    faster (not a 1x1 kernel on one thread, unless strided, dilated or 16 images; then a
    grouped one, a kernel over 3x3, more than one image or a large one)."""
    if input.dtype is _dtype.bfloat16:
        return True
    if input.dtype is not _dtype.float32:
        return False
    k = tuple(weight.shape[2:])
    if len(k) == 1:  # (a 1-d convolution is a 2-d one over a height of 1)
        k = (1,) + k
    shape = tuple(input.shape)
    if not (any(s != 1 for s in stride) or any(d != 1 for d in dilation) or shape[0] >= 16
            or k[-1] != 1 or k[-2] != 1 or _runtime_flags.get_num_threads() > 1):
        return False
    return (groups > 1 or (k[-1] > 3 and k[-2] > 3) or shape[0] > 1
            or math.prod(shape[:4]) > 20480)


def _conv(input, weight, bias, stride, padding, dilation, groups, d, name):
    from . import conv as _cv, padding as _pd
    _check_conv_bias_type(input, bias)
    batched = input.dim() == d + 2
    if input.dim() == d + 1:
        input = input.unsqueeze(0)
    stride, dilation = _parsed(stride, d), _parsed(dilation, d)
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * d
        elif padding == "same":
            _check_conv_input(input, d, name)
            if weight.dim() <= 2:
                raise RuntimeError("weight should have at least three dimensions")
            if groups <= 0:
                raise RuntimeError("non-positive groups is not supported")
            if weight.dim() != input.dim():
                raise RuntimeError(f"Expected {weight.dim()}-dimensional input for "
                                   f"{weight.dim()}-dimensional weight{list(weight.shape)}, but "
                                   f"got {input.dim()}-dimensional input of size "
                                   f"{list(input.shape)} instead")
            for what, values in (("stride", stride), ("dilation", dilation)):
                if len(values) not in (1, weight.dim() - 2):
                    raise RuntimeError(f"{what} cannot broadcast to {weight.dim() - 2} dimensions")
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            dilation = _tuple(dilation, d)
            total = [dl * (k - 1) for k, dl in zip(weight.shape[2:], dilation)]
            padding = tuple(int(t / 2) for t in total)  # (C++'s division, toward zero)
            odd = [t - 2 * p for t, p in zip(total, padding)]
            if any(odd):
                # the odd unit goes on the right, through a zero-padded copy (as torch; a
                # negative one, of an empty kernel, crops the left)
                import warnings
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation "
                              "may require a zero-padded copy of the input be created",
                              stacklevel=3)
                extra = []
                for u in reversed(odd):
                    extra += [min(u, 0), max(u, 0)]
                _pd.check_constant_pad(input, extra)
                input = _pd.constant_pad_nd(input, extra, 0)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _parsed(padding, d)
    _check_conv(input, weight, bias, stride, padding, dilation, False, groups, d, name)
    stride, padding, dilation = _tuple(stride, d), _tuple(padding, d), _tuple(dilation, d)
    check_kernel(input._data, "compute_columns3d" if d == 3 else "slow_conv2d_cpu",
                 NUMERIC_COMPLEX)
    out = _cv.convolution(input, weight, bias, stride, padding, dilation, False, (0,) * d,
                          groups)
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, d,
                    name):
    from . import conv as _cv
    batched = input.dim() == d + 2
    if input.dim() == d + 1:
        input = input.unsqueeze(0)
    _check_conv(input, weight, bias, _parsed(stride, d), _parsed(padding, d),
                _parsed(dilation, d), True, groups, d, name, _parsed(output_padding, d))
    stride, padding = _tuple(stride, d), _tuple(padding, d)
    dilation, output_padding = _tuple(dilation, d), _tuple(output_padding, d)
    _check_conv_transpose_kernel(weight, stride, dilation, output_padding, d)
    if input.dtype._category < _dtype._FLOAT and input.dtype is not _dtype.int64:
        # torch's transposed kernels: of the integers, int64 only
        check_kernel(input._data, f"slow_conv_transpose{3 if d == 3 else 2}d_out_cpu", "")
    out = _cv.convolution(input, weight, bias, stride, padding, dilation, True, output_padding,
                          groups)
    return out if batched else out.squeeze(0)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 2, "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 3, "conv_transpose3d")


def constant_pad_nd(input, pad, value=0):
    from . import padding as _pd
    _pd.check_constant_pad(input, pad)
    return _pd.constant_pad_nd(input, list(pad), value)


FUNCTIONS.update({
    "logit": logit,
    "conv1d": conv1d, "conv2d": conv2d, "conv3d": conv3d, "conv_transpose1d": conv_transpose1d,
    "conv_transpose2d": conv_transpose2d, "conv_transpose3d": conv_transpose3d,
    "constant_pad_nd": constant_pad_nd,
})


# -- attention --------------------------------------------------------------------------------
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    from . import attention as _at
    if attn_mask is not None and attn_mask.dtype not in (_dtype.bool, _dtype.float32,
                                                         query.dtype):
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query "
                           f"dtype, but got attn_mask.dtype: {_dtype.CPP_NAMES[attn_mask.dtype]} "
                           f"and  query.dtype: {_dtype.CPP_NAMES[query.dtype]} instead.")
    fused = (query.dim() == 4 and key.dim() == 4 and value.dim() == 4 and dropout_p == 0.0
             and value.shape[-1] == query.shape[-1] and query.dtype.is_floating_point)
    if fused and attn_mask is not None:
        attn_mask.size(-2)  # the flash kernel's shape check reads it: torch's IndexError
        # it takes masks of 2 or 4 dimensions; others go the math way
        fused = attn_mask.dim() in (2, 4)
    enabled = _runtime_flags.sdp_enabled
    if fused and enabled["flash"]:
        return _at.flash_attention(query, key, value, dropout_p, is_causal, attn_mask, scale)[0]
    if not enabled["math"] and enabled["flash"]:
        _why_not_flash(query, key, value, dropout_p)
        raise RuntimeError("No available kernel.  Aborting execution.")
    if not enabled["math"]:
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This "
                           "is likely due to turning off both the math kernel and the fused "
                           "kernels.")
    return _math_attention(query, key, value, attn_mask, dropout_p, is_causal, scale)


def _why_not_flash(query, key, value, dropout_p):
    # torch's warnings when the flash kernel alone is allowed and cannot run
    warnings.warn("Flash attention kernel not used because:", stacklevel=3)
    if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        warnings.warn(f"All fused kernels requires query, key and value to be 4 dimensional, but "
                      f"got Query dim: {query.dim()}, Key dim: {key.dim()}, Value dim: "
                      f"{value.dim()} instead.", stacklevel=3)
    elif dropout_p != 0.0:
        warnings.warn("Both fused kernels do not support non-zero dropout.", stacklevel=3)


def _math_attention(query, key, value, attn_mask, dropout_p, is_causal, scale):
    # torch's _scaled_dot_product_attention_math, op for op; it keeps bfloat16 and float16
    # in float32 until the end, for accuracy
    from . import attention as _at
    low = query.dtype
    if low is _dtype.bfloat16 or low is _dtype.float16:
        query, key, value = (to_copy(t, _dtype.float32) for t in (query, key, value))
        out = _math_attention(query, key, value, attn_mask, dropout_p, is_causal, scale)
        return to_copy(out, low)
    sf = math.sqrt(1 / math.sqrt(query.shape[-1]) if scale is None else abs(scale))
    q = _pw.mul_scalar(query, -sf if scale is not None and scale < 0 else sf)
    if is_causal:
        L, S = query.shape[-2], key.shape[-2]
        attn_mask = ones(L, S, dtype=_bool()).tril()
    if attn_mask is not None and attn_mask.dtype == _bool():
        attn_mask = _bool_mask(attn_mask, query)
    attn = q.matmul(_pw.mul_scalar(key.transpose(-2, -1), sf))
    if attn_mask is not None:
        attn.add_(attn_mask)
    attn = _at.safe_softmax(attn, -1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn.matmul(value)


def _bool():
    return _dtype.bool


def _bool_mask(mask, like):
    # torch's convert_boolean_attn_mask: -inf where the mask is False, 0 where True
    xp = _backend.xp
    m = mask._data
    return _wrap(xp.where(m, xp.zeros((), like._data.dtype), xp.asarray(-xp.inf, like._data.dtype)))


FUNCTIONS["scaled_dot_product_attention"] = scaled_dot_product_attention


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    from . import conv as _cv
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {list(input.shape)}")
    return _cv.im2col(input, _tuple(kernel_size, 2), _tuple(dilation, 2), _tuple(padding, 2),
                      _tuple(stride, 2))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    from . import conv as _cv
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(input.shape)}")
    output_size, kernel_size = _tuple(output_size, 2), _tuple(kernel_size, 2)
    dilation, padding, stride = _tuple(dilation, 2), _tuple(padding, 2), _tuple(stride, 2)
    blocks = [(s + 2 * p - d * (k - 1) - 1) // st + 1 for s, p, d, k, st in
              zip(output_size, padding, dilation, kernel_size, stride)]
    dim = input.dim() - 1
    if input.shape[dim] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={output_size}, kernel_size={kernel_size}, "
                           f"dilation={dilation}, padding={padding}, stride={stride}, expected "
                           f"size of input's dimension {dim} to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, "
                           f"but got input.size({dim})={input.shape[dim]}.")
    return _cv.col2im(input, output_size, kernel_size, dilation, padding, stride)


def pixel_shuffle(input, upscale_factor):
    from . import pixel_shuffle as _ps
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    c = input.shape[-3]
    if c % (upscale_factor * upscale_factor):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {upscale_factor * upscale_factor}")
    return _ps.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    from . import pixel_shuffle as _ps
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    return _ps.pixel_unshuffle(input, downscale_factor)


def _check_channel_shuffle(input, groups):
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got "
                           f"{input.shape[1]} channels and {groups} groups.")


def conv_tbc(input, weight, bias, pad=0):
    """A 1-d convolution of a (time, batch, channel) input with a (width, in, out) kernel,
    checked as torch checks it."""
    from . import conv as _conv
    for pos, (name, value) in enumerate((("self", input), ("weight", weight), ("bias", bias))):
        if not isinstance(value, Tensor):
            raise TypeError(f"conv_tbc(): argument '{name}' (position {pos + 1}) must be Tensor, "
                            f"not {type(value).__name__}")
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, "
                           "out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if bias.shape[0] != weight.shape[2]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    length = input.shape[0] + 2 * pad - weight.shape[0] + 1
    if length < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                           f"[{length}, {input.shape[1]}, {weight.shape[2]}]")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{input.dtype._cname} and {weight.dtype._cname}")
    return _conv.conv_tbc(input, weight, bias, pad)


def channel_shuffle(input, groups):
    from . import pixel_shuffle as _ps
    _check_channel_shuffle(input, groups)
    return _ps.channel_shuffle(input, groups)


def native_channel_shuffle(input, groups):
    from . import pixel_shuffle as _ps
    _check_channel_shuffle(input, groups)
    return _ps.native_channel_shuffle(input, groups)


def hardshrink(input, lambd=0.5):
    from .activation_pointwise import hardshrink as _hs
    return _hs(input, lambd)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2) + eps) * weight over the last dims, composed as torch composes it
    (eps defaults to the dtype's machine epsilon), in the input's dtype."""
    normalized_shape = _sizes(normalized_shape)
    k = len(normalized_shape)
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    if weight is not None and tuple(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = "
                           f"{list(normalized_shape)}")
    if input.dim() < k:
        raise ValueError(f"Input tensor must have at least {k} dimensions, but got {input.dim()}")
    if tuple(input.shape[input.dim() - k:]) != normalized_shape:
        expected = "[*" + ", ".join(str(s) for s in normalized_shape) + "]"
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with "
                           f"shape {expected}, but got input of size{list(input.shape)}")
    check_kernel(input._data, "rms_norm", FLOATING_COMPLEX)
    if weight is not None and weight.dtype is not input.dtype:
        _runtime_flags.warn_once(
            "rms_norm_mismatch", "Mismatch dtype between input and weight: input dtype = "
            f"{_dtype.CPP_NAMES[input.dtype]}, weight dtype = {_dtype.CPP_NAMES[weight.dtype]}, "
            "Cannot dispatch to fused implementation. (Triggered internally at /__w/pytorch/"
            "pytorch/aten/src/ATen/native/layer_norm.cpp:346.)")
    # float16 and bfloat16 are computed in float32 (with its epsilon), rounded once
    wide = to_copy(input, _dtype.float32) if input.dtype in _REDUCED else input
    if eps is None:
        eps = finfo(wide.dtype).eps
    dims = tuple(range(input.dim() - k, input.dim()))
    ms = _pw.pow_scalar_exp(wide, 2).mean(dims, keepdim=True)
    out = wide * _pw.add_scalar(ms, eps, 1).rsqrt()
    if weight is not None:
        out = out * weight
    # (torch's type_as: a weight of another dtype does not change the result's)
    return to_copy(out, input.dtype) if out.dtype is not input.dtype else out


_REDUCED = (_dtype.float16, _dtype.bfloat16)


FUNCTIONS.update({"conv_tbc": conv_tbc, "channel_shuffle": channel_shuffle, "native_channel_shuffle": native_channel_shuffle, "pixel_shuffle": pixel_shuffle, "pixel_unshuffle": pixel_unshuffle,
                  "hardshrink": hardshrink, "rms_norm": rms_norm})
METHODS["hardshrink"] = hardshrink

"""torch's own functions for the nn family (torch.addmm, torch.dropout, torch.embedding,
torch.layer_norm, torch.batch_norm, ...), with ATen's signatures: nn.functional checks
its Python-level arguments and calls these, as torch's functional calls its ATen ops.

Nothing here computes: each function checks its arguments and picks a table entry, or
composes entries as torch composes them (dropout is a multiply by a drawn mask).
"""
import math

from .. import random as _random
from . import embedding as _emb, linalg, normalization as _norm


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    return linalg.addmm(input, mat1, mat2, beta, alpha)


# -- dropout --------------------------------------------------------------------------------
def _mask(input, shape, p):
    """torch's CPU dropout noise: bernoulli_(1 - p) on the default generator, divided by
    1 - p in the input's dtype (the same draws, so the same mask from the same seed)."""
    from ..creation import empty
    noise = empty(*shape, dtype=input.dtype)
    _random.bernoulli_(noise, 1 - p)
    return noise.div_(1 - p)


def _dropout_impl(input, p, train, shape, inplace):
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        from ..creation import zeros
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
    from ..creation import empty
    noise = empty(*shape, dtype=input.dtype)
    _random.bernoulli_(noise, 1 - p)
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
    if sparse:
        raise NotImplementedError("dyngrad: embedding with sparse=True (sparse gradients) is "
                                  "not implemented")
    return _emb.embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse)


# -- normalization ------------------------------------------------------------------------------
def _sizes(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
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
    return _norm.native_layer_norm(input, normalized_shape, weight, bias, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(input.shape)} and num_groups="
                           f"{num_groups}")
    for t in (weight, bias):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected weight to be a vector of size equal to the number of "
                               f"channels in input, but got weight of shape {list(t.shape)} and "
                               f"input of shape {list(input.shape)}")
    hxw = input.numel() // (n * c) if n * c else 0
    return _norm.native_group_norm(input, weight, bias, n, c, hxw, num_groups, eps)[0]


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled=True):
    c = input.shape[1] if input.dim() > 1 else input.shape[0]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    # (the running statistics are written in place without a version bump, as in torch)
    return _norm.native_batch_norm(input, weight, bias, running_mean, running_var, training,
                                   momentum, eps)[0]


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled=True):
    # torch folds the batch into the channels and calls batch_norm on (1, N*C, ...)
    n, c = input.shape[0], input.shape[1]
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
    "embedding": embedding, "layer_norm": layer_norm, "group_norm": group_norm,
    "batch_norm": batch_norm, "instance_norm": instance_norm,
}
METHODS = {"addmm": addmm}

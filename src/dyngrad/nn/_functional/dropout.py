"""Dropout: masks drawn from torch's random stream, so the same seed drops the same units."""
import warnings

from ...ops import torch_nn as _nn


def _check(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    _check(p)
    return (_nn.dropout_ if inplace else _nn.dropout)(input, p, training)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check(p)
    return _nn.alpha_dropout(input, p, training)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check(p)
    return _nn.feature_alpha_dropout(input, p, training)


def _feature(input, p, training, inplace):
    return (_nn.feature_dropout_ if inplace else _nn.feature_dropout)(input, p, training)


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
            "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if input.dim() == 2:
        return _feature(input.unsqueeze(0), p, training, inplace).squeeze(0)
    return _feature(input, p, training, inplace)


def _feature_nd(name, spatial, input, p, training, inplace):
    _check(p)
    d = input.dim()
    if d not in (spatial + 1, spatial + 2):
        warnings.warn(
            f"{name}: Received a {d}-D input to {name}, which is deprecated and will result in "
            f"an error in a future release. To retain the behavior and silence this warning, "
            f"please use dropout instead. Note that {name} exists to provide channel-wise "
            f"dropout on inputs with {spatial} spatial dimensions, a channel dimension, and an "
            f"optional batch dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).",
            stacklevel=3)
    return d


def dropout2d(input, p=0.5, training=True, inplace=False):
    d = _feature_nd("dropout2d", 2, input, p, training, inplace)
    if d == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    return _feature(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    d = _feature_nd("dropout3d", 3, input, p, training, inplace)
    if d == 4:
        return _feature(input.unsqueeze(0), p, training, inplace).squeeze(0)
    return _feature(input, p, training, inplace)

"""torch.nn.functional: activations and losses with torch's signatures.

    >>> import dyngrad.nn.functional as F
    >>> x = torch.tensor([[1., 2., 3.]], requires_grad=True)
    >>> loss = F.cross_entropy(x, torch.tensor([2]))
    >>> loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].name()
    ('NllLossBackward0', 'LogSoftmaxBackward0')

Nothing here computes: each function checks its arguments as torch does and calls an
entry of the op table (ops/pointwise.py, ops/activation.py, ops/loss.py, ...). The
families live in nn/_functional/, one file each; this module gathers them.
"""
import warnings

from ..ops import activation as _act
from ..ops import pointwise as _pw
from ..ops.torch_math import INPLACE as _INPLACE
from ..tensor import Tensor
from ._functional.activation import (  # noqa: F401
    celu, elu, gelu, glu, hardsigmoid, hardswish, hardtanh, leaky_relu, logsigmoid, mish,
    prelu, relu6, selu, silu, softplus, softsign, tanhshrink, threshold, hardshrink, softshrink,
    elu_, selu_, celu_, leaky_relu_, hardtanh_, threshold_, gumbel_softmax, rrelu, rrelu_)
from ..ops.torch_nn import channel_shuffle, conv_tbc, native_channel_shuffle, pdist, pixel_shuffle, pixel_unshuffle, rms_norm  # noqa: F401
from ..ops.torch_nn import scaled_dot_product_attention  # noqa: F401
from ._functional.attention import multi_head_attention_forward  # noqa: F401
from ._functional.conv import (  # noqa: F401
    conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, fold, unfold)
from ._functional.dropout import (  # noqa: F401
    alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout)
from ._functional.grid import affine_grid, grid_sample  # noqa: F401
from ._functional.linear import bilinear, linear  # noqa: F401
from ._functional.linear_cross_entropy import linear_cross_entropy  # noqa: F401
from ._functional.loss import (  # noqa: F401
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss, ctc_loss,
    cosine_similarity, cross_entropy, gaussian_nll_loss, hinge_embedding_loss, huber_loss,
    kl_div, l1_loss, margin_ranking_loss, mse_loss, multi_margin_loss, multilabel_margin_loss,
    nll_loss, pairwise_distance,
    poisson_nll_loss, smooth_l1_loss, soft_margin_loss, triplet_margin_loss,
    multilabel_soft_margin_loss, triplet_margin_with_distance_loss)
from ._functional.loss import _check_tensor
from ._functional.normalization import (  # noqa: F401
    batch_norm, group_norm, instance_norm, layer_norm, local_response_norm, normalize)
from ._functional.padding import pad  # noqa: F401
from ._functional.pooling import (  # noqa: F401
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
    avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices, max_pool2d,
    max_pool2d_with_indices, adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d,
    max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d, max_unpool2d,
    max_unpool3d, adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d_with_indices, fractional_max_pool2d, fractional_max_pool2d_with_indices,
    fractional_max_pool3d, fractional_max_pool3d_with_indices)
from ._functional.sparse import embedding, embedding_bag, one_hot  # noqa: F401
from ._functional.upsampling import (  # noqa: F401
    interpolate, upsample, upsample_bilinear, upsample_nearest)
from ..overrides import (  # noqa: F401
    handle_torch_function, has_torch_function, has_torch_function_unary,
    has_torch_function_variadic)


def relu(input, inplace=False):
    if not isinstance(input, Tensor):
        _check_tensor("relu", "input", input, 1)
    return _INPLACE["relu_"](input) if inplace else _pw.relu(input)


def relu_(input):
    return _INPLACE["relu_"](input)


def sigmoid(input):
    return input.sigmoid()  # as torch: a non-tensor fails on the method's name


def tanh(input):
    return input.tanh()


def _softmax_dim(name, ndim):
    # torch's _get_softmax_dim: the implicit dim of the legacy call without ``dim``
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input, dtype):
    return input if dtype is None else input.to(dtype)


def _check_dim(name, input, dim):
    # F.softmax calls input.softmax(dim): a non-tensor fails on the method's name, and the
    # message numbers dim as the method's first argument
    if not isinstance(input, Tensor):
        raise AttributeError(f"'{type(input).__name__}' object has no attribute '{name}'")
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    _check_dim("softmax", input, dim)
    return _act.softmax(_cast(input, dtype), dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    return _act.softmax(-_cast(input, dtype), dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    _check_dim("log_softmax", input, dim)
    return _act.log_softmax(_cast(input, dtype), dim)


from ..ops import autocast_policy as _autocast_policy  # noqa: E402

_autocast_policy.install(globals(), "nn.functional")

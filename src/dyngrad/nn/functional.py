"""torch.nn.functional: activations and losses with torch's signatures.

    >>> import dyngrad as torch
    >>> import dyngrad.nn.functional as F
    >>> x = torch.tensor([[1., 2., 3.]], requires_grad=True)
    >>> loss = F.cross_entropy(x, torch.tensor([2]))
    >>> loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].name()
    ('NllLossBackward0', 'LogSoftmaxBackward0')

Nothing here computes: each function checks its arguments as torch does and calls an
entry of the op table (ops/pointwise.py, ops/activation.py, ops/loss.py).
"""
import warnings

from ..ops import activation as _act
from ..ops import loss as _loss
from ..ops import pointwise as _pw
from ..ops.torch_math import INPLACE as _INPLACE
from ..tensor import Tensor

_REDUCTIONS = {"none": _loss.NONE, "mean": _loss.MEAN, "sum": _loss.SUM}


def _check_tensor(fn, name, value, pos):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{type(value).__name__}")


def relu(input, inplace=False):
    if not isinstance(input, Tensor):
        _check_tensor("relu", "input", input, 1)
    return _INPLACE["relu_"](input) if inplace else _pw.relu(input)


def sigmoid(input):
    return _pw.sigmoid(input)


def tanh(input):
    return _pw.tanh(input)


def _softmax_dim(name, ndim):
    # torch's _get_softmax_dim: the implicit dim of the legacy call without ``dim``
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input, dtype):
    return input if dtype is None else input.to(dtype)


def _check_dim(name, dim):
    # F.softmax calls input.softmax(dim): torch's message numbers dim as a method's first
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    _check_dim("softmax", dim)
    return _act.softmax(_cast(input, dtype), dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    _check_dim("log_softmax", dim)
    return _act.log_softmax(_cast(input, dtype), dim)


def _reduction_enum(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        # torch's _Reduction.legacy_get_string
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", stacklevel=3)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _check_nll_args(input, target):
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        bad, pos = ("input", 1) if not isinstance(input, Tensor) else ("target", 2)
        value = input if bad == "input" else target
        raise TypeError(f"nll_loss_nd(): argument '{bad}' (position {pos}) must be Tensor, not "
                        f"{type(value).__name__}")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if target.dtype._legacy not in ("LongTensor", "ByteTensor"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{target.dtype._cname}")
    if input.dim() == 1:
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if target.dim() == 1:
            if target.shape[0] != 1:
                raise ValueError("For 1D input, 1D target must have size 1, but got target size: "
                                 f"{target.shape[0]}")
            raise NotImplementedError("dyngrad: nll_loss of a 1D input needs a 0D target")
    elif target.dim() == 0 or input.shape[0] != target.shape[0]:
        batch = target.shape[0] if target.dim() else 0
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({batch}).")
    if input.dim() > 2 and tuple(target.shape) != tuple(input.shape[:1]) + tuple(input.shape[2:]):
        raise RuntimeError(f"Expected target size {list(input.shape[:1]) + list(input.shape[2:])}"
                           f", got {list(target.shape)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    _check_nll_args(input, target)
    _check_weight(input, weight)
    if not isinstance(ignore_index, int) or isinstance(ignore_index, bool):
        raise TypeError("nll_loss_nd(): argument 'ignore_index' (position 5) must be int, not "
                        f"{type(ignore_index).__name__}")
    return _loss.nll_loss(input, target, weight, enum, ignore_index)[0]


def _check_weight(input, weight):
    """Class weights: one per class, of the input's dtype."""
    if weight is None:
        return
    classes = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight.dim() != 1 or weight.numel() != classes:
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or "
                           f"no classes but got weight tensor of shape: {list(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._cname} but found "
                           f"{weight.dtype._cname}")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    _check_tensor("cross_entropy_loss", "input", input, 1)
    _check_tensor("cross_entropy_loss", "target", target, 2)
    if weight is not None:
        _check_tensor("cross_entropy_loss", "weight", weight, 3)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    if tuple(target.shape) == tuple(input.shape):
        # torch reads a target shaped like the input as class probabilities
        if not target.is_floating_point():
            raise RuntimeError("Expected floating point type for target with class "
                               f"probabilities, got {target.dtype._cname}")
        raise NotImplementedError("dyngrad: cross_entropy with class-probability targets "
                                  "is not implemented yet")
    if label_smoothing != 0.0:
        raise NotImplementedError("dyngrad: cross_entropy with label_smoothing is not "
                                  "implemented yet")
    class_dim = 0 if input.dim() == 1 else 1
    if not isinstance(ignore_index, int) or isinstance(ignore_index, bool):
        raise TypeError("cross_entropy_loss(): argument 'ignore_index' (position 5) must be "
                        f"int, not {type(ignore_index).__name__}")
    if isinstance(weight, Tensor):
        _check_weight(input, weight)
    return nll_loss(log_softmax(input, class_dim), target, weight, size_average, ignore_index,
                    reduce, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    if weight is not None:
        raise NotImplementedError("dyngrad: mse_loss with weight is not implemented yet")
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size "
                      f"({input.size()}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=2)
    enum = _reduction_enum(size_average, reduce, reduction)
    _check_broadcast(input, target)
    if input.dtype.is_floating_point is False and not input.is_complex():
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{input.dtype._cname}\'')
    return _loss.mse_loss(input, target, enum)


def _check_broadcast(a, b):
    sa, sb = tuple(a.shape), tuple(b.shape)
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {max(len(sa), len(sb)) - i}")

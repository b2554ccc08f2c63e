"""Losses of torch.nn.functional, with torch's checks, warnings and compositions.

Entries of the op table where torch has a node (NllLossBackward0, MseLossBackward0,
BinaryCrossEntropyBackward0, SmoothL1LossBackward0, ...); composed of table ops where
torch composes (cross_entropy, l1_loss, kl_div, cosine_similarity, margin losses).
"""
import math
import warnings

from ...ops import loss as _loss
from ...ops import margin_loss as _margin
from ...ops import torch_nn as _nn
from ...ops import pointwise as _pw
from ...tensor import Tensor
from ...ops._promote import broadcast_shapes
from ... import _dtype, ops
from ..._args import stacklevel, type_name
from ...ops.pointwise_more import xlogy
from ...ops.statistics import norm_dim as _norm_dim
from ...autograd.grad_mode import no_grad
from .activation import logsigmoid

_REDUCTIONS = {"none": _loss.NONE, "mean": _loss.MEAN, "sum": _loss.SUM}


def _legacy_reduction(size_average, reduce, level=2):
    """torch's _Reduction.legacy_get_string, warning as it does: at the line that called
    it ``level`` frames up (the loss function's, or the loss module constructor's)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{reduction}' instead.", stacklevel=stacklevel(level))
    return reduction


def _reduction_enum(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, level=3)  # the loss function's line
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _check_nll_args(input, target):
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        bad, pos = ("input", 1) if not isinstance(input, Tensor) else ("target", 2)
        value = input if bad == "input" else target
        raise TypeError(f"nll_loss_nd(): argument '{bad}' (position {pos}) must be Tensor, not "
                        f"{type_name(value)}")
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


def _nll_nd(input, target, weight, enum, ignore_index):
    """torch's nll_loss_nd: nll_loss for 1-d and 2-d inputs, nll_loss2d on (N, C, H, W),
    and other ranks viewed as (N, C, 1, -1) around nll_loss2d."""
    d = input.dim()
    if d <= 2:
        return _loss.nll_loss(input, target, weight, enum, ignore_index)[0]
    if d == 4:
        return _loss.nll_loss2d(input, target, weight, enum, ignore_index)[0]
    n, c = input.shape[0], input.shape[1]
    out_size = (n,) + tuple(input.shape[2:])
    x = input.contiguous().view(n, c, 1, -1)
    t = target.contiguous().view(n, 1, -1)
    out = _loss.nll_loss2d(x, t, weight, enum, ignore_index)[0]
    return out.view(out_size) if enum == _loss.NONE else out


def _check_tensor(fn, name, value, pos):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{type_name(value)}")


def _check_class_args(fn, input, weight, ignore_index):
    """Class weights (one per class, of the input's dtype) and ignore_index (an int)."""
    if not isinstance(ignore_index, int) or isinstance(ignore_index, bool):
        raise TypeError(f"{fn}(): argument 'ignore_index' (position 5) must be int, not "
                        f"{type(ignore_index).__name__}")
    if weight is None:
        return
    _check_tensor(fn, "weight", weight, 3)
    classes = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight.dim() != 1 or weight.numel() != classes:
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or "
                           f"no classes but got weight tensor of shape: {list(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._cname} but found "
                           f"{weight.dtype._cname}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    _check_nll_args(input, target)
    _check_class_args("nll_loss_nd", input, weight, ignore_index)
    return _nll_nd(input, target, weight, enum, ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    from .. import functional as F
    enum = _reduction_enum(size_average, reduce, reduction)
    _check_tensor("cross_entropy_loss", "input", input, 1)
    _check_tensor("cross_entropy_loss", "target", target, 2)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    # as torch: a target shaped as the input holds class probabilities, any other class
    # indices (a float one is then refused by nll_loss's dtype check)
    probabilities = tuple(target.shape) == tuple(input.shape)
    if not probabilities:
        _check_class_args("cross_entropy_loss", input, weight, ignore_index)
    class_dim = 0 if input.dim() == 1 else 1
    if probabilities:
        return _cross_entropy_probs(F, input, target, weight, enum, label_smoothing, class_dim)
    logp = F.log_softmax(input, class_dim)
    _check_nll_args(logp, target)
    nll = _nll_nd(logp, target, weight, enum, ignore_index)
    if label_smoothing == 0.0:
        return nll
    # torch's cross_entropy_loss_label_smoothing: (1 - s) * nll + s / C * (the loss
    # against a uniform target)
    n_classes = input.shape[class_dim]
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = weight.shape[0]
        smooth = -(logp * weight.view(shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if enum == _loss.MEAN:
        if weight is not None:
            kept = target[~ignored].flatten()
            ret = smooth.sum() / weight[kept].sum()
        else:
            ret = smooth.sum() / (~ignored).sum()
    elif enum == _loss.SUM:
        ret = smooth.sum()
    else:
        ret = smooth
    # products with numbers, as torch's C++ writes them (mul.Scalar: MulBackward1)
    return (_pw.mul_scalar(nll, 1 - label_smoothing)
            + _pw.mul_scalar(ret, label_smoothing / n_classes))


def _cross_entropy_probs(F, input, target, weight, enum, label_smoothing, class_dim):
    # torch's cross_entropy_loss_prob_target
    if not target.is_floating_point():
        raise RuntimeError("Expected floating point type for target with class probabilities, "
                           f"got {target.dtype._cname}")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    n_classes = input.shape[class_dim]
    logp = F.log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        target = _pw.add_scalar(_pw.mul_scalar(target, 1 - label_smoothing),
                                label_smoothing / n_classes, 1)
    prod = logp * target
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = weight.shape[0]
        prod = prod * weight.view(shape)
    if enum == _loss.MEAN:
        return _pw.div_scalar(-prod.sum(), input.numel() // n_classes)
    if enum == _loss.SUM:
        return -prod.sum()
    return -prod.sum(class_dim)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _size_warning(input, target)
    enum = _reduction_enum(size_average, reduce, reduction)
    shape = tuple(input.shape)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted((input - target).pow(2), weight, shape, enum)
    if not input.is_floating_point() and not input.is_complex():
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{input.dtype._cname}\'')
    return _loss.mse_loss(input, target, enum)


def _weighted(errors, weight, shape, enum):
    """torch's weighted l1 and mse losses: the errors times the weights, whose 'mean'
    divides by the weights' sum (not by the count)."""
    if tuple(weight.shape) != shape:
        raise ValueError("Weights and input must have the same size.")
    losses = errors * weight
    if enum == _loss.MEAN:
        return losses.sum() / weight.sum()
    return losses.sum() if enum == _loss.SUM else losses


def _check_broadcast(a, b):
    sa, sb = tuple(a.shape), tuple(b.shape)
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {max(len(sa), len(sb)) - i}")


def _size_warning(input, target):
    if target.size() != input.size():  # (torch's order: a target of no size fails here)
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size "
                      f"({input.size()}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.",
                      stacklevel=stacklevel(3))


def _broadcast_pair(input, target):
    _check_broadcast(input, target)
    if tuple(input.shape) == tuple(target.shape):
        return input, target
    shape = tuple(broadcast_shapes(tuple(input.shape), tuple(target.shape)))
    # as torch.broadcast_tensors: a tensor of the broadcast shape already is not expanded
    return tuple(t if tuple(t.shape) == shape else t.expand(*shape) for t in (input, target))


def _apply_reduction(losses, enum):
    if enum == _loss.MEAN:
        return losses.mean()
    if enum == _loss.SUM:
        return losses.sum()
    return losses


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _size_warning(input, target)
    enum = _reduction_enum(size_average, reduce, reduction)
    shape = tuple(input.shape)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted((input - target).abs(), weight, shape, enum)
    return _apply_reduction((input - target).abs(), enum)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _size_warning(input, target)
    enum = _reduction_enum(size_average, reduce, reduction)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return _apply_reduction((input - target).abs(), enum)
    return _loss.smooth_l1_loss(input, target, enum, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _size_warning(input, target)
    enum = _reduction_enum(None, None, reduction)
    input, target = _broadcast_pair(input, target)
    if weight is None:
        return _loss.huber_loss(input, target, enum, delta)
    losses = _loss.huber_loss(input, target, _loss.NONE, delta) * weight
    return _apply_reduction(losses, enum)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the same "
                         "size.")
    if weight is not None:
        weight = weight.expand(*broadcast_shapes(tuple(target.shape), tuple(weight.shape)))
    return _loss.binary_cross_entropy(input, target, weight, enum)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    enum = _reduction_enum(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    return _loss.binary_cross_entropy_with_logits(input, target, weight, pos_weight, enum)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        enum = _reduction_enum(size_average, reduce, "mean")
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                          "support size.'batchmean' divides only by the batch size, and aligns "
                          "with the KL div math definition.'mean' will be changed to behave the "
                          "same as 'batchmean' in the next major release.",
                          stacklevel=stacklevel(2))
        enum = _reduction_enum(None, None, "sum" if reduction == "batchmean" else reduction)
    out = torch_kl_div(input, target, enum, log_target=log_target)
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.size()[0]
    return out


def torch_kl_div(input, target, reduction=_loss.NONE, *, log_target=False):
    """torch.kl_div: the reduction as torch's enum (0 none, 1 mean, 2 sum; any other
    number reduces nothing, as torch's kernel does). (torch's schema says the default is
    Mean, but its Python binding reduces nothing when none is given: copied.)"""
    # torch's kl_div: target * (log(target) - input), with 0 log 0 = 0
    kinds = input._data.dtype.kind + target._data.dtype.kind
    if "c" in kinds:
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if any(k in "biu" for k in kinds):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        losses = xlogy(target, target) - target * input
    return _apply_reduction(losses, reduction)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """<x1, x2> / (max(||x1||, eps) max(||x2||, eps)) along dim. As in torch, the norms
    are clamped in place outside the graph (on a clone), so the clamp has no node."""
    common = _dtype.promote_types(x1.dtype, x2.dtype)
    if not common.is_floating_point:
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           f"{common._cname}")
    # an integer input is cast to the common dtype first
    x1, x2 = (x if x.dtype.is_floating_point else x.to(common) for x in (x1, x2))
    n1 = x1.norm(2, dim, keepdim=True).clone()
    n2 = x2.norm(2, dim, keepdim=True).clone()
    with no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    d = x1.dim() if x1.dim() >= x2.dim() else x2.dim()
    return _norm_dim(_pw.add_scalar(x1 - x2, eps, 1), float(p), (d - 1 if d else 0,), keepdim)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.size()}, input2: {input2.size()}, "
                           f"target: {target.size()} ")
    return _apply_reduction(_pw.add_scalar(-target * (input1 - input2), margin, 1).clamp_min(0),
                            enum)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    zeros = input * 0
    margin_clamp = (margin - input).clamp_min(0)
    out_margin = _where(target == -1, margin_clamp, zeros)
    out_self = _where(target == 1, input, zeros)
    return _apply_reduction(out_margin + out_self, enum)


def _where(cond, a, b):
    return ops.FUNCTIONS["where"](cond, a, b)


def _minimum(a, b):
    return ops.FUNCTIONS["minimum"](a, b)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    return _apply_reduction((1 + (-target * input).exp()).log(), enum)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    cos = cosine_similarity(input1, input2, -1 if input1.dim() else 0, 1e-12)
    zeros = cos * 0
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    return _apply_reduction(_where(target == 1, pos, zeros) + _where(target == -1, neg, zeros),
                            enum)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = _minimum(d_neg, d_swap)
    return _apply_reduction((margin + d_pos - d_neg).clamp_min(0), enum)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    if log_input:
        losses = input.exp() - target * input
    else:
        losses = input - target * (input + eps).log()
    if full:
        t = target
        stirling = t * t.log() - t + 0.5 * (2 * math.pi * t).log()
        losses = losses + stirling.masked_fill(t <= 1, 0)
    return _apply_reduction(losses, enum)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    enum = _reduction_enum(None, None, reduction)
    if not isinstance(var, Tensor):
        var = input * 0 + var
    if var.dim() == input.dim() - 1 and tuple(var.shape) == tuple(input.shape[:-1]):
        var = var.unsqueeze(-1)
    if bool((var < 0).any()):  # (a Tensor's truth: under vmap, torch's control-flow error)
        raise ValueError("var has negative entry/entries")
    var = var.clamp_min(eps)
    losses = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(losses, enum)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    return _margin.multi_margin_loss(input, target, p, margin, weight, enum)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    enum = _reduction_enum(size_average, reduce, reduction)
    return _margin.multilabel_margin_loss(input, target, enum)[0]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _nn.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                        _REDUCTIONS[reduction], zero_infinity)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """The mean over classes of each class's logistic loss. As torch, the reduction is
    checked only after the loss is computed (a bad shape fails first)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = _minimum(d_neg, distance(positive, negative))
    return _apply_reduction((margin + d_pos - d_neg).clamp_min(0), _REDUCTIONS[reduction])

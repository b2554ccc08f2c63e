"""F.linear_cross_entropy: cross_entropy(linear(input, linear_weight, linear_bias), target)
as torch composes it (options=None), and torch's chunked path (options given): the batch
taken a chunk of rows at a time, the gradients computed in the forward and handed out by
the backward, in a node of torch's name. float16 and bfloat16 inputs compute in their
accumulation dtype (float32 under acc_policy="auto", else their own) and round the loss
and each gradient once; torch's kernels round some partial sums on the way, so low
precision values agree with torch's to about an ulp of the dtype, not bit for bit."""
import math
import warnings

from ... import creation
from ...autograd.function import Function
from ...ops import FUNCTIONS as _F
from ..._dtype import bfloat16, float16, float32, int64
from .linear import linear
from .loss import cross_entropy

_LOW = (float16, bfloat16)


def _chunks(n, rows):
    return [slice(i, min(i + rows, n)) for i in range(0, n, rows)]


def _in(acc, *tensors):
    return [None if t is None else t.to(acc) for t in tensors]


def _rows_loss_and_grad(x, W, b, target, weight, ignore_index, with_grad):
    """Per-row losses w_t (logsumexp(z) - z_t) of z = x W^T + b, the rows' class weights,
    and (with_grad) d loss_i / d z_i = w_t (softmax(z_i) - e_t)."""
    z = x.matmul(W.mT)
    if b is not None:
        z = z + b
    kept = target != ignore_index
    t = target.masked_fill(~kept, 0)
    w = creation.ones(t.shape, dtype=z.dtype) if weight is None else weight.to(z.dtype)[t]
    w = w.masked_fill(~kept, 0)
    lse = z.logsumexp(1)
    loss = w * (lse - z.gather(1, t[:, None])[:, 0])
    if not with_grad:
        return loss, w, None
    dz = (z - lse[:, None]).exp()
    dz[creation.arange(t.shape[0]), t] -= 1
    return loss, w, dz * w[:, None]


def _grads(dz, x, W, needs):
    return (dz.matmul(W) if needs[0] else None, dz.mT.matmul(x) if needs[1] else None,
            dz.sum(0) if needs[2] else None)


class GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_default(Function):
    """The scalar reductions: the gradients are computed with the loss, chunk by chunk,
    and the backward scales them by the incoming gradient. They are handed out once
    unless allow_retain_graph."""

    @staticmethod
    def forward(ctx, x, W, b, target, weight, reduction, ignore_index, rows, retain, acc):
        needs = ctx.needs_input_grad[:3]
        dtypes = [None if t is None else t.dtype for t in (x, W, b)]
        x, W, b, weight = _in(acc, x, W, b, weight)
        total, count = creation.zeros((), dtype=x.dtype), creation.zeros((), dtype=x.dtype)
        gx, gW, gb = None, None, None
        parts = []
        for rows_ in _chunks(x.shape[0], rows):
            loss, w, dz = _rows_loss_and_grad(x[rows_], W, b, target[rows_], weight,
                                              ignore_index, any(needs))
            total, count = total + loss.sum(), count + w.sum()
            if any(needs):
                parts.append((rows_, dz))
        scale = 1 / count if reduction == "mean" else 1
        if any(needs):
            gx = creation.zeros(x.shape, dtype=x.dtype) if needs[0] else None
            for rows_, dz in parts:
                cx, cW, cb = _grads(dz * scale, x[rows_], W, needs)
                if needs[0]:
                    gx[rows_] = cx
                gW = cW if gW is None or cW is None else gW + cW
                gb = cb if gb is None or cb is None else gb + cb
        ctx.grads = [None if g is None else g.to(d) for g, d in zip((gx, gW, gb), dtypes)]
        ctx.retain = retain
        return (total * scale if reduction == "mean" else total).to(dtypes[0])

    @staticmethod
    def backward(ctx, grad):
        if ctx.grads is None:
            raise RuntimeError("linear_cross_entropy chunked backward called twice; "
                               "retain_graph=True / double backward are not supported.")
        grads = [None if g is None else g * grad for g in ctx.grads]
        if not ctx.retain:
            ctx.grads = None
        return (*grads, None, None, None, None, None, None, None)


class GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_default(
        Function):
    """reduction='none': the loss of each row; the backward recomputes the chunks'
    gradients from the saved inputs (so it can run again)."""

    @staticmethod
    def forward(ctx, x, W, b, target, weight, ignore_index, rows, acc):
        ctx.save_for_backward(x, W, b, target, weight)
        ctx.ignore_index, ctx.rows, ctx.acc = ignore_index, rows, acc
        dtype = x.dtype
        x, W, b, weight = _in(acc, x, W, b, weight)
        return _F["cat"]([_rows_loss_and_grad(x[r], W, b, target[r], weight, ignore_index,
                                              False)[0] for r in _chunks(x.shape[0], rows)]
                         ).to(dtype)

    @staticmethod
    def backward(ctx, grad):
        x, W, b, target, weight = ctx.saved_tensors
        dtypes = [None if t is None else t.dtype for t in (x, W, b)]
        x, W, b, weight, grad = _in(ctx.acc, x, W, b, weight, grad)
        needs = ctx.needs_input_grad[:3]
        gx = creation.zeros(x.shape, dtype=x.dtype) if needs[0] else None
        gW = gb = None
        for r in _chunks(x.shape[0], ctx.rows):
            dz = _rows_loss_and_grad(x[r], W, b, target[r], weight, ctx.ignore_index, True)[2]
            cx, cW, cb = _grads(dz * grad[r, None], x[r], W, needs)
            if needs[0]:
                gx[r] = cx
            gW = cW if gW is None or cW is None else gW + cW
            gb = cb if gb is None or cb is None else gb + cb
        gx, gW, gb = (None if g is None else g.to(d) for g, d in zip((gx, gW, gb), dtypes))
        return gx, gW, gb, None, None, None, None, None


def _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index,
             options, in_features, num_classes):
    batched = input.dim() == 2
    if not batched:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    options = options._adjust(input.shape[0], in_features, num_classes, input.dtype,
                              input.device)
    dtype, acc = input.dtype, options.acc_dtype
    if dtype != acc and not (dtype in _LOW and acc == float32):
        raise RuntimeError("linear_cross_entropy supports float32 acc_dtype with float16/"
                           f"bfloat16 inputs, but got {acc} acc_dtype and {dtype} inputs.")
    rows = options.batch_chunk_size
    if reduction == "none":
        result = GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_default.apply(  # noqa: E501
            input, linear_weight, linear_bias, target, weight, ignore_index, rows, acc)
    else:
        result = GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_default.apply(
            input, linear_weight, linear_bias, target, weight, reduction, ignore_index, rows,
            options.allow_retain_graph, acc)
    return result if batched else result.squeeze(0)


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0,
                         options=None):
    """Compute the cross entropy loss between inputs, transformed linearly, and target:
    ``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``, with
    ``ignore_index=None`` standing for -100. A ``linear_weight`` of shape (C, d_1, ...,
    d_K, in_features) gives the K-dimensional loss.

    >>> import dyngrad as torch
    >>> x = torch.tensor([[1., 2.], [0., -1.]])
    >>> w = torch.tensor([[1., 0.], [0., 1.], [1., 1.]])
    >>> torch.nn.functional.linear_cross_entropy(x, w, torch.tensor([2, 0]))
    tensor(0.4795)
    """
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError("expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.dim()}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions "
                           f"(in_features), got {input.shape[-1]} and "
                           f"{linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape "
                           f"{tuple(linear_weight.shape)} requires batched input, "
                           f"(N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batch, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None:
        chunkable = (not out_features and reduction in {"mean", "sum", "none"}
                     and label_smoothing == 0.0 and target.dtype == int64)
        if chunkable:
            return _chunked(input, linear_weight, target, linear_bias, weight, reduction,
                            ignore_index, options, in_features, num_classes)
        bias_shape = tuple(linear_bias.shape) if linear_bias is not None else None
        warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction "
                      "in {'mean','sum','none'}, label_smoothing == 0, target.dtype == int64, "
                      f"out_features == (). Got reduction={reduction!r}, label_smoothing="
                      f"{label_smoothing}, target.dtype={target.dtype}, out_features="
                      f"{out_features}, tracing=False, linear_bias.shape={bias_shape}.",
                      stacklevel=2)
    if out_features:
        flat = math.prod(out_features, start=num_classes)
        linear_weight = linear_weight.reshape((flat, in_features))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(flat)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=ignore_index, label_smoothing=label_smoothing)

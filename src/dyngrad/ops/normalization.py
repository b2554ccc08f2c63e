"""Normalization: native_layer_norm, native_batch_norm, native_group_norm and their
backward entries (torch's NativeLayerNormBackward0 and friends).

All three normalize over some axes of a (possibly reshaped) input:

    xhat = (x - mean) * rstd,   rstd = 1 / sqrt(var + eps)     (biased variance)
    grad_x = rstd * (g - mean(g) - xhat * mean(g * xhat))       g = grad * weight

The first backward is one entry per op with a joint formula (NOTE [Joint formulas] in
_table.py). Its own derivative (the double backward) is taken by differentiating the
same backward written with table ops (``vjp_of_composite``): values are torch's, the
graph recorded under create_graph is made of those ops rather than torch's hand-written
layer_norm_double_backward.
"""

import math

from .. import _backend
from .._dtype import _FROM_NP
from .._runtime_flags import get_num_threads
from ._table import TRANSPOSED, Op
from .._kernel_dtypes import FLOATING, check_kernel
from .views import alias
from ..tensor import Tensor, _wrap

xp = _backend.xp


def _mean(x, axes):
    """x's mean over ``axes``, keeping them. Over the trailing axes of short rows (a layer
    norm's), a matrix-vector product with ones: BLAS is 4x faster than NumPy's reduction
    over rows of a few hundred numbers. Long rows keep NumPy's pairwise sums, which keep
    float32 accurate over many elements."""
    k = 1
    for a in axes:
        k *= x.shape[a]
    if not k:  # empty rows: torch's sums of nothing leave the mean 0 (NumPy's warns, NaN)
        return xp.sum(x, axis=axes, keepdims=True)
    if (0 < k <= 4096 and axes == tuple(range(x.ndim - len(axes), x.ndim))
            and x.dtype in (xp.float32, xp.float64) and isinstance(x, xp.ndarray)):
        rows = x.reshape(-1, k) @ xp.ones(k, x.dtype)
        rows /= k
        return rows.reshape(x.shape[:x.ndim - len(axes)] + (1,) * len(axes))
    return xp.mean(x, axis=axes, keepdims=True)


def _stats(x, axes, eps):
    # statistics in at least float32; NumPy's pairwise sums keep float32 accurate
    mean = _mean(x, axes)
    d = x - mean
    var = _mean(d * d, axes)
    if d.size == 0 and var.size:  # empty rows: torch's variance of nothing is 0 / 0
        var = var + xp.nan
    with xp.errstate(divide="ignore"):
        rstd = 1 / xp.sqrt(var + eps)
    return d, mean, rstd.astype(x.dtype, copy=False)


def _normalized_grad(g, xhat, rstd, axes):
    # rstd * (g - mean(g) - xhat * mean(g * xhat)), in two new arrays
    gx = g * xhat
    dx = g - _mean(g, axes)
    dx -= xp.multiply(xhat, _mean(gx, axes), out=gx)
    dx *= rstd
    return dx


def vjp_of_composite(fn, primals, cotangents, mask):
    """The gradients of ``<fn(*primals), cotangents>`` for the primals ``mask`` picks.

    ``fn`` is a backward written with Tensor methods; differentiating it with the engine
    gives the double backward of an entry whose backward has no derivative of its own.
    Arrays in (no create_graph): arrays out. Tensors in: recorded, differentiable again.
    """
    from .. import autograd
    record = any(isinstance(p, Tensor) for p in primals + cotangents)
    ins = []
    for p, want in zip(primals, mask):
        if p is None or isinstance(p, (int, float)):
            ins.append(p)
        elif not isinstance(p, Tensor):
            t = _wrap(p)
            t.requires_grad = bool(want)
            ins.append(t)
        elif want and p.requires_grad:
            # an alias of p: the engine then gives the partial derivative by this use of p
            # only (not through p's own history, which may lead back to the other
            # primals), while the result stays connected to p for higher orders
            ins.append(alias(p))
        else:
            t = p.detach()
            t.requires_grad = bool(want)  # (not requires_grad_(): inside torch.func too)
            ins.append(t)
    with autograd.grad_mode.enable_grad():
        outs = fn(*ins)
        pairs = [(o, c if isinstance(c, Tensor) else _wrap(c)) for o, c in zip(outs, cotangents)
                 if c is not None and o is not None and o.requires_grad]
        wanted = [i for i, w in enumerate(mask) if w]
        result = [None] * len(primals)
        if pairs:
            gs = autograd.grad([o for o, _ in pairs], [ins[i] for i in wanted],
                               [c for _, c in pairs], create_graph=record, allow_unused=True)
            for i, g in zip(wanted, gs):
                result[i] = g
    for i in wanted:
        g = result[i]
        if g is None:
            g = _wrap(xp.zeros(ins[i].shape, ins[i]._data.dtype))
        result[i] = g if record else g._data
    return result


# -- the three layouts ------------------------------------------------------------------------
class _Layout:
    """Where a norm takes its statistics and where its affine parameters broadcast.

    ``view(x)`` puts the input into the shape whose ``axes`` are normalized (group norm
    folds channels into groups); ``param`` is the shape weight and bias broadcast as, on
    the input's own shape; ``param_axes`` the axes summed for their gradients, which are
    shaped as the parameters: a layer norm's normalized shape, else one per channel."""

    def __init__(self, shape, axes, param, param_axes, view=None, param_shape=None):
        self.shape, self.axes, self.param, self.param_axes = shape, axes, param, param_axes
        self.view = view or shape
        self.param_shape = param_shape or param

    def to_view(self, x):
        return x.reshape(self.view)

    def back(self, x):
        return x.reshape(self.shape)


def _layer_layout(input, normalized_shape):
    k = len(normalized_shape)
    n = input.ndim
    return _Layout(input.shape, tuple(range(n - k, n)), tuple(input.shape[n - k:]),
                   tuple(range(n - k)))


def _batch_layout(input):
    n = input.ndim
    axes = (0,) + tuple(range(2, n))
    param = (1, input.shape[1]) + (1,) * (n - 2)
    return _Layout(input.shape, axes, param, axes, param_shape=(input.shape[1],))


def _group_layout(input, group):
    n = input.ndim
    param = (1, input.shape[1]) + (1,) * (n - 2)
    # each group's size spelled out: -1 cannot be inferred from an empty batch
    per_group = input.shape[1] // group * math.prod(input.shape[2:])
    return _Layout(input.shape, (2,), param, (0,) + tuple(range(2, n)),
                   view=(input.shape[0], group, per_group), param_shape=(input.shape[1],))


def _affine(out, weight, bias, layout):
    # in place into the fresh normalized array where the dtypes allow
    if weight is not None:
        w = weight.reshape(layout.param)
        out = _into(out, w, xp.multiply)
    if bias is not None:
        out = _into(out, bias.reshape(layout.param), xp.add)
    return out


def _into(out, other, ufunc):
    if other.dtype == out.dtype:
        return ufunc(out, other, out=out)
    return ufunc(out, other)


# NOTE [float16 norms in float32]
# torch's CPU norm kernels load float16 into float32 (their opmath type), compute there and
# round each result once: the output to float16, the statistics to the parameters' dtype
# (float32 beside float32 weights, else float16). Their backward reads the statistics as
# saved (rounded) and computes in float32 too. Arithmetic in float16 itself would round
# at every step and differ from torch in most elements.
_HALF = xp.dtype(xp.float16)
_FLOAT = xp.dtype(xp.float32)


def _wide(a):
    return a.astype(_FLOAT) if a is not None and a.dtype == _HALF else a


def _param_dtype(input, *params):
    """The dtype torch keeps a norm's statistics in: a float32 parameter's, else the
    input's (is_mixed_type in torch's kernels)."""
    for p in params:
        if p is not None and p.dtype != input.dtype:
            return p.dtype
    return input.dtype


def _norm_forward(input, weight, bias, layout, eps):
    if input.dtype == _HALF:  # NOTE [float16 norms in float32]
        stats = _param_dtype(input, weight, bias)
        out, mean, rstd = _norm_forward(input.astype(_FLOAT), _wide(weight), _wide(bias),
                                        layout, eps)
        return out.astype(_HALF), mean.astype(stats), rstd.astype(stats)
    params = weight if weight is not None else bias
    if params is not None and params.dtype != input.dtype:
        # a bfloat16 input (widened already) with float32 parameters
        out, mean, rstd = _norm_forward(input.astype(params.dtype), weight, bias, layout, eps)
        return out.astype(input.dtype), mean, rstd
    xv = layout.to_view(input)
    d, mean, rstd = _stats(xv, layout.axes, eps)
    out = _affine(layout.back(_into(d, rstd, xp.multiply)), weight, bias, layout)
    return out.astype(input.dtype, copy=False), mean, rstd


def _norm_backward(grad_out, input, mean, rstd, weight, layout, mask):
    """(grad_input, grad_weight, grad_bias) from the saved statistics (shaped as the view's
    reduced shape); an empty array where the mask says no."""
    if input.dtype == _HALF:  # NOTE [float16 norms in float32]
        dx, dw, db = _norm_backward(_wide(grad_out), input.astype(_FLOAT), _wide(mean),
                                    _wide(rstd), _wide(weight), layout, mask)
        param = weight.dtype if weight is not None else _HALF
        return dx.astype(_HALF), dw.astype(param), db.astype(param)
    xhat = layout.back(_into(layout.to_view(input) - mean, rstd, xp.multiply))
    empty = xp.zeros(0, input.dtype)
    dx = dw = db = empty
    if mask[0]:
        g = grad_out if weight is None else grad_out * weight.reshape(layout.param)
        v = layout.to_view
        dx = layout.back(_normalized_grad(v(g), v(xhat), rstd, layout.axes))
    if mask[1] and weight is not None:
        dw = xp.sum(grad_out * xhat, axis=layout.param_axes).reshape(weight.shape)
    if mask[2]:
        db = xp.sum(grad_out, axis=layout.param_axes).reshape(layout.param_shape)
    return dx, dw, db


def _composite_backward(layout, eps, grad_out, x, weight):
    """_norm_backward written with Tensor methods, the statistics recomputed from x so
    that they are differentiated too (for vjp_of_composite)."""
    g = grad_out if weight is None else grad_out * weight.reshape(layout.param)
    xv, gv = x.reshape(layout.view), g.reshape(layout.view)
    axes = layout.axes
    d = xv - xv.mean(axes, keepdim=True)
    rstd = ((d * d).mean(axes, keepdim=True) + eps).rsqrt()
    xhat = d * rstd
    dx = rstd * (gv - gv.mean(axes, keepdim=True) - xhat * (gv * xhat).mean(axes, keepdim=True))
    xhat = xhat.reshape(layout.shape)
    dw = None if weight is None else (grad_out * xhat).sum(layout.param_axes).reshape(weight.shape)
    db = grad_out.sum(layout.param_axes).reshape(layout.param_shape)
    return dx.reshape(layout.shape), dw, db


def _norm_double_backward(layout, eps, grads, grad_out, input, weight, mask):
    def backward(go, x, w):
        return _composite_backward(layout, eps, go, x, w)
    return vjp_of_composite(backward, [grad_out, input, weight], list(grads), mask)


def _pick(outs, mask):
    return [o if m else None for o, m in zip(outs, mask)]


# -- layer_norm ------------------------------------------------------------------------------
def _native_layer_norm(input, normalized_shape, weight, bias, eps):
    check_kernel(input, "LayerNormKernelImpl", FLOATING)
    return _norm_forward(input, weight, bias, _layer_layout(input, normalized_shape), eps)


def _native_layer_norm_backward(grad_out, input, normalized_shape, mean, rstd, weight, bias,
                                output_mask, eps):
    # (eps is an extra argument: the double backward recomputes the statistics with it)
    layout = _layer_layout(input, normalized_shape)
    dx, dw, db = _norm_backward(grad_out, input, mean, rstd, weight, layout, output_mask)
    if input.dtype == _HALF:  # torch's kernel's own terms (NOTE [float16 norms in float32])
        n = 1
        for k in normalized_shape:
            n *= k
        g = _wide(grad_out).reshape(-1, n)
        if dx.size:
            dx = _layer_half_dx(g, input.astype(_FLOAT).reshape(-1, n), _wide(mean).reshape(-1, 1),
                                _wide(rstd).reshape(-1, 1), weight, n).reshape(input.shape)
        if dw.size:
            xhat = (input.astype(_FLOAT).reshape(-1, n) * _wide(rstd).reshape(-1, 1)
                    + -_wide(rstd).reshape(-1, 1) * _wide(mean).reshape(-1, 1))
            dw = _thread_buffer_sum(g * xhat).astype(dw.dtype).reshape(dw.shape)
        if db.size:
            db = _thread_buffer_sum(g).astype(db.dtype).reshape(db.shape)
    return dx, dw, db


def _layer_half_dx(g, x, mean, rstd, weight, n):
    """A float16 layer norm's input gradient as torch's kernel computes it (float32, rounded
    once): per row, dx = rstd * g + (b * x + c) with g = dy * weight."""
    if weight is not None:
        g = g * _wide(weight).reshape(1, n)
    ds = (g * x).sum(-1, keepdims=True)
    db = g.sum(-1, keepdims=True)
    scale = xp.float32(1 / n)
    b = (db * mean - ds) * rstd * rstd * rstd * scale
    c = -b * mean - db * rstd * scale
    return (rstd * g + (b * x + c)).astype(_HALF)


def _thread_buffer_sum(rows):
    """The column sums of ``rows`` as torch's float16 layer-norm backward makes them: the
    rows split into one run per thread (at::parallel_for's chunks), each added row by row
    into a float16 buffer (rounded after every row), the buffers then summed in float32.
    So, as torch's, the result depends on the number of threads (torch.set_num_threads)."""
    m = rows.shape[0]
    threads = max(1, min(get_num_threads(), m))
    chunk = -(-m // threads) if m else 1
    runs = -(-m // chunk) if m else 0
    buffers = xp.zeros((max(runs, 1), rows.shape[1]), _HALF)
    for r in range(chunk):
        live = [t for t in range(runs) if t * chunk + r < m]
        if not live:
            break
        at = xp.asarray(live) * chunk + r
        buffers[live] = (buffers[live].astype(_FLOAT) + rows[at]).astype(_HALF)
    total = xp.zeros(rows.shape[1], _FLOAT)
    for b in buffers:
        total += b
    return total


def _layer_norm_grads(grad, input, normalized_shape, result1, result2, weight, bias, eps,
                      grad_input_mask):
    if weight is None and bias is not None:
        # torch's backward kernel takes the parameters' dtype from the weight: a float32
        # bias beside a float16 input and no weight is read as the input's type (a
        # bfloat16 input reaches here widened to float32: its error is not given)
        have, want = (_FROM_NP[getattr(a, "_data", a).dtype] for a in (bias, input))
        if have is not want:
            raise RuntimeError(f"expected scalar type {want._cname} but found {have._cname}")
    return _pick(native_layer_norm_backward(grad, input, normalized_shape, result1, result2,
                                            weight, bias, grad_input_mask, eps), grad_input_mask)


def _layer_norm_double_backward(grads, grad_out, input, normalized_shape, weight, eps,
                                grad_input_mask):
    # edges: grad_out, input, mean, rstd, weight, bias (the statistics and the bias get none)
    layout = _layer_layout(input, normalized_shape)
    m = grad_input_mask
    g_out, g_in, g_w = _norm_double_backward(layout, eps, grads, grad_out, input, weight,
                                             (m[0], m[1], m[4]))
    return g_out, g_in, None, None, g_w, None


native_layer_norm = Op("NativeLayerNormBackward0", _native_layer_norm, jvp=TRANSPOSED,
                       outputs=("result0", "result1", "result2"), differentiable_outputs=(0,),
                       result_dtype_of="input",
                       input=_layer_norm_grads, weight=_layer_norm_grads, bias=_layer_norm_grads)
native_layer_norm_backward = Op(
    "NativeLayerNormBackwardBackward0", _native_layer_norm_backward, jvp=TRANSPOSED,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    grad_out=_layer_norm_double_backward, input=_layer_norm_double_backward,
    mean=_layer_norm_double_backward, rstd=_layer_norm_double_backward,
    weight=_layer_norm_double_backward, bias=_layer_norm_double_backward)


# -- group_norm ------------------------------------------------------------------------------
def _native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    if input.size != N * C * HxW:  # (the sizes are the caller's: torch.native_group_norm)
        raise RuntimeError("Expected X.numel() == N * C * HxW to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    check_kernel(input, "GroupNormKernelImpl", FLOATING)
    out, mean, rstd = _norm_forward(input, weight, bias, _group_layout(input, group), eps)
    return out, mean.reshape(N, group), rstd.reshape(N, group)


def _group_norm_grads(grad, input, result1, result2, weight, N, group, eps, grad_input_mask):
    layout = _group_layout(input, group)
    if isinstance(grad, _backend.ndarray):
        grads = _norm_backward(grad, input, result1.reshape(N, group, 1),
                               result2.reshape(N, group, 1), weight, layout, grad_input_mask)
        if input.dtype == _HALF and grad_input_mask[0]:
            grads = (_group_half_dx(grad, input, result1, result2, weight, N, group),) + grads[1:]
        return _pick(grads, grad_input_mask)
    # recording a graph, torch differentiates a composite backward instead of its kernel's
    return _pick(_composite_backward(layout, eps, grad, input, weight), grad_input_mask)


def _group_half_dx(grad, input, mean, rstd, weight, N, group):
    """A float16 group norm's input gradient in torch's kernel's own terms (float32,
    rounded once): dx = c1 * dy + c2 * x + c3 per group, which rounds as torch's does."""
    shape = (N, group, input.shape[1] // group, math.prod(input.shape[2:]))
    x, g = input.astype(_FLOAT).reshape(shape), _wide(grad).reshape(shape)
    m, r = _wide(mean).reshape(N, group, 1, 1), _wide(rstd).reshape(N, group, 1, 1)
    w = _wide(weight).reshape(1, group, -1, 1) if weight is not None else xp.float32(1)
    ds = ((g * x).sum(-1, keepdims=True) * w).sum(2, keepdims=True)
    db = (g.sum(-1, keepdims=True) * w).sum(2, keepdims=True)
    s = xp.float32(1) / xp.float32(x.shape[2] * x.shape[3])
    c2 = (db * m - ds) * r * r * r * s
    c3 = -c2 * m - db * r * s
    return ((r * w) * g + c2 * x + c3).reshape(input.shape).astype(_HALF)


native_group_norm = Op("NativeGroupNormBackward0", _native_group_norm, jvp=TRANSPOSED,
                       outputs=("result0", "result1", "result2"), differentiable_outputs=(0,),
                       result_dtype_of="input",
                       input=_group_norm_grads, weight=_group_norm_grads, bias=_group_norm_grads)


# -- batch_norm ------------------------------------------------------------------------------
def _native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    check_kernel(input, "batch_norm", FLOATING)
    if input.dtype == _HALF:  # NOTE [float16 norms in float32]
        stats = _param_dtype(input, weight, bias, running_mean, running_var)
        rm, rv = _wide(running_mean), _wide(running_var)
        x, w, b = input.astype(_FLOAT), _wide(weight), _wide(bias)
        out, mean, rstd = _native_batch_norm(x, w, b, rm, rv, training, momentum, eps)
        for kept, wide in ((running_mean, rm), (running_var, rv)):
            if kept is not None and wide is not kept:
                kept[...] = wide
        mean, rstd = mean.astype(stats), rstd.astype(stats)
        if training and stats == _HALF:  # torch normalizes with the statistics as rounded
            layout = _batch_layout(input)
            at = layout.param
            out = _affine((x - _wide(mean).reshape(at)) * _wide(rstd).reshape(at), w, b, layout)
        return out.astype(_HALF), mean, rstd
    layout = _batch_layout(input)
    if not training:
        mean = running_mean.reshape(layout.param)
        rstd = (1 / xp.sqrt(running_var + eps)).astype(input.dtype).reshape(layout.param)
        out = _affine((input - mean) * rstd, weight, bias, layout)
        empty = xp.zeros(0, input.dtype)
        return out.astype(input.dtype, copy=False), empty, empty
    d, mean, rstd = _stats(input, layout.axes, eps)
    out = _affine(d * rstd, weight, bias, layout).astype(input.dtype, copy=False)
    if running_mean is not None or running_var is not None:
        # running statistics are updated in place, outside the graph, as torch does (the
        # variance unbiased)
        n = input.size // input.shape[1]
        if running_mean is not None:
            running_mean[...] = momentum * mean.reshape(-1) + (1 - momentum) * running_mean
        if running_var is not None:
            var = xp.sum(d * d, axis=layout.axes) / max(n - 1, 1)
            running_var[...] = momentum * var + (1 - momentum) * running_var
    return out, mean.reshape(-1), rstd.reshape(-1)


def _native_batch_norm_backward(grad_out, input, weight, running_mean, running_var, save_mean,
                                save_invstd, train, eps, output_mask):
    if input.dtype == _HALF:  # NOTE [float16 norms in float32]
        dx, dw, db = _native_batch_norm_backward(
            _wide(grad_out), input.astype(_FLOAT), _wide(weight), _wide(running_mean),
            _wide(running_var), _wide(save_mean), _wide(save_invstd), train, eps, output_mask)
        if train and output_mask[0]:
            dx = _batch_half_dx(grad_out, input, save_mean, save_invstd, weight)
        param = weight.dtype if weight is not None else _HALF
        return dx.astype(_HALF), dw.astype(param), db.astype(param)
    layout = _batch_layout(input)
    if train:
        return _norm_backward(grad_out, input, save_mean.reshape(layout.param),
                              save_invstd.reshape(layout.param), weight, layout, output_mask)
    mean = running_mean.reshape(layout.param)
    rstd = (1 / xp.sqrt(running_var + eps)).astype(input.dtype).reshape(layout.param)
    empty = xp.zeros(0, input.dtype)
    dx = dw = db = empty
    if output_mask[0]:
        dx = grad_out * rstd if weight is None else grad_out * (rstd * weight.reshape(layout.param))
    if output_mask[1] and weight is not None:
        dw = xp.sum(grad_out * (input - mean) * rstd, axis=layout.param_axes)
    if output_mask[2]:
        db = xp.sum(grad_out, axis=layout.param_axes)
    return dx, dw, db


def _batch_half_dx(grad_out, input, mean, invstd, weight):
    """A float16 batch norm's input gradient in torch's kernel's terms (float32, rounded
    once): (dy - sum(dy) / n - (x - mean) * k) * invstd * weight, k = dot * invstd^2 / n."""
    layout = _batch_layout(input)
    at, axes = layout.param, layout.axes
    x, g = input.astype(_FLOAT), _wide(grad_out)
    m, r = _wide(mean).reshape(at), _wide(invstd).reshape(at)
    n = xp.float32(input.size // input.shape[1])
    centered = x - m
    k = (centered * g).sum(axes, keepdims=True) * r * r / n
    dx = (g - g.sum(axes, keepdims=True) / n - centered * k) * r
    return dx * _wide(weight).reshape(at) if weight is not None else dx


def _batch_norm_grads(grad, input, weight, running_mean, running_var, result1, result2,
                      training, eps, grad_input_mask):
    return _pick(native_batch_norm_backward(grad, input, weight, running_mean, running_var,
                                            result1, result2, training, eps, grad_input_mask),
                 grad_input_mask)


def _eval_composite_backward(layout, eps, running_mean, running_var, grad_out, x, weight):
    rstd = (running_var + eps).rsqrt().reshape(layout.param)
    scale = rstd if weight is None else rstd * weight.reshape(layout.param)
    xhat = (x - running_mean.reshape(layout.param)) * rstd
    dw = None if weight is None else (grad_out * xhat).sum(layout.param_axes)
    return grad_out * scale, dw, grad_out.sum(layout.param_axes)


def _batch_norm_double_backward(grads, grad_out, input, weight, running_mean, running_var,
                                train, eps, grad_input_mask):
    # edges: grad_out, input, weight, running_mean, running_var (the last two get none)
    layout = _batch_layout(input)
    mask = grad_input_mask[:3]
    if train:
        return _norm_double_backward(layout, eps, grads, grad_out, input, weight, mask) + [None] * 2
    rm, rv = (v if isinstance(v, Tensor) else _wrap(v) for v in (running_mean, running_var))

    def backward(go, x, w):
        return _eval_composite_backward(layout, eps, rm.detach(), rv.detach(), go, x, w)
    return vjp_of_composite(backward, [grad_out, input, weight], list(grads), mask) + [None] * 2


native_batch_norm = Op("NativeBatchNormBackward0", _native_batch_norm, jvp=TRANSPOSED,
                       outputs=("result0", "result1", "result2"), differentiable_outputs=(0,),
                       nondiff=("running_mean", "running_var"),
                       writes=("running_mean", "running_var"), result_dtype_of="input",
                       input=_batch_norm_grads, weight=_batch_norm_grads, bias=_batch_norm_grads)
native_batch_norm_backward = Op(
    "NativeBatchNormBackwardBackward0", _native_batch_norm_backward, jvp=TRANSPOSED,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    nondiff=("save_mean", "save_invstd"),
    grad_out=_batch_norm_double_backward, input=_batch_norm_double_backward,
    weight=_batch_norm_double_backward, running_mean=_batch_norm_double_backward,
    running_var=_batch_norm_double_backward)

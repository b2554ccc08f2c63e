"""Convolution (ConvolutionBackward0) in 1, 2 and 3 spatial dims, plain and transposed,
and its backward entry (ConvolutionBackwardBackward0).

Over arrays, a convolution is one (batched) matmul of the kernel with the im2col matrix
of the padded input: a strided view (as_strided: each window's elements without a Python
loop over pixels), copied once as (N, C*kernel, positions), so that the kernel times it
is the output in its own (N, Cout, positions) layout, with no copy afterwards. Writing
F(x, w) for the convolution, its two gradients are

    grad_x = Gx(grad, w)   a full correlation of the stride-dilated grad with the flipped
                           kernel: F again, on a padded, zero-stuffed grad
    grad_w = Gw(grad, x)   the windows of x contracted with grad over batch and positions

and a transposed convolution is Gx as its forward, with F and Gw as its gradients.

The double backward uses that a convolution is bilinear in (x, w): the backward
B(grad, x, w) = (Gx(grad, w), Gw(grad, x)) has the vector-Jacobian product

    d grad  = F(ggx, w) + F(x, ggw) (+ ggb broadcast)
    d x     = Gx(grad, ggw)          (B's input gradient with ggw as the kernel)
    d w     = Gw(grad, ggx)          (B's weight gradient with ggx as the input)

written with the two entries themselves, so every order is differentiable.
"""
import functools
import itertools
import math

from .. import _backend
from ._table import LINEAR, TRANSPOSED, Op
from . import reduction as _red, views as _views

xp = _backend.xp
_as_strided = _backend.as_strided


def _nd(x):
    return x.ndim - 2


def _windows(x, kernel, stride, dilation):
    """(N, C, *kernel, *out) strided view of x (already padded): for each kernel offset,
    the input every output position sees there."""
    sp, st = x.shape[2:], x.strides[2:]
    out_sp = tuple((s - dl * (k - 1) - 1) // step + 1
                   for s, k, step, dl in zip(sp, kernel, stride, dilation))
    return _as_strided(x, x.shape[:2] + tuple(kernel) + out_sp,
                       x.strides[:2] + tuple(t * dl for t, dl in zip(st, dilation))
                       + tuple(t * step for t, step in zip(st, stride)), writeable=False)


def _pad(x, padding):
    """x with zeros around its spatial dims: an assignment into zeros (xp.pad's general
    machinery costs more than the copy itself at these sizes)."""
    if not any(padding):
        return x
    out = _backend.array_module(x).zeros(
        x.shape[:2] + tuple(s + 2 * p for s, p in zip(x.shape[2:], padding)), x.dtype)
    out[(slice(None),) * 2 + tuple(slice(p, p + s) for p, s in zip(padding, x.shape[2:]))] = x
    return out


def _columns(x, kernel, stride, padding, dilation):
    """im2col: the padded input's windows as an (N, C * prod(kernel), prod(out)) array,
    and the output's spatial shape. Copied in (N, C, *kernel, *out) order, so that the
    copy's inner loop runs along image rows rather than across 3-element windows
    (measured: a 5x faster copy for 32x1x28x28 and a 3x3 kernel)."""
    win = _windows(_pad(x, padding), kernel, stride, dilation)
    out_sp = win.shape[2 + _nd(x):]
    cols = xp.ascontiguousarray(win)
    # (sizes spelled out, not -1: an empty batch leaves -1 undetermined)
    return cols.reshape(x.shape[0], x.shape[1] * math.prod(kernel), math.prod(out_sp)), out_sp


def _by_group(a, b, groups, a_axis, b_axis, cat_axis):
    """``a @ b``, or with groups the product of each group's slices (of ``a`` along
    ``a_axis``, ``b`` along ``b_axis``), the group axis at ``cat_axis`` just before each
    group's part (a C-order reshape joins them): one matmul over a leading group axis (a
    vmapped convolution has a group per sample)."""
    if groups == 1:
        return xp.matmul(a, b)
    ga, gb = _grouped(a, a_axis, groups), _grouped(b, b_axis, groups)
    # the group axes line up for matmul's broadcasting: ``b`` has as many axes as ``a``
    # or one more (the forward's batch of columns against its kernel)
    ga = ga.reshape(ga.shape[:1] + (1,) * (gb.ndim - ga.ndim) + ga.shape[1:])
    return xp.moveaxis(xp.matmul(ga, gb), 0, cat_axis)


def _grouped(m, axis, groups):
    """``m`` with its ``axis`` split into ``groups`` slices, the group axis first."""
    split = m.reshape(m.shape[:axis] + (groups, m.shape[axis] // groups) + m.shape[axis + 1:])
    return xp.moveaxis(split, axis, 0)


def _forward(x, w, stride, padding, dilation, groups):
    """F: the convolution of x (N, Cin, *S) with w (Cout, Cin/g, *K), no bias: the kernel
    (Cout, Cin/g * K) times each image's columns (a matmul broadcast over the batch)."""
    n, cout = x.shape[0], w.shape[0]
    cols, out_sp = _columns(x, w.shape[2:], stride, padding, dilation)
    out = _by_group(w.reshape(cout, math.prod(w.shape[1:])), cols, groups, 0, 1, 1)
    return out.reshape((n, cout) + out_sp)


def _input_grad(grad, w, input_shape, stride, padding, dilation, groups):
    """Gx: the gradient of F(x, w) for x of ``input_shape``, given the output's gradient:
    the kernel's transpose times grad (col2im's matrix), each kernel offset's rows then
    added into the padded input with one strided add (a loop over offsets, not pixels).

    The batch is the innermost axis of both (the matrix is (Cin, *kernel, *out, N), the
    sum (Cin, *padded, N)): each add then runs along N * out-width contiguous numbers
    rather than along one output row (measured: 4x faster for LeNet's second layer)."""
    n, cout = grad.shape[:2]
    out_sp, kernel = grad.shape[2:], w.shape[2:]
    cin = input_shape[1]
    batch_last = xp.moveaxis(grad, 0, -1).reshape(cout, math.prod(out_sp) * n)
    cols = _by_group(w.reshape(cout, math.prod(w.shape[1:])).T, batch_last, groups, 1, 0, 0)
    cols = cols.reshape((cin,) + tuple(kernel) + tuple(out_sp) + (n,))
    # (every window lies inside the padded input: a transposed convolution's output padding
    # only lengthens it)
    size = tuple(s_ + 2 * p for s_, p in zip(input_shape[2:], padding))
    acc = _backend.array_module(cols).zeros((cin,) + size + (n,), cols.dtype)
    for into, offset in _offset_keys(tuple(kernel), tuple(dilation), tuple(out_sp),
                                     tuple(stride)):
        acc[into] += cols[offset]
    crop = acc[(slice(None),) + tuple(slice(p, p + s_)
                                      for p, s_ in zip(padding, input_shape[2:]))]
    return xp.moveaxis(crop, -1, 0)


@functools.lru_cache(maxsize=64)
def _offset_keys(kernel, dilation, out_sp, stride):
    """For each kernel offset of ``_input_grad``: the strided region of the padded input
    it adds into, and its rows of the matrix (the same for every call of one layer, so
    built once: measured, 16 us a call for a 5x5 kernel)."""
    every = (slice(None),)
    return tuple((every + tuple(slice(k * dl, k * dl + (o - 1) * st + 1, st)
                                for k, dl, o, st in zip(offset, dilation, out_sp, stride)),
                  every + offset) for offset in itertools.product(*map(range, kernel)))


def _weight_grad(grad, x, weight_shape, stride, padding, dilation, groups):
    """Gw: the gradient of F(x, w) for w of ``weight_shape``: each image's grad
    (Cout, positions) times its columns transposed, summed over the batch (no copy of
    either operand: matmul reads the transposed columns as they are)."""
    cols, _ = _columns(x, tuple(weight_shape[2:]), stride, padding, dilation)
    n, cout = grad.shape[0], weight_shape[0]
    out = _by_group(grad.reshape(n, cout, math.prod(grad.shape[2:])), cols.transpose(0, 2, 1),
                    groups, 1, 2, 1)
    return out.sum(0).reshape(tuple(weight_shape))


def _transposed_shape(input_shape, weight_shape, stride, padding, dilation, output_padding,
                      groups):
    return ((input_shape[0], weight_shape[1] * groups)
            + tuple((i - 1) * s - 2 * p + dl * (k - 1) + op + 1 for i, k, s, p, dl, op in zip(
                input_shape[2:], weight_shape[2:], stride, padding, dilation, output_padding)))


def _add_bias(out, bias):
    if bias is not None:
        out += bias.reshape((1, -1) + (1,) * (out.ndim - 2))
    return out


def _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                 groups):
    if transposed:
        shape = _transposed_shape(input.shape, weight.shape, stride, padding, dilation,
                                  output_padding, groups)
        out = _input_grad(input, weight, shape, stride, padding, dilation, groups)
    else:
        out = _forward(input, weight, stride, padding, dilation, groups)
    return _add_bias(xp.ascontiguousarray(out, dtype=input.dtype), bias)


def _convolution_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation,
                          transposed, output_padding, groups, output_mask):
    empty = xp.zeros(0, grad_output.dtype)
    gi = gw = gb = empty
    if input.dtype.kind == "c":  # the adjoints of complex products take conjugates
        input, weight = xp.conj(input), xp.conj(weight)
    if output_mask[0]:
        gi = (_forward(grad_output, weight, stride, padding, dilation, groups) if transposed
              else _input_grad(grad_output, weight, input.shape, stride, padding, dilation,
                               groups))
        gi = xp.ascontiguousarray(gi)
    if output_mask[1]:
        gw = (_weight_grad(input, grad_output, weight.shape, stride, padding, dilation, groups)
              if transposed else
              _weight_grad(grad_output, input, weight.shape, stride, padding, dilation, groups))
        gw = xp.ascontiguousarray(gw)
    if output_mask[2]:  # (with no bias_sizes too, as torch's)
        gb = grad_output.sum(axis=(0,) + tuple(range(2, grad_output.ndim)))
    return gi, gw, gb


def _convolution_grads(grad, input, weight, bias_sym_sizes, stride, padding, dilation,
                       transposed, output_padding, groups, grad_input_mask):
    outs = convolution_backward(grad, input, weight, tuple(bias_sym_sizes), stride, padding,
                                dilation, transposed, output_padding, groups, grad_input_mask)
    return [o if m else None for o, m in zip(outs, grad_input_mask)]


def _convolution_double_backward(grads, grad_output, input, weight, stride, padding, dilation,
                                 transposed, output_padding, groups, grad_input_mask):
    ggi, ggw, ggb = grads  # (None for an output the first backward's mask left empty)
    args = (stride, padding, dilation, transposed, output_padding, groups)
    g_go = g_in = g_w = None
    if grad_input_mask[0]:
        terms = []
        if ggi is not None:
            terms.append(convolution(ggi, weight, None, *args))
        if ggw is not None:
            terms.append(convolution(input, ggw, None, *args))
        if ggb is not None:
            shape = (1, ggb.shape[0]) + (1,) * (len(grad_output.shape) - 2)
            terms.append(_views.expand(_views.view(ggb, shape), tuple(grad_output.shape)))
        for t in terms:
            g_go = t if g_go is None else g_go + t
    # (the input's and the kernel's values do not enter these two: only their shapes)
    if grad_input_mask[1] and ggw is not None:
        g_in = convolution_backward(grad_output, _constant(input), ggw, (), *args,
                                    (True, False, False))[0]
    if grad_input_mask[2] and ggi is not None:
        g_w = convolution_backward(grad_output, ggi, _constant(weight), (), *args,
                                   (False, True, False))[1]
    return g_go, g_in, g_w


def _constant(x):
    return x.detach() if hasattr(x, "detach") else x


convolution = Op("ConvolutionBackward0", _convolution, jvp=TRANSPOSED,
                 input=_convolution_grads, weight=_convolution_grads, bias=_convolution_grads)
convolution_backward = Op(
    "ConvolutionBackwardBackward0", _convolution_backward, jvp=TRANSPOSED,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    grad_output=_convolution_double_backward, input=_convolution_double_backward,
    weight=_convolution_double_backward)


# -- unfold / fold: the im2col matrix itself (Im2ColBackward0) and its adjoint ------------
def _im2col(self, kernel_size, dilation, padding, stride):
    batched = self.ndim == 4
    x = self if batched else self[None]
    cols, _ = _columns(x, kernel_size, stride, padding, dilation)
    return cols if batched else cols[0]


def _col2im(self, output_size, kernel_size, dilation, padding, stride):
    batched = self.ndim == 3
    cols = self if batched else self[None]
    n, ck, L = cols.shape
    k = math.prod(kernel_size)
    c = ck // k
    out_sp = tuple((s + 2 * p - d * (kk - 1) - 1) // st + 1 for s, p, d, kk, st in
                   zip(output_size, padding, dilation, kernel_size, stride))
    blocks = cols.reshape((n, c) + tuple(kernel_size) + out_sp)
    size = tuple(s + 2 * p for s, p in zip(output_size, padding))
    acc = xp.zeros((n, c) + size, cols.dtype)
    for offset in xp.ndindex(*kernel_size):
        key = tuple(slice(kk * d, kk * d + (o - 1) * st + 1, st)
                    for kk, d, o, st in zip(offset, dilation, out_sp, stride))
        acc[(slice(None), slice(None)) + key] += blocks[(slice(None), slice(None)) + offset]
    crop = tuple(slice(p, p + s) for p, s in zip(padding, output_size))
    out = xp.ascontiguousarray(acc[(slice(None), slice(None)) + crop])
    return out if batched else out[0]


im2col = Op("Im2ColBackward0", _im2col, jvp=LINEAR,
            self=lambda grad, self_sym_sizes, kernel_size, dilation, padding, stride:
                col2im(grad, tuple(self_sym_sizes[-2:]), kernel_size, dilation, padding, stride))
col2im = Op("Col2ImBackward0", _col2im, jvp=LINEAR,
            self=lambda grad, kernel_size, dilation, padding, stride:
                im2col(grad, kernel_size, dilation, padding, stride))


# -- conv_tbc: a 1-d convolution over (time, batch, channel) inputs (ConvTbcBackward0) ------
def _conv_tbc(self, weight, bias, pad):
    """out[t, b, o] = bias[o] + sum over k, c of x[t + k, b, c] weight[k, c, o], x being
    the input with ``pad`` zero steps on both ends of time (a negative pad crops)."""
    x = self
    if pad > 0:
        x = xp.pad(x, ((pad, pad), (0, 0), (0, 0)))
    elif pad < 0:
        x = x[-pad:x.shape[0] + pad]
    k = weight.shape[0]
    if x.shape[0] < k:    # no whole window: an empty output
        out = xp.zeros((0, x.shape[1], weight.shape[2]), self.dtype)
    else:
        windows = _backend.sliding_window_view(x, k, axis=0)  # (T, B, C, K)
        out = xp.ascontiguousarray(xp.einsum("tbck,kco->tbo", windows, weight))
    if bias is not None:
        out += bias   # (in the input's dtype, as torch's)
    return out


def _conv_tbc_grads(grad, self, weight, bias, pad, grad_input_mask):
    """conv_tbc's gradients are conv_tbc again: the input's the full correlation of grad
    with the flipped kernel, the kernel's the correlation of the input (channels as its
    batch) with grad (batch as its channels); the bias's grad summed over time and batch."""
    k = weight.shape[0]
    gi = gw = gb = None
    if grad_input_mask[0]:
        gi = conv_tbc(grad, _views.transpose(_red.flip(weight, (0,)), 1, 2), None, k - 1 - pad)
    if grad_input_mask[1]:
        gw = conv_tbc(_views.transpose(self, 1, 2), grad, None, pad)
    if grad_input_mask[2]:
        gb = _red.sum_dim(grad, (0, 1), False)
    return gi, gw, gb


# torch defines no forward-mode rule for conv_tbc, and its gradient for real values only
conv_tbc = Op("ConvTbcBackward0", _conv_tbc, jvp_name="conv_tbc", real_grad_only="conv_tbc",
              self=_conv_tbc_grads, weight=_conv_tbc_grads, bias=_conv_tbc_grads)

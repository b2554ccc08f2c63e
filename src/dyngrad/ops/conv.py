"""Convolution (ConvolutionBackward0) in 1, 2 and 3 spatial dims, plain and transposed,
and its backward entry (ConvolutionBackwardBackward0).

Over arrays, a convolution is a tensordot of the kernel with a strided view of the padded
input (sliding_window_view: im2col without a Python loop over pixels). Writing
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
from .. import _backend
from ._table import Op

xp = _backend.xp
_windows_of = xp.lib.stride_tricks.sliding_window_view


def _nd(x):
    return x.ndim - 2


def _windows(x, kernel, stride, dilation):
    """(N, C, *out, *kernel) view of x (already padded): the input each output sees."""
    d = _nd(x)
    extent = tuple(dl * (k - 1) + 1 for k, dl in zip(kernel, dilation))
    win = _windows_of(x, extent, axis=tuple(range(2, 2 + d)))
    key = ((slice(None),) * 2 + tuple(slice(None, None, s) for s in stride)
           + tuple(slice(None, None, dl) for dl in dilation))
    return win[key]


def _pad(x, padding):
    if not any(padding):
        return x
    return xp.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))


def _forward(x, w, stride, padding, dilation, groups):
    """F: the convolution of x (N, Cin, *S) with w (Cout, Cin/g, *K), no bias."""
    d = _nd(x)
    kernel = w.shape[2:]
    win = _windows(_pad(x, padding), kernel, stride, dilation)
    n, out_sp = x.shape[0], win.shape[2:2 + d]
    k_axes = tuple(range(2 + d, 2 + 2 * d))
    if groups == 1:
        out = xp.tensordot(win, w, axes=((1,) + k_axes, (1,) + tuple(range(2, 2 + d))))
        return xp.moveaxis(out, -1, 1)
    cin_g, cout_g = x.shape[1] // groups, w.shape[0] // groups
    outs = []
    for g in range(groups):
        wg = w[g * cout_g:(g + 1) * cout_g]
        part = xp.tensordot(win[:, g * cin_g:(g + 1) * cin_g], wg,
                            axes=((1,) + k_axes, (1,) + tuple(range(2, 2 + d))))
        outs.append(xp.moveaxis(part, -1, 1))
    return xp.concatenate(outs, axis=1) if outs else xp.zeros((n, 0) + out_sp, x.dtype)


def _input_grad(grad, w, input_shape, stride, padding, dilation, groups):
    """Gx: the gradient of F(x, w) for x of ``input_shape``, given the output's gradient."""
    d = _nd(grad)
    kernel = w.shape[2:]
    # zero-stuff the gradient by the stride, pad it by the dilated kernel's reach
    if any(s != 1 for s in stride):
        shape = grad.shape[:2] + tuple((o - 1) * s + 1 for o, s in zip(grad.shape[2:], stride))
        stuffed = xp.zeros(shape, grad.dtype)
        stuffed[(slice(None),) * 2 + tuple(slice(None, None, s) for s in stride)] = grad
        grad = stuffed
    reach = tuple(dl * (k - 1) for k, dl in zip(kernel, dilation))
    grad = _pad(grad, reach)
    # the kernel flipped, input and output channels swapped within each group
    cout_g, cin_g = w.shape[0] // groups, w.shape[1]
    wt = w.reshape((groups, cout_g, cin_g) + kernel).swapaxes(1, 2)
    wt = wt.reshape((groups * cin_g, cout_g) + kernel)[(slice(None),) * 2 + (slice(None, None, -1),) * d]
    full = _forward(grad, xp.ascontiguousarray(wt), (1,) * d, (0,) * d, dilation, groups)
    # full covers the padded input from its start; crop the padding, pad what the last
    # window never reached
    out = xp.zeros(tuple(input_shape), full.dtype)
    key = []
    src = []
    for i in range(d):
        size = input_shape[2 + i]
        have = full.shape[2 + i] - padding[i]
        m = max(0, min(size, have))
        key.append(slice(0, m))
        src.append(slice(padding[i], padding[i] + m))
    out[(slice(None),) * 2 + tuple(key)] = full[(slice(None),) * 2 + tuple(src)]
    return out


def _weight_grad(grad, x, weight_shape, stride, padding, dilation, groups):
    """Gw: the gradient of F(x, w) for w of ``weight_shape``."""
    d = _nd(x)
    kernel = tuple(weight_shape[2:])
    win = _windows(_pad(x, padding), kernel, stride, dilation)
    # the last windows may reach past what the output used (no: win has exactly the
    # output's positions), so contract batch and positions
    sp = tuple(range(2, 2 + d))
    win = win[(slice(None),) * 2 + tuple(slice(0, o) for o in grad.shape[2:])]
    if groups == 1:
        out = xp.tensordot(grad, win, axes=((0,) + sp, (0,) + sp))
        return out.astype(x.dtype, copy=False)
    cin_g, cout_g = x.shape[1] // groups, weight_shape[0] // groups
    parts = [xp.tensordot(grad[:, g * cout_g:(g + 1) * cout_g], win[:, g * cin_g:(g + 1) * cin_g],
                          axes=((0,) + sp, (0,) + sp)) for g in range(groups)]
    return xp.concatenate(parts, axis=0)


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
    if output_mask[0]:
        gi = (_forward(grad_output, weight, stride, padding, dilation, groups) if transposed
              else _input_grad(grad_output, weight, input.shape, stride, padding, dilation,
                               groups))
        gi = xp.ascontiguousarray(gi, dtype=input.dtype)
    if output_mask[1]:
        gw = (_weight_grad(input, grad_output, weight.shape, stride, padding, dilation, groups)
              if transposed else
              _weight_grad(grad_output, input, weight.shape, stride, padding, dilation, groups))
        gw = xp.ascontiguousarray(gw, dtype=weight.dtype)
    if output_mask[2] and bias_sizes:
        gb = grad_output.sum(axis=(0,) + tuple(range(2, grad_output.ndim)))
    return gi, gw, gb


def _convolution_grads(grad, input, weight, bias_sym_sizes, stride, padding, dilation,
                       transposed, output_padding, groups, grad_input_mask):
    outs = convolution_backward(grad, input, weight, tuple(bias_sym_sizes), stride, padding,
                                dilation, transposed, output_padding, groups, grad_input_mask)
    return [o if m else None for o, m in zip(outs, grad_input_mask)]


def _convolution_double_backward(grads, grad_output, input, weight, stride, padding, dilation,
                                 transposed, output_padding, groups, grad_input_mask):
    ggi, ggw, ggb = grads
    ggi = None if ggi is None or ggi.shape != input.shape else ggi
    ggw = None if ggw is None or ggw.shape != weight.shape else ggw
    ggb = None if ggb is None or len(ggb.shape) != 1 or ggb.shape[0] == 0 else ggb
    args = (stride, padding, dilation, transposed, output_padding, groups)
    g_go = g_in = g_w = None
    if grad_input_mask[0]:
        terms = []
        if ggi is not None:
            terms.append(convolution(ggi, weight, None, *args))
        if ggw is not None:
            terms.append(convolution(input, ggw, None, *args))
        if ggb is not None:
            from .views import expand, view
            shape = (1, ggb.shape[0]) + (1,) * (len(grad_output.shape) - 2)
            terms.append(expand(view(ggb, shape), tuple(grad_output.shape)))
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


convolution = Op("ConvolutionBackward0", _convolution,
                 input=_convolution_grads, weight=_convolution_grads, bias=_convolution_grads)
convolution_backward = Op(
    "ConvolutionBackwardBackward0", _convolution_backward,
    outputs=("grad_input", "grad_weight", "grad_bias"),
    grad_output=_convolution_double_backward, input=_convolution_double_backward,
    weight=_convolution_double_backward)

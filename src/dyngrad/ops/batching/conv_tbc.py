"""conv_tbc, a 1-d convolution over (time, batch, channel) inputs. With one kernel the vmap
batch joins the input's batch dim: one conv_tbc for all samples. With a kernel per sample
(per-sample gradients: the kernel's gradient is itself a conv_tbc whose kernel is the
incoming gradient) the samples' channels stand side by side as the groups of one grouped
convolution, each sample a group."""
from .. import conv, torch_shape as ts, views as vw
from .._batched import loop_rule
from . import register
from .dims import front
from .products import operand


def _conv_tbc(op, args, level, size):
    self, weight, bias, pad = args
    w, wb = operand(weight, level)
    b, bb = operand(bias, level) if bias is not None else (None, False)
    x = front(self, level, size)  # (S, T, B, C)
    t, n, c = self.shape
    if not (wb or bb):
        out = op(ts.reshape(vw.transpose(x, 0, 1), (t, size * n, c)), w, b, pad)
        return vw.transpose(vw.view(out, (out.shape[0], size, n, -1)), 0, 1)
    k, o = weight.shape[0], weight.shape[2]
    if t + 2 * pad < k:  # no whole window: conv_tbc's empty result, per sample
        return loop_rule(op, args, level, size)
    if pad < 0:  # a negative pad crops time
        x = vw.slice_(x, 1, -pad, t + pad, 1)
    # (S, T, B, C) as (B, S*C, T); (S, K, C, O) as (S*O, C, K)
    images = ts.reshape(vw.permute(x, (2, 0, 3, 1)), (n, size * c, -1))
    kernels = ts.reshape(vw.permute(front(weight, level, size), (0, 3, 2, 1)), (size * o, c, k))
    biases = None if bias is None else ts.reshape(front(bias, level, size), (size * o,))
    out = conv.convolution(images, kernels, biases, (1,), (max(pad, 0),), (1,), False, (0,),
                           size)
    return vw.permute(vw.view(out, (n, size, o, -1)), (1, 3, 0, 2))


register(_conv_tbc, [conv.conv_tbc])

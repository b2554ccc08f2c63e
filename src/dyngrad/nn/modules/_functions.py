"""The custom autograd Functions behind some modules, as torch keeps them in
torch/nn/modules/_functions.py: CrossMapLRN2d's (CrossMapLRN2dBackward)."""
from ... import creation
from ... import ops
from ...autograd import grad_mode
from ...autograd.function import Function

_cat, _stack = ops.FUNCTIONS["cat"], ops.FUNCTIONS["stack"]


class CrossMapLRN2d(Function):
    """Local response normalisation across channels, with torch's hand-written forward and
    backward (a custom Function: its backward is not differentiable).

    Each channel is divided by ``(k + alpha / size * s) ** beta``, ``s`` a running sum of
    squares over neighbouring channels. torch keeps that sum by adding the channel that
    enters the window and subtracting the one that leaves it, and first subtracts only at
    channel ``pre_pad + 1``: channel 0 then stays in every later window. That is copied
    here, so the values are torch's; the backward is torch's formula for the symmetric
    window (it is not the derivative of that forward)."""

    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        ctx.size, ctx.alpha, ctx.beta, ctx.k = size, alpha, beta, k
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D "
                             "instead.")
        channels = input.size(1)
        square = input * input
        pre_pad = int((size - 1) / 2 + 1)
        current = square[:, :min(pre_pad, channels)].sum(1)
        sums = [current]
        for c in range(1, channels):
            if c < channels - pre_pad + 1:
                current = current + square[:, c + pre_pad - 1]
            if c > pre_pad:
                current = current - square[:, c - pre_pad]
            sums.append(current)
        ctx.scale = _stack(sums, 1) * (alpha / size) + k
        output = ctx.scale.pow(-beta) * input
        ctx.save_for_backward(input, output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, output = ctx.saved_tensors
        if grad_mode.is_grad_enabled() and (grad_output.requires_grad or output.requires_grad):
            # torch's backward writes through out= arguments, which refuse a graph (the
            # saved output is part of one under create_graph)
            raise RuntimeError("mul(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
        size, channels = ctx.size, input.size(1)
        grad_input = ctx.scale.pow(-ctx.beta) * grad_output
        # each channel gathers grad * output / scale over the size channels from its own
        # position in the padded stack: window sums as differences of a cumulative sum
        ratio = grad_output * output / ctx.scale
        before = int(size - (size - 1) / 2)
        n, _, h, w = input.shape
        padded = _cat([creation.zeros((n, before, h, w), dtype=ratio.dtype), ratio,
                       creation.zeros((n, size - 1 - before, h, w), dtype=ratio.dtype)], 1)
        running = _cat([creation.zeros((n, 1, h, w), dtype=ratio.dtype), padded.cumsum(1)], 1)
        window = running[:, size:size + channels] - running[:, :channels]
        grad_input = grad_input - (2 * ctx.alpha * ctx.beta / size) * input * window
        return grad_input, None, None, None, None

"""Functions torch defines with autograd.Function for its legacy Tensor methods (torch's
torch/autograd/_functions/tensor.py): ``Resize``, behind ``Tensor.resize``."""
import functools
import operator

from .function import Function


class Resize(Function):
    """A view of the same number of elements; its node is ResizeBackward."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        ctx.sizes = sizes
        # (torch multiplies the sizes as given: a tuple of sizes repeats, and is refused)
        ctx.numel = functools.reduce(operator.mul, sizes, 1)
        if tensor.numel() != ctx.numel:
            raise RuntimeError(
                f"requested resize to {'x'.join(map(str, sizes))} ({ctx.numel} elements in "
                f"total), but the given tensor has a size of "
                f"{'x'.join(map(str, tensor.size()))} ({tensor.numel()} elements). autograd's "
                "resize can only change the shape of a given tensor, while preserving the "
                "number of elements. ")
        ctx.input_sizes = tensor.size()
        return tensor.contiguous().view(*sizes)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.contiguous().view(ctx.input_sizes), None

"""F.linear and F.bilinear, composed as torch composes them."""
from ...ops import linalg as _linalg


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias. A 2-d input with a bias is one addmm
    (AddmmBackward0); another contiguous input with a bias is flattened to 2-d around
    the addmm; otherwise a matmul, plus the bias."""
    if input.dim() == 2 and bias is not None:
        return _linalg.addmm(bias, input, weight.t(), 1, 1)
    if bias is not None and input.is_contiguous() and input.dim() != 0:
        k = input.shape[-1]
        out = _linalg.addmm(bias, input.view(-1, k), weight.t(), 1, 1)
        return out.view(tuple(input.shape[:-1]) + (weight.shape[0],))
    out = input.matmul(weight.t())
    return out if bias is None else out + bias


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b for each output feature, as a product of the three."""
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and "
                           f"{input2.dim()}")
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got "
                           f"{weight.dim()} dimension(s)")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    # (n, i) x (o, i, j) -> (n, o, j), then with (n, j) -> (n, o)
    left = x1.matmul(weight.permute(1, 0, 2).reshape(weight.shape[1], -1))
    left = left.view(x1.shape[0], weight.shape[0], weight.shape[2])
    out = (left * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.view(lead + (weight.shape[0],))

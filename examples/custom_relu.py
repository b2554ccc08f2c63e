"""A two-layer network whose ReLU is a custom autograd.Function (as the PyTorch tutorial
teaches), trained by hand-written gradient descent on random data.

    python examples/custom_relu.py                       # with torch
    python -m dyngrad.run examples/custom_relu.py        # the same script on dyngrad
"""
import torch


class MyReLU(torch.autograd.Function):
    """max(x, 0), with its backward written by hand."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        grad = grad_output.clone()
        grad[x < 0] = 0
        return grad


torch.manual_seed(0)
batch, d_in, hidden, d_out = 64, 1000, 100, 10
x = torch.randn(batch, d_in)
y = torch.randn(batch, d_out)
w1 = torch.randn(d_in, hidden, requires_grad=True)
w2 = torch.randn(hidden, d_out, requires_grad=True)

learning_rate = 1e-6
for step in range(500):
    y_pred = MyReLU.apply(x.mm(w1)).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if step % 100 == 99:
        print(step, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()

relu_node = y_pred.grad_fn.next_functions[0][0]
print(y_pred.grad_fn.name(), relu_node.name(), relu_node.next_functions[0][0].name())

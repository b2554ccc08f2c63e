"""Fit y = a + b * P3(c + d * x) to sin(x), where P3 (the Legendre polynomial of degree 3)
is a custom autograd.Function: the PyTorch tutorial's example, 2000 steps of gradient
descent.

    python examples/legendre_fit.py                      # with torch
    python -m dyngrad.run examples/legendre_fit.py       # the same script on dyngrad
"""
import math

import torch


class LegendrePolynomial3(torch.autograd.Function):
    """P3(x) = (5x^3 - 3x) / 2, with P3'(x) = 3(5x^2 - 1) / 2 written by hand."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x ** 3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 - 1)


x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float)
y = torch.sin(x)

# starting values close enough to the answer for the fit to converge
a = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
b = torch.full((), -1.0, dtype=torch.float, requires_grad=True)
c = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
d = torch.full((), 0.3, dtype=torch.float, requires_grad=True)

learning_rate = 5e-6
P3 = LegendrePolynomial3.apply
for step in range(2000):
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if step % 100 == 99:
        print(step, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None

print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
print(y_pred.grad_fn.next_functions[1][0].next_functions[1][0].name())

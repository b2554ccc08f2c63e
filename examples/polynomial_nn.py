"""Fit sin(x) with a third-order polynomial written as nn.Sequential (the PyTorch
tutorial "Learning PyTorch with Examples", nn part), updating the weights by hand.

    python -m dyngrad.run examples/polynomial_nn.py     (or: python examples/polynomial_nn.py
                                                           with torch installed)
"""
import math
import sys

import torch

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

# (x, x^2, x^3) as the features of a linear layer
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction="sum")
print(model)

learning_rate = 1e-6
for t in range(steps):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear_layer = model[0]
print(f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
      f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3")

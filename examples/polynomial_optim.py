"""The same polynomial fit with an optimizer doing the updates (the tutorial's "optim"
part: RMSprop), then once more with SGD and momentum.

    python -m dyngrad.run examples/polynomial_optim.py [steps]
"""
import math
import sys

import torch

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

for name, make in (("RMSprop", lambda params: torch.optim.RMSprop(params, lr=1e-3)),
                   ("SGD", lambda params: torch.optim.SGD(params, lr=1e-6, momentum=0.9))):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = make(model.parameters())
    print(optimizer)
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 200 == 199:
            print(name, t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear_layer = model[0]
    print(f"{name} result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
          f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3")

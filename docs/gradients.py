# Gradients that vanish and gradients that explode, for the page's colours:
#   python -m dyngrad.viz docs/gradients.py -o gradients.html
import torch

torch.manual_seed(0)
x = torch.randn(8, 4)
h = x
weights = [torch.randn(4, 4, requires_grad=True) for _ in range(5)]
for w in weights:
    h = torch.sigmoid(h @ w) * 0.05   # each layer shrinks the gradient ~100x: it vanishes
scale = torch.tensor([3.0], requires_grad=True)
loss = h.sum() + (scale * 1e4).pow(2).sum()   # this one explodes
loss.backward()
print([f"{w.grad.abs().mean().item():.1e}" for w in weights], scale.grad)

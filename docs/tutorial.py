# The seed tutorial's graph: w, x -> a, b -> y (run it with python -m dyngrad.viz).
import torch

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
b = torch.add(w, 1)
y = torch.mul(a, b)
y.backward()
print(w.grad, x.grad)

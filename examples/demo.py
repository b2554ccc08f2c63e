"""A tour of autograd with dyngrad, on the graph every autograd tutorial draws:

        w ──┬──> a = w + x ──┐
        x ──┘                ├──> y = a * b
        w ─────> b = w + 1 ──┘

Run it with ``python examples/demo.py``. Every line prints what PyTorch prints for the
same code (swap the import for ``import torch`` to see).
"""
import dyngrad as torch

print("== The graph: leaves, grad_fn and next_functions")
w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
b = torch.add(w, 1)
y = torch.mul(a, b)
print("y =", y)
print("is_leaf:", w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf)
print("y.grad_fn:", y.grad_fn.name())
print("y.grad_fn.next_functions:",
      [(fn.name() if fn is not None else None, i) for fn, i in y.grad_fn.next_functions])

print("\n== backward: dy/dw = b + a = 5, dy/dx = b = 2")
y.backward(retain_graph=True)
print("w.grad =", w.grad, " x.grad =", x.grad)

print("\n== A second backward (the graph was retained): gradients accumulate")
y.backward()
print("w.grad =", w.grad, " x.grad =", x.grad)

print("\n== ... and a third one fails: the saved tensors were freed")
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e)[:72], "...")

print("\n== gradient= weights several outputs: loss = [y0, y1], weights [1, 2]")
w.grad = None
x.grad = None
a = torch.add(w, x)
b = torch.add(w, 1)
loss = torch.cat([torch.mul(a, b), torch.add(a, b)], dim=0)
loss.backward(gradient=torch.tensor([1., 2.]))
print("w.grad =", w.grad, "(= 5 + 2*2)")

print("\n== Higher order: autograd.grad with create_graph=True")
x = torch.tensor([3.], requires_grad=True)
y = torch.pow(x, 3)
(g1,) = torch.autograd.grad(y, x, create_graph=True)
(g2,) = torch.autograd.grad(g1, x, create_graph=True)
(g3,) = torch.autograd.grad(g2, x)
print("dy/dx =", g1, " d2y/dx2 =", g2, " d3y/dx3 =", g3)

print("\n== Hooks see the gradient flowing through a tensor")
x = torch.ones(2, 2, requires_grad=True)
h = x + 2
h.register_hook(lambda g: print("gradient reaching h:", g))
(h * h * 3).mean().backward()

print("\n== In-place on a leaf that requires grad is refused")
try:
    w.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)

print("\n== no_grad: nothing is recorded")
with torch.no_grad():
    z = w * 2
print("z.requires_grad =", z.requires_grad)

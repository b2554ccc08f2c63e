"""The official pruning and parametrizations tutorials, then training through both: a
LeNet-style model pruned with prune.random_unstructured, l1_unstructured, ln_structured
and global_unstructured (weight_orig parameters, weight_mask buffers, forward
pre-hooks), made permanent with prune.remove; a layer constrained symmetric and
orthogonal through torch.nn.utils.parametrize / parametrizations, with right_inverse,
cached(), and a few Adam steps that keep the constraints."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as parametrize
import torch.nn.utils.prune as prune


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, int(x.nelement() / x.shape[0]))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


torch.manual_seed(0)
model = LeNet()
module = model.conv1
print(list(module.named_parameters())[1][0], list(module.named_buffers()))
prune.random_unstructured(module, name="weight", amount=0.3)
print(sorted(n for n, _ in module.named_parameters()), [n for n, _ in module.named_buffers()])
print(module.weight_mask.sum(), module._forward_pre_hooks)
prune.l1_unstructured(module, name="bias", amount=3)
print(module.bias, module.bias_mask)
prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
print(module.weight_mask.sum((1, 2, 3)))
for hook in module._forward_pre_hooks.values():
    if hook._tensor_name == "weight":
        print(list(hook), [type(h).__name__ for h in hook])
        break
prune.remove(module, 'weight')
print(sorted(n for n, _ in module.named_parameters()), (module.weight == 0).sum())

model = LeNet()
parameters_to_prune = ((model.conv1, 'weight'), (model.conv2, 'weight'), (model.fc1, 'weight'),
                       (model.fc2, 'weight'), (model.fc3, 'weight'))
prune.global_unstructured(parameters_to_prune, pruning_method=prune.L1Unstructured, amount=0.2)
for name, m in (("conv1", model.conv1), ("fc1", model.fc1), ("fc3", model.fc3)):
    print("Sparsity in {}.weight: {:.2f}%".format(
        name, 100. * float(torch.sum(m.weight == 0)) / float(m.weight.nelement())))
total_zero = sum(float(torch.sum(m.weight == 0)) for m, _ in parameters_to_prune)
total = sum(float(m.weight.nelement()) for m, _ in parameters_to_prune)
print("Global sparsity: {:.2f}%".format(100. * total_zero / total))
print(prune.is_pruned(model), model.fc3.weight.grad_fn)

# train the pruned model: the masked weights stay zero, weight_orig learns
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
x, y = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
for step in range(4):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    print(step, "%.5f" % loss.item(), int((model.fc1.weight == 0).sum()),
          "%.5f" % model.fc1.weight_orig.grad.abs().sum().item())


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class MatrixExponential(nn.Module):
    def forward(self, X):
        return torch.matrix_exp(X)


class Skew(nn.Module):
    def forward(self, X):
        A = X.triu(1)
        return A - A.transpose(-1, -2)


layer = nn.Linear(4, 4)
parametrize.register_parametrization(layer, "weight", Symmetric())
A = layer.weight
print(torch.dist(A, A.T).item(), parametrize.is_parametrized(layer), layer.parametrizations)
print(layer.parametrizations.weight.original.shape, type(layer).__name__)
X = torch.rand(4, 4)
X = X + X.T
layer.weight = X
print(torch.dist(layer.weight, X) < 1e-6, torch.allclose(layer.parametrizations.weight.original,
                                                         X.triu()))
with parametrize.cached():
    print(layer.weight is layer.weight)

layer2 = nn.Linear(3, 3)
parametrize.register_parametrization(layer2, "weight", Skew())
parametrize.register_parametrization(layer2, "weight", MatrixExponential())
Q = layer2.weight
print(torch.dist(Q.T @ Q, torch.eye(3)) < 1e-5, len(layer2.parametrizations.weight))

ortho = nn.utils.parametrizations.orthogonal(nn.Linear(5, 5))
opt = torch.optim.Adam(list(layer.parameters()) + list(ortho.parameters()), lr=0.01)
for step in range(4):
    opt.zero_grad()
    inp = torch.randn(8, 4)
    loss = layer(inp).pow(2).mean() + ortho(torch.randn(8, 5)).sum().abs()
    loss.backward()
    opt.step()
    W = ortho.weight
    print(step, "%.5f" % loss.item(), torch.dist(layer.weight, layer.weight.T).item(),
          torch.dist(W.T @ W, torch.eye(5)).item() < 1e-5)
parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
print(type(layer.weight).__name__, parametrize.is_parametrized(layer))

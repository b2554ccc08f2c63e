"""The official torch.func tutorials on model ensembling and per-model functional calls:
several small MLPs stacked with torch.func.stack_module_state, a "meta" copy as the
skeleton (the tutorial moves it to the "meta" device; here it stays on the CPU), functional_call vmapped over the stacked parameters (one minibatch for all
models, and one minibatch per model), checked against the models run one by one; then the
ensemble trained together with grad of the vmapped loss and a hand-written SGD step on
the stacked parameters."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, stack_module_state, vmap


class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 4)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x


torch.manual_seed(0)
num_models = 5
data = torch.randn(64, 1, 4, 4)
targets = torch.randint(4, (64,))
models = [SimpleMLP() for _ in range(num_models)]
minibatches = data[:num_models * 8].view(num_models, 8, 1, 4, 4)
minibatch = data[:8]
predictions_diff_minibatch_loop = [model(mb) for model, mb in zip(models, minibatches)]
predictions2 = [model(minibatch) for model in models]

params, buffers = stack_module_state(models)
print({k: (tuple(v.shape), v.requires_grad) for k, v in params.items()})
base_model = copy.deepcopy(models[0])
print(base_model.fc1.weight.device, base_model.fc1.weight.shape)


def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))


predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)
print(predictions1_vmap.shape,
      torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop),
                     atol=1e-3, rtol=1e-5))
predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
print(torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5))


def loss_fn(params, buffers, x, y):
    return F.cross_entropy(fmodel(params, buffers, x), y)


grads_fn = vmap(grad(loss_fn), in_dims=(0, 0, None, None))
losses_fn = vmap(loss_fn, in_dims=(0, 0, None, None))
params = {k: v.detach() for k, v in params.items()}
for step in range(6):
    idx = torch.randint(0, 64, (16,))
    grads = grads_fn(params, buffers, data[idx], targets[idx])
    params = {k: p - 0.5 * grads[k] for k, p in params.items()}
    losses = losses_fn(params, buffers, data, targets)
    print(step, ["%.4f" % v for v in losses.tolist()], "%.5f" % grads["fc3.bias"].abs().sum())
with torch.no_grad():
    votes = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, data).argmax(-1)
    print(votes.shape, (votes.mode(0).values == targets).float().mean())

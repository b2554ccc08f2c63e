"""Whole-model training steps written against torch.nn and torch.optim, run by torch and by
dyngrad: a LeNet-5 CNN and a small GPT.

They have no hand-written NumPy twin (a GPT's backward by hand would be a second model to
trust): the float64 reference is the same step run once by torch in float64, so their
rows have no "vs numpy" ratio. Weights and data come from NumPy's seeded generator, so
both libraries start from the same numbers.
"""
import importlib

import numpy as np


def _np(t):
    return t.detach().numpy()


def _load(model, T, dtype, seed):
    """Overwrite every parameter with a seeded normal draw scaled by 1/sqrt(fan-in)."""
    rng = np.random.default_rng(seed)
    with T.no_grad():
        for p in model.parameters():
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else p.shape[0]
            p.copy_(T.tensor(rng.standard_normal(tuple(p.shape)) / np.sqrt(fan_in),
                             dtype=dtype))


def _reference(workload, n):
    import torch
    _, step = workload.torch(n, torch, torch.float64)
    return step(None)


# -- lenet_step --------------------------------------------------------------------------
class LenetStep:
    """LeNet-5 on a batch of 64 1x28x28 images: conv 5x5 (6), ReLU, max pool 2, conv 5x5
    (16), ReLU, max pool 2, linear 256-120-84-10 with ReLUs, cross_entropy, backward, SGD
    with momentum 0.9."""
    unit, scale = "ms", 1e3

    def sizes(self, smoke):
        return {"batch": 4} if smoke else {"batch": 64}

    def reference(self, n):
        return _reference(self, n)

    def torch(self, n, T, dtype=None):
        nn = importlib.import_module(T.__name__ + ".nn")
        dtype = dtype or T.float32
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        ).to(dtype)
        _load(model, T, dtype, 7)
        rng = np.random.default_rng(8)
        x = T.tensor(rng.standard_normal((n["batch"], 1, 28, 28)), dtype=dtype)
        y = T.tensor(rng.integers(0, 10, n["batch"]))
        opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def step(_):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            out = {"loss": _np(loss), "conv1.grad": _np(model[0].weight.grad),
                   "fc3.grad": _np(model[11].weight.grad)}
            opt.step()
            return out
        return None, step


# -- gpt_step ----------------------------------------------------------------------------
class GptStep:
    """A GPT training step: 4 layers, 4 heads, 128 wide, block 64, batch 12, vocabulary 65
    (token and position embeddings, pre-LayerNorm blocks of causal
    scaled_dot_product_attention and a GELU MLP, tied head), cross_entropy, backward,
    clip_grad_norm_ and AdamW; no dropout so that the step is deterministic."""
    unit, scale = "ms", 1e3
    compiled = False

    def sizes(self, smoke):
        if smoke:
            return {"layers": 1, "heads": 2, "width": 16, "block": 8, "batch": 2, "vocab": 11}
        return {"layers": 4, "heads": 4, "width": 128, "block": 64, "batch": 12, "vocab": 65}

    def reference(self, n):
        return _reference(self, n)

    def torch(self, n, T, dtype=None):
        nn = importlib.import_module(T.__name__ + ".nn")
        F = importlib.import_module(T.__name__ + ".nn.functional")
        dtype = dtype or T.float32
        C, H, L, V = n["width"], n["heads"], n["block"], n["vocab"]

        class Attention(nn.Module):
            def __init__(self):
                super().__init__()
                self.c_attn = nn.Linear(C, 3 * C)
                self.c_proj = nn.Linear(C, C)

            def forward(self, x):
                B, S, _ = x.shape
                q, k, v = (t.view(B, S, H, C // H).transpose(1, 2)
                           for t in self.c_attn(x).split(C, dim=2))
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
                return self.c_proj(y.transpose(1, 2).contiguous().view(B, S, C))

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.ln_1, self.attn = nn.LayerNorm(C), Attention()
                self.ln_2 = nn.LayerNorm(C)
                self.mlp = nn.Sequential(nn.Linear(C, 4 * C), nn.GELU(), nn.Linear(4 * C, C))

            def forward(self, x):
                x = x + self.attn(self.ln_1(x))
                return x + self.mlp(self.ln_2(x))

        class GPT(nn.Module):
            def __init__(self):
                super().__init__()
                self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(L, C)
                self.blocks = nn.Sequential(*[Block() for _ in range(n["layers"])])
                self.ln_f = nn.LayerNorm(C)
                self.head = nn.Linear(C, V, bias=False)
                self.head.weight = self.wte.weight

            def forward(self, idx):
                x = self.wte(idx) + self.wpe(T.arange(idx.shape[1]))
                return self.head(self.ln_f(self.blocks(x)))

        model = GPT().to(dtype)
        _load(model, T, dtype, 9)
        rng = np.random.default_rng(10)
        tokens = rng.integers(0, V, (n["batch"], L + 1))
        x, y = T.tensor(tokens[:, :-1]), T.tensor(tokens[:, 1:])
        opt = T.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)

        def train():
            opt.zero_grad(set_to_none=True)
            logits = model(x)
            loss = F.cross_entropy(logits.view(-1, V), y.reshape(-1))
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            grad = model.blocks[0].attn.c_attn.weight.grad
            opt.step()
            return loss, norm, grad

        if self.compiled and T.__name__ == "dyngrad":
            train = T.compile(train)

        def step(_):
            # the returned gradient is the step's own (zero_grad drops it next step)
            loss, norm, grad = train()
            return {"loss": _np(loss), "norm": _np(norm), "c_attn.grad": _np(grad)}
        return None, step


class GptStepCompiled(GptStep):
    """gpt_step with the whole step (forward, backward, clipping, AdamW) under
    ``compile`` for dyngrad; the torch column is torch eager."""
    compiled = True


MODEL_WORKLOADS = {"lenet_step": LenetStep(), "gpt_step": GptStep(),
                   "gpt_step_c": GptStepCompiled()}

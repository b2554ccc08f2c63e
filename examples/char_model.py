"""A character-level GPT on Tiny Shakespeare, in the style of nanoGPT: token and position
embeddings, pre-LayerNorm blocks of causal self-attention and a GELU MLP, a language-model
head tied to the token embedding, AdamW with decayed and undecayed parameter groups, a
warm-up then cosine learning rate, gradient clipping; the train and validation losses are
printed as it goes, then a sample drawn with torch.multinomial.

    python -m dyngrad.run examples/char_model.py [steps] [path/to/tinyshakespeare.txt]

The default text is ../shared/data/tinyshakespeare.txt beside the repository when it is
there, else examples/data/tinyshakespeare_64k.txt (its first 64 KB). The same file runs
under torch and prints the same losses from the same seed.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 600
if len(sys.argv) > 2:
    path = sys.argv[2]
else:
    shared = os.path.join(here, "..", "..", "shared", "data", "tinyshakespeare.txt")
    path = shared if os.path.exists(shared) else os.path.join(here, "data",
                                                               "tinyshakespeare_64k.txt")
with open(path) as f:
    text = f.read()

# the model: nanoGPT's "baby GPT" shrunk to run on a CPU in minutes
n_layer, n_head, n_embd, block_size, batch_size, dropout = 4, 4, 128, 64, 12, 0.1
max_lr, min_lr, warmup = 3e-3, 3e-4, max(1, steps // 20)
eval_interval, eval_batches = max(1, steps // 10), 4

chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(0.9 * len(data))
train_data, val_data = data[:n], data[n:]


def get_batch(split):
    source = train_data if split == "train" else val_data
    starts = torch.randint(len(source) - block_size, (batch_size,))
    x = torch.stack([source[i:i + block_size] for i in starts])
    y = torch.stack([source[i + 1:i + 1 + block_size] for i in starts])
    return x, y


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        q = q.view(B, T, n_head, C // n_head).transpose(1, 2)      # (B, nh, T, hs)
        k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
        v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                           dropout_p=dropout if self.training else 0.0)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(),
                                 nn.Linear(4 * n_embd, n_embd), nn.Dropout(dropout))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block() for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight                      # weight tying
        self.apply(self._init_weights)
        for name, p in self.named_parameters():                   # GPT-2's scaled residuals
            if name.endswith("c_proj.weight") or name.endswith("mlp.2.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None):
        pos = torch.arange(idx.size(1), dtype=torch.long)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for block in self.blocks:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            logits, _ = self(idx[:, -block_size:])
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("inf")
            probs = F.softmax(logits, dim=-1)
            idx = torch.cat((idx, torch.multinomial(probs, num_samples=1)), dim=1)
        return idx


def lr_at(step):
    if step < warmup:
        return max_lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return min_lr + 0.5 * (max_lr - min_lr) * (1.0 + math.cos(math.pi * progress))


@torch.no_grad()
def estimate_loss(model):
    model.eval()
    out = {}
    for split in ("train", "val"):
        out[split] = torch.stack([model(*get_batch(split))[1]
                                  for _ in range(eval_batches)]).mean().item()
    model.train()
    return out


torch.manual_seed(1337)
model = GPT(len(chars))
print(f"vocabulary {len(chars)}, {len(text)} characters; "
      f"{sum(p.numel() for p in model.parameters())} parameters")
decay = [p for p in model.parameters() if p.dim() >= 2]
no_decay = [p for p in model.parameters() if p.dim() < 2]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                               {"params": no_decay, "weight_decay": 0.0}],
                              lr=max_lr, betas=(0.9, 0.99))

for step in range(steps + 1):
    if step % eval_interval == 0 or step == steps:
        losses = estimate_loss(model)
        print(f"step {step}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
    if step == steps:
        break
    for group in optimizer.param_groups:
        group["lr"] = lr_at(step)
    xb, yb = get_batch("train")
    _, loss = model(xb, yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()

model.eval()
prompt = torch.tensor([[stoi[c] for c in "ROMEO:\n"]], dtype=torch.long)
sample = model.generate(prompt, 200, temperature=0.8, top_k=20)[0].tolist()
print("sample:")
print("".join(chars[i] for i in sample))

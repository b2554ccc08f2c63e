"""A character-level model of Tiny Shakespeare: each character's embedding goes through
a small MLP to the logits of the next character; AdamW and gradient clipping, a few
hundred steps, the losses printed, then a short sample.

    python -m dyngrad.run examples/char_model.py [steps] [path/to/tinyshakespeare.txt]

Without a path it reads examples/data/tinyshakespeare_64k.txt, the first 64 KB of the
text; the whole file is ../shared/data/tinyshakespeare.txt next to the repository.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
here = os.path.dirname(os.path.abspath(__file__))
path = (sys.argv[2] if len(sys.argv) > 2
        else os.path.join(here, "data", "tinyshakespeare_64k.txt"))
with open(path) as f:
    text = f.read()[:200_000]

chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(0.9 * len(data))
train_data, val_data = data[:n], data[n:]
context, batch_size = 3, 64


def get_batch(split):
    source = train_data if split == "train" else val_data
    starts = torch.randint(len(source) - context, (batch_size,))
    x = torch.stack([source[i:i + context] for i in starts])
    y = torch.stack([source[i + context] for i in starts])
    return x, y


class CharMLP(nn.Module):
    def __init__(self, vocab, embed=16, hidden=128):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(context * embed, hidden), nn.Tanh(),
                                 nn.Linear(hidden, vocab))

    def forward(self, idx):
        return self.net(self.embedding(idx))


torch.manual_seed(1337)
model = CharMLP(len(chars))
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)

for step in range(steps):
    xb, yb = get_batch("train")
    loss = F.cross_entropy(model(xb), yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    if step % 50 == 0 or step == steps - 1:
        with torch.no_grad():
            xv, yv = get_batch("val")
            val = F.cross_entropy(model(xv), yv)
        print(f"step {step}: train loss {loss.item():.4f}, val loss {val.item():.4f}")

# greedy continuation of a prompt
idx = [stoi[c] for c in "First Citizen:\n"][-context:]
out = []
with torch.no_grad():
    for _ in range(60):
        logits = model(torch.tensor([idx[-context:]]))
        nxt = int(logits.argmax(dim=-1).item())
        idx.append(nxt)
        out.append(chars[nxt])
print("sample:", repr("".join(out)))

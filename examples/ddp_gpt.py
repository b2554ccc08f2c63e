"""A small GPT trained data-parallel, written as nanoGPT's train.py is: the process group
from the environment torchrun sets, the model wrapped in DistributedDataParallel, each rank
reading its share of the windows through a DistributedSampler, gradient accumulation that
synchronises only on the last micro-step, and the process group destroyed at the end.

    python -m dyngrad.distributed.run --nproc-per-node 2 examples/ddp_gpt.py [iters]
    torchrun --nproc-per-node 2 examples/ddp_gpt.py [iters]      (the same file, on torch)
    python -m dyngrad.run examples/ddp_gpt.py [iters]            (one process)

It reads examples/data/tinyshakespeare_64k.txt.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributed import destroy_process_group, init_process_group
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler

max_iters = int(sys.argv[1]) if len(sys.argv) > 1 else 200
block_size, n_layer, n_head, n_embd = 32, 2, 4, 64
batch_size, gradient_accumulation_steps = 16, 2
learning_rate, eval_interval = 1e-3, 20

ddp = int(os.environ.get("RANK", -1)) != -1  # is this a ddp run?
if ddp:
    init_process_group(backend="gloo")
    ddp_rank = int(os.environ["RANK"])
    ddp_world_size = int(os.environ["WORLD_SIZE"])
    master_process = ddp_rank == 0
else:
    ddp_rank, ddp_world_size, master_process = 0, 1, True
torch.manual_seed(1337)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "data", "tinyshakespeare_64k.txt")) as f:
    text = f.read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)


class Windows(Dataset):
    """Every ``block_size`` window of the text and the window one character on."""

    def __len__(self):
        return (len(data) - 1) // block_size

    def __getitem__(self, i):
        chunk = data[i * block_size:(i + 1) * block_size + 1]
        return chunk[:-1], chunk[1:]


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(),
                                 nn.Linear(4 * n_embd, n_embd))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block() for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx, targets):
        pos = torch.arange(idx.size(1))
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


model = GPT(len(chars))
if master_process:
    print(f"{sum(p.numel() for p in model.parameters())} parameters, {ddp_world_size} "
          f"process(es)")
if ddp:
    model = DDP(model)
raw_model = model.module if ddp else model
optimizer = torch.optim.AdamW(raw_model.parameters(), lr=learning_rate)

dataset = Windows()
sampler = DistributedSampler(dataset, shuffle=True, seed=1337) if ddp else None
loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler, shuffle=sampler is None,
                    drop_last=True)
batches, epoch = iter(loader), 0


def next_batch():
    global batches, epoch
    try:
        return next(batches)
    except StopIteration:
        epoch += 1
        if sampler is not None:
            sampler.set_epoch(epoch)
        batches = iter(loader)
        return next(batches)


for it in range(max_iters):
    lr = learning_rate * 0.5 * (1 + math.cos(math.pi * it / max_iters))
    for group in optimizer.param_groups:
        group["lr"] = lr
    total = 0.0
    for micro_step in range(gradient_accumulation_steps):
        if ddp:
            # as nanoGPT: all-reduce only on the last micro-step (what no_sync() does)
            model.require_backward_grad_sync = micro_step == gradient_accumulation_steps - 1
        x, y = next_batch()
        loss = model(x, y) / gradient_accumulation_steps
        loss.backward()
        total += loss.item()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    if it % eval_interval == 0 or it == max_iters - 1:
        mean = torch.tensor([total])
        if ddp:
            torch.distributed.all_reduce(mean, op=torch.distributed.ReduceOp.AVG)
        if master_process:
            print(f"iter {it}: loss {mean.item():.4f}")

if ddp:
    destroy_process_group()

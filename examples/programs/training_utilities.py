"""A training script of the kind users assemble from the docs' recipes: iris split with
random_split and a seeded Generator, a Subset, a WeightedRandomSampler for the classes,
clip_grad_value_, ReduceLROnPlateau then CosineAnnealingWarmRestarts, an EMA of the
weights and stochastic weight averaging (torch.optim.swa_utils: AveragedModel, SWALR,
update_bn), and the model and optimizer state saved mid-training and resumed."""
import copy
import io

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_iris
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, ReduceLROnPlateau
from torch.optim.swa_utils import SWALR, AveragedModel, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DataLoader, Subset, TensorDataset, WeightedRandomSampler, random_split

torch.manual_seed(7)
iris = load_iris()
x = torch.tensor(iris.data, dtype=torch.float32)
x = (x - x.mean(0)) / x.std(0)
y = torch.tensor(iris.target)
dataset = TensorDataset(x, y)
train_set, val_set = random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(42))
print(len(train_set), len(val_set), train_set.indices[:8])
# drop most of class 2 from training, then rebalance it with a weighted sampler
keep = [i for i in train_set.indices if y[i] != 2 or i % 4 == 0]
train_subset = Subset(dataset, keep)
counts = torch.bincount(y[keep], minlength=3)
weights = (1.0 / counts.float())[y[keep]]
sampler = WeightedRandomSampler(weights, num_samples=len(keep), replacement=True)
print("class counts", counts.tolist(), "weights", weights[:3])
train_loader = DataLoader(train_subset, batch_size=16, sampler=sampler)
val_loader = DataLoader(val_set, batch_size=64)


def make_model():
    return nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(32, 3))


def evaluate(model):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            out = model(xb)
            loss += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
    model.train()
    return loss / len(val_set), correct


def train_epoch(model, opt, ema=None):
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb, label_smoothing=0.05)
        loss.backward()
        nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
        opt.step()
        if ema is not None:
            ema.update_parameters(model)
        total += loss.item() * len(xb)
    return total / len(keep)


model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9, nesterov=True,
                      weight_decay=1e-4)
plateau = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9))
checkpoint = None
for epoch in range(6):
    train_loss = train_epoch(model, opt, ema)
    val_loss, correct = evaluate(model)
    plateau.step(val_loss)
    print(f"epoch {epoch} train {train_loss:.4f} val {val_loss:.4f} acc {correct}/{len(val_set)}"
          f" lr {opt.param_groups[0]['lr']:.4f} bad epochs {plateau.num_bad_epochs}")
    if epoch == 2:
        checkpoint = io.BytesIO()
        torch.save({"epoch": epoch, "model": model.state_dict(),
                    "optimizer": opt.state_dict(), "scheduler": plateau.state_dict()},
                   checkpoint)
print("ema", evaluate(ema.module), ema.n_averaged)

# resume from the checkpoint in a fresh model and optimizer: the same losses follow
checkpoint.seek(0)
state = torch.load(checkpoint)
resumed = make_model()
resumed.load_state_dict(state["model"])
opt2 = torch.optim.SGD(resumed.parameters(), lr=0.0)
opt2.load_state_dict(state["optimizer"])
print("resumed at", state["epoch"], opt2.param_groups[0]["lr"],
      opt2.param_groups[0]["nesterov"], list(opt2.state_dict()["state"][0].keys()))
print(opt2.state_dict()["state"][0]["momentum_buffer"][:2, :2])

# then cosine restarts and SWA from the resumed weights
cosine = CosineAnnealingWarmRestarts(opt2, T_0=2, T_mult=2, eta_min=0.01)
swa_model = AveragedModel(resumed)
swa_scheduler = SWALR(opt2, swa_lr=0.05, anneal_epochs=2, anneal_strategy="cos")
for epoch in range(6):
    for i, (xb, yb) in enumerate(train_loader):
        opt2.zero_grad()
        F.cross_entropy(resumed(xb), yb).backward()
        opt2.step()
        if epoch < 3:
            cosine.step(epoch + i / len(train_loader))
    if epoch >= 3:
        swa_model.update_parameters(resumed)
        swa_scheduler.step()
    print(f"epoch {epoch} lr {opt2.param_groups[0]['lr']:.5f} val {evaluate(resumed)[0]:.4f}")
update_bn(train_loader, swa_model)
print("swa", evaluate(swa_model), swa_model.n_averaged, swa_model.module[1].running_mean[:3])
print(swa_scheduler.state_dict()["_last_lr"], cosine.T_cur, cosine.T_i)
snapshot = copy.deepcopy(swa_model.module.state_dict())
print(list(snapshot.keys()))

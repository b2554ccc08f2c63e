"""A small CNN on scikit-learn's bundled handwritten digits (1,797 8x8 images, no
download): a DataLoader, two convolutions, dropout, CrossEntropyLoss and Adam with a
step schedule, a tqdm progress bar per epoch, the test accuracy after each epoch, a
checkpoint saved and loaded back into a fresh model, and the loss curve drawn to a PNG.

    pip install -e '.[demo]'
    python -m dyngrad.run examples/digits_classifier.py [epochs] [loss_curve.png]

The same file runs under torch (`python examples/digits_classifier.py`) and prints the
same losses and accuracies from the same seed.
"""
import os
import sys
import tempfile

import matplotlib
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset, random_split
from tqdm import tqdm

matplotlib.use("Agg")  # files only: no window, no display needed
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 12
plot_path = sys.argv[2] if len(sys.argv) > 2 else "digits_loss.png"

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
labels = torch.tensor(digits.target, dtype=torch.long)
torch.manual_seed(0)
test_size = 360
train_set, test_set = random_split(TensorDataset(images, labels),
                                   [len(labels) - test_size, test_size])
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=120)


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),                                   # 32 x 4 x 4
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 4 * 4, 64), nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, targets in loader:
            correct += (model(inputs).argmax(dim=1) == targets).sum().item()
            total += targets.size(0)
    model.train()
    return correct / total


model = DigitsCNN()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)

step_losses = []
for epoch in range(epochs):
    running = 0.0
    bar = tqdm(train_loader, desc=f"epoch {epoch + 1}/{epochs}", leave=False)
    for inputs, targets in bar:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        step_losses.append(loss.item())
        running += loss.item()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    scheduler.step()
    print(f"epoch {epoch + 1}: loss {running / len(train_loader):.4f}, "
          f"test accuracy {accuracy(model, test_loader):.3f}")

path = os.path.join(tempfile.mkdtemp(), "digits_cnn.pt")
torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "epoch": epochs}, path)
checkpoint = torch.load(path)
restored = DigitsCNN()
restored.load_state_dict(checkpoint["model"])
print(f"restored from epoch {checkpoint['epoch']}: "
      f"test accuracy {accuracy(restored, test_loader):.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(step_losses, linewidth=0.8)
ax.set_xlabel("step")
ax.set_ylabel("training loss")
ax.set_yscale("log")
ax.set_title("DigitsCNN on scikit-learn digits")
fig.tight_layout()
fig.savefig(plot_path, dpi=100)
print("loss curve written to", os.path.basename(plot_path))

"""A classifier in the style of the 60-minute blitz: a small network on 8x8 "digit"
images, a DataLoader, CrossEntropyLoss and SGD with momentum; losses and accuracies are
printed per epoch, and the trained weights are saved and loaded back.

The images are made here, not downloaded: each of the ten classes is a fixed random
8x8 pattern, and every sample is its class's pattern plus noise (drawn from the seeded
generator, so torch and dyngrad see the same data).

    python -m dyngrad.run examples/digits_classifier.py [epochs]
"""
import os
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 8

torch.manual_seed(0)
patterns = torch.rand(10, 1, 8, 8)
labels = torch.arange(10).repeat(120)
images = patterns[labels] + 0.6 * torch.randn(len(labels), 1, 8, 8)
train_set, test_set = random_split(TensorDataset(images, labels), [1000, 200])
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=100)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 48)
        self.fc2 = nn.Linear(48, 24)
        self.fc3 = nn.Linear(24, 10)

    def forward(self, x):
        x = self.flatten(x)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def accuracy(model, loader):
    correct = total = 0
    with torch.no_grad():
        for inputs, targets in loader:
            predicted = model(inputs).argmax(dim=1)
            correct += (predicted == targets).sum().item()
            total += targets.size(0)
    return correct / total


net = Net()
print(net)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)

for epoch in range(epochs):
    running_loss = 0.0
    for inputs, targets in train_loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    scheduler.step()
    print(f"epoch {epoch + 1}: loss {running_loss / len(train_loader):.4f}, "
          f"test accuracy {accuracy(net, test_loader):.3f}, lr {scheduler.get_last_lr()[0]}")

path = os.path.join(tempfile.mkdtemp(), "digits.pt")
torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict()}, path)
restored = Net()
restored.load_state_dict(torch.load(path)["model"])
print("restored test accuracy", accuracy(restored, test_loader))

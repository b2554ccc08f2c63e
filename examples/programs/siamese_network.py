"""A siamese network in the style of pytorch/examples siamese_network, on scikit-learn's
digits: one shared convolutional tower embeds both images of a pair (same digit or not),
the embeddings are joined and scored through BCELoss on a sigmoid; then the same tower
trained with a hand-written contrastive loss on F.pairwise_distance, and with
TripletMarginLoss on anchor/positive/negative triples; Adadelta with StepLR as in the
example."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    def __init__(self, images, targets, train):
        super(PairDataset, self).__init__()
        self.images, self.targets = images, targets
        self.group_examples = {int(c): torch.nonzero(targets == c).flatten() for c in range(10)}
        self.train = train

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        image_1 = self.images[index]
        selected_class = int(self.targets[index])
        if index % 2 == 0:   # a positive pair
            group = self.group_examples[selected_class]
            image_2 = self.images[group[torch.randint(0, len(group), (1,)).item()]]
            target = torch.tensor(1, dtype=torch.float)
        else:
            other_class = (selected_class + torch.randint(1, 10, (1,)).item()) % 10
            group = self.group_examples[other_class]
            image_2 = self.images[group[torch.randint(0, len(group), (1,)).item()]]
            target = torch.tensor(0, dtype=torch.float)
        return image_1, image_2, target


class SiameseNetwork(nn.Module):
    def __init__(self):
        super(SiameseNetwork, self).__init__()
        self.tower = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
        self.fc = nn.Sequential(nn.Linear(32 * 2, 32), nn.ReLU(inplace=True), nn.Linear(32, 1))
        self.sigmoid = nn.Sigmoid()
        self.tower.apply(self.init_weights)
        self.fc.apply(self.init_weights)

    def init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(0.01)

    def forward_once(self, x):
        return self.tower(x)

    def forward(self, input1, input2):
        output1 = self.forward_once(input1)
        output2 = self.forward_once(input2)
        output = torch.cat((output1, output2), 1)
        output = self.fc(output)
        output = self.sigmoid(output)
        return output


def contrastive_loss(e1, e2, label, margin=2.0):
    distance = F.pairwise_distance(e1, e2, keepdim=True)
    return torch.mean(label * torch.pow(distance, 2)
                      + (1 - label) * torch.pow(torch.clamp(margin - distance, min=0.0), 2))


def train(model, train_loader, optimizer, epoch, criterion):
    model.train()
    for batch_idx, (images_1, images_2, targets) in enumerate(train_loader):
        optimizer.zero_grad()
        outputs = model(images_1, images_2).squeeze()
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        if batch_idx % 4 == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(images_1), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test(model, test_loader, criterion):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for (images_1, images_2, targets) in test_loader:
            outputs = model(images_1, images_2).squeeze()
            test_loss += criterion(outputs, targets).sum().item()
            pred = torch.where(outputs > 0.5, 1, 0)
            correct += pred.eq(targets.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset), 100. * correct / len(test_loader.dataset)))


torch.manual_seed(1)
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
targets = torch.tensor(digits.target)
train_loader = DataLoader(PairDataset(images[:1200], targets[:1200], True), batch_size=64,
                          shuffle=True)
test_loader = DataLoader(PairDataset(images[1200:], targets[1200:], False), batch_size=200)
model = SiameseNetwork()
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
criterion = nn.BCELoss()
for epoch in range(1, 2):
    train(model, train_loader, optimizer, epoch, criterion)
    test(model, test_loader, criterion)
    scheduler.step()

# the same tower with a contrastive loss on the embeddings' distance
tower = model.tower
opt = optim.SGD(tower.parameters(), lr=0.05, momentum=0.9)
for step, (a, b, same) in enumerate(train_loader):
    if step == 8:
        break
    opt.zero_grad()
    loss = contrastive_loss(tower(a), tower(b), same.unsqueeze(1))
    loss.backward()
    opt.step()
    if step % 2 == 0:
        print('contrastive step {} loss {:.5f}'.format(step, loss.item()))

# and with a triplet margin loss: anchor, a positive of its class, a negative of another
triplet = nn.TripletMarginLoss(margin=1.0, p=2)
for step in range(6):
    idx = torch.randint(0, 1200, (32,))
    anchor_cls = targets[idx]
    pos = torch.stack([train_loader.dataset.group_examples[int(c)][0] for c in anchor_cls])
    neg = torch.stack([train_loader.dataset.group_examples[int((c + 1) % 10)][1]
                       for c in anchor_cls])
    opt.zero_grad()
    loss = triplet(tower(images[idx]), tower(images[pos]), tower(images[neg]))
    loss.backward()
    opt.step()
    print('triplet step {} loss {:.5f}'.format(step, loss.item()))
print(F.cosine_similarity(tower(images[:2]), tower(images[2:4])).shape, loss.grad_fn)

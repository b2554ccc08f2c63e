"""The pytorch/examples super-resolution network (efficient sub-pixel convolution): four
convolutions with orthogonal init scaled by calculate_gain('relu'), PixelShuffle, MSE and
PSNR, on scikit-learn's digits downsampled with avg_pool2d and compared to bicubic."""
from math import log10

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super(Net, self).__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 32, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(32, 32, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(32, 16, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(16, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)


torch.manual_seed(123)
hr = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 16.0
lr_images = F.avg_pool2d(hr, 2)
train_set = TensorDataset(lr_images[:1000], hr[:1000])
test_set = TensorDataset(lr_images[1000:1400], hr[1000:1400])
training_data_loader = DataLoader(dataset=train_set, batch_size=50, shuffle=True)
testing_data_loader = DataLoader(dataset=test_set, batch_size=100, shuffle=False)

model = Net(upscale_factor=2)
print(model)
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.003)


def train(epoch):
    epoch_loss = 0
    for iteration, batch in enumerate(training_data_loader, 1):
        input, target = batch[0], batch[1]
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        epoch_loss += loss.item()
        loss.backward()
        optimizer.step()
        if iteration % 5 == 0:
            print("===> Epoch[{}]({}/{}): Loss: {:.4f}".format(
                epoch, iteration, len(training_data_loader), loss.item()))
    print("===> Epoch {} Complete: Avg. Loss: {:.4f}".format(
        epoch, epoch_loss / len(training_data_loader)))


def test():
    avg_psnr = 0
    bicubic_psnr = 0
    with torch.no_grad():
        for batch in testing_data_loader:
            input, target = batch[0], batch[1]
            prediction = model(input)
            mse = criterion(prediction, target)
            avg_psnr += 10 * log10(1 / mse.item())
            up = F.interpolate(input, scale_factor=2, mode='bicubic', align_corners=False)
            bicubic_psnr += 10 * log10(1 / criterion(up.clamp(0, 1), target).item())
    print("===> Avg. PSNR: {:.4f} dB (bicubic {:.4f} dB)".format(
        avg_psnr / len(testing_data_loader), bicubic_psnr / len(testing_data_loader)))


for epoch in range(1, 3):
    train(epoch)
    test()
print(model(lr_images[:2]).shape, model.conv4.weight.grad.norm() > 0)

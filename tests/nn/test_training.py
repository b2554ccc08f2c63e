"""A small model trained for 20 steps from the same seed in torch and in dyngrad: every
loss, and the parameters at the end, agree (Conv, LayerNorm, Dropout, Linear,
cross_entropy, AdamW with a schedule and gradient clipping, a shuffling DataLoader)."""
from side_by_side import assert_same


def _train(lib):
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3, padding=1)
            self.norm = nn.LayerNorm(4 * 6 * 6)
            self.drop = nn.Dropout(0.2)
            self.head = nn.Linear(4 * 6 * 6, 3)

        def forward(self, x):
            x = F.relu(self.conv(x)).flatten(1)
            return self.head(self.drop(self.norm(x)))

    lib.manual_seed(0)
    images = lib.randn(40, 1, 6, 6)
    labels = lib.randint(0, 3, (40,))
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(images, labels),
                                       batch_size=8, shuffle=True)
    net = Net()
    opt = lib.optim.AdamW(net.parameters(), lr=0.01)
    sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20)
    losses = []
    while len(losses) < 20:
        for x, y in loader:
            loss = F.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            lib.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
            if len(losses) == 20:
                break
    net.eval()
    return losses, list(net.parameters()), net(images[:4])


def test_twenty_steps_match_torch():
    assert_same(_train, rtol=1e-4, atol=1e-5)

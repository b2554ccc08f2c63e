"""Run by mpiexec (see test_ddp.py): DistributedDataParallel training against one process
training the same model on the full batch, in float64."""
import copy
import sys

import numpy as np

import dyngrad as torch
import dyngrad.distributed as dist
from dyngrad import nn
from dyngrad.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("gloo")  # under mpiexec, rank and size come from MPI
rank, world = dist.get_rank(), dist.get_world_size()
torch.set_default_dtype(torch.float64)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 7)
        self.b = nn.Linear(7, 6)
        self.c = nn.Linear(6, 3)
        self.spare = nn.Linear(5, 3)  # used only when asked to
        self.register_buffer("scale", torch.randn(3))

    def forward(self, x, use_spare=False):
        y = self.c(torch.tanh(self.b(torch.tanh(self.a(x))))) * self.scale
        return y + self.spare(x) if use_spare else y


def flat(params):
    return np.concatenate([p.detach().numpy().ravel() for p in params])


def same_everywhere(model):
    """Every rank holds the same bits."""
    mine = torch.tensor(flat(model.parameters()))
    every = torch.zeros(world * mine.numel())
    dist.all_gather_into_tensor(every, mine)
    every = every.numpy().reshape(world, -1)
    assert (every == every[0]).all(), "replicas differ"


def close(model, ref):
    a, b = flat(model.parameters()), flat(ref.parameters())
    assert np.allclose(a, b, rtol=0, atol=1e-12), np.abs(a - b).max()


def batch(step, n=6 * 5):
    g = torch.Generator().manual_seed(100 + step)
    return torch.randn(n, 5, generator=g), torch.randn(n, 3, generator=g)


def shard(t):
    n = t.shape[0] // world
    return t[rank * n:(rank + 1) * n]


def train(bucket_cap_mb, steps, use_spare=True, find_unused=False, accumulate=1):
    torch.manual_seed(rank)  # the replicas start apart: construction broadcasts rank 0's
    net = Net()
    model = DDP(net, bucket_cap_mb=bucket_cap_mb, find_unused_parameters=find_unused)
    assert list(model.state_dict()) == ["module." + k for k in net.state_dict()]
    ref = copy.deepcopy(net)
    same_everywhere(model)
    assert (model.module.scale.numpy() == ref.scale.numpy()).all()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    launches = []
    launch = model.reducer._launch
    model.reducer._launch = lambda b: (launches.append(len(model.reducer.marked)), launch(b))
    for step in range(steps):
        opt.zero_grad()
        ref_opt.zero_grad()
        for micro in range(accumulate):
            x, y = batch(step * accumulate + micro)
            ctx = model.no_sync() if micro < accumulate - 1 else torch.enable_grad()
            with ctx:
                loss = ((model(shard(x), use_spare) - shard(y)) ** 2).mean() / accumulate
                loss.backward()
            ((ref(x, use_spare) - y) ** 2).mean().div(accumulate).backward()
            if micro < accumulate - 1:  # no_sync: each rank keeps its own gradient
                g = torch.tensor(flat(p.grad for p in model.module.c.parameters()))
                every = torch.zeros(world * g.numel())
                dist.all_gather_into_tensor(every, g)
                every = every.numpy().reshape(world, -1)
                assert world == 1 or not (every == every[0]).all()
        if find_unused and not use_spare:
            assert all(p.grad is None for p in model.module.spare.parameters())
        opt.step()
        ref_opt.step()
        same_everywhere(model)
        close(model, ref)
    return model, launches


case = sys.argv[1]
if case == "buckets":
    # 0.0003 MB: several buckets of unequal sizes, rebuilt after the first step
    model, launches = train(0.0003, 4)
    assert len(model.reducer.buckets) > 2
    n = len(model.reducer.params)
    # after the rebuild, the first bucket's all-reduce starts before the last gradient
    assert launches[-len(model.reducer.buckets)] < n, launches
    print(launches, [b.indices for b in model.reducer.buckets]) if rank == 0 else None
elif case == "default":
    train(None, 3)
elif case == "no_sync":
    train(0.0003, 3, accumulate=2)
elif case == "unused":
    train(0.0003, 3, use_spare=False, find_unused=True)
    train(0.0003, 2, find_unused=True)
elif case == "unused_error":
    torch.manual_seed(0)
    model = DDP(Net())
    model(torch.randn(2, 5)).sum().backward()
    try:
        model(torch.randn(2, 5))
    except RuntimeError as e:
        assert "Parameter indices which did not receive grad for rank %d: 6 7" % rank in str(e)
    else:
        raise AssertionError("no error")
sys.stdout.write(f"ok {case} {rank}\n")  # one write: ranks share the pipe
dist.destroy_process_group()

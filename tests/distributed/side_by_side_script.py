"""Run alone (a world of one) by torch and by ``python -m dyngrad.run``: test_api.py
compares what the two print."""
import os
import warnings

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

warnings.simplefilter("ignore")


def show(name, fn):
    try:
        print(name, "->", repr(fn()))
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        print(name, "!!", type(e).__name__, str(e))


print(dist.is_available(), dist.is_initialized(), dist.is_nccl_available(),
      dist.ReduceOp.SUM, repr(dist.ReduceOp.MAX), dist.Backend("GLOO"), dist.Backend.MPI,
      dist.group.WORLD, dist.GroupMember.NON_GROUP_MEMBER)
print([dist.get_default_backend_for_device(d) for d in ("cpu", "cuda", torch.device("cpu"))])
for name in ("get_rank", "get_world_size", "get_backend", "barrier", "new_group",
             "destroy_process_group"):
    show(name, getattr(dist, name))
show("all_reduce", lambda: dist.all_reduce(torch.ones(2)))
show("broadcast", lambda: dist.broadcast(torch.ones(2), 0))
show("send", lambda: dist.send(torch.ones(2), 1))
show("sampler", lambda: torch.utils.data.distributed.DistributedSampler(range(4)))
torch.manual_seed(0)
convnet = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2), nn.Sequential(nn.BatchNorm2d(2)))
convnet[1].running_mean.fill_(0.5)
synced = nn.SyncBatchNorm.convert_sync_batchnorm(convnet)
print(synced, synced[1].running_mean, synced[1].weight is convnet[1].weight)
show("syncbn alone", lambda: synced(torch.randn(2, 1, 2, 2)))
show("syncbn 1d", lambda: nn.SyncBatchNorm(3)(torch.ones(3)))
show("ddp", lambda: DDP(nn.Linear(2, 2)))
show("queue_callback", lambda: torch.autograd.Variable._execution_engine.queue_callback(print))
show("nccl", lambda: dist.init_process_group("nccl"))
show("unknown", lambda: dist.init_process_group("foo"))
saved = dict(os.environ)
for missing in ("RANK", "WORLD_SIZE", "MASTER_ADDR"):
    os.environ.pop(missing)
    show("env " + missing, lambda: dist.init_process_group("gloo"))
os.environ.update(saved)
show("tcp rank", lambda: dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1"))
show("tcp size", lambda: dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1", rank=0))
show("timeout", lambda: dist.init_process_group("gloo", timeout=5))
show("backend none", lambda: (dist.init_process_group(), dist.get_backend(),
                              dist.destroy_process_group()))

dist.init_process_group("gloo")
print(dist.is_initialized(), dist.get_rank(), dist.get_world_size(), dist.get_backend())
show("twice", lambda: dist.init_process_group("gloo"))
Op = dist.ReduceOp
for op in (Op.SUM, Op.AVG, Op.PRODUCT, Op.MIN, Op.MAX):
    t = torch.tensor([1.5, -2.0, 0.0], requires_grad=True)
    show(f"all_reduce {op}", lambda: (dist.all_reduce(t, op=op), t, t._version))
t = torch.tensor([3, 4])
show("avg int", lambda: dist.all_reduce(t, op=Op.AVG))
print(t)
show("max complex", lambda: dist.all_reduce(torch.ones(2, dtype=torch.complex64), op=Op.MAX))
show("list", lambda: dist.all_reduce([1, 2]))
show("broadcast root", lambda: dist.broadcast(torch.ones(2), src=5))
show("send self", lambda: dist.send(torch.ones(2), dst=0))
show("all_gather length", lambda: dist.all_gather([torch.ones(2)] * 2, torch.ones(2)))
out = [torch.zeros(2)]
show("all_gather", lambda: (dist.all_gather(out, torch.tensor([1., 2.])), out))
out = torch.zeros(1, 2)
show("into_tensor", lambda: (dist.all_gather_into_tensor(out, torch.tensor([1., 2.])), out))
out = torch.zeros(2)
show("reduce_scatter", lambda: (dist.reduce_scatter(out, [torch.tensor([3., 4.])]), out))
t = torch.tensor([5., 6.])
show("reduce", lambda: (dist.reduce(t, 0, op=Op.PRODUCT), t))
show("gather no list", lambda: dist.gather(torch.ones(1), dst=0))
show("scatter no list", lambda: dist.scatter(torch.ones(1), src=0))
w = dist.all_reduce(torch.tensor([2.]), async_op=True)
show("work", lambda: (w.wait(), w.is_completed(), w.result()))
show("group", lambda: (dist.get_rank(dist.new_group([0])), dist.get_world_size()))
show("sampler", lambda: list(torch.utils.data.distributed.DistributedSampler(range(5), seed=3)))

torch.manual_seed(0)
show("syncbn in a group", lambda: synced(torch.randn(2, 1, 2, 2)))
print(synced[1].num_batches_tracked)
synced.eval()
show("syncbn eval", lambda: synced(torch.randn(2, 1, 2, 2)))
show("device_ids", lambda: DDP(nn.Linear(2, 2), device_ids=[0]))
show("no params", lambda: DDP(nn.ReLU()))


class Two(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 2)
        self.b = nn.Linear(3, 2)
        self.register_buffer("count", torch.zeros(1))

    def forward(self, x, both=True):
        return self.a(x) + self.b(x) if both else self.a(x)


model = DDP(Two(), bucket_cap_mb=0.00001)
print(model)
print(list(model.state_dict()), model.bucket_bytes_cap, model.find_unused_parameters,
      model.broadcast_buffers, model.require_backward_grad_sync, model.dim)
x = torch.randn(4, 3)
for step in range(3):
    model.zero_grad()
    with model.no_sync() if step == 1 else torch.enable_grad():
        model(x).pow(2).sum().backward()
    print([p.grad for p in model.parameters()])
model(x, both=False).sum().backward()
show("unused", lambda: model(x))
model = DDP(Two(), find_unused_parameters=True)
model(x, both=False).sum().backward()
print([p.grad for p in model.parameters()])
dist.destroy_process_group()
show("after", dist.get_rank)

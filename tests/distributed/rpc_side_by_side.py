"""Run in two processes by torchrun with torch and by ``python -m dyngrad.distributed.run``
with dyngrad: test_rpc.py compares what the two print (each line starts with its rank)."""
import os
import re
import sys
import time
import warnings

import torch
import torch.distributed.autograd as dist_autograd
import torch.distributed.rpc as rpc
from torch import nn
from torch.distributed.nn import RemoteModule
from torch.distributed.optim import DistributedOptimizer
from torch.distributed.rpc import functions

warnings.simplefilter("ignore")
RANK = int(os.environ["RANK"])


def say(*args):
    # one write per line: the two ranks share the output
    sys.stdout.write(f"r{RANK}: " + " ".join(map(str, args)) + "\n")
    sys.stdout.flush()


def show(name, fn):
    try:
        say(name, "->", repr(fn()))
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        lines = str(e).splitlines()
        # a remote error: the worker, the error, and the line of its traceback that raised
        remote = lines[:2] + [l.strip() for l in lines if l.strip().startswith("raise")][:1]
        # (RRef ids count differently: torch counts the forks it makes)
        shown = [re.sub(r"local_id=\d+", "local_id=N", line)[:70]
                 for line in (remote if "On WorkerInfo" in lines[0] else lines[:1])]
        say(name, "!!", type(e).__name__, shown)


class Oops(ValueError):
    pass


def fail(kind):
    raise kind("bad")


def fail_value(x):
    raise ValueError(f"bad {x}")


def where(rref):
    return rref.is_owner(), rref.local_value() if rref.is_owner() else rref.to_here()


def call_back(x):
    # a request that calls its caller, which serves it while it waits
    return rpc.rpc_sync("worker0", torch.mul, args=(x, 2)) + 1


def slow_square(x):
    time.sleep(0.3)
    return x * x


@functions.async_execution
def add_later(x):
    fut = rpc.rpc_async("worker0", torch.add, args=(x, 10))
    return fut.then(lambda f: f.wait() * 2)


def graph_on_worker1(x, w):
    return (x * w).tanh(), x.exp()


class Box:
    def __init__(self, v):
        self.v = v

    def get(self, k=1):
        return self.v * k

    @functions.async_execution
    def later(self, k):
        return rpc.rpc_async("worker0", torch.mul, args=(self.v, k))


def seeded_linear(*sizes):
    torch.manual_seed(0)
    return nn.Linear(*sizes)


class Shard(nn.Module):
    """A stage of the pipeline of torch's RPC tutorial: takes an RRef of its input."""

    def __init__(self, seed, n_in, n_out):
        super().__init__()
        torch.manual_seed(seed)
        self.lin = nn.Linear(n_in, n_out)

    def forward(self, x_rref):
        return self.lin(x_rref.to_here()).relu()

    def parameter_rrefs(self):
        return [rpc.RRef(p) for p in self.parameters()]


def pipeline():
    """Stage 1 on worker1, stage 2 on worker0 (the caller): micro-batches go through both
    by RRef, and one DistributedOptimizer trains the two."""
    p1 = rpc.remote("worker1", Shard, (0, 3, 4))
    p2 = rpc.remote("worker0", Shard, (1, 4, 2))
    opt = DistributedOptimizer(torch.optim.SGD, p1.remote().parameter_rrefs().to_here()
                               + p2.rpc_sync().parameter_rrefs(), lr=0.1)
    torch.manual_seed(5)
    for step in range(3):
        xs = torch.randn(4, 3)
        with dist_autograd.context() as cid:
            futures = [p2.rpc_async().forward(p1.remote().forward(rpc.RRef(x)))
                       for x in xs.split(2)]
            out = torch.cat(torch.futures.wait_all(futures))
            loss = (out - 1).pow(2).sum()
            dist_autograd.backward(cid, [loss])
            opt.step(cid)
        say("pipeline", step, loss)
    say("stage 2", p2.local_value().lin.weight.detach().flatten())


def grads_of(module_rref):
    return [p.grad for p in module_rref.local_value().parameters()]


def show_grads(cid, tensors):
    grads = dist_autograd.get_gradients(cid)
    say("grads", len(grads), [grads.get(t) for t in tensors])


show("no rpc", lambda: rpc.rpc_sync("worker1", torch.add, args=(1, 2)))
show("no agent", rpc.get_worker_info)
show("no context", dist_autograd.context().__enter__)
rpc.init_rpc(f"worker{RANK}", rank=RANK, world_size=2)
say(rpc.get_worker_info(), rpc.get_worker_info("worker1").id, rpc.get_worker_info().name)
if RANK == 0:
    show("sync", lambda: rpc.rpc_sync("worker1", torch.add, args=(torch.ones(2), 3)))
    show("kwargs", lambda: rpc.rpc_sync(1, torch.sum, args=(torch.eye(2),), kwargs={"dim": 0}))
    show("method", lambda: rpc.rpc_sync("worker1", torch.Tensor.add, args=(torch.ones(2), 2)))
    show("by info", lambda: rpc.rpc_sync(rpc.get_worker_info("worker1"), min, args=(3, 2)))
    fut = rpc.rpc_async("worker1", torch.arange, args=(3,))
    say(type(fut).__name__, fut.wait(), fut.done())
    show("unknown", lambda: rpc.rpc_sync("nobody", torch.add, args=(1, 2)))
    show("unknown id", lambda: rpc.rpc_sync(5, torch.add, args=(1, 2)))
    show("unknown info", lambda: rpc.get_worker_info("nobody"))
    show("self", lambda: rpc.rpc_sync("worker0", torch.add, args=(torch.ones(2), 1)))
    show("error", lambda: rpc.rpc_sync("worker1", fail_value, args=(3,)))
    for kind in (Oops, KeyError, TypeError, NotImplementedError, RuntimeError):
        show(f"{kind.__name__}", lambda: rpc.rpc_sync("worker1", fail, args=(kind,)))
        show(f"{kind.__name__} to_here", lambda: rpc.remote("worker1", fail, (kind,)).to_here())
    show("async error", lambda: rpc.rpc_async("worker1", fail_value, args=(5,)).wait())
    say("timeout", rpc.get_rpc_timeout())
    show("late", lambda: rpc.rpc_sync("worker1", slow_square, args=(2,), timeout=0.05))
    show("nested", lambda: rpc.rpc_sync("worker1", call_back, args=(torch.tensor([1., 2.]),)))
    show("async_execution", lambda: rpc.rpc_sync("worker1", add_later, args=(torch.ones(1),)))
    x = torch.ones(2, requires_grad=True)
    y = rpc.rpc_sync("worker1", torch.mul, args=(x, 2))
    say("no context", y.requires_grad, y.grad_fn, y.is_leaf)

    rref = rpc.remote("worker1", torch.add, args=(torch.ones(2), 1))
    say(repr(rref).split("(")[0], rref.owner(), rref.owner_name(),
        rref.is_owner())
    show("to_here", rref.to_here)
    show("local_value", rref.local_value)
    show("proxy sync", lambda: rref.rpc_sync().sum())
    show("proxy async", lambda: rref.rpc_async().mul(3).wait())
    show("proxy remote", lambda: rref.remote().neg().to_here())
    show("rref back to owner", lambda: rpc.rpc_sync("worker1", where, args=(rref,)))
    mine = rpc.RRef(torch.zeros(1))
    say(repr(mine).split("(")[0], mine.is_owner(), mine.local_value(), mine.owner())
    show("own rref at a user", lambda: rpc.rpc_sync("worker1", where, args=(mine,)))
    box = rpc.remote("worker1", Box, args=(torch.tensor(2.),))
    show("object method", lambda: box.rpc_sync().get(k=3))
    show("async method", lambda: box.rpc_sync().later(5))
    show("async method remote", lambda: box.remote().later(7).to_here())

    with dist_autograd.context() as cid:
        say("context", cid)
        show("nested context", dist_autograd.context().__enter__)
        x = torch.tensor([0.5, -1.0], requires_grad=True)
        w = torch.tensor([2.0, 3.0], requires_grad=True)
        t, e = rpc.rpc_sync("worker1", graph_on_worker1, args=(x, w))
        say("received", t.requires_grad, t.is_leaf, t.grad_fn.name())
        u = rpc.rpc_sync("worker1", torch.mul, args=(t * e, x))
        loss = (u.sum() + t.prod()) * 2
        show("not scalar", lambda: dist_autograd.backward(cid, [u]))
        dist_autograd.backward(cid, [loss])
        show("twice", lambda: dist_autograd.backward(cid, [loss]))
        show_grads(cid, [x, w])
        say("grad", x.grad, w.grad)
        # the same function with local autograd: the oracle of the values
        xl, wl = x.detach().requires_grad_(), w.detach().requires_grad_()
        tl = (xl * wl).tanh()
        ((tl * xl.exp() * xl).sum() + tl.prod()).mul(2).backward()
        say("local", xl.grad, wl.grad)
    with dist_autograd.context() as cid2:
        say("next context", cid2)
        w = torch.tensor([1.5, -0.5], requires_grad=True)
        loss_rref = rpc.remote("worker1", torch.dot, args=(w, w.exp()))
        loss_rref.backward(cid2)
        show_grads(cid2, [w])
        show("rref backward, not scalar",
             lambda: rpc.remote("worker1", torch.mul, args=(w, 2)).backward(cid2))
    layer = RemoteModule("worker1/cpu", seeded_linear, args=(3, 2))
    say("remote module", layer.on, layer.device, len(layer.remote_parameters()),
        layer.forward_async(torch.ones(1, 3)).wait())
    opt = DistributedOptimizer(torch.optim.SGD, layer.remote_parameters(), lr=0.5)
    for step in range(2):
        with dist_autograd.context() as cid3:
            x = torch.tensor([[1., -2., 0.5]], requires_grad=True)
            loss = layer(x).pow(2).sum()
            dist_autograd.backward(cid3, [loss])
            show_grads(cid3, [x])
            opt.step(cid3)
    say("remote .grad", rpc.rpc_sync("worker1", grads_of, args=(layer.get_module_rref(),)))
    say("stepped", layer.get_module_rref().to_here().weight.detach().flatten())
    pipeline()
    show("parameters", layer.parameters)
    show("to", lambda: layer.to("cpu"))
    show("bad device", lambda: RemoteModule("a/b/c", nn.Linear, (1, 1)))
    show("module check", lambda: RemoteModule("rank:1/cpu", torch.ones, (1,)).forward())
    show("gone", lambda: dist_autograd.get_gradients(cid))
    show("gone backward", lambda: dist_autograd.backward(cid, [loss]))
else:
    # work still under way when shutdown is called: shutdown waits for it
    late = rpc.rpc_async("worker0", slow_square, args=(torch.tensor([3.]),))
rpc.shutdown()
if RANK == 1:
    say("after shutdown", late.done(), late.wait())
show("after", rpc.get_worker_info)

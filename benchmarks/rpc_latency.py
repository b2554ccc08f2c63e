"""RPC: what a call costs, dyngrad over MPI against torch over TensorPipe.

    python benchmarks/rpc_latency.py

Each library runs the same two-worker job (dyngrad under ``python -m
dyngrad.distributed.run``, torch under torchrun) and reports: the median ``rpc_sync`` of a
10-element ``torch.add`` (a round trip), the median round trip of a 4 MB tensor, the
median step of a small model split over the two workers and trained with distributed
autograd (forward with two calls, backward, DistributedOptimizer), and the CPU a worker
burns while it waits 2 s for requests that do not come.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
MARK = "@@result "


def _median_time(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _linear(n_in, n_out):
    import torch
    return torch.nn.Linear(n_in, n_out)


def _params(rref):
    import torch.distributed.rpc as rpc
    return [rpc.RRef(p) for p in rref.local_value().parameters()]


def _forward(rref, x):
    return rref.local_value()(x)


def worker():
    import torch
    import torch.distributed.autograd as dist_autograd
    import torch.distributed.rpc as rpc
    from torch.distributed.optim import DistributedOptimizer
    rank = int(os.environ["RANK"])
    rpc.init_rpc(f"w{rank}", rank=rank, world_size=2)
    # idle: both workers wait 2 s for requests that do not come
    before = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(2)
    after = resource.getrusage(resource.RUSAGE_SELF)
    idle = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 2
    if rank == 0:
        small, big = torch.ones(10), torch.ones(1000, 1000)
        for _ in range(20):
            rpc.rpc_sync("w1", torch.add, args=(small, 1))
        result = {"small": _median_time(lambda: rpc.rpc_sync("w1", torch.add, (small, 1)), 300),
                  "4MB": _median_time(lambda: rpc.rpc_sync("w1", torch.add, (big, 1)), 20)}
        first = rpc.remote("w1", _linear, (256, 256))
        last = rpc.remote("w1", _linear, (256, 10))
        middle = torch.nn.Linear(256, 256)
        params = (rpc.rpc_sync("w1", _params, (first,))
                  + [rpc.RRef(p) for p in middle.parameters()]
                  + rpc.rpc_sync("w1", _params, (last,)))
        opt = DistributedOptimizer(torch.optim.SGD, params, lr=0.01)
        x = torch.randn(64, 256)

        def step():
            with dist_autograd.context() as cid:
                h = middle(rpc.rpc_sync("w1", _forward, (first, x))).relu()
                loss = rpc.rpc_sync("w1", _forward, (last, h)).pow(2).mean()
                dist_autograd.backward(cid, [loss])
                opt.step(cid)
        step()
        result["step"] = _median_time(step, 30)
        result["idle"] = idle
        print(MARK + json.dumps(result), flush=True)
    rpc.shutdown()


def _job(lib):
    env = dict(os.environ, OMP_NUM_THREADS="1",
               PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    launcher = (["-m", "dyngrad.distributed.run"] if lib == "dyngrad"
                else ["-m", "torch.distributed.run", "--master-port", "29533"])
    done = subprocess.run([sys.executable, *launcher, "--nproc-per-node", "2",
                           os.path.abspath(__file__), "--worker"],
                          capture_output=True, text=True, env=env, timeout=600)
    result = {}
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            result.update(json.loads(line[len(MARK):]))
    if not result:
        sys.exit(done.stdout + done.stderr)
    return result


def main():
    print(f"{'':8} {'rpc_sync':>10} {'4 MB':>10} {'split step':>11} {'idle CPU':>11}")
    for lib in ("dyngrad", "torch"):
        r = _job(lib)
        print(f"{lib:8} {r['small'] * 1e6:8.0f}us {r['4MB'] * 1e3:8.1f}ms "
              f"{r['step'] * 1e3:9.1f}ms {r['idle'] * 100:10.1f}%")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    else:
        main()

"""Data-parallel training step: one process against two at the same global batch.

    python benchmarks/data_parallel.py            # the MLP and the GPT workloads
    python benchmarks/data_parallel.py --smoke    # a few tiny steps
    python benchmarks/data_parallel.py --only gpt --nproc 2 3

Each configuration runs as its own job of ``python -m dyngrad.distributed.run`` (one BLAS
thread per process). One process trains the plain model on the global batch; N processes
train DistributedDataParallel replicas on 1/N of it each. Reported per configuration: the
median step (forward, backward, optimizer), the speed-up over one process, and for DDP the
communication: ``comm`` is what the buckets' all-reduces cost when run alone and blocking
(the same sizes, after a barrier; the fastest of several tries), ``exposed`` is how long the end of the backward still
waited for them on the rank that finished its backward last (the others wait for that
rank as well); ``hidden`` = 1 - exposed / comm is the share that overlapped the backward.
``done`` counts it another way, less sensitive to a loaded machine's scheduling: the share
of the gradient elements whose all-reduce had completed when the backward ended (rank 0).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
MARK = "@@result "

# global batch, model sizes
WORKLOADS = {
    "mlp": dict(batch=512, width=1024, depth=4, inputs=256, classes=10),
    "gpt": dict(batch=32, block=64, layers=4, heads=4, embd=128, vocab=96),
}
SMOKE = {"mlp": dict(batch=16, width=32, depth=2, inputs=8, classes=3),
         "gpt": dict(batch=4, block=8, layers=1, heads=2, embd=16, vocab=11)}


def _models(torch, nn, F):
    class MLP(nn.Module):
        def __init__(self, c):
            super().__init__()
            sizes = [c["inputs"]] + [c["width"]] * c["depth"]
            self.layers = nn.Sequential(*[m for a, b in zip(sizes, sizes[1:])
                                          for m in (nn.Linear(a, b), nn.ReLU())])
            self.head = nn.Linear(c["width"], c["classes"])

        def forward(self, x, y):
            return F.cross_entropy(self.head(self.layers(x)), y)

    class Block(nn.Module):
        def __init__(self, c):
            super().__init__()
            e = c["embd"]
            self.ln1, self.ln2 = nn.LayerNorm(e), nn.LayerNorm(e)
            self.attn = nn.MultiheadAttention(e, c["heads"], batch_first=True)
            self.mlp = nn.Sequential(nn.Linear(e, 4 * e), nn.GELU(), nn.Linear(4 * e, e))
            self.mask = torch.triu(torch.ones(c["block"], c["block"], dtype=torch.bool), 1)

        def forward(self, x):
            h = self.ln1(x)
            x = x + self.attn(h, h, h, attn_mask=self.mask, need_weights=False)[0]
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.tok = nn.Embedding(c["vocab"], c["embd"])
            self.pos = nn.Embedding(c["block"], c["embd"])
            self.blocks = nn.Sequential(*[Block(c) for _ in range(c["layers"])])
            self.ln = nn.LayerNorm(c["embd"])
            self.head = nn.Linear(c["embd"], c["vocab"], bias=False)

        def forward(self, idx, y):
            x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
            logits = self.head(self.ln(self.blocks(x)))
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    return {"mlp": MLP, "gpt": GPT}


def _batch(torch, name, c, rank, world):
    g = torch.Generator().manual_seed(0)
    if name == "mlp":
        x, y = torch.randn(c["batch"], c["inputs"], generator=g), \
            torch.randint(c["classes"], (c["batch"],), generator=g)
    else:
        x = torch.randint(c["vocab"], (c["batch"], c["block"]), generator=g)
        y = torch.randint(c["vocab"], (c["batch"], c["block"]), generator=g)
    n = c["batch"] // world
    return x[rank * n:(rank + 1) * n], y[rank * n:(rank + 1) * n]


def worker(name, steps, smoke, bucket_cap_mb):
    import dyngrad as torch
    import dyngrad.distributed as dist
    import dyngrad.nn.functional as F
    from dyngrad import nn
    from dyngrad.nn.parallel import DistributedDataParallel as DDP

    if os.environ.get("DATA_PARALLEL_NO_PROGRESS_THREAD"):
        from dyngrad.distributed._mpi import Progress
        Progress.start = lambda self, comm: None
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    c = (SMOKE if smoke else WORKLOADS)[name]
    torch.manual_seed(0)
    model = _models(torch, nn, F)[name](c)
    params = sum(p.numel() for p in model.parameters())
    exposed = [0.0]
    launched, done_share = [], [None]  # this step's (work, bytes); bytes done at its end
    if world > 1:
        model = DDP(model, bucket_cap_mb=bucket_cap_mb)
        reducer = model.reducer
        launch = dist.all_reduce

        def timed_all_reduce(tensor, *args, **kwargs):  # the reducer's: time its waits
            work = launch(tensor, *args, **kwargs)
            launched.append((work, tensor.numel()))
            wait = work.wait

            def timed_wait(*a):
                if done_share[0] is None:  # the backward has just ended
                    total = sum(n for _, n in launched)
                    done_share[0] = sum(n for w, n in launched if w.is_completed()) / total
                start = time.perf_counter()
                done = wait(*a)
                exposed[0] += time.perf_counter() - start
                return done
            work.wait = timed_wait
            return work
        dist.all_reduce = timed_all_reduce
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    x, y = _batch(torch, name, c, rank, world)
    times, waits, shares = [], [], []
    for step in range(steps + 2):  # two warm-up steps (DDP rebuilds its buckets after one)
        dist.barrier()
        exposed[0] = 0.0
        launched.clear()
        done_share[0] = None
        start = time.perf_counter()
        loss = model(x, y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step >= 2:
            times.append(time.perf_counter() - start)
            every = []
            dist.all_gather_object(every, exposed[0])
            # the rank that finished its backward last waits only for the communication
            # left over; the others wait for it too
            waits.append(min(every))
            shares.append(done_share[0])
    result = {"workload": name, "world": world, "params": params,
              "step_ms": 1e3 * statistics.median(times)}
    if world > 1:
        dist.all_reduce = launch
        sizes = [sum(reducer.params[i].numel() for i in b.indices) for b in reducer.buckets]
        alone = []
        for _ in range(max(10, 2 * steps)):
            flats = [torch.zeros(n) for n in sizes]
            dist.barrier()
            start = time.perf_counter()
            for f in flats:
                dist.all_reduce(f)
            alone.append(time.perf_counter() - start)
        # the fastest repetition: what the transfer costs when neither rank is descheduled
        comm, exp = min(alone), statistics.median(waits)
        result.update(buckets=len(sizes), comm_ms=1e3 * comm, exposed_ms=1e3 * exp,
                      hidden=max(0.0, 1 - exp / comm) if comm else None,
                      done=statistics.mean(s for s in shares if s is not None))
    if rank == 0:
        print(MARK + json.dumps(result), flush=True)
    dist.destroy_process_group()


def _run(name, n, steps, smoke, bucket_cap_mb):
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "dyngrad.distributed.run", "--nproc-per-node", str(n),
           os.path.abspath(__file__), "--worker", name, "--steps", str(steps)]
    if bucket_cap_mb is not None:
        cmd += ["--bucket-cap-mb", str(bucket_cap_mb)]
    done = subprocess.run(cmd + (["--smoke"] if smoke else []), capture_output=True, text=True,
                          env=env, timeout=600)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise RuntimeError(f"{name} with {n} processes failed:\n{done.stderr[-3000:]}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--only", choices=sorted(WORKLOADS))
    p.add_argument("--nproc", type=int, nargs="+", default=[2])
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--bucket-cap-mb", type=float, default=None,
                   help="DDP's bucket_cap_mb (default: torch's 25, first bucket 1 MiB)")
    p.add_argument("--no-progress-thread", action="store_true",
                   help="turn MPI's progress only in the gradient hooks, to compare")
    p.add_argument("--worker")
    args = p.parse_args()
    steps = args.steps or (2 if args.smoke else 10)
    if args.no_progress_thread:
        os.environ["DATA_PARALLEL_NO_PROGRESS_THREAD"] = "1"
    if args.worker:
        return worker(args.worker, steps, args.smoke, args.bucket_cap_mb)
    print("load average %.1f %.1f %.1f on %d cores" % (*os.getloadavg(), os.cpu_count()))
    print(f"{'workload':9} {'procs':>5} {'params':>9} {'step ms':>8} {'speed-up':>8} "
          f"{'buckets':>7} {'comm ms':>8} {'exposed':>8} {'hidden':>7} {'done':>5}")
    for name in [args.only] if args.only else list(WORKLOADS):
        one = _run(name, 1, steps, args.smoke, None)
        rows = [one] + [_run(name, n, steps, args.smoke, args.bucket_cap_mb)
                        for n in args.nproc]
        for r in rows:
            extra = ("" if r["world"] == 1 else
                     f"{r['buckets']:>7} {r['comm_ms']:>8.2f} {r['exposed_ms']:>8.2f} "
                     f"{r['hidden']:>7.0%} {r['done']:>5.0%}")
            print(f"{name:9} {r['world']:>5} {r['params']:>9} {r['step_ms']:>8.1f} "
                  f"{one['step_ms'] / r['step_ms']:>7.2f}x {extra}")


if __name__ == "__main__":
    main()

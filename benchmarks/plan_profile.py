"""Where a training step's time goes: torch eager's matrix products (torch.profiler) and
a compiled dyngrad plan's array calls, by function.

    python benchmarks/plan_profile.py gpt_step [--rounds K] [--top N]

One process, one thread. Times are the thread's CPU time (on a machine shared with other
work, wall time mostly measures the others): for torch, its profiler's self time of each
aten op, scaled to the step's CPU time measured without the profiler; for dyngrad, each
call the plan makes timed around the call, so the sum leaves out the plan's own Python
(the step's CPU time is printed beside it).
"""
import argparse
import collections
import os
import statistics
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))

import numpy as np  # noqa: E402

from workloads import WORKLOADS  # noqa: E402

clock = time.thread_time
PRODUCTS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")


def _step_cpu(step, state, rounds):
    times = []
    for _ in range(rounds):
        t0 = clock()
        step(state)
        times.append(clock() - t0)
    return statistics.median(times)


def torch_share(name, rounds):
    """(step CPU s, {op: CPU s per step}) of torch eager."""
    import torch
    from torch.profiler import ProfilerActivity, profile
    torch.set_num_threads(1)
    w = WORKLOADS[name]
    state, step = w.torch(w.sizes(False), torch)
    for _ in range(3):
        step(state)
    cpu = _step_cpu(step, state, rounds)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(rounds):
            step(state)
    ops = {e.key: e.self_cpu_time_total / 1e6 / rounds for e in prof.key_averages()}
    scale = cpu / sum(ops.values())  # (the profiler's own cost left out)
    return cpu, {k: v * scale for k, v in ops.items()}


def dyngrad_share(name, rounds):
    """(step CPU s, {function: [calls, CPU s] per step}) of the compiled plan."""
    import dyngrad
    from dyngrad._compile.api import _ALL
    w = WORKLOADS[name + "_c"]
    state, step = w.torch(w.sizes(False), dyngrad)
    for _ in range(4):
        step(state)
    cpu = _step_cpu(step, state, rounds)
    stats = collections.defaultdict(lambda: [0, 0.0])

    def timed(label, fn):
        def call(*args, **kwargs):
            t0 = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                s = stats[label]
                s[0] += 1
                s[1] += clock() - t0
        return call
    for f in list(_ALL):
        for e in f._entries:
            for p in e.plans:
                g = p.fn.__globals__
                for k, v in list(g.items()):
                    if k.startswith(("F", "_R")) and callable(v):
                        g[k] = timed(getattr(v, "__name__", k), v)
    for _ in range(rounds):
        step(state)
    return cpu, {k: [c / rounds, t / rounds] for k, (c, t) in stats.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workload", help="a workload with a compiled twin (gpt_step, mlp_step)")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args(argv)
    t_cpu, t_ops = torch_share(args.workload, args.rounds)
    t_mm = sum(t_ops.get(k, 0.0) for k in PRODUCTS)
    print(f"torch eager   step {t_cpu * 1e3:7.2f} ms CPU; products (mm, addmm, bmm) "
          f"{t_mm * 1e3:.2f} ms = {t_mm / t_cpu:.2f} of the step")
    for k, v in sorted(t_ops.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"    {k:60.60s} {v * 1e3:7.2f} ms")
    d_cpu, d_ops = dyngrad_share(args.workload, args.rounds)
    d_mm = d_ops.get("matmul", [0, 0.0])[1]
    calls = sum(c for c, _ in d_ops.values())
    print(f"dyngrad plan  step {d_cpu * 1e3:7.2f} ms CPU ({d_cpu / t_cpu:.2f}x torch); "
          f"products (matmul) {d_mm * 1e3:.2f} ms = {d_mm / d_cpu:.2f} of the step; "
          f"{calls:.0f} calls")
    for k, (c, t) in sorted(d_ops.items(), key=lambda kv: -kv[1][1])[:args.top]:
        print(f"    {k:40.40s} {c:6.0f} calls {t * 1e3:7.2f} ms")
    print(f"0.8x torch's step is {0.8 * t_cpu * 1e3:.2f} ms; torch's products alone "
          f"{t_mm / t_cpu:.2f}x its step, dyngrad's {d_mm / t_cpu:.2f}x")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())

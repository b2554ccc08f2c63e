"""What compiling costs and when it pays back: for each compiled workload, the first
calls of the compiled step (the first records, the second makes the plans) against a
steady eager step, and the calls after which the replays' savings have paid for both.

    python benchmarks/capture_cost.py [--smoke]

One process, one thread; medians of the eager and replayed steps.
"""
import os
import statistics
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))

import dyngrad  # noqa: E402
from workloads import COMPILED, WORKLOADS  # noqa: E402

ROUNDS = {"tiny_chain": 200, "mlp_step": 20, "hvp": 50, "big_elementwise": 8, "cnn_step": 20,
          "gpt_step": 5}


def _median(step, state, rounds):
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        step(state)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(smoke=False):
    print(f"{'workload':18}{'eager':>10}{'1st call':>10}{'2nd call':>10}{'replay':>10}"
          f"{'1st/eager':>11}{'pays back after':>17}")
    for name in list(COMPILED) + ["gpt_step"]:
        base, comp = WORKLOADS[name], WORKLOADS[name + "_c"]
        n = base.sizes(smoke)
        rounds = 2 if smoke else ROUNDS[name]
        state, step = base.torch(n, dyngrad)
        step(state)  # the eager step's own first-use costs are not the capture's
        eager = _median(step, state, rounds)
        state, step = comp.torch(n, dyngrad)
        firsts = []
        for _ in range(3):  # (a third: where the second recorded again, it makes the plans)
            t0 = time.perf_counter()
            step(state)
            firsts.append(time.perf_counter() - t0)
        replay = _median(step, state, rounds)
        extra = sum(f - replay for f in firsts)
        saved = eager - replay
        payback = f"{extra / saved:.0f} calls" if saved > 0 else "never"
        unit = 1e3
        print(f"{name:18}{eager * unit:10.3f}{firsts[0] * unit:10.3f}{firsts[1] * unit:10.3f}"
              f"{replay * unit:10.3f}{firsts[0] / eager:11.2f}{payback:>17}")
    print("(times in ms; the first call records; '2nd call' makes the plans and runs them, "
          "or records again where the first call changed what the guards see, and the "
          "third makes the plans; 'pays back after' counts all three)")


if __name__ == "__main__":
    main("--smoke" in sys.argv)

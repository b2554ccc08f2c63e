"""What compiling costs and when it pays back: for each compiled workload, the first
calls of the compiled step (the first records, the second makes the plans) against a
steady eager step, and the calls after which the replays' savings have paid for them.

    python benchmarks/capture_cost.py [--smoke] [--trials K]

One process, one thread. Each trial compiles the step afresh (a new compiled function,
Python's code cache emptied, so every trial pays the whole capture) and times its first
four calls, then replays interleaved with eager steps. Times are the thread's CPU time
(on a machine shared with other work, wall time mostly measures the others) and each is
the minimum over the trials.
"""
import os
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))

import dyngrad  # noqa: E402
from dyngrad._compile import codecache  # noqa: E402
from workloads import COMPILED, WORKLOADS  # noqa: E402

ROUNDS = {"tiny_chain": 20, "mlp_step": 5, "hvp": 20, "big_elementwise": 3, "cnn_step": 10,
          "gpt_step": 2}
FIRST = 4  # calls timed from the start: a warm-up, a record, the plans made, a replay
clock = time.thread_time


def _timed(step, state):
    t0 = clock()
    step(state)
    return clock() - t0


def measure(name, smoke=False, trials=3):
    base, comp = WORKLOADS[name], WORKLOADS[name + "_c"]
    n = base.sizes(smoke)
    rounds = 2 if smoke else ROUNDS[name]
    e_state, e_step = base.torch(n, dyngrad)
    e_step(e_state)  # the eager step's own first-use costs are not the capture's
    firsts = [float("inf")] * FIRST
    eager = replay = float("inf")
    for _ in range(trials):
        codecache._cache.clear()
        state, step = comp.torch(n, dyngrad)
        firsts = [min(f, _timed(step, state)) for f in firsts]
        for _ in range(rounds):
            replay = min(replay, _timed(step, state))
            eager = min(eager, _timed(e_step, e_state))
    return eager, firsts, replay


def main(smoke=False, trials=3):
    print(f"{'workload':18}{'eager':>9}{'call 1':>9}{'call 2':>9}{'call 3':>9}{'replay':>9}"
          f"{'1st/eager':>11}{'pays back after':>17}")
    for name in list(COMPILED) + ["gpt_step"]:
        eager, firsts, replay = measure(name, smoke, trials)
        extra = sum(f - replay for f in firsts)
        saved = eager - replay
        payback = f"{extra / saved:.0f} calls" if saved > 0 else "never"
        print(f"{name:18}{eager * 1e3:9.3f}" + "".join(f"{f * 1e3:9.3f}" for f in firsts[:3])
              + f"{replay * 1e3:9.3f}{firsts[0] / eager:11.2f}{payback:>17}")
    print("(ms of CPU time, minimum over trials; call 1 records, or warms up where it makes "
          "the optimizer's state and call 2 records; the call after the record makes the "
          "plans and runs them; 'pays back after' counts the extra time of the first four "
          "calls against the replays' saving per call)")


if __name__ == "__main__":
    k = sys.argv.index("--trials") + 1 if "--trials" in sys.argv else None
    main("--smoke" in sys.argv, int(sys.argv[k]) if k else 3)

"""torch.linalg.lu_factor: dyngrad's blocked LU against torch's LAPACK, one thread each.

    python benchmarks/lu_factor.py            # best of 7 rounds per shape, in ms

Both libraries run in this one process, interleaved round by round, so a busy machine
slows both alike.
"""
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))

import numpy as np  # noqa: E402

import dyngrad  # noqa: E402

SHAPES = [(64, 64), (256, 256), (512, 512), (100, 32, 32), (16, 128, 128)]


def main(rounds=7):
    libs = {"dyngrad": dyngrad}
    try:
        import torch
        torch.set_num_threads(1)
        libs["torch"] = torch
    except ImportError:
        pass
    rng = np.random.default_rng(0)
    print(f"{'shape':>16} " + " ".join(f"{name:>10}" for name in libs) + "  (ms)")
    for shape in SHAPES:
        a = rng.standard_normal(shape)
        inputs = {name: lib.tensor(a) for name, lib in libs.items()}
        best = dict.fromkeys(libs, float("inf"))
        for _ in range(rounds):
            for name, lib in libs.items():
                start = time.perf_counter()
                lib.linalg.lu_factor(inputs[name])
                best[name] = min(best[name], time.perf_counter() - start)
        print(f"{str(shape):>16} " + " ".join(f"{best[n] * 1e3:10.3f}" for n in libs))


if __name__ == "__main__":
    main()

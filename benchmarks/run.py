"""dyngrad's benchmark suite (issue 4): one command, one table.

    python benchmarks/run.py                  # every workload, full size
    python benchmarks/run.py --smoke          # tiny sizes, 1-2 rounds (CI)
    python benchmarks/run.py --only mlp_step  # one workload
    python benchmarks/run.py --repeat 3       # 3 interleaved processes per library
    python benchmarks/run.py --profile hvp    # where dyngrad's time goes (cProfile)

Each workload runs in its own subprocess per library (dyngrad; torch when importable;
hand-written NumPy), with BLAS/OpenMP and torch pinned to one thread. A worker times
repeated rounds and reports the median and its peak RSS growth over the baseline it had
after set-up (VmHWM, reset through /proc/self/clear_refs). Each library's first result is
checked against a float64 NumPy reference computed without autograd: a wrong answer is a
FAIL in the table and the run exits non-zero. Ratios are to torch and to NumPy in the same
run.
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
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
MARK = "@@result "

# (warm-up rounds, timed rounds) per workload; --smoke uses (0, 2)
ROUNDS = {"tiny_chain": (20, 200), "deep_chain": (1, 5), "deep_chain_1M": (0, 1),
          "mlp_step": (3, 30), "hvp": (3, 50), "big_elementwise": (2, 15), "import": (1, 7),
          "cnn_step": (3, 30), "deep_mlp": (0, 5), "deep_mlp_ckpt": (0, 5),
          "deep_mlp_ckpt_nr": (0, 5), "per_sample_grads": (3, 30),
          "per_sample_grads_loop": (1, 5), "jacrev_100": (3, 30),
          "per_sample_bag_grads": (2, 15), "per_sample_bag_grads_loop": (1, 5),
          "jacfwd_100": (1, 10)}
ROUNDS.update({"tiny_chain_c": (20, 400), "mlp_step_c": (3, 30), "hvp_c": (3, 100),
               "big_elementwise_c": (2, 15), "cnn_step_c": (3, 30)})
# which libraries run each workload (the 1M-node chain is dyngrad's completion check)
RUNS = {"deep_chain_1M": ("dyngrad",)}
TIMEOUT = {"smoke": 120, "full": 1800}
# whole-model training steps: no hand-written NumPy twin (their reference is torch's
# float64 run of the same step)
ROUNDS.update({"lenet_step": (3, 30), "gpt_step": (2, 15), "gpt_step_c": (3, 15)})
RUNS.update({"lenet_step": ("dyngrad", "torch"), "gpt_step": ("dyngrad", "torch"),
             "gpt_step_c": ("dyngrad", "torch")})

# the targets for dyngrad (issues 4 and 11): (what, test on the dyngrad row)
TARGETS = {
    # eager (issue 11's targets where it sets them, issue 4's otherwise)
    "tiny_chain": ("<=1.0x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 1.0),
    "deep_chain": ("<=0.8x torch, RSS<=120MB",
                   lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 0.8
                   and r["rss_mb"] is not None and r["rss_mb"] <= 120),
    "deep_chain_1M": ("completes", lambda r: r["status"] == "ok"),
    "mlp_step": ("<=1.05x numpy", lambda r: r["vs_numpy"] is not None and r["vs_numpy"] <= 1.05),
    "hvp": ("<=1.0x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 1.0),
    "big_elementwise": ("<=1.2x numpy", lambda r: r["vs_numpy"] is not None and r["vs_numpy"] <= 1.2),
    "import": ("<=0.2 s", lambda r: r["median"] is not None and r["median"] <= 0.2),
    "cnn_step": ("<=1.5x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 1.5),
    # issue 12 (and >= 10x faster than per_sample_grads_loop, the same work sample by sample)
    "per_sample_grads": ("<=1.5x torch", lambda r: r["vs_torch"] is not None
                         and r["vs_torch"] <= 1.5),
    # compiled (issue 11; the torch row is torch eager)
    "tiny_chain_c": ("<=0.3x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 0.3),
    "mlp_step_c": ("<=0.9x numpy", lambda r: r["vs_numpy"] is not None and r["vs_numpy"] <= 0.9),
    "hvp_c": ("<=1.0x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 1.0),
    "big_elementwise_c": ("<=0.8x numpy",
                          lambda r: r["vs_numpy"] is not None and r["vs_numpy"] <= 0.8),
}
TARGETS.update({
    "lenet_step": ("<=1.5x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 1.5),
    "gpt_step": ("<=1.3x torch", lambda r: r["vs_torch"] is not None and r["vs_torch"] <= 1.3),
    "gpt_step_c": ("<=0.8x torch", lambda r: r["vs_torch"] is not None
                   and r["vs_torch"] <= 0.8),
})


# -- the worker (runs in the subprocess) ---------------------------------------------------
def _status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def _reset_peak():
    """Reset VmHWM to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _trim():
    """Hand the memory freed so far back to the OS (glibc keeps freed heap mapped), so that
    the baseline holds no room a round could reuse unseen: the reference's float64 arrays
    would otherwise hide a round's own peak."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _peak_kb():
    hwm = _status_kb("VmHWM")
    if hwm is not None:
        return hwm
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _check(got, ref, expected_dtype):
    """None if ``got`` matches the float64 reference, else the reason."""
    import numpy as np
    for key, r in ref.items():
        if key not in got:
            return f"{key}: missing"
        g = np.asarray(got[key])
        r = np.asarray(r, dtype=np.float64)
        if g.shape != r.shape:
            return f"{key}: shape {g.shape} != {r.shape}"
        if g.dtype != expected_dtype:
            return f"{key}: dtype {g.dtype}, expected {np.dtype(expected_dtype)}"
        tol = 1e-9 if expected_dtype == np.float64 else 2e-3
        scale = max(float(np.max(np.abs(r))) if r.size else 0.0, 1e-30)
        err = float(np.max(np.abs(g - r))) / scale if r.size else 0.0
        if not np.isfinite(g).all() or not err <= tol:
            return f"{key}: rel. error {err:.2e} > {tol:g}"
    return None


def _worker(workload, lib, smoke, profile=False):
    import numpy as np
    from workloads import EXPECTED_DTYPE, WORKLOADS

    w = WORKLOADS[workload]
    n = w.sizes(smoke)
    warm, rounds = (0, 2) if smoke else ROUNDS[workload]
    result = {"status": "ok", "median": None, "rss_mb": None, "reason": ""}
    try:
        if lib == "numpy":
            state, step = w.numpy(n, np.float32 if EXPECTED_DTYPE[workload] == np.float32
                                  else np.float64)
        else:
            if lib == "torch":
                import torch as T
                T.set_num_threads(1)
            else:
                import dyngrad as T
            state, step = w.torch(n, T)
    except (ImportError, AttributeError, NotImplementedError) as e:
        return dict(result, status="n/a", reason=f"{type(e).__name__}: {e}")
    if hasattr(w, "reference"):
        reference = w.reference(n)
    else:
        ref_state, ref_step = w.numpy(n, np.float64)
        reference = ref_step(ref_state)
        del ref_state, ref_step
    _trim()

    peak_ok = _reset_peak()
    base_kb = _status_kb("VmRSS") if peak_ok else _peak_kb()
    times = []
    if profile:
        import cProfile
        prof = cProfile.Profile()
        warm, rounds = 1, max(1, rounds // 2)
    try:
        for i in range(warm + rounds):
            if profile and i == warm:
                prof.enable()
            t0 = time.perf_counter()
            out = step(state)
            dt = time.perf_counter() - t0
            if i == 0:
                bad = _check(out, reference, EXPECTED_DTYPE[workload])
                if bad:
                    return dict(result, status="FAIL", reason=f"wrong result: {bad}")
            if i >= warm:
                times.append(dt)
            del out
    except (AttributeError, NotImplementedError) as e:
        return dict(result, status="n/a", reason=f"{type(e).__name__}: {e}")
    if profile:
        prof.disable()
        _print_profile(prof)
    result["median"] = statistics.median(times) * w.scale
    result["rss_mb"] = max(0, _peak_kb() - base_kb) / 1024
    return result


def _print_profile(prof, top=25):
    import io
    import pstats
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    # keep the table of functions, drop pstats' preamble
    text = out.getvalue()
    print(text[text.find("   ncalls"):].rstrip())


def _import_worker(lib, smoke):
    """Median wall time of ``python -c "import <lib>"`` in fresh interpreters."""
    warm, rounds = (0, 1) if smoke else ROUNDS["import"]
    # As a user's Python runs: bytecode cached after the first import (torch's and
    # NumPy's were compiled when pip installed them; a checkout's are not, and with
    # PYTHONDONTWRITEBYTECODE set every import would time the compiler too).
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    warm = max(warm, 1)
    times = []
    for i in range(warm + rounds):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", f"import {lib}"], capture_output=True, text=True,
                           env=env)
        dt = time.perf_counter() - t0
        if p.returncode:
            return {"status": "FAIL", "median": None, "rss_mb": None,
                    "reason": (p.stderr.strip().splitlines() or ["?"])[-1]}
        if i >= warm:
            times.append(dt)
    return {"status": "ok", "median": statistics.median(times), "rss_mb": None, "reason": ""}


# -- the driver --------------------------------------------------------------------------
def _env():
    env = dict(os.environ)
    for v in THREAD_VARS:
        env[v] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, HERE, env.get("PYTHONPATH")) if p)
    return env


def _torch_importable(env):
    return subprocess.run([sys.executable, "-c", "import torch"], env=env,
                          capture_output=True).returncode == 0


def _spawn(workload, lib, smoke, env):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", workload, lib]
    if smoke:
        cmd.append("--smoke")
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                           timeout=TIMEOUT["smoke" if smoke else "full"])
    except subprocess.TimeoutExpired as e:
        return {"status": "FAIL", "median": None, "rss_mb": None,
                "reason": f"timeout after {e.timeout:.0f} s"}
    for line in p.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    last = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
    return {"status": "FAIL", "median": None, "rss_mb": None, "reason": f"crashed: {last}"}


def _combine(runs):
    """One result from a library's repeated processes: the first non-ok one if any, else
    the median of the medians and the largest RSS growth."""
    for r in runs:
        if r["status"] != "ok":
            return r
    rss = [r["rss_mb"] for r in runs if r["rss_mb"] is not None]
    return dict(runs[0], median=statistics.median(r["median"] for r in runs),
                rss_mb=max(rss) if rss else None)


def _unit(workload):
    if workload == "import":
        return "s"
    from workloads import WORKLOADS
    return WORKLOADS[workload].unit


def _fmt(v, digits=3):
    if v is None:
        return "-"
    return f"{v:.{digits}g}" if abs(v) < 1000 else f"{v:.0f}"


def _table(rows):
    head = ("workload", "lib", "median", "unit", "vs torch", "vs numpy", "RSS+ MB", "check",
            "target (dyngrad)")
    body = []
    for r in rows:
        target = ""
        if r["lib"] == "dyngrad" and r["workload"] in TARGETS:
            what, test = TARGETS[r["workload"]]
            target = f"{what}: {'met' if r['status'] == 'ok' and test(r) else 'MISSED'}"
        check = r["status"] if not r["reason"] else f"{r['status']} ({r['reason']})"
        body.append((r["workload"], r["lib"], _fmt(r["median"]), _unit(r["workload"]),
                     _fmt(r["vs_torch"], 2), _fmt(r["vs_numpy"], 2),
                     _fmt(r["rss_mb"]) if r["rss_mb"] is not None else "-", check, target))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    # the check column can be long: do not pad the last two columns
    lines = []
    for row in (head, *body):
        cells = [str(c).ljust(wd) for c, wd in zip(row[:-2], widths[:-2])]
        lines.append("  ".join(cells + [str(row[-1]).ljust(widths[-1]), str(row[-2])]).rstrip())
    lines.insert(1, "-" * max(len(x) for x in lines))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, 1-2 rounds (CI)")
    ap.add_argument("--only", metavar="NAME", action="append",
                    help="run only this workload (repeatable)")
    ap.add_argument("--repeat", type=int, default=1, metavar="K",
                    help="run each library's process K times, interleaved, and report the "
                         "median of their medians (steadier on a busy machine)")
    ap.add_argument("--profile", metavar="NAME",
                    help="run NAME for dyngrad under cProfile and print where the time goes")
    ap.add_argument("--worker", nargs=2, metavar=("WORKLOAD", "LIB"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        workload, lib = args.worker
        sys.path.insert(0, HERE)
        res = _import_worker(lib, args.smoke) if workload == "import" else \
            _worker(workload, lib, args.smoke, args.profile == workload)
        print(MARK + json.dumps(res), flush=True)
        return 0

    from workloads import LIBS, WORKLOADS
    names = list(WORKLOADS) + ["import"]
    if args.profile:
        if args.profile not in WORKLOADS:
            ap.error(f"cannot profile {args.profile!r}; choose from {', '.join(WORKLOADS)}")
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", args.profile, "dyngrad",
               "--profile", args.profile] + (["--smoke"] if args.smoke else [])
        p = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
        print(p.stdout.replace(MARK, "result: ") + p.stderr, end="")
        return p.returncode
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            ap.error(f"unknown workload {unknown[0]!r}; choose from {', '.join(names)}")
        names = [n for n in names if n in args.only]
    env = _env()
    has_torch = _torch_importable(env)
    rows = []
    t_start = time.perf_counter()
    for name in names:
        runs = {}
        for k in range(max(1, args.repeat)):
            for lib in RUNS.get(name, LIBS):
                if lib == "torch" and not has_torch:
                    runs[lib] = [{"status": "n/a", "median": None, "rss_mb": None,
                                  "reason": "torch not importable"}]
                    continue
                r = _spawn(name, lib, args.smoke, env)
                runs.setdefault(lib, []).append(r)
                print(f"  {name:16} {lib:8} pass {k + 1}: {r['status']}", file=sys.stderr,
                      flush=True)
        results = {lib: _combine(rs) for lib, rs in runs.items()}
        for lib, r in results.items():
            ok = r["status"] == "ok"

            def ratio(other):
                o = results.get(other)
                if not ok or o is None or o["status"] != "ok" or not o["median"]:
                    return None
                return r["median"] / o["median"]
            rows.append(dict(r, workload=name, lib=lib, vs_torch=ratio("torch"),
                             vs_numpy=ratio("numpy")))
    mode = "smoke" if args.smoke else "full"
    print(f"dyngrad benchmarks ({mode}; 1 thread; medians over rounds"
          f"{f', median of {args.repeat} processes' if args.repeat > 1 else ''}; "
          f"ratios = this lib / other lib, same run; {time.perf_counter() - t_start:.0f} s)")
    print(_table(rows))
    failed = [r for r in rows if r["status"] == "FAIL"]
    if failed:
        print(f"\n{len(failed)} FAILED: " + ", ".join(f"{r['workload']}/{r['lib']}" for r in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

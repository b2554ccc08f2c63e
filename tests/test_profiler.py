"""The profiler against torch: record_function blocks nested and repeated give the same
events, counts and key_averages rows; the table has torch's layout (timings masked);
ops run inside a profile are timed under aten:: names; errors and empty profiles."""
import gzip
import json
import os
import re
import time

import pytest

import dyngrad
from side_by_side import assert_same

_TIMES = re.compile(r" *\d+\.\d+(?:us|ms|s|%)")  # a time with its padding


def _blocks(lib, prof_cls):
    with prof_cls() as prof:
        for _ in range(2):
            with lib.autograd.profiler.record_function("outer"):
                with lib.profiler.record_function("inner block with a rather long name "
                                                  "that the table must cut short"):
                    time.sleep(0.001)
                with lib.autograd.profiler.record_function("second"):
                    pass

        @lib.profiler.record_function("decorated")
        def f():
            return 1
        f()
    return prof


@pytest.mark.parametrize("front", ["autograd", "profiler"])
def test_events_and_table_layout(front):
    def case(lib):
        cls = (lib.autograd.profiler.profile if front == "autograd"
               else lambda: lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU]))
        prof = _blocks(lib, cls)
        events = [e for e in prof.events() if not e.name.startswith("aten::")] \
            if front == "profiler" else prof.function_events
        averages = prof.key_averages()
        rows = sorted((a.key, a.count) for a in averages)
        tables = [_TIMES.sub("#", averages.table(sort_by=key, row_limit=3))
                  for key in (None, "count")]
        return ([(e.name, [c.name for c in e.cpu_children]) for e in events], rows,
                tables[1], _TIMES.sub("#", prof.key_averages().table(max_name_column_width=30,
                                                                     header="HEADER")))
    assert_same(case)


def test_ops_are_timed_with_their_children():
    x = dyngrad.ones(3, 3, requires_grad=True)
    with dyngrad.autograd.profiler.profile() as prof:
        with dyngrad.autograd.profiler.record_function("forward"):
            y = x.mm(x).sum()
        y.backward()
    names = [e.name for e in prof.function_events]
    assert names[:2] == ["forward", "aten::mm"]
    assert "autograd::engine::evaluate_function: MmBackward0" in names
    forward = prof.function_events[0]
    assert forward.cpu_time_total >= sum(c.cpu_time_total for c in forward.cpu_children)
    assert abs(prof.self_cpu_time_total - sum(e.self_cpu_time_total
                                              for e in prof.function_events)) < 1e-6
    # nothing is recorded, and the op table is as before, once the profile is closed
    assert type(dyngrad.ops._table.ALL_OPS[0]).__call__ is dyngrad.autograd.profiler._plain_call


def test_misuse_and_empty():
    def case(lib):
        p = lib.autograd.profiler.profile()
        with p:
            with pytest.raises(RuntimeError) as err:
                with p:
                    pass
        q = lib.profiler.profile()
        return (str(err.value), len(lib.autograd.profiler.profile().key_averages()),
                q.key_averages(), str(lib.profiler.ProfilerActivity.CPU),
                repr(lib.profiler.ProfilerActivity.CPU))
    assert_same(case)


def _read_trace(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def _trace_shape(trace, path):
    """What of a Chrome trace does not depend on timing or on the machine: its header's
    keys and fixed values, and the complete events that are not ops, in order."""
    events = trace["traceEvents"]
    first = next(e for e in events if e["ph"] == "X")
    return (sorted(trace), trace["schemaVersion"], trace["displayTimeUnit"],
            path.endswith(".gz") or trace["traceName"] == path,
            [(e.get("cat"), e["name"]) for e in events
             if e["ph"] == "X" and not e["name"].startswith("aten::")],
            sorted({e["name"] for e in events if e["ph"] in "Mi"}), sorted(first),
            sorted(first["args"]))


def test_schedule_trace_handler_and_chrome_trace(tmp_path):
    def case(lib):
        P = lib.profiler
        out = [[P.schedule(wait=1, warmup=1, active=2, repeat=2, skip_first=1)(i).name
                for i in range(12)],
               [P.schedule(wait=2, warmup=1, active=1, skip_first_wait=1)(i).name
                for i in range(6)],
               P.schedule(wait=0, warmup=0, active=1)(0).name]
        for bad in (dict(wait=-1, warmup=0, active=1), dict(wait=0, warmup=1, active=0)):
            with pytest.raises(AssertionError) as err:
                P.schedule(**bad)
            out.append(str(err.value))
        folder = tmp_path / lib.__name__
        seen = []

        def ready(prof):
            seen.append((prof.step_num, sorted((e.key, e.count) for e in prof.key_averages()
                                               if not e.key.startswith("aten::"))))
            P.tensorboard_trace_handler(str(folder), worker_name="w0",
                                        use_gzip=len(seen) > 1)(prof)
        with P.profile(activities=[P.ProfilerActivity.CPU], acc_events=True, on_trace_ready=ready,
                       schedule=P.schedule(wait=1, warmup=1, active=2, repeat=2)) as prof:
            for i in range(10):
                with P.record_function(f"step{i}"):
                    lib.ones(2, 2).mm(lib.ones(2, 2))
                prof.step()
        files = sorted(os.listdir(folder))
        out += [seen, [(f.split(".")[0], f.endswith(".pt.trace.json"), f.endswith(".json.gz"))
                       for f in files]]
        out += [_trace_shape(_read_trace(str(folder / f)), str(folder / f)) for f in files]
        with P.profile() as plain:
            with P.record_function("block"):
                lib.ones(1)
        plain.export_chrome_trace(str(folder / "plain.json"))
        with lib.autograd.profiler.profile() as legacy:
            with lib.autograd.profiler.record_function("block"):
                pass
        legacy.export_chrome_trace(str(folder / "legacy.json"))
        with pytest.raises(AssertionError) as err:
            P.profile().export_chrome_trace(str(folder / "never.json"))
        return out + [_trace_shape(_read_trace(str(folder / "plain.json")),
                                   str(folder / "plain.json")),
                      sorted(_read_trace(str(folder / "legacy.json"))), str(err.value)]
    assert_same(case)

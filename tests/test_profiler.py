"""The profiler against torch: record_function blocks nested and repeated give the same
events, counts and key_averages rows; the table has torch's layout (timings masked);
ops run inside a profile are timed under aten:: names; errors and empty profiles."""
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

"""torch.autograd.profiler: time the ops a block of code runs.

    >>> with torch.autograd.profiler.profile() as prof:
    ...     with torch.autograd.profiler.record_function("block"):
    ...         y = torch.ones(2, 2).mm(torch.ones(2, 2))
    >>> prof.function_events[0].name, "aten::mm" in [e.name for e in prof.function_events]
    ('block', True)

While a profile is open, every call of an op of the table is timed as ``aten::<name>``
(its name derived from the op's node, ``MmBackward0`` -> ``aten::mm``), each backward step
of the engine as ``autograd::engine::evaluate_function: <node>``, and each
``record_function`` block under its own name, nested as they ran. Nothing is installed
while no profile is open: the op table's call is swapped in on entry and back on exit.
"""
import functools
import gzip
import json
import os
import re
import socket
import threading
import time
import uuid

from ..ops._table import Op
from . import engine
from .profiler_util import EventList, FunctionEvent

__all__ = ["profile", "record_function", "EventList", "FunctionEvent"]

_state = threading.local()
_plain_call = Op.__call__


def _now_us():
    return time.perf_counter_ns() / 1000.0


class _Recorder:
    """The events of one profile, nested by a stack of open calls."""

    def __init__(self):
        self.events = []
        self.stack = []
        self.thread = threading.get_ident()

    def open(self, name, user=False):
        event = FunctionEvent(len(self.events), name, self.thread, _now_us(), None,
                              is_user_annotation=user)
        if self.stack:
            event.cpu_parent = self.stack[-1]
            self.stack[-1].cpu_children.append(event)
        self.events.append(event)
        self.stack.append(event)
        return event

    def close(self, event):
        # anything opened inside and still open (an exception passed through) ends too
        end = _now_us()
        while self.stack:
            top = self.stack.pop()
            top.time_range = (top.time_range[0], end)
            if top is event:
                break


def _recorder():
    return getattr(_state, "recorder", None)


def _aten_name(op):
    base = re.sub(r"Backward\d*$", "", op.name)
    return "aten::" + re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


def _profiled_call(op, *args):
    """Op.__call__ while a profile is open: the plain call, timed."""
    rec = _recorder()
    if rec is None:
        return _plain_call(op, *args)
    event = rec.open(_aten_name(op))
    try:
        return _plain_call(op, *args)
    finally:
        rec.close(event)


class _EngineWatch:
    """An engine observer timing each node's backward step."""

    def __init__(self):
        self.open = None

    def __call__(self, event, **info):
        rec = _recorder()
        if rec is None:
            return
        if self.open is not None and event in ("node", "ran", "end", "error"):
            rec.close(self.open)
            self.open = None
        if event == "node":
            self.open = rec.open("autograd::engine::evaluate_function: " + info["node"].name())


_active = [0]           # open profiles in the process: the call is swapped while any is
_watch = _EngineWatch()


def _install():
    if _active[0] == 0:
        Op.__call__ = _profiled_call
        engine.observers.append(_watch)
    _active[0] += 1


def _uninstall():
    _active[0] -= 1
    if _active[0] == 0:
        Op.__call__ = _plain_call
        engine.observers.remove(_watch)


class profile:
    """Context manager that records the ops run inside it and their CPU times."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False, with_modules=False,
                 use_kineto=False, use_cpu=True, experimental_config=None, acc_events=False,
                 custom_trace_id_callback=None):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.entered = False
        self.function_events = None
        self._recorder = None
        if use_cuda or use_device not in (None, "cpu"):
            raise NotImplementedError("dyngrad's profiler times the CPU only (use_cuda, "
                                      "use_device)")

    def __enter__(self):
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._recorder = _Recorder()
        self._previous = _recorder()
        _state.recorder = self._recorder
        _install()
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.enabled:
            return False
        _uninstall()
        _state.recorder = self._previous
        rec = self._recorder
        if rec.stack:
            rec.close(rec.stack[0])
        self.function_events = EventList(rec.events)
        return False

    def _check_finish(self):
        # before (or without) a run there is nothing to report: an empty list
        if self.function_events is None:
            self.function_events = EventList()

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        self._check_finish()
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False):
        self._check_finish()
        return self.function_events.table(
            sort_by=sort_by, row_limit=row_limit, max_name_column_width=max_name_column_width,
            header=header, top_level_events_only=top_level_events_only)

    def total_average(self):
        self._check_finish()
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self):
        self._check_finish()
        return self.function_events.self_cpu_time_total

    def export_chrome_trace(self, path):
        """Write the recorded events as a Chrome trace (the JSON that chrome://tracing,
        Perfetto and TensorBoard read), gzipped when ``path`` ends in ``.gz``."""
        self._check_finish()
        write_chrome_trace(self.function_events, path)

    def __str__(self):
        self._check_finish()
        return str(self.function_events)

    __repr__ = __str__


# NOTE [Chrome trace]
# torch's profiler writes Kineto's JSON: a header (schemaVersion, trace_id, host_name,
# displayTimeUnit "ms", baseTimeNanoseconds), then traceEvents: process and thread
# metadata ("ph": "M"), one complete event ("ph": "X") per call with its start "ts" and
# "dur" in microseconds, "cat" user_annotation (record_function) or cpu_op (an op), and
# args numbering the events, then the profiler's own span and the record window's end.
# Times here are perf_counter microseconds; baseTimeNanoseconds puts them on the clock.
def _trace_events(events, pid):
    first = min((e.time_range[0] for e in events), default=_now_us())
    last = max((e.time_range[1] for e in events), default=first)
    out = [{"ph": "M", "name": "process_name", "ts": first, "pid": pid, "tid": 0,
            "args": {"name": "python"}},
           {"ph": "M", "name": "process_labels", "ts": first, "pid": pid, "tid": 0,
            "args": {"labels": "CPU"}},
           {"ph": "M", "name": "process_sort_index", "ts": first, "pid": pid, "tid": 0,
            "args": {"sort_index": pid}}]
    for tid in dict.fromkeys(e.thread for e in events):
        out += [{"ph": "M", "name": "thread_name", "ts": first, "pid": pid, "tid": tid,
                 "args": {"name": f"thread {tid} (python)"}},
                {"ph": "M", "name": "thread_sort_index", "ts": first, "pid": pid, "tid": tid,
                 "args": {"sort_index": tid}}]
    for i, e in enumerate(events):
        out.append({"ph": "X", "cat": "user_annotation" if e.is_user_annotation else "cpu_op",
                    "name": e.trace_name, "pid": pid, "tid": e.thread, "ts": e.time_range[0],
                    "dur": e.time_range[1] - e.time_range[0],
                    "args": {"External id": i + 1, "Record function id": 0, "Ev Idx": i}})
    out += [{"ph": "X", "cat": "Trace", "name": "PyTorch Profiler (0)", "pid": "Spans",
             "tid": "PyTorch Profiler", "ts": first, "dur": last - first,
             "args": {"Op count": 0}},
            {"ph": "M", "name": "process_sort_index", "ts": first, "pid": "Spans", "tid": 0,
             "args": {"sort_index": 536870912}},
            {"ph": "i", "s": "g", "name": "Iteration Start: PyTorch Profiler", "pid": "Traces",
             "tid": "Trace PyTorch Profiler", "ts": first},
            {"ph": "i", "s": "g", "name": "Record Window End", "pid": "", "tid": "", "ts": last}]
    return out


def write_chrome_trace(events, path):
    """``events`` written to ``path`` as torch's profiler writes them (NOTE [Chrome trace])."""
    trace = {"schemaVersion": 1, "deviceProperties": [], "trace_id": uuid.uuid4().hex.upper(),
             "host_name": socket.gethostname(), "displayTimeUnit": "ms",
             "baseTimeNanoseconds": time.time_ns() - time.perf_counter_ns(),
             "traceEvents": _trace_events(list(events), os.getpid()), "traceName": path}
    text = json.dumps(trace, indent=2)
    if path.endswith(".gz"):
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


class record_function:
    """Label a block of code (a context manager or a decorator): it shows in the profile
    under ``name``, with the ops inside it as its children."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._event = None

    def __enter__(self):
        rec = _recorder()
        if rec is not None:
            self._event = rec.open(self.name, user=True)
        return self

    def __exit__(self, exc_type, exc, tb):
        rec = _recorder()
        if rec is not None and self._event is not None:
            rec.close(self._event)
        self._event = None
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return func(*args, **kwargs)
        return wrapped

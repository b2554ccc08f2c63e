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
import re
import threading
import time

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
        self._check_finish()
        return self.function_events.export_chrome_trace(path)

    def __str__(self):
        self._check_finish()
        return str(self.function_events)

    __repr__ = __str__


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
        import functools

        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return func(*args, **kwargs)
        return wrapped

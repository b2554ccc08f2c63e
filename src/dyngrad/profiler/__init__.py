"""torch.profiler: the CPU profiler behind torch's newer front end.

    >>> with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
    ...     with torch.profiler.record_function("step"):
    ...         _ = torch.ones(2, 2).mm(torch.ones(2, 2))
    >>> [(e.key, e.count) for e in prof.key_averages()][0]
    ('step', 1)

Only CPU activity is recorded. A ``schedule`` says, step by step (``prof.step()``), whether
to wait, warm up or record; at the end of each recorded stretch ``on_trace_ready(prof)``
runs, ``tensorboard_trace_handler`` writing the Chrome trace there.
"""
import os
import socket
import time
import warnings
from enum import Enum, IntEnum
from functools import partial

from ..autograd import profiler as _autograd_profiler
from ..autograd.profiler import record_function  # noqa: F401
from ..autograd.profiler_util import EventList

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction",
           "supported_activities", "schedule", "tensorboard_trace_handler"]


class ProfilerActivity(IntEnum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5

    def __repr__(self):
        return f"<ProfilerActivity.{self.name}: {self.value}>"

    def __str__(self):
        return f"ProfilerActivity.{self.name}"


def supported_activities():
    return {ProfilerActivity.CPU}


class ProfilerAction(Enum):
    """What the profiler does at a step."""
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """A schedule for ``profile``: after ``skip_first`` steps, cycles of ``wait`` idle steps,
    ``warmup`` steps and ``active`` recorded ones (the trace is ready at the last), ``repeat``
    times (0: forever); ``skip_first_wait`` skips the first cycle's wait.

    >>> [torch.profiler.schedule(wait=1, warmup=1, active=2)(s).name for s in range(4)]
    ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE']
    """
    def schedule_fn(step):
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return (ProfilerAction.RECORD if mod_step < num_steps - 1
                else ProfilerAction.RECORD_AND_SAVE)

    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} "
            f"(need >= 0), active={active} (need > 0), repeat={repeat} (need >= 0), "
            f"skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)
    return schedule_fn


def _default_schedule_fn(_):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False,
                              use_python_export=False):
    """An ``on_trace_ready`` that writes each trace into ``dir_name`` as
    ``<worker_name>.<time in ns>.pt.trace.json`` (``.gz`` with ``use_gzip``), the files
    TensorBoard's profiler plugin reads."""
    def handler_fn(prof):
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as e:
                raise RuntimeError("Can't create directory: " + dir_name) from e
        if not worker_name:
            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json"
        if use_gzip:
            file_name += ".gz"
        prof.export_chrome_trace(os.path.join(dir_name, file_name))
    return handler_fn


_A = ProfilerAction
_WARNINGS_SHOWN = set()


def _warn_once(msg):
    # once per process, as torch's
    if msg not in _WARNINGS_SHOWN:
        _WARNINGS_SHOWN.add(msg)
        warnings.warn(msg, stacklevel=3)


class profile(_autograd_profiler.profile):
    """Record the ops run inside the block (CPU activity only), all of it or the steps a
    ``schedule`` chooses (advanced by ``step()``)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False,
                 with_flops=False, with_modules=False, experimental_config=None,
                 execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None, post_processing_timeout_s=None):
        activities = set(activities) if activities else supported_activities()
        if use_cuda is not None:
            warnings.warn("`use_cuda` is deprecated, use `activities` argument instead",
                          FutureWarning, stacklevel=2)
        if activities - {ProfilerActivity.CPU} or use_cuda:
            raise NotImplementedError("dyngrad's profiler records CPU activity only")
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, with_flops=with_flops,
                         with_modules=with_modules)
        self.activities = activities
        self.schedule = schedule or _default_schedule_fn
        self.record_steps = bool(schedule)
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.step_rec_fn = None
        self.current_action = self.schedule(self.step_num)
        # what to do going from one step's action to the next (None: the profile ends), as
        # torch's table has it; warm-up records nothing here, so it needs no preparing
        self.acc_events = acc_events
        prep, start, stop, ready = (self._prepare_trace, self._start_trace, self._stop_trace,
                                    self._trace_ready)
        self.action_map = {
            (_A.NONE, _A.WARMUP): [prep],
            (_A.NONE, _A.RECORD): [prep, start], (_A.NONE, _A.RECORD_AND_SAVE): [prep, start],
            (_A.WARMUP, _A.NONE): [partial(warnings.warn,
                                           "Incorrect schedule: WARMUP followed by NONE"),
                                   start, stop],
            (_A.WARMUP, _A.RECORD): [start], (_A.WARMUP, _A.RECORD_AND_SAVE): [start],
            (_A.RECORD, _A.NONE): [partial(warnings.warn,
                                           "Incorrect schedule: RECORD followed by NONE"), stop],
            (_A.RECORD, _A.WARMUP): [partial(warnings.warn,
                                             "Incorrect schedule: RECORD followed by WARMUP"),
                                     stop],
            (_A.RECORD_AND_SAVE, _A.NONE): [stop, ready],
            (_A.RECORD_AND_SAVE, _A.WARMUP): [stop, ready, prep],
            (_A.RECORD_AND_SAVE, _A.RECORD): [stop, ready, prep, start],
            (_A.RECORD_AND_SAVE, _A.RECORD_AND_SAVE): [stop, ready, prep, start],
            (_A.WARMUP, None): [start, stop],
            (_A.RECORD, None): [stop, ready],
            (_A.RECORD_AND_SAVE, None): [stop, ready],
        }

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        return False

    def _prepare_trace(self):
        if self.function_events is not None and not self.acc_events:
            _warn_once("Warning: Profiler clears events at the end of each cycle. Only events "
                       "from the current cycle will be reported. To keep events across "
                       "cycles, set acc_events=True.")

    def _start_trace(self):
        self.entered = False  # (each recorded stretch is a run of its own)
        self._earlier = (list(self.function_events)
                         if self.acc_events and self.function_events is not None else [])
        _autograd_profiler.profile.__enter__(self)

    def _stop_trace(self):
        _autograd_profiler.profile.__exit__(self, None, None, None)
        self._cycle_events = self.function_events  # (a trace holds the last cycle's only)
        if self._earlier:
            self.function_events = EventList(self._earlier + list(self.function_events))

    def _trace_ready(self):
        if self.on_trace_ready:
            self.on_trace_ready(self)

    def _transit_action(self, prev_action, current_action):
        for action in self.action_map.get((prev_action, current_action), ()):
            action()

    def _open_step(self):
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def _close_step(self):
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None

    def start(self):
        self._transit_action(_A.NONE, self.current_action)
        self._open_step()

    def stop(self):
        self._close_step()
        self._transit_action(self.current_action, None)

    def step(self):
        """Mark the end of a training step: the schedule's action for the next one runs."""
        self._close_step()
        prev_action = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if self.current_action == _A.DEVICE_STOPPED:
            raise ValueError("ProfilerAction.DEVICE_STOPPED is set internally by the profiler "
                             "and must not be returned by a user-provided schedule")
        self._transit_action(prev_action, self.current_action)
        self._open_step()

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        if self.function_events is None:
            raise AssertionError("Profiler must be initialized before getting key averages")
        return super().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path, use_python_export=False):
        if self.function_events is None:
            raise AssertionError("Profiler must be initialized before exporting chrome trace")
        _autograd_profiler.write_chrome_trace(self._cycle_events, path)

    def events(self):
        self._check_finish()
        return self.function_events

"""torch.profiler: the CPU profiler behind torch's newer front end.

    >>> with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
    ...     with torch.profiler.record_function("step"):
    ...         _ = torch.ones(2, 2).mm(torch.ones(2, 2))
    >>> [(e.key, e.count) for e in prof.key_averages()][0]
    ('step', 1)

Only CPU activity is recorded; schedules, trace handlers and trace files are not there.
"""
from enum import IntEnum

from ..autograd import profiler as _autograd_profiler
from ..autograd.profiler import record_function  # noqa: F401

__all__ = ["profile", "record_function", "ProfilerActivity", "supported_activities"]


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


class profile(_autograd_profiler.profile):
    """Record the ops run inside the block (CPU activity only)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False,
                 with_flops=False, with_modules=False, experimental_config=None,
                 execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        activities = set(activities) if activities else supported_activities()
        if activities - {ProfilerActivity.CPU} or use_cuda:
            raise NotImplementedError("dyngrad's profiler records CPU activity only")
        if schedule is not None or on_trace_ready is not None:
            raise NotImplementedError("dyngrad's profiler has no schedule or on_trace_ready: "
                                      "it records the whole block")
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, with_flops=with_flops,
                         with_modules=with_modules)
        self.activities = activities

    def start(self):
        self.__enter__()

    def stop(self):
        self.__exit__(None, None, None)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        if self.function_events is None:
            raise AssertionError("Profiler must be initialized before getting key averages")
        return super().key_averages(group_by_input_shape, group_by_stack_n)

    def step(self):
        """Mark the end of a training step (nothing to do without a schedule)."""

    def events(self):
        self._check_finish()
        return self.function_events

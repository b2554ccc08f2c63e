"""The profiler's events and their summary table (torch.autograd.profiler_util).

A FunctionEvent is one timed call (an op, a record_function block, an engine step) with
its children; key_averages() groups events by name into FunctionEventAvg rows, and
table() prints them in torch's layout: a right-aligned name column (at most 55 wide),
then Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg and # of Calls, 12 wide,
two spaces apart, between dashed rules, and the self CPU time total under them.
"""

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg"]


def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_time_share(time_us, total_time_us):
    if total_time_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_time_us:.2f}%"


class _Times:
    """Formatted times shared by events and their averages."""

    @property
    def cpu_time(self):
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count

    @property
    def self_cpu_time_total_str(self):
        return _format_time(self.self_cpu_time_total)

    @property
    def cpu_time_total_str(self):
        return _format_time(self.cpu_time_total)

    @property
    def cpu_time_str(self):
        return _format_time(self.cpu_time)


class FunctionEvent(_Times):
    """One call: its name, start and end (microseconds) and the calls made inside it."""

    def __init__(self, id, name, thread, start_us, end_us, input_shapes=None,
                 is_user_annotation=False, trace_name=None):
        self.id = id
        # the steps of torch.profiler's schedule add up under one name, ProfilerStep*; the
        # trace keeps each step's own (trace_name)
        self.trace_name = name if trace_name is None else trace_name
        self.name = "ProfilerStep*" if name.startswith("ProfilerStep#") else name
        self.thread = thread
        self.time_range = (start_us, end_us)
        self.input_shapes = input_shapes
        self.cpu_children = []
        self.cpu_parent = None
        self.count = 1
        self.node_id = -1
        self.is_async = False
        self.is_user_annotation = is_user_annotation

    @property
    def key(self):
        return self.name

    @property
    def cpu_time_total(self):
        return self.time_range[1] - self.time_range[0]

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} thread={self.thread} "
                f"cpu_time={self.cpu_time_str} start_us={self.time_range[0]} "
                f"end_us={self.time_range[1]} cpu_children={[c.id for c in self.cpu_children]}>")


class FunctionEventAvg(_Times):
    """The events of one name added up."""

    def __init__(self):
        self.key = None
        self.count = 0
        self.node_id = 0
        self.is_async = False
        self.cpu_time_total = 0
        self.self_cpu_time_total = 0
        self.input_shapes = None
        self.cpu_parent = None
        self.is_user_annotation = False

    def add(self, other):
        if self.key is None:
            self.key = other.key
            self.node_id = other.node_id
            self.is_user_annotation = other.is_user_annotation
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.count += other.count
        return self

    def __iadd__(self, other):
        return self.add(other)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str} input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events with torch's summaries."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("use_device", None)
        kwargs.pop("profile_memory", None)
        kwargs.pop("with_flops", None)
        super().__init__(*args, **kwargs)

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shapes=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        groups = {}
        for e in self:
            key = (e.key, str(e.input_shapes)) if group_by_input_shapes else e.key
            groups.setdefault(key, FunctionEventAvg()).add(e)
        return EventList(groups.values())

    def total_average(self):
        total = FunctionEventAvg()
        for e in self:
            total.add(e)
        total.key = "Total"
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False, time_unit=None):
        return _build_table(self, sort_by, header, row_limit, max_name_column_width,
                            top_level_events_only, time_unit)

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (torch's older, list-only format: one
        complete event per call, under the process "CPU functions")."""
        rows = [f'{{"name": "{e.trace_name}", "ph": "X", "ts": {e.time_range[0]}, '
                f'"dur": {e.time_range[1] - e.time_range[0]}, "tid": {e.thread}, '
                f'"pid": "CPU functions", "args": {{}}}}' for e in self]
        with open(path, "w") as f:
            f.write("[" + ", ".join(rows) + "]")

    def __str__(self):
        return self.table()


def _time(time_us, time_unit):
    if time_unit == "s":
        return f"{time_us / 1e6:.3f}s"
    if time_unit == "ms":
        return f"{time_us / 1e3:.3f}ms"
    if time_unit == "us":
        return f"{time_us:.3f}us"
    return _format_time(time_us)


def _build_table(events, sort_by=None, header=None, row_limit=100, max_name_column_width=55,
                 top_level_events_only=False, time_unit=None):
    if len(events) == 0:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by), reverse=True)
    name_width = max(len(e.key) for e in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    widths = [name_width] + [12] * 6
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
               "# of Calls"]

    def row(values):
        return "".join(f"{str(v):>{w}}  " for v, w in zip(values, widths))
    rule = "".join("-" * w + "  " for w in widths)
    line_length = sum(widths) + 2 * (len(widths) - 1)
    total = sum(e.self_cpu_time_total for e in events)
    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_events_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [rule, row(headers), rule]
    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_events_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        lines.append(row([name, _format_time_share(e.self_cpu_time_total, total),
                          _time(e.self_cpu_time_total, time_unit),
                          _format_time_share(e.cpu_time_total, total),
                          _time(e.cpu_time_total, time_unit), _time(e.cpu_time, time_unit),
                          e.count]))
    lines += [rule, f"Self CPU time total: {_time(total, time_unit)}"]
    return "".join(line + "\n" for line in lines)

"""Anomaly mode: ``detect_anomaly`` and ``set_detect_anomaly`` (torch.autograd.anomaly_mode).

Off by default and process-wide, as in torch. While it is on:

- every node made keeps the Python stack that made it, and a node made during a backward
  the node whose backward made it (``graph.store_anomaly_metadata``, called where nodes
  are created when ``grad_mode.state.anomaly`` is set);
- an in-place write notes its line beside the version it made
  (``graph.note_inplace_write``), which the version-counter error then names: the one
  message that says more than torch's;
- the engine is watched through its observation point (``engine.observers``): when a node's
  step fails, the forward stack of that node is shown as torch shows it (a UserWarning)
  before the error goes on; with ``check_nan``, a node whose gradients hold a nan fails.

    >>> x = torch.tensor([0.], requires_grad=True)
    >>> with torch.autograd.set_detect_anomaly(True):
    ...     torch.autograd.grad((x.sqrt() * 0).sum(), x)
    Traceback (most recent call last):
    ...
    RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
"""
import sys
import threading
import warnings

from .. import _backend
from . import engine, grad_mode
from .graph import _inside_dyngrad, anomaly_run

__all__ = ["detect_anomaly", "set_detect_anomaly"]

xp = _backend.xp
_state = type(grad_mode.state)  # the class: the mode holds for every thread
_check_nan = [True]


def is_anomaly_enabled():
    return _state.anomaly


def is_anomaly_check_nan_enabled():
    return _check_nan[0]


_MISSING = object()


def set_anomaly_enabled(enabled=_MISSING, check_nan=True):
    """torch.set_anomaly_enabled: turn the mode on or off for the whole process."""
    if enabled is _MISSING:
        raise TypeError('set_anomaly_enabled() missing 1 required positional arguments: '
                        '"enabled"')
    for pos, (name, value) in enumerate((("enabled", enabled), ("check_nan", check_nan)), 1):
        if not isinstance(value, bool):
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {pos}) must be "
                            f"bool, not {type(value).__name__}")
    _state.anomaly = enabled
    _check_nan[0] = check_nan
    if enabled and _watch not in engine.observers:
        engine.observers.append(_watch)
    elif not enabled and _watch in engine.observers:
        engine.observers.remove(_watch)


class detect_anomaly:
    """Context manager that enables anomaly detection for the autograd engine.

    A backward that fails shows the traceback of the forward call that made the failing
    node; with ``check_nan`` (the default), a backward step that returns nan fails.
    """

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Sets anomaly detection on or off: at once when called, restored on leaving a
    ``with`` block."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class _Watch(threading.local):
    """The engine observer of anomaly mode. ``node``: the node this thread's engine runs."""

    node = None

    def __call__(self, event, **info):
        if event == "node":
            self.node = anomaly_run.running = info["node"]
        elif event == "ran":
            if _check_nan[0] and info["outs"] is not None:
                _check_outputs(info["node"], info["outs"])
        elif event == "end":
            self.node = anomaly_run.running = None
        elif event == "error":
            if self.node is not None:
                _show_forward_stack(self.node)
            self.node = anomaly_run.running = None


_watch = _Watch()


def _check_outputs(node, outs):
    """torch's check of a node's gradients (the engine's, after the node ran)."""
    for i, g in enumerate(outs):
        if g is None:
            continue
        data = getattr(g, "_data", g)
        if data.dtype.kind in "fc" and xp.isnan(data).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               "output.")


def _show_forward_stack(node):
    """The warnings torch gives for a failed node: its forward stack, then the stacks of
    the nodes whose backward made it."""
    meta = node.__dict__.get("_metadata") or {}
    stack = meta.get("traceback_")
    if stack is None:
        warnings.warn(f"Error detected in {node.name()}. No forward pass information "
                      "available. Enable detect anomaly during forward pass for more "
                      "information.", UserWarning, stacklevel=_user_level())
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                  "the error:\n" + "".join(stack), UserWarning, stacklevel=_user_level())
    parent = meta.get("parent_")
    while parent is not None:
        pmeta = parent.__dict__.get("_metadata") or {}
        pstack = pmeta.get("traceback_")
        if pstack is None:
            break
        warnings.warn(f"\n\nPrevious calculation was induced by {parent.name()}. Traceback of "
                      "forward call that induced the previous calculation:\n" + "".join(pstack),
                      UserWarning, stacklevel=_user_level())
        parent = pmeta.get("parent_")


def _user_level():
    """The stacklevel of the first frame outside dyngrad (where torch's warning points)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and _inside_dyngrad(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    return level

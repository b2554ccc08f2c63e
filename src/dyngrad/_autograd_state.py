"""The thread-local autograd state every layer reads: grad mode, inference mode, anomaly mode,
and the saved-tensor hooks in force.

It sits at the bottom, beside the Tensor, as torch keeps the same flags in c10
(c10/core/AutogradState.h) under its tensors: a Tensor made in inference mode is an
inference tensor, so the tensor layer reads the flag, and it must not import autograd to
do so. ``dyngrad.autograd.grad_mode.state`` is this object.
"""
import threading


class AutogradState(threading.local):
    """Class attributes are the per-thread defaults: a new thread starts with grad on."""

    enabled = True        # grad mode: ops record nodes (no_grad, enable_grad, set_grad_enabled)
    inference = False     # inference mode: new tensors are inference tensors
    # Anomaly mode (autograd/anomaly_mode.py sets it, on the class: it holds for every
    # thread, as torch's does): while True, the one node recorder (autograd.graph.record)
    # stores the forward traceback on each node it creates, as node.metadata["traceback_"].
    # Read once per recorded node, from the class (AutogradState.anomaly): a class
    # attribute costs a third of a thread-local one (measured: 10 against 30 ns).
    anomaly = False
    # The innermost saved_tensors_hooks pair (pack, unpack) in force, or None; the pairs
    # it hides are kept by the context managers (autograd/graph.py). Savers read it only
    # while HOOKS_IN_USE[0] (process-wide) is not 0: a thread-local read costs about as
    # much as a SavedValue's construction, and hooks are rare.
    saved_hooks = None
    # disable_saved_tensors_hooks: the error message while disabled, else None
    saved_hooks_disabled = None


state = AutogradState()
# How many saved_tensors_hooks contexts are open, in any thread.
HOOKS_IN_USE = [0]
# How many inference_mode(True) contexts are open, in any thread: every new Tensor reads
# ``state.inference`` only while this is not 0 (the same trade as HOOKS_IN_USE).
INFERENCE_IN_USE = [0]

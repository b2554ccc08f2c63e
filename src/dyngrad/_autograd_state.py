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
    # The vmaps running now, innermost last: (level, batch size, randomness) each
    # (ops/_batched.py, NOTE [Batched tensors]). Non-empty means the engine runs formulas
    # on Tensors, which may be batched.
    batching = ()
    # The torch.func transforms other than vmap running now (grad, vjp, jacrev, jvp,
    # jacfwd), innermost last: per transform, the leaves made to require grad while it
    # runs (id -> tensor; NOTE [Leaves made inside a transform] in func/_grad.py).
    transforms = ()


def note_new_leaf(t):
    """``t`` was just made to require grad: inside torch.func transforms, a leaf of each."""
    for frame in state.transforms:
        frame[id(t)] = t


class transform_frame:
    """``with transform_frame() as leaves:`` while a torch.func transform runs its
    function: ``leaves`` collects the leaves made to require grad meanwhile."""

    __slots__ = ("leaves", "prev")

    def __enter__(self):
        self.leaves = {}
        self.prev = state.transforms
        state.transforms = self.prev + (self.leaves,)
        return self.leaves

    def __exit__(self, *exc):
        state.transforms = self.prev


def in_transform():
    """Whether a torch.func transform (vmap included) is running."""
    return bool(state.transforms or state.batching)


state = AutogradState()
# How many saved_tensors_hooks contexts are open, in any thread.
HOOKS_IN_USE = [0]
# How many inference_mode(True) contexts are open, in any thread: every new Tensor reads
# ``state.inference`` only while this is not 0 (the same trade as HOOKS_IN_USE).
INFERENCE_IN_USE = [0]


# -- forward-mode AD ------------------------------------------------------------------
# NOTE [Dual levels]
# The dual level in force (autograd/forward_ad.py), process-wide as torch keeps it, one at
# a time as torch allows: DUAL[0] is None when no level is open, which is the one test an
# op makes on its hot path. An open level is a fresh object; a tangent is stored on its
# tensor together with the level object it belongs to (``Tensor._fw``), so leaving the
# level drops every tangent at once: one that belongs to a closed level is no tangent.
# While an op's forward rule runs, DUAL[0] is None too: the rule works on primals and
# tangents, and the ops it calls propagate nothing (torch has no nested levels).
DUAL = [None]


def tangent_of(t):
    """The tangent of ``t`` at the open level, or None. A view with none of its own reads
    its region out of its base's tangent (a base written in place after the view was
    made), as torch's views share their base's tangent."""
    fw = t._fw
    level = DUAL[0]
    if fw is not None:
        if fw[0] is level:
            return fw[1]
        if fw[0] is None:  # a primal unpacked from a dual tensor: none, whatever its base's
            return None
    base = t._base
    if base is not None and level is not None:
        bfw = base._fw
        if bfw is not None and bfw[0] is level:
            from .tensor import _wrap  # (the tensor module imports this one)
            tangent = _wrap(t._view_fn(bfw[1]._data) if t._view_fn is not None
                            else bfw[1]._data)
            t._fw = (level, tangent)
            return tangent
    return None


def set_tangent(t, tangent):
    """Give ``t`` its tangent at the open level."""
    t._fw = (DUAL[0], tangent)

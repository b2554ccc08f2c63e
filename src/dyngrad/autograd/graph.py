"""Graph nodes: Node (every grad_fn), AccumulateGrad (a leaf's sink), hooks, saved tensors.

A node is the backward of one forward call. It knows the edges to the nodes of its
inputs (``next_functions``: ``(node, input_nr)``, or ``(None, 0)`` where no gradient
flows), what its forward saved, and its hooks. The engine (engine.py) runs nodes; this
module only describes them.

NOTE [Saved tensors]
A node keeps a saved input as the Tensor object itself (so that a double backward
links to the input's own graph) and a saved output as its array and version counter
(keeping the output Tensor would make a cycle output -> grad_fn -> output). Next to each
saved tensor it keeps the version seen at save time; unpacking compares it with the
version now, and fails with torch's message naming the op that last wrote the tensor.
After a backward without retain_graph, ``_saved`` becomes None, and unpacking again
raises ERR_BACKWARD_TWICE. A node that saved nothing keeps ``()`` and can run again.
"""
import itertools
import os
import re
import threading
import traceback
import weakref
from typing import NamedTuple

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "increment_version", "GradientEdge",
           "get_gradient_edge"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

ERR_BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")

# Sequence numbers order ready nodes in the engine: see NOTE [Ready order] in engine.py.
next_sequence_nr = itertools.count().__next__
_MAX_SEQ = float("inf")


class RemovableHandle:
    """Returned by register_hook: ``handle.remove()`` takes the hook off again."""

    __slots__ = ("_hooks", "id")
    _next_id = itertools.count().__next__

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = RemovableHandle._next_id()

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(hooks, fn):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


class Node:
    """The abstract backward node; each op's node class (MulBackward0, ...) derives from it."""

    __slots__ = ("next_functions", "_saved", "_versions", "_sequence_nr", "__dict__", "__weakref__")

    # Rarely set, so class-level defaults rather than slots: a node is built per op call.
    _hooks = None            # post hooks: fn(grad_inputs, grad_outputs)
    _prehooks = None         # pre hooks: fn(grad_outputs)
    _tensor_prehooks = None  # {output_nr: {id: fn}} from Tensor.register_hook on outputs
    _retained = None         # {output_nr: weakref to the tensor} from retain_grad()
    _n_outputs = 1           # how many outputs the forward had (gradients it receives)
    _hooked = False          # set by any hook or retain_grad: the engine's full step runs
    _meta = None             # per input: (shape, dtype) to reduce its gradient to, or None
    _runs_without_grad = False  # run even when no output got a gradient (custom Functions)
    _name = "Node"

    def name(self):
        return self._name

    @property
    def metadata(self):
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self.__dict__["_metadata"] = {}
        return d

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) -> tuple or None, run after the node."""
        if self._hooks is None:
            self._hooks = {}
        self._hooked = True
        return _add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) -> tuple or None, run before the node."""
        if self._prehooks is None:
            self._prehooks = {}
        self._hooked = True
        return _add_hook(self._prehooks, fn)

    def _register_tensor_prehook(self, output_nr, fn):
        if self._tensor_prehooks is None:
            self._tensor_prehooks = {}
        self._hooked = True
        return _add_hook(self._tensor_prehooks.setdefault(output_nr, {}), fn)

    def _retain_grad(self, output_nr, tensor):
        if self._retained is None:
            self._retained = {}
        self._hooked = True
        self._retained[output_nr] = weakref.ref(tensor)

    def _forward_op_name(self):
        # How torch 2.13 names the op in the version error: "ExpBackward0" -> "Exp",
        # "FillBackward2" -> "Fill2" (an overload index other than 0 stays).
        return re.sub(r"Backward(\d*)$", lambda m: "" if m[1] == "0" else m[1], self._name)

    def _release(self):
        if self._saved:
            self._saved = None

    def __call__(self, *grads):
        from . import engine
        return engine.call_node(self, grads)

    def __repr__(self):
        # "torch::autograd::CopySlices" prints as <CopySlices object at 0x...>
        return f"<{self._name.rpartition('::')[2]} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The sink of a leaf that requires grad: adds the gradient that arrives into ``.grad``."""

    __slots__ = ("variable",)
    _name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._saved = ()
        self._sequence_nr = _MAX_SEQ



def grad_accumulator(tensor):
    """The AccumulateGrad node of a leaf, shared by every graph that uses the leaf."""
    ref = tensor._grad_acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(tensor)
        tensor._grad_acc = weakref.ref(acc)
    return acc


class _AnomalyRun(threading.local):
    running = None  # the node whose backward this thread's engine runs (anomaly mode sets it)


anomaly_run = _AnomalyRun()


def store_anomaly_metadata(node):
    """Anomaly mode, at a node's creation: the Python stack that made it, as torch keeps it
    (``metadata["traceback_"]``, the strings of ``traceback.format_list``), and, for a node
    made while a backward runs, the node whose backward made it (``metadata["parent_"]``).

    dyngrad's own frames at the top of the stack are left out: torch's ops run in C++,
    so its stack ends at the user's line that called the op.
    """
    frames = traceback.extract_stack()
    end = len(frames)
    while end and _inside_dyngrad(frames[end - 1].filename):
        end -= 1
    meta = node.metadata
    meta["traceback_"] = traceback.format_list(frames[:end])
    if anomaly_run.running is not None:
        meta["parent_"] = anomaly_run.running


def note_inplace_write(counter):
    """Anomaly mode, at an in-place write: where it happened, kept beside the version it
    made (``counter[1]``: version counters are one-element lists, read at ``[0]`` only), so
    that a failed version check can name the line that changed the saved tensor."""
    frames = traceback.extract_stack()
    end = len(frames)
    while end > 1 and _inside_dyngrad(frames[end - 1].filename):
        end -= 1
    counter[1:] = [(counter[0], traceback.format_list(frames[end - 1:end])[0])]


def _inside_dyngrad(filename):
    return os.path.abspath(filename).startswith(_PACKAGE_DIR)


def increment_version(tensor):
    """Bump the version counter by hand, for a change autograd cannot see."""
    tensors = tensor if isinstance(tensor, (list, tuple)) else (tensor,)
    for t in tensors:
        if not t._inference:
            t._version_counter[0] += 1


class GradientEdge(NamedTuple):
    """An edge of the graph: the gradient flowing into output ``output_nr`` of ``node``.
    It can stand for a tensor among the inputs of ``autograd.grad`` and ``backward``."""

    node: object
    output_nr: int
    ownership_token: object = None


def get_gradient_edge(tensor):
    """The edge the gradient of ``tensor`` flows into (its grad_fn, or its AccumulateGrad)."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does "
                           "not require gradients")
    from ..ops._table import edge_of  # at call time: the op table sits above this module
    return GradientEdge(*edge_of(tensor))

"""Graph nodes: Node (every grad_fn), AccumulateGrad (a leaf's sink), the recorder that puts
a node in the graph, hooks, and the saved-tensor hooks of torch.autograd.graph.

A node is the backward of one forward call. It knows the edges to the nodes of its
inputs (``next_functions``: ``(node, input_nr)``, or ``(None, 0)`` where no gradient
flows), what its forward saved (``_saved``: SavedValues among numbers and sizes, see
saved_value.py), and its hooks. The engine (engine.py) runs nodes; this module only
describes them and builds them.

NOTE [One recorder]
Every node enters the graph through ``record``: table ops, in-place ops, views,
CopySlices and custom Functions alike. It gives the node its sequence number (NOTE [Ready
order] in engine.py), its edges, the shapes its gradients are reduced to, and wires the
forward's outputs to it; under anomaly mode it stores the forward's traceback. A feature
that concerns every node (anomaly metadata, forward-mode tangents, capture) goes there.
"""
import contextlib
import itertools
import os
import re
import threading
import traceback
import weakref
from typing import NamedTuple

from .. import _backend
from .._autograd_state import HOOKS_IN_USE, AutogradState, state as _gstate
from .. import _dtype as _dt
from ..tensor import Tensor as _Tensor
from .saved_value import ERR_BACKWARD_TWICE, release  # noqa: F401  (ERR_...: re-exported)

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "increment_version", "GradientEdge",
           "get_gradient_edge", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks", "register_multi_grad_hook"]

xp = _backend.xp
_ndarray = _backend.ndarray
_new = object.__new__

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

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


def add_hook(hooks, fn, prepend=False):
    """Put ``fn`` into ``hooks`` (a dict keyed by handle id; an OrderedDict when
    ``prepend`` puts it first) and return the handle that takes it out again: the one way
    tensors, nodes, modules and optimizers register their hooks."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


class Node:
    """The abstract backward node; each op's node class (MulBackward0, ...) derives from it."""

    __slots__ = ("_next_functions", "_saved", "_sequence_nr", "__dict__", "__weakref__")

    # Rarely set, so class-level defaults rather than slots: a node is built per op call.
    _hooks = None            # post hooks: fn(grad_inputs, grad_outputs)
    _prehooks = None         # pre hooks: fn(grad_outputs)
    _tensor_prehooks = None  # {output_nr: {id: fn}} from Tensor.register_hook on outputs
    _retained = None         # {output_nr: weakref to the tensor} from retain_grad()
    _n_outputs = 1           # how many outputs the forward had (gradients it receives)
    _differentiable_outputs = None  # output numbers that carry a gradient; None: all
    _hooked = False          # set by any hook or retain_grad: the engine's full step runs
    _meta = None             # per input: (shape, dtype) to reduce its gradient to, or None
    _runs_without_grad = False  # run even when no output got a gradient (custom Functions)
    # record() may leave _meta None when every input matches output 0's shape and dtype
    # only for a node class whose gradients always have output 0's dtype: formulas run on
    # arrays follow NumPy's promotion, not torch's (a float32 gradient divided by an
    # integer count becomes float64), and the engine's cast is what puts that right.
    _same_dtype_grads = False
    # whether _apply's results are new arrays or gradients it was given, never an array
    # someone else holds: the engine may then own them (NOTE [Owned gradients], engine.py)
    _fresh_results = False
    _name = "Node"

    def name(self, *args, **kwargs):
        if args or kwargs:  # torch's node methods are C methods: their own wording
            raise TypeError(f"{self._name.rpartition('::')[2]}.name() takes no "
                            + (f"arguments ({len(args)} given)" if args else "keyword arguments"))
        return self._name

    def _refuse_edges(self, value=None):
        raise AttributeError(f"attribute 'next_functions' of '{self._name.rpartition('::')[2]}' "
                             "objects is not writable")

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
        return add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) -> tuple or None, run before the node."""
        if self._prehooks is None:
            self._prehooks = {}
        self._hooked = True
        return add_hook(self._prehooks, fn)

    def _register_tensor_prehook(self, output_nr, fn):
        if self._tensor_prehooks is None:
            self._tensor_prehooks = {}
        self._hooked = True
        return add_hook(self._tensor_prehooks.setdefault(output_nr, {}), fn)

    def _retain_grad(self, output_nr, tensor):
        if self._retained is None:
            self._retained = {}
        self._hooked = True
        self._retained[output_nr] = weakref.ref(tensor)

    def _forward_op_name(self):
        # How torch 2.13 names the op in the version error: "ExpBackward0" -> "Exp",
        # "FillBackward2" -> "Fill2" (an overload index other than 0 stays).
        return re.sub(r"Backward(\d*)$", lambda m: "" if m[1] == "0" else m[1], self._name)

    def _apply(self, grads, create_graph):
        """The gradients for each edge (a list aligned with next_functions, None where none
        flows), given the gradient of each output: arrays, or Tensors under create_graph
        (NOTE [Two kinds of gradient] in engine.py). The engine calls this."""
        raise NotImplementedError(f"{self._name} has no backward")

    # Free the saved tensors, after a backward without retain_graph (saved_value.release)
    _release = release
    _tensor_slots = None  # the slots of _saved that hold tensors, if the class knows them

    def __call__(self, *grads):
        from . import engine  # the engine sits above the graph
        return engine.call_node(self, grads)

    def __repr__(self):
        # "torch::autograd::CopySlices" prints as <CopySlices object at 0x...>
        return f"<{self._name.rpartition('::')[2]} object at {hex(id(self))}>"


# the graph's edges are read by anyone and written by the graph code alone
Node.next_functions = property(Node._next_functions.__get__, Node._refuse_edges,
                               Node._refuse_edges)


class AccumulateGrad(Node):
    """The sink of a leaf that requires grad: adds the gradient that arrives into ``.grad``."""

    __slots__ = ("variable",)
    _name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable
        self._next_functions = ()
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


def edge_of(t):
    """The graph edge a gradient for tensor ``t`` flows into: (node, input_nr)."""
    fn = t._grad_fn if t._base is None else t.grad_fn  # a view's may need a refresh
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        ref = t._grad_acc  # (grad_accumulator's common case, a live one, without a call)
        acc = ref() if ref is not None else None
        return (acc if acc is not None else grad_accumulator(t), 0)
    return _NO_EDGE


_NO_EDGE = (None, 0)
_NO_EDGES = (_NO_EDGE,)


def walk(nodes):
    """Each node reachable from ``nodes`` (theirs included) once, depth first: for the
    questions asked of a whole graph (which leaves it reaches, what to free)."""
    seen, stack = set(), [n for n in nodes if n is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        stack.extend(n for n, _ in node._next_functions if n is not None)


def record(node, inputs, outputs):
    """Put ``node`` in the graph as the backward of one forward call, and return it
    (NOTE [One recorder]).

    ``inputs``: for each input the node gives a gradient to (in the order of its
    ``_apply`` results), the Tensor, or None where no gradient flows (it does not require
    grad, or is not a tensor). ``outputs``: the forward's outputs, wired to the node as its
    outputs 0, 1, ... (None for one that is not differentiable); ``()`` when the caller
    wires them itself (an in-place op rebases its tensor after the write).

    Sets ``_sequence_nr``, ``next_functions``, ``_n_outputs`` and ``_meta``: per input,
    the (shape, dtype) its gradient is reduced to (NOTE [Broadcasting is undone by the
    engine]), or None for the whole node when every input has output 0's shape and dtype
    (the common case: nothing to compare per step), if the node's class says its
    gradients keep that dtype (``_same_dtype_grads``). The caller then sets ``node._saved``:
    a tuple of what the backward needs, each tensor in it a SavedValue (``()``: nothing).

    Under anomaly mode (``grad_mode.state.anomaly``) the forward's stack is stored as
    ``node.metadata["traceback_"]``, as torch does (``store_anomaly_metadata``).
    """
    node._sequence_nr = next_sequence_nr()
    if AutogradState.anomaly:  # (process-wide: read on the class, see _autograd_state)
        store_anomaly_metadata(node)
    meta = None
    n_out = len(outputs)
    # what every input is compared with: output 0's shape and dtype (None: nothing, and
    # each input records its own)
    ref = outputs[0] if n_out and node._same_dtype_grads else None
    if ref is not None:
        ref = ref._data
        shape, dtype = ref.shape, ref.dtype
    if len(inputs) == 1:
        # a unary op's one edge, with no list to fill (measured with save_one in
        # saved_value.py: 2.6% of tiny_chain's instructions)
        a = inputs[0]
        if a is None:
            node._next_functions = _NO_EDGES
        else:
            fn = a._grad_fn
            node._next_functions = ((fn, a._output_nr) if fn is not None and a._base is None
                                    else edge_of(a),)
            d = a._data
            if ref is None or d.shape != shape or d.dtype != dtype:
                meta = [(d.shape, d.dtype)]
    else:
        edges = [_NO_EDGE] * len(inputs)  # (filled in: appends would resize the list)
        j = 0
        for a in inputs:
            if a is not None:
                # edge_of's common case (not a view, made by a node) written out
                # (measured: x + y 3.0 to 2.87 us)
                fn = a._grad_fn
                edges[j] = ((fn, a._output_nr) if fn is not None and a._base is None
                            else edge_of(a))
                d = a._data
                if ref is None or d.shape != shape or d.dtype != dtype:
                    if meta is None:
                        meta = [None] * len(inputs)
                    meta[j] = (d.shape, d.dtype)
            j += 1
        node._next_functions = tuple(edges)
    node._meta = meta
    if n_out == 1:
        t = outputs[0]
        t._grad_fn = node
        t._output_nr = 0
        t._requires_grad = True
    elif n_out:
        node._n_outputs = n_out
        for k, t in enumerate(outputs):
            if t is not None:
                t._grad_fn = node
                t._output_nr = k
                t._requires_grad = True
    return node


def sum_to(grad, shape):
    """Sum an array (or Tensor) down to ``shape``, undoing broadcasting."""
    data = getattr(grad, "_data", grad)
    gshape = data.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    kept = tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    axes = tuple(range(lead)) + kept
    if data is grad:
        if type(grad) is _ndarray and not kept:
            # only leading dims go (a bias's gradient): the sum has the shape already
            # (keepdims changes no value, only the shape; measured: 4.6 to 2.1 us)
            return grad.sum(axis=axes)
        xp = _backend.array_module(grad)
        g = xp.sum(grad, axis=axes, keepdims=True) if axes else grad
        # (no leading dims: the sum itself, not a view of it, as torch's sum_to)
        return xp.reshape(g, shape) if lead else g
    if not shape:
        return grad.sum()  # as torch's sum_to: SumBackward0, not a sum over dims and a view
    # torch's sum_to: a sum over the dims keeping them (SumBackward1), then a view dropping
    # the leading ones (ViewBackward0); the table's ops directly, without the public
    # methods' argument parsing (measured: 18.7 to 10.3 us for a bias's gradient)
    from ..ops import reduction, views  # (the ops sit above the graph)
    g = reduction.sum_dim(grad, axes, True, None) if axes else grad
    return views.view(g, shape) if lead else g


def _array_dtype(grad):
    """A gradient's array dtype, what ``_meta`` records: a Tensor's dtype is dyngrad's, and
    comparing it with an array dtype is both False and slow (NumPy tries to convert it)."""
    data = getattr(grad, "_data", None)
    return grad.dtype if data is None else data.dtype


def fit(grad, meta):
    """Reduce a gradient to an input's recorded (shape, dtype) (None: nothing to do)."""
    if meta is None or grad is None:
        return grad
    shape, dtype = meta
    if grad.shape != shape:
        grad = sum_to(grad, shape)
    if _array_dtype(grad) != dtype:
        array = isinstance(grad, _ndarray) or not hasattr(grad, "_data")
        if _backend.kind(dtype) != "c" and (_backend.kind(grad.dtype) == "c" if array
                                            else grad.is_complex()):
            # a complex gradient for a real input: its real part, as torch's formulas take
            # it (handle_r_to_c), with no warning about the imaginary part dropped
            grad = grad.real
        if isinstance(grad, _ndarray) or not hasattr(grad, "_data"):
            grad = _backend.asarray(grad, dtype=dtype)
        else:
            grad = grad.to(_dt.of_array_dtype(dtype))
    return grad


def fit_all(outs, meta, node):
    """Each gradient reduced to its input's (shape, dtype) where it differs; most already
    match, so the check comes before the call."""
    # (a plain Tensor is compared through its array: Tensor.shape and .dtype build
    # objects, measured as a tenth of a create_graph backward of a small MLP)
    return [g if g is None or m is None or (
                (g.shape == m[0] and g.dtype == m[1]) if type(g) is _ndarray else
                (g._data.shape == m[0] and g._data.dtype == m[1]) if type(g) is _Tensor
                and type(g._data) is _ndarray else
                (g.shape == m[0] and _array_dtype(g) == m[1]))
            else fit(check_shape(g, m[0], node, i), m) for i, (g, m) in enumerate(zip(outs, meta))]


def expandable(shape, target):
    """Whether ``shape`` broadcasts to ``target`` (torch's is_expandable_to)."""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


def check_shape(grad, shape, node, i):
    """A node's ``i``-th gradient, refused as torch's engine refuses it when its input's
    ``shape`` does not broadcast to it (validate_outputs)."""
    got = tuple(grad.shape)
    if got != shape and not expandable(shape, got):
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - "
                           f"got {list(got)} but expected shape compatible with {list(shape)}")
    return grad


class _AnomalyRun(threading.local):
    running = None  # the node whose backward this thread's engine runs (anomaly mode sets it)


anomaly_run = _AnomalyRun()


def store_anomaly_metadata(node):
    """Anomaly mode, at a node's creation: the Python stack that made it, as torch keeps it
    (``metadata["traceback_"]``, the strings of ``traceback.format_list``), and, for a node
    made while a backward runs, the node whose backward made it (``metadata["parent_"]``).

    dyngrad's own frames at the top of the stack are left out: torch's ops run in C++,
    so its stack ends at the user's line that called the op. So are the frames of the
    launcher at its bottom (``python -m dyngrad.run script.py``): under torch, the script
    is the program's first frame.
    """
    frames = traceback.extract_stack()
    end = len(frames)
    while end and _inside_dyngrad(frames[end - 1].filename):
        end -= 1
    start = 0
    while start < end and (frames[start].filename == "<frozen runpy>" or
                           _inside_dyngrad(frames[start].filename)):
        start += 1
    meta = node.metadata
    meta["traceback_"] = traceback.format_list(frames[start:end])
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
    return GradientEdge(*edge_of(tensor))


class _MultiHandle:
    """The handle of a multi-grad hook: ``remove()`` takes off every tensor hook it set."""

    __slots__ = ("handles",)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call ``fn`` once per backward that reaches ``tensors``.

    ``mode="all"``: after the gradients of all of them that this backward computes, with
    the list of gradients (None for a tensor it does not reach). ``mode="any"``: with the
    first of their gradients computed.
    """
    modes = ("all", "any")
    if mode not in modes:
        raise ValueError(f"Expects mode to be one of {modes} but got {mode}")
    from . import engine  # at call time: the engine sits above the graph
    if mode == "any":
        ran = set()

        def any_hook(grad):
            task = engine.current_task().id
            if task not in ran:
                ran.add(task)
                fn(grad)
        return _MultiHandle(tuple(t.register_hook(any_hook) for t in tensors
                                  if t.requires_grad))
    count, expected, buffers = {}, {}, {}
    nodes = [get_gradient_edge(t).node for t in tensors]

    def all_hook(idx):
        def hook(grad):
            task = engine.current_task()
            if task.id not in count:
                count[task.id] = 0
                buffers[task.id] = [None] * len(tensors)
                # the hooks to expect: one per tensor whose node this backward runs
                expected[task.id] = sum(task.will_execute(n) for n in nodes)
            buffers[task.id][idx] = grad
            count[task.id] += 1
            if count[task.id] == expected[task.id]:
                del count[task.id], expected[task.id]
                fn(buffers.pop(task.id))
        return hook
    return _MultiHandle(tuple(t.register_hook(all_hook(i)) for i, t in enumerate(tensors)))


# -- saved-tensor hooks ----------------------------------------------------------------
class saved_tensors_hooks:
    """Context-manager that sets a pair of pack / unpack hooks for saved tensors.

    ``pack_hook(tensor)`` is called every time an operation saves a tensor for backward,
    and what it returns is stored in the graph instead of the tensor; ``unpack_hook`` is
    called with that every time the saved tensor is needed, and returns a tensor with
    the same content. Only the innermost pair applies.

    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda p: p):
    ...     y = x.exp()
    >>> y.sum().backward()
    >>> x.grad
    tensor([2.7183, 2.7183])
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _gstate.saved_hooks_disabled is not None:
            raise RuntimeError(_gstate.saved_hooks_disabled)
        self._outer = _gstate.saved_hooks
        _gstate.saved_hooks = (self.pack_hook, self.unpack_hook)
        HOOKS_IN_USE[0] += 1

    def __exit__(self, *exc):
        _gstate.saved_hooks = self._outer
        HOOKS_IN_USE[0] -= 1


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are stored on the CPU and brought back to their device for backward.
    Every dyngrad tensor is on the CPU already: the hooks move nothing (as torch does for
    a CPU graph)."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack_to_cpu(tensor):
            return (tensor.device, tensor.cpu())

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)
        super().__init__(pack_to_cpu, unpack_from_cpu)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Context-manager under which using saved-tensor hooks raises RuntimeError(error_message)."""
    prev = _gstate.saved_hooks_disabled
    try:
        _gstate.saved_hooks_disabled = error_message
        yield
    finally:
        _gstate.saved_hooks_disabled = prev

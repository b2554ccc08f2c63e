"""torch.autograd.Function: an op written by the user, forward and backward in Python.

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * (x > 0)

``MyReLU.apply(x)`` runs ``forward`` with grad mode off, then (when grad mode is on and
an input requires grad) records one node, of the class ``MyReLUBackward`` made for the
Function when it is defined. As in torch the node *is* the ``ctx`` the user's forward
and backward see: ``y.grad_fn.saved_tensors`` and ``y.grad_fn.<attribute>`` work.

    x ──> MyReLU.apply ──> y          y.grad_fn = MyReLUBackward (ctx)
                                      next_functions: one edge per Tensor input
                                      (non-Tensor inputs have no edge, but backward
                                      still returns a gradient, None, for each)

The node is a Node like any table op's, made by the one recorder (``graph.record``,
NOTE [One recorder] in graph.py); the engine runs it through ``_apply``. Its saved tensors
are SavedValues, version-checked and freed as a table op's are, and seen by saved-tensor
hooks (NOTE [Saved tensors] in saved_value.py). A user's backward may return gradients of
any broadcastable shape and castable dtype: ``_apply`` reduces them to each input's.
"""
import functools
import inspect
import warnings

from .. import _backend
from .._autograd_state import DUAL, set_tangent, tangent_of
from ..creation import zeros_like
from ..ops import views
from ..ops._table import _make_view
from ..ops.inplace import _rebase, _set_grad_fn, _view_refusal
from ..tensor import Tensor, _wrap
from . import grad_mode
from .graph import Node, check_shape, fit, record
from .saved_value import SavedValue

__all__ = ["Function", "FunctionCtx", "once_differentiable", "InplaceFunction"]

xp = _backend.xp
_gstate = grad_mode.state
_new = object.__new__


class FunctionCtx:
    """What ``forward`` (or ``setup_context``) tells the node through ``ctx``."""

    def save_for_backward(self, *tensors):
        """Keep tensors (inputs, outputs or None) for ``backward``, as ``ctx.saved_tensors``."""
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        """Keep tensors for ``jvp``, where ``ctx.saved_tensors`` gives them."""
        self.to_save_forward = tensors

    def mark_dirty(self, *args):
        """Declare the inputs the forward changed in place (they must be returned)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        """Declare outputs that get no gradient (they do not require grad)."""
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether ``backward`` gets zeros (True, the default) or None for outputs that
        received no gradient."""
        self.materialize_grads = value

    @property
    def saved_tensors(self):
        if self._in_jvp:
            return self.to_save_forward
        return _unpack(self)

    saved_variables = saved_tensors


class BackwardCFunction(Node, FunctionCtx):
    """The node of a custom Function; each Function gets a subclass ``<Name>Backward``."""

    _forward_cls = None
    # A custom Function runs even when none of its outputs got a gradient (with zeros,
    # or None after set_materialize_grads(False)), as in torch; table ops are skipped.
    _runs_without_grad = True
    to_save = ()
    to_save_forward = ()
    _in_jvp = False  # while jvp runs, saved_tensors are save_for_forward's
    dirty_tensors = ()
    non_differentiable = ()
    materialize_grads = True

    def _apply(self, grads, create_graph):
        return _run_backward(self, grads, create_graph)

    def _forward_op_name(self):
        return self._name[:-8] if self._name.endswith("Backward") else self._name

    __repr__ = object.__repr__

    def __call__(self, *grads):
        raise TypeError(f"'{type(self).__name__}' object is not callable")


class _FunctionMeta(type):
    """Gives each Function its node class, named as torch names it (``MyReLUBackward``)."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {
            "__slots__": (), "_name": name + "Backward", "_forward_cls": cls,
            # named where torch's are made, as reprs print them
            "__module__": "torch.autograd.function", "__qualname__": name + "Backward"})
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=_FunctionMeta):
    """Base class of custom differentiable operations: subclass it, write ``forward`` and
    ``backward`` as static methods, and call ``apply``.

    >>> class Exp(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, i):
    ...         result = i.exp()
    ...         ctx.save_for_backward(result)
    ...         return result
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         result, = ctx.saved_tensors
    ...         return grad_output * result
    >>> x = torch.tensor([0., 1.], requires_grad=True)
    >>> y = Exp.apply(x)
    >>> y
    tensor([1.0000, 2.7183], grad_fn=<ExpBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([1.0000, 2.7183])
    """

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd "
                      "functions are all static, so you should invoke them on the class "
                      "itself. Instantiating an autograd function will raise an error in a "
                      "future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        setup = cls.setup_context is not Function.setup_context
        if setup:
            # forward(*args) + setup_context: defaults and keywords become inputs
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, {}
        ctx = _new(cls._backward_cls)
        ctx.needs_input_grad = needs = tuple(isinstance(a, Tensor) and a.requires_grad
                                             for a in args)
        recording = _gstate.enabled and any(needs)
        # forward mode: the forward sees no tangents; jvp gives the outputs theirs
        level = DUAL[0]
        tangents = None
        if level is not None:
            tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
            if all(t is None for t in tangents):
                tangents = None
        # grad mode off by hand rather than with no_grad(), a class built per call
        prev = _gstate.enabled
        _gstate.enabled = False
        DUAL[0] = None
        try:
            if setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        finally:
            _gstate.enabled = prev
            DUAL[0] = level
        result = _wrap_outputs(ctx, args, output, recording)
        if tangents is not None:
            _run_jvp(cls, ctx, args, tangents, result)
        return result


def _wrap_outputs(node, args, output, recording):
    """Give the forward's outputs their node (or, when nothing is recorded, just the
    aliasing torch gives inputs returned as outputs); then save what was asked."""
    outputs = output if isinstance(output, tuple) else (output,)
    dirty = node.dirty_tensors
    if any(not any(d is o for o in outputs) for d in dirty):
        raise RuntimeError("Some elements marked as dirty during the forward method were not "
                           "returned as output. The inputs that are modified inplace must all "
                           "be outputs of the Function.")
    inputs = [a for a in args if isinstance(a, Tensor)]
    nondiff = node.non_differentiable
    result = list(outputs)
    wired = [None] * len(outputs)  # the outputs the recorder gives the node
    rebased = []                   # the inputs written in place, rebased after it
    for k, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            continue
        is_nondiff = any(o is d for d in nondiff)
        differentiable = recording and not is_nondiff and o._data.dtype.kind in "fcV"
        if any(o is d for d in dirty):
            o._version_counter[0] += 1  # torch counts the Function's write once more
            if differentiable:
                rebased.append(k)
        elif any(o is a for a in inputs):
            # an input returned as-is comes back as a new tensor: a view of it when grad
            # mode is on, else an alias sharing its data and version counter
            result[k] = _alias(o, differentiable or (_gstate.enabled and not recording
                                                     and not is_nondiff))
            if differentiable:
                wired[k] = result[k]
        elif differentiable:
            wired[k] = o
    if not recording:
        return tuple(result) if isinstance(output, tuple) else result[0]
    node._tensor_inputs = tuple(isinstance(a, Tensor) for a in args)
    node._out_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                           for o in result)
    # (one output not wired by the recorder, as a dirty one, is passed as no outputs)
    inputs_wanted = [a if a.requires_grad else None for a in inputs]
    record(node, inputs_wanted, () if len(wired) == 1 and wired[0] is None else wired)
    for t in wired:
        if t is not None and t._base is not None:
            # a view made by (or returned from) the forward may not be written in place
            t._view_kind = "custom"
    for k in rebased:
        _rebase_dirty(result[k], node, k)
    _save(node, result)
    return tuple(result) if isinstance(output, tuple) else result[0]


def _run_jvp(cls, ctx, args, tangents, result):
    """The user's ``jvp`` on the inputs' tangents (zeros for a Tensor without one, None
    for anything else), run with no dual level; its results become the outputs' tangents."""
    tangents = [t if t is not None else zeros_like(a) if isinstance(a, Tensor) else None
                for t, a in zip(tangents, args)]
    outputs = result if isinstance(result, tuple) else (result,)
    level = DUAL[0]
    DUAL[0] = None
    ctx._in_jvp = True
    try:
        got = cls.jvp(ctx, *tangents)
    finally:
        DUAL[0] = level
        ctx._in_jvp = False
    got = got if isinstance(got, tuple) else (got,)
    if len(got) != len(outputs):
        raise RuntimeError(f"Function's jvp returned an invalid number of forward gradients "
                           f"(expected {len(outputs)} but got {len(got)})")
    for o, t in zip(outputs, got):
        if t is None or not isinstance(o, Tensor) or o._data.dtype.kind not in "fc":
            continue
        if tuple(t.shape) != tuple(o.shape):
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(o.shape)} "
                f"while the given forward gradient is of size {list(t.shape)}.")
        set_tangent(o, t)


def _alias(t, as_view):
    out = _wrap(t._data.view())
    if as_view:
        _make_view(out, 0, t, views.alias, (t,))
    else:
        out._version_counter = t._version_counter
    return out


def _rebase_dirty(t, node, k):
    """An input the forward changed in place: its history continues with this node, as
    after a table op's in-place write; torch's refusals (in its words) come first."""
    if t._base is not None:
        err = _view_refusal(t, True)
        if err is not None:
            raise err
        if t._base.grad_fn is None and t._base.requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
        _rebase(t, node)
        return
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                           "operation.")
    _set_grad_fn(t, node)
    t._output_nr = k


def _save(node, outputs):
    """``ctx.save_for_backward``'s tensors kept as a table op keeps its saved values (one
    SavedValue each: version-checked when unpacked, freed after the backward)."""
    saved = []
    for i, t in enumerate(node.to_save):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is "
                            f"of type {type(t).__name__}")
        saved.append(None if t is None else SavedValue(t, t._grad_fn is node))
    node._saved = tuple(saved)
    node.to_save = ()


def _unpack(node):
    """``ctx.saved_tensors``: each saved tensor, checked against its version at save time."""
    return tuple(None if v is None else v.unpack(node) for v in node._saved)


def _run_backward(node, grads, create_graph):
    """The node's step: the user's backward on the output gradients, its results checked
    as torch checks them, one gradient per edge returned."""
    cls = node._forward_cls
    backward_fn, vjp_fn = cls.backward, cls.vjp
    if backward_fn is not Function.backward and vjp_fn is not Function.vjp:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is "
                           "not allowed. You should only implement one of them.")
    user_fn = vjp_fn if vjp_fn is not Function.vjp else backward_fn
    materialize = node.materialize_grads
    out_meta = node._out_meta
    grad_outputs = []
    for g, meta in zip(grads, out_meta):
        if g is None:
            if materialize and meta is not None:
                g = _wrap(xp.zeros(meta[0], dtype=meta[1]))
        elif not isinstance(g, Tensor):
            g = _wrap(g)
        grad_outputs.append(g)
    result = user_fn(node, *grad_outputs)
    if not isinstance(result, tuple):
        result = (result,)
    is_tensor = node._tensor_inputs
    name = node._name
    if len(result) != len(is_tensor):
        if len(result) > len(is_tensor) and all(r is None for r in result[len(is_tensor):]):
            result = result[:len(is_tensor)]
        else:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {len(is_tensor)}, got {len(result)})")
    out = []
    for i, (g, tensor_input) in enumerate(zip(result, is_tensor)):
        if not tensor_input:
            if g is not None:
                raise RuntimeError(f"function {name} returned a gradient different than None "
                                   f"at position {i + 1}, but the corresponding forward input "
                                   "was not a Variable")
            continue
        if g is not None and not isinstance(g, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
        out.append(g)
    # Each gradient is checked, and reduced to its input's shape and dtype here: the
    # recorder leaves _meta None when every input has output 0's shape and dtype, which
    # says nothing of what a user's backward returns.
    in_meta = node._meta or [node._out_meta[0]] * len(out)
    for i, (g, meta) in enumerate(zip(out, in_meta)):
        if g is None or meta is None:
            continue
        check_shape(g._data, meta[0], node, i)
        out[i] = fit(g if create_graph else g._data, meta)
    return out


class _DelayedError(Node):
    """The node once_differentiable puts after a backward run under create_graph: taking
    a derivative through it raises."""

    __slots__ = ()
    _name = "torch::autograd::Error"

    def _apply(self, grads, create_graph):
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def once_differentiable(fn):
    """Run a Function's backward with grad mode off; its gradients then cannot be
    differentiated again (doing so raises, when that backward is reached)."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not _gstate.enabled:
            return outputs
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        if all(o is None for o in outs):
            return outputs
        leaves, result = [], []
        for o in outs:
            if o is None:
                leaves.append(None)
                result.append(None)
                continue
            leaf = o.detach()
            leaf.requires_grad = True
            leaves.append(leaf)
            result.append(_wrap(o._data))
        node = _new(_DelayedError)
        node._saved = ()
        record(node, leaves, result)
        return result[0] if single else tuple(result)
    return wrapper


class InplaceFunction(Function):
    """A Function that may work in place (``inplace=True``), as torch's legacy helper."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

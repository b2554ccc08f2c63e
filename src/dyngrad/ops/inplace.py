"""In-place ops: the checks torch makes, the version bump, and rebasing the graph.

NOTE [In-place on a view]
Writing into a view ``v`` of ``base`` changes ``base`` too. When the write is recorded,
``base`` gets a CopySlices node: its gradient is the incoming one with the view's region
replaced by the gradient the in-place op's formula gives for its ``self``; and ``v``
gets a node that reads its region out of ``base``'s new gradient. The view's region is
found by replaying the view ops on an array shaped like the base (``Tensor._view_fn``).
"""
from .. import _backend
from ..autograd import grad_mode
from ..autograd.graph import Node, next_sequence_nr
from ..tensor import Tensor, _wrap
from . import _table
from ._table import Op, edge_of

xp = _backend.xp
_gstate = grad_mode.state


def check_inplace(self):
    """torch's refusals of an in-place write, made before anything changes."""
    if self._inference and not _gstate.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                           "allowed.You can make a clone to get a normal tensor before doing "
                           "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                           "details.")
    if not _gstate.enabled:
        return
    if self.grad_fn is None and self._requires_grad and self._base is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    base = self._base
    if base is not None:
        if base.grad_fn is None and base._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
        if self._multi_view_of is not None and (self._requires_grad or base._requires_grad):
            name = self._multi_view_of.replace("WithSizes", "_with_sizes").replace("Backward0", "")
            raise RuntimeError(
                f"Output {self._output_nr} of {name} is a view and is being modified inplace. This "
                "view is the output of a function that returns multiple views. Such functions do "
                "not allow the output views to be modified inplace. You should replace the "
                "inplace operation by an out-of-place one.")
        if self._no_grad_view and (self._requires_grad or base._requires_grad):
            raise RuntimeError(
                "A view was created in no_grad mode and is being modified inplace with grad mode "
                "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. "
                "You can clarify your code by moving both the view and the inplace either both "
                "inside the no_grad block (if you don't want the inplace to be tracked) or both "
                "outside (if you want the inplace to be tracked).")


def _write(self, value):
    """Store ``value`` into self's array, with torch's rule on casting the result."""
    data = self._data
    vd = getattr(value, "dtype", None)
    if vd is not None and vd != data.dtype and not xp.can_cast(vd, data.dtype, "same_kind"):
        from .._dtype import _FROM_NP
        raise RuntimeError(f"result type {_FROM_NP[vd]._cname} can't be cast to the desired "
                           f"output type {_FROM_NP[data.dtype]._cname}")
    if data.ndim == 0:
        data[()] = value
    else:
        data[...] = value


def apply_inplace(op, self, args):
    """Run ``op`` with ``self`` (args[0]) as input and output; record it if needed."""
    check_inplace(self)
    arrays = list(args)
    needs = False
    for i in op.tensor_pos:
        a = args[i]
        if isinstance(a, Tensor):
            arrays[i] = a._data
            needs = needs or (a._requires_grad and i in op.diff_pos)
    recording = needs and _gstate.enabled
    out = op.forward(*arrays)
    original = None
    if recording and "self" in op.saved_names:
        original = _wrap(self._data.copy())
    _write(self, out)
    if not self._inference:
        self._version_counter[0] += 1
    if recording:
        _rebase(op, self, args, original)
    return self


def _rebase(op, self, args, original):
    """Give ``self`` (and its base, for a view) the node of the in-place op."""
    node = object.__new__(op.node_class)
    node._sequence_nr = next_sequence_nr()
    edges, meta, mask = [], [], []
    for i in op.diff_pos:
        a = args[i]
        if isinstance(a, Tensor) and a._requires_grad:
            edges.append(edge_of(a))
            meta.append((a._data.shape, a._data.dtype))
            mask.append(True)
        else:
            edges.append((None, 0))
            meta.append((a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None)
            mask.append(False)
    node.next_functions = tuple(edges)
    node._meta = meta
    saved_args = list(args)
    if original is not None:
        saved_args[0] = original
    base = self._base
    if base is None:
        self.grad_fn = node
        self._output_nr = 0
        self._requires_grad = True
        _table._save(node, op, op.plan(tuple(mask)), saved_args, (self,))
        return
    _table._save(node, op, op.plan(tuple(mask)), saved_args, (self,))
    copy_slices = CopySlices(base, self._view_fn, node)
    base.grad_fn = copy_slices
    base._output_nr = 0
    base._requires_grad = True
    self.grad_fn = ViewOfBase(base, self._view_fn, self._data.shape)
    self._output_nr = 0
    self._requires_grad = True


class CopySlices(Node):
    """The node of a base whose view was written in place (NOTE [In-place on a view])."""

    __slots__ = ("_fn", "_view_fn", "_shape", "_dtype")
    _name = "torch::autograd::CopySlices"

    def __init__(self, base, view_fn, fn):
        self._fn = fn
        self._view_fn = view_fn
        self._shape = base._data.shape
        self._dtype = base._data.dtype
        self._sequence_nr = next_sequence_nr()
        self._saved = ()
        first = edge_of(base) if base._requires_grad else (None, 0)
        self.next_functions = (first,) + fn.next_functions[1:]

    def _forward_op_name(self):
        return self._name

    def _apply(self, grads, create_graph):
        grad = grads[0]
        g = grad._data if create_graph else grad
        result = xp.array(g, copy=True)
        region = self._view_fn(result)
        fn_grads = self._fn._apply([xp.array(region, copy=True)], False)
        fn_meta = self._fn._meta
        first = fn_grads[0]
        if first is None:
            region[...] = 0
        else:
            region[...] = _fit(first, fn_meta[0])
        outs = [result] + [None if gi is None else _fit(gi, m)
                           for gi, m in zip(fn_grads[1:], fn_meta[1:])]
        if create_graph:
            outs = [None if o is None else _wrap(o) for o in outs]
        return outs

    def _release(self):
        self._fn._release()


class ViewOfBase(Node):
    """The node of a view after an in-place write: its region of the base's gradient."""

    __slots__ = ("_view_fn", "_base_shape", "_base_dtype")
    _name = "AsStridedBackward0"

    def __init__(self, base, view_fn, shape):
        self._view_fn = view_fn
        self._base_shape = base._data.shape
        self._base_dtype = base._data.dtype
        self._sequence_nr = next_sequence_nr()
        self._saved = ()
        self.next_functions = ((base.grad_fn, 0),)

    def _apply(self, grads, create_graph):
        grad = grads[0]
        g = grad._data if create_graph else grad
        out = xp.zeros(self._base_shape, dtype=self._base_dtype)
        self._view_fn(out)[...] = g
        return [_wrap(out) if create_graph else out]


def _fit(g, meta):
    from ..autograd.engine import _fit as fit
    return fit(g, meta) if meta is not None else g


# -- ops that exist only in place ---------------------------------------------------------
def _zero(self):
    return xp.zeros_like(self)


zero_ = Op("ZeroBackward0", _zero, self=lambda grad: grad * 0)


def _fill(self, value):
    return xp.full_like(self, value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value)


fill_ = Op("FillBackward0", _fill, self=lambda grad: grad * 0)


def _copy(self, src):
    return xp.broadcast_to(src, self.shape)


copy_ = Op("CopyBackwards", _copy, self=lambda grad: grad * 0, src=lambda grad: grad)


def copy_out_of_place(t):
    """A copy recorded as CopyBackwards, as torch's AccumulateGrad makes under create_graph."""
    return _copy_op(t)


_copy_op = Op("CopyBackwards", lambda src: xp.array(src, copy=True), src=lambda grad: grad)

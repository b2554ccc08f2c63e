"""In-place ops: the checks torch makes, the version bump, and rebasing the graph.

NOTE [In-place on a view]
Writing into a view ``v`` of ``base`` changes ``base`` too. When the write is recorded,
``base`` gets a CopySlices node: its gradient is the incoming one with the view's region
replaced by the gradient the in-place op's formula gives for its ``self``; and ``v``
gets a node that reads its region out of ``base``'s new gradient. The view's region is
found by replaying the view ops on an array shaped like the base (``Tensor._view_fn``).
"""
import math
import re

from .. import _backend
from .._dtype import _FROM_NP
from .._meta_array import DeviceMismatch, MetaArray, no_data, on_meta
from .._sparse_coo import NAMESPACE as SPARSE, SparseCoo, no_kernel
from ..autograd import grad_mode
from ..autograd.graph import Node, edge_of, fit, note_inplace_write, record
from ..autograd.saved_value import SavedValue, _type_string
from ..creation import as_read
from ..tensor import Tensor, _wrap
from .._autograd_state import DUAL
from ._batched import BatchedTensor, aten_name, batched_apply, is_batched
from ._jvp import inplace_tangent, reads_result_only, write_tangent
from ._table import LINEAR, Op, _any_input, unpack_args
from ._low_precision import any_low, widened_forward
from ._promote import result_dtype, type_name
from .overlap import check_no_partial_overlap
from . import pointwise as pw

xp = _backend.xp
_ndarray = _backend.ndarray
_gstate = grad_mode.state


# torch's handle_view_on_rebase: why a view of each kind (Tensor._view_kind) may not be
# written in place, after the sentence saying what was written
_WHY = {
    "multi": " This view is the output of a function that returns multiple views. Such "
             "functions do not allow the output views to be modified inplace. You should "
             "replace the inplace operation by an out-of-place one.",
    "custom": " This view was created inside a custom Function (or because an input was "
              "returned as-is) and the autograd logic to handle view+inplace would override "
              "the custom backward associated with the custom Function, leading to incorrect "
              "gradients. This behavior is forbidden. You can fix this by cloning the output "
              "of the custom Function.",
    **{kind: " Given that this use case is ambiguous and error-prone, it is forbidden. You can "
             f"clarify your code by moving both the view and the inplace either both inside the "
             f"{block} block (if you don't want the inplace to be tracked) or both outside (if "
             "you want the inplace to be tracked)."
       for kind, block in (("no_grad", "no_grad"), ("inference", "inference_mode"))},
}
_BACKWARD = re.compile(r"Backward\d*$")


def _view_refusal(view, direct):
    """torch's refusal of a view that may not be rebased (its ``_view_kind``), written in
    place directly or through its base or another view of its base; None if it may be."""
    kind = view._view_kind
    if kind is None:
        return None
    what = "is being" if direct else "its base or another view of its base has been"
    fn = view._grad_fn  # the node the view holds (torch's grad_fn_), not a rebuilt one
    if fn is not None:
        said = f"Output {view._output_nr} of {_BACKWARD.sub('', fn.name())} is a view"
        if kind in ("multi", "custom"):
            return RuntimeError(f"{said} and {what} modified inplace.{_WHY[kind]}")
        said += " of a view which was created in"
    else:  # (a multi-output view of a tensor that does not require grad has no node either)
        said = "A view was created in"
    if kind == "inference":
        said += f" inference mode and {what} modified inplace in normal mode."
    else:
        said += f" no_grad mode and {what} modified inplace with grad mode enabled."
    return RuntimeError(said + _WHY[kind])


def check_inference(self):
    """An inference tensor is written only in inference mode. torch checks this when it
    bumps the version, after the write: the data has changed when the error is raised."""
    if self._inference and not _gstate.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                           "allowed.You can make a clone to get a normal tensor before doing "
                           "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                           "details.")


def check_inplace(self, requires_grad=None, inference=True):
    """torch's refusals of an in-place write, made before anything changes.

    ``requires_grad``: whether any input of the op requires grad (default: self does).
    ``inference=False`` leaves the inference-tensor check to the caller (after the write).
    """
    if inference:
        check_inference(self)
    if requires_grad is None:
        requires_grad = self.requires_grad
    if not requires_grad or not _gstate.enabled:
        return
    base = self._base
    if base is not None and not self._inference:
        err = _view_refusal(self, True)
        if err is not None:
            raise err
        if self.requires_grad and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                               "an in-place operation.")
    if self.requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")


def _write(self, value):
    """Store ``value`` (checked by ``_check_write``) into self's array."""
    data = self._data
    if data.ndim == 0:
        data[()] = value
    else:
        data[...] = value


def _check_write(self, value):
    """torch's refusals of a result that does not fit ``self``: shape, then casting."""
    data = self._data
    if not _backend.writeable(data):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    vshape = getattr(value, "shape", ())
    if vshape != data.shape and xp.broadcast_shapes(vshape, data.shape) != data.shape:
        shape = xp.broadcast_shapes(vshape, data.shape)
        if type(value) is MetaArray:  # (torch's meta kernels word it in Python)
            raise RuntimeError(f"output with shape torch.Size({list(data.shape)}) doesn't match "
                               f"the broadcast shape {shape}")
        raise RuntimeError(f"output with shape {list(data.shape)} doesn't match the broadcast "
                           f"shape {list(shape)}")
    vd = getattr(value, "dtype", None)
    if vd is not None:
        check_cast(self, vd)


def check_cast(self, result_dtype, name=type_name, numbers=False):
    """torch's refusal to write a result of ``result_dtype`` into ``self`` (float into int),
    the destination named by ``name`` (see Op's ``inplace_cast``)."""
    target = self._data.dtype
    if result_dtype != target and not xp.can_cast(result_dtype, target, "same_kind"):
        raise RuntimeError(f"result type {_FROM_NP[result_dtype]._cname} can't be cast to the "
                           f"desired output type {name(target, numbers)}")


# NOTE [In-place casts refused first]
# torch's TensorIterator works out an in-place op's common dtype from its operands and
# refuses one the destination cannot hold before the kernel runs. Here every in-place op
# is refused after its forward (_check_write), which gives the same error, except where the
# forward would fail first or name things differently: NumPy's bitwise ops refuse floats
# with their own error, remainder and fmod would divide by zero first, clamp's scalar
# kernels name the destination by its C++ type. Those ops declare ``inplace_cast=`` and
# are refused here, from their operands' promoted dtype, before anything runs.
def _check_promoted_cast(op, self, arrays):
    operands = [a for a in arrays if a is not None]
    numbers = any(not hasattr(a, "dtype") for a in operands)
    check_cast(self, result_dtype(*operands), op.inplace_cast, numbers)


def apply_inplace(op, self, args):
    """Run ``op`` with ``self`` (args[0]) as input and output; record it if needed."""
    for i in op.tensor_pos:
        if type(args[i]) is BatchedTensor:
            return _batched_inplace(op, self, args)
    arrays, inputs = unpack_args(op, args)
    needs = _any_input(inputs)
    check_inplace(self, needs, False)
    if op is not fill_tensor_:  # fill_ reads its value once, before writing
        check_no_partial_overlap(self._data, [arrays[i] for i in op.tensor_pos[1:]])
    if op.inplace_cast is not None:
        _check_promoted_cast(op, self, arrays)
    low = any_low(arrays, op.tensor_pos)
    quiet = _backend.quiet()  # NOTE [Floating-point warnings] in _backend.py
    try:
        out = op.forward(*arrays) if not low else widened_forward(op, arrays)
    except DeviceMismatch:
        if op not in _SELF_DEVICE:
            raise
        arrays = tuple(map(on_meta, arrays))
        out = op.forward(*arrays) if not low else widened_forward(op, arrays)
    except (NotImplementedError, AttributeError, TypeError) as e:
        if type(self._data) is not SparseCoo or "dyngrad" in str(e):  # (a piece not built)
            raise
        # (torch's dispatcher: the in-place operator has no SparseCPU kernel, whatever its
        # out-of-place form or the dtype would say)
        raise no_kernel(aten_name(op).partition("::")[2] + "_") from None
    finally:
        _backend.loud(quiet)
    _check_write(self, out)
    written = type(out) is not MetaArray or _refuse_meta_into_cpu(op, self)
    # forward mode: the new tangent, from the inputs as they are before the write (or
    # after it, from the result, where the rule reads only that)
    late = DUAL[0] is not None and reads_result_only(op)
    tangent = (inplace_tangent(op, args, out) if DUAL[0] is not None and not late else None)
    node = None
    if needs and _gstate.enabled:
        # the node and its saved inputs come before the write, so that an input that is
        # also ``self`` (x.mul_(x)) is saved at its version before this op, as torch saves it
        save = op.saver(tuple(a is not None for a in inputs))
        saved_args = args
        if "self" in op.saved_names:
            saved_args = (_original(self),) + tuple(args[1:])
        node = record(_new(op.node_class if not low else op.low_node_class), inputs, ())
        save(node, saved_args, None)
    if written:
        _write(self, out)
    if self._inference:
        check_inference(self)
    else:
        self._version_counter[0] += 1
        if _gstate.anomaly:
            note_inplace_write(self._version_counter)
    if node is not None:
        _rebase(self, node)
    if late:
        tangent = inplace_tangent(op, args, self)
    if tangent is not None:
        write_tangent(self, tangent)
    if node is not None:
        if save.out_slots:  # the output is saved as written (pack hooks see the result)
            saved = list(node._saved)
            for k, _ in save.out_slots:
                saved[k] = SavedValue(self, True)
                if tangent is not None:  # with its tangent (forward-over-reverse)
                    saved[k].fw = self._fw
            node._saved = tuple(saved)
    return self


_new = object.__new__

# the in-place ops whose result's device is self's (NOTE [CPU and meta operands] in
# _meta_array.py)
_SELF_DEVICE = frozenset((pw.add, pw.sub, pw.mul, pw.div, pw.masked_fill_op))


def _refuse_meta_into_cpu(op, self):
    """Whether a meta result is written into ``self``: into a meta one, as any result; into
    a CPU one, nothing for the ops whose device is self's, else torch's refusal."""
    if type(self._data) is MetaArray:
        return True
    if op in _SELF_DEVICE:
        return False
    if op is copy_:
        raise no_data()
    raise RuntimeError("Attempting to copy from device meta to device cpu, but cross-device "
                       "copies are not allowed!")


def _batched_inplace(op, self, args):
    """An in-place op under vmap: the op over the batch, written into ``self``'s physical
    value (NOTE [Batched tensors] in _batched.py)."""
    tensors = [args[i] for i in op.tensor_pos]
    level = max(t._level for t in tensors if type(t) is BatchedTensor)
    name = aten_name(op).partition("::")[2] + "_"
    if not is_batched(self, level):
        # torch says it with the physical shapes: the batch cannot be written into self
        size = next(t._value.shape[0] for t in tensors if is_batched(t, level))
        try:
            shape = xp.broadcast_shapes(*[tuple(t.shape) for t in tensors])
        except ValueError:  # not an elementwise op: torch's words for a batch self lacks
            depth = 1 + [f[0] for f in _gstate.batching].index(level)  # (torch's level)
            raise RuntimeError(
                f"vmap: aten::{name}(self, *extra_args) is not possible because there exists "
                "a Tensor `other` in extra_args that has more elements than `self`. This "
                "happened due to `other` being vmapped over but `self` not being vmapped over "
                f"at level {depth}. Please try to use out-of-place operators instead of "
                f"aten::{name}. If said operator is being called inside the PyTorch framework, "
                "please file a bug report instead.") from None
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           f"shape {[size, *shape]}")
    if _gstate.enabled and any(type(t) is BatchedTensor and t._level == level
                               and t._requires_grad for t in tensors):
        return _batched_inplace_recorded(op, self, args, name)
    result = batched_apply(op, args)
    value = self._value
    apply_inplace(copy_, value, (value, result._value))
    return self


def _batched_inplace_recorded(op, self, args, name):
    """An in-place op under vmap that a grad transform inside the vmap differentiates:
    recorded per sample as the out-of-place op on ``self`` as it was (a clone, where the
    op's formulas read it: torch's original self), the result written into ``self``'s
    physical value, and ``self`` given the op's node."""
    check_inplace(self, True)  # a grad transform's input is a leaf: torch refuses it
    fn = self._grad_fn
    if (fn is not None and getattr(fn, "_op", None) is not None and fn._op.returns_view) or (
            fn is None and self._value._base is not None):
        raise NotImplementedError(f"vmap: {name} on a view, inside a grad transform inside "
                                  "vmap, is not supported; clone the view first")
    before = clone_op(self) if "self" in op.saved_names else self
    # (self given again as another argument stays self, as torch saves it: x.mul_(x)
    # then fails at backward, the saved other having been written)
    result = batched_apply(op, (before,) + tuple(args[1:]))
    value = self._value
    apply_inplace(copy_, value, (value, result._value))
    if result._grad_fn is not None:
        _set_grad_fn(self, result._grad_fn)
        self._output_nr = result._output_nr
    return self


def _original(self):
    """``self`` as it was before the write, for formulas that need it: a recorded clone, as
    torch makes it (CloneBackward0, so that a double backward through it is right)."""
    return clone_op(self)


def _rebase(self, node):
    """Give ``self`` (and its base, for a view) the node of the in-place op."""
    base = self._base
    if base is None:
        _set_grad_fn(self, node)
        return
    check_geometry(self)
    _set_grad_fn(base, CopySlices(base, self._view_fn, node, self._view_steps))
    refresh_view(self)


def _set_grad_fn(t, fn):
    """A new grad_fn for ``t``. Hooks registered before stay with the old node (they see
    the gradient of the old value); retain_grad moves to the new one, as in torch."""
    old, old_nr = t._grad_fn, t._output_nr
    t._grad_fn = fn
    t._output_nr = 0
    t._requires_grad = True
    if t._retains_grad and old is not None and old._retained:
        ref = old._retained.pop(old_nr, None)
        if ref is not None:
            fn._retain_grad(0, t)


def check_geometry(view):
    """A view replays its ops on an array shaped like its base when it was made: after an
    in-place view op changed the base's shape (``base.t_()``), it cannot."""
    if view._geometry != view._base._geometry:
        raise NotImplementedError(
            "dyngrad cannot yet differentiate through a view whose base changed its shape in "
            "place afterwards (t_, transpose_, squeeze_, unsqueeze_, as_strided_); make the "
            "view after the in-place view op, or use the out-of-place op")


def refresh_view(view):
    """Rebuild the grad_fn of a view whose base was changed in place (NOTE [Stale views]
    in tensor.py): an AsStridedBackward0 into the base's gradient."""
    base = view._base
    now = view._version_counter[0]
    if not base.requires_grad or view._inference:
        view._view_version = now
        return
    err = _view_refusal(view, False)
    if err is not None:
        raise err
    check_geometry(view)
    if view._view_steps is None:
        _set_grad_fn(view, ViewOfBase(base, view._view_fn))
    else:  # NOTE [Replayed views]: the view's ops again, from its base
        with grad_mode.enable_grad():
            again = replay_view(base, view._view_fn, view._view_steps)
        _set_grad_fn(view, again._grad_fn)
        view._output_nr = again._output_nr
    view._view_version = now


def replay_view(tensor, view_fn, steps):
    """The view of ``tensor`` (shaped like a view's base) that ``view_fn`` gives, recorded:
    one AsStridedBackward0, or the view's steps (NOTE [Replayed views])."""
    if steps is None:
        return as_strided(tensor, view_fn)
    for step in steps:
        if step[0] == "strided":
            tensor = as_strided(tensor, step[1])
        else:
            _, op, args, pos, k = step
            args = list(args)
            args[pos] = tensor
            out = op(*args)
            tensor = out[k] if isinstance(out, (tuple, list)) else out
    return tensor


class CopySlices(Node):
    """The node of a base whose view was written in place (NOTE [In-place on a view])."""

    __slots__ = ("_fn", "_view_fn", "_view_steps")
    _name = "torch::autograd::CopySlices"

    def __init__(self, base, view_fn, fn, view_steps=None):
        self._fn = fn
        self._view_fn = view_fn
        self._view_steps = view_steps
        self._saved = ()
        record(self, (base if base.requires_grad else None,), ())
        # its other edges are the in-place node's own, taken before the write; it reduces
        # the gradients it gives itself (with fn's _meta)
        self._next_functions += fn.next_functions[1:]
        self._meta = None

    def _forward_op_name(self):
        return self._name

    def _apply(self, grads, create_graph):
        grad = grads[0]
        meta = self._fn._meta
        if not create_graph:
            result = xp.array(grad, copy=True)
            region = self._view_fn(result)
            fn_grads = self._fn._apply([xp.array(region, copy=True)], False)
            region[...] = 0 if fn_grads[0] is None else fit(fn_grads[0], meta[0])
        else:
            # torch's steps, recorded (so its graph shows): copy the gradient, view the
            # region, run the op's formulas on a clone of it, and write their result back
            result = copy_out_of_place(grad)
            region = replay_view(result, self._view_fn, self._view_steps)
            fn_grads = self._fn._apply([region.clone()], True)
            if fn_grads[0] is None:
                region.zero_()
            else:
                region.copy_(fit(fn_grads[0], meta[0]))
        return [result] + [None if g is None else fit(g, m)
                           for g, m in zip(fn_grads[1:], meta[1:])]

    def _release(self):
        self._fn._release()


class ViewOfBase(Node):
    """The node of a view after an in-place write: its region of the base's gradient."""

    __slots__ = ("_view_fn", "_base_shape")
    _name = "AsStridedBackward0"

    def __init__(self, base, view_fn):
        self._view_fn = view_fn
        self._base_shape = base._data.shape
        self._saved = ()
        record(self, (base,), ())

    def _apply(self, grads, create_graph):
        return [as_strided_backward(grads[0], self._base_shape, self._view_fn)]


def as_strided_backward(grad, base_shape, view_fn):
    """The base's gradient from its view's: torch's as_strided_backward (view_inplace.py),
    the view's sizes, strides and offset read off its replay on the base's element numbers
    (a base owns its memory: contiguous in that numbering)."""
    from .view_inplace import _as_strided_backward  # (it builds on this module)
    numbers = xp.arange(math.prod(base_shape)).reshape(base_shape)
    view = view_fn(numbers)
    first = int(view[(0,) * view.ndim]) if view.size else 0
    stride = tuple(int(view[(0,) * d + (1,) + (0,) * (view.ndim - d - 1)]) - first
                   if n > 1 else 0 for d, n in enumerate(view.shape))
    base_strides = tuple(s // numbers.itemsize for s in numbers.strides)
    return _as_strided_backward(grad, base_shape, base_strides, 0, view.shape, stride, first)


# A view given by its replay function (``Tensor._view_fn``): what torch's as_strided is to
# the nodes of in-place views (CopySlices' region, a rebuilt view's AsStridedBackward0).
as_strided = Op("AsStridedBackward0", lambda self, view_fn: view_fn(self), jvp=LINEAR, view=True,
                self=lambda grad, self_sym_sizes, view_fn:
                as_strided_backward(grad, tuple(self_sym_sizes), view_fn))


# -- ops that exist only in place ---------------------------------------------------------
def zeros_like(grad):
    """torch's ``zeros_like(grad)`` in a formula: zeros that record no graph, even under
    create_graph (``grad * 0`` would record a MulBackward0)."""
    if isinstance(grad, Tensor):
        return _wrap(xp.zeros_like(grad._data))
    return xp.zeros_like(grad)


def _zero(self):
    return xp.zeros_like(self)


zero_ = Op("ZeroBackward0", _zero, jvp=LINEAR, self=zeros_like)


def _fill(self, value):
    if type(value) is int:
        return xp.full_like(self, as_read(value, self.dtype))
    return xp.full_like(self, value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value)


fill_ = Op("FillBackward2", _fill, jvp=lambda self_t: zeros_like(self_t), self=zeros_like)
# fill_ with a 0-dim Tensor value (what torch's ``t[k] = v`` does for a 0-dim ``v``)
fill_tensor_ = Op("FillBackward3", _fill, jvp=LINEAR,
                  self=zeros_like, value=lambda grad: grad.sum())


def _copy(self, src):
    # copy_ casts to the destination's dtype whatever the kinds (torch's copy_ does)
    if type(self) is SparseCoo or type(src) is SparseCoo:
        return _copy_sparse(self, src)
    if type(self) is not _ndarray and _foreign(self):
        return _copy_in_module(_backend.array_module(self), self, src)
    if type(src) is not _ndarray and _foreign(src):
        src = _backend.to_numpy(src)  # (another module's array into NumPy's: a host copy)
    src = xp.broadcast_to(src, self.shape)
    if src.dtype != self.dtype:
        src = (src.real if src.dtype.kind == "c" and self.dtype.kind != "c" else src).astype(self.dtype)
    return src


def _copy_sparse(self, src):
    """torch's copy_ of a sparse tensor into a sparse one: src's entries and coalesced flag,
    in self's dtype (torch also takes src's size, which dyngrad does not do)."""
    if type(self) is not SparseCoo or type(src) is not SparseCoo:
        raise RuntimeError(
            "copy_() between dense and sparse Tensors is not implemented! Found self type = "
            f"{_type_string(_FROM_NP[self.dtype], type(self) is SparseCoo)} and src type = "
            f"{_type_string(_FROM_NP[src.dtype], type(src) is SparseCoo)}")
    if src.shape != self.shape:
        raise NotImplementedError("copy_ of a sparse tensor into one of another size (torch "
                                  "resizes the destination) is not implemented in dyngrad")
    values = src.values.astype(self.dtype)  # (a copy, whatever the dtypes)
    return SparseCoo(src.indices.copy(), values, src.shape, src.coalesced)


def _foreign(a):
    """Whether ``a`` is another array module's (not NumPy's, meta or sparse COO)."""
    ns = _backend.array_module(a)
    return ns is not xp and ns is not _backend.META and ns is not SPARSE


def _copy_in_module(ns, self, src):
    """copy_ between arrays of another array module (NOTE [The array-module seam]): the
    engine's copy of a gradient under create_graph, and copies a user makes. A NumPy
    source is first put on the destination's device."""
    if _backend.is_numpy(src):
        src = ns.asarray(src, device=self.device)
    if _backend.kind(src.dtype) == "c" and _backend.kind(self.dtype) != "c":
        src = ns.real(src)
    if src.dtype != self.dtype:
        src = _backend.astype(src, self.dtype)
    return src if src.shape == self.shape else ns.broadcast_to(src, self.shape)


copy_ = Op("torch::autograd::CopyBackwards", _copy, jvp=LINEAR, self=zeros_like,
           src=lambda grad: grad)


def copy_out_of_place(t):
    """A copy recorded as torch's AccumulateGrad makes it under create_graph: a CopyBackwards
    node whose first edge (the fresh destination) is None."""
    return _copy_new(_wrap(xp.empty(t._data.shape, dtype=t._data.dtype)), t)


def _clone(self, contiguous=False):
    if type(self) is SparseCoo:
        return _backend.copy(self)  # no strides to keep: its own copy
    # torch's preserve_format keeps the strides of a dense input; an expanded (overlapping)
    # one comes out contiguous, and so does any input of Tensor.contiguous()
    return xp.array(self, copy=True, order="C" if contiguous or 0 in self.strides else "K")


clone_op = Op("CloneBackward0", _clone, jvp=LINEAR, self=lambda grad: grad)
_copy_new = Op("torch::autograd::CopyBackwards", lambda self, src: xp.array(src, copy=True),
               jvp=LINEAR, self=zeros_like, src=lambda grad: grad)

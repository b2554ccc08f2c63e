"""The op table: how one declaration becomes a forward function, a node class and a backward.

An op is declared once (see pointwise.py for the simplest entries):

    mul = Op("MulBackward0", _mul,                 # forward over arrays
             self=lambda grad, other: grad * other, # one formula per differentiable input
             other=lambda grad, self: grad * self)

The forward's parameter names are torch's schema names. A formula's parameters name what
it needs: ``grad`` (the incoming gradient; ``grads`` for all outputs of a multi-output
op), any forward parameter (a saved input or a non-tensor argument), ``result`` (the
output, or the names given in ``outputs=``), and ``<param>_sym_sizes`` /
``<param>_sym_numel`` (an input's shape and size). What the formulas of the inputs that
require grad ask for is exactly what the node saves, and it is readable as
``node._saved_<name>`` as in torch.

Formulas are written with operators and with the functions of ``_dual`` (which take
arrays or Tensors alike). With ``create_graph=False`` the engine calls them on arrays,
at NumPy's speed and with no graph; with ``create_graph=True`` on Tensors, so that the
backward is itself recorded and differentiable to any order. Formulas return the
broadcast-shaped gradient: the engine reduces it to the input's shape and dtype, once
(NOTE [Broadcasting is undone by the engine] in engine.py).
"""
import functools
import inspect
import operator
import threading

from .. import _backend
from .. import _dtype as _dt
from .._autograd_state import DUAL
from .._size import Size
from ..autograd import grad_mode
from ..autograd.graph import Node, edge_of, record  # noqa: F401  (edge_of: re-exported)
from ..autograd.saved_value import SavedValue, compile_saver, release_of, unpack_saved
from ..tensor import Tensor, _wrap
from .._sparse_coo import NAMESPACE as SPARSE, no_kernel
from ._batched import BatchedTensor, aten_name, batched_apply
from ._low_precision import LOW_KIND, any_low, widen, widened_forward
from ._jvp import ELEMENTWISE, LINEAR, TRANSPOSED, push_tangents  # noqa: F401  (re-exported)

xp = _backend.xp
_quiet, _loud = _backend.quiet, _backend.loud
_gstate = grad_mode.state
# whether a result records a node: NumPy's by its kind (_DIFFERENTIABLE below), other
# modules' through _backend (NOTE [The array-module seam])
_ndarray = _backend.ndarray
# bfloat16 and float8 arrays, by dtype: a set test any module's dtype can take
_LOW = _dt.LOW_PRECISION_NP
_NUMPY_TYPES = _backend.NUMPY_TYPES
_differentiable = _backend.differentiable
_new = object.__new__
_Batched = BatchedTensor

ALL_OPS = []


class OpNode(Node):
    """The node class of table ops: each op makes one subclass named as torch names it."""

    __slots__ = ()
    _op = None
    _fresh_results = True  # a formula returns a new array, or a gradient it was given

    # _apply is run_formulas (set below it): the engine's call goes straight to it


def _saved_properties(op):
    """node._saved_<name> (checked, unpacked) and node._raw_saved_<name> (the SavedValue)
    for the names the op's formulas ask for, as torch shows them: properties of the node
    class. (A __getattr__ would do the same, but a class that has one pays for it on every
    attribute read, found or not: measured, 7% of a small graph's forward and backward.)"""
    props = {}
    for name, i in op.saved_index.items():
        props["_saved_" + name] = property(_saved_getter(i, i in op.tensor_slots))
        props["_raw_saved_" + name] = property(_raw_saved_getter(i, name))
    return props


def _saved_getter(i, is_tensor):
    def get(node):
        value = node._saved[i]
        if type(value) is SavedValue:
            value = value.unpack(node)
        return _public(value, is_tensor)
    return get


def _raw_saved_getter(i, name):
    def get(node):
        value = node._saved[i]
        if type(value) is SavedValue:
            return value
        raise AttributeError(f"'{type(node).__name__}' object has no attribute "
                             f"'_raw_saved_{name}'")
    return get


_WRAPPED = {float: xp.float64, int: xp.int64, bool: xp.bool_, complex: xp.complex128}


def _public(value, is_tensor):
    """A saved number or size as torch shows it: a number given for a Tensor argument is
    the 0-dim tensor torch wrapped it in; sizes are tuples."""
    if is_tensor and value is not None and not isinstance(value, Tensor):
        # torch wraps a number as a double, long, bool or complex double 0-dim tensor
        return _wrap(xp.asarray(value, dtype=_WRAPPED.get(type(value))))
    if isinstance(value, Size):
        return tuple(value)
    return value


def _parameter_names(fn, node_name):
    """A function's parameter names, read off its code object: inspect.signature would do,
    at about 30 times the cost (measured: a tenth of ``import dyngrad`` for the table)."""
    code = getattr(fn, "__code__", None)
    if code is None or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        raise TypeError(f"{node_name}: the forward and formulas must name their parameters "
                        "(wrap ufuncs in a function)")
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])


class Op:
    """One op of the table: its forward over arrays, a backward formula per input, its node class."""

    batch_rule = None  # how vmap runs the op over a batch (ops/batching/), else a loop
    returns_view = False  # view ops, and the in-place view ops (view_inplace.py): True

    def __init__(op, node_name, forward, *, outputs=("result",), view=False,
                 nondiff=(), differentiable_outputs=None, variadic=False, jvp=None,
                 jvp_name=None, real_grad_only=None, inplace_cast=None, writes=(),
                 result_dtype_of=None, params=None, replayed_view=False,
                 keeps_saved_dtypes=False, **formulas):
        op.name = node_name
        # a view as_strided cannot describe (it changes the dtype): a view made through it
        # is rebuilt by replaying its ops, as torch's view_func (NOTE [Replayed views])
        op.replayed_view = replayed_view
        # the aten name of an op whose derivative torch defines for real values only: a
        # complex result that would record a node raises, naming it (torch's ops outside
        # GRADIENT_IMPLEMENTED_FOR_COMPLEX)
        op.real_grad_only = real_grad_only
        # the in-place form's refusal of a result its destination cannot hold, made before
        # the kernel runs (NOTE [In-place casts refused first] in inplace.py): None, or how
        # the refusal names the destination's dtype (_promote.type_name, clamp_type_name)
        op.inplace_cast = inplace_cast
        # forward mode (_jvp.py): a marker or a ``result:`` rule; None: the op has none,
        # and forward AD through it raises naming ``jvp_name`` (torch's aten name)
        op.jvp = jvp
        op.jvp_args = (_parameter_names(jvp, node_name)
                       if jvp is not None and not isinstance(jvp, type(LINEAR)) else None)
        op.jvp_name = jvp_name
        # (the first parameter is `op`, not `self`: `self=` is a formula keyword)
        # variadic: the first parameter is a sequence of tensors (cat, stack), one edge
        # each; its formula returns a list, and may ask for ``tensors_sizes``.
        op.variadic = variadic
        op.forward = forward
        # params: the forward's parameter names, given when it cannot name them itself (a
        # wrapper taking *args: _view_copy.py)
        params = list(params) if params is not None else _parameter_names(forward, node_name)
        op.params = params
        op.dtype_pos = params.index("dtype") if "dtype" in params else None
        # the arguments the forward writes in place (batch norm's running statistics), and
        # the one whose dtype the first result takes when the inputs' promotion would not
        # give it (a bfloat16 input with float32 parameters): see _low_precision.py
        op.writes_pos = tuple(params.index(p) for p in writes)
        op.result_dtype_pos = params.index(result_dtype_of) if result_dtype_of else None
        # number arguments torch casts to the tensor's dtype (see _low_precision.py)
        op.scalar_pos = tuple(i for i, p in enumerate(params) if p in _SCALAR_PARAMS)
        op.formulas = formulas
        op.outputs = outputs
        op.view = view
        if view:
            op.returns_view = True
        # positions of the forward's tensor arguments (differentiable ones first in order)
        op.tensor_pos = tuple(i for i, p in enumerate(params) if p in formulas or p in nondiff)
        op.diff_pos = tuple(i for i in op.tensor_pos if params[i] in formulas)
        op.tensor_roles = tuple((i, i in op.diff_pos) for i in op.tensor_pos)
        # outputs=None: as many outputs as the forward returns (split, unbind)
        op.n_out = len(outputs) if outputs is not None else None
        op.differentiable_outputs = differentiable_outputs
        # every name any formula may ask for, in one order: the layout of node._saved
        names = []
        op.formula_args = {}
        for p, f in formulas.items():
            args = _parameter_names(f, node_name)
            op.formula_args[p] = args
            names += [a for a in args if a not in _GIVEN and a not in names]
        # NOTE [Joint formulas]: one function given for several inputs, taking
        # ``grad_input_mask`` (derivatives.yaml's name), runs once per backward step and
        # returns one gradient per differentiable input (None where the mask says no):
        # the inputs share its work (a norm's backward), and create_graph records one node.
        fs = list(formulas.values())
        op.joint = (len(fs) > 1 and all(f is fs[0] for f in fs)
                    and "grad_input_mask" in op.formula_args[next(iter(formulas))])
        op.saved_names = names
        op.saved_index = {n: i for i, n in enumerate(names)}
        # per differentiable input: its formula and where each argument comes from
        # (_GRAD, _GRADS, or an index into node._saved), so a backward step looks up nothing
        op.calls = tuple((formulas[params[pos]], tuple(
            _GRAD if a == "grad" else _GRADS if a == "grads" else _MASK
            if a == "grad_input_mask" else op.saved_index[a]
            for a in op.formula_args[params[pos]])) for pos in
            (op.diff_pos if not variadic else (0,)))
        # per call, the arguments picked from ``[*saved, grads, grad]`` in one C call
        # (_GRADS and _GRAD index its last two places), None for one argument (see
        # run_formulas; with the release chosen per node class, hvp's step runs about 4%
        # fewer instructions)
        op.takers = tuple(operator.itemgetter(*spec) if len(spec) > 1 else None
                          for _, spec in op.calls)
        # the saved slots that hold tensors (freed after backward): tensor inputs, outputs
        tensor_params = {params[i] for i in op.tensor_pos}
        op.tensor_slots = frozenset(i for i, n in enumerate(names)
                                    if n in tensor_params or (outputs and n in outputs))
        op.tensor_slot_list = tuple(sorted(op.tensor_slots))
        op._plans = {}
        op._savers = {}  # mask -> the saver of plan(mask) (see saver)
        # ops with no formula (comparisons) never record a node
        simple = _simple_apply(op)
        op.node_class = type(node_name, (OpNode,), {
            "__slots__": (), "_name": node_name, "_op": op, "_n_outputs": op.n_out or 1,
            "_differentiable_outputs": differentiable_outputs,
            "_tensor_slots": op.tensor_slot_list, "_release": release_of(op.tensor_slot_list),
            **_saved_properties(op),
            **({"_apply": simple} if simple is not None else {})}) if formulas else None
        # a plain function for the common unary and binary ops: what methods and
        # operators call (see _make_fast)
        op.fast = (_make_fast(op) if formulas and not variadic and op.n_out == 1 else None)
        if op.fast is not None and not view:
            # the fast ops' formulas (elementwise arithmetic and math) give gradients in
            # the output's dtype: their nodes may skip the per-input reduction records
            op.node_class._same_dtype_grads = True
        op.keeps_saved_dtypes = keeps_saved_dtypes
        ALL_OPS.append(op)

    def __repr__(self):
        return f"<Op {self.name}>"

    @functools.cached_property
    def low_node_class(op):
        """The node class of bfloat16 results: same name, formulas run in float32. Made
        at the first such result: a subclass per op made at import took a tenth of it."""
        if op.node_class is None:
            return None
        return type(op.name, (op.node_class,), {
            "__slots__": (), "_apply": run_formulas_widened, "_same_dtype_grads": False})

    @functools.cached_property
    def mixed_node_class(op):
        """The node class of a binary op whose operand that takes no gradient has another
        dtype than the result: same name, saved arrays promoted first unless its formulas
        compute with an operand in its own dtype (``keeps_saved_dtypes``: ldexp's integer
        pow(2, other)), gradients reduced to each input's dtype (NOTE [Gradients in
        torch's promoted dtype]). Made at the first such node, as low_node_class."""
        if op.fast is None or len(op.tensor_pos) != 2:
            return None
        return type(op.name, (op.node_class,), {
            "__slots__": (), "_same_dtype_grads": False,
            **({} if op.keeps_saved_dtypes else {"_apply": run_formulas_promoted})})

    def plan(self, mask):
        """For a requires-grad mask over the differentiable inputs: what to save, and how.

        Each saved name maps to a source: ('arg', i) a forward argument, ('out', k) an
        output, ('shape', i) / ('numel', i) an input's size.
        """
        p = self._plans.get(mask)
        if p is not None:
            return p
        params = self.params
        wanted = set()
        for needs, pos in zip(mask, self.diff_pos):
            if needs:
                wanted.update(self.formula_args[params[pos]])
        sources = []
        for n in self.saved_names:
            if n not in wanted:
                sources.append(None)
            elif self.outputs and n in self.outputs:
                sources.append(("out", self.outputs.index(n)))
            elif n in params:
                sources.append(("arg", params.index(n)))
            elif n.endswith("_sym_sizes"):
                sources.append(("shape", params.index(n[:-10])))
            elif n == "tensors_sizes":
                sources.append(("sizes", 0))
            elif n.endswith("_sym_numel"):
                sources.append(("numel", params.index(n[:-10])))
            elif n.endswith("_sym_strides"):
                sources.append(("strides", params.index(n[:-12])))
            elif n.endswith("_storage_offset"):
                sources.append(("offset", params.index(n[:-15])))
            else:
                raise TypeError(f"{self.name}: a formula asks for unknown name {n!r}")
        p = self._plans[mask] = tuple(sources)
        return p

    def saver(self, mask):
        """The function that fills ``node._saved`` for ``mask``: ``save(node, args, outs)``."""
        s = self._savers.get(mask)
        if s is None:
            s = compile_saver(self.plan(mask), self.tensor_pos)
            if self.real_grad_only is not None:  # the one check such a node needs, here
                s = _refusing_complex(s, self.real_grad_only)
            self._savers[mask] = s
        return s

    def __call__(self, *args):
        """Tensors in: the op with autograd. Arrays in (a formula run without
        create_graph): the bare forward, so every op is also a formula building block."""
        if self.fast is not None:
            return self.fast(*args)
        if self.variadic:
            if any(isinstance(a, Tensor) for a in args[0]):
                return apply(self, args)
            return self.forward(*args)
        for i in self.tensor_pos:
            if isinstance(args[i], Tensor):
                return apply(self, args)
        return self.forward(*args)



def _refusing_complex(save, name):
    """``save`` behind the check torch makes of an op whose derivative is for real values
    only: no complex result records a node (torch lets the in-place form, which saves
    with ``outs=None``, through)."""
    def save_real(node, args, outs):
        for o in outs or ():
            if o is not None and o._data.dtype.kind == "c":
                raise RuntimeError(f"{name} does not support automatic differentiation for "
                                   "outputs with complex dtype.")
        save(node, args, outs)
    save_real.__dict__.update(save.__dict__)
    return save_real


def _note_operand_dtypes(node, inputs, operands, dtype):
    """A fast op's node recorded by ``apply`` (a call the fast path does not take) skips
    its per-input (shape, dtype) records when every input that requires grad has the
    result's (``record``), trusting its formulas to give gradients in the result's dtype.
    On arrays they follow NumPy's promotion (NOTE [Gradients in torch's promoted dtype]):
    when an operand's dtype is not the result's, the records are written after all, so
    that the engine casts each gradient back."""
    if any(getattr(a, "dtype", dtype) != dtype for a in operands):
        node._meta = [None if t is None else (t._data.shape, t._data.dtype) for t in inputs]
    return node


def _needs_grad(t):
    # a view requires grad when its base does (Tensor.requires_grad)
    return t._requires_grad or t._base is not None and t.requires_grad


def _make_fast(op):
    """``apply`` written out for a one-output op whose tensor arguments come first: one
    (``x.exp()``) or two (``x * y``, ``x + 1``) of them, all differentiable.

    The same steps as ``apply`` without packing and unpacking the arguments (measured:
    ``x * 0.5`` on a small tensor from 3.6 to 2.6 us with grad, 2.9 to 1.9 us without).
    One-tensor view ops (``t``, ``view``, ``expand``) take it too (measured: ``x.t()``
    598 to 420 bytecodes).
    """
    fwd = op.forward
    cls = op.node_class
    view = op.view
    if op.tensor_pos == op.diff_pos == (0,):
        save = op.saver((True,))

        def unary(self, *rest):
            if type(self) is not Tensor:
                if not isinstance(self, Tensor):  # arrays: a formula without create_graph
                    return fwd(self, *rest)
                if type(self) is _Batched:
                    return batched_apply(op, (self,) + rest)
            if view and VARIANTS.swap is not None:  # NOTE [The view op, but a copy]
                return apply(op, (self,) + rest)
            data = self._data
            low = data.dtype in _LOW
            quiet = _quiet()  # NOTE [Floating-point warnings]
            try:
                out = fwd(data, *rest) if not low else widened_forward(op, (data,) + rest)
            except (AttributeError, TypeError) as e:  # free when nothing is raised (3.11)
                raise _module_error(op, (data,), e) from None
            finally:
                _loud(quiet)
            res = _wrap(out)
            # _needs_grad written out: a call less per op
            if ((self._requires_grad or self._base is not None and self.requires_grad)
                    and _gstate.enabled and (out.dtype.kind in _DIFFERENTIABLE if type(out)
                                             in _NUMPY_TYPES else _differentiable(out))):
                outs = (res,)
                node = record(_new(cls if not low else op.low_node_class), (self,), outs)
                if view:  # (before the save: a saved output keeps the view's counter)
                    _make_view(res, 0, self, op, (self,) + rest)
                save(node, (self,) + rest, outs)
            elif view:
                _make_view(res, 0, self, op, (self,) + rest)
            if DUAL[0] is not None:
                push_tangents(op, (self,) + rest, (res,))
            return res
        return unary
    if op.view:
        return None
    if op.tensor_pos == op.diff_pos == (0, 1):
        # the saver of each requires-grad mask, found once
        save_self, save_other = op.saver((True, False)), op.saver((False, True))
        save_both = op.saver((True, True))

        def binary(self, other, *rest):
            # (_needs_grad written out: a call less per operand; a batched operand, a
            # Tensor subclass, looked for only among Tensors: NOTE [Batched tensors])
            if isinstance(self, Tensor):
                if type(self) is _Batched:
                    return batched_apply(op, (self, other) + rest)
                x = self._data
                a = (self if self._requires_grad or self._base is not None
                     and self.requires_grad else None)
                if isinstance(other, Tensor):
                    if type(other) is _Batched:
                        return batched_apply(op, (self, other) + rest)
                    y = other._data
                    b = (other if other._requires_grad or other._base is not None
                         and other.requires_grad else None)
                    low = x.dtype in _LOW or y.dtype in _LOW
                else:
                    y, b = other, None
                    low = x.dtype in _LOW
            elif isinstance(other, Tensor):
                if type(other) is _Batched:
                    return batched_apply(op, (self, other) + rest)
                x, y, a = self, other._data, None
                b = (other if other._requires_grad or other._base is not None
                     and other.requires_grad else None)
                low = y.dtype in _LOW
            else:
                return fwd(self, other, *rest)
            quiet = _quiet()  # NOTE [Floating-point warnings]
            try:
                out = fwd(x, y, *rest) if not low else widened_forward(op, (x, y) + rest)
            finally:
                _loud(quiet)
            res = _wrap(out)
            if ((a is not None or b is not None) and _gstate.enabled
                    and (out.dtype.kind in _DIFFERENTIABLE if type(out) in _NUMPY_TYPES
                         else _differentiable(out))):
                outs = (res,)
                save = save_self if b is None else save_other if a is None else save_both
                kind = cls if not low else op.low_node_class
                if low:
                    pass
                elif a is None or b is None:  # NOTE [Gradients in torch's promoted dtype]
                    fixed = x if a is None else y
                    if type(fixed) is _ndarray and fixed.dtype != out.dtype:
                        kind = op.mixed_node_class
                elif type(x) is type(y) is _ndarray and x.dtype != y.dtype:
                    # (both take a gradient: a float32 x times a float64 0-dim w)
                    kind = op.mixed_node_class
                save(record(_new(kind), (a, b), outs), (self, other) + rest, outs)
            if DUAL[0] is not None:
                push_tangents(op, (self, other) + rest, (res,))
            return res
        return binary
    return None


_ONE = (True,)
_SCALAR_PARAMS = ("min", "max", "value")
_DIFFERENTIABLE = "fc" + LOW_KIND  # the array kinds whose results take a gradient




def unpack_args(op, args):
    """The forward's arguments with each Tensor's array in its place, and per
    differentiable input the Tensor that takes a gradient (None: no gradient flows)."""
    arrays = list(args)
    inputs = []
    diff = op.diff_pos
    for i in op.tensor_pos:
        a = args[i]
        if isinstance(a, Tensor):
            arrays[i] = a._data
            if i in diff:
                inputs.append(a if _needs_grad(a) else None)
        elif i in diff:
            inputs.append(None)
    return arrays, inputs


def apply(op, args):
    """Run ``op`` on ``args`` (forward order); record a node when grad is on and needed."""
    if op.view and VARIANTS.swap is not None:  # NOTE [The view op, but a copy]
        op = take_variant(op)
    if op.variadic:
        tensors = args[0]
        for t in tensors:
            if type(t) is _Batched:
                return batched_apply(op, args)
        arrays = [[t._data if isinstance(t, Tensor) else t for t in tensors]]
        arrays += args[1:]
        inputs = [t if isinstance(t, Tensor) and t.requires_grad else None for t in tensors]
        wants = _any_input(inputs)
    else:
        # unpack_args written out, with the batched check in the same pass over the
        # tensor arguments (measured: a view op 3.6 to 3.4 us)
        arrays = list(args)
        inputs = []
        wants = False
        for i, diff in op.tensor_roles:
            a = args[i]
            if isinstance(a, Tensor):
                if type(a) is _Batched:  # NOTE [Batched tensors]
                    return batched_apply(op, args)
                arrays[i] = a._data
                if diff:
                    if a._requires_grad or a._base is not None and a.requires_grad:
                        inputs.append(a)
                        wants = True
                    else:
                        inputs.append(None)
            elif diff:
                inputs.append(None)
    low = any_low(arrays, op.tensor_pos)
    quiet = _quiet()  # NOTE [Floating-point warnings]
    try:
        out = op.forward(*arrays) if not low else widened_forward(op, arrays)
    except (AttributeError, TypeError) as e:  # (TypeError: a sparse array read as dense)
        raise _module_error(op, arrays, e) from None
    finally:
        _loud(quiet)
    outs = (_wrap(out),) if op.n_out == 1 else tuple(_wrap(o) for o in out)
    # an integer or bool result is not differentiable (x.long(), x.round().int(), ...)
    if (wants and _gstate.enabled
            and (op.n_out != 1 or (out.dtype.kind in _DIFFERENTIABLE if type(out) in _NUMPY_TYPES
                                   else _differentiable(out)))):
        diff_outs = op.differentiable_outputs
        node = record(_new(op.node_class if not low else op.low_node_class), inputs,
                      outs if diff_outs is None else
                      tuple(t if k in diff_outs else None for k, t in enumerate(outs)))
        if node._same_dtype_grads:  # NOTE [Gradients in torch's promoted dtype]
            _note_operand_dtypes(node, inputs, [arrays[i] for i in op.tensor_pos], out.dtype)
        if op.view:
            _make_views(outs, args, op)
        mask = _ONE if op.variadic else tuple([a is not None for a in inputs])
        save = op._savers.get(mask)
        (save if save is not None else op.saver(mask))(node, args, outs)
    elif op.view:
        _make_views(outs, args, op)
    if DUAL[0] is not None:
        push_tangents(op, args, outs)
    return outs[0] if op.n_out == 1 else outs


class _Variants(threading.local):
    # while a public view function runs as its copy (or unsafe) form: view op -> the Op
    # to run in its place, used once (NOTE [The view op, but a copy] in _view_copy.py)
    swap = None


VARIANTS = _Variants()


def take_variant(op):
    """The Op to run for the view ``op`` while a variant is asked for; the request is used
    up by the first view op, so the ops that op's function calls after it are themselves."""
    swap, VARIANTS.swap = VARIANTS.swap, None
    return swap.get(op, op)


def _module_error(op, arrays, error):
    """An op whose forward is NumPy-only met another module's array: torch's words for an
    op a backend lacks (NOTE [The array-module seam]; a sparse array read as a dense one
    raises TypeError); otherwise the error itself."""
    flat = [a for x in arrays for a in (x if isinstance(x, (list, tuple)) else (x,))]
    ns = _backend.array_module(*flat)
    if ns is xp or type(error) is TypeError and ns is not SPARSE:
        return error
    if ns is SPARSE:  # torch's dispatcher: the operator has no SparseCPU kernel
        return no_kernel(aten_name(op).partition("::")[2])
    return NotImplementedError(f"Could not run '{op.name or op.forward.__name__}' with "
                               f"arguments from the '{ns.__name__}' backend: it runs on "
                               "NumPy arrays only so far")


def _any_input(inputs):
    """Whether any input takes a gradient (``inputs.count(None)`` would compare Tensors)."""
    for a in inputs:
        if a is not None:
            return True
    return False


def _make_views(outs, args, op):
    base = args[op.tensor_pos[0]]
    for k, t in enumerate(outs):
        _make_view(t, k, base, op, args)


def _make_view(out, k, base, op, args):
    """Make ``out`` a view of ``base``: shared version counter, root ``_base``, replay fn."""
    out._version_counter = base._version_counter
    out._view_version = base._version_counter[0]
    root = base._base if base._base is not None else base
    out._base = root
    if root._geometry:
        out._geometry = root._geometry
    parent_fn = base._view_fn
    fwd = op.forward
    pos = op.tensor_pos[0]
    rest = list(args)

    def view_fn(array):
        if parent_fn is not None:
            array = parent_fn(array)
        rest[pos] = array
        r = fwd(*rest)
        return r[k] if isinstance(r, tuple) else r
    out._view_fn = view_fn
    steps = base._view_steps
    if op.replayed_view or steps is not None:
        out._view_steps = _view_steps(steps, base, op, args, k, _step_fn(fwd, rest, pos, k))
    # torch's propagate_creation_meta: a view of a view keeps the kind of its base unless
    # the mode or a multi-output op gives a new one; inference mode's is never replaced
    kind = ("inference" if _gstate.inference else "no_grad" if not _gstate.enabled
            else "multi" if op.n_out != 1 else None)
    prev = base._view_kind
    out._view_kind = prev if kind is None or prev == "inference" else kind
    # a view is an inference tensor when its base is one, whatever the mode now
    out._inference = base._inference


# NOTE [Replayed views]
# torch's as_strided describes a view by sizes, strides and offset, which cannot say that
# view_as_real or view_as_complex changed the dtype. A view made through one keeps its
# chain of steps from the root base instead (torch's ViewInfo::chain): the replayed op
# itself, and an as_strided step for each strided view after it (one more standing for
# every view before it). A stale view's grad_fn, and the region CopySlices writes under
# create_graph, come from replaying that chain on tensors (inplace.replay_view), so the
# graph holds ViewAsComplexBackward0 where torch's does.
def _view_steps(steps, base, op, args, k, step_fn):
    """The steps of a view made by ``op`` from ``base`` (whose steps are ``steps``):
    ("op", op, args, pos, k) replays a replayed view op, ("strided", fn) is an as_strided
    to the array ``fn`` gives from the previous step's."""
    if not op.replayed_view:
        return steps + (("strided", step_fn),)
    if steps is None:
        steps = (("strided", base._view_fn),) if base._base is not None else ()
    pos = op.tensor_pos[0]
    kept = list(args)
    kept[pos] = None  # (the input is the previous step's result: not kept alive here)
    return steps + (("op", op, tuple(kept), pos, k),)


def _step_fn(fwd, rest, pos, k):
    """The array function of one strided view op, from its input's array."""
    rest = list(rest)
    rest[pos] = None

    def step(array):
        args = list(rest)
        args[pos] = array
        r = fwd(*args)
        return r[k] if isinstance(r, tuple) else r
    return step


def run_formulas(node, grads, create_graph, widened=False, promoted=False):
    """The gradients for each input edge of a table node, given the grads of its outputs
    (``widened``: bfloat16 grads and saved arrays first made float32; ``promoted``: saved
    arrays first cast to the gradient's dtype)."""
    op = node._op
    # an op that saves no tensor (x + 1) has nothing to unpack: no call (measured: an
    # x + 1 chain's backward from 1.88 to 1.78 us per node)
    saved = (unpack_saved(node._saved, node, create_graph) if op.tensor_slot_list
             else node._saved)
    if widened:
        saved = [widen(v) for v in saved]
        grads = [widen(g) for g in grads]
    if promoted:
        saved = [_promoted(v, grads[0].dtype) for v in saved]
    grad = grads[0]
    if op.variadic:
        formula, spec = op.calls[0]
        return formula(*[grad if k == _GRAD else saved[k] for k in spec])
    if op.joint:  # NOTE [Joint formulas]
        formula, spec = op.calls[0]
        mask = tuple(fn is not None for fn, _ in node._next_functions)
        return list(formula(*[grad if k == _GRAD else grads if k == _GRADS else mask
                              if k == _MASK else saved[k] for k in spec]))
    # (a list of its final size, filled in: appends would resize it, measured as a
    # share of all the time a small graph spends in the allocator)
    result = [None] * len(op.calls)
    i = 0
    args = None
    for (fn, _), (formula, spec), take in zip(node._next_functions, op.calls, op.takers):
        if fn is None:
            pass
        elif spec == _ONLY_GRAD:
            result[i] = formula(grad)
        else:
            if args is None:  # (once per node, for all of its formulas)
                args = [*saved, grads, grad]
            result[i] = formula(*take(args)) if take is not None else formula(args[spec[0]])
        i += 1
    return result


def _simple_apply(op):
    """``run_formulas`` written out for the commonest nodes, or None: one output, one or
    two differentiable inputs, each formula asking for ``grad`` and at most one saved
    value (exp, tanh, mul, add, ...). One call per backward step where run_formulas
    makes two and loops (measured: tiny_chain's forward and backward 14% faster)."""
    if op.variadic or op.joint or op.n_out != 1 or len(op.calls) > 2 or not all(
            spec == _ONLY_GRAD or (len(spec) == 2 and spec[0] == _GRAD and spec[1] >= 0)
            for _, spec in op.calls):
        return None
    # per input: its formula and the slot of what it asks for besides grad (None: nothing)
    (f0, k0), (f1, k1) = [(f, spec[1] if len(spec) == 2 else None) for f, spec in op.calls
                          ] + [(None, None)] * (2 - len(op.calls))

    def arg(node, k, as_tensors):
        # unpack_saved's step for one slot: its common case first
        v = node._saved[k]
        if type(v) is not SavedValue:
            return v
        if v.counter[0] == v.version:
            if v.output_nr is None:
                return v.value if as_tensors else v.value._data
            if not as_tensors:
                return v.value
        return v.unpack(node, as_tensors)

    def simple(node, grads, create_graph):
        grad = grads[0]
        edges = node._next_functions
        g0 = (None if edges[0][0] is None else f0(grad) if k0 is None
              else f0(grad, arg(node, k0, create_graph)))
        if f1 is None:
            return [g0]
        return [g0, None if edges[1][0] is None else f1(grad) if k1 is None
                else f1(grad, arg(node, k1, create_graph))]
    return simple


def run_formulas_widened(node, grads, create_graph):
    """``run_formulas`` for a node with bfloat16 outputs: without create_graph the formulas
    run on float32 gradients (the engine rounds each result to its input's dtype once, as
    torch's fused backward kernels round); with it, op by op like any recorded graph."""
    return run_formulas(node, grads, create_graph, not create_graph)


# NOTE [Gradients in torch's promoted dtype]
# A formula run on arrays (create_graph=False) computes with NumPy's promotion, which is
# not torch's when an operand is an integer tensor or a 0-dim tensor of a wider float: in
# ``x * i`` (x float32, i int64) torch's gradient ``grad * i`` is float32, NumPy's float64.
# Where the operand that takes no gradient has another dtype than the result, the node is
# of the op's ``mixed_node_class``: its saved arrays are cast to the gradient's dtype
# before the formulas run, which is torch's promotion of a binary op's operands (so the
# values are torch's too), and the engine reduces its gradients to each input's dtype.
# A 0-dim operand beside float16 is cast to float32 instead: torch's float16 kernels read
# a 0-dim operand as a number of the type they compute in. (A float16 formula of several
# steps then rounds once where torch rounds each step.) With create_graph the formulas
# run on Tensors, which promote as torch does.
def run_formulas_promoted(node, grads, create_graph):
    """``run_formulas`` for a node of ``mixed_node_class`` (NOTE [Gradients in torch's
    promoted dtype])."""
    return run_formulas(node, grads, create_graph, promoted=not create_graph)


_HALF, _FLOAT = xp.dtype(xp.float16), xp.dtype(xp.float32)


def _promoted(value, dtype):
    """A saved value as torch's kernels take it beside a gradient of ``dtype``."""
    if type(value) is not _ndarray or value.dtype == dtype:
        return value
    return value.astype(_FLOAT if dtype == _HALF and value.ndim == 0 else dtype)


_GRAD, _GRADS, _MASK = -1, -2, -3
def derivative_not_implemented(name):
    """The formula of an input torch gives no derivative for: the backward raises, naming
    the op, as torch's does."""
    def formula(grad):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    formula.__name__ = f"{name.strip('_')}_derivative_not_implemented"
    return formula


_GIVEN = ("grad", "grads", "grad_input_mask")  # formula arguments that are not saved
_ONLY_GRAD = (_GRAD,)
OpNode._apply = run_formulas

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
import inspect

from .. import _backend
from .._size import Size
from ..autograd import grad_mode
from ..autograd.graph import ERR_BACKWARD_TWICE, Node, grad_accumulator, next_sequence_nr
from ..tensor import Tensor, _wrap

xp = _backend.xp
_ndarray = _backend.ndarray
_gstate = grad_mode.state
_new = object.__new__

ALL_OPS = []


class _SavedOutput:
    """An output saved by its own node: the array and version counter, not the Tensor
    (NOTE [Saved tensors] in autograd/graph.py)."""

    __slots__ = ("data", "counter", "output_nr")

    def __init__(self, tensor, output_nr):
        self.data = tensor._data
        self.counter = tensor._version_counter
        self.output_nr = output_nr


class OpNode(Node):
    """The node class of table ops: each op makes one subclass named as torch names it."""

    __slots__ = ("_meta",)
    _op = None

    def _apply(self, grads, create_graph):
        return run_formulas(self, grads, create_graph)

    def _release(self):
        # Only saved tensors are freed; sizes and numbers stay readable, as in torch,
        # so a node that saved no tensor can run again.
        saved = self._saved
        freed = None
        for i in self._op.tensor_slot_list:
            if saved[i] is not None and saved[i] is not _FREED:
                if freed is None:
                    freed = list(saved)
                freed[i] = _FREED
        if freed is not None:
            self._saved = tuple(freed)

    def __getattr__(self, name):
        if name.startswith("_saved_"):
            op = self._op
            i = op.saved_index.get(name[7:])
            if i is not None:
                value = self._saved[i]
                if self._versions[i] is not None and value is not _FREED:
                    _check_version(self, value, self._versions[i])
                return _unpack_public(self, value, i in op.tensor_slots)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


_WRAPPED = {float: xp.float64, int: xp.int64, bool: xp.bool_, complex: xp.complex128}
_FREED = object()  # a saved tensor after a backward without retain_graph


def _unpack_public(node, value, is_tensor):
    """``node._saved_<name>`` as torch shows it: a number given for a Tensor argument is the
    0-dim tensor torch wrapped it in; sizes are tuples."""
    if value is _FREED:
        raise RuntimeError(ERR_BACKWARD_TWICE)
    if isinstance(value, _SavedOutput):
        return _saved_output_tensor(node, value)
    if is_tensor and value is not None and not isinstance(value, Tensor):
        # torch wraps a number as a double, long, bool or complex double 0-dim tensor
        return _wrap(xp.asarray(value, dtype=_WRAPPED.get(type(value))))
    if isinstance(value, Size):
        return tuple(value)
    return value


def _saved_output_tensor(node, saved):
    t = _wrap(saved.data)
    t._version_counter = saved.counter
    t._grad_fn = node
    t._output_nr = saved.output_nr
    t._requires_grad = True
    return t


def _version_error(tensor_shape, legacy, who, version, expected):
    sizes = list(tensor_shape)
    part = f", which is output {who[1]} of {who[0]}," if who else ""
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{legacy} {sizes}]{part} is at version {version}; expected version "
        f"{expected} instead. Hint: enable anomaly detection to find the operation that failed "
        "to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def unpack_saved(node, as_tensors):
    """The node's saved values for its formulas: arrays, or Tensors under create_graph.

    Only the tensor slots hold tensors (or _FREED: the invariant _release relies on too),
    so only they are looked at, and the saved tuple itself is returned when none of them
    needs replacing (measured: 0.1 us of a 3.7 us backward step on tiny_split).
    """
    saved = node._saved
    versions = node._versions
    out = None
    for i in node._op.tensor_slot_list:
        v = saved[i]
        if v is None:
            continue
        if v is _FREED:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        expected = versions[i]
        if expected is None:
            continue  # a number given for a tensor argument
        if out is None:
            out = list(saved)
        if type(v) is _SavedOutput:
            if v.counter[0] != expected:
                _check_version(node, v, expected)
            out[i] = _saved_output_tensor(node, v) if as_tensors else v.data
        else:
            if v._version_counter[0] != expected:
                _check_version(node, v, expected)
            if not as_tensors:
                out[i] = v._data
    return saved if out is None else out


def _check_version(node, v, expected):
    """A saved tensor changed in place since it was saved fails, naming the op that wrote it."""
    if isinstance(v, _SavedOutput):
        now = v.counter[0]
        if now != expected:
            from .._dtype import _FROM_NP
            raise _version_error(v.data.shape, _FROM_NP[v.data.dtype]._legacy,
                                 (node._forward_op_name(), v.output_nr), now, expected)
        return
    now = v._version_counter[0]
    if now != expected:
        fn = v.grad_fn
        who = (fn._forward_op_name(), v._output_nr) if fn is not None else None
        raise _version_error(v._data.shape, v.dtype._legacy, who, now, expected)


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

    def __init__(op, node_name, forward, *, outputs=("result",), view=False,
                 nondiff=(), differentiable_outputs=None, variadic=False, **formulas):
        op.name = node_name
        # (the first parameter is `op`, not `self`: `self=` is a formula keyword)
        # variadic: the first parameter is a sequence of tensors (cat, stack), one edge
        # each; its formula returns a list, and may ask for ``tensors_sizes``.
        op.variadic = variadic
        op.forward = forward
        params = _parameter_names(forward, node_name)
        op.params = params
        op.formulas = formulas
        op.outputs = outputs
        op.view = view
        # positions of the forward's tensor arguments (differentiable ones first in order)
        op.tensor_pos = tuple(i for i, p in enumerate(params) if p in formulas or p in nondiff)
        op.diff_pos = tuple(i for i in op.tensor_pos if params[i] in formulas)
        # outputs=None: as many outputs as the forward returns (split, unbind)
        op.n_out = len(outputs) if outputs is not None else None
        op.differentiable_outputs = differentiable_outputs
        # every name any formula may ask for, in one order: the layout of node._saved
        names = []
        op.formula_args = {}
        for p, f in formulas.items():
            args = _parameter_names(f, node_name)
            op.formula_args[p] = args
            names += [a for a in args if a not in ("grad", "grads") and a not in names]
        op.saved_names = names
        op.saved_index = {n: i for i, n in enumerate(names)}
        # per differentiable input: its formula and where each argument comes from
        # (_GRAD, _GRADS, or an index into node._saved), so a backward step looks up nothing
        op.calls = tuple((formulas[params[pos]], tuple(
            _GRAD if a == "grad" else _GRADS if a == "grads" else op.saved_index[a]
            for a in op.formula_args[params[pos]])) for pos in
            (op.diff_pos if not variadic else (0,)))
        # the saved slots that hold tensors (freed after backward): tensor inputs, outputs
        tensor_params = {params[i] for i in op.tensor_pos}
        op.tensor_slots = frozenset(i for i, n in enumerate(names)
                                    if n in tensor_params or (outputs and n in outputs))
        op.tensor_slot_list = tuple(sorted(op.tensor_slots))
        op._plans = {}
        op._savers = {}  # mask -> _saver(plan(mask)), for _record_simple
        # a plain function for the common unary and binary ops: what methods and
        # operators call (see _make_fast)
        op.fast = (_make_fast(op) if formulas and not variadic and op.n_out == 1 and not view
                   else None)
        # ops with no formula (comparisons) never record a node
        op.node_class = type(node_name, (OpNode,), {
            "__slots__": (), "_name": node_name, "_op": op,
            "_n_outputs": op.n_out or 1}) if formulas else None
        ALL_OPS.append(op)

    def __repr__(self):
        return f"<Op {self.name}>"

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
            else:
                raise TypeError(f"{self.name}: a formula asks for unknown name {n!r}")
        p = self._plans[mask] = tuple(sources)
        return p

    def __call__(self, *args):
        """Tensors in: the op with autograd. Arrays in (a formula run without
        create_graph): the bare forward, so every op is also a formula building block."""
        if self.fast is not None:
            return self.fast(*args)
        if self.variadic:
            if any(isinstance(a, Tensor) for a in args[0]):
                return apply_variadic(self, args)
            return self.forward(*args)
        for i in self.tensor_pos:
            if isinstance(args[i], Tensor):
                return apply(self, args)
        return self.forward(*args)


def edge_of(t):
    """The graph edge a gradient for tensor ``t`` flows into."""
    fn = t._grad_fn if t._base is None else t.grad_fn  # a view's may need a refresh
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return (None, 0)


def _needs_grad(t):
    # a view requires grad when its base does (Tensor.requires_grad)
    return t._requires_grad or t._base is not None and t.requires_grad


def _make_fast(op):
    """``apply`` written out for a one-output op whose tensor arguments come first: one
    (``x.exp()``) or two (``x * y``, ``x + 1``) of them, all differentiable.

    The same steps as ``apply`` without packing and unpacking the arguments, and without
    building the per-input shape records when every input has the output's shape and
    dtype (measured: ``x * 0.5`` on a small tensor from 3.6 to 2.6 us with grad, 2.9 to
    1.9 us without).
    """
    fwd = op.forward
    if op.tensor_pos == op.diff_pos == (0,):
        def unary(self, *rest):
            if not isinstance(self, Tensor):  # arrays: a formula without create_graph
                return fwd(self, *rest)
            out = fwd(self._data, *rest)
            if (_gstate.enabled and (self._requires_grad or self._base is not None)
                    and _needs_grad(self) and out.dtype.kind in "fc"):
                return _record_simple(op, (self,) + rest, (True,), out)
            return _wrap(out)
        return unary
    if op.tensor_pos == op.diff_pos == (0, 1):
        def binary(self, other, *rest):
            if isinstance(self, Tensor):
                if isinstance(other, Tensor):
                    out = fwd(self._data, other._data, *rest)
                    mask = (self._requires_grad or _needs_grad(self),
                            other._requires_grad or _needs_grad(other))
                else:
                    out = fwd(self._data, other, *rest)
                    mask = (self._requires_grad or _needs_grad(self), False)
            elif isinstance(other, Tensor):
                out = fwd(self, other._data, *rest)
                mask = (False, other._requires_grad or _needs_grad(other))
            else:
                return fwd(self, other, *rest)
            if (mask[0] or mask[1]) and _gstate.enabled and out.dtype.kind in "fc":
                return _record_simple(op, (self, other) + rest, mask, out)
            return _wrap(out)
        return binary
    return None


_NO_EDGE = (None, 0)


def _record_simple(op, args, mask, out):
    """``record`` for a ``_make_fast`` op: ``mask`` says which inputs require grad."""
    node = _new(op.node_class)
    node._sequence_nr = next_sequence_nr()
    res = _wrap(out)
    res._grad_fn = node
    res._requires_grad = True
    shape, dtype = out.shape, out.dtype
    edges = []
    meta = None  # None: every input has the output's shape and dtype, nothing to reduce
    for j, needs in enumerate(mask):
        if not needs:
            edges.append(_NO_EDGE)
            continue
        a = args[j]
        # edge_of's common case (not a view, made by a node) written out, and _needs_grad
        # called only when _requires_grad is False (measured: x + y 3.0 to 2.87 us)
        fn = a._grad_fn
        edges.append((fn, a._output_nr) if fn is not None and a._base is None else edge_of(a))
        d = a._data
        if d.shape != shape or d.dtype != dtype:
            if meta is None:
                meta = [None] * len(mask)
            meta[j] = (d.shape, d.dtype)
    node.next_functions = tuple(edges)
    node._meta = meta
    saver = op._savers.get(mask)
    if saver is None:
        saver = op._savers[mask] = _saver(op.plan(mask))
    saver(node, args, res)
    return res


def apply(op, args):
    """Run ``op`` on ``args`` (forward order); record a node when grad is on and needed."""
    arrays = list(args)
    needs = False
    diff = op.diff_pos
    for i in op.tensor_pos:
        a = args[i]
        if isinstance(a, Tensor):
            arrays[i] = a._data
            if i in diff and (a._requires_grad or a._base is not None and a.requires_grad):
                needs = True
    out = op.forward(*arrays)
    # an integer or bool result is not differentiable (x.long(), x.round().int(), ...)
    if not needs or not _gstate.enabled or (op.n_out == 1 and out.dtype.kind not in "fc"):
        if op.n_out == 1:
            res = _wrap(out)
            if op.view:
                _make_view(res, 0, args[op.tensor_pos[0]], op, args)
            return res
        outs = tuple(_wrap(o) for o in out)
        if op.view:
            for k, t in enumerate(outs):
                _make_view(t, k, args[op.tensor_pos[0]], op, args)
        return outs
    return record(op, args, out)


def record(op, args, out):
    """Wrap the outputs of ``op`` and build its node, edges and saved values."""
    node = _new(op.node_class)
    node._sequence_nr = next_sequence_nr()
    edges = []
    meta = []
    mask = []
    for i in op.diff_pos:
        a = args[i]
        if isinstance(a, Tensor):
            # a view requires grad when its base does (Tensor.requires_grad)
            needs = a._requires_grad or a._base is not None and a.requires_grad
            edges.append(edge_of(a) if needs else (None, 0))
            meta.append((a._data.shape, a._data.dtype))
        else:
            needs = False
            edges.append((None, 0))
            meta.append(None)
        mask.append(needs)
    node.next_functions = tuple(edges)
    node._meta = meta
    if op.n_out == 1:
        outs = (_wrap(out),)
    else:
        outs = tuple(_wrap(o) for o in out)
        node._n_outputs = len(outs)
    diff_outs = op.differentiable_outputs
    for k in (range(len(outs)) if diff_outs is None else diff_outs):
        t = outs[k]
        t._grad_fn = node
        t._output_nr = k
        t._requires_grad = True
    if op.view:
        base = args[op.tensor_pos[0]]
        for k, t in enumerate(outs):
            _make_view(t, k, base, op, args)
    _save(node, op, op.plan(tuple(mask)), args, outs)
    return outs[0] if op.n_out == 1 else outs


def apply_variadic(op, args):
    """``apply`` for an op whose first argument is a sequence of tensors."""
    tensors = args[0]
    arrays = [t._data if isinstance(t, Tensor) else t for t in tensors]
    out = op.forward(arrays, *args[1:])
    if not _gstate.enabled or not any(isinstance(t, Tensor) and t.requires_grad for t in tensors):
        return _wrap(out)
    node = _new(op.node_class)
    node._sequence_nr = next_sequence_nr()
    node.next_functions = tuple(edge_of(t) if isinstance(t, Tensor) and t.requires_grad
                                else (None, 0) for t in tensors)
    node._meta = [(a.shape, a.dtype) for a in arrays]
    res = _wrap(out)
    res._grad_fn = node
    res._requires_grad = True
    _save(node, op, op.plan((True,)), args, (res,))
    return res


_INFERENCE_SAVE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`.")


def _save(node, op, sources, args, outs, out_bump=0):
    """Fill ``node._saved`` and ``node._versions`` from the plan's ``sources``.

    ``out_bump``: added to the outputs' versions (an in-place op saves before its write).
    """
    n = len(sources)
    saved = [None] * n
    versions = [None] * n
    for k in range(n):
        src = sources[k]
        if src is None:
            continue
        kind, i = src
        if kind == "arg":
            v = saved[k] = args[i]
            if isinstance(v, Tensor):
                if v._inference:
                    raise RuntimeError(_INFERENCE_SAVE)
                versions[k] = v._version_counter[0]
        elif kind == "out":
            t = outs[i]
            saved[k] = _SavedOutput(t, i)
            versions[k] = t._version_counter[0] + out_bump
        elif kind == "sizes":
            saved[k] = [tuple(getattr(t, "shape", ())) for t in args[0]]
        elif kind == "strides":  # in elements, as Tensor.stride() gives them
            a = args[i]._data
            saved[k] = tuple(st // a.itemsize for st in a.strides)
        elif kind == "shape":
            v = args[i]
            saved[k] = Size(v._data.shape) if isinstance(v, Tensor) else Size(())
        else:
            v = args[i]
            saved[k] = v._data.size if isinstance(v, Tensor) else 1
    node._saved = tuple(saved)
    node._versions = tuple(versions)


def _saver(sources):
    """``_save`` specialised to one plan of a ``_make_fast`` op (one output ``res``): the
    slots to fill are found once, not per call, and a plan that saves nothing shares one
    tuple of Nones (measured: 0.2 us of a 3.3 us forward step on tiny_split)."""
    nones = (None,) * len(sources)
    if any(s is not None and s[0] not in ("arg", "out") for s in sources):
        return lambda node, args, res: _save(node, None, sources, args, (res,))
    at_args = tuple((k, s[1]) for k, s in enumerate(sources) if s is not None and s[0] == "arg")
    at_out = tuple(k for k, s in enumerate(sources) if s is not None and s[0] == "out")

    def save_nothing(node, args, res):
        node._saved = node._versions = nones

    def save(node, args, res):
        saved = list(nones)
        versions = list(nones)
        for k, i in at_args:
            v = saved[k] = args[i]
            if isinstance(v, Tensor):
                if v._inference:
                    raise RuntimeError(_INFERENCE_SAVE)
                versions[k] = v._version_counter[0]
        for k in at_out:
            saved[k] = _SavedOutput(res, 0)
            versions[k] = res._version_counter[0]
        node._saved = tuple(saved)
        node._versions = tuple(versions)
    return save if at_args or at_out else save_nothing


def _make_view(out, k, base, op, args):
    """Make ``out`` a view of ``base``: shared version counter, root ``_base``, replay fn."""
    out._version_counter = base._version_counter
    out._view_version = base._version_counter[0]
    root = base._base if base._base is not None else base
    out._base = root
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
    if not _gstate.enabled:
        out._no_grad_view = True
    if op.n_out != 1:
        out._multi_view_of = op.name
    # a view is an inference tensor when its base is one, whatever the mode now
    out._inference = base._inference


def run_formulas(node, grads, create_graph):
    """The gradients for each input edge of a table node, given the grads of its outputs."""
    op = node._op
    # an op that saves no tensor (x + 1) has nothing to unpack: no call (measured: an
    # x + 1 chain's backward from 1.88 to 1.78 us per node)
    saved = unpack_saved(node, create_graph) if op.tensor_slot_list else node._saved
    grad = grads[0]
    if op.variadic:
        formula, spec = op.calls[0]
        return formula(*[grad if k == _GRAD else saved[k] for k in spec])
    result = []
    for (fn, _), (formula, spec) in zip(node.next_functions, op.calls):
        if fn is None:
            result.append(None)
        elif spec == _ONLY_GRAD:  # the two commonest shapes, without building a list
            result.append(formula(grad))
        elif len(spec) == 2 and spec[0] == _GRAD and spec[1] >= 0:
            result.append(formula(grad, saved[spec[1]]))
        else:
            result.append(formula(*[grad if k == _GRAD else grads if k == _GRADS else saved[k]
                                    for k in spec]))
    return result


_GRAD, _GRADS = -1, -2
_ONLY_GRAD = (_GRAD,)

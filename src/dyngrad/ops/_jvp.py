"""Forward mode: an op's JVP rule, beside its VJP formulas in the op's one declaration.

An op's ``jvp=`` says how the tangent of its output follows from the tangents of its
inputs (derivatives.yaml's ``result:`` lines), in one of four ways:

``ELEMENTWISE`` (derivatives.yaml's ``auto_element_wise``)
    The VJP formulas with each input's tangent in place of ``grad``, summed over the inputs
    that have one: right for an op whose derivative is a diagonal per element (``exp``,
    ``mul``, ``where``), ``conj(formula(conj(tangent)))`` for complex values.
``LINEAR`` (``auto_linear``)
    The op itself applied to the tangents (a missing one is zeros): views, sums, ``cat``.
    A view op makes the output's tangent a view of the input's tangent, as torch does.
``TRANSPOSED``
    The VJP formulas transposed: ``J t`` is the gradient in ``u`` of ``<J^T u, t>``, one
    reverse pass through the formulas themselves (NOTE [The double-backward trick] in
    autograd/functional.py). Right for any op whose formulas are written with dyngrad's
    ops and are differentiable in ``grad``; used where a hand-written rule would repeat
    the formulas (pooling, normalization layers, losses, sorting, the decompositions),
    at the price of a small graph and a backward run per call. With complex values the
    pairing is the real inner product ``Re(sum(conj(u) v))`` in which torch's gradients
    (conjugate Wirtinger) are adjoints, so the same reverse pass gives ``J t``.
a function (``result:``)
    Its parameters name what it needs, as a formula's do: a forward parameter (the
    primal), ``result`` or the output names, and ``<param>_t``, the tangent of a
    differentiable input (zeros when that input has none). It returns the tangent of
    the output (a tuple for several outputs).

Rules are written with dyngrad's ops on Tensors, so that the tangent carries a graph:
reverse-over-forward and forward-over-reverse come for free. They run with no dual level
in force (NOTE [Dual levels] in _autograd_state.py): the ops a rule calls see plain tensors.
"""
from .._autograd_state import DUAL, set_tangent, tangent_of
from ..autograd import grad_mode
from ..autograd.graph import sum_to
from ..autograd.saved_value import SavedValue, _size_of
from ..creation import full_like, zeros as _zeros_of, zeros_like as _zeros
from ..tensor import Tensor, _wrap

_gstate = grad_mode.state


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


ELEMENTWISE = _Marker("ELEMENTWISE")
LINEAR = _Marker("LINEAR")
TRANSPOSED = _Marker("TRANSPOSED")

_UNSUPPORTED = ("Trying to use forward AD with {} that does not support it because it has not "
                "been implemented yet.\nPlease file an issue to PyTorch at https://github.com/"
                "pytorch/pytorch/issues/new?template=feature-request.yml so that we can "
                "prioritize its implementation")
# (an op with a derivatives.yaml entry is asked for a rule there; an in-place op is not)
_OR_SUBMIT = " or submit a PR adding the implementation to derivatives.yaml"


def unsupported_error(op):
    """torch's refusal of forward AD through an op without a rule: an op without
    derivatives at all (a NotImplemented node) names its aten op; another op says its rule
    is not written yet."""
    name = op.jvp_name or op.name
    if op.name == "torch::autograd::NotImplemented":
        name = "aten::" + next(iter(op.formulas.values())).__name__.removesuffix(
            "_backward_not_implemented")
    if name.startswith("aten::"):
        return NotImplementedError(f"Trying to use forward AD with {name} that does not "
                                   "support it.")
    return NotImplementedError(_UNSUPPORTED.format(name)
                               + ("." if name.endswith("_") else _OR_SUBMIT))


def input_tangents(op, args):
    """Per differentiable input, its tangent (None: none); None when no input has one."""
    if op.variadic:
        ts = [tangent_of(a) if isinstance(a, Tensor) else None for a in args[0]]
    else:
        ts = [tangent_of(args[i]) if isinstance(args[i], Tensor) else None for i in op.diff_pos]
    for t in ts:
        if t is not None:
            return ts
    return None


def push_tangents(op, args, outs):
    """After ``op`` ran on ``args`` with a dual level open: the tangents of ``outs``."""
    tangents = input_tangents(op, args)
    if tangents is None:
        return
    results = output_tangents(op, args, outs, tangents)
    diff = op.differentiable_outputs
    for k, (o, r) in enumerate(zip(outs, results)):
        if (r is not None and o is not None and o._data.dtype.kind in "fc"
                and (diff is None or k in diff)):
            set_tangent(o, r)
    # (the node is on the differentiable outputs: LU's permutation P, first, has none)
    node = next((o._grad_fn for o in outs if o is not None and o._grad_fn is not None), None)
    if node is not None and op.outputs and type(node._saved) is tuple:
        # a saved output is kept as its array: its tangent goes beside it, so that the
        # Tensor a formula unpacks (``result``) carries the tangent again under a backward
        # run in this level (forward-over-reverse); under vmap it is kept as a twin
        # BatchedTensor (ops/_batched.py), which shares its sample array
        for v in node._saved:
            if type(v) is SavedValue and v.output_nr is not None:
                o = outs[v.output_nr]
                value = v.value
                if value is o._data or isinstance(value, Tensor) and value._data is o._data:
                    v.fw = o._fw


def inplace_tangent(op, args, out):
    """The tangent ``self`` will have after an in-place ``op`` writes ``out`` into it
    (from the inputs' tangents as they are before the write), or None. ``out`` is the
    written array, or ``self`` itself after the write (see reads_result_only)."""
    tangents = input_tangents(op, args)
    if tangents is None:
        return None
    own = tangents[0]
    if own is not None and _gstate.enabled and (own.requires_grad or args[0].requires_grad):
        # the rule may save self's tangent, which the write then changes in place (a
        # recorded copy_): it sees a copy, as torch's in-place rules see original_self_t
        tangents = [own.clone()] + list(tangents[1:])
    return output_tangents(op, args, (out if isinstance(out, Tensor) else _wrap(out),),
                           tangents)[0]


def reads_result_only(op):
    """Whether ``op``'s forward rule reads its result and not the input an in-place form
    overwrites (elu_): its tangent is then taken after the write, from ``self`` with the
    node that wrote it, so that reverse mode through the tangent reaches the inputs."""
    names = (op.jvp_args if op.jvp_args is not None
             else [a for args in op.formula_args.values() for a in args])
    written = op.params[op.tensor_pos[0]]
    return (written not in names and op.outputs is not None
            and any(n in op.outputs for n in names))


def write_tangent(self, tangent):
    """After an in-place write: ``self``'s tangent becomes ``tangent``, written into the
    tangent it has (which its views and its base share, as torch updates it in place). A
    view with none gets a region of a new zero tangent of its base."""
    current = tangent_of(self)
    if current is None:
        base = self._base
        if base is None:
            set_tangent(self, tangent if tangent._base is None else tangent.clone())
            return
        if tangent_of(base) is None:
            set_tangent(base, _zeros(base))
        self._fw = None
        current = tangent_of(self)
    if not current._data.flags.writeable:  # a broadcast tangent (x + 1 of an expanded x)
        current = current.clone()
        set_tangent(self, current)
    if _gstate.enabled and (tangent.requires_grad or current.requires_grad) and not (
            current._grad_fn is None and current._requires_grad):
        # a tangent with a graph (reverse-over-forward): the write is recorded, as torch's
        # copy_ into the tangent is (a leaf that requires grad is refused it: written below)
        level = DUAL[0]
        DUAL[0] = None
        try:
            current.copy_(tangent)
        finally:
            DUAL[0] = level
        return
    data = current._data
    value = tangent._data
    if data.ndim == 0:
        data[()] = value
    else:
        data[...] = value
    current._version_counter[0] += 1


def output_tangents(op, args, outs, tangents):
    """The tangent of each output (a list aligned with ``outs``; None where none)."""
    rule = op.jvp
    if rule is None:
        raise unsupported_error(op)
    level = DUAL[0]
    DUAL[0] = None
    try:
        if rule is ELEMENTWISE:
            r = [_elementwise(op, args, outs, tangents)]
        elif rule is LINEAR:
            r = _linear(op, args, tangents)
        elif rule is TRANSPOSED:
            r = _transposed(op, args, outs, tangents)
        else:
            r = rule(*_bind(op, op.jvp_args, args, outs, tangents))
        r = list(r) if isinstance(r, (tuple, list)) else [r]
        if not _gstate.enabled:  # a tangent made with grad off has no graph
            r = [t.detach() if isinstance(t, Tensor) and t._grad_fn is not None else t
                 for t in r]
        return [_as_output(t, o) for t, o in zip(r, outs)]
    finally:
        DUAL[0] = level


def _as_output(t, out):
    """A rule's result as the tangent of ``out``: a Tensor of its shape (a rule may give a
    broadcastable one, or a number where the tangent is constant)."""
    if t is None or out is None:
        return None
    if not isinstance(t, Tensor):
        return full_like(out, t)
    if t._data.dtype.kind == "c" and out._data.dtype.kind != "c":
        from .pointwise import real_op  # (pointwise.py imports the table, which imports us)
        t = real_op(t)  # a real result of complex inputs (abs): torch's handle_r_to_c
    if tuple(t.shape) != tuple(out.shape):
        t = t.expand(out.shape).clone()
    return t


def _bind(op, names, args, outs, tangents, grads=None, mask=None):
    """The values a rule's or a formula's parameters name."""
    params = op.params
    diff_names = [params[i] for i in op.diff_pos] if not op.variadic else [params[0]]
    values = []
    for n in names:
        if n == "grad":
            values.append(grads[0])
        elif n == "grads":
            values.append(grads)
        elif n == "grad_input_mask":
            values.append(mask)
        elif n.endswith("_t") and n[:-2] in diff_names:
            k = diff_names.index(n[:-2])
            if op.variadic:
                values.append([t if t is not None else _zero_tangent(a)
                               for t, a in zip(tangents, args[0])])
            else:
                t = tangents[k]
                values.append(t if t is not None else _zero_tangent(args[op.diff_pos[k]]))
        elif n in params:
            values.append(args[params.index(n)])
        elif op.outputs and n in op.outputs:
            values.append(outs[op.outputs.index(n)])
        elif n == "tensors_sizes":
            values.append(_size_of("sizes", args[0]))
        else:  # <param>_sym_sizes, _sym_numel, _sym_strides: as the node would save them
            p, _, what = n.rpartition("_sym_")
            values.append(_size_of(_SIZE_KIND[what], args[params.index(p)]))
    return values


_SIZE_KIND = {"sizes": "shape", "numel": "numel", "strides": "strides"}


def _conj(t):
    return t.conj() if isinstance(t, Tensor) and t._data.dtype.kind == "c" else t


def _elementwise(op, args, outs, tangents):
    total = None
    shape = outs[0]._data.shape
    for k, t in enumerate(tangents):
        if t is None:
            continue
        p = op.params[op.diff_pos[k]]
        formula = op.formulas[p]
        names = op.formula_args[p]
        if t._data.shape != shape:  # a formula takes an output-shaped grad
            t = t.expand(shape)
        term = _conj(formula(*_bind(op, names, args, outs, tangents, grads=[_conj(t)])))
        total = term if total is None else total + term
    for t in tangents:
        if total is t:  # an identity formula (x + 1): the output's tangent is its own,
            return t.clone()  # which an in-place write may change (write_tangent)
    return total


def _zero_tangent(a):
    """The tangent of an input that has none: zeros (0 for a number)."""
    return _zeros(a) if isinstance(a, Tensor) else 0


def _linear(op, args, tangents):
    new = list(args)
    if op.variadic:
        new[0] = [t if t is not None else _zero_tangent(a) for t, a in zip(tangents, args[0])]
    else:
        for k, i in enumerate(op.diff_pos):
            t = tangents[k]
            new[i] = t if t is not None else _zero_tangent(args[i])
    return op(*new)


def pairing(g, t):
    """``<g, t>``, the real inner product the formulas are adjoint in: ``Re(sum(conj(g) t))``
    (a complex number is a pair of reals). A formula's complex gradient of a real input is
    its real part (as the engine takes it), which the real part of the product keeps."""
    if g._data.dtype.kind == "c" or t._data.dtype.kind == "c":
        return (_conj(g) * t).real.sum()
    return (g * t).sum()


def _lifted_zeros(out, levels, lifted):
    """Zeros shaped as a sample of ``out``, batched at ``levels``, taking a gradient (set as
    an attribute: a rule may run inside a torch.func transform, which refuses
    requires_grad_())."""
    if not levels:
        u = _zeros(out)
        u.requires_grad = True
        return u
    u = lifted(_zeros_of(tuple(out.shape), dtype=out.dtype), levels)
    u._requires_grad = True
    return u


def _transposed(op, args, outs, tangents):
    """``J t`` as the gradient in ``u`` of ``<J^T u, t>`` (see the module's docstring)."""
    from ..autograd import grad as autograd_grad  # the engine sits above the op table
    from ._batched import levels_of, lifted  # (_batched imports this module)
    diff = op.differentiable_outputs
    # under vmap, u is batched wherever a primal or a tangent is: <J^T u, t> is then one
    # number per sample, and its gradient in u is each sample's J t
    levels = levels_of(list(tangents) + list(outs) + [
        a for a in (args[0] if op.variadic else args) if isinstance(a, Tensor)])
    with grad_mode.enable_grad():
        us = [_lifted_zeros(o, levels, lifted) if o is not None and o._data.dtype.kind in "fc"
              and (diff is None or k in diff) else None for k, o in enumerate(outs)]
        given = us
        if sum(u is not None for u in us) > 1:
            # an output a multi-output op leaves empty (a backward's grad_bias where the
            # mask says no) takes no gradient, as in a backward run: its formula is not
            # told to use one (a lone differentiable output is empty only for an empty
            # input, a group norm's empty batch)
            given = [None if u is not None and u._data.size == 0 else u for u in us]
        total = 0
        if op.variadic:
            formula = op.formulas[op.params[0]]
            gs = formula(*_bind(op, op.formula_args[op.params[0]], args, outs, tangents,
                                grads=given))
            pairs = [(g, t, a) for g, t, a in zip(gs, tangents, args[0])]
        elif op.joint:
            p0 = op.params[op.diff_pos[0]]
            mask = tuple(t is not None for t in tangents)
            gs = op.formulas[p0](*_bind(op, op.formula_args[p0], args, outs, tangents,
                                        grads=given, mask=mask))
            pairs = [(g, t, args[i]) for g, t, i in zip(gs, tangents, op.diff_pos)]
        else:
            pairs = []
            for k, t in enumerate(tangents):
                if t is not None:
                    p = op.params[op.diff_pos[k]]
                    g = op.formulas[p](*_bind(op, op.formula_args[p], args, outs, tangents,
                                              grads=given))
                    pairs.append((g, t, args[op.diff_pos[k]]))
        for g, t, a in pairs:
            if g is not None and t is not None:
                total = total + pairing(sum_to(g, tuple(a.shape)), t)
        wanted = [u for u in us if u is not None]
        if not isinstance(total, Tensor) or not total.requires_grad:
            return [None if u is None else _zeros(u) for u in us]
        got = iter(autograd_grad(total, wanted, create_graph=True, allow_unused=True,
                                 materialize_grads=True))
    return [None if u is None else next(got) for u in us]

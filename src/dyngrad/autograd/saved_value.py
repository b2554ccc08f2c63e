"""SavedValue: one tensor a node saved for its backward (torch's SavedVariable).

Every saved tensor goes through this one class: the inputs and outputs table ops save,
in-place ops, views, and custom Functions' ``save_for_backward``. It holds the data, the
version at save time, the output number (for an output of the node itself) and whether it
has been freed, and it is what saved-tensor hooks see.

    sv = SavedValue(x)                    # an input (or any tensor the node did not make)
    sv = SavedValue(y, is_output=True)    # an output of the node (y.grad_fn is the node)
    sv.unpack(node)                       # a Tensor (under create_graph: it links back)
    sv.unpack(node, as_tensor=False)      # the bare array (a first-order backward)
    sv.free()                             # after a backward without retain_graph

NOTE [Saved tensors]
A saved input is kept as the Tensor object itself, so that a double backward links to the
input's own graph; a saved output as its array and version counter (keeping the output
Tensor would make a cycle output -> grad_fn -> output), made a Tensor again on unpacking.
Next to it is the version seen at save time; unpacking compares it with the version now
and fails with torch's message naming the op that last wrote the tensor. After a backward
without retain_graph the node frees its saved values, and unpacking one raises
ERR_BACKWARD_TWICE. Numbers and sizes a node saves are not SavedValues: they stay
readable, so a node that saved no tensor can run again.

Under ``saved_tensors_hooks`` (autograd/graph.py), the innermost pack hook's result is
kept instead of the tensor; unpacking calls the unpack hook each time, and checks no
version (the hooks own the data then), as torch does.
"""
import weakref

from .. import _backend, _dtype
from .._sparse_coo import SparseCoo
from .._size import Size
from .._autograd_state import HOOKS_IN_USE, state as _gstate
from ..tensor import Tensor, _wrap

__all__ = ["SavedValue", "compile_saver", "unpack_saved", "release", "saved_input",
           "ERR_BACKWARD_TWICE"]

ERR_BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")
_INFERENCE_SAVE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`.")
_PACK_INPLACE = (
    "A saved tensor pack hook is modifying its input in place. Tensors provided as input to "
    "pack hook cannot be modified by in-place operations as this can lead to unexpected "
    "side-effects. Please open an issue if you need to perform in-place operations on the "
    "input to a pack hook.")

_ndarray = _backend.ndarray
_FREED = object()
# The version counter of a freed or packed value: its [0] never equals a version, so the
# one comparison of the fast path (unpack_saved) sends such a value to unpack().
_NEVER = [None]
_NUMBER = -1  # the output_nr of FREED_NUMBER
_new = object.__new__
_weakref = weakref.ref


class _Packed:
    """What a pack hook returned, and what unpacking needs to put the tensor back in its
    place in the graph: the unpack hook, and for an input its edge."""

    __slots__ = ("packed", "unpack_hook", "edge", "leaf")


class SavedValue:
    """One saved tensor: ``value`` (the input Tensor, the output's array, or a _Packed),
    ``version`` at save time, ``counter`` (the tensor's version counter), ``output_nr``
    (None for a saved input)."""

    # fw: a saved output's (dual level, tangent), set by forward mode only (ops/_jvp.py)
    __slots__ = ("value", "version", "counter", "output_nr", "fw")

    def __init__(self, tensor, is_output=False, output_nr=None):
        if tensor._inference:
            raise RuntimeError(_INFERENCE_SAVE)
        counter = tensor._version_counter
        self.version = counter[0]
        # (a non-differentiable output is not wired to the node: its number is given)
        self.output_nr = ((tensor._output_nr if output_nr is None else output_nr)
                          if is_output else None)
        hooks = _gstate.saved_hooks if HOOKS_IN_USE[0] else None
        if hooks is None:
            self.counter = counter
            self.value = tensor._data if is_output else tensor
        else:
            self._pack(tensor, hooks, is_output)

    # -- saved-tensor hooks -----------------------------------------------------------
    def _pack(self, tensor, hooks, is_output):
        if _gstate.saved_hooks_disabled is not None:
            raise RuntimeError(_gstate.saved_hooks_disabled)
        pack, unpack = hooks
        prev = _gstate.enabled
        _gstate.enabled = False  # torch runs pack hooks with grad mode off
        try:
            packed = pack(tensor)
        finally:
            _gstate.enabled = prev
        if tensor._version_counter[0] != self.version:
            raise RuntimeError(_PACK_INPLACE)
        p = _Packed()
        p.packed = packed
        p.unpack_hook = unpack
        # An input's edge, taken now: the unpacked tensor is a new Tensor that must feed
        # the same node (or the same leaf's AccumulateGrad) as the tensor saved.
        p.edge = None
        p.leaf = False
        if not is_output and tensor.requires_grad:
            from .graph import edge_of  # (graph.py imports this module)
            p.edge = edge_of(tensor)
            p.leaf = tensor.grad_fn is None
        self.value = p
        self.counter = _NEVER

    def _unpack_hooked(self, node, as_tensor):
        p = self.value
        got = p.unpack_hook(p.packed)
        if not isinstance(got, Tensor):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                            f"result of type {type(got).__name__}")
        if not as_tensor:
            return got._data
        t = _wrap(got._data)
        t._version_counter = got._version_counter
        if self.output_nr is not None:
            fn, nr = node, self.output_nr
        elif p.edge is not None:
            fn, nr = p.edge
        else:
            return t
        t._requires_grad = True
        if p.leaf:  # fn is the leaf's AccumulateGrad: the unpacked tensor feeds it too
            t._grad_acc = _weakref(fn)
            t._acc_keepalive = fn
        else:
            t._grad_fn = fn
            t._output_nr = nr
        return t

    # -- unpacking and freeing --------------------------------------------------------
    def unpack(self, node=None, as_tensor=True):
        """The saved tensor, checked: a Tensor (an output links to ``node``, the node that
        saved it), or with ``as_tensor=False`` its array."""
        value = self.value
        if value is _FREED:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        if type(value) is _Packed:
            return self._unpack_hooked(node, as_tensor)
        if self.counter[0] != self.version:
            raise self._version_error(node)
        if self.output_nr is None:
            return value if as_tensor else value._data
        if not as_tensor:
            return value
        # (a BatchedTensor output is kept as one: NOTE [Batched tensors] in ops/_batched.py)
        t = value._twin() if isinstance(value, Tensor) else _wrap(value)
        t._version_counter = self.counter
        fw = getattr(self, "fw", None)
        if fw is not None:
            t._fw = fw
        diff = node._differentiable_outputs if node is not None else None
        if diff is None or self.output_nr in diff:  # a non-differentiable output has no graph
            t._grad_fn = node
            t._output_nr = self.output_nr
            t._requires_grad = True
        return t

    def free(self):
        self.value = _FREED
        self.counter = _NEVER

    @property
    def freed(self):
        return self.value is _FREED

    @property
    def is_number(self):
        return self.output_nr == _NUMBER

    def _version_error(self, node):
        now = self.counter[0]
        value = self.value
        if self.output_nr is not None:
            data = value
            who = (node._forward_op_name(), self.output_nr) if node is not None else None
        else:
            data = value._data
            fn = value.grad_fn
            who = (fn._forward_op_name(), value._output_nr) if fn is not None else None
        part = f", which is output {who[1]} of {who[0]}," if who else ""
        legacy = _type_string(_dtype._FROM_NP[data.dtype], type(data) is SparseCoo)
        if not _gstate.anomaly:
            hint = ("enable anomaly detection to find the operation that failed to compute its "
                    "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
        else:
            hint = ("the backtrace further above shows the operation that failed to compute "
                    "its gradient. The variable in question was changed in there or anywhere "
                    "later. Good luck!")
            if len(self.counter) > 1:  # beyond torch: the write's line (note_inplace_write)
                made, where = self.counter[1]
                hint += (" The last in-place operation recorded in anomaly mode took it to "
                         f"version {made}:\n{where.rstrip()}")
        return RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{legacy} {list(data.shape)}]{part} is at version {now}; "
            f"expected version {self.version} instead. Hint: {hint}")


# the scalar types torch's messages name by their legacy Python class (torch.FloatTensor);
# the others keep the C++ type's name (CPUBoolType)
_LEGACY_NAMED = frozenset(("Float", "Double", "Half", "Byte", "Char", "Short", "Int", "Long"))


def _type_string(dtype, sparse=False):
    if dtype._cname in _LEGACY_NAMED:
        return f"torch.{'sparse.' if sparse else ''}{dtype._legacy}"
    return f"{'Sparse' if sparse else ''}CPU{dtype._cname}Type"


def saved_input(tensor, version):
    """A SavedValue of an input as it was at ``version``, made when it is checked: for a
    tensor kept beside a node's saved values (the index tensors of an IndexKey), which no
    pack hook sees."""
    sv = _new(SavedValue)
    sv.value = tensor
    sv.counter = tensor._version_counter
    sv.version = version
    sv.output_nr = None
    return sv


def compile_saver(sources, tensor_pos=()):
    """``save(node, args, outs)``: fills ``node._saved`` for one layout of saved things,
    found once per layout rather than per call. ``sources`` has one entry per slot: None
    (nothing), ``("arg", i)`` forward argument i (a SavedValue when it is a tensor and i
    is in ``tensor_pos``; a number given there is kept as it is), ``("out", k)`` output k
    (a SavedValue), ``("shape", i)`` / ``("numel", i)`` argument i's sizes or size,
    ``("sizes", i)`` the sizes of the tensors of sequence argument i. ``outs=None``
    leaves the outputs' slots empty, for an in-place op that saves its output after the
    write (``save.out_slots`` lists them).

    SavedValue's construction is written out here when no hook is in force (measured:
    half the cost of the class call; a table op saves one or two per call), and a layout
    that saves nothing shares one tuple of Nones (0.2 us of a 3.3 us forward step).
    """
    nones = (None,) * len(sources)
    at_tensors = tuple((k, s[1]) for k, s in enumerate(sources)
                       if s is not None and s[0] == "arg" and s[1] in tensor_pos)
    at_args = tuple((k, s[1]) for k, s in enumerate(sources)
                    if s is not None and s[0] == "arg" and s[1] not in tensor_pos)
    at_out = tuple((k, s[1]) for k, s in enumerate(sources) if s is not None and s[0] == "out")
    at_size = tuple((k, SIZE_OF[s[0]], s[1]) for k, s in enumerate(sources)
                    if s is not None and s[0] not in ("arg", "out"))

    def save_nothing(node, args, outs):
        node._saved = nones

    def save(node, args, outs):
        saved = list(nones)
        plain = not HOOKS_IN_USE[0] or _gstate.saved_hooks is None
        for k, i in at_tensors:
            v = args[i]
            if not isinstance(v, Tensor):
                saved[k] = v
            elif plain and not v._inference:
                sv = saved[k] = _new(SavedValue)
                sv.value = v
                sv.counter = c = v._version_counter
                sv.version = c[0]
                sv.output_nr = None
            else:
                saved[k] = SavedValue(v)
        for k, i in at_args:
            saved[k] = args[i]
        if outs is not None:
            for k, i in at_out:
                t = outs[i]
                if plain and not t._inference:
                    sv = saved[k] = _new(SavedValue)
                    sv.value = t._data
                    sv.counter = c = t._version_counter
                    sv.version = c[0]
                    sv.output_nr = i  # (an output the node does not wire has its number)
                else:
                    saved[k] = SavedValue(t, True, i)
        for k, size_of, i in at_size:
            saved[k] = size_of(args[i])
        node._saved = tuple(saved)
    fn = save if at_tensors or at_args or at_out or at_size else save_nothing
    if len(at_tensors) + len(at_out) == 1 and not at_args and not at_size:
        fn = _save_one(save, nones, at_tensors, at_out)
    fn.out_slots = at_out
    return fn


def _save_one(save, nones, at_tensors, at_out):
    """``save`` for the commonest layout, one tensor (an input or an output) and nothing
    else (exp saves its result, x * c the other factor), written out for a plain Tensor
    with no hook in force; anything else goes to ``save`` (measured, with record's one-input case:
    2.6% of tiny_chain's instructions)."""
    (k, i), = at_tensors or at_out
    is_out = bool(at_out)
    before, after = nones[:k], nones[k + 1:]

    def save_one(node, args, outs):
        if is_out:
            if outs is None:  # an in-place op saves its output after the write
                node._saved = nones
                return
            t = outs[i]
        else:
            t = args[i]
        if type(t) is not Tensor or HOOKS_IN_USE[0] or t._inference:
            return save(node, args, outs)
        sv = _new(SavedValue)
        sv.value = t._data if is_out else t
        sv.counter = c = t._version_counter
        sv.version = c[0]
        sv.output_nr = i if is_out else None
        node._saved = before + (sv,) + after
    return save_one


def _sizes_of(v):  # tensors_sizes: a number given for a tensor has a 0-dim tensor's
    return [tuple(getattr(t, "shape", ())) for t in v]


def _shape_of(v):
    if isinstance(v, Tensor):
        d = v._data
        # a NumPy shape is a tuple of ints already: kept as it is (a Size would be
        # built per saved size; node._saved_<name> shows a tuple either way)
        return d.shape if type(d) is _ndarray else Size(d.shape)
    return Size(())


def _strides_of(v):  # in elements, as Tensor.stride() gives them
    d = v._data
    if type(d) is _ndarray and d.size:  # (Tensor.stride's common case written out)
        # (each stride // itemsize, by map: a comprehension is a call of its own)
        return tuple(map(d.itemsize.__rfloordiv__, d.strides))
    return v.stride()


def _offset_of(v):
    return v.storage_offset()


def _numel_of(v):
    return v._data.size if isinstance(v, Tensor) else 1


# What a formula's ``tensors_sizes``, ``<param>_sym_sizes``, ``<param>_sym_strides``,
# ``<param>_storage_offset`` or ``<param>_sym_numel`` asks for, by the kind of its source:
# the saver looks the function up once per layout, not per call (measured: mm's save of
# two sizes and two strides 1.4 to 1.1 us)
SIZE_OF = {"sizes": _sizes_of, "shape": _shape_of, "strides": _strides_of,
           "offset": _offset_of, "numel": _numel_of}


def _size_of(kind, v):
    return SIZE_OF[kind](v)


def release(node):
    """Free what ``node`` saved, after a backward without retain_graph (NOTE [Saved
    tensors]): every SavedValue, and in the slots the node's class lists as tensor slots
    (``_tensor_slots``) a number given for a tensor (torch's wrapped number, freed like a
    tensor). Node._release is this function: one call per node, the frees written out."""
    saved = node._saved
    slots = node._tensor_slots
    freed = None
    for i in (range(len(saved)) if slots is None else slots):
        v = saved[i]
        if type(v) is SavedValue:
            v.value = _FREED
            v.counter = _NEVER
        elif v is not None and slots is not None:
            if freed is None:
                freed = list(saved)
            freed[i] = FREED_NUMBER
    if freed is not None:
        node._saved = tuple(freed)


def release_of(slots):
    """``release`` for a node class whose tensor slots are ``slots``: nothing to do when it
    has none (x + c saves no tensor), the one slot written out when it has one (exp, x * c;
    measured: tiny_chain's backward 2% fewer instructions), ``release`` itself otherwise."""
    if not slots:
        return _release_nothing
    if len(slots) == 2:
        return _release_two(*slots)
    if len(slots) > 2:
        return release
    k, = slots

    def release_one(node):
        v = node._saved[k]
        if type(v) is SavedValue:
            v.value = _FREED
            v.counter = _NEVER
        elif v is not None:
            saved = node._saved
            node._saved = saved[:k] + (FREED_NUMBER,) + saved[k + 1:]
    return release_one


def _release_two(j, k):
    """``release`` for a class with two tensor slots (x * y, mm), written out (measured:
    tiny_chain's backward 2% fewer bytecodes)."""
    def release_two(node):
        saved = node._saved
        a, b = saved[j], saved[k]
        if type(a) is SavedValue:
            a.value = _FREED
            a.counter = _NEVER
            a = None
        if type(b) is SavedValue:
            b.value = _FREED
            b.counter = _NEVER
            b = None
        if a is not None or b is not None:
            # a number given for a tensor: freed as torch frees its wrapped number
            freed = list(saved)
            if a is not None:
                freed[j] = FREED_NUMBER
            if b is not None:
                freed[k] = FREED_NUMBER
            node._saved = tuple(freed)
    return release_two


def _release_nothing(node):
    pass


def unpack_saved(saved, node, as_tensors):
    """``saved`` (a node's tuple of saved things) with each SavedValue unpacked: arrays, or
    Tensors under create_graph. The tuple itself comes back when it holds none.

    The common case (not freed, not packed, version unchanged) is written out: one
    comparison, no method call (measured: 0.1 us of a 3.7 us backward step on tiny_split).
    """
    out = None
    for i, v in enumerate(saved):
        if type(v) is SavedValue:
            if out is None:
                out = list(saved)
            if v.counter[0] == v.version and (v.output_nr is None or not as_tensors):
                value = v.value
                out[i] = value if v.output_nr is not None or as_tensors else value._data
            else:
                out[i] = v.unpack(node, as_tensors)
    return saved if out is None else out


# A number given where an op takes a tensor is saved as the number itself (free to save),
# but torch saves it as a wrapped 0-dim tensor, which a backward frees like any other: the
# node puts this freed value in its place then (OpNode._release in ops/_table.py).
FREED_NUMBER = _new(SavedValue)
FREED_NUMBER.version = 0
FREED_NUMBER.output_nr = _NUMBER
FREED_NUMBER.free()

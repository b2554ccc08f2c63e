"""Capture's recording: arrays that write down every call made with them.

NOTE [Capture records array calls]
A compiled function's first call runs eagerly, with every array it can reach (its tensor
arguments' and the modules' and optimizers' tensors) swapped for a ``Traced`` view of the
same memory. NumPy hands any call involving a Traced array to ``__array_ufunc__`` or
``__array_function__``; the ndarray methods dyngrad uses are overridden here; and while
capturing, dyngrad's array namespace (``_backend.xp``) answers the factories (``zeros``,
``asarray``, ...) with recorded calls too. So each op's forward, each backward formula the
engine runs, each optimizer update and each random draw becomes one entry of a flat list
of array calls, with the real values computed as it goes: the first call's results are
eager's. Values are numbered slots; a call names its arguments by slot.

Anything that turns an array into a Python value (``item``, ``tolist``, printing) would
bake data into the record: it is a graph break, and the call finishes eagerly,
unrecorded. A ``bool`` choosing a branch is recorded as a check instead, where a plan can
repeat it (NOTE [Checks inside a plan], NOTE [Checks before a plan] in replay.py). The one
exception for ``item()`` is inside an optimizer step, whose result (the step count) feeds
plain arithmetic: it becomes a ``SymFloat`` whose arithmetic is recorded too, and a
comparison on it is a break.
"""
import itertools
import operator
import os
import threading
import traceback
import weakref

import numpy as np  # the real module: while capturing, _backend.xp answers with records

from .. import _backend

ndarray = _backend.ndarray


class GraphBreak(Exception):
    """Raised under ``fullgraph=True`` where a call cannot be captured (torch raises
    torch._dynamo.exc.Unsupported)."""


class _Off:
    """The recorder when nothing is being captured: Traced arrays behave as plain ones."""

    active = False
    inside = 0


class Slot:
    """One recorded value: an array (or a SymFloat) and where it comes from.

    kind: 'input' (read from a tensor when the plan runs), 'const' (an array that was
    there before the call, used by reference), 'value' (made by a recorded call), 'sym'.
    root: the slot whose memory this one is a view of (itself for fresh arrays).
    """

    __slots__ = ("n", "kind", "root", "shape", "dtype", "fresh", "scalar", "_value",
                 "source", "written", "producer", "dynamic", "is_array", "contiguous", "ref")

    def __init__(self, n, kind, value, root=None, fresh=False, producer=None):
        self.n = n
        self.ref = _REFS.get(n) or _ref(n)  # (a call names its arguments by these)
        self.kind = kind
        self.is_array = is_array = isinstance(value, ndarray)
        # a made array is not held at all (the eager code holds it while it needs it,
        # so that a capture's memory peaks where eager's does): a recorded call finds
        # the arrays it was handed among its arguments (Recorder.call)
        self._value = None if kind == "value" and is_array else value
        self.root = n if root is None else root
        if is_array:
            self.shape = _shape(value.shape)
            self.dtype = value.dtype
            self.contiguous = value.flags.c_contiguous
        else:
            self.shape = getattr(value, "shape", None)
            self.dtype = getattr(value, "dtype", None)
            self.contiguous = False
        self.fresh = fresh    # made by a ufunc call without out=: may live in a buffer
        self.scalar = False   # NumPy returned a scalar here (the plan wraps it back)
        self.source = None    # for inputs: how the plan reads it
        self.written = False
        self.producer = producer  # index of the call that made it
        self.dynamic = False  # its shape depends on data (a boolean mask's selection)

    @property
    def value(self):
        """An input's, a constant's or a SymFloat's value (None for a made array)."""
        return self._value


class Call:
    """One recorded call: ``fn(*args, **kwargs)``, args with Ref(slot) in place of arrays."""

    __slots__ = ("fn", "args", "kwargs", "outs", "writes", "ufunc", "effect", "_orig",
                 "_ins", "_outn")

    def __init__(self, fn, args, kwargs, outs, writes, ufunc):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.effect = False     # a call with an effect beyond its arrays (a random draw)
        self._orig = None       # see orig
        self._ins = self._outn = None
        self.outs = outs        # Ref(slot), or a structure of them (see Recorder.call)
        self.writes = writes    # slot numbers written in place
        self.ufunc = ufunc      # (ufunc, method) when fn is a ufunc call, else None

    @property
    def orig(self):
        """The recorded call a rewritten one stands for (itself for a recorded call: held
        as None, so that a record is no cycle of references and goes as soon as it is
        dropped, with no work for the cyclic collector)."""
        o = self._orig
        return self if o is None else o

    @orig.setter
    def orig(self, call):
        self._orig = None if call is self else call

    def ins(self):
        """The slot numbers of the arrays and numbers the call reads (or writes)."""
        if self._ins is None:
            if self.kwargs is _NO_KWARGS:  # (a ufunc's call as recorded: flat arguments)
                self._ins = [a.n for a in self.args if type(a) is Ref]
            else:
                self._ins = [r.n for r in _refs((self.args, self.kwargs))]
        return self._ins

    def outn(self):
        """The slot numbers of its results."""
        if self._outn is None:
            self._outn = [r.n for r in _refs(self.outs)]
        return self._outn

    def renamed(self, alias):
        """The same call reading ``alias[n]`` where it read slot ``n``."""
        new = Call(self.fn, substitute(self.args, alias), substitute(self.kwargs, alias),
                   self.outs, self.writes, self.ufunc)
        new.effect = self.effect
        new.orig = self.orig
        return new


def out_positional(c):
    """Whether a ufunc call's ``out=`` may be written as its last positional argument:
    the same call to NumPy, and about a third less for Python to compile per line (and a
    little less to parse per call) than the keyword (measured). (NumPy deprecates it for
    ``maximum`` and ``minimum`` alone.)"""
    u = c.ufunc
    return (u is not None and u[1] == "__call__" and c.fn is u[0] and u[0].nout == 1
            and u[0].signature is None and len(c.args) == u[0].nin
            and u[0] not in _OUT_BY_KEYWORD)


_OUT_BY_KEYWORD = {np.maximum, np.minimum}


class Ref:
    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return f"Ref({self.n})"


# NOTE [Few objects per recorded call]
# The cyclic collector is off while a capture records (capture.collector_paused), and
# the first young collection after it walks every object the record made: on a small
# chain it cost as much as half an eager step (measured). So a recorded call makes as few
# objects the collector tracks as it can: the Ref of a slot number is one shared by every
# record, equal shapes are one tuple, a ufunc's (ufunc, "__call__") is made once, and a
# ufunc call's slots read are found from its arguments when first asked for.
_REFS = {}
_SHAPES = {}
_UFUNC_CALLS = {}


def _ref(n):
    r = _REFS.get(n)
    return r if r is not None else _REFS.setdefault(n, Ref(n))


def _shape(shape):
    s = _SHAPES.get(shape)
    if s is None and len(_SHAPES) < 4096:  # (bounded: a program of many shapes)
        s = _SHAPES.setdefault(shape, shape)
    return shape if s is None else s


_tokens = itertools.count(1)
_new = object.__new__
_PASS = {int, float, bool, str, type(None), type(Ellipsis), np.dtype}
_NO_KWARGS = {}  # (shared by the calls recorded without keywords: never written)


class Recorder:
    active = True

    def __init__(self):
        self.slots = []
        self.calls = []
        self.token = next(_tokens)  # marks the Traced and SymFloat objects of this record
        self.objects = []  # constants and SymFloats, kept alive so that ids stay unique
        self.inside = 0    # > 0 while a recorded call (or a random draw) runs
        self.broken = None  # (reason, user stack) of the first graph break
        self.fullgraph = False
        self.in_optimizer = 0
        self.const_ids = {}
        self.raw_ids = {}  # id(plain array of an input or constant slot) -> slot number
        self.traced = {}   # input or constant slot -> a weak reference to its Traced view
        self.swapped = {}  # id(tensor) -> (its Traced data, its grad's Traced data)
        self.checks = []   # (slot, calls before it, the bool it gave)
        self.writers = {}  # root slot -> the calls that wrote into it
        self.any_dynamic = False  # whether some slot's shape depends on data
        self.inputs = []   # the input slots, in order (track_input)

    # -- slots ------------------------------------------------------------------------
    def _new_slot(self, kind, value, root=None):
        s = Slot(len(self.slots), kind, value, root)
        self.slots.append(s)
        return s

    def num(self, obj):
        """The slot number of a Traced array or SymFloat of this record, else None."""
        return obj._n if getattr(obj, "_by", None) == self.token else None

    def track_input(self, raw, source):
        """A Traced view of an array the plan will read through ``source`` each run."""
        s = self._new_slot("input", raw)
        s.source = source
        self.inputs.append(s)
        self.raw_ids[id(raw)] = s.n
        return self._track_value(raw, s)

    def slot_of(self, obj):
        n = self.num(obj)
        return None if n is None else self.slots[n]

    # -- breaks -------------------------------------------------------------------------
    def graph_break(self, reason):
        """Note why this call cannot be captured; it runs on eagerly, unrecorded."""
        if self.broken is None:
            self.broken = (reason, _user_stack())
        if self.fullgraph:
            raise GraphBreak(reason)
        self.active = False

    # -- arguments --------------------------------------------------------------------
    def _unwrap(self, x, read, given):
        """(plain value, template): Traced and SymFloat become their values and Ref(slot);
        lists and tuples are walked; other arrays become constants used by reference.
        Appends the slot numbers read to ``read``, and puts the arrays handed in into
        ``given`` (slot -> its Traced view, or the plain array of a constant)."""
        t = type(x)
        if t is Traced:
            if getattr(x, "_by", None) != self.token:
                # left over from an earlier capture: an outside array
                x = ndarray.view(x, ndarray)
                n = self._const(x)
                given[n] = x
            else:
                n = x._n
                given[n] = x
                x = x._raw
            read.append(n)
            return x, Ref(n)
        if t is SymFloat:
            read.append(x._n)
            return float(x.real), Ref(x._n)
        if t is tuple or t is list or isinstance(x, tuple):
            # (an indexing op's IndexKey is a tuple of arrays like any other)
            t = list if t is list else tuple
            pairs = [self._unwrap(v, read, given) for v in x]
            return t(p[0] for p in pairs), t(p[1] for p in pairs)
        if t is slice and any(type(v) in (Traced, SymFloat) for v in (x.start, x.stop, x.step)):
            self.graph_break("a slice bound read from an array")
            return slice(*(self._unwrap(v, [], {})[0] for v in (x.start, x.stop, x.step))), x
        if isinstance(x, ndarray):
            n = self._const(x)
            given[n] = x
            read.append(n)
            return x, Ref(n)
        return x, x

    def _const(self, arr):
        """An array from outside the record (a global, a closure's array), used by
        reference; the plan reads the same array each run."""
        n = self.const_ids.get(id(arr))
        if n is None:
            s = self._new_slot("const", arr)
            n = self.const_ids[id(arr)] = s.n
            self.raw_ids[id(arr)] = n
            self.objects.append(arr)
        return n

    # -- calls ------------------------------------------------------------------------
    def call(self, fn, args, kwargs, writes=(), ufunc=None):
        """Run ``fn`` on the plain values of ``args``, record it, and return its result
        with Traced arrays in place of the arrays it made.

        ``writes``: positions (ints) or keyword names of arguments written in place.
        """
        read = []
        given = {}
        token = self.token
        plain_args, targs = [], []
        for x in args:  # (the common arguments inline: this runs for every array call)
            t = type(x)
            if t is Traced and getattr(x, "_by", None) == token:
                read.append(x._n)
                given[x._n] = x
                plain_args.append(x._raw)
                targs.append(x._ref)
            elif t in _PASS:
                plain_args.append(x)
                targs.append(x)
            else:
                p, tp = self._unwrap(x, read, given)
                plain_args.append(p)
                targs.append(tp)
        targs = tuple(targs)
        plain_kwargs, tkwargs = {}, {}
        for k, v in kwargs.items():
            plain_kwargs[k], tkwargs[k] = self._unwrap(v, read, given)
        self.inside += 1
        try:
            result = fn(*plain_args, **plain_kwargs)
        finally:
            self.inside -= 1
        if not self.active:  # a break inside the arguments: finish eagerly
            return result
        written = []
        for w in writes:
            tpl = targs[w] if isinstance(w, int) else tkwargs.get(w)
            for r in _refs(tpl):
                if self.slots[self.slots[r.n].root].kind == "const":
                    self.graph_break("an in-place write into an array made outside the "
                                     "capture")
                    return result
                written.append(r.n)
                if (self.slots[self.slots[r.n].root].kind == "input"
                        and fn is not _set_shape):  # (a view's shape is not its memory)
                    self.changed_outside()
                self.slots[r.n].written = True
                self.slots[self.slots[r.n].root].written = True
                self.writers.setdefault(self.slots[r.n].root, []).append(len(self.calls))
        return self._record(fn, targs, tkwargs, tuple(written), ufunc, read, result, given)

    def ufunc_call(self, ufunc, inputs):
        """``call`` for the commonest call of all, ``ufunc(*inputs)`` without keywords on
        this record's arrays and plain numbers, written out (half of a capture's time was
        the general path's, measured on tiny_chain)."""
        token = self.token
        plain, targs = [], []
        for x in inputs:
            t = type(x)
            if t is Traced and getattr(x, "_by", None) == token:
                plain.append(x._raw)
                targs.append(x._ref)
            elif t in _PASS:
                plain.append(x)
                targs.append(x)
            else:
                return self.call(ufunc, inputs, {}, (), (ufunc, "__call__"))
        self.inside += 1  # (until its Traced view is made: that is no call to record)
        try:
            result = ufunc(*plain)
        except BaseException:
            self.inside -= 1
            raise
        slots = self.slots
        if type(result) is not ndarray or (self.any_dynamic and any(
                slots[r.n].dynamic for r in targs if type(r) is Ref)):
            self.inside -= 1
            read = [r.n for r in targs if type(r) is Ref]
            given = {x._n: x for x in inputs if type(x) is Traced}
            return self._record(ufunc, tuple(targs), {}, (), (ufunc, "__call__"), read,
                                result, given)
        # a fresh array (a ufunc without out= hands back none it was given, whichever
        # dead array's id it reuses): its slot, call and Traced view, written out
        # (Slot.__init__, Call.__init__ and _track_value for this one case: measured, a
        # tenth of a small chain's recording call)
        n = len(slots)
        calls = self.calls
        s = _new(Slot)
        s.n = s.root = n
        s.ref = ref = _REFS.get(n) or _ref(n)
        s.kind = "value"
        s.is_array = s.fresh = True
        s._value = s.source = None
        shape = result.shape
        s.shape = _SHAPES.get(shape) or _shape(shape)
        s.dtype = result.dtype
        s.contiguous = result.flags.c_contiguous
        s.scalar = s.written = s.dynamic = False
        s.producer = len(calls)
        slots.append(s)
        key = _UFUNC_CALLS.get(ufunc)
        if key is None:
            key = _UFUNC_CALLS.setdefault(ufunc, (ufunc, "__call__"))
        c = _new(Call)
        c.fn = ufunc
        c.args = tuple(targs)
        c.kwargs = _NO_KWARGS
        c.effect = False
        c._orig = c._ins = c._outn = None
        c.outs = ref
        c.writes = ()
        c.ufunc = key
        calls.append(c)
        t = result.view(Traced)
        self.inside -= 1
        t._raw = result
        t._by = token
        t._n = n
        t._ref = ref
        return t

    def _record(self, fn, targs, tkwargs, written, ufunc, read, result, given):
        """The call made: its entry in the record, and its result for the caller.
        ``given``: the arrays handed in, by slot (see _unwrap)."""
        slots = self.slots
        inputs = [n for n in read if slots[n].is_array]
        call = Call(fn, targs, tkwargs, None, written, ufunc)
        call._ins = read
        out, call.outs = self._wrap_result(result, inputs, ufunc, len(self.calls), given)
        self.calls.append(call)
        if (self.any_dynamic and any(slots[n].dynamic for n in inputs)) or (
                fn is ndarray.__getitem__ and any(
                    self.slots[r.n].dtype == bool for r in _refs(targs[1:]))):
            self.any_dynamic = True
            for r in _refs(call.outs):
                self.slots[r.n].dynamic = True
        return out

    def _wrap_result(self, result, inputs, ufunc, index, given):
        """The caller's view of ``result`` and its template of output slots."""
        if isinstance(result, ndarray):
            for n, g in given.items():
                if type(g) is Traced:
                    if g._raw is result:
                        # an array given in came back (out=, a no-op astype): the same
                        # slot, the same view
                        return g, Ref(n)
                elif g is result:  # (a constant's)
                    return self.traced_of(n), Ref(n)
            n = self.raw_ids.get(id(result))
            if n is not None and self.slots[n].value is result:
                # an input's or a constant's array came back without being given
                return self.traced_of(n), Ref(n)
            s = self._value_slot(result, inputs, ufunc, index, given)
            return self._track_value(result, s), s.ref
        if isinstance(result, (tuple, list)):
            pairs = [self._wrap_result(r, inputs, ufunc, index, given) for r in result]
            if hasattr(result, "_fields"):  # a named tuple (slogdet, ...)
                return type(result)(*(p[0] for p in pairs)), tuple(p[1] for p in pairs)
            return type(result)(p[0] for p in pairs), tuple(p[1] for p in pairs)
        if isinstance(result, np.generic):
            arr = np.asarray(result)
            s = self._value_slot(arr, (), ufunc, index, given)
            s.scalar = True
            return self._track_value(arr, s), s.ref
        return result, None

    def traced_of(self, n):
        """The Traced view of an input's or a constant's slot ``n`` (made anew when the
        first one is gone, or for a constant the first time it is handed back)."""
        r = self.traced.get(n)
        t = r() if r is not None else None
        if t is None:
            t = self._track_value(self.slots[n].value, self.slots[n])
        return t

    def _value_slot(self, raw, inputs, ufunc, index, given):
        root = None
        if ufunc is None or ufunc[1] not in ("__call__", "reduce", "accumulate", "outer"):
            for n in inputs:
                a = given[n]
                if type(a) is Traced:
                    a = a._raw
                if (np.may_share_memory(raw, a) if a.size and raw.size
                        else _memory_of(raw) is _memory_of(a)):
                    # (an empty array shares no memory with anything: a view of an empty
                    # selection, written later, still writes its base when the same
                    # selection is not empty in a replay; its base says whose view it is)
                    root = self.slots[n].root
                    break
        s = self._new_slot("value", raw, root)
        s.fresh = root is None and ufunc is not None and ufunc[1] in ("__call__", "reduce")
        s.producer = index
        return s

    def _track_value(self, raw, s):
        self.inside += 1  # (the view is not a call to record)
        t = raw.view(Traced)
        self.inside -= 1
        t._raw = raw
        t._by = self.token
        t._n = s.n
        t._ref = s.ref
        if s.kind != "value":  # (Recorder.traced_of)
            self.traced[s.n] = weakref.ref(t)
        return t

    def sym(self, fn, args, value):
        """A SymFloat made by ``fn(*args)`` on SymFloats and numbers."""
        targs = tuple(Ref(a._n) if type(a) is SymFloat else a for a in args)
        s = self._new_slot("sym", value)
        out = SymFloat(value)
        out._by, out._n = self.token, s.n
        self.objects.append(out)
        s.producer = len(self.calls)
        self.calls.append(Call(fn, targs, {}, Ref(s.n), (), None))
        return out

    def check(self, arr, value):
        """``bool(arr)`` deciding a branch. Before the call changed anything outside the
        run (NOTE [Checks inside a plan]) the plan checks the same outcome where eager did
        and gives up the run when it differs; later, fine when ``arr`` depends only on
        arrays the call was given and had not yet changed (a validity check on a target,
        ...): the plan then checks the same outcome before it runs (NOTE [Checks before a
        plan])."""
        n = self.num(arr)
        if n is not None and not _backend.capturing:
            call = Call(expect, (Ref(n), value), {}, None, (), None)
            call.effect = True  # never left out
            self.calls.append(call)
            return
        if n is None or not self._depends_on_inputs_only(n):
            self.graph_break("a Python bool read from an array (__bool__)")
            return
        self.checks.append((n, len(self.calls), value))

    def changed_outside(self):
        """The call changed something that outlives a run (an input's array, the random
        stream): from here a plan cannot give up and run eagerly instead, so code takes
        no shortcut that depends on the data (NOTE [No shortcuts while capturing])."""
        _backend.capturing = True

    def _depends_on_inputs_only(self, n):
        todo, seen = [n], set()
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            s = self.slots[k]
            if s.kind in ("input", "const"):
                if s.written or self.slots[s.root].written or (
                        s.source is not None and s.source[0] == "gout"):
                    return False
                continue
            if s.kind != "value" or s.producer is None:
                return False
            for i in [s.producer] + self.writers.get(s.root, []):
                c = self.calls[i]
                if c.effect:
                    return False
                todo.extend(c.ins())
        return True

    def item(self, arr):
        """``arr.item()``: a SymFloat inside an optimizer step, a graph break elsewhere."""
        n = self.num(arr)
        value = ndarray.item(arr)
        if (self.in_optimizer and n is not None and type(value) is float and self.active):
            s = self._new_slot("sym", value)
            out = SymFloat(value)
            out._by, out._n = self.token, s.n
            self.objects.append(out)
            s.producer = len(self.calls)
            self.calls.append(Call(ndarray.item, (Ref(n),), {}, Ref(s.n), (), None))
            return out
        self.graph_break("Unsupported Tensor.item() call with capture_scalar_outputs=False")
        return value


def _memory_of(a):
    """The array that owns ``a``'s memory (``a`` itself when it owns it)."""
    while isinstance(a.base, ndarray):
        a = a.base
    return a


class Bail(Exception):
    """A plan's check went the other way than when it was recorded: the call runs
    another plan, or eagerly (NOTE [Checks inside a plan])."""


def expect(arr, value):
    """NOTE [Checks inside a plan]
    Eager code takes shortcuts on its data (max pooling without a nan, a ReLU gradient
    without an inf): ``bool(array)`` choosing a branch. Until the call has changed
    anything that outlives it (a write into an array it was given, a random draw), the
    record keeps such a test as a call of this function where eager made it, and the
    plan makes the same test there: the same outcome runs on, another one gives up the
    run, having changed nothing but its own buffers, and the call goes to another plan
    recorded with the other outcome, or is captured anew. After the first such change
    code takes the general path instead (``_backend.capturing``)."""
    if bool(arr) is not value:
        raise Bail


def substitute(tpl, alias):
    """``tpl`` with Ref(alias[n]) in place of each Ref(n) that ``alias`` names."""
    t = type(tpl)
    if t is Ref:
        return Ref(alias[tpl.n]) if tpl.n in alias else tpl
    if t is tuple or t is list:
        return t(substitute(v, alias) for v in tpl)
    if t is dict:
        return {k: substitute(v, alias) for k, v in tpl.items()}
    return tpl


def _refs(tpl):
    if type(tpl) is Ref:
        return [tpl]
    if isinstance(tpl, (tuple, list)):
        return [r for v in tpl for r in _refs(v)]
    if isinstance(tpl, dict):
        return [r for v in tpl.values() for r in _refs(v)]
    return []


def _flat(x):
    if isinstance(x, (tuple, list)):
        return [y for v in x for y in _flat(v)]
    return [x]


def _user_stack():
    """The frames of the user's code at a break (dyngrad's own left out)."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = [f for f in traceback.extract_stack()[:-2]
              if not os.path.abspath(f.filename).startswith(pkg)]
    return frames[-3:]


class _State(threading.local):
    """The recorder in charge of this thread (NOTE [One capture at a time] in capture.py):
    arrays and calls of other threads are never recorded."""

    def __init__(self):
        self.rec = _Off()


state = _State()


def _rec():
    r = state.rec
    return r if r.active and not r.inside else None


# -- the Traced array ------------------------------------------------------------------
class Traced(ndarray):
    """A view of a real array whose every use is recorded (NOTE [Capture records array
    calls]). Outside a capture it behaves as the array it views."""

    # the array it views, the token of its record, its slot's number and Ref (slots: no
    # dict to make for every array a capture sees)
    __slots__ = ("_raw", "_by", "_n", "_ref")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        rec = state.rec
        if rec.active and not rec.inside and method == "__call__" and not kwargs:
            return rec.ufunc_call(ufunc, inputs)
        rec = _rec()
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        if rec is None:
            return fn(*_plain(inputs), **{k: _plain(v) for k, v in kwargs.items()})
        writes = ("out",) if "out" in kwargs else ()
        if method == "at":
            writes = (0,)
        return rec.call(fn, inputs, kwargs, writes, (ufunc, method))

    def __array_function__(self, func, types, args, kwargs):
        rec = _rec()
        if rec is None:
            return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
        if func in _DATA_SHAPED:
            rec.graph_break(f"a data-dependent output shape ({func.__name__})")
            return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
        return rec.call(func, args, kwargs, _WRITES.get(func, ()))

    def __array_finalize__(self, obj):
        r = state.rec
        if r.active and not r.inside and obj is not None:
            r.graph_break("an array made by an operation the capture does not see")

    def item(self, *args):
        r = state.rec
        if not r.active or r.inside or args:
            return ndarray.item(self, *args)
        return r.item(self)


def _plain(x):
    if type(x) is Traced:
        return ndarray.view(x, ndarray)
    if type(x) is SymFloat:
        return float(x.real)
    if type(x) is tuple or type(x) is list:
        return type(x)(_plain(v) for v in x)
    return x


def _method(name, writes=()):
    base = getattr(ndarray, name)

    def method(self, *args, **kwargs):
        rec = _rec()
        if rec is None:
            return base(ndarray.view(self, ndarray), *_plain(args),
                        **{k: _plain(v) for k, v in kwargs.items()})
        return rec.call(base, (self,) + args, kwargs, writes)
    method.__name__ = name
    return method


# ndarray methods that make or change arrays: each use is one recorded call
for _name in ("reshape", "transpose", "swapaxes", "astype", "copy", "view", "ravel",
              "flatten", "squeeze", "sum", "mean", "max", "min", "prod", "cumsum", "cumprod",
              "argmax", "argmin", "all", "any", "clip", "round", "conj", "conjugate", "dot",
              "repeat", "take", "diagonal", "var", "std", "argsort", "__getitem__",
              "__copy__", "__deepcopy__", "__array__", "trace", "compress"):
    setattr(Traced, _name, _method(_name))
for _name in ("__setitem__", "fill", "sort", "put", "partition", "setflags"):
    setattr(Traced, _name, _method(_name, (0,)))
def _set_shape(array, shape):
    array.shape = shape


def _shape_setter(self, shape):
    """``a.shape = s`` (a view reshaped in place): recorded, then done to ``a`` too."""
    r = state.rec
    if r.active and not r.inside:
        r.call(_set_shape, (self, shape), {}, (0,))
    r.inside += 1
    try:
        ndarray.shape.__set__(self, shape)
    finally:
        r.inside -= 1


Traced.shape = property(ndarray.shape.__get__, _shape_setter)
Traced.T = property(_method("transpose"))
Traced.mT = property(lambda self: _method("swapaxes")(self, -1, -2))


def _reads_data(name, kind):
    base = getattr(ndarray, name)

    def method(self, *args, **kwargs):
        r = state.rec
        if r.active and not r.inside:
            r.graph_break(f"{kind} read from an array ({name})")
        return base(ndarray.view(self, ndarray), *args, **kwargs)
    method.__name__ = name
    return method


def _bool(self):
    r = state.rec
    value = ndarray.__bool__(ndarray.view(self, ndarray))
    if r.active and not r.inside:
        r.check(self, value)
    return value


Traced.__bool__ = _bool
# an array of NumPy's to dyngrad's checks of the kind of an array (what its ops test on
# every result: a test of the type, not a call, as for eager's arrays)
_backend.NUMPY_TYPES.add(Traced)
_AS_STRIDED = np.lib.stride_tricks.as_strided


def _as_strided(self, shape, strides, writeable=True):
    """``_backend.as_strided`` of a Traced array: one recorded call (NumPy's own makes a
    plain array that would look like a constant)."""
    rec = _rec()
    if rec is None:
        return _AS_STRIDED(ndarray.view(self, ndarray), shape=shape, strides=strides,
                           writeable=writeable)
    return rec.call(_AS_STRIDED, (self,), {"shape": shape, "strides": strides,
                                          "writeable": writeable})


Traced._as_strided = _as_strided

for _name, _kind in (("tolist", "Python values"),
                     ("__int__", "a Python int"), ("__float__", "a Python float"),
                     ("__index__", "a Python int"), ("__complex__", "a Python complex"),
                     ("tobytes", "bytes"), ("__iter__", "Python iteration"),
                     ("__repr__", "printing"), ("__str__", "printing"),
                     ("__format__", "printing"), ("__reduce__", "pickling"),
                     ("__reduce_ex__", "pickling"), ("nonzero", "a data-dependent shape")):
    setattr(Traced, _name, _reads_data(_name, _kind))


_DATA_SHAPED = {np.nonzero, np.argwhere, np.flatnonzero, np.unique, np.extract,
                np.compress, np.trim_zeros}
_WRITES = {np.copyto: (0,), np.put: (0,), np.place: (0,), np.putmask: (0,),
           np.fill_diagonal: (0,), np.put_along_axis: (0,)}


# -- SymFloat --------------------------------------------------------------------------
class SymFloat(float):
    """A Python float read from an array inside an optimizer step (the step count): its
    arithmetic is recorded, so the plan recomputes it each run (NOTE [Capture records
    array calls]). Anything that decides on its value is a graph break."""

    def __repr__(self):
        return float.__repr__(self)


def _sym_binary(fn, swap=False):
    def method(self, other):
        r = state.rec
        a, b = (other, self) if swap else (self, other)
        value = fn(float(a.real) if type(a) is SymFloat else a,
                   float(b.real) if type(b) is SymFloat else b)
        if type(other) not in (int, float, SymFloat) or not r.active:
            return value
        if not isinstance(value, float):
            return value
        return r.sym(fn, (a, b), value)
    return method


for _name, _fn in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("pow", operator.pow),
                   ("floordiv", operator.floordiv), ("mod", operator.mod)):
    setattr(SymFloat, f"__{_name}__", _sym_binary(_fn))
    setattr(SymFloat, f"__r{_name}__", _sym_binary(_fn, swap=True))


def _sym_unary(fn):
    def method(self):
        r = state.rec
        value = fn(float(self.real))
        return r.sym(fn, (self,), value) if r.active else value
    return method


SymFloat.__neg__ = _sym_unary(operator.neg)
SymFloat.__pos__ = _sym_unary(operator.pos)
SymFloat.__abs__ = _sym_unary(operator.abs)


def _sym_decides(name):
    base = getattr(float, name)

    def method(self, *args):
        r = state.rec
        if r.active:
            r.graph_break("a decision on a Python number read from an array "
                          f"(float.{name})")
        return base(float(self.real), *_plain(args))
    return method


for _name in ("__bool__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
              "__int__", "__float__", "__round__", "__trunc__", "__floor__", "__ceil__",
              "__format__", "__str__", "__hash__"):
    setattr(SymFloat, _name, _sym_decides(_name))

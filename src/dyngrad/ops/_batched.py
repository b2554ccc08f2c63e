"""Batched tensors: what a function under ``vmap`` sees, and how the op table runs on them.

NOTE [Batched tensors]
Under ``vmap`` every mapped input becomes a ``BatchedTensor``: a Tensor whose *physical*
value (``_value``, a Tensor with the batch dim in front) holds all the samples, while
everything the user and the Python layers see is one sample: ``_data`` is the first
sample's array (a view), so shapes, dtypes, dim checks and argument parsing work per
sample, as in torch's functorch. Values are never read through ``_data``: every op that
reaches the op table with a batched argument goes to ``batched_apply``, which runs the
op's batching rule (``op.batch_rule``, set by the files of ``ops/batching/``, loaded by
the first vmap's ``next_level``) on the physical values, one call over the whole batch,
and wraps the result again. An op with no rule runs once per sample (``_loop``) and says
so once, as torch's performance warning.

Levels. Each vmap has a level (a number from one counter, so inner levels are higher).
A rule works on the tensors batched at the highest level among its arguments; a tensor
batched at a lower level (an outer vmap's) is an ordinary argument there, and the
physical call dispatches again at its level. So nested vmaps need nothing more.

Autograd happens at two places, as in functorch:
- physical: the rule's calls are ordinary op calls on physical Tensors, recorded when a
  physical value requires grad (a tensor from outside the vmap that requires grad: its
  gradient through the vmapped function is summed over the batch by the engine's usual
  reduction of broadcast gradients);
- logical: when a BatchedTensor of the rule's level itself requires grad (a ``grad``
  transform inside the vmap made it so), the op is recorded per sample, on the batched
  tensors, as any op is: node, saved values, edges. Its backward formulas then run on
  BatchedTensors, so the backward is batched too (the engine runs formulas on Tensors
  while a vmap is active: NOTE [Two kinds of gradient] in engine.py).
"""
import functools
import itertools
import re
import warnings

from .. import _backend
from .._autograd_state import DUAL, state as _gstate
from .._sparse_coo import SparseCoo, no_kernel
from ..autograd.graph import record
from ..tensor import Tensor
from ._jvp import push_tangents

__all__ = ["BatchedTensor", "batched_apply", "add_batch_dim", "remove_batch_dim",
           "make_batched", "is_batched", "physical", "loop", "loop_rule", "loop_batched",
           "aten_name", "next_level", "levels_of", "lifted", "any_batched", "sample_wise",
           "refuse_batched", "dynamic_shape_error", "on_batch"]

xp = _backend.xp
_new = object.__new__
_ITEM = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over "
         "calling .item() on a Tensor, please try to rewrite what you're doing with other "
         "operations. If error is occurring somewhere inside PyTorch internals, please file a "
         "bug report.")
_CONTROL_FLOW = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent "
                 "control flow. We don't support that yet, please file an issue at "
                 "https://github.com/pytorch/pytorch/issues .")

_levels = itertools.count(1).__next__


def next_level():
    """A new vmap level. The first loads the batching rules (ops/batching/ puts them on the
    table's ops): only programs that vmap pay for them (a twentieth of ``import dyngrad``)."""
    from . import batching  # noqa: F401
    return _levels()


class BatchedTensor(Tensor):
    """One sample's view of a batch (NOTE [Batched tensors])."""

    __slots__ = ("_value", "_level")

    def item(self):
        raise RuntimeError(_ITEM)

    def _scalar(self, kind):
        raise RuntimeError(_ITEM)

    def __bool__(self):
        raise RuntimeError(_CONTROL_FLOW)

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def numpy(self, *args, force=False):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    __array__ = numpy

    def detach(self):
        return make_batched(self._value.detach(), self._level)

    @property
    def data(self):
        return self.detach()

    def __repr__(self, *, tensor_contents=None):
        inner = repr(self._value).replace("\n", "\n    ")
        return f"BatchedTensor(lvl={self._level}, bdim=0, value=\n    {inner}\n)"

    def _twin(self):
        """The same batch, without a graph (what a saved output keeps: NOTE [Saved tensors]);
        its sample array is this one's, which says whose twin it is (forward mode)."""
        t = make_batched(self._value, self._level)
        t._data = self._data
        return t


def make_batched(value, level):
    """A BatchedTensor over ``value`` (a Tensor whose first dim is the batch)."""
    t = _new(BatchedTensor)
    data = value._data
    if type(data) is SparseCoo:  # torch batches no sparse tensor: its view of one fails
        raise no_kernel("view")
    # (data[0, ...]: a 0-dim array for a 0-dim sample, where data[0] is a NumPy scalar)
    t._data = data[0, ...] if data.shape[0] else xp.empty(data.shape[1:], data.dtype)
    t._value = value
    t._level = level
    t._requires_grad = False
    t._grad_fn = None
    t._version_counter = value._version_counter
    t._output_nr = 0
    return t


def is_batched(t, level):
    return type(t) is BatchedTensor and t._level == level


def physical(t, level):
    """``t``'s physical value when it is batched at ``level``; None otherwise."""
    return t._value if type(t) is BatchedTensor and t._level == level else None


def add_batch_dim(t, dim, level):
    """``t`` with its dim ``dim`` mapped over, at ``level``."""
    value = t if dim == 0 else t.movedim(dim, 0)
    return make_batched(value, level)


def levels_of(tensors):
    """The (level, batch size) pairs any of ``tensors`` is batched at, outermost first."""
    found = {}
    for t in tensors:
        while type(t) is BatchedTensor:
            found[t._level] = t._value.shape[0]
            t = t._value
    return sorted(found.items())


def lifted(t, levels):
    """An unbatched ``t`` made a BatchedTensor at each of ``levels`` (outermost first), its
    samples all ``t`` (expanded: stride 0, no copy). What takes a gradient per sample where
    ``t`` itself does not depend on the batch (func's transforms, forward-mode rules)."""
    for level, size in levels:
        t = make_batched(t.expand((size,) + tuple(t.shape)), level)
    return t


def remove_batch_dim(t, level, size, out_dim):
    """The physical result of a vmapped function's output ``t``: the batch at ``out_dim``. An
    output that does not depend on the batch is expanded, as torch does."""
    if is_batched(t, level):
        value = t._value
    else:
        value = t.expand((size,) + tuple(t.shape))
    return value if out_dim == 0 else value.movedim(0, out_dim)


# -- the dispatch ----------------------------------------------------------------------

def _innermost(tensors):
    """The innermost level among the BatchedTensors of ``tensors``, and its batch size."""
    level = size = 0
    for t in tensors:
        if type(t) is BatchedTensor and t._level > level:
            level, size = t._level, t._value._data.shape[0]
    return level, size


def batched_apply(op, args):
    """Run ``op`` on ``args``, some of them BatchedTensors (NOTE [Batched tensors])."""
    missing = len(op.params) - len(args)
    if missing > 0:  # the fast paths pass what the caller gave: the forward's defaults
        args = tuple(args) + op.forward.__defaults__[-missing:]
    if op.variadic:
        level, size = _innermost(args[0])
    else:
        level, size = _innermost([args[i] for i in op.tensor_pos])
    result = (op.batch_rule or loop_rule)(op, args, level, size)
    if op.n_out == 1:
        outs = (make_batched(result, level),)
    else:
        outs = tuple([make_batched(p, level) for p in result])
    if _gstate.enabled and op.node_class is not None:
        _record_logical(op, args, outs, level)
    if DUAL[0] is not None:  # forward mode inside vmap: the op's jvp rule, on the batch
        push_tangents(op, args, outs)
    return outs[0] if op.n_out == 1 else outs


def _record_logical(op, args, outs, level):
    """Record ``op`` per sample when a tensor batched at ``level`` takes a gradient there."""
    if op.variadic:
        inputs = [t if _takes_grad(t, level) else None for t in args[0]]
        mask = (True,)
    else:
        inputs = [args[i] if _takes_grad(args[i], level) else None for i in op.diff_pos]
        mask = tuple([a is not None for a in inputs])
    for a in inputs:
        if a is not None:
            break
    else:
        return
    if op.n_out == 1 and outs[0]._data.dtype.kind not in "fc":
        return
    diff = op.differentiable_outputs
    node = record(_new(op.node_class), inputs, outs if diff is None else
                  tuple(t if k in diff else None for k, t in enumerate(outs)))
    save = op.saver(mask)
    save(node, args, outs)
    if save.out_slots:
        # an output is saved as its array elsewhere (NOTE [Saved tensors]): here as a
        # BatchedTensor without a graph, which unpacking links to the node again
        for k, i in save.out_slots:
            sv = node._saved[k]
            if type(sv.value) is _backend.ndarray:
                sv.value = outs[i]._twin()


def _takes_grad(t, level):
    return type(t) is BatchedTensor and t._level == level and t._requires_grad


# -- the fallback: once per sample ------------------------------------------------------

_warned = set()


def aten_name(op):
    """torch's name of the op a node class stands for: MseLossBackward0 -> aten::mse_loss."""
    base = re.sub(r"Backward\d*$", "", op.name.rpartition("::")[2]) if op.name else "op"
    return "aten::" + re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


def _warn_loop(name):
    if name in _warned:
        return
    _warned.add(name)
    warnings.warn(f"There is a performance drop because we have not yet implemented the "
                  f"batching rule for {name}. Please file us an issue on GitHub so that we "
                  "can prioritize its implementation.", UserWarning, stacklevel=4)


def loop_rule(op, args, level, size, name=None):
    """The op once per sample, with torch's warning naming it (``name``: torch's name of
    the overload, where the op's own does not say it)."""
    _warn_loop(name or aten_name(op))
    if op.variadic:
        def call(*tensors):
            return op(list(tensors), *args[1:])
        return loop(call, list(args[0]), level, size)
    pos = op.tensor_pos

    def call(*tensors):
        a = list(args)
        for i, t in zip(pos, tensors):
            a[i] = t
        return op(*a)
    return loop(call, [args[i] for i in pos], level, size)


def loop(fn, tensors, level, size):
    """``fn(*tensors)`` run for each sample of the tensors batched at ``level``, the results
    stacked: the physical result (a Tensor, or a tuple of them for a tuple result)."""
    from .joining import stack  # (joining imports the table, which imports this module)
    if size == 0:
        raise NotImplementedError("vmap: an op without a batching rule cannot run over a "
                                  "batch of size 0")
    rows = []
    for b in range(size):
        rows.append(fn(*[t._value[b] if is_batched(t, level) else t for t in tensors]))
    if isinstance(rows[0], (tuple, list)):
        return tuple(stack([r[k] for r in rows], 0) for k in range(len(rows[0])))
    return stack(rows, 0)


def loop_batched(fn, args, name):
    """``fn(*args)`` for a function outside the op table that cannot batch (an index that
    differs per sample): once per sample of the innermost level among ``args``, the result
    batched again."""
    level = max(a._level for a in args if type(a) is BatchedTensor)
    size = next(a._value.shape[0] for a in args if is_batched(a, level))
    _warn_loop(name)
    result = loop(fn, args, level, size)
    if isinstance(result, tuple):
        return tuple(make_batched(r, level) for r in result)
    return make_batched(result, level)


# -- functions outside the op table --------------------------------------------------------
# NOTE [Functions that read arrays under vmap]
# A function outside the op table that reads its tensors' arrays would read one sample of
# a BatchedTensor (``_data``). Each such function says once what vmap does with it:
# ``sample_wise`` runs it per sample (torch's fallback: a result whose shape depends on
# the values, stacked when the samples agree), ``refused_under_vmap`` raises torch's error,
# and the others batch themselves (``on_batch``).

def any_batched(*args):
    return any(type(a) is BatchedTensor for a in args)


def sample_wise(name):
    """Decorate a function that reads arrays: under vmap, once per sample of its tensors."""
    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            keys = [k for k, v in kwargs.items() if type(v) is BatchedTensor]
            pos = [i for i, a in enumerate(args) if type(a) is BatchedTensor]
            if not pos and not keys:
                return fn(*args, **kwargs)

            def call(*tensors):
                a, kw = list(args), dict(kwargs)
                for i, t in zip(pos, tensors):
                    a[i] = t
                for k, t in zip(keys, tensors[len(pos):]):
                    kw[k] = t
                return fn(*a, **kw)
            return loop_batched(call, [args[i] for i in pos] + [kwargs[k] for k in keys], name)
        return run
    return decorate


def refuse_batched(message, *args):
    """torch's refusal of a function under vmap, when any of ``args`` is batched."""
    if any_batched(*args):
        raise RuntimeError(message)


def dynamic_shape_error(aten):
    return RuntimeError("vmap: We do not support batching operators that can output dynamic "
                        f"shape. Attempted to vmap over {aten}. Please file an issue at "
                        "https://github.com/pytorch/pytorch/issues if you need this feature.")


def on_batch(fn, input):
    """``fn(input's physical value)`` batched again at ``input``'s level: for a function
    that maps the batch dim through (its dims shifted by one)."""
    return make_batched(fn(input._value), input._level)

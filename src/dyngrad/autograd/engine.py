"""The engine: run a backward pass over the graph, iteratively.

    roots ──> count dependencies ──> run each node once all its gradient has arrived
                                     (sum what arrives; leaves go to AccumulateGrad)

One entry point, ``run_backward``. Gradients in flight live in ``buffers``, a table owned
by the run ({node: [grad per output of that node]}), never on tensors.

NOTE [Ready order]
Of the nodes whose gradient is complete, torch runs the one created last first (highest
sequence number); an AccumulateGrad outranks every other node, so a leaf's ``.grad`` is
written as soon as its gradient is complete. Several AccumulateGrads are often ready at
once (all inputs of a cat), and then the order is whatever torch's std::priority_queue
makes of the tie. Hooks print in this order, so ``_ReadyQueue`` keeps libstdc++'s heap
layout (heapq's routines move elements as libstdc++'s do).

NOTE [Broadcasting is undone by the engine]
Formulas return gradients shaped like the broadcast result. Before a gradient enters an
edge, the engine sums it down to that input's shape and casts it to that input's dtype
(recorded at forward time in ``node._meta``): the one place broadcasting is undone.

NOTE [Owned gradients]
Adding a gradient into a buffer in place, or letting a leaf take a gradient as its
``.grad`` without a copy, is only right for an array nothing else holds. The run keeps
the ids of such arrays in ``owned``, for as long as they sit in its buffers: a sum it
made, or a formula's fresh result (a new, writable, non-view array that is neither one
of the gradients the node received nor handed to a second edge; table formulas return
a new array or a gradient they were given). Arrays a hook or an observer has seen, a
user's gradient, and what other nodes return are never owned. Reference counts are not
consulted: they differ between interpreters and compiled builds. Only the arrays that may
be summed into or taken by a leaf are tracked (their node has several incoming edges or
is an AccumulateGrad), so a chain pays nothing.

NOTE [Two kinds of gradient]
With ``create_graph=False`` gradients in flight are bare arrays and formulas run at NumPy
speed, recording nothing; hooks and ``autograd.grad`` see them wrapped as Tensors. With
``create_graph=True`` they are Tensors and grad mode is on, so the backward is recorded.
While a vmap runs they are Tensors (a gradient or a saved value may be batched, and only
a Tensor keeps its batch), with grad mode as create_graph says.
"""
import gc
import itertools
import operator
import threading
from heapq import heappop, heappush

from .. import _backend
from .._autograd_state import DUAL
from .._dtype import of_array_dtype
from ..tensor import Tensor, _wrap
from . import grad_mode
from .flight_versions import FlightVersions
from .graph import _MAX_SEQ, AccumulateGrad, fit_all

xp = _backend.xp
_ndarray = _backend.ndarray
_new = object.__new__

# Observation point (NOTE in DESIGN: viz and anomaly mode watch through it): callables
# observer(event, **info). Empty means the engine pays one truthiness test per step.
# Events: "node" (node, grads: before it runs), "hook" (kind, fn, args, result),
# "ran" (node, grads after pre-hooks, raw: formula outputs before the edge reduction,
# outs: reduced, None where no one wants the gradient (NOTE [Running part of the graph]);
# sent before post hooks, which report as "hook", and before saved values
# are freed), "end", "error" (error: the exception a step raised, sent before it leaves
# the run; the last "node" is the one that failed).
observers = []
# Callables hook_watcher(kind, fn, args, result), told only that a hook ran (a compiled
# call's capture gives up at one): unlike an observer they leave the engine on its fast
# path, which an observer takes it off for every node (measured: a seventh of the first,
# recording, call of a compiled tiny_chain).
hook_watchers = []


def _tell(event, **info):
    for ob in observers:
        ob(event, **info)


def _tell_hook(kind, fn, args, result):
    for ob in observers:
        ob("hook", kind=kind, fn=fn, args=args, result=result)
    for ob in hook_watchers:
        ob(kind, fn, args, result)


def _tensor(g):
    return g if isinstance(g, Tensor) else _wrap(g)


def _versions():
    """The running backward's FlightVersions (None when its gradients are Tensors)."""
    tasks = _running.tasks
    return tasks[-1].versions if tasks else None


def _shown(g, versions):
    """A gradient as a hook sees it: a Tensor, with torch's version of it."""
    if g is None:
        return None
    if versions is None:
        return _tensor(g)
    return versions.shown(g)


def _run_tensor_hooks(hooks, grad, as_tensors):
    """Tensor hooks get and return Tensors; a returned None keeps the gradient. An output
    of the node that got no gradient is shown to its hooks as None, as torch does."""
    versions = None if as_tensors else _versions()
    refs = []
    for fn in list(hooks.values()):
        t = _shown(grad, versions)
        new = fn(t)
        if observers or hook_watchers:
            _tell_hook(kind="tensor", fn=fn, args=(t,), result=new)
        if versions is not None and t is not None:
            refs.append(versions.watch(t))
        if new is None:
            continue
        _check_single(fn, t, new)
        if versions is not None:
            refs.append(versions.watch(new))
        grad = new if as_tensors else new._data
    if refs and grad is not None:
        t = new = None  # (ours gone, a Tensor still alive is one a hook kept)
        versions.kept(grad, refs)
    return grad


def _check_single(fn, old, new):
    """torch's checks of a value a hook returned for the gradient ``old``."""
    if new is None:
        return
    if old is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not hasattr(new, "_data"):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    name = getattr(fn, "__name__", "<unknown>")
    if new.dtype is not old.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"torch.{old.dtype._legacy} got torch.{new.dtype._legacy})")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _check_hook_result(fn, old, new):
    """A node hook returns a tuple of as many gradients as it was given (None allowed)."""
    if not isinstance(new, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != len(old):
        raise RuntimeError(f"hook '{getattr(fn, '__name__', '<unknown>')}' has returned an "
                           f"incorrect number of values (got {len(new)}, but expected {len(old)})")
    for o, n in zip(old, new):
        _check_single(fn, o, n)


def _fresh(g, outs, grads):
    """Whether a formula result is an array no one else holds (NOTE [Owned gradients])."""
    if not _backend.owns_data(g):
        return False
    for x in grads:
        if x is g:
            return False
    n = 0
    for o in outs:
        if o is g:
            n += 1
    return n == 1


def _accumulate(node, grad, create_graph, owned=False, versions=None):
    """AccumulateGrad: add the gradient into the leaf's ``.grad`` as torch does. ``owned``:
    the run owns the array (NOTE [Owned gradients]), so the leaf may take it as it is.
    ``versions``: the run's FlightVersions, for the version of a first ``.grad``."""
    var = node.variable
    old = var._grad
    want = var._grad_dtype  # () means the leaf's own dtype, which _fit has already given
    if want is not None and want != () and grad.dtype != want.np and grad.dtype is not want:
        grad = grad.to(want) if hasattr(grad, "_data") else xp.asarray(grad, dtype=want.np)
    if create_graph and not grad_mode.state.enabled and not grad_mode.state.batching:
        # a Tensor only for its tangent (under a dual level, without create_graph): the
        # leaf takes and accumulates it as any gradient recorded without a graph
        create_graph = False
        grad = grad._data
    if old is None:
        if create_graph:
            # torch copies into a fresh tensor (so its version is 1), recorded as
            # CopyBackwards when the gradient has a graph
            new = _copy(grad) if grad.requires_grad else grad.detach().clone()
            new._version_counter[0] = 1
            var._grad = new
        elif owned and type(grad) is _ndarray:
            # Nobody but this run holds the array (a formula's fresh result): the leaf
            # takes it, as torch takes a gradient whose use count allows it.
            var._grad = _wrap(grad)
            if versions is not None:
                var._grad._version_counter[0] = versions.of(grad)
        else:
            # Shared (an identity formula hands one array to two edges, or it is the
            # user's own gradient) or a view: the leaf gets its own copy.
            var._grad = _wrap(_backend.copy(grad))
            if versions is not None:
                var._grad._version_counter[0] = versions.leaf_version(grad)
    elif not create_graph:
        # (a 0-d result of NumPy math may be a NumPy scalar: anything but a Tensor is data)
        data = grad._data if hasattr(grad, "_data") else grad
        if data.dtype != old._data.dtype and not _same_kind(data.dtype, old._data.dtype):
            raise RuntimeError(f"result type {of_array_dtype(data.dtype)._cname} can't be cast "
                               f"to the desired output type {of_array_dtype(old._data.dtype)._cname}")
        old._data += data
        old._version_counter[0] += 1
    else:
        var._grad = old + _tensor(grad)
    if var._post_acc_hooks:
        for fn in list(var._post_acc_hooks.values()):
            fn(var)
            if observers or hook_watchers:
                _tell_hook(kind="post_accumulate", fn=fn, args=(var,), result=None)


def _same_kind(source, target):
    """Whether ``source`` casts to ``target`` within its kind (NumPy's same_kind rule)."""
    if isinstance(source, xp.dtype) and isinstance(target, xp.dtype):
        return xp.can_cast(source, target, "same_kind")
    return "biufc".index(_backend.kind(source)) <= "biufc".index(_backend.kind(target))


def _copy(grad):
    """A copy recorded as torch's AccumulateGrad makes it under create_graph: copy_ into a
    fresh tensor, a CopyBackwards node whose first edge (the destination) is None."""
    data = grad._data
    ns = _backend.array_module(data)
    if ns is _backend.xp:
        return _wrap(ns.empty(data.shape, dtype=data.dtype)).copy_(grad)
    # (another module's array: on the gradient's own device)
    return _wrap(ns.empty(data.shape, dtype=data.dtype, device=data.device)).copy_(grad)


def run_backward(roots, root_grads, retain_graph, create_graph, inputs=None, accumulate=True):
    """Run backward from ``roots`` (edges) with ``root_grads``.

    ``inputs``: edges whose gradient is wanted. With ``accumulate=False`` (autograd.grad)
    their gradients are captured and returned, and no ``.grad`` is written; with
    ``accumulate=True`` and inputs given, only those inputs get ``.grad``.
    Returns the captured gradients (a list aligned with ``inputs``), or None.
    """
    state = grad_mode.state
    prev = state.enabled
    state.enabled = create_graph
    # A run makes no reference cycles (gradients in flight are freed by reference
    # counting), so the cyclic collector would only re-scan the graph: off for the run.
    collecting = gc.isenabled()
    gc.disable()
    quiet = _backend.quiet()  # formulas are as silent as torch's (NOTE [Floating-point warnings])
    # Formulas run on Tensors even without create_graph under vmap, where gradients may be
    # batched (NOTE [Batched tensors] in ops/_batched.py), and under a dual level, so that
    # the gradients carry tangents (forward-over-reverse), as torch's formulas are ops that
    # propagate tangents whatever the grad mode.
    as_tensors = create_graph or bool(state.batching) or DUAL[0] is not None
    if as_tensors and not create_graph:
        root_grads = [_wrap(g) if isinstance(g, _ndarray) else g for g in root_grads]
    try:
        return _run(roots, root_grads, retain_graph, as_tensors, inputs, accumulate)
    except Exception as error:
        if observers:
            _tell("error", error=error)
        raise
    finally:
        _backend.loud(quiet)
        _running.tasks.pop()
        state.enabled = prev
        if collecting:
            gc.enable()


def _discover(root_nodes):
    """Count, for every node reachable from the roots, the edges that point at it.

    ``deps`` doubles as the set of nodes seen: the roots enter it with no edge counted,
    so one dict operation per edge tells a node seen before (measured: 210 to 180 ns per
    node of a chain, and 20 ns less again without a separate set of roots).
    """
    deps = dict.fromkeys(root_nodes, 0)
    stack = list(root_nodes)
    pop, push = stack.pop, stack.append
    get = deps.get
    while stack:
        for nxt, _ in pop()._next_functions:
            if nxt is None:
                continue
            n = get(nxt)
            if n is None:
                deps[nxt] = 1
                push(nxt)
            else:
                deps[nxt] = n + 1
    return deps


def _needed(seen, deps, targets, include_targets):
    """The nodes that must run for gradients to reach ``targets`` (computed leaves-first).

    A node is needed when one of its next nodes is needed or is a target; with
    ``include_targets`` (backward with ``inputs=``) the targets themselves are needed too,
    as in torch, where a non-leaf input's grad_fn still runs (PR 60521).

    Leaves-first is, as a rule, the order the nodes were made in (a node's edges point at
    nodes made before it), which one C sort gives (measured: hvp's two calls 3,550 to
    1,900 bytecodes). Not always: a view's node made afresh while the node that takes the
    view is recorded comes after it. So a next node with edges of its own that was made
    after the node asking hands the question to ``_needed_in_order``.
    """
    needed = set(targets) if include_targets else set()
    for node in sorted(seen, key=_made):
        seq = node._sequence_nr
        for n, _ in node._next_functions:
            if n is not None:
                if n in needed or n in targets:
                    needed.add(node)
                    break
                if n._next_functions and not n._sequence_nr < seq:
                    return _needed_in_order(seen, deps, targets, include_targets)
    return needed


_made = operator.attrgetter("_sequence_nr")


def _needed_in_order(seen, deps, targets, include_targets):
    """``_needed``, leaves-first by the dependency counts (Kahn's order)."""
    indeg = dict(deps)
    order = [n for n in seen if indeg.get(n, 0) == 0]
    i = 0
    while i < len(order):
        for nxt, _ in order[i]._next_functions:
            if nxt is not None:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    order.append(nxt)
        i += 1
    needed = set(targets) if include_targets else set()
    for node in reversed(order):
        for n, _ in node._next_functions:
            if n is not None and (n in needed or n in targets):
                needed.add(node)
                break
    return needed


class _GraphTask:
    """What hooks may ask about the run that calls them (torch's graph task): its id, and
    whether a node will run (``register_multi_grad_hook`` counts the hooks to expect)."""

    __slots__ = ("id", "roots", "deps", "wanted", "accumulate", "callbacks", "versions")
    _next_id = itertools.count().__next__

    def __init__(self, accumulate):
        self.id = _GraphTask._next_id()
        self.accumulate = accumulate
        self.roots = self.deps = ()
        self.wanted = None
        self.callbacks = []  # queue_callback's final callbacks, run once the graph is done
        self.versions = None  # FlightVersions, when gradients in flight are arrays

    def will_execute(self, node):
        if isinstance(node, AccumulateGrad) and not self.accumulate:
            raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we are "
                               "currently running autograd.grad(). This is currently not "
                               "supported.")
        return ((node in self.deps or node in self.roots)
                and (self.wanted is None or node in self.wanted))


class _Running(threading.local):
    """The runs in progress in this thread, innermost last (a reentrant checkpoint runs one
    inside another). Per thread, as torch's graph tasks: two threads backpropagating at once
    each see, and queue final callbacks into, their own run."""

    def __init__(self):
        self.tasks = []


_running = _Running()


def current_task():
    """The graph task of the backward running now in this thread (None outside a backward)."""
    tasks = _running.tasks
    return tasks[-1] if tasks else None


def _run(roots, root_grads, retain_graph, create_graph, inputs, accumulate):
    task = _GraphTask(accumulate)
    _running.tasks.append(task)  # (run_backward pops it)
    root_nodes = list({id(n): n for n, _ in roots}.values())  # (every root has a node)
    deps = _discover(root_nodes)
    task.roots, task.deps = root_nodes, deps

    # NOTE [Running part of the graph]
    # With ``inputs``, only nodes on a path to an input's node run (``needed``); other
    # nodes are not even queued. autograd.grad captures each input's gradient as it
    # arrives at the input's node (``captures``: {node: [(input_nr, slot)]}): if that node
    # does not run, after its tensor hooks and retain_grad; if it runs, as it arrived
    # (torch's engine does the same). backward(inputs=) captures nothing: leaves
    # accumulate and non-leaf inputs retain their grad.
    captures = {}
    needed = wanted = captured = None
    if inputs is not None:
        targets = {node for node, _ in inputs if node is not None}
        needed = _needed(set(root_nodes).union(deps), deps, targets, accumulate)
        if not accumulate:
            captured = [None] * len(inputs)
            for slot, (node, nr) in enumerate(inputs):
                if node is not None:
                    captures.setdefault(node, []).append((nr, slot))
        wanted = task.wanted = needed.union(captures)
    buffers = {}
    owned = set()  # NOTE [Owned gradients]
    # NOTE [Versions of gradients in flight] (in flight_versions.py)
    versions = task.versions = None if create_graph else FlightVersions(buffers, root_grads)
    flight = versions.table if versions is not None else ()
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    ready = _ReadyQueue()
    push = ready.push
    heap = ready.heap
    for node in root_nodes:
        if deps.get(node, 0) == 0:
            push(node._sequence_nr, node)
    watch = observers
    # ``next_up``: a node made ready while the queue was empty, run next without entering
    # the queue (a chain's nodes never do: each list append and pop to and from empty
    # would resize the lists); pushed like any other as soon as a second node is ready
    # ``next_grads``: the gradients of ``next_up`` when they never entered ``buffers`` (a
    # node whose one output got all of its gradient at once: every node of a chain)
    next_up = next_grads = None
    while True:
        if next_up is not None:
            node = next_up
            next_up = None
        elif len(heap) == 1:  # no heap routine for one node: they would move nothing
            node = heap.pop()[1]
            if type(node) is _Tie:
                node = node.node
        elif heap:
            node = ready.pop()
        else:
            break
        if next_grads is not None:
            grads = next_grads
            next_grads = None
        else:
            grads = buffers.pop(node)
        own = False
        if owned:  # the arrays leave the buffers: their ids may be reused from now on
            own = id(grads[0]) in owned
            for g in grads:
                owned.discard(id(g))
        # the arrays in ``flight`` the node must settle once it has run
        arrived = None
        if flight:
            for g in grads:
                if id(g) in flight:
                    arrived = tuple(grads)
                    break
        if watch:
            for ob in watch:
                ob("node", node=node, grads=grads)
        if needed is not None:
            runs = node in needed
            if not runs:
                grads = _tensor_prehooks(node, grads, create_graph)
            for nr, slot in captures.get(node, ()):
                g = captured[slot] = grads[nr]
                if versions is not None and g is not None and versions.of(g):
                    captured[slot] = versions.shown(g)
            if not runs:
                if arrived is not None:
                    versions.settle(arrived, ())
                continue
        if not watch and not node._hooked:
            if type(node) is AccumulateGrad:
                # _run_node's leaf case written out: nothing saved to free, no edges
                if grads[0] is not None:
                    _accumulate(node, grads[0], create_graph, own, versions)
                if arrived is not None:
                    versions.settle(arrived, ())
                continue
            # _run_node's common case written out: no hooks, nobody watching (measured:
            # about 1 us of 4 per node on a small chain; hvp's autograd.grad calls, which
            # run part of the graph, 4% of the step)
            if (grads[0] is None and (len(grads) == 1 or all(g is None for g in grads))
                    and not node._runs_without_grad):
                outs = raw = None
            else:
                outs = raw = node._apply(grads, create_graph)
                if node._meta is not None:
                    outs = fit_all(outs, node._meta, node)
                # (a gradient for a node not wanted is dropped at its edge below, as
                # _run_node drops it)
            if not retain_graph:
                node._release()
        else:
            outs, raw = _run_node(node, grads, create_graph, retain_graph, wanted)
        if arrived is not None:
            versions.settle(arrived, outs or ())
        for k, (nxt, nr) in enumerate(node._next_functions):
            if nxt is None:
                continue
            d = deps[nxt] - 1
            deps[nxt] = d
            g = outs[k] if outs is not None else None
            if wanted is not None and g is not None and nxt not in wanted:
                g = None
            buf = buffers.get(nxt)
            if buf is None:
                if (d == 0 and next_up is None and not heap and wanted is None
                        and nxt._n_outputs == 1 and type(nxt) is not AccumulateGrad):
                    # all of its gradient, the only node ready: run it next, its gradient
                    # kept out of ``buffers`` (measured: 2% of tiny_chain's instructions)
                    next_up = nxt
                    next_grads = [g]
                    continue
                buf = buffers[nxt] = [None] * nxt._n_outputs
            if g is not None:
                old = buf[nr]
                if old is None:
                    buf[nr] = g
                    # an array that may be summed into (more edges to come) or taken by
                    # a leaf: is it the run's own? (NOTE [Owned gradients])
                    if d or type(nxt) is AccumulateGrad:
                        if (node._fresh_results and not watch and not node._hooked
                                and _fresh(g, outs, grads)):
                            owned.add(id(g))
                        if (d and versions is not None and raw is not outs
                                and raw[k] is not None and len(raw[k].shape) > len(g.shape)):
                            versions.reduced(g)  # (to be summed into: is torch's a view?)
                elif id(old) in owned and old.dtype == g.dtype and old.shape == g.shape:
                    old += g  # an array only this run holds: add in place (no new array)
                    if versions is not None:  # (owned: no one else holds it)
                        versions.summed(old, old, True)
                else:
                    new = old + g
                    if versions is not None:
                        versions.summed(old, new, versions.alone(old, 1, outs[k:]))
                    buf[nr] = new
                    owned.discard(id(old))
                    if type(new) is _ndarray:
                        owned.add(id(new))  # a sum this run made
            if d == 0 and (wanted is None or nxt in wanted):
                if next_up is None and not heap:
                    next_up = nxt
                else:
                    if next_up is not None:
                        push(next_up._sequence_nr, next_up)
                        if next_grads is not None:
                            buffers[next_up] = next_grads
                            next_grads = None
                        next_up = None
                    push(nxt._sequence_nr, nxt)
    # Final callbacks run in the order queued, and one may queue another (torch's
    # exec_post_processing): DistributedDataParallel waits for its all-reduces here.
    callbacks = task.callbacks
    i = 0
    while i < len(callbacks):
        callbacks[i]()
        i += 1
    if watch:
        for ob in watch:
            ob("end")
    return captured


class _EngineBase:
    """``torch.autograd.Variable._execution_engine``: what code outside the engine may ask
    of the running backward."""

    def queue_callback(self, callback):
        """Run ``callback()`` when the current backward has finished running its graph."""
        task = current_task()
        if task is None:
            raise RuntimeError("Final callbacks can only be installed during backward pass.")
        task.callbacks.append(callback)


execution_engine = _EngineBase()


class _Tie:
    """An AccumulateGrad in the ready queue. Every AccumulateGrad has the same key, and
    in the heap's comparisons two of them are equal (neither runs before the other, as
    for std::priority_queue), so ties come out in the order the heap itself makes."""

    __slots__ = ("node",)

    def __eq__(self, other):
        return True

    __hash__ = None


class _ReadyQueue:
    """torch's ready queue: a max-heap on the sequence number, ties in the order
    libstdc++'s std::priority_queue gives them (NOTE [Ready order]). heapq's routines
    move elements exactly as libstdc++'s push_heap and pop_heap do (the hole goes down
    along the larger child, a tie going right, and the last element climbs back up; a
    push climbs while its parent is smaller), so a min-heap of ``(-key, node)`` pairs
    keeps libstdc++'s layout, in C. A pair's node is compared only on a tie of keys,
    which only AccumulateGrads have (every other node's sequence number is its own):
    those go in as a ``_Tie``, equal to any other."""

    __slots__ = ("heap",)

    def __init__(self):
        self.heap = []  # (-sequence number, node or _Tie)

    def push(self, key, node):
        if key == _MAX_SEQ:
            tie = _new(_Tie)
            tie.node = node
            heappush(self.heap, (-key, tie))
        else:
            heappush(self.heap, (-key, node))

    def pop(self):
        node = heappop(self.heap)[1]
        return node.node if type(node) is _Tie else node


def _tensor_prehooks(node, grads, create_graph):
    """Hooks of the tensors this node made (Tensor.register_hook), then their retain_grad."""
    th = node._tensor_prehooks
    if th:
        for nr, hooks in th.items():
            if hooks:
                grads[nr] = _run_tensor_hooks(hooks, grads[nr], create_graph)
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                g = _tensor(g)
                t._grad = g.detach().clone() if t._grad is None else t._grad + g
    return grads


def _unwrap(g, create_graph):
    if g is None or create_graph:
        return g
    return g._data if hasattr(g, "_data") else g


def _run_node(node, grads, create_graph, retain_graph, wanted=None):
    """One node's step: tensor hooks, retain_grad, pre-hooks, the node, post hooks.
    Returns the gradients for its edges, and what the formula returned for them before the
    engine summed them down to the inputs' shapes (the same list when it did not, or when
    a post hook replaced them): _run's ``outs`` and ``raw``.

    ``wanted``: when only part of the graph runs, the nodes that may receive a gradient.
    A leaf here never takes its gradient uncopied: a hook or an observer may hold it
    (NOTE [Owned gradients]).
    """
    if node._tensor_prehooks or node._retained:
        grads = _tensor_prehooks(node, grads, create_graph)
    versions = None if create_graph else _versions()
    if node._prehooks:
        for fn in list(node._prehooks.values()):
            go = tuple(_shown(g, versions) for g in grads)
            new = fn(go)
            if observers or hook_watchers:
                _tell_hook(kind="prehook", fn=fn, args=(), result=new)
            if new is not None:
                _check_hook_result(fn, go, new)
                grads[:] = [_unwrap(g, create_graph) for g in new]
    if isinstance(node, AccumulateGrad):
        if grads[0] is not None:
            _accumulate(node, grads[0], create_graph, False, versions)
        if observers:
            _tell("ran", node=node, grads=grads, raw=None, outs=None)
        outs = raw = []
    elif (grads[0] is None and (len(grads) == 1 or all(g is None for g in grads))
          and not node._runs_without_grad):
        outs = raw = [None] * len(node._next_functions)
    else:
        outs = raw = node._apply(grads, create_graph)
        if node._meta is not None:
            outs = fit_all(outs, node._meta, node)
        if wanted is not None:
            # gradients nobody wants are not handed on (torch does not compute them, so
            # observers, anomaly mode's nan check among them, do not see them either)
            outs = [g if nxt in wanted else None for g, (nxt, _) in zip(outs, node._next_functions)]
        if observers:
            _tell("ran", node=node, grads=grads, raw=raw, outs=outs)
    if node._hooks:
        gi = tuple(None if g is None else _tensor(g) for g in outs)
        go = tuple(_shown(g, versions) for g in grads)
        replaced = False
        for fn in list(node._hooks.values()):
            new = fn(gi, go)
            if observers or hook_watchers:
                _tell_hook(kind="hook", fn=fn, args=(gi, go), result=new)
            if new is not None:
                _check_hook_result(fn, gi, new)
                gi = new
                replaced = True
        fitted, outs = outs, [_unwrap(g, create_graph) for g in gi]
        if replaced:  # a gradient a hook put in place of the engine's is no sum it made
            raw = [r if o is f else o for r, o, f in zip(raw, outs, fitted)]
    if not retain_graph:
        node._release()
    return outs, raw


def call_node(node, grads):
    """``grad_fn(*grads)``: run one node by hand, as torch allows."""
    # one gradient per differentiable output (sort's indices take none), as torch counts
    diff = node._differentiable_outputs
    n = node._n_outputs if diff is None else len(diff)
    if len(grads) != n:
        raise TypeError(f"expected {n} arguments, got {len(grads)} instead")
    for i, g in enumerate(grads):
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"argument {i} is not a Variable")
    create = grad_mode.state.enabled
    gs = [g if create else (g._data if isinstance(g, Tensor) else g) for g in grads]
    outs = tuple(None if g is None else _tensor(g) for g in node._apply(gs, create))
    # torch hands back a lone gradient as itself
    return outs[0] if len(outs) == 1 else outs

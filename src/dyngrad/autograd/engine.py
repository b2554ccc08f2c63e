"""The engine: run a backward pass over the graph, iteratively.

    roots ──> count dependencies ──> run each node once all its gradient has arrived
                                     (sum what arrives; leaves go to AccumulateGrad)

One entry point, ``run_backward``. Gradients in flight live in ``buffers``, a table owned
by the run ({node: [grad per output of that node]}), never on tensors.

NOTE [Ready order]
Of the nodes whose gradient is complete, torch runs the one created last first (highest
sequence number); an AccumulateGrad outranks every other node, so a leaf's ``.grad`` is
written as soon as its gradient is complete. Hooks print in this order, so we keep it:
a heap keyed on the negated sequence number.

NOTE [Broadcasting is undone by the engine]
Formulas return gradients shaped like the broadcast result. Before a gradient enters an
edge, the engine sums it down to that input's shape and casts it to that input's dtype
(recorded at forward time in ``node._meta``): the one place broadcasting is undone.

NOTE [Two kinds of gradient]
With ``create_graph=False`` gradients in flight are bare arrays and formulas run at NumPy
speed, recording nothing; hooks and ``autograd.grad`` see them wrapped as Tensors. With
``create_graph=True`` they are Tensors and grad mode is on, so the backward is recorded.
"""
import heapq

from .. import _backend
from . import grad_mode
from .graph import AccumulateGrad

xp = _backend.xp
_ndarray = _backend.ndarray

# Observation point (NOTE in DESIGN: viz and anomaly mode watch through it): callables
# observer(event, **info). Empty means the engine pays one truthiness test per step.
observers = []


def sum_to(grad, shape):
    """Sum an array (or Tensor) down to ``shape``, undoing broadcasting."""
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if isinstance(grad, _ndarray) or not hasattr(grad, "_data"):
        g = xp.sum(grad, axis=axes, keepdims=True) if axes else grad
        return xp.reshape(g, shape)
    g = grad.sum(axes, keepdim=True) if axes else grad
    return g.reshape(shape) if tuple(g.shape) != tuple(shape) else g


def _fit(grad, meta):
    """Reduce a gradient to an input's recorded (shape, dtype)."""
    shape, dtype = meta
    if grad.shape != shape:
        grad = sum_to(grad, shape)
    if grad.dtype != dtype:
        if isinstance(grad, _ndarray) or not hasattr(grad, "_data"):
            grad = xp.asarray(grad, dtype=dtype)
        else:
            from .._dtype import _FROM_NP
            grad = grad.to(_FROM_NP[dtype])
    return grad


def _tensor(g):
    from ..tensor import Tensor, _wrap
    return g if isinstance(g, Tensor) else _wrap(g)


def _run_tensor_hooks(hooks, grad, as_tensors):
    """Tensor hooks get and return Tensors; a returned None keeps the gradient."""
    for fn in list(hooks.values()):
        t = _tensor(grad)
        new = fn(t)
        if new is None:
            continue
        if tuple(new.shape) != tuple(t.shape):
            raise RuntimeError(f"hook '{getattr(fn, '__name__', fn)}' has changed the size of value")
        if new.dtype is not t.dtype:
            raise RuntimeError(f"hook '{getattr(fn, '__name__', fn)}' has changed the type of value "
                               f"(was torch.{t.dtype._legacy} got torch.{new.dtype._legacy})")
        grad = new if as_tensors else new._data
    return grad


def _accumulate(node, grad, create_graph):
    """AccumulateGrad: add the gradient into the leaf's ``.grad`` as torch does."""
    from ..tensor import _wrap
    var = node.variable
    old = var._grad
    if old is None:
        if create_graph:
            var._grad = grad.detach().clone() if not grad._requires_grad else _copy(grad)
        else:
            # The array may be shared (an identity formula hands one array to two edges,
            # or it is the user's own gradient): the leaf gets its own copy.
            var._grad = _wrap(xp.array(grad, copy=True, order="K"))
    elif not create_graph:
        data = grad if isinstance(grad, _ndarray) else grad._data
        old._data += data
        old._version_counter[0] += 1
    else:
        var._grad = old + _tensor(grad)
    if var._post_acc_hooks:
        for fn in list(var._post_acc_hooks.values()):
            fn(var)


def _copy(grad):
    from ..ops.inplace import copy_out_of_place
    return copy_out_of_place(grad)


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
    try:
        return _run(roots, root_grads, retain_graph, create_graph, inputs, accumulate)
    finally:
        state.enabled = prev


def _discover(root_nodes):
    """Count, for every node reachable from the roots, the edges that point at it."""
    deps = {}
    seen = set(root_nodes)
    stack = list(root_nodes)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _needed(seen, deps, targets):
    """Nodes that lie on a path to one of ``targets`` (computed leaves-first)."""
    indeg = dict(deps)
    order = [n for n in seen if indeg.get(n, 0) == 0]
    i = 0
    while i < len(order):
        for nxt, _ in order[i].next_functions:
            if nxt is not None:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    order.append(nxt)
        i += 1
    needed = set()
    for node in reversed(order):
        if node in targets or any(n in needed for n, _ in node.next_functions if n is not None):
            needed.add(node)
    return needed


def _run(roots, root_grads, retain_graph, create_graph, inputs, accumulate):
    root_nodes = list({id(n): n for n, _ in roots if n is not None}.values())
    deps, seen = _discover(root_nodes)

    # captures: {node: [(input_nr, slot)]} for the edges whose gradient is wanted
    captures = {}
    needed = None
    captured = None
    if inputs is not None:
        captured = [None] * len(inputs)
        for slot, (node, nr) in enumerate(inputs):
            if node is not None:
                captures.setdefault(node, []).append((nr, slot))
        targets = set(captures)
        needed = _needed(seen, deps, targets)
        if not accumulate:
            # autograd.grad: the wanted nodes themselves need not run unless they lead to
            # another wanted one; leaves' accumulators never run.
            runnable = {n for n in needed if any(
                m in needed for m, _ in n.next_functions if m is not None)}
        else:
            runnable = {n for n in needed if not (n in captures and not isinstance(n, AccumulateGrad)
                                                  and not any(m in needed for m, _ in n.next_functions if m is not None))}
            runnable |= {n for n in captures if isinstance(n, AccumulateGrad)}
    buffers = {}
    for (node, nr), g in zip(roots, root_grads):
        if node is None:
            continue
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * _n_outputs(node)
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    heap = []
    push = heapq.heappush
    pop = heapq.heappop
    tick = 0
    for node in root_nodes:
        if deps.get(node, 0) == 0:
            push(heap, (-node._sequence_nr, tick, node))
            tick += 1
    watch = observers
    while heap:
        node = pop(heap)[2]
        grads = buffers.pop(node)
        if watch:
            for ob in watch:
                ob("node", node=node, grads=grads)
        if captures or needed is not None:
            outs = _run_filtered(node, grads, create_graph, retain_graph, captures, captured,
                                 needed, runnable, accumulate)
        else:
            outs = _run_node(node, grads, create_graph, retain_graph)
        if outs is not None:
            for (nxt, nr), g in zip(node.next_functions, outs):
                if nxt is None:
                    continue
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * _n_outputs(nxt)
                    old = buf[nr]
                    buf[nr] = g if old is None else old + g
                else:
                    buffers.setdefault(nxt, [None] * _n_outputs(nxt))
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    push(heap, (-nxt._sequence_nr, tick, nxt))
                    tick += 1
        else:
            for nxt, nr in node.next_functions:
                if nxt is None:
                    continue
                buffers.setdefault(nxt, [None] * _n_outputs(nxt))
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    push(heap, (-nxt._sequence_nr, tick, nxt))
                    tick += 1
    if watch:
        for ob in watch:
            ob("end")
    return captured


def _n_outputs(node):
    n = getattr(node, "_n_outputs", None)
    if n is not None:
        return n
    op = getattr(node, "_op", None)
    return op.n_out if op is not None else 1


def _pre(node, grads, create_graph):
    """Tensor hooks of the node's outputs, then retain_grad, then the node's pre-hooks."""
    th = node._tensor_prehooks
    if th:
        for nr, hooks in th.items():
            if hooks and grads[nr] is not None:
                grads[nr] = _run_tensor_hooks(hooks, grads[nr], create_graph)
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                g = _tensor(g)
                t._grad = g.detach().clone() if t._grad is None else t._grad + g
    if node._prehooks:
        for fn in list(node._prehooks.values()):
            new = fn(tuple(_tensor(g) if g is not None else None for g in grads))
            if new is not None:
                grads[:] = [_unwrap(g, create_graph) for g in new]
    return grads


def _unwrap(g, create_graph):
    if g is None or create_graph:
        return g
    return g._data if hasattr(g, "_data") else g


def _run_node(node, grads, create_graph, retain_graph):
    grads = _pre(node, grads, create_graph)
    if isinstance(node, AccumulateGrad):
        if grads[0] is not None:
            _accumulate(node, grads[0], create_graph)
        return None
    if all(g is None for g in grads):
        outs = None
    else:
        outs = node._apply(grads, create_graph)
        meta = getattr(node, "_meta", None)
        if meta is not None:
            outs = [None if g is None or m is None else _fit(g, m) for g, m in zip(outs, meta)]
    if node._hooks:
        gi = tuple(None if g is None else _tensor(g) for g in (outs or [None] * len(node.next_functions)))
        go = tuple(None if g is None else _tensor(g) for g in grads)
        for fn in list(node._hooks.values()):
            new = fn(gi, go)
            if new is not None:
                gi = tuple(new)
        outs = [_unwrap(g, create_graph) for g in gi]
    if not retain_graph:
        node._release()
    return outs


def _run_filtered(node, grads, create_graph, retain_graph, captures, captured, needed,
                  runnable, accumulate):
    """A node's step when only some inputs' gradients are wanted (autograd.grad, inputs=)."""
    if node not in needed:
        return None
    cap = captures.get(node)
    if node in runnable and not (isinstance(node, AccumulateGrad) and not accumulate):
        if cap:
            for nr, slot in cap:
                captured[slot] = grads[nr]
            if accumulate and not isinstance(node, AccumulateGrad):
                _set_input_grads(node, cap, grads)
        return _run_node(node, grads, create_graph, retain_graph)
    grads = _pre(node, grads, create_graph)
    for nr, slot in cap or ():
        captured[slot] = grads[nr]
    if accumulate and cap and not isinstance(node, AccumulateGrad):
        _set_input_grads(node, cap, grads)
    return None


def _set_input_grads(node, cap, grads):
    """backward(inputs=[non-leaf]) fills that tensor's .grad, like retain_grad."""
    refs = getattr(node, "_input_tensors", {})
    for nr, slot in cap:
        t = refs.get(nr)
        t = t() if t is not None else None
        g = grads[nr]
        if t is not None and g is not None:
            g = _tensor(g)
            t._grad = g.detach().clone() if t._grad is None else t._grad + g


def call_node(node, grads):
    """``grad_fn(*grads)``: run one node by hand, as torch allows."""
    from ..tensor import Tensor
    create = grad_mode.state.enabled
    gs = [g if create else (g._data if isinstance(g, Tensor) else g) for g in grads]
    outs = node._apply(gs, create)
    return tuple(None if g is None else _tensor(g) for g in outs)

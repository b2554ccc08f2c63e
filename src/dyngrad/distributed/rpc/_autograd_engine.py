"""The distributed backward: each worker runs its part of the graph with the local engine,
and gradients cross between workers through the send and receive nodes (NOTE [Send and
receive nodes] in _autograd_context.py).

A worker's part starts at the roots (on the worker calling ``backward``) or at a send node
(on a worker a gradient came back to). The local engine runs it as ``autograd.grad``
does, capturing the gradients that reach the leaves (added into the context, never into
``.grad``) and the receive nodes; each receive node's gradient then goes back to its
sender, which runs its part from the send node the same way, and answers when that part,
and all it set off, is done. So ``backward`` returns once the whole distributed graph has
run. The parts of one backward on one worker run one after another, each from its own
send node: gradients reach the leaves as sums, in another order than one run would add
them (torch's engine runs all of a worker's send nodes in one task). Several parts may
pass through one node, so each part keeps the graph; without ``retain_graph`` the graph is
freed on every worker once the whole backward is done.
"""
from ... import _backend
from ...autograd import engine
from ...autograd.graph import AccumulateGrad, edge_of, walk
from ...futures import wait_all
from ...tensor import Tensor, _wrap
from . import _autograd_context, _state
from ._autograd_context import RecvRpcBackward

__all__ = ["backward"]


def _sinks(roots):
    """The leaves' AccumulateGrad nodes and the receive nodes reachable from ``roots``."""
    leaves, recvs = [], []
    for node in walk(n for n, _ in roots):
        if type(node) is AccumulateGrad:
            leaves.append(node)
        elif type(node) is RecvRpcBackward:
            recvs.append(node)
    return leaves, recvs


def _run_part(ctx, roots, grads):
    """Run this worker's part from ``roots`` (edges) with ``grads`` (arrays), then send
    the receive nodes' gradients back and wait until their senders are done."""
    leaves, recvs = _sinks(roots)
    inputs = [(n, 0) for n in leaves] + [(r, k) for r in recvs for k in range(r._n_outputs)]
    try:
        captured = engine.run_backward(roots, grads, True, False, inputs, False)
    except RuntimeError as e:
        # torch names the worker where the backward failed
        raise RuntimeError(f"Error on Node {_state.agent().me.id}: {e}") from None
    for node, g in zip(leaves, captured):
        if g is not None:
            ctx.accumulate(node.variable, g if isinstance(g, Tensor) else _wrap(g))
    k = len(leaves)
    calls = []
    for r in recvs:
        back = [g._data if isinstance(g, Tensor) else g for g in captured[k:k + r._n_outputs]]
        k += r._n_outputs
        if any(g is not None for g in back):
            calls.append(_state.call(r.src, _run_from_send, (ctx.id, r.send_id, back),
                                     None, 0))
    try:
        wait_all(calls)
    except RuntimeError as e:
        # a failure on another worker: raised here as the worker raised it
        failed = next((line for line in str(e).split("\n") if "Error on Node" in line), None)
        if failed is None:
            raise
        raise RuntimeError(failed[failed.index("Error on Node"):].rstrip("')")) from None


def _run_from_send(context_id, send_id, grads):
    """On a sender: the gradients of a message's tensors came back; run from its node."""
    ctx = _autograd_context.retrieve(context_id)
    node = ctx.sends[send_id]
    _run_part(ctx, [(node, k) for k in range(node._n_outputs)], grads)


def _free_graph(context_id, roots=()):
    """Free the saved values of the graph behind the context's send nodes (and ``roots``)
    on this worker, as a backward without ``retain_graph`` does."""
    ctx = _autograd_context.find(context_id)
    if ctx is None:  # a worker the backward never reached
        return
    for node in walk([n for n, _ in roots] + list(ctx.sends.values())):
        if type(node) not in (AccumulateGrad, RecvRpcBackward):  # (both lead nowhere)
            node._release()


def backward(context_id, roots, retain_graph=False):
    """Run the backward of the scalar ``roots`` through every worker the context reached;
    the gradients of the leaves, on each worker, are in ``get_gradients(context_id)``."""
    ctx = _autograd_context.retrieve(context_id)
    edges, grads = [], []
    for t in roots:
        if t.numel() != 1:
            # (torch's message starts with the tensor, which it prints as nothing)
            raise RuntimeError(" is not a scalar, all roots need to be scalar")
        if not t.requires_grad:
            raise RuntimeError(" does not have a valid gradient function.")
        edges.append(edge_of(t))
        grads.append(_backend.xp.ones(t._data.shape, dtype=t._data.dtype))
    _run_part(ctx, edges, grads)
    if not retain_graph:
        _free_graph(context_id, edges)
        agent = _state.agent()
        wait_all([_state.call(w, _free_graph, (context_id,), None, 0)
                  for w in agent.workers if w != agent.me])

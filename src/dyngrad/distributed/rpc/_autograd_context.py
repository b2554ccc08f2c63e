"""Distributed autograd contexts, and the send and receive nodes RPC puts into the graph.

NOTE [Send and receive nodes]
Inside ``dist_autograd.context()``, an RPC message that carries tensors requiring grad
records a ``SendRpcBackward`` node on the sender, whose edges lead to those tensors, and
the receiver gives the tensors it rebuilds a ``RecvRpcBackward`` node with no edges,
naming the sender and the send node (torch does the same). Each worker's context keeps
its send nodes by number, so that a gradient coming back for send node k can start a
backward there; and the gradients of its leaves, which ``get_gradients`` returns (a
distributed backward never writes ``.grad``).

A context has the id ``(worker id << 48) + n`` on the worker that opened it; a worker
that receives a message of the context opens one with the same id. Which context the
code runs in is per thread (the thread serving a request runs in the request's).

    worker 0                                 worker 1
    x ──> SendRpcBackward  ─── message ───>  RecvRpcBackward ──> x' ──> ... ──> y
    z <── RecvRpcBackward  <── message ───── SendRpcBackward <── y
"""
import itertools
import threading

from ...autograd import grad_mode
from ...autograd.graph import Node, record

__all__ = ["DistAutogradContext", "current", "retrieve", "open_context", "entered"]


class SendRpcBackward(Node):
    """Passes the gradients of the tensors a message carried on to them."""

    _name = "torch::distributed::autograd::SendRpcBackward"
    _runs_without_grad = True

    def _apply(self, grads, create_graph):
        return list(grads)


class RecvRpcBackward(Node):
    """The tensors a message brought: their gradient goes back to the sender's send node
    (the distributed engine captures it here, this node never runs)."""

    _name = "torch::distributed::autograd::RecvRpcBackward"

    def __init__(self, src, send_id):
        self.src, self.send_id = src, send_id


class DistAutogradContext:
    """One distributed backward's state on one worker (see the NOTE above)."""

    def __init__(self, context_id):
        self.id = context_id
        self.workers = set()   # the workers this context exchanged messages with
        self.sends = {}        # send number -> SendRpcBackward
        self.grads = {}        # leaf tensor -> accumulated gradient (a Tensor)
        self._next_send = itertools.count()
        self._lock = threading.Lock()

    def attach_send(self, tensors, dst):
        """Record a send node for ``tensors`` going to worker ``dst``; its number."""
        node = SendRpcBackward()
        node._saved = ()
        record(node, tensors, ())
        node._n_outputs = len(tensors)
        with self._lock:
            n = next(self._next_send)
            self.sends[n] = node
            self.workers.add(dst)
        return n

    def attach_recv(self, tensors, src, send_id):
        """Make ``tensors`` (fresh leaves) the outputs of a receive node."""
        node = RecvRpcBackward(src, send_id)
        node._saved = ()
        record(node, (), tensors)
        with self._lock:
            self.workers.add(src)

    def accumulate(self, tensor, grad):
        with self._lock:
            old = self.grads.get(tensor)
            self.grads[tensor] = grad if old is None else old + grad


_contexts = {}
_lock = threading.Lock()
_worker = [None]       # this worker's id, set by init_rpc
_counter = itertools.count()


class _Current(threading.local):
    context = None


_current = _Current()


def init(worker_id):
    _worker[0] = worker_id


def current():
    """The context the calling thread runs in (None outside one)."""
    return _current.context


def recording(ctx):
    """Whether a message sent now in ``ctx`` records send and receive nodes."""
    return ctx is not None and grad_mode.state.enabled


def check_initialized():
    if _worker[0] is None:
        raise RuntimeError("Need to initialize distributed autograd using "
                           "torch.distributed.autograd.init()")


def open_context():
    """A new context, with a new id, for ``dist_autograd.context()``."""
    check_initialized()
    if _current.context is not None:
        raise RuntimeError("Already have an autograd context id for this thread.")
    ctx = DistAutogradContext((_worker[0] << 48) + next(_counter))
    with _lock:
        _contexts[ctx.id] = ctx
    return ctx


def joined(context_id):
    """The context of a message that arrived: this worker's, opened when first seen."""
    with _lock:
        ctx = _contexts.get(context_id)
        if ctx is None:
            ctx = _contexts[context_id] = DistAutogradContext(context_id)
    return ctx


def find(context_id):
    """This worker's context of that id, or None."""
    return _contexts.get(context_id)


def retrieve(context_id):
    ctx = _contexts.get(context_id)
    if ctx is None:
        raise RuntimeError(f"Could not find autograd context with id: {context_id}")
    return ctx


def release(context_id):
    """Forget a context on this worker (a no-op when already gone)."""
    with _lock:
        return _contexts.pop(context_id, None)


class entered:
    """Run the block in ``ctx`` (None: in none), as the thread serving a request does."""

    def __init__(self, ctx):
        self.ctx = ctx

    def __enter__(self):
        self.prev, _current.context = _current.context, self.ctx

    def __exit__(self, *exc):
        _current.context = self.prev


def reset():
    """Forget every context (rpc shutdown)."""
    with _lock:
        _contexts.clear()
    _worker[0] = None

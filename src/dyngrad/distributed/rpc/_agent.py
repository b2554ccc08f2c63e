"""The RPC agent: each worker is one process of the MPI job, and the workers' messages
travel over a communicator of their own (a duplicate of COMM_WORLD).

NOTE [Serving while waiting]
A thread of the agent receives every message addressed to this worker. A request runs on
a pool of threads (``num_worker_threads``), so it may itself call another worker, or its
caller, and wait; a response completes the caller's Future. mpi4py starts MPI with
MPI_THREAD_MULTIPLE, so every thread may send. The receiving thread probes without
blocking (MPICH's blocking probe would spin a core) and, when nothing comes, sleeps a
little longer each time, up to a millisecond. The receiving thread also completes the
callers' Futures, so callbacks chained on them run there, and what it sends (the answer
of an ``async_execution`` function, completed by such a callback) it sends without
waiting: a large message to itself would wait for it for ever.

NOTE [Graceful shutdown]
A worker shutting down first waits for the answers to everything it asked (its own
requests, and the requests its served requests made), then tells every other worker it is
done, and serves until every other worker has said the same. Then no request can be on
its way to it: each worker's last request had been answered before it said it was done.
"""
import atexit
import itertools
import pickle
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from ...futures import Future
from .. import _mpi
from . import _autograd_context, _wire, functions

_REQUEST, _RESPONSE, _DONE = 1, 2, 3


class WorkerInfo:
    """A worker's name and id (its rank), as ``get_worker_info`` gives them."""

    __slots__ = ("name", "id")

    def __init__(self, name, id):
        self.name, self.id = name, id

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, name={self.name})"

    def __eq__(self, other):
        return isinstance(other, WorkerInfo) and (self.id, self.name) == (other.id, other.name)

    def __hash__(self):
        return hash((self.id, self.name))

    def __reduce__(self):
        return WorkerInfo, (self.name, self.id)


def remote_error(error, where):
    """What a failed request sends back: the error's type and torch's message for it."""
    if isinstance(error, RemoteFailure):
        return error.reply
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    kind = type(error)
    try:
        pickle.dumps(kind)
    except Exception:  # noqa: BLE001 - a type the caller could not find by its name
        kind = RuntimeError
    return kind, f"On {where}:\n{error!r}\n{text}", False


class RemoteFailure(Exception):
    """An error kept on this worker to be sent as it is (a failed ``remote()`` value that
    a ``to_here`` asks for): ``reply`` is ``remote_error``'s answer, marked to be raised
    as the remote error itself."""

    def __init__(self, error, where=None):
        super().__init__()
        if where is None:  # raised with its own message (torch's errors from C++ code)
            self.reply = type(error), str(error), True
        else:
            kind, message, _ = remote_error(error, where)
            self.reply = kind, message, True


def raised(kind, message, itself):
    """The error a caller raises for a failed request. torch passes the remote error
    through its C++ futures, which keep a ValueError or a TypeError (subclasses become
    their base) and make anything else a RuntimeError, the message led by the remote
    type's name; a failed ``remote()`` value comes back as the remote error itself."""
    # (torch unescapes the message, so an error's repr inside it shows its lines)
    message = message.encode("utf-8").decode("unicode_escape")
    try:
        error = kind(message)
    except Exception as e:  # noqa: BLE001 - a type that does not take one message
        return RuntimeError(f"Failed to create original exception type. Error msg was "
                            f"{e} Original exception on remote side was {message}")
    if itself:
        return error
    # (torch's C++ error adds where it was raised, after "At:")
    text = f"{type(error).__name__}: {error}\n\nAt:\n"
    return (ValueError(text) if isinstance(error, ValueError)
            else TypeError(text) if isinstance(error, TypeError) else RuntimeError(text))


class Agent:
    """This worker's end of the RPC network (the NOTEs above)."""

    def __init__(self, comm, names, rank, timeout, threads):
        self.comm = comm
        self.workers = [WorkerInfo(n, i) for i, n in enumerate(names)]
        self.by_name = {w.name: w for w in self.workers}
        self.me = self.workers[rank]
        self.timeout = timeout
        self._ids = itertools.count()
        self._pending = {}          # request id -> (Future, deadline or None)
        self._cv = threading.Condition()
        self._done_peers = 0
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="rpc")
        self._sent = []             # the receiving thread's sends still in flight
        self._running = True
        self._listener = threading.Thread(target=self._listen, daemon=True,
                                          name="rpc-listener")
        self._listener.start()
        atexit.register(self.stop)

    # -- asking ----------------------------------------------------------------------
    def call(self, dst, fn, args, kwargs, timeout):
        """Run ``fn(*args, **kwargs)`` on worker ``dst`` (a WorkerInfo); a Future of its
        result. ``timeout`` in seconds, 0 for none."""
        fut = Future()
        ctx = _autograd_context.current()
        message = _wire.dumps((fn, args, kwargs), dst.id, ctx)
        deadline = time.monotonic() + timeout if timeout > 0 else None
        with self._cv:
            n = next(self._ids)
            self._pending[n] = (fut, deadline, timeout, ctx)
        self._send((n, message), dst.id, _REQUEST)
        return fut

    def _send(self, obj, dst, tag):
        if threading.current_thread() is self._listener:
            self._sent.append(self.comm.isend(obj, dst, tag))
        else:
            self.comm.send(obj, dst, tag)

    def _answer(self, src, n, ok, reply):
        with self._cv:
            entry = self._pending.pop(n, None)
        if entry is None:  # timed out already
            return
        fut, _, _, ctx = entry
        try:
            if ok:
                value, _ = _wire.loads(reply, src)
                fut.set_result(value)
            else:
                fut.set_exception(raised(*reply))
        except Exception as e:  # noqa: BLE001 - an answer that cannot be rebuilt
            if not fut.done():
                fut.set_exception(e)
        with self._cv:
            self._cv.notify_all()

    def _expire(self):
        now = time.monotonic()
        with self._cv:
            late = [n for n, (_, d, _, _) in self._pending.items() if d is not None and d < now]
            entries = [self._pending.pop(n) for n in late]
            if late:
                self._cv.notify_all()
        for fut, _, timeout, _ in entries:
            # (torch's error code for a timeout leads the message)
            fut.set_exception(RuntimeError(f"RPCErr:1:RPC ran for more than set timeout "
                                           f"({int(timeout * 1000)} ms) and will now be "
                                           f"marked with an error"))

    # -- serving ---------------------------------------------------------------------
    def _serve(self, src, n, message):
        try:
            (fn, args, kwargs), ctx = _wire.loads(message, src)
            with _autograd_context.entered(ctx):
                result = fn(*args, **kwargs)
            later = functions._pending(fn, result)
            if later is not None:
                later.add_done_callback(lambda fut: self._reply(src, n, ctx, fut.wait))
                return
            self._reply(src, n, ctx, lambda: result)
        except BaseException as e:  # noqa: BLE001 - every error goes back to the caller
            self._send((n, False, remote_error(e, self.me)), src, _RESPONSE)

    def _reply(self, src, n, ctx, result):
        try:
            with _autograd_context.entered(ctx):
                answer = (n, True, _wire.dumps(result(), src, ctx))
        except BaseException as e:  # noqa: BLE001
            answer = (n, False, remote_error(e, self.me))
        self._send(answer, src, _RESPONSE)

    def _listen(self):
        MPI = _mpi.load()
        status = MPI.Status()
        comm, any_source, any_tag = self.comm, MPI.ANY_SOURCE, MPI.ANY_TAG
        idle = 0
        checked = time.monotonic()
        while self._running:
            msg = comm.improbe(any_source, any_tag, status)
            if msg is None:
                idle += 1
                if idle > 100:
                    time.sleep(min(0.001, 0.00001 * (idle - 100)))
                now = time.monotonic()
                if now - checked > 0.01:
                    checked = now
                    self._expire()
                    if self._sent:
                        self._sent = [r for r in self._sent if not r.Test()]
                continue
            idle = 0
            obj = msg.recv()
            src, tag = status.Get_source(), status.Get_tag()
            if tag == _REQUEST:
                self._pool.submit(self._serve, src, *obj)
            elif tag == _RESPONSE:
                self._answer(src, *obj)
            else:
                with self._cv:
                    self._done_peers += 1
                    self._cv.notify_all()

    # -- ending ----------------------------------------------------------------------
    def shutdown(self, graceful, timeout):
        """End the agent; ``graceful``: as NOTE [Graceful shutdown] says."""
        if graceful:
            limit = None if timeout <= 0 else timeout
            with self._cv:
                self._cv.wait_for(lambda: not self._pending, limit)
            for w in self.workers:
                if w is not self.me:
                    self.comm.send(None, w.id, _DONE)
            with self._cv:
                self._cv.wait_for(lambda: self._done_peers == len(self.workers) - 1, limit)
        self.stop(wait=graceful)
        if graceful:
            for r in self._sent:  # (answered: every worker is done)
                r.wait()
            self.comm.Free()

    def stop(self, wait=False):
        """Stop receiving; ``wait``: for the requests being served too (a request waiting
        for an answer would wait for ever once nothing receives)."""
        if self._running:
            self._running = False
            self._listener.join()
            self._pool.shutdown(wait=wait)
        atexit.unregister(self.stop)

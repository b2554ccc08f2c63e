"""RRef: a reference to a value that lives on one worker, its owner.

``remote()`` asks the owner to compute the value and returns at once with a user RRef;
``RRef(value)`` makes an owner RRef of a local value. Passed in an RPC, an RRef arrives as
a user RRef, or as the owner RRef itself on its owner. Owners keep each value until RPC
shuts down (torch counts the user RRefs and frees a value when the last one goes).
"""
import itertools
import threading

from ...futures import Future
from . import _autograd_engine, _state, functions
from ._agent import RemoteFailure, raised

__all__ = ["RRef", "remote"]

_values = {}            # rref id -> Future of the value, on its owner
_values_lock = threading.Lock()
_local_ids = itertools.count()


def new_id():
    """A GloballyUniqueId: (the creating worker's id, a number local to it)."""
    return (_state.agent().me.id, next(_local_ids))


def owned_value(rref_id):
    """The Future of a value this worker owns, made on first mention (a fetch may arrive
    before the creating request has run: they run on different threads)."""
    with _values_lock:
        fut = _values.get(rref_id)
        if fut is None:
            fut = _values[rref_id] = Future()
    return fut


def create_owned(rref_id, fn, args, kwargs):
    """On the owner: compute the value of a ``remote()`` call."""
    fut = owned_value(rref_id)
    try:
        value = fn(*args, **(kwargs or {}))
    except Exception as e:
        fut.set_exception(RemoteFailure(e, _state.agent().me))
        raise
    later = functions._pending(fn, value)
    if later is None:
        fut.set_result(value)
        return
    me = _state.agent().me

    def done(f):
        try:
            fut.set_result(f.wait())
        except Exception as e:  # noqa: BLE001 - the value's error, for to_here
            fut.set_exception(RemoteFailure(e, me))
    later.add_done_callback(done)


def fetch_owned(rref_id):
    """On the owner: the value, once computed (``to_here``)."""
    return owned_value(rref_id).wait()


def forget_values():
    """Drop every owned value (rpc shutdown)."""
    with _values_lock:
        _values.clear()


def _gid(rref_id):
    return f"GloballyUniqueId(created_on={rref_id[0]}, local_id={rref_id[1]})"


class RRef:
    """``RRef(value)``: an owner RRef of a local value. ``remote()`` returns user RRefs."""

    def __init__(self, value=None, type_hint=None, *, _owner=None, _id=None):
        if _id is None:  # an owner RRef of a local value
            if _state._current[0] is None:
                raise RuntimeError("Current RPC agent is not set! Did you initialize the RPC "
                                   "framework (e.g. by calling `rpc.init_rpc`)?")
            _id = new_id()
            owned_value(_id).set_result(value)
            _owner = _state.agent().me
        self._owner, self._id = _owner, _id
        self._fork = None
        self._created = None  # the remote() call's Future, on the worker that made it

    def is_owner(self):
        return self._owner == _state.agent().me

    def owner(self):
        return self._owner

    def owner_name(self):
        return self._owner.name

    def confirmed_by_owner(self):
        return self.is_owner() or self._created is None or self._created.done()

    def local_value(self):
        """The value, on its owner."""
        if not self.is_owner():
            raise RuntimeError(f"For UserRRef(rref_id={_gid(self._id)}, fork_id="
                               f"{_gid(self._fork_id())}), can't call localValue() on user "
                               f"{_state.agent().me}. Call it on owner {self._owner}")
        try:
            return owned_value(self._id).wait()
        except RemoteFailure as e:  # the remote() call that made the value failed
            raise raised(*e.reply) from None

    def to_here(self, timeout=None):
        """A copy of the value, fetched from the owner (the value itself on the owner)."""
        if self.is_owner():
            return self.local_value()
        return _state.call(self._owner, fetch_owned, (self._id,), None, timeout).wait()

    def _fork_id(self):
        if self._fork is None:
            self._fork = new_id()
        return self._fork

    def rpc_sync(self, timeout=None):
        """``rref.rpc_sync().method(*args)`` runs ``value.method(*args)`` on the owner."""
        return _Proxy(self, "rpc_sync", timeout)

    def rpc_async(self, timeout=None):
        return _Proxy(self, "rpc_async", timeout)

    def remote(self, timeout=None):
        return _Proxy(self, "remote", timeout)

    def backward(self, dist_autograd_ctx_id=-1, retain_graph=False):
        """Run the backward of the value (a scalar) on its owner: through the graph of the
        distributed autograd context ``dist_autograd_ctx_id``, or with local autograd when
        it is -1."""
        if self.is_owner():
            try:
                _backward(self, dist_autograd_ctx_id, retain_graph)
            except RemoteFailure as e:
                raise raised(*e.reply) from None
        else:
            _state.call(self._owner, _backward, (self, dist_autograd_ctx_id, retain_graph),
                        None, -1).wait()

    def __repr__(self):
        if self.is_owner():
            return f"OwnerRRef({_gid(self._id)})"
        return f"UserRRef(RRefId = {_gid(self._id)}, ForkId = {_gid(self._fork_id())})"

    def __reduce__(self):
        return _rebuild, (self._owner, self._id)


def _rebuild(owner, rref_id):
    """An RRef arriving in a message: the owner's own, on its owner."""
    return RRef(_owner=owner, _id=rref_id)


def _backward(rref, context_id, retain_graph):
    value = rref.local_value()
    if context_id == -1:
        value.backward(retain_graph=retain_graph)
    else:
        try:
            _autograd_engine.backward(context_id, [value], retain_graph)
        except RuntimeError as e:  # (torch's engine errors reach the caller as they are)
            raise RemoteFailure(e) from None


def _invoke(rref, name, args, kwargs):
    """On the owner: call a method of the value (an ``async_execution`` one answers
    once its Future is set)."""
    method = getattr(rref.local_value(), name)
    result = method(*args, **kwargs)
    return functions._Deferred(result) if functions._pending(method, result) else result


def remote(to, func, args=None, kwargs=None, timeout=-1.0):
    """Run ``func(*args, **kwargs)`` on worker ``to`` and return at once an RRef to the
    result, which stays on ``to``."""
    owner = _state.worker(to)
    rref_id = new_id()
    rref = RRef(_owner=owner, _id=rref_id)
    rref._created = _state.call(owner, create_owned, (rref_id, func, args, kwargs), None,
                                timeout)
    return rref


class _Proxy:
    """What ``rref.rpc_sync()`` and the others return: each attribute is a method of the
    owner's value, called through the chosen RPC."""

    def __init__(self, rref, how, timeout):
        self._rref, self._how, self._timeout = rref, how, timeout

    def __getattr__(self, name):
        def method(*args, **kwargs):
            call = (self._rref, name, args, kwargs)
            if self._how == "remote":
                return remote(self._rref.owner(), _invoke, call, None, self._timeout)
            fut = _state.call(self._rref.owner(), _invoke, call, None, self._timeout)
            return fut.wait() if self._how == "rpc_sync" else fut
        return method

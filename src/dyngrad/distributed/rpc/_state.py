"""This process's RPC agent, once ``init_rpc`` has made it, and the one way to call a
worker through it."""
from . import _agent

_current = [None]


def agent():
    a = _current[0]
    if a is None:
        raise RuntimeError("RPC has not been initialized. Call "
                           "torch.distributed.rpc.init_rpc first.")
    return a


def set_agent(a):
    _current[0] = a


def worker(to):
    """The WorkerInfo of ``to``: a name, an id, or a WorkerInfo."""
    a = agent()
    if isinstance(to, _agent.WorkerInfo):
        return to
    if isinstance(to, int):
        if 0 <= to < len(a.workers):
            return a.workers[to]
        kind = "id"
    else:
        w = a.by_name.get(to)
        if w is not None:
            return w
        kind = "name"
    raise RuntimeError(f"name:{a.me.name},rank:{a.me.id} could not find destination "
                       f"{kind} {to}")


def call(to, fn, args, kwargs, timeout):
    """A Future of ``fn(*args, **kwargs)`` run on worker ``to``; ``timeout`` in seconds
    (None or negative: the agent's default, 0: none)."""
    a = agent()
    dst = worker(to)
    if timeout is None or timeout < 0:
        timeout = a.timeout
    return a.call(dst, fn, tuple(args or ()), dict(kwargs or {}), timeout)

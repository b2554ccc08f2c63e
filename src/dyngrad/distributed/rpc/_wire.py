"""What a message carries: a pickled Python object whose tensors travel beside it.

The tensors are taken out of the pickle (``persistent_id``) and sent detached, with their
``requires_grad``: the receiver rebuilds them as leaves that require grad as the sent ones
did (torch's RPC pickler does the same). Inside a distributed autograd context the
message records send and receive nodes instead (NOTE [Send and receive nodes] in
_autograd_context.py). RRefs pickle themselves (rref.py).
"""
import importlib
import io
import pickle
import types

from ...tensor import Tensor
from . import _autograd_context


class _Pickler(pickle.Pickler):
    def __init__(self, file, tensors):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.tensors = tensors

    def persistent_id(self, obj):
        if isinstance(obj, Tensor):
            self.tensors.append(obj)
            return len(self.tensors) - 1
        return None

    def reducer_override(self, obj):
        # A function of dyngrad's namespace that is made by a factory (torch.add) has no
        # importable qualified name: it travels as its public name.
        if type(obj) is types.FunctionType and "<locals>" in obj.__qualname__:
            where = _public_names().get(id(obj))
            if where is not None:
                return _public_function, where
        return NotImplemented


_NAMESPACES = ("dyngrad", "dyngrad.nn.functional", "dyngrad.linalg", "dyngrad.special",
               "dyngrad.fft")
_names = {}


def _public_names():
    """id of each function of dyngrad's public namespaces and of Tensor's methods ->
    (module, dotted name)."""
    if not _names:
        spaces = [(m, "", vars(importlib.import_module(m))) for m in _NAMESPACES]
        spaces.append(("dyngrad", "Tensor.", vars(Tensor)))
        for module, prefix, space in spaces:
            for name, value in space.items():
                if type(value) is types.FunctionType and not name.startswith("_"):
                    _names.setdefault(id(value), (module, prefix + name))
    return _names


def _public_function(module, name):
    value = importlib.import_module(module)
    for part in name.split("."):
        value = getattr(value, part)
    return value


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, tensors):
        super().__init__(file)
        self.tensors = tensors

    def persistent_load(self, pid):
        return self.tensors[pid]


def dumps(obj, dst, ctx):
    """The message of ``obj`` for worker ``dst``, sent in autograd context ``ctx``."""
    buf = io.BytesIO()
    tensors = []
    _Pickler(buf, tensors).dump(obj)
    grad = None
    if ctx is not None:
        needing = ([t for t in tensors if t.requires_grad]
                   if _autograd_context.recording(ctx) else ())
        grad = (ctx.id, ctx.attach_send(needing, dst) if needing else None)
    return buf.getvalue(), [(t.detach(), t.requires_grad) for t in tensors], grad


def loads(message, src):
    """``(obj, context)`` of a message from worker ``src`` (context None outside one)."""
    data, sent, grad = message
    tensors = [t for t, _ in sent]
    ctx = None if grad is None else _autograd_context.joined(grad[0])
    if grad is not None and grad[1] is not None:
        ctx.attach_recv([t for t, rg in sent if rg], src, grad[1])
    else:
        if ctx is not None:
            ctx.workers.add(src)
        for t, rg in sent:
            if rg:
                t.requires_grad_(True)
    return _Unpickler(io.BytesIO(data), tensors).load(), ctx

"""A node of an fx Graph: one operation (placeholder, get_attr, call_function,
call_method, call_module, output), its arguments (nodes among them) and its users."""
import builtins
import operator

_OPS = ("placeholder", "get_attr", "call_function", "call_method", "call_module", "output")


def map_aggregate(a, fn):
    """``fn`` applied to every leaf of a nest of tuples, lists, dicts and slices."""
    if isinstance(a, tuple):
        mapped = tuple(map_aggregate(x, fn) for x in a)
        return type(a)(*mapped) if hasattr(a, "_fields") else mapped
    if isinstance(a, list):
        return [map_aggregate(x, fn) for x in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn),
                     map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """``fn`` applied to every Node in ``a``."""
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


def qualified_name(fn):
    """How a graph prints a function: torch's names for dyngrad's own."""
    from .proxy import torch_name
    name = torch_name(fn)
    if name is not None:
        return name
    if getattr(builtins, getattr(fn, "__name__", ""), None) is fn:
        return "builtins." + fn.__name__
    if getattr(operator, getattr(fn, "__name__", ""), None) is fn:
        return "operator." + fn.__name__
    return f"{getattr(fn, '__module__', None) or '__main__'}.{fn.__qualname__}"


def _format_arg(a):
    if isinstance(a, Node):
        return "%" + a.name
    if isinstance(a, tuple):
        inner = ", ".join(_format_arg(x) for x in a)
        return f"({inner},)" if len(a) == 1 else f"({inner})"
    if isinstance(a, list):
        return "[" + ", ".join(_format_arg(x) for x in a) + "]"
    if isinstance(a, dict):
        return "{" + ", ".join(f"{k}: {_format_arg(v)}" for k, v in a.items()) + "}"
    return str(a)


class Node:
    def __init__(self, graph, name, op, target, args, kwargs):
        assert op in _OPS, op
        self.graph, self.name, self.op, self.target = graph, name, op, target
        self.users = {}
        self.meta = {}
        self._args, self._kwargs = (), {}
        self._update(tuple(args), dict(kwargs))

    def _update(self, args, kwargs):
        for n in self.all_input_nodes:
            n.users.pop(self, None)
        self._args, self._kwargs = args, kwargs
        for n in self.all_input_nodes:
            n.users.setdefault(self, None)

    @property
    def args(self):
        return self._args

    @args.setter
    def args(self, value):
        self._update(tuple(value), self._kwargs)

    @property
    def kwargs(self):
        return self._kwargs

    @kwargs.setter
    def kwargs(self, value):
        self._update(self._args, dict(value))

    @property
    def all_input_nodes(self):
        found = {}
        map_arg((self._args, self._kwargs), lambda n: found.setdefault(n, None))
        return list(found)

    def replace_all_uses_with(self, replace_with):
        users = list(self.users)
        for user in users:
            swap = (lambda n: replace_with if n is self else n)
            user._update(map_arg(user._args, swap), map_arg(user._kwargs, swap))
        return users

    def format_node(self):
        if self.op == "output":
            return f"return {self.args[0]}"
        head = f"%{self.name} : [num_users={len(self.users)}] = "
        if self.op == "placeholder":
            default = f"(default={self.args[0]})" if self.args else ""
            return f"{head}placeholder[target={self.target}]{default}"
        if self.op == "get_attr":
            return f"{head}get_attr[target={self.target}]"
        target = (self.meta.get("qualname") or qualified_name(self.target)
                  if self.op == "call_function" else self.target)
        return (f"{head}{self.op}[target={target}](args = {_format_arg(self.args)}, "
                f"kwargs = {_format_arg(self.kwargs)})")

    def __repr__(self):
        return self.name

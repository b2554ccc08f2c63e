"""An fx Graph: the nodes in order, and the Python code they print as (``python_code``)."""
import builtins
import keyword
import operator
import re

from .node import Node

# operators whose calls print as Python expressions
_BINARY = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
           "pow": "**", "matmul": "@", "lshift": "<<", "rshift": ">>", "and_": "&",
           "or_": "|", "xor": "^", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">",
           "ge": ">="}
_UNARY = {"neg": "-", "pos": "+", "invert": "~"}


class _Namespace:
    """Unique, legal Python names: a builtin's or keyword's name, or one taken, gets
    ``_1``, ``_2``, ..."""

    def __init__(self):
        self.used = set()
        self.counts = {}

    def create_name(self, candidate):
        candidate = re.sub(r"[^0-9a-zA-Z_]+", "_", candidate)
        if not candidate or candidate[0].isdigit():
            candidate = "_" + candidate
        match = re.match(r"(.*)_(\d+)$", candidate)
        base, num = (match.group(1), int(match.group(2))) if match else (candidate, None)
        name = candidate if num is None else f"{base}_{num}"
        while name in self.used or keyword.iskeyword(name) or hasattr(builtins, name):
            num = self.counts.get(base, 0) + 1 if num is None else num + 1
            self.counts[base] = num
            name = f"{base}_{num}"
        self.used.add(name)
        return name


def _snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class Graph:
    def __init__(self, owning_module=None):
        self.nodes_list = []
        self._names = _Namespace()
        self.owning_module = owning_module

    @property
    def nodes(self):
        return list(self.nodes_list)

    def create_node(self, op, target, args=(), kwargs=None, name=None):
        if name is None:
            if op == "call_function":
                name = _snake(getattr(target, "__name__", "fn"))
            elif op == "output":
                name = "output"
            else:
                name = str(target).replace(".", "_")
        node = Node(self, self._names.create_name(name), op, target, args, kwargs or {})
        self.nodes_list.append(node)
        return node

    def placeholder(self, name, default_value=None, has_default=False):
        return self.create_node("placeholder", name, (default_value,) if has_default else ())

    def get_attr(self, qualified_name):
        return self.create_node("get_attr", qualified_name)

    def call_function(self, fn, args=(), kwargs=None):
        return self.create_node("call_function", fn, args, kwargs)

    def call_method(self, name, args=(), kwargs=None):
        return self.create_node("call_method", name, args, kwargs)

    def call_module(self, name, args=(), kwargs=None):
        return self.create_node("call_module", name, args, kwargs)

    def output(self, result):
        return self.create_node("output", "output", (result,))

    def erase_node(self, node):
        if node.users:
            raise RuntimeError(f"Tried to erase Node {node} but it still had {len(node.users)} "
                               f"users in the graph: {node.users}!")
        node._update((), {})
        self.nodes_list.remove(node)

    def __str__(self):
        lines = ["graph():"] + ["    " + n.format_node() for n in self.nodes_list]
        return "\n".join(lines)

    def print_tabular(self):
        rows = [[n.op, n.name, n.target, n.args, n.kwargs] for n in self.nodes_list]
        head = ["opcode", "name", "target", "args", "kwargs"]
        cells = [head] + [[str(c) for c in r] for r in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(5)]
        fmt = "  ".join("{:<%d}" % w for w in widths)
        print(fmt.format(*head).rstrip())
        print("  ".join("-" * w for w in widths))
        for r in cells[1:]:
            print(fmt.format(*r).rstrip())

    # -- code -------------------------------------------------------------------------
    def python_code(self, root_module="self"):
        """The forward's source and the globals it reads (``torch`` and the functions it
        calls by name)."""
        globals_ = {}
        lines = []
        last_use = {}
        for node in self.nodes_list:
            for n in node.all_input_nodes:
                last_use[n] = node
        freed = {}
        for n, user in last_use.items():
            freed.setdefault(user, []).append(n)
        params = []
        for node in self.nodes_list:
            if node.op == "placeholder":
                # the parameter keeps its name; a node renamed (a builtin's name) copies it
                params.append(node.target + (f" = {node.args[0]!r}" if node.args else ""))
                if node.name != node.target:
                    lines.append(f"{node.name} = {node.target}")
                continue
            if node.op == "output":
                lines.append(f"return {self._expr(node.args[0], globals_)}")
                continue
            lines.append(f"{node.name} = {self._call(node, globals_, root_module)}")
            dead = [n.name for n in freed.get(node, ()) if n.op != "output"]
            if node.users == {} and node.op != "output":
                dead.append(node.name)
            if dead:
                lines[-1] += ";  " + " = ".join(dead) + " = None"
        body = "\n".join("    " + line for line in lines)
        wraps = globals_.pop("_wraps", [])
        head = "\n" + "".join(f'torch.fx._symbolic_trace.wrap("{w}")\n' for w in wraps) \
            if wraps else "\n\n"
        if wraps:
            globals_["torch"] = _torch()
        return head + "\ndef forward(" + ", ".join([root_module] + params) + "):\n" + body + \
            "\n    ", globals_

    def _expr(self, a, globals_):
        if isinstance(a, Node):
            return a.name
        if isinstance(a, tuple):
            inner = ", ".join(self._expr(x, globals_) for x in a)
            return f"({inner},)" if len(a) == 1 else f"({inner})"
        if isinstance(a, list):
            return "[" + ", ".join(self._expr(x, globals_) for x in a) + "]"
        if isinstance(a, dict):
            return "{" + ", ".join(f"{k!r}: {self._expr(v, globals_)}"
                                   for k, v in a.items()) + "}"
        if isinstance(a, slice):
            return (f"slice({self._expr(a.start, globals_)}, {self._expr(a.stop, globals_)}, "
                    f"{self._expr(a.step, globals_)})")
        from .proxy import torch_name  # (proxy builds on the graph)
        if callable(a) and torch_name(a) is not None:
            return self._global(a, globals_)
        if hasattr(a, "_name") and type(a).__name__ in ("dtype", "layout", "memory_format"):
            globals_["torch"] = _torch()
            return repr(a)
        return repr(a)

    def _global(self, fn, globals_):
        from .proxy import WRAPPED_FUNCTIONS, torch_name
        name = torch_name(fn)
        if name is not None:
            globals_["torch"] = _torch()
            return name
        # another function is a global of the code: a builtin by its name, anything else
        # as <module>_<name>
        name = fn.__name__
        if getattr(builtins, name, None) is not fn:
            name = f"{fn.__module__.replace('.', '_')}_{name}"
        globals_[name] = fn
        if id(fn) in WRAPPED_FUNCTIONS:  # a wrap()ped function: the code wraps it again
            globals_.setdefault("_wraps", []).append(name)
        return name

    def _args(self, args, kwargs, globals_):
        parts = [self._expr(a, globals_) for a in args]
        parts += [f"{k} = {self._expr(v, globals_)}" for k, v in kwargs.items()]
        return ", ".join(parts)

    def _call(self, node, globals_, root):
        args, kwargs = node.args, node.kwargs
        if node.op == "get_attr":
            return _attr_path(root, node.target)
        if node.op == "call_module":
            return f"{_attr_path(root, node.target)}({self._args(args, kwargs, globals_)})"
        if node.op == "call_method":
            return (f"{self._expr(args[0], globals_)}.{node.target}("
                    f"{self._args(args[1:], kwargs, globals_)})")
        fn = node.target
        name = getattr(fn, "__name__", None)
        if fn is getattr(operator, name or "", None) and not kwargs:
            if name in _BINARY and len(args) == 2:
                return (f"{self._expr(args[0], globals_)} {_BINARY[name]} "
                        f"{self._expr(args[1], globals_)}")
            if name in _UNARY and len(args) == 1:
                return f"{_UNARY[name]}{self._expr(args[0], globals_)}"
            if name == "getitem":
                return f"{self._expr(args[0], globals_)}[{self._expr(args[1], globals_)}]"
        if fn is builtins.getattr and len(args) == 2 and isinstance(args[1], str) \
                and args[1].isidentifier():
            return f"{self._expr(args[0], globals_)}.{args[1]}"
        if "qualname" in node.meta:
            globals_["torch"] = _torch()
            return f"{node.meta['qualname']}({self._args(args, kwargs, globals_)})"
        return f"{self._global(fn, globals_)}({self._args(args, kwargs, globals_)})"


def _attr_path(root, target):
    out = root
    for atom in target.split("."):
        out = f"{out}.{atom}" if atom.isidentifier() else f'getattr({out}, "{atom}")'
    return out


def _torch():
    import dyngrad
    return dyngrad


__all__ = ["Graph"]

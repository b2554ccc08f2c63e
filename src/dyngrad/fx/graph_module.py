"""GraphModule: a Module whose forward is the code its Graph prints."""
import linecache

from .. import nn as _nn
from ..tensor import Tensor

_Module = _nn.Module
_count = [0]


def _copy_attr(source, target, path):
    """The submodule, parameter or buffer at ``path`` of ``source``, installed in ``target``
    (containers along the way become plain Modules, as in torch)."""
    *parents, last = path.split(".")
    for name in parents:
        child = getattr(source, name)
        if name not in target._modules:
            target.add_module(name, _Module())
        source, target = child, target._modules[name]
    value = getattr(source, last)
    if isinstance(value, _Module):
        target.add_module(last, value)
    elif isinstance(value, _nn.Parameter):
        target.register_parameter(last, value)
    elif isinstance(value, Tensor):  # buffers, and the constants a trace met
        target.register_buffer(last, value)
    else:
        setattr(target, last, value)


class GraphModule(_Module):
    def __new__(cls, *args, **kwargs):
        # each GraphModule is its own class, so that its forward is its own
        return super().__new__(type(cls.__name__, (cls,), {}))

    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        type(self).__name__ = class_name
        self.__class__.__qualname__ = class_name
        if isinstance(root, _Module):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        else:
            for name, value in root.items():
                setattr(self, name, value)
        self.graph = graph

    @property
    def graph(self):
        return self._graph

    @graph.setter
    def graph(self, g):
        self.__dict__["_graph"] = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self):
        return self._code

    def recompile(self):
        code, globals_ = self._graph.python_code("self")
        self.__dict__["_code"] = code
        _count[0] += 1
        filename = f"<eval_with_key>.{_count[0]}"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        namespace = dict(globals_)
        exec(compile(code, filename, "exec"), namespace)
        type(self).forward = namespace["forward"]
        return code

    def print_readable(self, print_output=True):
        lines = self._code.strip("\n").rstrip().split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("def forward"))
        lines.insert(at + 1, "    # No stacktrace found for following nodes")
        text = f"class {type(self).__name__}(torch.nn.Module):\n" + "\n".join(
            "    " + line if line else line for line in lines) + "\n"
        if print_output:
            print(text)
        return text

    def __deepcopy__(self, memo):
        # a copy is a GraphModule of copies (under that name, as torch's are)
        import copy
        graph = self._graph
        graph.owning_module = None  # (the copy's graph belongs to the copy)
        try:
            state = copy.deepcopy(self.__dict__, memo)
        finally:
            graph.owning_module = self
        holder = _Module()
        holder.__dict__.update(state)
        return GraphModule(holder, state["_graph"])

    def __str__(self):
        return (super().__repr__() + "\n" + self._code + "\n# To see more debug info, "
                "please use `graph_module.print_readable()`")

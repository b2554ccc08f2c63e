"""torch.fx: a program as a graph of operations, by symbolic tracing.

    >>> gm = torch.fx.symbolic_trace(torch.nn.Sequential(torch.nn.Linear(2, 2),
    ...                                                  torch.nn.ReLU()))
    >>> print(gm.code.strip())
    def forward(self, input):
        _0 = getattr(self, "0")(input);  input = None
        _1 = getattr(self, "1")(_0);  _0 = None
        return _1
"""
from .graph import Graph  # noqa: F401
from .graph_module import GraphModule  # noqa: F401
from .interpreter import Interpreter  # noqa: F401
from .node import Node, map_aggregate, map_arg  # noqa: F401
from . import _symbolic_trace  # noqa: F401
from .proxy import Proxy, Tracer, TraceError, symbolic_trace, wrap  # noqa: F401

__all__ = ["symbolic_trace", "wrap", "Graph", "GraphModule", "Interpreter", "Node", "Proxy",
           "Tracer", "map_arg"]

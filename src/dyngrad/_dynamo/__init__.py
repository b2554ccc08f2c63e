"""torch._dynamo: explain(), reset(), and the exception a fullgraph graph break raises."""
from .._compile.api import explain, reset  # noqa: F401
from . import exc  # noqa: F401

__all__ = ["explain", "reset", "exc"]

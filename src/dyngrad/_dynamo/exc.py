"""torch._dynamo.exc: the errors of compiling."""
from .._compile.api import Unsupported  # noqa: F401

__all__ = ["Unsupported"]

"""torch.compiler: reset the compile caches; disable compiling a function."""
from ._compile.api import compile as _compile, reset  # noqa: F401

__all__ = ["reset", "disable", "is_compiling", "is_dynamo_compiling"]


def disable(fn=None, recursive=True, *, reason=None):
    """A function that always runs eagerly, never recorded (as a decorator too)."""
    if fn is None:
        return lambda f: disable(f, recursive, reason=reason)
    return _compile(fn, disable=True)


def is_compiling():
    """False: a compiled function's own code runs eagerly, or not at all."""
    return False


def is_dynamo_compiling():
    return False

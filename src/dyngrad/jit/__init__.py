"""torch.jit without a compiler: the decorators scripts put on models hand back what they
are given, and code always runs eagerly (never scripting, never tracing). ``script``
returns its argument unchanged instead of a ScriptModule."""
from typing import Final  # noqa: F401  (torch.jit.Final is typing's)


def ignore(drop=False, **kwargs):
    # usable bare (@torch.jit.ignore) and with arguments (@torch.jit.ignore(drop=True))
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    return obj


def is_scripting():
    return False


def is_tracing():
    return False

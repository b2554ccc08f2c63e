"""torch.jit without a compiler: the decorators scripts put on models hand back what they
are given, and code always runs eagerly (never scripting, never tracing). ``script`` and
``trace`` return their argument unchanged instead of a ScriptModule (``trace`` runs it
once on the example inputs first, as torch's does); TorchScript archives cannot be saved
or loaded."""
from typing import Final  # noqa: F401  (torch.jit.Final is typing's)

from ..futures import Future  # noqa: F401  (torch.jit.Future is torch.futures')
from . import annotations  # noqa: F401


def annotate(the_type, the_value):
    """Give TorchScript the type of ``the_value`` (an empty list, a None): in eager code,
    ``the_value`` itself.

    >>> torch.jit.annotate(list, [])
    []
    """
    return the_value


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


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):
    if example_kwarg_inputs is not None:
        func(**example_kwarg_inputs)
    elif example_inputs is not None:
        func(*(example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)))
    return func


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None,
                 check_tolerance=1e-5, strict=True, _force_outplace=False,
                 _module_class=None, _compilation_unit=None, example_inputs_is_kwarg=False,
                 _store_inputs=True):
    for method, args in inputs.items():
        getattr(mod, method)(**args) if example_inputs_is_kwarg else getattr(mod, method)(
            *(args if isinstance(args, tuple) else (args,)))
    return mod


def _no_archives(*args, **kwargs):
    raise NotImplementedError("dyngrad has no TorchScript: jit.save/jit.load of a "
                              "TorchScript archive is not supported (torch.save/torch.load "
                              "of a state_dict is)")


save = load = _no_archives

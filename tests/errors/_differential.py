"""Run one bad call on torch and on dyngrad and compare everything a user can observe.

A case is a snippet of Python written against ``torch``: its statements before the last
set up, the last is the call under test (an expression's value is the result compared).
Every snippet starts from the same tensors (``PRELUDE``), made fresh for each library.
``observe`` runs a snippet and writes down its outcome (the error's type and message, or
the result), its warnings, and the state it leaves: for every tensor it can name, the
values, dtype, ``_version``, ``requires_grad``, ``grad_fn``, ``is_leaf`` and ``.grad``.
A call that raises must leave that state as torch leaves it (as it was, almost always).
"""
import ast
import re
import warnings

import numpy as np
import torch

import dyngrad

LIBS = {"torch": torch, "dyngrad": dyngrad}
_TENSORS = (torch.Tensor, dyngrad.Tensor)
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)$", re.S)
# torch gives these once per process, so whether a case sees them depends on the cases before
_ONCE = ("Casting complex values to real discards the imaginary part",
         "Converting a tensor with requires_grad=True to a scalar",
         "Using padding='same' with even kernel lengths and odd dilation")

PRELUDE = """
torch.manual_seed(0)
x = torch.tensor([1., 2., 3.])
y = torch.tensor([4., 5., 6., 7.])
m = torch.tensor([[0., 1., 2.], [3., 4., 5.]])
w = torch.tensor([1., 2., 3.], requires_grad=True)
h = w * 2
d = torch.tensor([1., 2., 3.], dtype=torch.float64)
n = torch.tensor([1, 2, 3])
i = torch.tensor([0, 2])
b = torch.tensor([True, False, True])
s = torch.tensor(2.)
e = torch.ones(0, 3)
z = torch.tensor([1 + 1j, 2 - 1j])
"""
_PRELUDE = compile(PRELUDE, "<prelude>", "exec")


def _try(get):
    try:
        return get()
    except Exception as err:  # noqa: BLE001 - an attribute that raises is part of the state
        return (type(err).__name__, str(err))


def _tensor(t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = _try(lambda: t.grad_fn)
        grad = _try(lambda: t.grad)
        return {"repr": _try(lambda: repr(t)), "dtype": str(t.dtype), "shape": tuple(t.shape),
                "version": _try(lambda: t._version), "requires_grad": t.requires_grad,
                "is_leaf": _try(lambda: t.is_leaf),
                "grad_fn": _try(fn.name) if hasattr(fn, "name") else repr(fn),
                "grad": repr(grad)}


def render(v):
    """A library-neutral picture of a value (a result's ``_version`` is left out: how often
    the engine wrote into a gradient it made is not the caller's state)."""
    if isinstance(v, _TENSORS):
        return {k: x for k, x in _tensor(v).items() if k != "version"}
    if isinstance(v, (torch.dtype, dyngrad.dtype, torch.device, dyngrad.device)):
        return str(v)
    if isinstance(v, (torch.Size, dyngrad.Size)):
        return ("Size", tuple(v))
    if isinstance(v, (list, tuple)):
        return [render(x) for x in v]
    if isinstance(v, np.ndarray):
        return ("ndarray", str(v.dtype), repr(v))
    if isinstance(v, float) and v != v:
        return "nan"
    if isinstance(v, (int, float, complex, bool, str, type(None))):
        return v
    return type(v).__name__


def split(snippet):
    """(setup code, the last statement as code, whether it is an expression)."""
    tree = ast.parse(snippet)
    *setup, last = tree.body
    setup_code = compile(ast.Module(setup, []), "<setup>", "exec")
    if isinstance(last, ast.Expr):
        return setup_code, compile(ast.Expression(last.value), "<call>", "eval"), True
    return setup_code, compile(ast.Module([last], []), "<call>", "exec"), False


def state(ns):
    return {k: _tensor(v) for k, v in ns.items() if isinstance(v, _TENSORS)}


def observe(snippet, lib):
    """Run ``snippet`` with ``torch`` bound to ``lib``: outcome, warnings, state after.
    The process-wide settings a snippet may change are put back afterwards."""
    dtype = lib.get_default_dtype()
    try:
        return _observe(snippet, lib)
    finally:
        lib.set_printoptions(profile="default")
        lib.set_default_dtype(dtype)
        lib.set_grad_enabled(True)


def _observe(snippet, lib):
    ns = {"torch": lib, "np": np}
    exec(_PRELUDE, ns)
    setup, call, is_expr = split(snippet)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # what a user sees under the default filters: dyngrad's own filter (in __init__)
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"dyngrad(\.|$)")
        try:
            exec(setup, ns)
        except Exception as err:  # noqa: BLE001 - a set-up that fails is a difference too
            outcome = ("set-up raised", type(err).__name__, str(err))
        else:
            try:
                value = eval(call, ns) if is_expr else exec(call, ns)
                outcome = ("ok", render(value))
            except Exception as err:  # noqa: BLE001 - the error is what is compared
                outcome = ("raised", type(err).__name__, str(err))
    warns = [(w.category.__name__, _TRIGGERED.sub("", str(w.message))) for w in caught
             if not str(w.message).startswith(_ONCE)]
    return {"outcome": outcome, "warnings": warns, "state": state(ns)}


def classify(want, got):
    """How dyngrad's answer relates to torch's, in the issue's classes."""
    a, b = want["outcome"], got["outcome"]
    if a[0] == "set-up raised" or b[0] == "set-up raised":
        return "same type and message" if a == b else "different type"
    if a[0] == "raised":
        if b[0] == "ok":
            return "silently accepted"
        if a == b:
            kind = "same type and message"
        elif a[1] == b[1]:
            return "same type"
        else:
            return "different type"
    elif b[0] == "raised":
        return "refused"
    else:
        kind = "same result" if a == b else "different result"
    if kind.startswith("same") and (want["warnings"] != got["warnings"]
                                    or want["state"] != got["state"]):
        return "different warnings or state"
    return kind


# tensors a snippet leaves holding memory torch never initialised (an out= tensor grown
# before the call failed): their values are left out, the rest of their state is compared
UNINITIALISED = {"torch.cat([x, x], out=x)": ("x",)}


def compare(snippet):
    """(class, torch's observation, dyngrad's)."""
    want = observe(snippet, torch)
    got = observe(snippet, dyngrad)
    for name in UNINITIALISED.get(snippet, ()):
        for seen in (want, got):
            seen["state"][name]["repr"] = "(uninitialised)"
    return classify(want, got), want, got

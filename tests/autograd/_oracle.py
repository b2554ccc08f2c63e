"""torch is the oracle: run one case on torch and on dyngrad and compare what each shows.

A case is written once, as a function of the library: ``def case(torch): ...``. It may
return values (tensors, nodes, sizes, dtypes, nested tuples/lists/dicts of them), print
(hooks that print record the order they ran in) and warn; it may raise. ``check(case)``
runs it on both libraries and compares, for every tensor, its repr, dtype, shape,
requires_grad, is_leaf and grad_fn name; for every node its name; printed text;
warnings (category and message); and an error's type and message.

torch's C++ warnings end in " (Triggered internally at <path>:<line>.)"; dyngrad leaves
that suffix out (a documented choice), so it is cut before comparing.
"""
import contextlib
import io
import re
import warnings

import torch

import dyngrad

LIBS = (torch, dyngrad)
_TENSORS = (torch.Tensor, dyngrad.Tensor)
# torch gives these warnings once per process: test_engine and test_tensor check them alone
_ONCE = ("Using backward() with create_graph=True",
         "Converting a tensor with requires_grad=True to a scalar")
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)$", re.S)


def describe(t):
    """What we compare of one tensor."""
    return {"repr": repr(t), "dtype": str(t.dtype), "shape": tuple(t.shape),
            "requires_grad": t.requires_grad, "is_leaf": t.is_leaf,
            "grad_fn": None if t.grad_fn is None else t.grad_fn.name()}


def _is_node(v):
    return hasattr(v, "next_functions") and hasattr(v, "name")


def render(v):
    """A library-neutral picture of a case's result."""
    if isinstance(v, _TENSORS):
        return describe(v)
    if _is_node(v):
        return ("node", v.name())
    if isinstance(v, (torch.dtype, dyngrad.dtype)):
        return ("dtype", str(v))
    if isinstance(v, (torch.device, dyngrad.device)):
        return ("device", repr(v))
    if isinstance(v, (torch.Size, dyngrad.Size)):
        return ("Size", repr(v))
    if isinstance(v, dict):
        return {k: render(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v).__name__, [render(x) for x in v]
    if isinstance(v, float) and v != v:
        return "nan"
    if callable(v) and not isinstance(v, type):
        return ("callable", getattr(v, "__name__", "?"))
    return v


def graph(root):
    """The graph under a tensor or node as text, one node per line, walked from next_functions.

    A node met again is written as ``@k`` (its number), so shared subgraphs show.
    AccumulateGrad lines carry the leaf's shape.
    """
    fn = root.grad_fn if isinstance(root, _TENSORS) else root
    lines = []
    ids = {}
    stack = [(fn, 0, 0)]
    while stack:
        node, nr, depth = stack.pop()
        pad = "  " * depth
        if node is None:
            lines.append(f"{pad}None")
            continue
        if id(node) in ids:
            lines.append(f"{pad}@{ids[id(node)]}:{nr}")
            continue
        ids[id(node)] = len(ids)
        extra = ""
        if hasattr(node, "variable"):
            extra = f" {tuple(node.variable.shape)}"
        lines.append(f"{pad}#{ids[id(node)]} {node.name()}:{nr}{extra}")
        for child, cnr in reversed(node.next_functions):
            stack.append((child, cnr, depth + 1))
    return "\n".join(lines)


def run(case, lib):
    """Run ``case(lib)``: its rendered result, printed text, warnings and error."""
    out = io.StringIO()
    error = result = None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            result = render(case(lib))
        except Exception as e:  # noqa: BLE001 (the error is what we compare)
            error = (type(e).__name__, str(e))
    warns = [(w.category.__name__, _TRIGGERED.sub("", str(w.message))) for w in caught
             if not str(w.message).startswith(_ONCE)]
    return {"result": result, "printed": out.getvalue(), "warnings": warns, "error": error}


def check(case):
    """Run ``case`` on torch and dyngrad; assert they agree. Returns torch's run."""
    expected = run(case, torch)
    got = run(case, dyngrad)
    for key in ("error", "printed", "warnings", "result"):
        assert got[key] == expected[key], (
            f"{case.__name__}: {key} differs\n torch:   {expected[key]!r}\n dyngrad: {got[key]!r}")
    return expected


def cases(namespace):
    """The case functions of a module (``case_*``), for ``pytest.mark.parametrize``."""
    return [f for n, f in sorted(namespace.items()) if n.startswith("case_") and callable(f)]


# Cases that fail because of a bug in a file the autograd tests do not own: strict xfail,
# so the marker must go when the bug is fixed.
KNOWN = {}


def params(namespace):
    """``case_*`` functions as pytest params, known failures marked (see KNOWN)."""
    import pytest
    out = []
    for f in cases(namespace):
        marks = ()
        if f.__name__ in KNOWN:
            marks = pytest.mark.xfail(strict=True, reason=KNOWN[f.__name__])
        out.append(pytest.param(f, marks=marks, id=f.__name__[5:]))
    return out

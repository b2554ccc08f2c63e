"""torch as the oracle: run one case on torch and on dyngrad and compare what comes out.

A case is a callable written once against the torch API, ``call(lib, *tensors)``, and the
NumPy arrays its tensors are made from. ``record`` runs it on one library and writes down
everything a user can observe: values, dtype, shape, requires_grad, the graph as text,
the gradients of ``backward`` and of ``autograd.grad(create_graph=True)``, and the second
derivatives (taken with ``create_graph=True`` again, so third-order nodes show in the
graph text, and once more without it, so that the backward entries' formulas run on
arrays). ``assert_same`` compares the two records.
"""
import numpy as np
import torch

import dyngrad

LIBS = {"torch": torch, "dyngrad": dyngrad}


def graph_text(fn, depth=6, sum_order=True):
    """A node and its next_functions as text (torch test_autograd's graph_desc).

    ``sum_order=False`` writes a chain of AddBackward0 as an unordered Sum of its operands: the order in which the engine
    sums gradients arriving at one input (see ``record``).
    """
    if fn is None:
        return "None"
    name = fn.name().replace("torch::autograd::", "")
    if depth == 0:
        return name
    if not sum_order and name == "AddBackward0":
        terms = sorted(graph_text(f, depth - 1, False) for f in _summands(fn))
        return f"Sum({', '.join(terms)})"
    kids = [graph_text(f, depth - 1, sum_order) for f, _ in fn.next_functions]
    return f"{name}({', '.join(kids)})"


def _summands(fn):
    """The operands of a chain of AddBackward0 nodes: (a + b) + c gives a, b, c."""
    out = []
    for f, _ in fn.next_functions:
        if f is not None and f.name() == "AddBackward0":
            out += _summands(f)
        else:
            out.append(f)
    return out


def node_names(fn, seen=None):
    """Every node name reachable from ``fn``."""
    seen = set() if seen is None else seen
    stack = [fn]
    names = set()
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        names.add(f.name())
        stack.extend(g for g, _ in f.next_functions)
    return names


def outputs_of(res):
    if isinstance(res, (tuple, list)):
        return [t for r in res for t in outputs_of(r)]
    return [res]


def weights(shape, k):
    """Fixed, distinct, non-trivial weights for the k-th output: the loss is sum(out * w)."""
    n = int(np.prod(shape))
    return (0.5 + ((np.arange(n) * 0.37 + 0.11 * (k + 1)) % 1.3)).reshape(shape)


def _numpy(t):
    t = t.detach()
    if getattr(t, "_is_zerotensor", lambda: False)():  # torch's efficient zeros
        return np.zeros(tuple(t.shape), dtype=t.numpy(force=True).dtype)
    return t.numpy().copy()


def describe(t, sum_order=True):
    if t is None:
        return None
    return {"dtype": str(t.dtype), "shape": tuple(t.shape), "requires_grad": t.requires_grad,
            "graph": graph_text(t.grad_fn, sum_order=sum_order), "value": _numpy(t)}


def make_inputs(lib, arrays, grad):
    return [lib.tensor(a.copy(), requires_grad=grad and a.dtype.kind in "fc")
            if isinstance(a, np.ndarray) else a for a in arrays]


def loss(lib, outs):
    terms = [(o * lib.tensor(weights(tuple(o.shape), k), dtype=o.dtype)).sum()
             for k, o in enumerate(outs) if o.requires_grad and o.dtype.is_floating_point]
    return sum(terms[1:], terms[0]) if terms else None


def record(lib, call, arrays, grad=True, second_order=True):
    xs = make_inputs(lib, arrays, grad)
    outs = outputs_of(call(lib, *xs))
    rec = {"forward": [describe(o) for o in outs], "names": set()}
    for o in outs:
        rec["names"] |= node_names(o.grad_fn)
    leaves = [x for x in xs if isinstance(x, lib.Tensor) and x.requires_grad]
    L = loss(lib, outs)
    if L is None or not leaves:
        return rec
    L.backward(retain_graph=True)
    rec["backward"] = [describe(x.grad) for x in leaves]
    gs = lib.autograd.grad(L, leaves, create_graph=True, allow_unused=True)
    rec["grad"] = [describe(g) for g in gs]
    for g in gs:
        if g is not None:
            rec["names"] |= node_names(g.grad_fn)
    L2 = loss(lib, [g for g in gs if g is not None]) if second_order else None
    if L2 is not None:
        g2 = lib.autograd.grad(L2, leaves, create_graph=True, allow_unused=True)
        # Second derivatives sum many contributions per input; the order in which they
        # arrive differs from torch's in deep graphs (pow, div: reported to the engine's
        # owner), so the operands of AddBackward0 are compared as a set here.
        rec["grad2"] = [describe(g, sum_order=False) for g in g2]
        for g in g2:
            if g is not None:
                rec["names"] |= node_names(g.grad_fn)
        rec["grad2_plain"] = _plain_second(lib, gs, leaves)
    return rec


def _plain_second(lib, gs, leaves):
    """The second derivatives as users often take them: ``autograd.grad(g, x, w)`` without
    create_graph, after a create_graph first derivative. No graph is recorded, so the
    formulas of the backward entries run on bare arrays: their NumPy path, which the
    create_graph derivatives above never reach."""
    wanted = [(k, g) for k, g in enumerate(gs)
              if g is not None and g.requires_grad and g.dtype.is_floating_point]
    vs = [lib.tensor(weights(tuple(g.shape), k), dtype=g.dtype) for k, g in wanted]
    g2 = lib.autograd.grad([g for _, g in wanted], leaves, vs, allow_unused=True)
    return [describe(g) for g in g2]


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if "64" not in dtype else dict(rtol=1e-10, atol=1e-12)


def assert_same_tensor(a, b, what, graph=True):
    assert (a is None) == (b is None), f"{what}: torch {a is None and 'None'} vs dyngrad {b}"
    if a is None:
        return
    for key in ("dtype", "shape", "requires_grad", "graph")[:None if graph else 3]:
        assert a[key] == b[key], f"{what} {key}: torch {a[key]!r} != dyngrad {b[key]!r}"
    va, vb = a["value"], b["value"]
    if va.dtype.kind in "fc":
        np.testing.assert_allclose(vb, va, err_msg=what, equal_nan=True, **_tol(a["dtype"]))
    else:
        np.testing.assert_array_equal(vb, va, err_msg=what)


GRAPHS = ("forward", "backward", "grad", "grad2")
# graphs compared up to the first derivatives, second derivatives compared as values
FIRST_GRAPHS = ("forward", "backward", "grad", "second_order")


def assert_same(call, arrays, grad=True, graphs=GRAPHS):
    """Run ``call`` on both libraries and compare everything; return dyngrad's record.

    ``graphs``: the records whose graph text is compared (values always are); fewer for
    ops whose double backward torch writes by hand and dyngrad derives from its ops.
    Without "grad2" in ``graphs`` and "second_order" either, no second derivatives are
    taken (torch refuses some)."""
    second = "grad2" in graphs or "second_order" in graphs
    want = record(torch, call, arrays, grad, second)
    got = record(dyngrad, call, arrays, grad, second)
    assert len(want["forward"]) == len(got["forward"]), "number of outputs"
    for key in ("forward", "backward", "grad", "grad2", "grad2_plain"):
        assert (key in want) == (key in got), f"{key}: present in torch {key in want}"
        for i, (a, b) in enumerate(zip(want.get(key, ()), got.get(key, ()))):
            assert_same_tensor(a, b, f"{key}[{i}]", graph=key in graphs)
    return got



def assert_same_error(call, *arrays):
    """Both libraries raise the same exception type with the same message."""
    errs = []
    for lib in (torch, dyngrad):
        xs = make_inputs(lib, arrays, False)
        try:
            call(lib, *xs)
        except Exception as e:  # noqa: BLE001 - the exception is what we compare
            errs.append((type(e).__name__, str(e)))
        else:
            errs.append(None)
    assert errs[0] is not None, "torch raised nothing"
    assert errs[1] == errs[0], f"torch {errs[0]} != dyngrad {errs[1]}"


def finite_difference_check(call, arrays, eps=1e-6):
    """dyngrad's first derivatives in float64 against central differences of the loss."""
    arrays = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
              for a in arrays]
    xs = make_inputs(dyngrad, arrays, True)
    L = loss(dyngrad, outputs_of(call(dyngrad, *xs)))
    leaves = [i for i, x in enumerate(xs) if isinstance(x, dyngrad.Tensor) and x.requires_grad]
    if L is None or not leaves:
        return
    gs = dyngrad.autograd.grad(L, [xs[i] for i in leaves], allow_unused=True)
    for i, g in zip(leaves, gs):
        num = np.zeros(arrays[i].shape)
        for j in np.ndindex(arrays[i].shape):
            vals = []
            for s in (eps, -eps):
                a = [x.copy() if isinstance(x, np.ndarray) else x for x in arrays]
                a[i][j] += s
                outs = outputs_of(call(dyngrad, *make_inputs(dyngrad, a, True)))
                vals.append(loss(dyngrad, outs).item())
            num[j] = (vals[0] - vals[1]) / (2 * eps)
        got = np.zeros(num.shape) if g is None else g.numpy()
        np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-6)

"""Which gradient crossed which drawn edge, at which step: what the page's player shows.

A drawn edge ``u -> f`` (``u`` is an input of backward node ``f``) carries, in a backward,
the gradient that ``f``'s step sends to ``u``; ``leaf -> AccumulateGrad`` carries what
the AccumulateGrad step puts into ``.grad``; ``grad_fn -> output`` carries the gradient
the backward started from. Each crossing is recorded as ``[step, text, size]`` (text: the
values, or shape and rms when there are more than 4) where
``size`` is log10 of the gradient's root mean square, the page's colour scale (so a
vanishing or an exploding gradient stands out); ``"zero"`` and ``"nonfinite"`` mark the
two cases a logarithm cannot place.
"""
import numpy as np  # drawings read host copies (summary.as_array)

from .summary import as_array, shape_str, value_str


def rms(grad):
    """The root mean square of a gradient's entries (0 for an empty one)."""
    a = as_array(grad)
    if a is None or a.size == 0:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(np.mean(np.abs(a.astype(np.complex128 if a.dtype.kind == "c"
                                                     else np.float64)) ** 2)))


def magnitude(grad):
    """log10 of the root mean square of a gradient (2 decimals), or "zero"/"nonfinite"."""
    r = rms(grad)
    if not np.isfinite(r):
        return "nonfinite"
    if r == 0.0:
        return "zero"
    return round(float(np.log10(r)), 2)


def edge_text(grad):
    """What an edge says: the values when there are at most 4, else shape and rms (the
    step's details have the rest)."""
    a = as_array(grad)
    if a is None or a.size <= 4:
        return value_str(grad)
    return f"{shape_str(a.shape)} rms {rms(a):.2g}"


def flows(trace, drawn, kinds):
    """``(per_edge, per_step)``: for each drawn edge id, the crossings ``[step, text, size]``
    in step order; for each step, the ids of the edges its gradients crossed.

    ``drawn``: ``[(edge id, tail key, head key)]`` in statement order; ``kinds``: node key
    -> kind ("fn", "leaf", "output", ...), as the drawing's canvas has them.
    """
    between = {}
    outputs = {}  # grad_fn key -> the output tensors drawn below it
    for eid, tail, head in drawn:
        between.setdefault((tail, head), []).append(eid)
        if kinds.get(head) in ("output", "base"):
            outputs.setdefault(tail, []).append(head)
    per_edge = {}
    per_step = []

    def cross(step, pair, nth, grad):
        ids = between.get(pair)
        if ids and grad is not None:
            eid = ids[min(nth, len(ids) - 1)]
            per_edge.setdefault(eid, []).append([step.index, edge_text(grad), magnitude(grad)])
            per_step[-1].append(eid)

    for step in trace.steps:
        per_step.append([])
        key = step.key
        if any(a.source is None for a in step.arrivals):  # the root gradient, on its way in
            root = sum(a.grad for a in step.arrivals if a.source is None)
            for head in outputs.get(key, ()):
                cross(step, (key, head), 0, root)
        if not step.ran:
            continue
        if step.variable is not None:
            cross(step, (str(id(step.variable)), key), 0, step.grads[0] if step.grads else None)
            continue
        seen = {}
        for e in step.edges:
            if e.target is None:
                continue
            pair = (str(id(e.target)), key)
            cross(step, pair, seen.get(pair, 0), e.grad)
            seen[pair] = seen.get(pair, 0) + 1
    return per_edge, per_step

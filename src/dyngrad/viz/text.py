"""A trace as plain text: one block per engine step.

    [2] MulBackward0  (undoes mul)
        grad in   [1.]  from [1] SumBackward0
        self  <-  grad * conj(other)   grad=[1.] other=[3.]   = [3.]   -> AccumulateGrad (w)
"""
from .summary import shape_str, value_str

_NOT_RUN = ("not run: its gradient was only wanted as a result (autograd.grad or inputs=), "
            "or it leads to no wanted input")


def step_source(step):
    if step is None:
        return "the root (the gradient given to backward)"
    return f"[{step.index}] {step.name}"


def target_name(node, params=None, index=None):
    if node is None:
        return "(no gradient flows)"
    at = "" if index is None or id(node) not in index else f"[{index[id(node)]}] "
    var = getattr(node, "variable", None)
    if var is not None:
        return f"{at}AccumulateGrad ({leaf_name(var, params)})"
    return at + type(node).__name__


def leaf_name(var, params=None):
    for k, v in (params or {}).items():
        if v is var:
            return k
    return "leaf " + shape_str(var.shape)


def values(args):
    parts = []
    for name, v in args:
        if isinstance(v, list):
            parts.append(f"{name}=[" + ", ".join(value_str(x) for x in v) + "]")
        else:
            parts.append(f"{name}={value_str(v)}")
    return " ".join(parts)


def step_lines(step, params=None, index=None):
    lines = [f"[{step.index}] {step.name}  (undoes {step.op})" if step.variable is None else
             f"[{step.index}] AccumulateGrad  (into .grad of {leaf_name(step.variable, params)})"]
    for a in step.arrivals:
        where = f" (output {a.output_nr})" if len(step.grads_in) > 1 else ""
        lines.append(f"    grad in{where}   {value_str(a.grad)}  from {step_source(a.source)}")
    if len(step.arrivals) > 1:
        for nr, g in enumerate(step.grads_in):
            if g is not None:
                lines.append(f"    summed{'' if len(step.grads_in) == 1 else f' (output {nr})'}"
                             f"    {value_str(g)}")
    for kind, name, result in step.hooks:
        got = "None (gradient unchanged)" if result is None else (
            "[" + ", ".join(value_str(r) for r in result) + "]" if isinstance(result, list)
            else value_str(result))
        lines.append(f"    hook ({kind}) {name} returned {got}")
    for nr in step.retained:
        g = step.grads[nr] if step.grads else None
        lines.append(f"    retain_grad: output {nr} .grad gets {value_str(g)}")
    if step.variable is not None:
        if step.ran:
            before = "None" if step.grad_before is None else value_str(step.grad_before)
            lines.append(f"    .grad      {before} -> {value_str(step.grad_after)}")
        else:
            lines.append("    not run: the gradient was returned by autograd.grad, not "
                         "accumulated into .grad")
        return lines
    if not step.ran:
        lines.append("    " + _NOT_RUN)
        return lines
    for e in step.edges:
        if e.target is None:
            lines.append(f"    {e.input:<5} <- (does not require grad: nothing computed)")
            continue
        lines.append(f"    {e.input:<5} <- {e.formula}   {values(e.args)}")
        lines.append(f"             = {value_str(e.raw)}"
                     + (f"   {e.note}: {value_str(e.grad)}" if e.note else "")
                     + f"   -> {target_name(e.target, params, index)}")
    return lines


def trace_text(trace, params=None):
    head = f"backward trace: {len(trace.steps)} step(s) in {trace.runs} run(s)"
    if trace.dropped:
        head += f" ({trace.dropped} more not recorded: max_steps={trace.max_steps})"
    out = [head]
    run = None
    index = {}
    for step in trace.steps:
        if step.run != run:
            run = step.run
            index = {id(s.node): s.index for s in trace.steps if s.run == run}
            if trace.runs > 1:
                out.append(f"-- run {run} --")
        out.extend(step_lines(step, params, index))
    return "\n".join(out)

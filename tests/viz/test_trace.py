"""trace() records each engine step; what it records agrees with the engine's results."""
import numpy as np
import pytest

import dyngrad as torch
from dyngrad.autograd import engine
from dyngrad.ops._table import ALL_OPS
from dyngrad.viz import trace
from dyngrad.viz.formula import formula_text


def close(a, b):
    return np.allclose(np.asarray(getattr(a, "_data", a)), np.asarray(getattr(b, "_data", b)))


def leaf_step(t, leaf):
    (step,) = [s for s in t if s.variable is leaf]
    return step


def test_tutorial_steps_in_engine_order_with_formulas():
    w = torch.tensor([1.], requires_grad=True)
    x = torch.tensor([2.], requires_grad=True)
    y = torch.mul(torch.add(w, x), torch.add(w, 1))
    with trace(params={"w": w, "x": x}) as t:
        y.backward()
    assert [s.name for s in t] == ["MulBackward0", "AddBackward0", "AddBackward0",
                                   "AccumulateGrad", "AccumulateGrad"]
    mul = t[0]
    assert mul.op == "mul" and mul.arrivals[0].source is None  # the root gradient
    assert [(e.input, e.formula) for e in mul.edges] == [("self", "grad * conj(other)"),
                                                         ("other", "grad * conj(self)")]
    assert dict(mul.edges[0].args)["other"] == 2.0 and close(mul.edges[0].grad, [2.])
    acc_w = leaf_step(t, w)
    assert acc_w.grad_before is None and close(acc_w.grad_after, w.grad)
    assert sorted(a.source.index for a in acc_w.arrivals) == [1, 2]  # from both adds
    assert close(sum(a.grad for a in acc_w.arrivals), w.grad)
    text = str(t)
    assert "[0] MulBackward0  (undoes mul)" in text
    assert "self  <- grad * conj(other)   grad=[1.] other=[2.]" in text
    assert "AccumulateGrad  (into .grad of w)" in text and ".grad      None -> [5.]" in text
    assert "-> [3] AccumulateGrad (w)" in text or "-> [4] AccumulateGrad (w)" in text
    assert engine.observers == []


def test_broadcasting_reduction_is_recorded():
    torch.manual_seed(0)
    x = torch.randn(2, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    with trace() as t:
        (x * b + b).sum().backward()
    mul = t.find("MulBackward0")[0]
    other = mul.edges[1]
    assert other.raw.shape == (2, 3) and other.grad.shape == (3,)
    assert other.note == "summed (2, 3) -> (3) to undo broadcasting"
    add = t.find("AddBackward0")[0]
    assert add.edges[1].note.startswith("summed (2, 3) -> (3)")
    acc_b = leaf_step(t, b)
    assert len(acc_b.arrivals) == 2 and close(acc_b.grad_after, b.grad)
    assert close(acc_b.grads_in[0], b.grad)


def test_reused_node_sums_what_arrives():
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    h = x * 2
    y = (h * h + h.sin()).sum()
    with trace() as t:
        y.backward()
    (hstep,) = [s for s in t if s.node is h.grad_fn]
    assert len(hstep.arrivals) == 3  # self and other of h*h, and sin
    assert close(sum(a.grad for a in hstep.arrivals), hstep.grads_in[0])
    assert {a.source.name for a in hstep.arrivals} == {"MulBackward0", "SinBackward0"}
    assert close(leaf_step(t, x).grad_after, x.grad)


def test_hooks_and_what_they_returned():
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * 3
    h.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: g + 1)
    y = (h * h).sum()
    def looks(go):
        return go  # (the same gradients, recorded as its result)

    y.grad_fn.register_prehook(looks)
    with trace() as t:
        y.backward()
    (hstep,) = [s for s in t if s.node is h.grad_fn]
    (kind, name, result), = hstep.hooks
    assert kind == "tensor" and "<lambda>" in name
    assert close(result, hstep.grads_in[0] * 10) and close(hstep.grads[0], result)
    assert close(hstep.edges[0].args[0][1], result)  # the formula used the hooked gradient
    acc = leaf_step(t, x)
    assert acc.hooks[0][0] == "tensor" and close(acc.hooks[0][2], acc.grads_in[0] + 1)
    assert close(acc.grad_after, x.grad)
    (kind, name, result), = t[0].hooks
    assert (kind, name) == ("prehook", looks.__qualname__)
    assert len(result) == 1 and close(result[0], t[0].grads_in[0])
    assert "hook (tensor)" in str(t)


def test_node_post_hook_replacing_gradients():
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * 3
    def seven(gi, go):
        return gi[0] * 0 + 7, None

    h.grad_fn.register_hook(seven)
    with trace() as t:
        h.sum().backward()
    (hstep,) = [s for s in t if s.node is h.grad_fn]
    assert hstep.hooks[0][:2] == ("hook", seven.__qualname__)
    assert "replaced by a hook" in hstep.edges[0].note
    assert close(hstep.edges[0].grad, [7., 7.]) and close(x.grad, [7., 7.])
    assert close(leaf_step(t, x).arrivals[0].grad, x.grad)


def test_several_roots_and_accumulation_across_runs():
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x.exp()
    y1, y2 = h * 2, h.sum()
    with trace() as t:
        torch.autograd.backward([y1, y2], [torch.tensor([1., -1.]), torch.tensor(3.)],
                                retain_graph=True)
        first = x.grad.clone()
        y2.backward()
    assert t.runs == 2
    run0 = [s for s in t if s.run == 0]
    roots = [s for s in run0 if any(a.source is None for a in s.arrivals)]
    assert {s.name for s in roots} == {"MulBackward0", "SumBackward0"}
    acc = [s for s in t if s.variable is x]
    assert acc[0].grad_before is None and close(acc[0].grad_after, first)
    assert close(acc[1].grad_before, first) and close(acc[1].grad_after, x.grad)
    (exp0,) = [s for s in run0 if s.name == "ExpBackward0"]
    assert len(exp0.arrivals) == 2
    assert "-- run 1 --" in str(t)


def test_autograd_grad_results_are_what_arrived():
    x = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., 4.], requires_grad=True)
    y = (x * b).exp().sum()
    with trace() as t:
        gx, gb = torch.autograd.grad(y, (x, b))
    assert x.grad is None
    for leaf, g in ((x, gx), (b, gb)):
        step = leaf_step(t, leaf)
        assert not step.ran and close(step.grads_in[0], g)
    assert "not accumulated into .grad" in str(t)


def test_retain_grad_and_create_graph():
    x = torch.tensor([2.], requires_grad=True)
    h = x * x
    h.retain_grad()
    with trace() as t:
        (g,) = torch.autograd.grad(h.sum() * 1.0, x, create_graph=True)
        h.sum().backward()
    assert close(g, [4.])
    assert any(s.retained == [0] for s in t)
    assert "retain_grad: output 0 .grad gets [1.]" in str(t)


def test_100000_steps_without_recursion_error():
    x = torch.tensor([1.], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    with trace() as t:
        y.backward()
    assert len(t) == 100_001 and close(t[-1].grad_after, x.grad)
    with trace(max_steps=10) as t:
        (x * 2).sum().backward()
        (x * 2).sum().backward()
    assert len(t) == 6 and t.dropped == 0


def test_repr_and_html():
    x = torch.tensor([1.], requires_grad=True)
    with trace() as t:
        (x * 2).backward()
    assert repr(t) == "<Trace: 2 steps in 1 run(s)>"
    page = t.to_html()
    assert page.startswith("<!DOCTYPE html>") and "MulBackward0" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
        "http://www.w3.org/", "") and "<script src" not in page
    assert t._repr_html_().startswith('<div class="dyngrad-trace-output">')


def test_no_observer_left_behind_after_an_error():
    x = torch.tensor([1.], requires_grad=True)
    with pytest.raises(ZeroDivisionError):
        with trace():
            1 / 0
    assert engine.observers == []
    (x * 2).backward()


@pytest.mark.parametrize("op", [op for op in ALL_OPS if op.formulas], ids=lambda op: op.name)
def test_formula_text_is_the_declaration(op):
    """The text compiles to the very code of the declared formula (lambdas), or names it."""
    for name, f in op.formulas.items():
        text = formula_text(f)
        args = list(f.__code__.co_varnames[:f.__code__.co_argcount])
        if f.__name__ != "<lambda>":
            assert text.startswith(f.__name__ + "(") or compile(text, "<f>", "eval")
            continue
        code = compile(f"lambda {', '.join(args)}: {text}", "<f>", "eval").co_consts[0]
        assert code.co_code == f.__code__.co_code and code.co_names == f.__code__.co_names, \
            (op.name, name, text)


def test_run_records_one_backward_pass_and_counts_the_others():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    with trace(run=1) as t:
        y.backward(retain_graph=True)
        y.backward(torch.tensor(3.), retain_graph=True)
        y.backward(retain_graph=True)
    assert t.runs == 3 and {s.run for s in t} == {1}
    assert [s.name for s in t] == ["SumBackward0", "MulBackward0", "AccumulateGrad"]
    acc = leaf_step(t, x)
    assert close(acc.grad_before, [2., 4.]) and close(acc.grad_after, [8., 16.])  # 2x * 3 added

"""A refused operation changes nothing: for each of torch's refusals, the error matches
torch's, and versions, data, .grad, requires_grad, grad_fn and the graph are as before
(and torch agrees that they are)."""
import pytest

from _oracle import check, graph


def _setup(torch):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    v = y[1:]
    i = torch.tensor([1, 2, 3])
    with torch.no_grad():
        nv = y[:1]
    a, b = (x * 1).split(2)
    (x * 1).sum().backward()  # x.grad exists
    return {"x": x, "y": y, "v": v, "i": i, "nv": nv, "a": a, "b": b}


def _snapshot(ts):
    out = {}
    for name, t in ts.items():
        out[name] = (t._version, t.tolist(), t.requires_grad, t.is_leaf,
                     None if t.is_leaf else graph(t),
                     None if not t.is_leaf or t.grad is None else t.grad.tolist())
    return out


FAILURES = {
    "leaf_inplace": lambda torch, t: t["x"].add_(1),
    "leaf_setitem": lambda torch, t: t["x"].__setitem__(0, 5.),
    "view_of_leaf_inplace": lambda torch, t: t["x"][1:].mul_(2),
    "int_inplace_float": lambda torch, t: t["i"].add_(1.5),
    "broadcast_inplace": lambda torch, t: t["y"].add_(torch.ones(2, 3)),
    "multi_view_inplace": lambda torch, t: t["a"].mul_(2),
    "no_grad_view_inplace": lambda torch, t: t["nv"].mul_(2),
    "detach_view": lambda torch, t: t["v"].detach_(),
    "requires_grad_int": lambda torch, t: t["i"].requires_grad_(),
    "requires_grad_false_nonleaf": lambda torch, t: t["y"].requires_grad_(False),
    "grad_wrong_size": lambda torch, t: setattr(t["x"], "grad", torch.ones(2)),
    "grad_wrong_type": lambda torch, t: setattr(t["x"], "grad", [1., 2., 3.]),
    "data_int": lambda torch, t: setattr(t["x"], "data", torch.tensor([1, 2, 3])),
    "backward_bad_shape": lambda torch, t: t["y"].backward(torch.ones(2)),
    "backward_nonscalar": lambda torch, t: t["y"].backward(),
    "backward_list_grad": lambda torch, t: t["y"].backward([1., 1., 1.]),
    "backward_empty_inputs": lambda torch, t: t["y"].sum().backward(inputs=[]),
    "backward_input_no_grad": lambda torch, t: t["y"].sum().backward(inputs=[t["i"]]),
    "grad_input_no_grad": lambda torch, t: torch.autograd.grad(t["y"].sum(), [t["i"].float()]),
    "hook_no_grad": lambda torch, t: t["i"].register_hook(lambda g: g),
    "retain_grad_no_grad": lambda torch, t: t["i"].retain_grad(),
    "post_acc_hook_nonleaf": lambda torch, t: t["y"].register_post_accumulate_grad_hook(print),
    "numpy_requires_grad": lambda torch, t: t["x"].numpy(),
    "item_many": lambda torch, t: t["x"].item(),
}


def _case(name):
    def case(torch):
        ts = _setup(torch)
        before = _snapshot(ts)
        try:
            FAILURES[name](torch, ts)
            print("no error")
        except (RuntimeError, TypeError, ValueError) as e:
            print(type(e).__name__, e)
        return before == _snapshot(ts)
    case.__name__ = f"case_failed_{name}"
    return case


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_failed_operation_changes_nothing(name):
    expected = check(_case(name))
    assert expected["result"] is True, "torch itself changed state: not a refusal to test here"

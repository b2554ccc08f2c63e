"""Saved-tensor hooks against torch: what the pack hook sees and how often, what unpacking
gives, the innermost pair only, disable_saved_tensors_hooks, save_on_cpu, and the errors."""
import pytest
from _oracle import check, params


def _logging(torch, log, tag=""):
    """A pack/unpack pair that prints what it sees (printed text is compared)."""
    def pack(t):
        fn = t.grad_fn.name() if t.grad_fn is not None else None
        print(f"{tag}pack {tuple(t.shape)} {t.requires_grad} {fn} {torch.is_grad_enabled()}")
        log.append(t)
        return t.detach()

    def unpack(p):
        print(f"{tag}unpack {tuple(p.shape)} {torch.is_grad_enabled()}")
        return p
    return torch.autograd.graph.saved_tensors_hooks(pack, unpack)


def case_pack_sees_inputs_and_outputs(torch):
    x = torch.tensor([1., 2.], requires_grad=True)
    log = []
    with _logging(torch, log):
        a = x * x          # two saved inputs: packed twice
        b = x * 2.0        # a number saved: torch's wrapped number is not packed
        c = a.exp()        # the output is saved: pack sees it
        d = x + 1          # nothing saved
    print(log[0] is x, log[1] is x, log[2] is c, len(log))
    (b + c + d).sum().backward()
    return x.grad


def case_unpack_on_each_access(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with _logging(torch, []):
        y = x.sin()
    s = y.grad_fn._saved_self   # an access unpacks
    print(s is x, s.requires_grad)
    y.sum().backward(retain_graph=True)
    y.sum().backward()         # each backward unpacks again
    return x.grad


def case_freed_after_backward(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with _logging(torch, []):
        y = x.cos()
    y.sum().backward()
    return y.grad_fn._saved_self


def case_innermost_pair_only(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with _logging(torch, [], "outer "):
        with _logging(torch, [], "inner "):
            y = x.tanh()
        z = x.sin()
    (y + z).sum().backward()
    return x.grad


def case_no_version_check_under_hooks(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    a = x * 1
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: p):
        y = a.sin()
    a.add_(1)  # the hooks own the saved data: torch checks no version
    y.sum().backward()
    return x.grad


def case_double_backward_through_unpacked(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with _logging(torch, []):
        y = (x * x).exp()
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    return g, x.grad


def case_inplace_output_packed_after_write(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    seen = []
    with torch.autograd.graph.saved_tensors_hooks(lambda t: seen.append(t.tolist()) or t,
                                                  lambda p: p):
        y = x * 1
        y.exp_()
    y.sum().backward()
    return seen, x.grad


def case_view_written_in_place(torch):
    x = torch.tensor([0.5, 1.5, 2.5], requires_grad=True)
    with _logging(torch, []):
        y = x * 1
        y[1:].mul_(x[:2])
    y.sum().backward()
    return x.grad


def case_save_on_cpu(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with torch.autograd.graph.save_on_cpu():
        y = (x * x).sin()
    y.sum().backward()
    return x.grad


def case_disabled_refuses_hooks(torch):
    with torch.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
        with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: p):
            pass


def case_disabled_refuses_outer_hooks_when_saving(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: p):
        with torch.autograd.graph.disable_saved_tensors_hooks("saving is off"):
            x.sin()


def case_disabled_then_enabled_again(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with torch.autograd.graph.disable_saved_tensors_hooks("off"):
        y = x.sin()
    with _logging(torch, []):
        z = x.cos()
    (y + z).sum().backward()
    return x.grad


def case_pack_modifying_its_input(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    a = x * 1
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t.add_(1), lambda p: p):
        a.sin()


def case_unpack_returning_no_tensor(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: 5, lambda p: p):
        y = x.sin()
    y.sum().backward()


def case_hooks_not_applied_outside(torch):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with _logging(torch, []):
        pass
    y = x.sin()
    print(y.grad_fn._saved_self is x)
    y.sum().backward()
    return x.grad


@pytest.mark.parametrize("case", params(globals()))
def test_case(case):
    check(case)


def test_anomaly_flag_stores_the_forward_stack():
    # the one recorder's hook point for anomaly mode (the process-wide flag, kept on the
    # class of grad_mode.state, as set_detect_anomaly sets it)
    import dyngrad
    from dyngrad.autograd import grad_mode
    x = dyngrad.ones(2, requires_grad=True)
    assert "traceback_" not in x.exp().grad_fn.metadata
    type(grad_mode.state).anomaly = True
    try:
        y = x.exp()
    finally:
        type(grad_mode.state).anomaly = False
    stack = y.grad_fn.metadata["traceback_"]
    assert any("test_anomaly_flag_stores_the_forward_stack" in line for line in stack)

"""torch._amp_foreach_non_finite_check_and_unscale_ against torch's: values, found_inf,
versions left as they were, refusals before anything is written."""
import pytest

from side_by_side import assert_same

INF, NAN = float("inf"), float("nan")


def _run(torch, grads, found, scale):
    versions = [g._version for g in grads]
    r = torch._amp_foreach_non_finite_check_and_unscale_(grads, found, scale)
    return (r, [g.float() for g in grads], [str(g.dtype) for g in grads], found,
            [g._version - v for g, v in zip(grads, versions)], found._version)


CASES = {
    "finite": lambda t: _run(t, [t.tensor([1., 2.]), t.tensor([[3.]])], t.zeros(1),
                             t.tensor([0.5])),
    "inf": lambda t: _run(t, [t.tensor([1., 2.]), t.tensor([INF]), t.tensor([[3.]])],
                          t.zeros(1), t.tensor([0.5])),
    "nan float64": lambda t: _run(t, [t.tensor([NAN], dtype=t.float64)], t.zeros(1),
                                  t.tensor([0.25])),
    "float16 and bfloat16": lambda t: _run(
        t, [t.tensor([1., 2.], dtype=t.float16), t.tensor([3., 1e-3], dtype=t.bfloat16)],
        t.zeros(1), t.tensor([1 / 3])),
    "0-dim found_inf": lambda t: _run(t, [t.tensor([1.])], t.zeros(()), t.tensor(0.5)),
    "scale one": lambda t: _run(t, [t.tensor([1., INF])], t.zeros(1), t.ones(1)),
    "empty list": lambda t: _run(t, [], t.zeros(1), t.tensor([0.5])),
    "leaf that requires grad": lambda t: _run(t, [t.tensor([2.], requires_grad=True)],
                                              t.zeros(1), t.tensor([0.5])),
}


def _refusal(make):
    def case(torch):
        grads, found, scale = make(torch)
        before = [g.clone() for g in grads if isinstance(g, torch.Tensor)]
        try:
            torch._amp_foreach_non_finite_check_and_unscale_(grads, found, scale)
        except Exception as e:  # noqa: BLE001 (the error is what is compared)
            return (type(e).__name__, str(e), before, grads, found)
    return case


REFUSALS = {
    "found_inf size": lambda t: ([t.tensor([1.])], t.zeros(2), t.tensor([0.5])),
    "inv_scale size": lambda t: ([t.tensor([1.])], t.zeros(2), t.zeros(2)),
    "found_inf dtype": lambda t: ([t.tensor([1.])], t.zeros(1, dtype=t.float64), t.tensor([0.5])),
    "inv_scale dtype": lambda t: ([t.tensor([1.])], t.zeros(1, dtype=t.float64),
                                  t.zeros(1, dtype=t.int64)),
    "integer gradient after a float one": lambda t: ([t.tensor([1.]), t.tensor([1])],
                                                     t.zeros(1), t.tensor([0.5])),
    "not a tensor": lambda t: ([t.tensor([1.]), 3], t.zeros(1), t.tensor([0.5])),
    "a tensor for the list": lambda t: (t.tensor([1.]), t.zeros(1), t.tensor([0.5])),
    "a number for inv_scale": lambda t: ([t.tensor([1.])], t.zeros(1), 0.5),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unscale(name):
    assert_same(CASES[name])


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusal(name):
    if name == "integer gradient after a float one":
        pytest.skip("torch scales the float gradient before refusing the integer one; "
                    "dyngrad checks first (bad input changes nothing)")
    assert_same(_refusal(REFUSALS[name]))


def test_grad_scaler_unscale_keeps_versions():
    def case(torch):
        m = torch.nn.Linear(2, 1)
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        scaler = torch.amp.GradScaler("cpu", init_scale=4.0)
        scaler.scale(m(torch.ones(3, 2)).sum()).backward()
        versions = [p.grad._version for p in m.parameters()]
        scaler.unscale_(opt)
        return [p.grad for p in m.parameters()], [p.grad._version - v for p, v in
                                                   zip(m.parameters(), versions)]
    assert_same(case)

"""torch.amp.GradScaler("cpu") against torch: scale, unscale_, step skipped on inf/nan
gradients, update with backoff and growth, an explicit new scale, state_dict /
load_state_dict, pickling, the disabled scaler, and the errors of misuse."""
import pickle

import pytest

from side_by_side import assert_same


def _model(lib):
    m = lib.nn.Linear(3, 2)
    with lib.no_grad():     # dyadic values: every sum is exact, in any order
        m.weight.copy_(lib.tensor([[0.5, -0.25, 1.0], [0.125, 0.75, -1.5]]))
        m.bias.copy_(lib.tensor([0.25, -0.5]))
    return m


def _train(lib, steps, bad_steps, unscale_at=None, **kwargs):
    m = _model(lib)
    opt = lib.optim.SGD(m.parameters(), lr=0.125)
    scaler = lib.amp.GradScaler("cpu", **kwargs)
    log = [scaler.get_scale(), scaler.state_dict()]
    x = lib.ones(4, 3)
    for i in range(steps):
        opt.zero_grad()
        scaled = scaler.scale(m(x).sum())
        scaled.backward()
        if i in bad_steps:      # a gradient that overflowed (set, not computed: NumPy
            m.weight.grad[0, 1] = bad_steps[i]      # warns where torch is silent)
        if i == unscale_at:
            scaler.unscale_(opt)
            log.append(m.weight.grad.clone())
        log.append((scaled, scaler.step(opt)))
        scaler.update()
        log.append((scaler.get_scale(), scaler._get_growth_tracker(), m.weight.detach().clone(),
                    scaler.state_dict()))
    return log


@pytest.mark.parametrize("kwargs,bad_steps,unscale_at", [
    ({}, {}, None),
    ({"init_scale": 1024.0, "growth_interval": 2}, {2: float("inf")}, 3),
    ({"init_scale": 8.0, "growth_factor": 4.0, "backoff_factor": 0.25, "growth_interval": 1},
     {1: float("nan"), 4: float("inf")}, 0),
])
def test_training_with_scaler(kwargs, bad_steps, unscale_at):
    assert_same(lambda lib: _train(lib, 6, bad_steps, unscale_at, **kwargs))


def test_explicit_scale_state_dict_and_pickle():
    def case(lib):
        scaler = lib.amp.GradScaler("cpu", growth_interval=3)
        scaler.scale(lib.ones(1))
        scaler.update(3.0)
        a = scaler.get_scale()
        scaler.update(lib.tensor(5.0))
        other = lib.amp.GradScaler("cpu")
        other.load_state_dict(scaler.state_dict())
        copy = pickle.loads(pickle.dumps(scaler))
        nested = scaler.scale([lib.ones(1), (lib.ones(2), lib.full((1,), 2.0))])
        return a, scaler.get_scale(), other.state_dict(), copy.state_dict(), nested
    assert_same(case)


@pytest.mark.parametrize("misuse", [
    lambda lib, s, opt: lib.amp.GradScaler("cpu", growth_factor=0.5),
    lambda lib, s, opt: lib.amp.GradScaler("cpu", backoff_factor=1.0),
    lambda lib, s, opt: lib.amp.GradScaler("cpu").unscale_(opt),
    lambda lib, s, opt: lib.amp.GradScaler("cpu").update(),
    lambda lib, s, opt: s.scale(3),
    lambda lib, s, opt: lib.amp.GradScaler("cpu").load_state_dict({}),
    lambda lib, s, opt: s.step(opt, closure=None),
    lambda lib, s, opt: (s.unscale_(opt), s.unscale_(opt)),
    lambda lib, s, opt: (s.step(opt), s.unscale_(opt)),
    lambda lib, s, opt: (s.step(opt), s.step(opt)),
    lambda lib, s, opt: s.update(lib.tensor([1.0, 2.0])),
])
def test_misuse(misuse):
    def case(lib):
        m = _model(lib)
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        s = lib.amp.GradScaler("cpu")
        s.scale(m(lib.ones(1, 3)).sum()).backward()
        return misuse(lib, s, opt)
    assert_same(case)


def test_disabled_scaler_passes_through():
    def case(lib):
        s = lib.amp.GradScaler("cpu", enabled=False)
        t = lib.ones(2)
        return s.state_dict(), s.get_scale(), s.scale(t) is t, s.is_enabled()
    assert_same(case)

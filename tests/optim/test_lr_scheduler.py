"""Learning-rate schedulers against torch: the lr sequence, get_last_lr, warnings and
state_dict, each scheduler driven the same way on both libraries."""
import pytest

from side_by_side import assert_same


def _run(lib, make, steps=12, metrics=None, opt_name="SGD", order_ok=True):
    p = lib.nn.Parameter(lib.zeros(1))
    opt = getattr(lib.optim, opt_name)([{"params": [p]}], lr=0.1,
                                        **({"momentum": 0.9} if opt_name == "SGD" else {}))
    sched = make(lib.optim.lr_scheduler, opt)
    seen = [sched.get_last_lr()]
    for i in range(steps):
        if order_ok:
            opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        seen.append((sched.get_last_lr(), [dict((k, v) for k, v in g.items() if k != "params")
                                           for g in opt.param_groups]))
    state = {k: v for k, v in sched.state_dict().items() if k not in ("lr_lambdas",)}
    return seen, state


SCHEDULERS = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda epoch: 1 / (epoch + 1)),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.25, total_iters=4),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=12),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                             eta_min=0.01),
    "SequentialLR": lambda s, o: s.SequentialLR(o, [s.LinearLR(o, 0.1, total_iters=3),
                                                    s.ExponentialLR(o, 0.8)], milestones=[4]),
    "OneCycleLR_linear_3": lambda s, o: s.OneCycleLR(o, max_lr=0.5, total_steps=12,
                                                     anneal_strategy="linear", three_phase=True),
    "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=3),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda epoch: 0.9),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=8, power=2.0),
    "CyclicLR": lambda s, o: s.CyclicLR(o, 0.01, 1.0, step_size_up=2, step_size_down=3),
    "CyclicLR_triangular2": lambda s, o: s.CyclicLR(o, 0.01, 1.0, step_size_up=2,
                                                    mode="triangular2"),
    "CyclicLR_exp_range": lambda s, o: s.CyclicLR(o, [0.01], 1.0, step_size_up=2,
                                                  mode="exp_range", gamma=0.9,
                                                  cycle_momentum=False),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler([s.ConstantLR(o, 0.1, total_iters=2),
                                                         s.ExponentialLR(o, 0.9)]),
}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_lr_sequence(name):
    assert_same(lambda lib: _run(lib, SCHEDULERS[name]), rtol=0, atol=0)


def test_one_cycle_adam_betas():
    assert_same(lambda lib: _run(lib, SCHEDULERS["OneCycleLR"], opt_name="Adam"))


def test_reduce_on_plateau():
    metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert_same(lambda lib: _run(lib, lambda s, o: s.ReduceLROnPlateau(o, patience=2, cooldown=1,
                                                                       factor=0.5),
                                 metrics=metrics))


def test_step_order_warning():
    assert_same(lambda lib: _run(lib, SCHEDULERS["StepLR"], steps=2, order_ok=False))


def test_one_cycle_too_many_steps():
    assert_same(lambda lib: _run(lib, lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=3),
                                 steps=4))


def test_more_schedulers_adam_errors_and_closed_form():
    def case(lib):
        s = lib.optim.lr_scheduler
        out = [_run(lib, lambda _, o: s.CyclicLR(o, 0.01, 1.0, step_size_up=2), steps=4,
                    opt_name="Adam")]
        p = lib.nn.Parameter(lib.zeros(1))
        opt = lib.optim.SGD([p], lr=0.1)
        for bad in (lambda: s.ConstantLR(opt, factor=2), lambda: s.MultiplicativeLR(opt, 3),
                    lambda: s.CyclicLR(opt, 0.1, 1.0, mode="x"),
                    lambda: s.CyclicLR(lib.optim.Adagrad([p]), 0.1, 1.0),
                    lambda: s.CyclicLR(opt, [0.1, 0.2], 1.0), lambda: s.ChainedScheduler([]),
                    lambda: s.ChainedScheduler([s.ReduceLROnPlateau(opt)]),
                    lambda: s.CyclicLR(object(), 0.1, 1.0)):
            try:
                bad()
                out.append("accepted")
            except Exception as e:
                out.append((type(e).__name__, str(e)))
        poly = s.PolynomialLR(lib.optim.SGD([p], lr=0.1), total_iters=4)
        poly.step(2)  # an epoch given: the closed form
        return out + [poly.get_last_lr()]
    assert_same(case)

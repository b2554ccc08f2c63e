"""torch.optim.swa_utils against torch: averaged models (running mean, EMA, per-tensor and
list updates, with and without buffers), update_bn, SWALR's rates and its errors."""
import pytest

from tests.side_by_side import assert_same


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(),
                             lib.nn.Linear(4, 2))


def _averaged(lib, **kwargs):
    """Three SGD steps with an average updated after each: the averaged state and its
    outputs in eval mode."""
    su = lib.optim.swa_utils
    fns = {"ema": su.get_ema_avg_fn(0.9), "swa": su.get_swa_avg_fn(),
           "ema_multi": su.get_ema_multi_avg_fn(0.8), "swa_multi": su.get_swa_multi_avg_fn()}
    kwargs = {k: fns[v] if k.endswith("avg_fn") else v for k, v in kwargs.items()}
    model = _model(lib)
    avg = su.AveragedModel(model, **kwargs)
    opt = lib.optim.SGD(model.parameters(), lr=0.02)
    x = lib.randn(8, 3)
    for _ in range(3):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
        avg.update_parameters(model)
    avg.eval()
    return avg.state_dict(), avg(x), avg.n_averaged, [p.requires_grad for p in avg.parameters()]


@pytest.mark.parametrize("kwargs", [
    {}, {"use_buffers": True}, {"avg_fn": "ema"}, {"avg_fn": "swa", "use_buffers": True},
    {"multi_avg_fn": "ema_multi"}, {"multi_avg_fn": "swa_multi"},
    {"multi_avg_fn": "ema_multi", "use_buffers": True},
    {"avg_fn": "ema", "multi_avg_fn": "ema_multi"}])
def test_averaged_model(kwargs):
    assert_same(lambda lib: _averaged(lib, **kwargs), rtol=1e-5, atol=1e-6)


def test_update_bn_recomputes_statistics_and_restores_momentum_and_mode():
    def case(lib):
        model = _model(lib)
        model.eval()
        model[1].momentum = 0.3
        data = lib.utils.data.TensorDataset(lib.randn(20, 3) * 2 + 1, lib.zeros(20))
        loader = lib.utils.data.DataLoader(data, batch_size=6)
        lib.optim.swa_utils.update_bn(loader, model)
        lib.optim.swa_utils.update_bn([lib.randn(5, 3)], lib.nn.Linear(3, 1))  # no BatchNorm
        return model.state_dict(), model.training, model[1].momentum
    assert_same(case, rtol=1e-6)


@pytest.mark.parametrize("swa_lr,kwargs", [
    (0.05, {}), (0.05, {"anneal_epochs": 3, "anneal_strategy": "linear"}),
    (0.05, {"anneal_epochs": 0}), ([0.01, 0.2], {"anneal_epochs": 2}),
    (0.05, {"anneal_strategy": "exp"}), (0.05, {"anneal_epochs": -1}),
    (0.05, {"anneal_epochs": 2.0}), ([0.1], {})])
def test_swalr(swa_lr, kwargs):
    def case(lib):
        w, b = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.zeros(1))
        opt = lib.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.3}], lr=1.0)
        sched = lib.optim.swa_utils.SWALR(opt, swa_lr, **kwargs)
        lrs = [sched.get_last_lr()]
        for _ in range(5):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        return lrs, [g["swa_lr"] for g in opt.param_groups], sched.state_dict()
    assert_same(case)

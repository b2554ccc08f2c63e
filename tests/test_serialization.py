"""torch.save/torch.load: files written by either library load in both (tensors, views
sharing storage, parameters, state_dicts, optimizer state, nested containers), and
weights_only refuses other globals with torch's message."""
import io
import pickle

import pytest
import torch

import dyngrad
from side_by_side import assert_same, plain


class Custom:
    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Custom) and other.value == self.value


def _checkpoint(lib):
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
    opt = lib.optim.Adam(net.parameters(), lr=0.01)
    net(lib.ones(4, 3)).sum().backward()
    opt.step()
    base = lib.arange(12.0).view(3, 4)
    return {"model": net.state_dict(), "optim": opt.state_dict(), "epoch": 3,
            "view": base[1:, ::2], "base": base, "param": lib.nn.Parameter(lib.ones(2)),
            "ints": lib.arange(4), "half": lib.ones(2, dtype=lib.float16),
            "flags": lib.tensor([True, False]), "empty": lib.zeros(0, 2),
            "scalar": lib.tensor(2.5, dtype=lib.float64), "size": lib.Size([2, 3]),
            "dtype": lib.float64, "nested": [1.5, "text", (2, {"k": lib.ones(1)})]}


def _roundtrip(writer, reader, obj_fn, **load_kwargs):
    buf = io.BytesIO()
    writer.save(obj_fn(writer), buf)
    buf.seek(0)
    return reader.load(buf, **load_kwargs)


@pytest.mark.parametrize("writer", [dyngrad, torch], ids=["dyngrad_writes", "torch_writes"])
@pytest.mark.parametrize("reader", [dyngrad, torch], ids=["dyngrad_reads", "torch_reads"])
def test_roundtrip(writer, reader):
    loaded = _roundtrip(writer, reader, _checkpoint)
    expected = _checkpoint(torch)
    assert repr(plain(loaded)) == repr(plain(expected))
    assert loaded["model"]._metadata == expected["model"]._metadata
    # the view and its base share one storage after loading, as in torch
    assert loaded["view"].data_ptr() - loaded["base"].data_ptr() == 4 * 4
    assert loaded["view"].stride() == (4, 2)


def test_loaded_state_dict_restores_training():
    def case(lib):
        state = _roundtrip(lib, lib, _checkpoint)
        lib.manual_seed(1)
        net = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
        opt = lib.optim.Adam(net.parameters(), lr=0.01)
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["optim"])
        net(lib.ones(4, 3)).sum().backward()
        opt.step()
        return list(net.parameters()), opt.state_dict()
    assert_same(case, rtol=1e-6, atol=1e-7)


def test_weights_only_refuses_other_globals():
    assert_same(lambda lib: _roundtrip(lib, lib, lambda _: {"c": Custom(1)}))


def test_weights_only_false_and_safe_globals():
    def case(lib):
        loose = _roundtrip(lib, lib, lambda _: {"c": Custom(2)}, weights_only=False)
        with lib.serialization.safe_globals([Custom]):
            allowed = _roundtrip(lib, lib, lambda _: [Custom(3)])
        return loose["c"].value, allowed[0].value
    assert_same(case)


def test_whole_module_pickles_within_dyngrad(tmp_path):
    dyngrad.manual_seed(0)
    net = dyngrad.nn.Sequential(dyngrad.nn.Linear(3, 2), dyngrad.nn.Tanh())
    dyngrad.save(net, tmp_path / "net.pt")
    back = dyngrad.load(tmp_path / "net.pt", weights_only=False)
    assert repr(back) == repr(net)
    assert repr(plain(back.state_dict())) == repr(plain(net.state_dict()))
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL "
                       "dyngrad.nn.modules.container.Sequential"):
        dyngrad.load(tmp_path / "net.pt")

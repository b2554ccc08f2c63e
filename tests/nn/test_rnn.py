"""RNN, LSTM, GRU and their cells against torch: repr, parameter names and default
initialisation (bit for bit), outputs, final states and every gradient."""
import numpy as np
import pytest

from side_by_side import assert_same

RNG = np.random.default_rng(1)
SEQ = RNG.standard_normal((5, 2, 3)).astype(np.float32)     # (L, N, H_in)

MODULES = {
    "RNN": lambda nn: nn.RNN(3, 4),
    "RNN_relu_2layers_bi": lambda nn: nn.RNN(3, 4, num_layers=2, nonlinearity="relu",
                                             bidirectional=True),
    "LSTM": lambda nn: nn.LSTM(3, 4),
    "LSTM_2layers_bi_batch_first": lambda nn: nn.LSTM(3, 4, 2, batch_first=True,
                                                      bidirectional=True),
    "LSTM_proj_nobias": lambda nn: nn.LSTM(3, 5, proj_size=2, bias=False),
    "GRU": lambda nn: nn.GRU(3, 4, num_layers=2),
    "GRU_bi": lambda nn: nn.GRU(3, 2, bidirectional=True),
}


def _run_module(make, with_state):
    def case(lib):
        lib.manual_seed(0)
        m = make(lib.nn)
        x = lib.tensor(SEQ.transpose(1, 0, 2) if m.batch_first else SEQ, requires_grad=True)
        if with_state:
            dirs = 2 if m.bidirectional else 1
            real = m.proj_size or m.hidden_size
            h0 = lib.ones(m.num_layers * dirs, 2, real) * 0.3
            hx = (h0, lib.ones(m.num_layers * dirs, 2, m.hidden_size) * -0.2) \
                if isinstance(m, lib.nn.LSTM) else h0
            out, state = m(x, hx)
        else:
            out, state = m(x)
        states = state if isinstance(state, tuple) else (state,)
        loss = (out * out).sum() + sum((s * s).sum() for s in states)
        loss.backward()
        # torch's LSTM output comes from its fused kernel (MkldnnRnnLayerBackward0): the
        # values are compared, not the node
        if isinstance(m, lib.nn.LSTM):
            out, states = out.detach(), tuple(s.detach() for s in states)
        return (repr(m), [n for n, _ in m.named_parameters()], m.state_dict(), out, states,
                x.grad, [p.grad for p in m.parameters()])
    return case


@pytest.mark.parametrize("with_state", [False, True], ids=["zeros", "given_state"])
@pytest.mark.parametrize("name", MODULES)
def test_recurrent_layer(name, with_state):
    assert_same(_run_module(MODULES[name], with_state), rtol=1e-4, atol=1e-5)


def test_unbatched_input():
    assert_same(lambda lib: (lib.manual_seed(0), lib.nn.GRU(3, 4)(lib.tensor(SEQ[:, 0])))[1],
                rtol=1e-5, atol=1e-6)


CELLS = {
    "RNNCell": lambda nn: nn.RNNCell(3, 4, nonlinearity="relu"),
    "LSTMCell": lambda nn: nn.LSTMCell(3, 4),
    "GRUCell": lambda nn: nn.GRUCell(3, 4, bias=False),
}


@pytest.mark.parametrize("name", CELLS)
def test_cell(name):
    def case(lib):
        lib.manual_seed(0)
        cell = CELLS[name](lib.nn)
        x = lib.tensor(SEQ[0], requires_grad=True)
        out = cell(x)
        first = out[0] if isinstance(out, tuple) else out
        out2 = cell(x, out)
        second = out2[0] if isinstance(out2, tuple) else out2
        (second * second).sum().backward()
        return repr(cell), first, second, x.grad, [p.grad for p in cell.parameters()]
    assert_same(case, rtol=1e-5, atol=1e-6)


def test_errors():
    assert_same(lambda lib: [_catch(f) for f in (
        lambda: lib.nn.RNN(3, 4, nonlinearity="x"),
        lambda: lib.nn.LSTM(3, 4)(lib.ones(2, 1, 5)),
        lambda: lib.nn.LSTM(3, 4)(lib.ones(1, 2, 1, 3)),
        lambda: lib.nn.LSTM(3, 4, proj_size=4),
        lambda: lib.nn.GRU(3, 4, dropout=0.5),
        lambda: lib.nn.LSTM(3, 4)(lib.ones(5, 2, 3), (lib.zeros(1, 3, 4), lib.zeros(1, 2, 4))),
        lambda: lib.nn.LSTM(3, 4)(lib.ones(5, 2, 3), (lib.zeros(1, 2, 4), lib.zeros(2, 2, 4))),
        lambda: lib.nn.GRU(3, 4)(lib.ones(5, 2, 3), lib.zeros(1, 2, 5)))])


def _catch(fn):
    try:
        fn()
    except Exception as e:
        return type(e).__name__, str(e)

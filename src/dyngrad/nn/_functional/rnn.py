"""The recurrences under nn.RNN, nn.LSTM and nn.GRU and their cells, and torch's
top-level functions over them: torch.lstm, gru, rnn_tanh, rnn_relu (a stack of layers
over a padded or a packed sequence, the weights given as one flat list) and lstm_cell,
gru_cell, rnn_tanh_cell, rnn_relu_cell (one step).

The flat list holds, per layer and direction, ``w_ih, w_hh`` then ``b_ih, b_hh`` when
``has_biases``, then LSTM's projection ``w_hr`` when the hidden state is smaller than the
cell state (torch's order: nn.LSTM's ``_flat_weights``).

    >>> x, h = torch.ones(1, 3), torch.zeros(1, 2)
    >>> torch.rnn_tanh_cell(x, h, torch.ones(2, 3), torch.ones(2, 2))
    tensor([[0.9951, 0.9951]])
"""
from ..._autocast_state import STATE as _AUTOCAST
from ...ops.autocast_policy import lower_precision_fp
from ...ops.joining import cat, stack
from ...tensor import Tensor
from .. import functional as F


def _lstm_step(x_proj, state, w_hh, b_hh, w_hr=None):
    """One LSTM step; ``x_proj`` is the input's projection x W_ih^T + b_ih."""
    h, c = state
    gates = x_proj + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _gru_step(x_proj, h, w_hh, b_hh, w_hr=None):
    gh = F.linear(h, w_hh, b_hh)
    xr, xz, xn = x_proj.chunk(3, -1)
    hr, hz, hn = gh.chunk(3, -1)
    r = (xr + hr).sigmoid()
    z = (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()
    return (1 - z) * n + z * h


def _tanh_step(x_proj, h, w_hh, b_hh, w_hr=None):
    return (x_proj + F.linear(h, w_hh, b_hh)).tanh()


def _relu_step(x_proj, h, w_hh, b_hh, w_hr=None):
    return (x_proj + F.linear(h, w_hh, b_hh)).relu()


STEPS = {"LSTM": _lstm_step, "GRU": _gru_step, "RNN_TANH": _tanh_step, "RNN_RELU": _relu_step}


def run_layers(step, x, states, weights, num_layers, bidirectional, dropout, train):
    """The layers over time-major ``x`` (L, N, H). ``states``: the initial state per
    (layer, direction) (a tuple for LSTM); ``weights``: per (layer, direction) the tuple
    (w_ih, w_hh, b_ih, b_hh, w_hr). Returns the output and the final states alike."""
    directions = 2 if bidirectional else 1
    finals = []
    for layer in range(num_layers):
        outs = []
        for direction in range(directions):
            w_ih, w_hh, b_ih, b_hh, w_hr = weights[layer * directions + direction]
            proj = F.linear(x, w_ih, b_ih)
            state = states[layer * directions + direction]
            steps = range(x.size(0) - 1, -1, -1) if direction == 1 else range(x.size(0))
            seq = [None] * x.size(0)
            for t in steps:
                state = step(proj[t], state, w_hh, b_hh, w_hr)
                seq[t] = state[0] if isinstance(state, tuple) else state
            outs.append(stack(seq, 0))
            finals.append(state)
        x = outs[0] if directions == 1 else cat(outs, 2)
        if dropout and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    return x, finals


def run_layers_packed(step, data, batch_sizes, states, weights, num_layers, bidirectional,
                      dropout, train):
    """``run_layers`` over packed rows: at time step t only the first ``batch_sizes[t]``
    sequences (sorted longest first) step. Forward in time, a sequence that ends leaves
    its state behind as its final one; backward in time, a sequence joins with its initial
    state when its last step comes."""
    directions = 2 if bidirectional else 1
    offsets = [0]
    for n in batch_sizes:
        offsets.append(offsets[-1] + n)
    finals = []
    x = data
    for layer in range(num_layers):
        outs = []
        for direction in range(directions):
            w_ih, w_hh, b_ih, b_hh, w_hr = weights[layer * directions + direction]
            proj = F.linear(x, w_ih, b_ih)
            init = states[layer * directions + direction]
            seq = [None] * len(batch_sizes)
            if direction == 0:
                state, ended = init, []
                for t, n in enumerate(batch_sizes):
                    if n < _rows(state):
                        ended.append(_slice(state, n, None))
                        state = _slice(state, 0, n)
                    state = step(proj[offsets[t]:offsets[t + 1]], state, w_hh, b_hh, w_hr)
                    seq[t] = state[0] if isinstance(state, tuple) else state
                ended.append(state)
                final = _join(ended[::-1])
            else:
                state = _slice(init, 0, batch_sizes[-1])
                for t in range(len(batch_sizes) - 1, -1, -1):
                    n = batch_sizes[t]
                    if n > _rows(state):
                        state = _join([state, _slice(init, _rows(state), n)])
                    state = step(proj[offsets[t]:offsets[t + 1]], state, w_hh, b_hh, w_hr)
                    seq[t] = state[0] if isinstance(state, tuple) else state
                final = state
            outs.append(cat(seq, 0))
            finals.append(final)
        x = outs[0] if directions == 1 else cat(outs, 1)
        if dropout and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    return x, finals


def _rows(state):
    return (state[0] if isinstance(state, tuple) else state).size(0)


def _slice(state, start, stop):
    if isinstance(state, tuple):
        return tuple(s[start:stop] for s in state)
    return state[start:stop]


def _join(states):
    if isinstance(states[0], tuple):
        return tuple(cat(parts, 0) for parts in zip(*states))
    return cat(states, 0)


def group_weights(params, has_biases, layers, projections):
    """The flat weight list as one (w_ih, w_hh, b_ih, b_hh, w_hr) tuple per (layer,
    direction)."""
    per = 2 + 2 * bool(has_biases) + bool(projections)
    params = list(params)
    if len(params) != per * layers:
        raise RuntimeError(f"Expected {per * layers} weights, got {len(params)}")
    groups = []
    for k in range(layers):
        w = params[k * per:(k + 1) * per]
        b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
        groups.append((w[0], w[1], b_ih, b_hh, w[-1] if projections else None))
    return groups


def recurrence(mode, input, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first):
    """torch.lstm/gru/rnn_tanh/rnn_relu (and nn.LSTM/GRU/RNN's forward): ``hx`` a tuple
    (h, c) for LSTM, else a tensor; ``batch_sizes`` a list for packed rows, else None."""
    layers = num_layers * (2 if bidirectional else 1)
    lstm = mode == "LSTM"
    states_in = tuple(hx) if lstm else (hx,)
    projections = lstm and states_in[0].size(-1) != states_in[1].size(-1)
    weights = group_weights(params, has_biases, layers, projections)
    if lstm and not projections and _AUTOCAST.cpu:
        # torch's LSTM kernel on the CPU (oneDNN's mkldnn_rnn_layer) is on autocast's
        # low-precision list: input, states and weights are cast, and so is every result
        return _lstm_low_precision(input, batch_sizes, states_in, weights, num_layers,
                                   dropout, train, bidirectional, batch_first)
    return _run(mode, input, batch_sizes, states_in, weights, num_layers, dropout, train,
                bidirectional, batch_first)


def _run(mode, input, batch_sizes, states_in, weights, num_layers, dropout, train,
         bidirectional, batch_first):
    layers = len(weights)
    states = [tuple(h[i] for h in states_in) if len(states_in) > 1 else states_in[0][i]
              for i in range(layers)]
    step = STEPS[mode]
    if batch_sizes is not None:
        output, finals = run_layers_packed(step, input, batch_sizes, states, weights,
                                           num_layers, bidirectional, dropout, train)
    else:
        x = input.transpose(0, 1) if batch_first else input
        output, finals = run_layers(step, x, states, weights, num_layers, bidirectional,
                                    dropout, train)
        if batch_first:
            # (torch's LSTM transposes its result back; the others transpose it in place)
            output = output.transpose(0, 1) if mode == "LSTM" else output.transpose_(0, 1)
    if len(states_in) > 1:
        return (output,) + tuple(stack([f[k] for f in finals], 0)
                                 for k in range(len(states_in)))
    return output, stack(finals, 0)


@lower_precision_fp
def _lstm_low_precision(input, batch_sizes, states_in, weights, num_layers, dropout, train,
                        bidirectional, batch_first):
    return _run("LSTM", input, batch_sizes, states_in, weights, num_layers, dropout, train,
                bidirectional, batch_first)


def _recurrence_function(mode):
    def fn(input, *args):
        # two overloads: (input, hx, params, has_biases, num_layers, dropout, train,
        # bidirectional, batch_first) and the packed (data, batch_sizes, hx, params, ...)
        if isinstance(args[0], Tensor) and not args[0].is_floating_point():
            return recurrence(mode, input, args[0].tolist(), *args[1:], batch_first=False)
        return recurrence(mode, input, None, *args)
    fn.__name__ = mode.lower()
    return fn


lstm = _recurrence_function("LSTM")
gru = _recurrence_function("GRU")
rnn_tanh = _recurrence_function("RNN_TANH")
rnn_relu = _recurrence_function("RNN_RELU")


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _lstm_step(F.linear(input, w_ih, b_ih), tuple(hx), w_hh, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _gru_step(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _tanh_step(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _relu_step(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)

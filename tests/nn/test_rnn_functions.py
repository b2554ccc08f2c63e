"""torch's top-level recurrences and cells (torch.lstm, gru, rnn_tanh, rnn_relu over padded
and packed input, every layout flag; lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell)
and the native_* entry points against torch: values, dtypes, grad_fn names and the
gradients of every input."""
import numpy as np
import pytest

from side_by_side import assert_same

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _leaf(lib, rng, *shape):
    return lib.tensor(rng.standard_normal(shape) * 0.5, dtype=lib.float64).requires_grad_()


def _recurrence(lib, mode, layers, bidirectional, bias, batch_first, packed, proj=0):
    rng = np.random.default_rng(1)
    inp, hidden, dirs = 3, 4, 2 if bidirectional else 1
    real = proj or hidden
    params = []
    for layer in range(layers):
        for _ in range(dirs):
            size = inp if layer == 0 else real * dirs
            params += [_leaf(lib, rng, GATES[mode] * hidden, size),
                       _leaf(lib, rng, GATES[mode] * hidden, real)]
            if bias:
                params += [_leaf(lib, rng, GATES[mode] * hidden),
                           _leaf(lib, rng, GATES[mode] * hidden)]
            if proj:
                params.append(_leaf(lib, rng, proj, hidden))
    h0 = _leaf(lib, rng, layers * dirs, 2, real)
    hx = (h0, _leaf(lib, rng, layers * dirs, 2, hidden)) if mode == "lstm" else h0
    fn = getattr(lib, mode)
    if packed:
        data = _leaf(lib, rng, 5, inp)      # lengths 3 and 2
        out = fn(data, lib.tensor([2, 2, 1]), hx, params, bias, layers, 0.0, False,
                 bidirectional)
    else:
        x = _leaf(lib, rng, *((2, 3, inp) if batch_first else (3, 2, inp)))
        out = fn(x, hx, params, bias, layers, 0.0, False, bidirectional, batch_first)
    leaves = params + (list(hx) if mode == "lstm" else [hx])
    total = sum((o * (k + 1)).sum() for k, o in enumerate(out))
    grads = lib.autograd.grad(total, leaves)
    return out, grads


CASES = [(mode, layers, bi, bias, bf, packed)
         for mode in GATES for (layers, bi, bias, bf, packed) in
         [(1, False, True, False, False), (2, True, False, True, False),
          (2, False, True, False, True), (1, True, True, False, True)]]


@pytest.mark.parametrize("mode, layers, bidirectional, bias, batch_first, packed", CASES)
def test_recurrence(mode, layers, bidirectional, bias, batch_first, packed):
    def case(lib):
        out, grads = _recurrence(lib, mode, layers, bidirectional, bias, batch_first, packed)
        # torch's LSTM output node is oneDNN's, dyngrad's its own: values for LSTM
        return ([o.detach() for o in out] if mode == "lstm" else out), grads
    assert_same(case, rtol=1e-10, atol=1e-12)


def test_lstm_with_projections():
    assert_same(lambda lib: _recurrence(lib, "lstm", 2, True, True, True, False, proj=2),
                rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell", ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cell(cell, bias):
    def case(lib):
        rng = np.random.default_rng(2)
        g = GATES[cell[:-5]]
        x, w_ih, w_hh = _leaf(lib, rng, 2, 3), _leaf(lib, rng, g * 4, 3), _leaf(lib, rng, g * 4, 4)
        h = _leaf(lib, rng, 2, 4)
        hx = (h, _leaf(lib, rng, 2, 4)) if cell == "lstm_cell" else h
        biases = (_leaf(lib, rng, g * 4), _leaf(lib, rng, g * 4)) if bias else ()
        out = getattr(lib, cell)(x, hx, w_ih, w_hh, *biases)
        outs = out if isinstance(out, tuple) else (out,)
        leaves = [x, w_ih, w_hh, *(hx if isinstance(hx, tuple) else (hx,)), *biases]
        return out, lib.autograd.grad(sum(o.sum() for o in outs), leaves)
    assert_same(case, rtol=1e-12, atol=1e-12)


NATIVE = {
    "native_layer_norm": lambda t, x, w: t.native_layer_norm(x, [4], w, w * 2, 1e-5),
    "native_layer_norm_2d": lambda t, x, w: t.native_layer_norm(x, (3, 4), None, None, 0.1),
    "native_layer_norm_bad_shape": lambda t, x, w: t.native_layer_norm(x, [3], None, None, 0.1),
    "native_batch_norm_train": lambda t, x, w: t.native_batch_norm(
        x, w[:3], None, t.zeros(3, dtype=t.float64), t.ones(3, dtype=t.float64), True, 0.1, 1e-5),
    "native_batch_norm_eval": lambda t, x, w: t.native_batch_norm(
        x, None, w[:3], t.zeros(3, dtype=t.float64), t.ones(3, dtype=t.float64), False, 0.1,
        1e-5),
    "native_batch_norm_no_stats": lambda t, x, w: t.native_batch_norm(
        x, None, None, None, None, True, 0.1, 1e-5),
    "native_group_norm": lambda t, x, w: t.native_group_norm(x, w[:3], None, 2, 3, 4, 3,
                                                             1e-5)[0],
    "native_dropout": lambda t, x, w: (t.manual_seed(3), t.native_dropout(x, 0.3, True))[1],
    "native_dropout_default_train": lambda t, x, w: (t.manual_seed(3),
                                                     t.native_dropout(x, 0.3, None))[1],
    "native_dropout_eval": lambda t, x, w: t.native_dropout(x, 0.3, False),
    "native_dropout_all": lambda t, x, w: t.native_dropout(x, 1.0, True),
    "native_dropout_bad_p": lambda t, x, w: t.native_dropout(x, 1.5, True),
    "norm_except_dim": lambda t, x, w: [t.norm_except_dim(x, p, d)
                                        for p, d in ((2, 0), (3, 1), (1, 2), (2, -1))],
    "norm_except_dim_float_pow": lambda t, x, w: t.norm_except_dim(x, 1.5),
    "convolution": lambda t, x, w: t.convolution(x, w.view(1, 1, 4).expand(2, 3, 4) * 1, w[:2],
                                                 [1], [1], [1], False, [0], 1),
    "convolution_transposed": lambda t, x, w: t.convolution(
        x, w.view(1, 1, 4).expand(3, 2, 4) * 1, None, [2], [1], [1], True, [1], 1),
    "convolution_bad_channels": lambda t, x, w: t.convolution(
        x, w.view(1, 1, 4).expand(2, 2, 4) * 1, None, [1], [0], [1], False, [0], 1),
}


def test_native_norm_has_no_dense_kernel():
    # torch's message goes on to list its dispatch keys: the type and first sentence here
    def case(lib):
        try:
            lib.native_norm(lib.ones(2))
        except NotImplementedError as e:
            return str(e).split(" This")[0]
    assert_same(case)


@pytest.mark.parametrize("name", list(NATIVE))
def test_native_functions(name):
    def case(lib):
        rng = np.random.default_rng(3)
        x, w = _leaf(lib, rng, 2, 3, 4), _leaf(lib, rng, 4)
        out = NATIVE[name](lib, x, w)
        outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
                if o.requires_grad]
        return out, lib.autograd.grad(sum((o * o).sum() for o in outs), (x, w),
                                      allow_unused=True)
    assert_same(case, rtol=1e-12, atol=1e-12)

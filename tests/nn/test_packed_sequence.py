"""Packed sequences against torch: pack_padded_sequence / pad_packed_sequence /
pack_sequence / unpack_sequence (reprs, values, grad_fn names, gradients, errors), and
the recurrent layers run over a PackedSequence (sorted and not, both directions, layers,
given initial states)."""
import itertools

import numpy as np
import pytest

from side_by_side import assert_same

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 3, 2)).astype(np.float32)      # T=4, B=3, 2 features


def _x(lib, batch_first=False):
    x = lib.tensor(X.transpose(1, 0, 2).copy() if batch_first else X, requires_grad=True)
    return x


CASES = {
    "pack_sorted": lambda lib, R: R.pack_padded_sequence(_x(lib), [4, 2, 1]),
    "pack_tensor_lengths": lambda lib, R: R.pack_padded_sequence(_x(lib),
                                                                 lib.tensor([4, 4, 3])),
    "pack_unsorted": lambda lib, R: R.pack_padded_sequence(_x(lib), [1, 4, 2],
                                                           enforce_sorted=False),
    "pack_batch_first": lambda lib, R: R.pack_padded_sequence(
        _x(lib, True), [2, 3, 3], batch_first=True, enforce_sorted=False),
    "roundtrip": lambda lib, R: R.pad_packed_sequence(
        R.pack_padded_sequence(_x(lib), [1, 4, 2], enforce_sorted=False), padding_value=-1.0),
    "roundtrip_batch_first_total_length": lambda lib, R: R.pad_packed_sequence(
        R.pack_padded_sequence(_x(lib, True), [3, 2, 2], batch_first=True), batch_first=True,
        total_length=6),
    "pack_sequence": lambda lib, R: R.pack_sequence(
        [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0, 5.0]), lib.tensor([6.0])],
        enforce_sorted=False),
    "unpack_sequence": lambda lib, R: R.unpack_sequence(R.pack_sequence(
        [lib.tensor([1.0, 2.0, 3.0]), lib.tensor([4.0])])),
    "unpad_sequence": lambda lib, R: R.unpad_sequence(_x(lib, True).detach(),
                                                      lib.tensor([2, 1, 2]), batch_first=True),
    "invert_permutation": lambda lib, R: R.invert_permutation(lib.tensor([2, 0, 1])),
    "to_double": lambda lib, R: R.pack_sequence([lib.tensor([1.0, 2.0]),
                                                 lib.tensor([3.0])]).double(),
    "from_pair": lambda lib, R: R.PackedSequence((lib.tensor([1.0, 2.0]), lib.tensor([2]))),
    # errors
    "unsorted_enforced": lambda lib, R: R.pack_padded_sequence(_x(lib), [1, 4, 2]),
    "zero_length": lambda lib, R: R.pack_padded_sequence(_x(lib), [4, 1, 0]),
    "wrong_count": lambda lib, R: R.pack_padded_sequence(_x(lib), [4, 1]),
    "lengths_2d": lambda lib, R: R.pack_padded_sequence(_x(lib), lib.tensor([[4, 1, 1]])),
    "total_length_short": lambda lib, R: R.pad_packed_sequence(
        R.pack_padded_sequence(_x(lib), [4, 2, 1]), total_length=3),
}


@pytest.mark.parametrize("name", CASES)
def test_packing_matches_torch(name):
    def case(lib):
        out = CASES[name](lib, lib.nn.utils.rnn)
        first = out[0] if isinstance(out, (tuple, list)) else out
        if hasattr(first, "requires_grad") and first.requires_grad:
            (first * first).sum().backward()
        return out, repr(out)
    assert_same(case)


def test_pack_gradient_reaches_input():
    def case(lib):
        x = _x(lib, True)
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, [2, 4, 1], batch_first=True,
                                                       enforce_sorted=False)
        (packed.data * lib.arange(7.0)[:, None]).sum().backward()
        return x.grad, packed.data.grad_fn.name(), packed.data.grad_fn.next_functions[0][0].name()
    assert_same(case)


RNN_CASES = list(itertools.product(["RNN", "LSTM", "GRU"], [False, True], [1, 2],
                                   [True, False], [False, True]))


@pytest.mark.parametrize("mode,bidirectional,layers,sorted_,batch_first", RNN_CASES[::3]
                         + [("LSTM", True, 2, False, True)])
def test_recurrent_layers_take_packed_sequences(mode, bidirectional, layers, sorted_,
                                                batch_first):
    def case(lib):
        lib.manual_seed(0)
        rnn = getattr(lib.nn, mode)(2, 3, num_layers=layers, bidirectional=bidirectional,
                                    batch_first=batch_first)
        x = _x(lib, batch_first)
        lengths = [4, 3, 1] if sorted_ else [3, 4, 1]
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first,
                                                       enforce_sorted=sorted_)
        directions = 2 if bidirectional else 1
        h0 = lib.tensor(np.linspace(-1, 1, layers * directions * 9, dtype=np.float32)
                        .reshape(layers * directions, 3, 3))
        out, h = rnn(packed, (h0, -h0) if mode == "LSTM" else h0)
        padded, lens = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first)
        final = h[0] if mode == "LSTM" else h
        ((padded ** 2).sum() + (final * lib.arange(3.0)).sum()).backward()
        grads = [p.grad for p in rnn.parameters()]
        return type(out).__name__, padded.detach(), lens, final.detach(), x.grad, grads
    assert_same(case, rtol=1e-4, atol=1e-5)

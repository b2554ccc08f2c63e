"""Recurrent layers: RNN, LSTM and GRU (layers, directions, batch_first, dropout between
layers, LSTM projections) and their one-step cells, written with the table's ops.

The parameters are torch's (names, shapes, order, and their U(-1/sqrt(hidden),
1/sqrt(hidden)) draws), so a model initialised from a seed is torch's; the forward is the
textbook recurrence step by step, equal to torch's fused kernels to float rounding (its
graph has dyngrad's nodes, not torch's MkldnnRnnLayerBackward0).

    >>> _ = torch.manual_seed(0)
    >>> lstm = torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)
    >>> out, (h, c) = lstm(torch.ones(2, 5, 3))
    >>> out.shape, h.shape
    (torch.Size([2, 5, 4]), torch.Size([2, 2, 4]))
"""
import math
import warnings

from ... import creation
from .. import init
from .._functional import rnn as _rnn
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_warned_projections = [False]


class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0, device=None,
                 dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (not isinstance(dropout, (int, float)) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for kind, shape in shapes:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(creation.empty(shape, dtype=dtype,
                                                                 device=device)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """Nothing to do: there is no fused weight buffer to compact."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # -- forward ----------------------------------------------------------------------
    def _check_input(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.dim()}D instead")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def _zeros(self, batch, size, like):
        layers = self.num_layers * (2 if self.bidirectional else 1)
        return creation.zeros(layers, batch, size, dtype=like.dtype, device=like.device)

    def _check_hidden(self, hx, batch, size, what="hidden"):
        layers = self.num_layers * (2 if self.bidirectional else 1)
        expected = (layers, batch, size)
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {what} size {expected}, got {list(hx.shape)}")

    def _forward(self, input, hx, out_size, state_sizes):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx, state_sizes)
        self._check_input(input)
        unbatched = input.dim() == 2
        if unbatched:
            input = input.unsqueeze(1)
            hx = None if hx is None else tuple(h.unsqueeze(1) for h in hx)
        batch_first = self.batch_first and not unbatched
        batch = input.size(0 if batch_first else 1)
        if hx is None:
            hx = tuple(self._zeros(batch, size, input) for size in state_sizes)
        else:
            names = ("hidden[0]", "hidden[1]") if len(hx) > 1 else ("hidden",)
            for h, size, what in zip(hx, state_sizes, names):
                self._check_hidden(h, batch, size, what)
        output, *final = _rnn.recurrence(self.mode, input, None, hx if len(hx) > 1 else hx[0],
                                         self._flat_weights, self.bias, self.num_layers,
                                         self.dropout, self.training, self.bidirectional,
                                         batch_first)
        if unbatched:
            output = output.squeeze(1)
            final = tuple(f.squeeze(1) for f in final)
        return output, final


    def _forward_packed(self, packed, hx, state_sizes):
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        sizes = batch_sizes.tolist()
        batch = sizes[0]
        if hx is None:
            hx = tuple(self._zeros(batch, size, data) for size in state_sizes)
        else:
            if sorted_indices is not None:
                hx = tuple(h.index_select(1, sorted_indices) for h in hx)
            names = ("hidden[0]", "hidden[1]") if len(hx) > 1 else ("hidden",)
            for h, size, what in zip(hx, state_sizes, names):
                self._check_hidden(h, batch, size, what)
        output, *final = _rnn.recurrence(self.mode, data, sizes, hx if len(hx) > 1 else hx[0],
                                         self._flat_weights, self.bias, self.num_layers,
                                         self.dropout, self.training, self.bidirectional,
                                         False)
        if unsorted_indices is not None:
            final = tuple(f.index_select(1, unsorted_indices) for f in final)
        return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), final


class RNN(RNNBase):
    def __init__(self, *args, **kwargs):
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        out, (h,) = self._forward(input, None if hx is None else (hx,), self.hidden_size,
                                  (self.hidden_size,))
        return out, h


class LSTM(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        if self.proj_size > 0 and not _warned_projections[0]:
            # what torch's CPU build says (once per process) before taking its plain path
            _warned_projections[0] = True
            warnings.warn("LSTM with projections is not supported with oneDNN. Using default "
                          "implementation.", UserWarning, stacklevel=2)
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        out, (h, c) = self._forward(input, hx, real_hidden, (real_hidden, self.hidden_size))
        return out, (h, c)


class GRU(RNNBase):
    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        out, (h,) = self._forward(input, None if hx is None else (hx,), self.hidden_size,
                                  (self.hidden_size,))
        return out, h


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(creation.empty((num_chunks * hidden_size, input_size),
                                                  dtype=dtype, device=device))
        self.weight_hh = Parameter(creation.empty((num_chunks * hidden_size, hidden_size),
                                                  dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(creation.empty(num_chunks * hidden_size, dtype=dtype,
                                                    device=device))
            self.bias_hh = Parameter(creation.empty(num_chunks * hidden_size, dtype=dtype,
                                                    device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, hx, n_states):
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = creation.zeros(input.size(0), self.hidden_size, dtype=input.dtype,
                                   device=input.device)
            hx = (zeros,) * n_states
        elif unbatched:
            hx = tuple(h.unsqueeze(0) for h in hx)
        return input, hx, unbatched


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        input, (h,), unbatched = self._prepare(input, None if hx is None else (hx,), 1)
        cell = _rnn.rnn_relu_cell if self.nonlinearity == "relu" else _rnn.rnn_tanh_cell
        h = cell(input, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        input, (h, c), unbatched = self._prepare(input, hx, 2)
        h, c = _rnn.lstm_cell(input, (h, c), self.weight_ih, self.weight_hh, self.bias_ih,
                              self.bias_hh)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        input, (h,), unbatched = self._prepare(input, None if hx is None else (hx,), 1)
        h = _rnn.gru_cell(input, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h.squeeze(0) if unbatched else h

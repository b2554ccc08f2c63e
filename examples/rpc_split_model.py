"""A model split over two workers, trained with distributed autograd, as in PyTorch's
distributed RPC tutorial: the embedding table and the decoder live on a parameter server,
the LSTM on the trainer, and one DistributedOptimizer steps both workers' parameters.

    python -m dyngrad.distributed.run --nproc-per-node 2 examples/rpc_split_model.py
    torchrun --nproc-per-node 2 examples/rpc_split_model.py      # the same, with torch

Rank 0 is the trainer, rank 1 the parameter server; the trainer prints every loss and,
at the end, the parameters of both workers.
"""
import os

import torch
import torch.distributed.autograd as dist_autograd
import torch.distributed.rpc as rpc
from torch import nn, optim
from torch.distributed.optim import DistributedOptimizer

NTOKEN, NINP, NHID, NLAYERS = 10, 6, 5, 2
BATCH, STEPS = 3, 4


def _call_method(method, rref, *args, **kwargs):
    return method(rref.local_value(), *args, **kwargs)


def _remote_method(method, rref, *args, **kwargs):
    """Call ``method`` on the value ``rref`` refers to, on its owner."""
    return rpc.rpc_sync(rref.owner(), _call_method, args=[method, rref, *args], kwargs=kwargs)


def _create(module_cls, *args):
    return rpc.RRef(module_cls(*args))


def _remote_module(ps, module_cls, *args):
    """An RRef of ``module_cls(*args)`` made on ``ps`` (made before this returns: each
    module seeds the server's one random generator, so two must not be made at once)."""
    return rpc.rpc_sync(ps, _create, args=(module_cls, *args))


def _parameter_rrefs(module):
    return [rpc.RRef(p) for p in module.parameters()]


def _parameter_values(module):
    return [p.detach().clone() for p in module.parameters()]


class EmbeddingTable(nn.Module):
    """On the parameter server: the input embedding."""

    def __init__(self, ntoken, ninp):
        super().__init__()
        torch.manual_seed(0)
        self.encoder = nn.Embedding(ntoken, ninp)

    def forward(self, input):
        return self.encoder(input)


class Decoder(nn.Module):
    """On the parameter server: the output layer."""

    def __init__(self, ntoken, nhid):
        super().__init__()
        torch.manual_seed(1)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, output):
        return self.decoder(output)


class RNNModel(nn.Module):
    """On the trainer: the LSTM, between the server's embedding and decoder."""

    def __init__(self, ps, ntoken, ninp, nhid, nlayers):
        super().__init__()
        self.emb_table_rref = _remote_module(ps, EmbeddingTable, ntoken, ninp)
        torch.manual_seed(2)
        self.rnn = nn.LSTM(ninp, nhid, nlayers)
        self.decoder_rref = _remote_module(ps, Decoder, ntoken, nhid)

    def forward(self, input, hidden):
        emb = _remote_method(EmbeddingTable.forward, self.emb_table_rref, input)
        output, hidden = self.rnn(emb, hidden)
        decoded = _remote_method(Decoder.forward, self.decoder_rref, output)
        return decoded, hidden

    def parameter_rrefs(self):
        return (_remote_method(_parameter_rrefs, self.emb_table_rref)
                + _parameter_rrefs(self.rnn)
                + _remote_method(_parameter_rrefs, self.decoder_rref))


def run_trainer():
    model = RNNModel("ps", NTOKEN, NINP, NHID, NLAYERS)
    opt = DistributedOptimizer(optim.SGD, model.parameter_rrefs(), lr=0.05)
    criterion = nn.CrossEntropyLoss()
    torch.manual_seed(3)
    hidden = (torch.zeros(NLAYERS, BATCH, NHID), torch.zeros(NLAYERS, BATCH, NHID))
    for step in range(STEPS):
        data = torch.randint(0, NTOKEN, (4, BATCH))
        target = torch.randint(0, NTOKEN, (4 * BATCH,))
        with dist_autograd.context() as context_id:
            hidden = (hidden[0].detach(), hidden[1].detach())
            output, hidden = model(data, hidden)
            loss = criterion(output.reshape(-1, NTOKEN), target)
            dist_autograd.backward(context_id, [loss])
            grads = dist_autograd.get_gradients(context_id)
            opt.step(context_id)
        print(f"step {step}: loss {loss.item():.4f}, {len(grads)} local gradients")
    print("embedding", _remote_method(_parameter_values, model.emb_table_rref)[0])
    print("lstm", model.rnn.weight_hh_l1)
    print("decoder", _remote_method(_parameter_values, model.decoder_rref))


if __name__ == "__main__":
    rank = int(os.environ["RANK"])
    rpc.init_rpc("trainer" if rank == 0 else "ps", rank=rank,
                 world_size=int(os.environ["WORLD_SIZE"]))
    if rank == 0:
        run_trainer()
    rpc.shutdown()

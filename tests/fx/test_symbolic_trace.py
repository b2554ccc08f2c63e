"""torch.fx against torch: symbolic_trace of modules and functions, compared on the
generated code, the printed graph, the nodes (op, name, target, args, users), the
GraphModule's printing and attributes, its results and an Interpreter's; the errors of
untraceable programs; editing a graph and recompiling; a graph built by hand."""
import copy
import operator

import numpy as np
import pytest
import torch

import dyngrad

from . import wrap_targets


def _model(lib):
    nn, F = lib.nn, lib.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.bn = nn.BatchNorm2d(2)
            self.register_buffer("scale", lib.tensor(2.0))

        def forward(self, x):
            y = F.relu(self.bn(self.conv(x)))
            y = y * self.scale + lib.tensor([1.0, 2.0]).view(1, 2, 1, 1)
            y = y.flatten(1).mean(dim=1, keepdim=True)
            return lib.sigmoid(y), F.dropout(y, p=0.1, training=self.training)
    return Block().eval()


def _mlp(lib):
    nn, F = lib.nn, lib.nn.functional

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 3)
            self.seq = nn.Sequential(nn.ReLU(), nn.Linear(3, 2))
            self.p = nn.Parameter(lib.ones(2))

        def forward(self, x, y=2):
            h = self.lin(x) + 1
            h = lib.relu(h) * y
            h = F.softmax(self.seq(h), dim=-1)
            return h.sum(-1) + self.p.sum(), h.shape[0]
    return M()


def _loops(lib):
    nn = lib.nn

    class Custom(nn.Module):
        def forward(self, x):
            return x.clamp(min=0)

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.c = Custom()
            self.l = nn.ModuleList([nn.Tanh(), nn.Tanh()])

        def forward(self, x):
            for m in self.l:
                x = m(x)
            return self.c(x).max(dim=0).values
    return Outer()


def _function(lib):
    def f(x, y):
        a = x * 2 - y / 3
        b = -a @ y.t()
        c = a[0, 1:]
        d = lib.cat([a, b], dim=1)
        e = x.view(-1).size(0)
        return {"d": d, "c": c, "e": e}
    return f


def _numbers(lib):
    def numbers(x):
        return (1 - x) ** 2 // 3 % 2, abs(x), ~(x > 0), x @ x, 2 @ x if False else x.T
    return numbers


def _lenet(lib):
    nn, F = lib.nn, lib.nn.functional

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 2, 3, padding=1)
            self.fc = nn.Linear(2 * 2 * 2, 3)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(x, (1, 1), stride=1)
            x = lib.flatten(x.view(x.size(0), -1), 1)
            return F.log_softmax(self.fc(x), dim=1)
    return LeNet()


def _residual(lib):
    nn, F = lib.nn, lib.nn.functional

    class Res(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(3, 3, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(3)

        def forward(self, x):
            out = self.bn(self.a(x))
            out += x
            return (F.relu(out, inplace=True), lib.add(out, x, alpha=2),
                    out.permute(0, 2, 3, 1).contiguous().reshape(-1, 3))
    return Res().eval()


PROGRAMS = {
    "lenet": (_lenet, lambda lib: (lib.linspace(-2, 2, 32).reshape(2, 1, 4, 4),), None),
    "residual": (_residual, lambda lib: (lib.linspace(-2, 2, 48).reshape(1, 3, 4, 4),), None),
    "mlp": (_mlp, lambda lib: (lib.arange(8.0).reshape(2, 4),), None),
    "conv_block": (_model, lambda lib: (lib.linspace(-1, 1, 50).reshape(2, 1, 5, 5),), None),
    "loops_and_custom": (_loops, lambda lib: (lib.tensor([[0.5, -1.0], [2.0, 0.0]]),), None),
    "function": (_function, lambda lib: (lib.ones(2, 2), lib.arange(4.0).reshape(2, 2)), None),
    "operators": (_numbers, lambda lib: (lib.tensor([[1.0, -2.0], [3.0, 0.5]]),), None),
    "sequential": (lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU()),
                   lambda lib: (lib.ones(3, 2),), None),
    "concrete": (lambda lib: (lambda x, flag, none, word: x + 1 if flag else x - 1),
                 lambda lib: (lib.ones(2), True, None, "hi"),
                 {"flag": True, "none": None, "word": "hi"}),
    "wrapped": (lambda lib: wrap_targets.uses_wrapped, lambda lib: (lib.ones(3),), None),
}


def _record(lib, name):
    build, inputs, concrete = PROGRAMS[name]
    lib.manual_seed(0)
    root = build(lib)
    gm = lib.fx.symbolic_trace(root, concrete_args=concrete)
    nodes = [(n.op, n.name, n.target if isinstance(n.target, str) else
              getattr(n.target, "__name__", None), str(n.args), str(n.kwargs),
              [u.name for u in n.users]) for n in gm.graph.nodes]
    out = gm(*inputs(lib))
    interpreted = lib.fx.Interpreter(gm).run(*inputs(lib))
    printed = str(gm) if isinstance(root, lib.nn.Module) else None
    return (gm.code.replace("dyngrad", "torch"), str(gm.graph), nodes, printed,
            sorted(k for k, _ in gm.named_buffers()), sorted(k for k, _ in
                                                             gm.named_parameters()),
            _values(out), _values(interpreted))


def _values(x):
    if isinstance(x, (dyngrad.Tensor, torch.Tensor)):
        return x.detach().numpy()
    if isinstance(x, dict):
        return {k: _values(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return [_values(v) for v in x]
    return x


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.allclose(a, b, rtol=1e-5, atol=1e-6))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("name", PROGRAMS)
def test_trace_like_torch(name):
    ours, theirs = _record(dyngrad, name), _record(torch, name)
    assert ours[:-2] == theirs[:-2]
    assert _same(ours[-2:], theirs[-2:])


@pytest.mark.parametrize("program", [
    lambda x: x if x.sum() > 0 else -x, lambda x: len(x), lambda x: [t for t in x]])
def test_untraceable(program):
    errors = []
    for lib in (torch, dyngrad):
        with pytest.raises(Exception) as e:
            lib.fx.symbolic_trace(program)
        errors.append((type(e.value).__name__, str(e.value)))
    assert errors[0] == errors[1]


def test_edit_recompile_and_print_readable(capsys):
    texts = []
    for lib in (torch, dyngrad):
        gm = lib.fx.symbolic_trace(_loops(lib))
        for n in gm.graph.nodes:
            if n.op == "call_method" and n.target == "clamp":
                n.kwargs = {"min": 1}
        gm.recompile()
        gm.print_readable()
        texts.append((gm.code, capsys.readouterr().out,
                      gm(lib.zeros(2, 2)).tolist()))
    assert texts[0] == texts[1]


def test_deepcopy_and_gradients():
    results = []
    for lib in (torch, dyngrad):
        lib.manual_seed(0)
        model = _lenet(lib)
        gm = lib.fx.symbolic_trace(model)
        twin = copy.deepcopy(gm)
        x = lib.linspace(-2, 2, 32).reshape(2, 1, 4, 4).requires_grad_()
        twin(x).sum().backward()
        results.append((type(twin).__name__, twin.code == gm.code,
                        twin.conv1.weight is not gm.conv1.weight,
                        x.grad.numpy().round(5).tolist(), twin.fc.weight.grad.numpy().round(5).tolist()))
    assert results[0] == results[1]


def test_graph_built_by_hand():
    results = []
    for lib in (torch, dyngrad):
        g = lib.fx.Graph()
        x = g.placeholder("x")
        w = g.get_attr("w")
        mm = g.call_function(lib.matmul, (x, w))
        r = g.call_method("relu", (mm,))
        s = g.call_function(operator.add, (r, 1.5))
        g.output(s)
        gm = lib.fx.GraphModule({"w": lib.tensor([[1.0, -1.0], [0.5, 2.0]])}, g)
        out = gm(lib.tensor([[1.0, 2.0]]))
        s.replace_all_uses_with(r)
        g.erase_node(s)
        gm.recompile()
        results.append((str(g), gm.code, out.tolist(), gm(lib.tensor([[1.0, 2.0]])).tolist()))
    assert results[0] == results[1]

"""torch.fx against torch: symbolic_trace of modules and functions, compared on the
generated code, the printed graph, the nodes (op, name, target, args, users), the
GraphModule's printing and attributes, its results and an Interpreter's; the errors of
untraceable programs; editing a graph and recompiling; a graph built by hand."""
import operator

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


PROGRAMS = {
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
        a = x.detach().numpy()
        return (a.round(5) if a.dtype.kind == "f" else a).tolist()
    if isinstance(x, dict):
        return {k: _values(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return [_values(v) for v in x]
    return x


@pytest.mark.parametrize("name", PROGRAMS)
def test_trace_like_torch(name):
    assert _record(dyngrad, name) == _record(torch, name)


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

"""A stateful test of the engine: random graphs are built in torch and dyngrad side by
side, with backward, retain_graph, autograd.grad, zeroing, detach, hooks, in-place ops and
custom Functions interleaved; after every step both libraries must agree (values, grads,
errors)."""
import numpy as np
import torch
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import dyngrad

LIBS = (torch, dyngrad)
SHAPE = (3,)


def _np(t):
    return None if t is None else t.detach().numpy().copy()


def _both(fn):
    """Run fn on each library; return (results, errors as (type name, message))."""
    outs, errs = [], []
    for lib in LIBS:
        try:
            outs.append(fn(lib))
            errs.append(None)
        except Exception as e:  # compared below: both must fail alike
            outs.append(None)
            errs.append((type(e).__name__, str(e)))
    assert errs[0] == errs[1], errs
    return outs


def _custom_functions(lib):
    """Custom Functions, one class per library: saved inputs and outputs, a number input,
    two outputs, an in-place forward."""
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x * x

    class MulAdd(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            out = x * y + k
            ctx.save_for_backward(x, y, out)
            return out

        @staticmethod
        def backward(ctx, g):
            x, y, out = ctx.saved_tensors
            return g * y, g * x, None

    class TwoOut(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            t = x.tanh()
            ctx.save_for_backward(t)
            return x * 2, t

        @staticmethod
        def backward(ctx, ga, gb):
            t, = ctx.saved_tensors
            return ga * 2 + gb * (1 - t * t)

    class HalveInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(0.5)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 0.5
    return {"cube": Cube, "muladd": MulAdd, "two_out": TwoOut, "halve_": HalveInPlace}


FUNCTIONS = tuple(_custom_functions(lib) for lib in LIBS)


class GraphMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.leaves = []    # [(torch tensor, dyngrad tensor)]
        self.nodes = []     # every tensor made, leaves included
        self.hook_log = ([], [])

    @rule(values=st.lists(st.floats(-2, 2, allow_nan=False, width=32), min_size=3, max_size=3),
          requires_grad=st.booleans())
    def leaf(self, values, requires_grad):
        arr = np.array(values, dtype=np.float32)
        pair = tuple(lib.tensor(arr, requires_grad=requires_grad) for lib in LIBS)
        self.leaves.append(pair)
        self.nodes.append(pair)

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), op=st.sampled_from(["add", "mul", "sub", "tanh", "exp", "sigmoid", "neg",
                                              "scale", "sum_expand"]))
    def compute(self, data, op):
        i = data.draw(st.integers(0, len(self.nodes) - 1))
        j = data.draw(st.integers(0, len(self.nodes) - 1))

        def f(lib):
            k = LIBS.index(lib)
            a, b = self.nodes[i][k], self.nodes[j][k]
            if op in ("add", "mul", "sub"):
                return getattr(lib, op)(a, b)
            if op == "scale":
                return a * 0.5 + 1
            if op == "sum_expand":
                return a.sum() * b
            return getattr(lib, op)(a.clamp(-3, 3) if op == "exp" else a)
        outs = _both(f)
        if outs[0] is not None:
            self.nodes.append(tuple(outs))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), name=st.sampled_from(sorted(FUNCTIONS[0])))
    def custom(self, data, name):
        i = data.draw(st.integers(0, len(self.nodes) - 1))
        j = data.draw(st.integers(0, len(self.nodes) - 1))

        def f(lib):
            k = LIBS.index(lib)
            fn = FUNCTIONS[k][name]
            a, b = self.nodes[i][k], self.nodes[j][k]
            out = fn.apply(a, b, 0.5) if name == "muladd" else fn.apply(a)
            return out if isinstance(out, tuple) else (out,)
        outs = _both(f)
        if outs[0] is not None:
            self.nodes.extend(zip(*outs))

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), retain=st.booleans())
    def backward(self, data, retain):
        i = data.draw(st.integers(0, len(self.nodes) - 1))
        _both(lambda lib: self.nodes[i][LIBS.index(lib)].sum().backward(retain_graph=retain))

    @precondition(lambda self: self.nodes and self.leaves)
    @rule(data=st.data())
    def grad(self, data):
        i = data.draw(st.integers(0, len(self.nodes) - 1))
        j = data.draw(st.integers(0, len(self.leaves) - 1))
        outs = _both(lambda lib: lib.autograd.grad(
            self.nodes[i][LIBS.index(lib)].sum(), self.leaves[j][LIBS.index(lib)],
            retain_graph=True, allow_unused=True))
        if outs[0] is not None:
            np.testing.assert_allclose(_np(outs[1][0]) if outs[1][0] is not None else np.nan,
                                       _np(outs[0][0]) if outs[0][0] is not None else np.nan,
                                       rtol=1e-5, atol=1e-6)

    @precondition(lambda self: self.leaves)
    @rule(data=st.data(), to_none=st.booleans())
    def zero_grad(self, data, to_none):
        j = data.draw(st.integers(0, len(self.leaves) - 1))
        for t in self.leaves[j]:
            if to_none:
                t.grad = None
            elif t.grad is not None:
                t.grad.zero_()

    @precondition(lambda self: self.nodes)
    @rule(data=st.data())
    def detach(self, data):
        i = data.draw(st.integers(0, len(self.nodes) - 1))
        pair = tuple(t.detach() for t in self.nodes[i])
        self.nodes.append(pair)

    @precondition(lambda self: self.nodes)
    @rule(data=st.data())
    def hook(self, data):
        i = data.draw(st.integers(0, len(self.nodes) - 1))

        def reg(lib):
            k = LIBS.index(lib)
            log = self.hook_log[k]
            return self.nodes[i][k].register_hook(lambda g: log.append(i) or g * 2)
        _both(reg)

    @precondition(lambda self: self.nodes)
    @rule(data=st.data(), op=st.sampled_from(["add_", "mul_", "exp_"]))
    def inplace(self, data, op):
        i = data.draw(st.integers(0, len(self.nodes) - 1))

        def f(lib):
            t = self.nodes[i][LIBS.index(lib)]
            return getattr(t, op)() if op == "exp_" else getattr(t, op)(0.5)
        _both(f)

    @invariant()
    def agree(self):
        assert self.hook_log[0] == self.hook_log[1]
        for pair in self.nodes:
            t, d = pair
            assert t.requires_grad == d.requires_grad
            assert t.is_leaf == d.is_leaf
            assert (t.grad_fn is None) == (d.grad_fn is None)
            if t.grad_fn is not None:
                assert type(t.grad_fn).__name__ == d.grad_fn.name()
            np.testing.assert_allclose(_np(d), _np(t), rtol=1e-5, atol=1e-6)
        for t, d in self.leaves:
            if t.grad is None:
                assert d.grad is None
            else:
                np.testing.assert_allclose(_np(d.grad), _np(t.grad), rtol=1e-4, atol=1e-5)


# the loaded profile bounds the examples; a few steps each keep the test short
GraphMachine.TestCase.settings = settings(settings.default, stateful_step_count=15)
TestGraphMachine = GraphMachine.TestCase

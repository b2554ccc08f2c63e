"""The benchmark workloads (issue 4), each written once for torch-shaped libraries and once
as hand-written NumPy (forward and hand-derived backward, no autograd).

A workload is a class with:
  sizes(smoke)        the problem size (tiny in --smoke mode)
  unit, scale         the metric: seconds per iteration times scale, in unit
  numpy(n, xp, dt)    the hand-written step; run in float64 it is the reference
  torch(n, T)         the same step for ``T`` = torch or dyngrad
Both step builders return ``(state, step)``: ``step(state)`` runs one timed iteration and
returns a dict of named outputs (loss value, gradients) as NumPy arrays or numbers, which
the driver compares with the float64 reference on the first round.
"""
import numpy as np

LIBS = ("dyngrad", "torch", "numpy")


def _data(seed, *shapes, scale=1.0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) * scale for s in shapes]


def _on(T, inputs, float_target=False):
    """A workload's NumPy inputs as library T's tensors: its functional module, the data
    (x in float32, y as given or in float32), the parameters requiring grad, and the
    direction vectors of an hvp when there are any."""
    import importlib
    x, y, params, *vs = inputs
    data = (T.tensor(x, dtype=T.float32),
            T.tensor(y, dtype=T.float32) if float_target else T.tensor(y))
    params = [T.tensor(p, dtype=T.float32, requires_grad=True) for p in params]
    F = importlib.import_module(T.__name__ + ".nn.functional")
    if vs:
        return F, data, params, [T.tensor(v, dtype=T.float32) for v in vs[0]]
    return F, data, params


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


# -- tiny_chain --------------------------------------------------------------------------
class TinyChain:
    """x: (8,) float32; 50 x [*c1, +c2, tanh, exp(0.01*x)], sum, backward. The issue counts
    the four bracketed steps as 200 ops (exp(0.01*x) is two calls: 250 tensor ops in all)."""
    unit, scale = "us/op", 1e6 / 200

    def sizes(self, smoke):
        return {"n": 8, "reps": 50}

    def inputs(self, n):
        # exp(0.01*x) stays near 1, so the gradient shrinks by about 0.01*c1 per step: with
        # c1 ~ 0.9 it would underflow (0.009**50) and the check could not see a wrong one.
        # c1 ~ 50 and c2 ~ -c1 keep tanh's argument O(1) and the gradient near 1e-16, well
        # inside float32's normal range (float32 results then agree to ~5e-5 with float64).
        x, r1, r2 = _data(0, (n["n"],), (n["n"],), (n["n"],))
        c1 = 50 * (1 + 0.01 * r1)
        return 1 + 0.005 * x, c1, -c1 + 0.1 * r2

    def numpy(self, n, dt):
        x0, c1, c2 = (a.astype(dt) for a in self.inputs(n))
        c001 = dt(0.01)

        def step(_):
            x = x0
            tape = []
            for _ in range(n["reps"]):
                t = np.tanh(x * c1 + c2)
                e = np.exp(c001 * t)
                tape.append((t, e))
                x = e
            out = x.sum()
            g = np.ones_like(x)
            for t, e in reversed(tape):
                g = g * e * c001
                g = g * (1 - t * t) * c1
            return {"out": out, "x.grad": g}
        return None, step

    def torch(self, n, T):
        x0, c1, c2 = self.inputs(n)
        c1, c2 = T.tensor(c1, dtype=T.float32), T.tensor(c2, dtype=T.float32)

        def step(_):
            x = xin = T.tensor(x0, dtype=T.float32, requires_grad=True)
            for _ in range(n["reps"]):
                x = (x * c1 + c2).tanh()
                x = (0.01 * x).exp()
            out = x.sum()
            out.backward()
            return {"out": _np(out), "x.grad": _np(xin.grad)}
        return None, step


# -- deep_chain --------------------------------------------------------------------------
class DeepChain:
    """scalar x (float64: 1.0001**1e6 overflows float32); n x ``x = x*1.0001 + 0.0001``
    (2n nodes), backward."""
    unit, scale = "s", 1

    def __init__(self, nodes):
        self.nodes = nodes

    def sizes(self, smoke):
        return {"n": 2_000 if smoke else self.nodes // 2}

    def numpy(self, n, dt):
        a, b = dt(1.0001), dt(0.0001)

        def step(_):
            x = np.asarray(0.5, dtype=dt)
            for _ in range(n["n"]):
                x = x * a + b
            g = np.asarray(1.0, dtype=dt)
            for _ in range(n["n"]):
                g = g * a
            return {"out": x, "x.grad": g}
        return None, step

    def torch(self, n, T):
        def step(_):
            x = xin = T.tensor(0.5, dtype=T.float64, requires_grad=True)
            for _ in range(n["n"]):
                x = x * 1.0001 + 0.0001
            x.backward()
            return {"out": _np(x), "x.grad": _np(xin.grad)}
        return None, step


# -- mlp_step ----------------------------------------------------------------------------
class MlpStep:
    """MLP 784-512-512-10, batch 128, ReLU, cross_entropy, backward, SGD lr 0.01 in place."""
    unit, scale = "ms", 1e3

    def sizes(self, smoke):
        return {"dims": (32, 16, 16, 4), "batch": 8} if smoke else \
            {"dims": (784, 512, 512, 10), "batch": 128}

    def inputs(self, n):
        d = n["dims"]
        shapes = [(n["batch"], d[0])]
        for i in range(3):
            shapes += [(d[i], d[i + 1]), (d[i + 1],)]
        x, *params = _data(1, *shapes)
        params = [p / np.sqrt(p.shape[0]) if p.ndim == 2 else 0.1 * p for p in params]
        y = np.random.default_rng(2).integers(0, d[3], n["batch"])
        return x, y, params

    def numpy(self, n, dt):
        x, y, params = self.inputs(n)
        x = x.astype(dt)
        params = [p.astype(dt) for p in params]
        lr = dt(0.01)
        rows = np.arange(len(y))

        def step(ps):
            w1, b1, w2, b2, w3, b3 = ps
            z1 = x @ w1 + b1
            h1 = np.maximum(z1, 0)
            z2 = h1 @ w2 + b2
            h2 = np.maximum(z2, 0)
            z3 = h2 @ w3 + b3
            m = z3.max(1, keepdims=True)
            lse = np.log(np.exp(z3 - m).sum(1, keepdims=True)) + m
            logp = z3 - lse
            loss = -logp[rows, y].mean()
            g3 = np.exp(logp)
            g3[rows, y] -= 1
            g3 /= len(y)
            gw3, gb3 = h2.T @ g3, g3.sum(0)
            g2 = (g3 @ w3.T) * (z2 > 0)
            gw2, gb2 = h1.T @ g2, g2.sum(0)
            g1 = (g2 @ w2.T) * (z1 > 0)
            gw1, gb1 = x.T @ g1, g1.sum(0)
            grads = (gw1, gb1, gw2, gb2, gw3, gb3)
            out = {"loss": loss, "w1.grad": gw1, "b3.grad": gb3}
            for p, g in zip(ps, grads):
                p -= lr * g
            return out
        return params, step

    def torch(self, n, T):
        F, (x, y), params = _on(T, self.inputs(n))

        def step(ps):
            w1, b1, w2, b2, w3, b3 = ps
            h = F.relu(x @ w1 + b1)
            h = F.relu(h @ w2 + b2)
            loss = F.cross_entropy(h @ w3 + b3, y)
            loss.backward()
            # no copies: setting .grad to None below leaves these arrays to ``out``
            out = {"loss": _np(loss), "w1.grad": _np(w1.grad), "b3.grad": _np(b3.grad)}
            with T.no_grad():
                for p in ps:
                    p -= 0.01 * p.grad
                    p.grad = None
            return out
        return params, step


# -- hvp ---------------------------------------------------------------------------------
class Hvp:
    """Hessian-vector product of the MSE loss of a tanh MLP 64-128-1 (batch 256) w.r.t. its
    parameters: autograd.grad(create_graph=True), then autograd.grad of <grad, v>."""
    unit, scale = "ms", 1e3

    def sizes(self, smoke):
        return {"d": (8, 16), "batch": 16} if smoke else {"d": (64, 128), "batch": 256}

    def inputs(self, n):
        d_in, d_h = n["d"]
        shapes = [(n["batch"], d_in), (n["batch"], 1), (d_in, d_h), (d_h,), (d_h, 1), (1,)]
        x, y, *params = _data(3, *shapes)
        params = [p / np.sqrt(p.shape[0]) if p.ndim == 2 else 0.1 * p for p in params]
        vs = _data(4, *[p.shape for p in params])
        return x, y, params, vs

    def numpy(self, n, dt):
        x, y, params, vs = self.inputs(n)
        x, y = x.astype(dt), y.astype(dt)
        w1, b1, w2, b2 = (p.astype(dt) for p in params)
        v1, vb1, v2, vb2 = (v.astype(dt) for v in vs)
        N = y.size

        def step(_):
            # forward, then the R-operator (Pearlmutter) of the hand-derived backward
            a = np.tanh(x @ w1 + b1)
            da_dz = 1 - a * a
            r = a @ w2 + b2 - y
            dout = (2 / N) * r
            da = dout @ w2.T
            ra = da_dz * (x @ v1 + vb1)
            rdout = (2 / N) * (ra @ w2 + a @ v2 + vb2)
            rda = rdout @ w2.T + dout @ v2.T
            rdz = rda * da_dz - 2 * a * ra * da
            return {"hv.w1": x.T @ rdz, "hv.b1": rdz.sum(0), "hv.w2": ra.T @ dout + a.T @ rdout,
                    "hv.b2": rdout.sum(0)}
        return None, step

    def torch(self, n, T):
        F, (x, y), params, vs = _on(T, self.inputs(n), float_target=True)

        def step(_):
            w1, b1, w2, b2 = params
            loss = F.mse_loss(T.tanh(x @ w1 + b1) @ w2 + b2, y)
            grads = T.autograd.grad(loss, params, create_graph=True)
            dot = sum((g * v).sum() for g, v in zip(grads, vs))
            hv = T.autograd.grad(dot, params)
            return dict(zip(("hv.w1", "hv.b1", "hv.w2", "hv.b2"), (_np(h) for h in hv)))
        return None, step


# -- big_elementwise ---------------------------------------------------------------------
class BigElementwise:
    """x: 4M float32; sum(tanh(1.5x+0.5)*exp(-x*x) + sigmoid(x)), backward."""
    unit, scale = "ms", 1e3

    def sizes(self, smoke):
        return {"n": 4096 if smoke else 4 * 1024 * 1024}

    def numpy(self, n, dt):
        x, = _data(5, (n["n"],))
        x = x.astype(dt)
        c15, c05, one = dt(1.5), dt(0.5), dt(1)

        def step(_):
            t = np.tanh(c15 * x + c05)
            e = np.exp(-x * x)
            s = one / (one + np.exp(-x))
            out = (t * e + s).sum()
            g = c15 * (one - t * t) * e - 2 * x * t * e + s * (one - s)
            return {"out": out, "x.grad": g}
        return None, step

    def torch(self, n, T):
        x0, = _data(5, (n["n"],))
        x = T.tensor(x0, dtype=T.float32, requires_grad=True)

        def step(_):
            x.grad = None
            out = ((1.5 * x + 0.5).tanh() * (-x * x).exp() + x.sigmoid()).sum()
            out.backward()
            return {"out": _np(out), "x.grad": _np(x.grad)}
        return None, step


# -- cnn_step ----------------------------------------------------------------------------
class CnnStep:
    """A small CNN, batch 32 of 1x28x28: conv 3x3 (8 channels, padding 1), ReLU, 2x2 max
    pool, linear 1568-10, cross_entropy, backward, SGD lr 0.01 in place."""
    unit, scale = "ms", 1e3

    def sizes(self, smoke):
        return {"batch": 4, "side": 8, "ch": 2} if smoke else {"batch": 32, "side": 28, "ch": 8}

    def inputs(self, n):
        b, s, c = n["batch"], n["side"], n["ch"]
        feat = c * (s // 2) ** 2
        x, w1, b1, w2, b2 = _data(5, (b, 1, s, s), (c, 1, 3, 3), (c,), (10, feat), (10,))
        w1, b1, w2, b2 = w1 / 3, 0.1 * b1, w2 / np.sqrt(feat), 0.1 * b2
        y = np.random.default_rng(6).integers(0, 10, b)
        return x, y, [w1, b1, w2, b2]

    def numpy(self, n, dt):
        x, y, params = self.inputs(n)
        x = x.astype(dt)
        params = [p.astype(dt) for p in params]
        lr = dt(0.01)
        rows = np.arange(len(y))
        b, s, c = n["batch"], n["side"], n["ch"]
        # im2col of the padded input as a (9, N*s*s) matrix, made once (the input does
        # not change between steps)
        win = np.lib.stride_tricks.sliding_window_view(
            np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3), axis=(2, 3))
        cols = np.ascontiguousarray(win[:, 0].transpose(3, 4, 0, 1, 2)).reshape(9, -1)

        def step(ps):
            w1, b1, w2, b2 = ps
            z1 = (w1.reshape(c, 9) @ cols).reshape(c, b, s, s).transpose(1, 0, 2, 3)
            z1 = z1 + b1[:, None, None]
            h1 = np.maximum(z1, 0)
            blocks = h1.reshape(b, c, s // 2, 2, s // 2, 2)
            pooled = blocks.max(axis=(3, 5))
            flat = pooled.reshape(b, -1)
            z2 = flat @ w2.T + b2
            m = z2.max(1, keepdims=True)
            logp = z2 - (np.log(np.exp(z2 - m).sum(1, keepdims=True)) + m)
            loss = -logp[rows, y].mean()
            g2 = np.exp(logp)
            g2[rows, y] -= 1
            g2 /= b
            gw2, gb2 = g2.T @ flat, g2.sum(0)
            gp = (g2 @ w2).reshape(b, c, s // 2, 1, s // 2, 1)
            gh1 = ((blocks == pooled[:, :, :, None, :, None]) * gp).reshape(b, c, s, s)
            gz1 = gh1 * (z1 > 0)
            gw1 = (gz1.transpose(1, 0, 2, 3).reshape(c, -1) @ cols.T).reshape(c, 1, 3, 3)
            gb1 = gz1.sum((0, 2, 3))
            out = {"loss": loss, "w1.grad": gw1, "b2.grad": gb2}
            for p, g in zip(ps, (gw1, gb1, gw2, gb2)):
                p -= lr * g
            return out
        return params, step

    def torch(self, n, T):
        F, (x, y), params = _on(T, self.inputs(n))

        def step(ps):
            w1, b1, w2, b2 = ps
            h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
            loss = F.cross_entropy(F.linear(h.flatten(1), w2, b2), y)
            loss.backward()
            out = {"loss": _np(loss), "w1.grad": _np(w1.grad), "b2.grad": _np(b2.grad)}
            with T.no_grad():
                for p in ps:
                    p -= 0.01 * p.grad
                    p.grad = None
            return out
        return params, step


# -- deep_mlp, deep_mlp_ckpt -------------------------------------------------------------
class DeepMlp:
    """A deep tanh MLP (16 layers 256 wide, batch 4096), loss = mean(out**2), backward.
    With ``segments``: utils.checkpoint.checkpoint_sequential in that many pieces, so
    only the pieces' boundaries are kept and the rest is recomputed during backward: the
    RSS+ column against deep_mlp's shows the memory saved, the time column its price
    (deep_mlp_ckpt: the reentrant checkpoint; deep_mlp_ckpt_nr: the non-reentrant one)."""
    unit, scale = "ms", 1e3

    def __init__(self, segments=None, reentrant=True):
        self.segments = segments
        self.reentrant = reentrant

    def sizes(self, smoke):
        return {"width": 16, "batch": 8, "layers": 8} if smoke else \
            {"width": 256, "batch": 4096, "layers": 16}

    def inputs(self, n):
        w = n["width"]
        x, *params = _data(6, (n["batch"], w), *[(w, w), (w,)] * n["layers"])
        return x, [p / np.sqrt(w) if p.ndim == 2 else 0.1 * p for p in params]

    def numpy(self, n, dt):
        x, params = self.inputs(n)
        x = x.astype(dt)
        params = [p.astype(dt) for p in params]

        def step(_):
            hs = [x]
            for w, b in zip(params[::2], params[1::2]):
                hs.append(np.tanh(hs[-1] @ w + b))
            out = hs[-1]
            loss = (out * out).mean()
            g = (2 / out.size) * out
            for i in reversed(range(len(hs) - 1)):
                gz = g * (1 - hs[i + 1] * hs[i + 1])
                gw0 = hs[i].T @ gz
                g = gz @ params[2 * i].T
            return {"loss": loss, "w0.grad": gw0}
        return None, step

    def torch(self, n, T):
        import importlib
        ckpt = importlib.import_module(T.__name__ + ".utils.checkpoint")
        x0, params = self.inputs(n)
        params = [T.tensor(p, dtype=T.float32, requires_grad=True) for p in params]

        def layer(w, b):
            return lambda h: (h @ w + b).tanh()
        layers = [layer(w, b) for w, b in zip(params[::2], params[1::2])]

        def step(_):
            # requires grad: the reentrant checkpoint passes gradients only to inputs that do
            x = T.tensor(x0, dtype=T.float32, requires_grad=True)
            if self.segments:
                out = ckpt.checkpoint_sequential(layers, self.segments, x,
                                                 use_reentrant=self.reentrant)
            else:
                out = x
                for f in layers:
                    out = f(out)
            loss = (out * out).mean()
            loss.backward()
            res = {"loss": _np(loss), "w0.grad": _np(params[0].grad)}
            for p in params:
                p.grad = None
            return res
        return None, step


# -- compiled variants -------------------------------------------------------------------
class Compiled:
    """A workload's step under ``compile`` for dyngrad (the first call records, later calls
    replay the plan); torch runs its eager step, so the torch column is torch eager."""

    def __init__(self, base, build):
        self.base, self.build = base, build
        self.unit, self.scale = base.unit, base.scale

    def sizes(self, smoke):
        return self.base.sizes(smoke)

    def numpy(self, n, dt):
        return self.base.numpy(n, dt)

    def torch(self, n, T):
        if T.__name__ != "dyngrad":
            return self.base.torch(n, T)
        return self.build(self.base, n, T)


def _tiny_chain_compiled(w, n, T):
    x0, c1, c2 = w.inputs(n)
    c1, c2 = T.tensor(c1, dtype=T.float32), T.tensor(c2, dtype=T.float32)

    @T.compile
    def chain(x):
        for _ in range(n["reps"]):
            x = (x * c1 + c2).tanh()
            x = (0.01 * x).exp()
        out = x.sum()
        out.backward()
        return out

    def step(_):
        xin = T.tensor(x0, dtype=T.float32, requires_grad=True)
        out = chain(xin)
        return {"out": _np(out), "x.grad": _np(xin.grad)}
    return None, step


def _mlp_step_compiled(w, n, T):
    F, (x, y), params = _on(T, w.inputs(n))

    @T.compile
    def train(ps):
        w1, b1, w2, b2, w3, b3 = ps
        h = F.relu(x @ w1 + b1)
        h = F.relu(h @ w2 + b2)
        loss = F.cross_entropy(h @ w3 + b3, y)
        loss.backward()
        g1, g3 = w1.grad, b3.grad
        with T.no_grad():
            for p in ps:
                p -= 0.01 * p.grad
                p.grad = None
        return loss, g1, g3

    def step(ps):
        loss, g1, g3 = train(ps)
        return {"loss": _np(loss), "w1.grad": _np(g1), "b3.grad": _np(g3)}
    return params, step


def _hvp_compiled(w, n, T):
    F, (x, y), params, vs = _on(T, w.inputs(n), float_target=True)

    @T.compile
    def hvp():
        w1, b1, w2, b2 = params
        loss = F.mse_loss(T.tanh(x @ w1 + b1) @ w2 + b2, y)
        grads = T.autograd.grad(loss, params, create_graph=True)
        dot = sum((g * v).sum() for g, v in zip(grads, vs))
        return T.autograd.grad(dot, params)

    def step(_):
        hv = hvp()
        return dict(zip(("hv.w1", "hv.b1", "hv.w2", "hv.b2"), (_np(h) for h in hv)))
    return None, step


def _big_elementwise_compiled(w, n, T):
    x0, = _data(5, (n["n"],))
    x = T.tensor(x0, dtype=T.float32, requires_grad=True)

    @T.compile
    def f():
        x.grad = None
        out = ((1.5 * x + 0.5).tanh() * (-x * x).exp() + x.sigmoid()).sum()
        out.backward()
        return out, x.grad

    def step(_):
        out, g = f()
        return {"out": _np(out), "x.grad": _np(g)}
    return None, step


def _cnn_step_compiled(w, n, T):
    F, (x, y), params = _on(T, w.inputs(n))

    @T.compile
    def train(ps):
        w1, b1, w2, b2 = ps
        h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
        loss = F.cross_entropy(F.linear(h.flatten(1), w2, b2), y)
        loss.backward()
        g1, g2 = w1.grad, b2.grad
        with T.no_grad():
            for p in ps:
                p -= 0.01 * p.grad
                p.grad = None
        return loss, g1, g2

    def step(ps):
        loss, g1, g2 = train(ps)
        return {"loss": _np(loss), "w1.grad": _np(g1), "b2.grad": _np(g2)}
    return params, step


WORKLOADS = {
    "tiny_chain": TinyChain(),
    "deep_chain": DeepChain(200_000),
    "deep_chain_1M": DeepChain(1_000_000),
    "mlp_step": MlpStep(),
    "hvp": Hvp(),
    "big_elementwise": BigElementwise(),
    "cnn_step": CnnStep(),
    "deep_mlp": DeepMlp(),
    "deep_mlp_ckpt": DeepMlp(segments=4),
    "deep_mlp_ckpt_nr": DeepMlp(segments=4, reentrant=False),
}
from workloads_func import (Jacobian, PerSampleBagGrads,  # noqa: E402  (it uses the helpers above)
                            PerSampleGrads)
WORKLOADS.update({
    "per_sample_grads": PerSampleGrads(),
    "per_sample_grads_loop": PerSampleGrads(loop=True),
    "per_sample_bag_grads": PerSampleBagGrads(),
    "per_sample_bag_grads_loop": PerSampleBagGrads(loop=True),
    "jacrev_100": Jacobian("jacrev"),
    "jacfwd_100": Jacobian("jacfwd"),
})
COMPILED = {"tiny_chain": _tiny_chain_compiled, "mlp_step": _mlp_step_compiled,
            "hvp": _hvp_compiled, "big_elementwise": _big_elementwise_compiled,
            "cnn_step": _cnn_step_compiled}
WORKLOADS.update((f"{k}_c", Compiled(WORKLOADS[k], b)) for k, b in COMPILED.items())
# dtypes each library's result must keep (a float64 upcast is a failure, issue 4)
EXPECTED_DTYPE = {"tiny_chain": np.float32, "deep_chain": np.float64, "deep_chain_1M": np.float64,
                  "mlp_step": np.float32, "hvp": np.float32, "big_elementwise": np.float32,
                  "cnn_step": np.float32, "deep_mlp": np.float32, "deep_mlp_ckpt": np.float32,
                  "deep_mlp_ckpt_nr": np.float32, "per_sample_grads": np.float32,
                  "per_sample_grads_loop": np.float32, "jacrev_100": np.float32,
                  "per_sample_bag_grads": np.float32, "per_sample_bag_grads_loop": np.float32,
                  "jacfwd_100": np.float32}
EXPECTED_DTYPE.update((f"{k}_c", EXPECTED_DTYPE[k]) for k in COMPILED)

# whole-model steps (torch.nn and torch.optim), torch and dyngrad only
from model_workloads import MODEL_WORKLOADS  # noqa: E402  (after the workloads it extends)
WORKLOADS.update(MODEL_WORKLOADS)
EXPECTED_DTYPE.update(dict.fromkeys(MODEL_WORKLOADS, np.float32))

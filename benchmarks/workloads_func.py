"""The function-transform workloads (issue 12): per-sample gradients with vmap(grad) and
with a Python loop over the samples, and Jacobians by jacrev (and jacfwd once there)."""
import numpy as np

from workloads import _data, _np


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


class PerSampleGrads:
    """Per-sample gradients of an MLP 64-128-10 (ReLU, cross_entropy), batch 128:
    ``vmap(grad(loss), in_dims=(None, 0, 0))`` (``loop=True``: one ``autograd.grad`` per
    sample in a Python loop, the results stacked)."""
    unit, scale = "ms", 1e3

    def __init__(self, loop=False):
        self.loop = loop

    def sizes(self, smoke):
        return {"dims": (8, 16, 4), "batch": 4} if smoke else {"dims": (64, 128, 10), "batch": 128}

    def inputs(self, n):
        d_in, d_h, d_out = n["dims"]
        x, w1, b1, w2, b2 = _data(5, (n["batch"], d_in), (d_h, d_in), (d_h,), (d_out, d_h),
                                  (d_out,))
        y = np.random.default_rng(6).integers(0, d_out, n["batch"])
        return x, y, [w1 / np.sqrt(d_in), 0.1 * b1, w2 / np.sqrt(d_h), 0.1 * b2]

    def numpy(self, n, dt):
        x, y, params = self.inputs(n)
        x = x.astype(dt)
        w1, b1, w2, b2 = (p.astype(dt) for p in params)

        def step(_):
            z1 = x @ w1.T + b1
            h = np.maximum(z1, 0)
            dz2 = _softmax(h @ w2.T + b2)
            dz2[np.arange(len(y)), y] -= 1
            dz1 = (dz2 @ w2) * (z1 > 0)
            return {"w1": dz1[:, :, None] * x[:, None, :], "b1": dz1,
                    "w2": dz2[:, :, None] * h[:, None, :], "b2": dz2}
        return None, step

    def torch(self, n, T):
        import importlib
        F = importlib.import_module(T.__name__ + ".nn.functional")
        x, y, params = self.inputs(n)
        x, y = T.tensor(x, dtype=T.float32), T.tensor(y)
        names = ("w1", "b1", "w2", "b2")
        params = {k: T.tensor(p, dtype=T.float32) for k, p in zip(names, params)}

        def loss(p, xi, yi):
            h = F.relu(F.linear(xi, p["w1"], p["b1"]))
            return F.cross_entropy(F.linear(h, p["w2"], p["b2"]).unsqueeze(0), yi.unsqueeze(0))

        if not self.loop:
            per_sample = T.func.vmap(T.func.grad(loss), in_dims=(None, 0, 0))

            def step(_):
                return {k: _np(g) for k, g in per_sample(params, x, y).items()}
            return None, step
        leaves = {k: p.clone().requires_grad_() for k, p in params.items()}

        def step(_):
            rows = [T.autograd.grad(loss(leaves, x[i], y[i]), list(leaves.values()))
                    for i in range(len(x))]
            return {k: np.stack([_np(r[j]) for r in rows]) for j, k in enumerate(names)}
        return None, step


class Jacobian:
    """The Jacobian of f(x) = tanh(W x + b) * x, R^100 -> R^100, by ``torch.func.jacrev``
    (or ``jacfwd``)."""
    unit, scale = "ms", 1e3

    def __init__(self, transform="jacrev"):
        self.transform = transform

    def sizes(self, smoke):
        return {"d": 8} if smoke else {"d": 100}

    def inputs(self, n):
        w, b, x = _data(7, (n["d"], n["d"]), (n["d"],), (n["d"],))
        return w / np.sqrt(n["d"]), b, x

    def numpy(self, n, dt):
        w, b, x = (a.astype(dt) for a in self.inputs(n))

        def step(_):
            t = np.tanh(w @ x + b)
            return {"jac": ((1 - t * t) * x)[:, None] * w + np.diag(t)}
        return None, step

    def torch(self, n, T):
        w, b, x = (T.tensor(a, dtype=T.float32) for a in self.inputs(n))
        jac = getattr(T.func, self.transform)(lambda v: T.tanh(w @ v + b) * v)

        def step(_):
            return {"jac": _np(jac(x))}
        return None, step


class PerSampleBagGrads:
    """Per-sample gradients of a bag-of-words classifier: embedding_bag (mean, a table of
    1000 x 32) over 8 bags of 6 indices each, a linear layer to 10 classes, cross_entropy;
    batch 64: ``vmap(grad(loss), in_dims=(None, 0, 0))`` (``loop=True``: one
    ``autograd.grad`` per sample in a Python loop, the results stacked)."""
    unit, scale = "ms", 1e3

    def __init__(self, loop=False):
        self.loop = loop

    def sizes(self, smoke):
        if smoke:
            return {"rows": 20, "dim": 4, "classes": 3, "bags": 2, "bag": 3, "batch": 4}
        return {"rows": 1000, "dim": 32, "classes": 10, "bags": 8, "bag": 6, "batch": 64}

    def inputs(self, n):
        table, w, b = _data(8, (n["rows"], n["dim"]), (n["classes"], n["dim"]), (n["classes"],))
        rng = np.random.default_rng(9)
        idx = rng.integers(0, n["rows"], (n["batch"], n["bags"], n["bag"]))
        y = rng.integers(0, n["classes"], (n["batch"], n["bags"]))
        return idx, y, [table, w / np.sqrt(n["dim"]), 0.1 * b]

    def numpy(self, n, dt):
        idx, y, params = self.inputs(n)
        table, w, b = (p.astype(dt) for p in params)
        batch, bags = y.shape
        rows = np.arange(batch)[:, None, None]

        def step(_):
            e = table[idx].mean(2)                                   # (batch, bags, dim)
            d = _softmax(e @ w.T + b)
            d[np.arange(batch)[:, None], np.arange(bags), y] -= 1
            d /= bags                                                # (the mean over bags)
            de = np.broadcast_to(((d @ w) / n["bag"])[:, :, None], idx.shape + (n["dim"],))
            g_table = np.zeros((batch,) + table.shape, dt)
            np.add.at(g_table, (np.broadcast_to(rows, idx.shape), idx), de)
            return {"table": g_table, "w": np.einsum("bnk,bnd->bkd", d, e), "b": d.sum(1)}
        return None, step

    def torch(self, n, T):
        import importlib
        F = importlib.import_module(T.__name__ + ".nn.functional")
        idx, y, params = self.inputs(n)
        idx, y = T.tensor(idx), T.tensor(y)
        table, w, b = (T.tensor(p, dtype=T.float32) for p in params)

        def loss(table, w, b, i, t):
            return F.cross_entropy(F.linear(F.embedding_bag(i, table, mode="mean"), w, b), t)

        names = ("table", "w", "b")
        if not self.loop:
            per_sample = T.func.vmap(T.func.grad(loss, argnums=(0, 1, 2)),
                                     in_dims=(None, None, None, 0, 0))

            def step(_):
                return dict(zip(names, (_np(g) for g in per_sample(table, w, b, idx, y))))
            return None, step
        leaves = [p.clone().requires_grad_() for p in (table, w, b)]

        def step(_):
            rows = [T.autograd.grad(loss(*leaves, idx[i], y[i]), leaves) for i in range(len(idx))]
            return {k: np.stack([_np(r[j]) for r in rows]) for j, k in enumerate(names)}
        return None, step

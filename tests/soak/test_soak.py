"""Soak and stress: long training loops keep their memory flat, create_graph cycles and a
deep graph give their memory back, and threads lose no gradient.

The tests run bounded sizes (a few seconds in all); ``python -m tests.soak.test_soak``
runs the full ones: 10,000 training steps, 1,000 create_graph cycles, a 10^6-node graph.
"""
import gc
import sys
import threading

import numpy as np

import dyngrad as torch


def rss_mb():
    """The resident set size of this process (Linux), in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def train(steps):
    """A small MLP trained by hand with SGD: the loss at the start and the end, and the
    RSS after a tenth of the steps (warm) and at the end."""
    torch.manual_seed(0)
    x, y = torch.randn(16, 8), torch.randn(16, 1)
    w1 = (torch.randn(8, 32) * 0.3).requires_grad_()
    b1 = torch.zeros(32, requires_grad=True)
    w2 = (torch.randn(32, 1) * 0.3).requires_grad_()
    params = [w1, b1, w2]
    losses, warm = [], None
    for step in range(steps):
        loss = (((x @ w1 + b1).relu() @ w2 - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.05 * p.grad
                p.grad = None
        losses.append(loss.item())
        if step == steps // 10:
            gc.collect()
            warm = rss_mb()
    gc.collect()
    return losses[0], losses[-1], warm, rss_mb()


def create_graph_cycles(cycles):
    """Second derivatives with create_graph=True, again and again: the RSS after a tenth
    of the cycles and at the end, and whether the first cycle's graph is gone."""
    x = torch.linspace(-1, 1, 1000, requires_grad=True)
    warm = None
    for k in range(cycles):
        (g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x)
        assert np.allclose(h.numpy(), 6 * x.detach().numpy())
        if k == cycles // 10:
            gc.collect()
            warm = rss_mb()
    del g, h
    gc.collect()
    return warm, rss_mb()


def deep_graph(nodes):
    """A chain of ``nodes`` multiplications, run backward and freed: the gradient, and the
    RSS before building, with the graph, and after freeing it."""
    gc.collect()
    before = rss_mb()
    x = torch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(nodes):
        y = y * 1.0
    built = rss_mb()
    y.backward()
    grad = x.grad.item()
    del y
    gc.collect()
    return grad, before, built, rss_mb()


def threaded(fn, n=8):
    """Run ``fn(k)`` in ``n`` threads switching as often as the interpreter lets them."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        results = [None] * n
        errors = []

        def run(k):
            try:
                results[k] = fn(k)
            except Exception as e:  # noqa: BLE001 - reported by the test
                errors.append(e)
        threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors
    return results


def independent_graphs(k, rounds=50):
    w = torch.full((4,), float(k + 1), requires_grad=True)
    for _ in range(rounds):
        ((w * w).sum() * 0.5).backward()
    return w.grad.tolist()


def shared_leaf(rounds):
    """8 threads backpropagating into one leaf, ``rounds`` times each: its gradient."""
    w = torch.ones(3, requires_grad=True)

    def accumulate(k):
        for _ in range(rounds):
            (w * float(k + 1)).sum().backward()
    threaded(accumulate)
    return w.grad.tolist()


def test_training_keeps_memory_flat():
    first, last, warm, end = train(2000)
    assert last < first
    assert end <= warm * 1.05, (warm, end)


def test_create_graph_cycles_give_memory_back():
    warm, end = create_graph_cycles(300)
    assert end <= warm * 1.05, (warm, end)


def test_deep_graph_runs_and_is_freed():
    grad, before, built, after = deep_graph(50_000)
    assert grad == 1.0
    assert built > before
    # the graph's memory comes back (the allocator may keep a little of it)
    assert after - before <= 0.25 * (built - before) + 5, (before, built, after)


def test_independent_graphs_in_threads():
    results = threaded(independent_graphs)
    for k, grad in enumerate(results):
        assert grad == [50.0 * (k + 1)] * 4


def test_threads_accumulate_into_one_leaf():
    # every contribution arrives: 300 rounds of k + 1 from each of the 8 threads
    assert shared_leaf(300) == [300.0 * sum(range(1, 9))] * 3


if __name__ == "__main__":  # the full sizes
    first, last, warm, end = train(10_000)
    print(f"10,000 steps: loss {first:.4f} -> {last:.4f}, RSS {warm:.1f} -> {end:.1f} MB "
          f"({100 * (end / warm - 1):+.1f}%)")
    warm, end = create_graph_cycles(1000)
    print(f"1,000 create_graph cycles: RSS {warm:.1f} -> {end:.1f} MB "
          f"({100 * (end / warm - 1):+.1f}%)")
    grad, before, built, after = deep_graph(1_000_000)
    print(f"10^6-node graph: grad {grad}, RSS {before:.1f} -> {built:.1f} (built) -> "
          f"{after:.1f} MB (freed)")
    assert all(g == [50.0 * (k + 1)] * 4 for k, g in enumerate(threaded(independent_graphs)))
    assert shared_leaf(2000) == [2000.0 * sum(range(1, 9))] * 3
    print("8 threads: independent graphs, and 16,000 backward runs into one leaf: nothing lost")

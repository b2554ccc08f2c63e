"""The first gradient a leaf receives may be taken without a copy only when nothing else
holds it: leaves never share gradient memory with each other or with the user's tensors."""
import numpy as np

import dyngrad


def test_identity_formula_does_not_alias_two_leaves():
    x = dyngrad.ones(3, requires_grad=True)
    y = dyngrad.ones(3, requires_grad=True)
    (x + y).sum().backward()  # AddBackward0 hands one array to both edges
    x.grad.add_(1)
    np.testing.assert_array_equal(y.grad.numpy(), np.ones(3))


def test_user_gradient_is_not_aliased():
    x = dyngrad.ones(3, requires_grad=True)
    g = dyngrad.ones(3)
    (x + 0).backward(g)
    x.grad.add_(5)
    np.testing.assert_array_equal(g.numpy(), np.ones(3))
    x2 = dyngrad.ones(3, requires_grad=True)
    x2.backward(g)  # a leaf as the root: the gradient goes straight to AccumulateGrad
    x2.grad.mul_(7)
    np.testing.assert_array_equal(g.numpy(), np.ones(3))


def test_expand_view_gradient_is_copied_and_writable():
    x = dyngrad.ones(2, 3, requires_grad=True)
    x.sum().backward()  # SumBackward0's gradient is a broadcast view
    x.grad.add_(1)
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))


def test_view_gradient_beside_an_owned_one_is_copied():
    # SubBackward0 hands one leaf its incoming gradient (a broadcast view) and the other a
    # fresh array the run owns: only that one may be taken, the view is copied
    x = dyngrad.ones(2, requires_grad=True)
    y = dyngrad.ones(2, requires_grad=True)
    for _ in range(2):
        (x - y).sum().backward()
    x.grad.add_(1)
    np.testing.assert_array_equal(x.grad.numpy(), [3., 3.])
    np.testing.assert_array_equal(y.grad.numpy(), [-2., -2.])


def test_later_backwards_accumulate_in_place():
    x = dyngrad.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    g1 = x.grad
    (x * 2).sum().backward()
    assert g1 is x.grad
    np.testing.assert_array_equal(g1.numpy(), np.full(3, 4.0))


def test_one_array_on_two_edges_into_two_leaves():
    x = dyngrad.ones(3, requires_grad=True)
    y = dyngrad.ones(3, requires_grad=True)
    ((x + y) * 2).sum().backward()  # a fresh array, handed to both leaves' edges
    x.grad.add_(1)
    np.testing.assert_array_equal(y.grad.numpy(), np.full(3, 2.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 3.0))


# -- ownership is tracked, never inferred (NOTE [Owned gradients] in engine.py) -----------
def test_hook_keeps_the_gradient_it_saw():
    held = []
    x = dyngrad.ones(3, requires_grad=True)
    y = x + 0.0  # AddBackward1 hands its gradient on as it is
    y.register_hook(lambda g: held.append(g))
    (y * 3).sum().backward()
    (y * 3).sum().backward()  # accumulates into x.grad in place
    x.grad.add_(1)
    np.testing.assert_array_equal(held[0].numpy(), np.full(3, 3.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 7.0))


def test_node_hook_keeps_the_gradients_it_saw():
    held = []
    x = dyngrad.ones(3, requires_grad=True)
    y = x * 1.0
    a = y * 2
    a.grad_fn.register_hook(lambda gi, go: held.append(gi[0]))
    (a + y * 5).sum().backward()  # y's node sums the gradient the hook holds with another
    np.testing.assert_array_equal(held[0].numpy(), np.full(3, 2.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 7.0))


def test_leaf_hook_keeps_the_gradient_it_saw():
    held = []
    x = dyngrad.ones(3, requires_grad=True)
    x.register_hook(lambda g: held.append(g))
    (x * 2).sum().backward()  # a fresh array, shown to the leaf's hook first
    x.grad.add_(1)
    np.testing.assert_array_equal(held[0].numpy(), np.full(3, 2.0))


def test_observer_keeps_the_gradient_it_saw(monkeypatch):
    from dyngrad.autograd import engine
    held = []
    monkeypatch.setattr(engine, "observers", [
        lambda event, **info: held.append(info["grads"][0]) if event == "node" else None])
    x = dyngrad.ones(3, requires_grad=True)
    (x * 2).sum().backward()  # the last node an observer saw is x's AccumulateGrad
    x.grad.add_(1)
    np.testing.assert_array_equal(held[-1], np.full(3, 2.0))


def test_observer_and_node_hook_keep_the_results_they_saw(monkeypatch):
    # y's node sums the results of y * 3's node (run first) and y * 2's: the first is
    # seen by an observer, or by a post hook, so it is not summed into in place
    from dyngrad.autograd import engine
    seen = []
    watch = [lambda event, **info: seen.extend(
        (g, g.copy()) for g in info["outs"] or () if g is not None) if event == "ran" else None]
    for observed in (True, False):
        monkeypatch.setattr(engine, "observers", watch if observed else [])
        x = dyngrad.ones(3, requires_grad=True)
        y = x * 1.0
        a = y * 2
        b = y * 3
        if not observed:
            b.grad_fn.register_hook(lambda gi, go: seen.append((gi[0], gi[0].clone())))
        (a + b).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 5.0))
    assert len(seen) > 2
    for kept, then in seen:
        np.testing.assert_array_equal(np.asarray(kept), np.asarray(then))

def test_retained_gradient_is_not_the_leafs():
    x = dyngrad.ones(3, requires_grad=True)
    y = x + 0.0
    y.retain_grad()
    (y * 3).sum().backward()
    x.grad.add_(1)
    np.testing.assert_array_equal(y.grad.numpy(), np.full(3, 3.0))


def test_fan_in_sums_stay_right():
    x = dyngrad.ones(3, requires_grad=True)
    y = x * 1.0
    (y * 2 + y * 3 + y * 4).sum().backward()  # three gradients summed into y's buffer
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 9.0))


def test_user_gradient_through_identity_formulas():
    x = dyngrad.ones(3, requires_grad=True)
    g = dyngrad.full((3,), 2.0)
    y = x + 0.0
    (y + y).backward(g)  # the user's array reaches both edges into y, then the leaf
    x.grad.add_(1)
    np.testing.assert_array_equal(g.numpy(), np.full(3, 2.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 5.0))


_ALIASING_CASES = (test_identity_formula_does_not_alias_two_leaves,
                   test_user_gradient_is_not_aliased,
                   test_one_array_on_two_edges_into_two_leaves,
                   test_hook_keeps_the_gradient_it_saw,
                   test_node_hook_keeps_the_gradients_it_saw,
                   test_user_gradient_through_identity_formulas)


def test_lying_reference_counts_change_nothing(monkeypatch):
    # ownership must not come from reference counts, which differ between interpreters
    # and compiled builds: make every count look like "nobody else holds it"
    import sys
    monkeypatch.setattr(sys, "getrefcount", lambda obj: 1)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("dyngrad") and hasattr(module, "getrefcount"):
            monkeypatch.setattr(module, "getrefcount", lambda obj: 1)
    for case in _ALIASING_CASES:
        case()


def _reusing_ids():
    """An ``id`` that hands a dead array's number to the next array asked about, as CPython
    may: ownership must be keyed only by arrays that are alive in the run's buffers."""
    import builtins
    import weakref
    real = builtins.id
    free, given, last = [], {}, [0]

    def fake(obj):
        key = real(obj)
        if key in given:
            return given[key]
        try:
            weakref.ref(obj)
        except TypeError:
            return -key - 1  # (None, NumPy scalars: never reused)
        if free:
            n = free.pop()
        else:
            last[0] += 1
            n = last[0]
        given[key] = n
        weakref.finalize(obj, lambda: (given.pop(key), free.append(n)))
        return n
    return fake


def test_reused_ids_change_nothing(monkeypatch):
    from dyngrad.autograd import engine, flight_versions
    fake = _reusing_ids()
    monkeypatch.setattr(engine, "id", fake, raising=False)
    monkeypatch.setattr(flight_versions, "id", fake, raising=False)
    # y's buffer owns a sum whose array is freed once y's node has run; its number then
    # goes to the caller's gradient, which must still be copied into w2.grad
    w2 = dyngrad.ones(3, requires_grad=True)
    r2 = w2 + 0.0
    w = dyngrad.ones(3, requires_grad=True)
    y = w * 2.0
    g = dyngrad.ones(3)
    dyngrad.autograd.backward([(y * 2 + y * 3).sum(), r2], [None, g])
    w2.grad.add_(1)
    np.testing.assert_array_equal(g.numpy(), np.ones(3))
    np.testing.assert_array_equal(w.grad.numpy(), np.full(3, 10.0))
    np.testing.assert_array_equal(w2.grad.numpy(), np.full(3, 2.0))
    for case in _ALIASING_CASES + (test_fan_in_sums_stay_right,):
        case()

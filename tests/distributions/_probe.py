"""What a distribution shows, in the same order on torch and on dyngrad: the value of
each observable or the error it raises, so two runs compare item by item. Tensors
compare by dtype, shape, grad_fn presence and values to a few float32 ulps (the
elementwise math under the transforms, exp and log, may round the last bit differently;
the random draws under them are compared bit for bit in test_distributions.py)."""
import re

import numpy as np


def shown(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        # (a class named in a message by its module path: torch's files and ours differ)
        message = re.sub(r"<class '[\w.]+[.](\w+)'>", r"\1", str(e))
        return f"{type(e).__name__}: {message}"


def probe(t, d, leaves, value=None, missing=(), rsample_shape=(2,)):
    """Samples (sample and rsample, from the same seed), densities at a sample, moments,
    shapes, support, repr, an expanded copy, and the gradients of rsample and log_prob
    with respect to ``leaves``. The observables named in ``missing`` are left out (what
    dyngrad does not have yet: it raises NotImplementedError there)."""
    seen = [repr(d), d.batch_shape, d.event_shape, repr(d.support), d.has_rsample]
    x = d.sample((2,))
    seen += [x, x.dtype]
    if value is None:
        value = x
    for name in ("mean", "mode", "variance", "stddev"):
        seen.append(shown(lambda: getattr(d, name)))
    seen += [shown(lambda: d.log_prob(value)), shown(lambda: d.entropy())]
    if "cdf" not in missing:
        seen += [shown(lambda: d.cdf(value)), shown(lambda: d.icdf(t.tensor(0.3)))]
    e = d.expand((3,) + tuple(d.batch_shape))
    seen += [repr(e), e.batch_shape, shown(lambda: e.sample()), shown(lambda: e.log_prob(value))]
    loss = d.log_prob(value.detach()).sum()
    if d.has_rsample:
        r = d.rsample(rsample_shape)
        seen.append(r)
        loss = loss + (r * r).sum()
    if loss.requires_grad:
        seen += list(t.autograd.grad(loss, leaves, allow_unused=True))
    return seen


def same(a, b, rtol=2e-5, graph_names=True):
    """Whether torch's observable ``a`` and dyngrad's ``b`` agree (with the same grad_fn
    name, or both with a grad_fn or none when not ``graph_names``)."""
    if hasattr(a, "detach") and hasattr(b, "detach"):
        if str(a.dtype) != str(b.dtype) or tuple(a.shape) != tuple(b.shape):
            return False
        if graph_names and type(a.grad_fn).__name__ != type(b.grad_fn).__name__:
            return False
        if (a.grad_fn is None) != (b.grad_fn is None):
            return False
        x, y = a.detach().numpy(), b.detach().numpy()
        return bool(np.allclose(x, y, rtol=rtol, atol=1e-6, equal_nan=True))
    return str(a) == str(b)


def assert_same(seen_torch, seen_dyngrad, graph_names=True):
    assert len(seen_torch) == len(seen_dyngrad)
    for i, (a, b) in enumerate(zip(seen_torch, seen_dyngrad)):
        assert same(a, b, graph_names=graph_names), (i, str(a), str(b))

"""Run one callable on torch and on dyngrad and compare what comes back.

``case(lib)`` builds whatever it wants with ``lib`` standing for ``torch`` (classes
defined inside the case derive from ``lib.nn.Module``). The results are reduced to plain
data (tensors to their values, dtype, shape, requires_grad and grad_fn name; strings with
the library name read as "torch") and compared; an exception compares by type and
message, and the warnings raised by both runs must match too.
"""
import re
import warnings
from collections import OrderedDict

import numpy as np
import torch

import dyngrad

LIBS = (torch, dyngrad)


def _text(s):
    # torch's warnings from C++ end in where they were raised: dyngrad has no such place
    s = re.sub(r" \(Triggered internally at [^)]*\)", "", s)
    return re.sub(r"\bdyngrad\b", "torch", re.sub(r"0x[0-9a-f]+", "0xADDR", s))


def plain(v):
    """``v`` as comparable plain data."""
    if isinstance(v, (torch.Tensor, dyngrad.Tensor)):
        fn = v.grad_fn
        return ("Tensor", type(v).__name__, tuple(v.shape), str(v.dtype).replace("dyngrad", "torch"),
                v.requires_grad, None if fn is None else fn.name().split("::")[-1],
                np.asarray(v.detach().numpy()).copy())
    if isinstance(v, OrderedDict):
        return ("OrderedDict", [(plain(k), plain(x)) for k, x in v.items()])
    if isinstance(v, dict):
        return ("dict", [(plain(k), plain(x)) for k, x in v.items()])
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [plain(x) for x in v])
    if isinstance(v, str):
        return _text(v)
    if isinstance(v, (torch.dtype, dyngrad.dtype, torch.Size, dyngrad.Size)):
        return _text(repr(v))
    return v


def run(case, lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", plain(case(lib)))
        except Exception as e:  # the case's error is part of what is compared
            result = ("raised", type(e).__name__, _text(str(e)))
    return result, [(w.category.__name__, _text(str(w.message))) for w in caught]


def outcomes(makers):
    """What each of ``makers`` (callables of no argument) gives: None, or the type and
    message of the error it raises (for a case that tries many bad calls)."""
    out = []
    for make in makers:
        try:
            make()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            out.append((type(e).__name__, str(e)))
    return out


def _equal(a, b, rtol, atol):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if rtol == 0 and atol == 0:
            return np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(
            _equal(x, y, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and (rtol or atol):
        return np.isclose(a, b, rtol=rtol, atol=atol)
    return a == b


def _first_difference(a, b, rtol, atol, path="result"):
    """Where two results first differ, and the two values there."""
    if (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and type(a) is type(b)
            and len(a) == len(b)):
        for i, (x, y) in enumerate(zip(a, b)):
            if not _equal(x, y, rtol, atol):
                return _first_difference(x, y, rtol, atol, f"{path}[{i}]")
    return f"at {path}:\ndyngrad: {a!r}\ntorch:   {b!r}"


def assert_same(case, rtol=0, atol=0):
    """``case`` gives the same results, errors and warnings on both libraries (values
    exactly, unless a tolerance is given)."""
    theirs, ours = run(case, torch), run(case, dyngrad)
    assert _equal(ours, theirs, rtol, atol), _first_difference(ours, theirs, rtol, atol)


def train_steps(lib, m, x, steps=3):
    """``steps`` SGD steps on sum(m(x) ** 2): the losses, then every parameter's last
    gradient (what a training test compares between the libraries)."""
    opt = lib.optim.SGD(m.parameters(), lr=0.1)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = m(x).pow(2).sum()
        loss.backward()
        opt.step()
        losses.append(loss)
    return losses + [[(n, p.grad) for n, p in m.named_parameters()]]

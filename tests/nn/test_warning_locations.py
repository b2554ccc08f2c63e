"""Where the warnings of the loss, grid and covariance functions point: at the caller's
line where torch's do (never at the autocast or argument-parsing wrappers dyngrad puts
around them, which torch's C++ has no frame for), inside the library where torch's point
inside torch."""
import os
import warnings

import pytest
import torch

import dyngrad

HERE = os.path.abspath(__file__)


def _calls(lib):
    F = lib.nn.functional
    a, b = lib.ones(2, 3), lib.ones(1, 3)
    target = lib.zeros(2, dtype=lib.long)
    return {
        "mse_loss size": lambda: F.mse_loss(a, b),
        "l1_loss size": lambda: F.l1_loss(a, b),
        "smooth_l1_loss size": lambda: F.smooth_l1_loss(a, b),
        "huber_loss size": lambda: F.huber_loss(a, b),
        "kl_div mean": lambda: F.kl_div(a, a),
        "nll_loss legacy": lambda: F.nll_loss(a, target, size_average=False),
        "mse_loss size and legacy": lambda: F.mse_loss(a, b, reduce=False),
        "multilabel legacy": lambda: F.multilabel_soft_margin_loss(a, a, reduce=False),
        "module legacy": lambda: lib.nn.MSELoss(size_average=False),
        "module size": lambda: lib.nn.MSELoss()(a, b),
        "grid_sample corners": lambda: F.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 2, 2, 2)),
        "affine_grid corners": lambda: F.affine_grid(lib.zeros(1, 2, 3), [1, 1, 2, 2]),
        "cov freedom": lambda: lib.cov(lib.ones(2, 1)),
        "cov method freedom": lambda: lib.ones(2, 1).cov(correction=2),
        "corrcoef freedom": lambda: lib.corrcoef(lib.ones(2, 1)),
    }


def _where(lib, name):
    """Each warning of one call: its message and this file's line, or "library"."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _calls(lib)[name]()
    root = os.path.dirname(os.path.abspath(lib.__file__))
    out = []
    for w in caught:
        if os.path.abspath(w.filename) == HERE:
            place = w.lineno
        elif os.path.abspath(w.filename).startswith(root):
            place = os.path.basename(w.filename) if "autocast" in w.filename else "library"
        else:
            place = w.filename
        # (torch's warnings from C++ say where they were triggered; dyngrad's do not)
        message = str(w.message).split(" (Triggered internally")[0]
        out.append((message.replace("dyngrad", "torch"), place))
    return out


@pytest.mark.parametrize("name", list(_calls(torch)))
def test_warning_points_where_torch_points(name):
    assert _where(dyngrad, name) == _where(torch, name)

"""The comparison the tests of this folder share: a case run on torch and on dyngrad."""
import warnings

import numpy as np

from dyngrad.utils._pytree import tree_flatten


class _Close:
    """Values compared to float32 rounding."""

    def __init__(self, a):
        self.a = a

    def __eq__(self, other):
        return (isinstance(other, _Close) and self.a.shape == other.a.shape
                and np.allclose(self.a, other.a, rtol=1e-5, atol=1e-6, equal_nan=True))

    def __repr__(self):
        return repr(self.a)


def observe(case, lib):
    """What a user sees of ``case(lib)``: its tensors (shape, dtype, requires_grad, values)
    and other leaves, or its error's type and message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = case(lib)
    except Exception as e:  # noqa: BLE001  (the error is what is compared)
        return ("error", type(e).__name__, str(e))
    leaves, _ = tree_flatten(out)
    seen = []
    for x in leaves:
        if isinstance(x, lib.Tensor):
            seen.append((tuple(x.shape), str(x.dtype), x.requires_grad,
                         _Close(x.detach().numpy())))
        elif callable(x):
            seen.append("callable")
        else:
            seen.append(x)
    return seen

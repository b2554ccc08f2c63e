"""torch.func: function transforms (forward-mode ones in _forward.py)."""
from ._forward import hessian, jacfwd, jvp, linearize  # noqa: F401

__all__ = ["jvp", "jacfwd", "linearize", "hessian"]

"""torch.linalg: norms, inverses, solvers and decompositions, with torch's gradients."""
from ..ops.products import linalg_cross as cross  # noqa: F401

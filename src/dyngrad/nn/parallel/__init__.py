"""torch.nn.parallel: DataParallel (on a CPU-only machine, the wrapped module itself)."""
from .data_parallel import DataParallel  # noqa: F401

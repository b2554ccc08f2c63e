"""torch.nn.parallel: DataParallel (on a CPU-only machine, the wrapped module itself) and
DistributedDataParallel (over dyngrad.distributed)."""
from .data_parallel import DataParallel  # noqa: F401
from .distributed import DistributedDataParallel  # noqa: F401

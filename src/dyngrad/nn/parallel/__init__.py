"""torch.nn.parallel: DataParallel (on a CPU-only machine, the wrapped module itself),
DistributedDataParallel (over dyngrad.distributed), and the single-process helpers
(replicate, scatter, gather, parallel_apply, data_parallel) as torch's CPU-only build has
them: numbers and containers spread, tensors and devices refused in torch's words."""
from .data_parallel import DataParallel, data_parallel  # noqa: F401
from .distributed import DistributedDataParallel  # noqa: F401
from .parallel_apply import parallel_apply  # noqa: F401
from .replicate import replicate  # noqa: F401
from .scatter_gather import gather, scatter  # noqa: F401

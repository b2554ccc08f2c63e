"""torch.distributed.optim: ``DistributedOptimizer`` steps parameters held by other
workers (through RRefs) with the gradients of a distributed backward."""
from .optimizer import DistributedOptimizer  # noqa: F401

"""torch.utils: so far checkpointing (``dyngrad.utils.checkpoint``)."""
from . import checkpoint  # noqa: F401

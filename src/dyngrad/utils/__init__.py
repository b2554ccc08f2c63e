"""torch.utils: ``data`` (datasets, samplers, DataLoader) and ``checkpoint``."""
from . import checkpoint, data  # noqa: F401

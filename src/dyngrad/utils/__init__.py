"""torch.utils: ``data`` (datasets, samplers, DataLoader) and ``checkpoint``."""
from . import checkpoint, data, dlpack  # noqa: F401

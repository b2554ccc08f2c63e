"""torch.nn: so far its functional namespace (``dyngrad.nn.functional``)."""
from . import functional  # noqa: F401

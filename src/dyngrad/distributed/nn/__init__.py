"""torch.distributed.nn: ``RemoteModule``, a module that lives on another worker."""
from .api.remote_module import RemoteModule  # noqa: F401

"""torch.utils: ``data`` (datasets, samplers, DataLoader) and ``checkpoint``."""
from . import dlpack  # noqa: F401
from .._on_first_use import on_first_use as _on_first_use

# loaded when first read (``data`` brings multiprocessing: a twentieth of the import)
__getattr__, __dir__ = _on_first_use(globals(), {"checkpoint": ("checkpoint", None),
                                                  "data": ("data", None)})

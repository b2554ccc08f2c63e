"""torch.jit.annotations: the type names TorchScript code annotates with (typing's, here:
nothing is compiled)."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: F401

from ..futures import Future  # noqa: F401

__all__ = ["Any", "Dict", "List", "Optional", "Tuple", "Union", "Future"]

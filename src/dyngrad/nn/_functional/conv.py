"""Convolutions, unfold and fold of torch.nn.functional: torch's own functions
(ops/torch_nn.py)."""
from ...ops.torch_nn import (conv1d, conv2d, conv3d, conv_transpose1d,  # noqa: F401
                             conv_transpose2d, conv_transpose3d, fold, unfold)

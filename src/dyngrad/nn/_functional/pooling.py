"""Pooling functionals: torch's own functions (ops/torch_pooling.py)."""
from ...ops.torch_pooling import (  # noqa: F401
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
    avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices, max_pool2d,
    max_pool2d_with_indices, adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d,
    max_pool3d_with_indices)

"""torch.backends: the flags scripts set for CUDA, cuDNN and MPS. On the CPU they are
plain settings that change nothing, as they are in torch's CPU build."""
from . import cuda, cudnn, mps  # noqa: F401

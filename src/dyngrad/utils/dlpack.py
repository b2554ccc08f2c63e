"""torch.utils.dlpack: tensors to and from other array libraries without a copy."""
from .._dlpack import DLDeviceType  # noqa: F401
from .. import _backend
from ..tensor import Tensor, _wrap

_INVALID = ("from_dlpack received an invalid capsule. Note that DLTensor capsules can be "
            "consumed only once, so you might have already constructed a tensor from it once.")


class _Capsule:
    """A bare capsule (to_dlpack's result) in the shape ``from_dlpack`` protocols read."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return DLDeviceType.kDLCPU, 0


def from_dlpack(ext_tensor):
    """A tensor sharing the memory of anything with ``__dlpack__`` (a NumPy array, another
    library's tensor) or of a capsule, which can be read once."""
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    source = ext_tensor if hasattr(ext_tensor, "__dlpack__") else _Capsule(ext_tensor)
    try:
        return _wrap(_backend.xp.from_dlpack(source))
    except (TypeError, ValueError, BufferError) as e:
        if isinstance(source, _Capsule):
            raise RuntimeError(_INVALID) from None
        raise e


def to_dlpack(tensor):
    return tensor.__dlpack__(max_version=(1, 0))  # versioned: the reader may write

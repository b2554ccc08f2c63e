"""torch.amp on a CPU-only machine. CPU autocast runs matmul and linear in bfloat16 (or
float16); dyngrad does no such casting yet, so enabling it raises. Every
path that leaves float32 code as it is (disabled, float32, a CUDA request) behaves as torch."""
import functools
import warnings

from .._dtype import float16
from .._size import device as _device

_CUDA_WARNING = "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."


class autocast:
    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        kind = _device(device_type).type  # torch's error for an unknown device string
        self.device = device_type
        self.fast_dtype = dtype
        self._enabled = bool(enabled)
        if not self._enabled:
            return
        if kind == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          stacklevel=2)
            self._enabled = False
        elif kind != "cpu":
            raise NotImplementedError(f"dyngrad has no '{kind}' device: only the CPU")
        elif dtype is None or dtype is float16:  # None is bfloat16 on the CPU
            raise NotImplementedError(
                "CPU autocast runs matmul and linear in torch.bfloat16 (or the float16 given): "
                "dyngrad does not cast under autocast yet; pass enabled=False "
                "or dtype=torch.float32")
        else:
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling "
                          "autocast.\nCPU Autocast only supports dtypes of torch.bfloat16, "
                          "torch.float16 currently.", stacklevel=2)
            self._enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def in_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return in_autocast


class GradScaler:
    """Loss scaling for float16 gradients. Without CUDA torch disables it (warning if it was
    asked for), and a disabled scaler passes everything through."""

    def __init__(self, device="cuda", init_scale=2.0**16, growth_factor=2.0,
                 backoff_factor=0.5, growth_interval=2000, enabled=True):
        self._device = device
        if enabled and _device(device).type == "cuda":
            warnings.warn(_CUDA_WARNING, stacklevel=2)
            enabled = False
        if enabled:
            raise NotImplementedError("dyngrad's GradScaler only runs disabled: pass "
                                      "enabled=False (float32 gradients need no scaling)")
        self._enabled = False

    def is_enabled(self):
        return self._enabled

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer):
        pass

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        pass

    def get_scale(self):
        return 1.0

    def state_dict(self):
        return {}

    def load_state_dict(self, state_dict):
        pass


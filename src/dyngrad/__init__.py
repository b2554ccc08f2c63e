"""dyngrad: PyTorch's autograd over NumPy, with torch's names, values and messages.

    >>> import dyngrad as torch
    >>> w = torch.tensor([1.], requires_grad=True)
    >>> y = (w + 2) * (w + 1)
    >>> y.backward()
    >>> w.grad
    tensor([5.])

This module is a torch-shaped namespace: it only re-exports.
"""
import gc as _gc
import warnings as _warnings

# the import builds tens of thousands of objects and no garbage: a cyclic collection in
# the middle of it is wasted time (about a sixth of the import), so none runs until the
# end of this module
_gc_was_enabled = _gc.isenabled()
_gc.disable()

from . import _memory  # noqa: F401  (glibc keeps freed large arrays: see that module)
from . import _dtype as _dtype_module
from ._size import Size, device  # noqa: F401
from ._tensor_str import get_printoptions, set_printoptions  # noqa: F401
from ._dtype import (bfloat16, bool, complex64, complex128, dtype, float16,  # noqa: F401
                    float32, float64, float8_e4m3fn, float8_e5m2, get_default_dtype, int8, int16, int32, int64, promote_types, result_type,
                    set_default_dtype, uint8)
from ._dtype import qint8, qint32, quint2x4, quint4x2, quint8  # noqa: F401  (no tensors)
from .tensor import Tensor  # noqa: F401
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full,  # noqa: F401
                       full_like, linspace, logspace, ones, ones_like, range_ as range,
                       scalar_tensor, tensor, zeros, zeros_like)
from .windows import (bartlett_window, blackman_window, hamming_window,  # noqa: F401
                      hann_window, kaiser_window)
from .random import (Generator, bernoulli, default_generator, get_rng_state,  # noqa: F401
                     initial_seed, manual_seed, normal, rand, rand_like, randint, randint_like,
                     randn, randn_like, randperm, seed, set_rng_state)
# autograd before ops: its lower modules (grad_mode, graph) load first, and its upper
# modules (engine, ...) may then import the op table, which builds on those lower ones
from . import autograd  # noqa: F401
from . import ops as _ops
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: F401
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from .autograd.anomaly_mode import (is_anomaly_check_nan_enabled,  # noqa: F401
                                   is_anomaly_enabled, set_anomaly_enabled)
from .ops.torch_math import return_types as _return_types
from . import nn  # noqa: F401  (torch.nn.functional without importing it by hand)
from . import optim, utils  # noqa: F401  (torch.optim, torch.utils.data without importing)
from .utils.dlpack import from_dlpack  # noqa: F401
from .nn._functional.rnn import (gru, gru_cell, lstm, lstm_cell, rnn_relu,  # noqa: F401
                                 rnn_relu_cell, rnn_tanh, rnn_tanh_cell)
from .serialization import load, save  # noqa: F401
from . import storage  # noqa: F401
from .storage import TypedStorage, UntypedStorage  # noqa: F401
from . import serialization  # noqa: F401
from . import overrides  # noqa: F401
from . import fft, linalg, sparse, special  # noqa: F401
from . import func  # noqa: F401
from ._dtype_info import finfo, iinfo  # noqa: F401
from ._layout import (_mkldnn, jagged, layout, sparse_bsc, sparse_bsr, sparse_coo,  # noqa: F401
                      sparse_csc, sparse_csr, strided)
from ._memory_format import (channels_last, channels_last_3d, contiguous_format,  # noqa: F401
                             memory_format, preserve_format)
from ._legacy_types import LEGACY_TYPES as _LEGACY_TYPES
from ._legacy_types import set_default_tensor_type  # noqa: F401
from . import accelerator, amp, backends, cpu, cuda  # noqa: F401
from .func import vmap  # noqa: F401
from .amp import autocast  # noqa: F401
from .amp.unscale import _amp_foreach_non_finite_check_and_unscale_  # noqa: F401
from .amp.autocast_mode import (autocast_decrement_nesting,  # noqa: F401
                                autocast_increment_nesting, clear_autocast_cache,
                                get_autocast_dtype, is_autocast_cache_enabled,
                                is_autocast_enabled, set_autocast_cache_enabled,
                                set_autocast_dtype, set_autocast_enabled)
from .amp.autocast_mode import DEPRECATED as _AUTOCAST_DEPRECATED
globals().update(_AUTOCAST_DEPRECATED)  # torch.get_autocast_cpu_dtype and the like
from ._runtime_flags import (are_deterministic_algorithms_enabled,  # noqa: F401
                             get_default_device, get_float32_matmul_precision,
                             get_num_threads, is_deterministic_algorithms_warn_only_enabled,
                             set_default_device, set_float32_matmul_precision,
                             set_num_threads, use_deterministic_algorithms)
from ._runtime_flags import is_warn_always_enabled, set_warn_always  # noqa: F401
from ._runtime_flags import (compiled_with_cxx11_abi,  # noqa: F401
                             get_deterministic_debug_mode, get_num_interop_threads,
                             set_deterministic_debug_mode, set_flush_denormal,
                             set_num_interop_threads)
from ._dtype import can_cast  # noqa: F401
from ._on_first_use import on_first_use as _on_first_use

from . import version  # noqa: E402
from .version import __version__  # noqa: E402,F401

# torch computes inf and nan silently; NumPy warns, attributing the warning to the frame
# that called it. Silence exactly those raised inside dyngrad, leaving the user's own
# NumPy code (and NumPy's global error state) alone.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"dyngrad(\.|$)")

for _alias, _d in _dtype_module.ALIASES.items():
    globals()[_alias] = _d
_ops.install(globals())
globals().update(_LEGACY_TYPES)  # torch.FloatTensor, torch.LongTensor, ...
from math import e, inf, nan, pi  # noqa: E402,F401  (torch.pi and friends)


class _ReturnTypes:
    """torch.return_types: the named tuples of max, min, ..."""

    def __init__(self, types):
        self.__dict__.update(types)


return_types = _ReturnTypes(_return_types)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def typename(obj):
    """The type of ``obj`` as a string: a tensor's legacy type name (torch.FloatTensor),
    else the module and qualified name of its class (builtins left out)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def numel(input):
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def detach(input):
    return input.detach()


if _gc_was_enabled:
    _gc.enable()


def _assert(condition, message):
    """torch._assert: an assert that symbolic tracing records as a call."""
    if not condition:
        raise AssertionError(message)


# imported when first read (each a few percent of import time; a third of it together)
__getattr__, __dir__ = _on_first_use(globals(), {
    **{name: (name, None) for name in (
        "distributed", "distributions", "futures", "fx", "hub", "jit", "multiprocessing",
        "profiler", "testing", "_dynamo", "compiler")},
    "compile": ("_compile.api", "compile"), "lobpcg": ("_lobpcg", "lobpcg")})

"""torch.nn.utils: gradient clipping, parameter/vector conversion, packed sequences
(``rnn``), parametrizations (``parametrize``, ``parametrizations``), the hook-based
``weight_norm`` and ``spectral_norm``, pruning (``prune``, imported by name as in torch),
conv/linear + batch-norm fusion, ``skip_init``, ``stateless.functional_call`` and the
weight memory-format converters."""
from . import rnn  # noqa: F401
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401
from .clip_grad import clip_grads_with_norm_, get_total_norm  # noqa: F401
from ..._on_first_use import on_first_use as _on_first_use

# loaded when first read: parametrizations, stateless (torch.func), fusion, skip_init and
# the memory-format converters
__getattr__, __dir__ = _on_first_use(globals(), {
    **{name: (name, None) for name in ("parametrizations", "parametrize", "stateless", "fusion",
                                        "init", "memory_format")},
    **{name: ("fusion", name) for name in ("fuse_conv_bn_eval", "fuse_conv_bn_weights",
                                            "fuse_linear_bn_eval", "fuse_linear_bn_weights")},
    **{name: ("memory_format", name) for name in ("convert_conv2d_weight_memory_format",
                                                  "convert_conv3d_weight_memory_format")},
    "skip_init": ("init", "skip_init")})

"""CPU autocast: which functions run in the low-precision dtype, which in float32, which in
the widest of their inputs' types, as torch's autocast kernels decide
(aten/src/ATen/autocast_mode.cpp, the AutocastCPU block).

torch puts an autocast kernel in front of each listed aten op; here each listed public
function gets a wrapper, put on by ``install`` into the namespace that holds it (torch.*
and Tensor from ops/__init__.py, nn.functional, linalg, fft at their ends). With autocast
off a wrapper costs one thread-local read. With it on, the wrapper casts each eligible
tensor argument (floating point, not float64; tensors inside list arguments too) with a
recorded ``to`` (ToCopyBackward0), then runs the function with autocast off, so the ops
it is composed of cast nothing again (torch's ExcludeDispatchKeyGuard). A function not
listed runs as it is, in whatever dtypes it is given.

    >>> a, b = torch.ones(2, 2), torch.ones(2, 2)
    >>> with torch.autocast("cpu"):
    ...     (a @ b).dtype, (a @ b).float().sum().dtype
    (torch.bfloat16, torch.float32)
"""
import functools

from .. import _dtype as _dt
from .._autocast_state import STATE, cached, remember
from ..autograd import grad_mode
from ..tensor import Tensor
from .torch_shape import to_copy

_FLOAT32 = _dt.float32


def _eligible(t):
    # torch's is_eligible: a floating-point tensor other than a double one
    return t.is_floating_point() and t.dtype is not _dt.float64


def _cast(t, dtype):
    """torch's cached_cast of one argument (NOTE [The autocast cache])."""
    if not isinstance(t, Tensor):
        if type(t) is list or type(t) is tuple:  # (tensors in lists, as torch's TensorList)
            return type(t)(_cast(x, dtype) for x in t)
        return t
    if t.dtype is dtype or not _eligible(t):
        return t
    # (a cast made with grad off is not kept: torch's later uses with grad on record theirs)
    if (dtype is STATE.dtypes["cpu"] and t.dtype is _FLOAT32 and STATE.cache_enabled
            and t.requires_grad and t.grad_fn is None and t._base is None
            and grad_mode.state.enabled):
        hit = cached(t)
        if hit is None:
            hit = to_copy(t, dtype)
            remember(t, hit)
        return hit
    return to_copy(t, dtype)


def _widest(args, kwargs):
    """torch's promote_type: the low-precision dtype if every eligible argument holds it,
    float32 if one is float32 (float64 arguments are left out of the choice, and left as
    they are); another floating type (float16 under bfloat16 autocast) is refused."""
    low = STATE.dtypes["cpu"]
    widest = low
    for a in list(args) + list(kwargs.values()):
        for t in (a if isinstance(a, (list, tuple)) else (a,)):
            if isinstance(t, Tensor) and _eligible(t):
                if t.dtype is _FLOAT32:
                    widest = _FLOAT32
                elif t.dtype is not low and widest is not _FLOAT32:
                    raise RuntimeError("Unexpected floating ScalarType in "
                                       "at::autocast::prioritize")
    return widest


def _policy(choose):
    """The wrapper maker of one cast policy; ``choose(args, kwargs)`` names the dtype, or
    None to cast nothing (the function still runs with autocast off)."""
    def wrap(fn):
        @functools.wraps(fn)
        def autocast_wrapper(*args, **kwargs):
            if not STATE.cpu or kwargs.get("out") is not None:  # torch lists no out= forms
                return fn(*args, **kwargs)
            dtype = choose(args, kwargs)
            if dtype is not None:
                args = [_cast(a, dtype) for a in args]
                kwargs = {k: _cast(v, dtype) for k, v in kwargs.items()}
            STATE.cpu = False
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.cpu = True
        autocast_wrapper._autocast_policy = choose
        autocast_wrapper.__dict__.pop("_entry", None)  # a method's shortcut past the wrapper
        return autocast_wrapper
    return wrap


def _lower(args, kwargs):
    return STATE.dtypes["cpu"]


def _fp32(args, kwargs):
    return _FLOAT32


def _none(args, kwargs):
    return None


def _pad(args, kwargs):
    # F.pad dispatches by mode and size to torch's padding kernels, of which reflection
    # 1d/2d and replication 1d/2d/3d are on the float32 list
    pad = args[1] if len(args) > 1 else kwargs.get("pad", ())
    mode = args[2] if len(args) > 2 else kwargs.get("mode", "constant")
    if mode == "replicate" or mode == "reflect" and len(pad) <= 4:
        return _FLOAT32
    return None


lower_precision_fp = _policy(_lower)
fp32 = _policy(_fp32)
promote = _policy(_widest)
# dyngrad composes these from listed functions where torch runs one unlisted kernel: they
# take their inputs' dtypes as they are, as torch's do
unlisted = _policy(_none)
padding = _policy(_pad)

_CONV = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
         "conv_transpose3d")
_PRODUCTS = ("bmm", "mm", "baddbmm", "addmm", "addbmm", "matmul")
_LINALG_FP32 = ("cholesky", "cholesky_inverse", "cholesky_solve", "inverse", "lu_solve",
                "orgqr", "ormqr", "pinverse", "geqrf", "qr", "svd", "triangular_solve")
_REDUCTIONS_FP32 = ("prod", "quantile", "nanquantile", "stft", "trace")
_LOSSES_FP32 = ("mse_loss", "cosine_embedding_loss", "nll_loss", "hinge_embedding_loss",
                "poisson_nll_loss", "smooth_l1_loss", "cross_entropy", "l1_loss",
                "huber_loss", "margin_ranking_loss", "soft_margin_loss",
                "triplet_margin_loss", "multi_margin_loss", "ctc_loss", "kl_div",
                "multilabel_margin_loss", "binary_cross_entropy_with_logits",
                "binary_cross_entropy")

# namespace -> policy -> the names it covers. The composites of torch that are not listed
# (einsum, tensordot, inner, multi_dot, matrix_power) run their products through
# autocast: in dyngrad too, where they call mm, bmm or matmul (einsum.py, stacking.py,
# linalg/products.py).
POLICIES = {
    "torch": {
        lower_precision_fp: _CONV + _PRODUCTS + ("conv_tbc", "prelu", "convolution",
                                                 "_convolution"),
        fp32: _LINALG_FP32 + _REDUCTIONS_FP32 + (
            "cdist", "view_as_complex", "polar", "max_pool3d", "kl_div", "ctc_loss",
            "hinge_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
            "cosine_embedding_loss", "poisson_nll_loss", "binary_cross_entropy_with_logits",
            "grid_sampler", "grid_sampler_2d", "grid_sampler_3d"),
        promote: ("cat", "concat", "concatenate", "stack", "index_copy"),
        unlisted: ("bilinear", "kron", "mv", "dot", "outer", "ger", "addmv", "addr"),
    },
    "Tensor": {
        lower_precision_fp: _PRODUCTS + ("__matmul__", "__rmatmul__", "prelu"),
        fp32: _LINALG_FP32 + _REDUCTIONS_FP32,
        promote: ("index_copy",),
        unlisted: ("kron", "mv", "dot", "outer", "ger", "addmv", "addr"),
    },
    "nn.functional": {
        lower_precision_fp: _CONV + ("linear", "prelu", "scaled_dot_product_attention"),
        fp32: _LOSSES_FP32 + ("avg_pool3d", "max_pool3d", "max_unpool2d", "max_unpool3d",
                              "adaptive_avg_pool3d", "adaptive_max_pool3d",
                              "fractional_max_pool2d", "fractional_max_pool3d",
                              "grid_sample"),
        unlisted: ("bilinear",),
        padding: ("pad",),
    },
    "linalg": {
        lower_precision_fp: ("vecdot", "matmul"),
        fp32: ("cond", "matrix_rank", "solve", "cholesky", "svdvals", "eigvals", "eigvalsh",
               "inv", "householder_product", "tensorinv", "tensorsolve", "qr", "cholesky_ex",
               "svd", "eig", "eigh", "lstsq", "inv_ex"),
    },
    "fft": {
        fp32: ("fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2",
               "irfft2", "rfftn", "irfftn", "hfft", "ihfft"),
    },
}


def install(namespace, where):
    """Put the autocast wrapper of each of ``where``'s listed names present in
    ``namespace`` (a module's globals, or a dict of functions)."""
    for policy, names in POLICIES[where].items():
        for name in names:
            fn = namespace.get(name)
            if fn is not None and not hasattr(fn, "_autocast_policy"):
                namespace[name] = policy(fn)

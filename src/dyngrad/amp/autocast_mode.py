"""torch.autocast and the functions that read and set autocast's state (torch.*_autocast_*).

On the CPU, autocast runs the functions of torch's lists in bfloat16 (or the float16
given), float32 or the widest input type (ops/autocast_policy.py says which); for another
device type it keeps the flags as torch does, and CPU tensors see none of them.

    >>> w = torch.ones(2, 2, requires_grad=True)
    >>> with torch.autocast("cpu"):
    ...     y = w @ w
    >>> y.dtype, y.grad_fn.next_functions[0][0].name()
    (torch.bfloat16, 'ToCopyBackward0')
"""
import functools
import warnings
from collections import abc

from .. import _backend
from .. import _dtype as _dt
from .._autocast_state import CACHE, STATE
from .._size import device as _device
from ..tensor import Tensor

_LOW_PRECISION = (_dt.bfloat16, _dt.float16)


def _device_type(device_type, name):
    if not isinstance(device_type, str):
        raise TypeError(f"{name}(): argument 'device_type' (position 1) must be str, not "
                        f"{type(device_type).__name__}")
    return _device(device_type).type  # torch's error for an unknown device string


def is_autocast_available(device_type):
    """Whether autocast is available on ``device_type`` (every type torch's CPU build
    knows answers True, as torch does)."""
    return _device_type(device_type, "_is_autocast_available") is not None


def is_autocast_enabled(device_type="cuda"):
    kind = _device_type(device_type, "is_autocast_enabled")
    return STATE.cpu if kind == "cpu" else STATE.enabled.get(kind, False)


def _check_bool(name, value, position):
    if not isinstance(value, bool):
        raise TypeError(f"{name}(): argument 'enabled' (position {position}) must be bool, "
                        f"not {type(value).__name__}")


def set_autocast_enabled(device_type, enabled=None):
    """set_autocast_enabled(device_type, enabled), or the older set_autocast_enabled(enabled)
    for CUDA."""
    if enabled is None:
        _check_bool("set_autocast_enabled", device_type, 1)
        device_type, enabled = "cuda", device_type
    kind = _device_type(device_type, "set_autocast_enabled")
    _check_bool("set_autocast_enabled", enabled, 2)
    if kind == "cpu":
        STATE.cpu = enabled
    else:
        STATE.enabled[kind] = enabled


def get_autocast_dtype(device_type):
    dtype = STATE.dtypes.get(_device_type(device_type, "get_autocast_dtype"))
    if dtype is None:
        raise RuntimeError("unsupported scalarType")
    return dtype


def set_autocast_dtype(device_type, dtype):
    kind = _device_type(device_type, "set_autocast_dtype")
    if not isinstance(dtype, _dt.dtype):
        raise TypeError(f"set_autocast_dtype(): argument 'dtype' (position 2) must be "
                        f"torch.dtype, not {type(dtype).__name__}")
    STATE.dtypes[kind] = dtype


def is_autocast_cache_enabled():
    return STATE.cache_enabled


def set_autocast_cache_enabled(enabled):
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool (got {type(enabled).__name__})")
    STATE.cache_enabled = enabled


def clear_autocast_cache():
    CACHE.clear()


def autocast_increment_nesting():
    STATE.nesting += 1
    return STATE.nesting


def autocast_decrement_nesting():
    STATE.nesting -= 1
    return STATE.nesting


def _deprecated(old, new, fn):
    def deprecated(*args):
        warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                      DeprecationWarning, stacklevel=2)
        return fn(*args)
    deprecated.__name__ = old[:old.index("(")]
    return deprecated


# the per-device spellings torch keeps, each warning that it is deprecated (CUDA's are
# "gpu", and its enabled flag is the device-less is_/set_autocast_enabled)
DEPRECATED = {}
for _kind in ("gpu", "cpu", "ipu", "xla"):
    _type = "cuda" if _kind == "gpu" else _kind
    if _kind != "gpu":
        DEPRECATED[f"is_autocast_{_kind}_enabled"] = _deprecated(
            f"is_autocast_{_kind}_enabled()", f"is_autocast_enabled('{_type}')",
            functools.partial(is_autocast_enabled, _type))
        DEPRECATED[f"set_autocast_{_kind}_enabled"] = _deprecated(
            f"set_autocast_{_kind}_enabled(enabled)",
            f"set_autocast_enabled('{_type}', enabled)",
            functools.partial(set_autocast_enabled, _type))
    DEPRECATED[f"set_autocast_{_kind}_dtype"] = _deprecated(
        f"set_autocast_{_kind}_dtype(dtype)", f"set_autocast_dtype('{_type}', dtype)",
        functools.partial(set_autocast_dtype, _type))
    DEPRECATED[f"get_autocast_{_kind}_dtype"] = _deprecated(
        f"get_autocast_{_kind}_dtype()", f"get_autocast_dtype('{_type}')",
        functools.partial(get_autocast_dtype, _type))


class autocast:
    """A context manager or decorator that runs its region in mixed precision: on the CPU
    the functions of torch's lists run in ``dtype`` (bfloat16 unless set), in float32, or
    in their inputs' widest type (ops/autocast_policy.py). Regions nest; ``enabled=False``
    turns a subregion back to full precision; with ``cache_enabled`` each float32 weight
    is cast once per outermost region."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(
                f"User specified an unsupported autocast device_type '{self.device}'")
        self._cache_enabled = (is_autocast_cache_enabled() if cache_enabled is None
                               else cache_enabled)
        if enabled:
            if device_type == "cuda":
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                              "autocast.", stacklevel=2)
                enabled = False
            elif self.fast_dtype not in _LOW_PRECISION:
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. "
                              f"Disabling autocast.\n{name} Autocast only supports dtypes of "
                              "torch.bfloat16, torch.float16 currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, bool(self._enabled))
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        STATE.cache_enabled = bool(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        STATE.cache_enabled = self.prev_cache_enabled
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast



def _cast_inputs(value, device_type, dtype):
    """``value`` with each floating-point tensor (not float64) of ``device_type`` cast to
    ``dtype``, through lists, tuples, dicts and other iterables (strings and arrays as
    they are), as torch's custom_fwd casts."""
    if isinstance(value, Tensor):
        eligible = (value.is_floating_point() and value.device.type == device_type
                    and value.dtype is not _dt.float64)
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes, _backend.ndarray)):
        return value
    if isinstance(value, abc.Mapping):
        return {_cast_inputs(k, device_type, dtype): _cast_inputs(v, device_type, dtype)
                for k, v in value.items()}
    if isinstance(value, abc.Iterable):
        cast = (_cast_inputs(v, device_type, dtype) for v in value)
        return type(value)(cast) if isinstance(value, (list, tuple)) else cast
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """A decorator for the ``forward`` of a custom autograd Function: it notes the autocast
    state on ``ctx`` for ``custom_bwd``, and with ``cast_inputs`` given, inside an autocast
    region, casts the floating-point tensor arguments to it and runs ``forward`` with
    autocast off."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            ctx._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        ctx._fwd_used_autocast = False
        if not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*_cast_inputs(args, device_type, cast_inputs),
                       **_cast_inputs(kwargs, device_type, cast_inputs))
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """A decorator for the ``backward`` of a custom autograd Function: it runs in the
    autocast state its ``forward`` ran in (noted by ``custom_fwd``)."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=ctx._fwd_used_autocast,
                      dtype=ctx._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd

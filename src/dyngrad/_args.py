"""Checks of the arguments of public functions, with torch's argument-parser messages.

Each public function checks what it is given once, at its top, before anything is
computed or written (inner code trusts it); these are the checks several of them share.
"""
import os
import sys

from . import _backend
from . import _dtype as _dt, _layout
from ._size import check_device  # noqa: F401  (the device check lives beside torch.device)

xp = _backend.xp

# a Python type given as a dtype means what torch's parser makes of it
_PY_DTYPES = {float: _dt.float64, int: _dt.int64, bool: _dt.bool, complex: _dt.complex128}


# dyngrad's classes under the names torch's messages give theirs
_TORCH_NAMES = {"Size": "torch.Size", "device": "torch.device", "Generator": "torch._C.Generator",
                "memory_format": "torch.memory_format", "layout": "torch.layout",
                "finfo": "torch.finfo", "iinfo": "torch.iinfo"}


def type_name(value):
    """How torch's parser names the type of a value in its messages."""
    t = type(value)
    if isinstance(value, _dt.dtype):
        return "torch.dtype"
    if t.__name__ == "Tensor" or getattr(t, "__module__", "").startswith("dyngrad"):
        return "Tensor" if hasattr(value, "_data") else _TORCH_NAMES.get(t.__name__, t.__name__)
    if t.__module__ == "numpy":
        return f"numpy.{t.__name__}"
    return t.__name__


def check_bool(fn, name, value, pos=None):
    """``argument 'requires_grad' must be bool``: torch accepts exactly a bool."""
    if type(value) is not bool and not isinstance(value, xp.bool_):
        where = f" (position {pos})" if pos else ""
        raise TypeError(f"{fn}(): argument '{name}'{where} must be bool, not {type_name(value)}")


def as_dtype(fn, value):
    """A ``dtype=`` argument as a dyngrad dtype (None stays None); Python's ``float``,
    ``int``, ``bool`` and ``complex`` are float64, int64, bool and complex128 as in torch."""
    if value is None or isinstance(value, _dt.dtype):
        return value
    d = _PY_DTYPES.get(value) if isinstance(value, type) else None
    if d is None:
        raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {type_name(value)}")
    return d


def dim_list(dims, ndim):
    """Reduction dims (an int or a sequence) as sorted non-negative dims: torch's
    dim-range error, and its refusal of a dim named twice."""
    if isinstance(dims, int):
        dims = (dims,)
    n = ndim if ndim else 1
    out = []
    seen = set()
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                             f"but got {d})")
        d %= n
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
        out.append(d)
    return tuple(sorted(out))


def broadcast_shapes(*shapes):
    """The broadcast shape of ``shapes``, with torch's error when there is none."""
    out = tuple(shapes[0])
    for shape in shapes[1:]:
        shape = tuple(shape)
        n = max(len(out), len(shape))
        a, b = (1,) * (n - len(out)) + out, (1,) * (n - len(shape)) + shape
        for i in range(n - 1, -1, -1):  # torch reports the last mismatching dim
            x, y = a[i], b[i]
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                                   f"({y}) at non-singleton dimension {i}")
        out = tuple(y if x == 1 else x for x, y in zip(a, b))
    return out


def check_layout(layout, fn):
    """A factory's ``layout=``: None or torch.strided, the only layout dyngrad stores."""
    if layout is None or layout is _layout.strided:
        return
    if not isinstance(layout, _layout.layout):
        raise TypeError(f"{fn}(): argument 'layout' must be torch.layout, not "
                        f"{type_name(layout)}")
    raise NotImplementedError(f"dyngrad's tensors are strided: layout={layout} is not "
                              "supported")


_PACKAGE = os.path.dirname(os.path.abspath(__file__))


_AUTOCAST_WRAPPERS = os.path.join(_PACKAGE, "ops", "autocast_policy.py")


def stacklevel(level):
    """The ``stacklevel`` for a warning given by the calling function that lands where
    torch's ``level`` lands (1: the calling function's line, 2: its caller's, ...), the
    autocast wrappers around public functions (ops/autocast_policy.py) not counted:
    torch's autocast sits in C++, with no Python frame of its own."""
    frame, real = sys._getframe(1), 1
    while level > 1 and frame.f_back is not None:
        frame, real = frame.f_back, real + 1
        if frame.f_code.co_filename != _AUTOCAST_WRAPPERS:
            level -= 1
    return real


def user_stacklevel():
    """The stacklevel of the first frame outside dyngrad, for a warning torch gives at the
    user's line (its C++ has no Python frames to skip)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level

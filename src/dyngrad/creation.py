"""Factories: tensor, as_tensor, from_numpy, zeros/ones/full/empty, arange, linspace, eye, *_like."""
import math
import numbers
import warnings

from . import _backend, _meta_array
from ._autograd_state import note_new_leaf, state as _gstate
from . import _dtype as _dt
from ._dtype_info import finfo
from ._args import as_dtype, check_bool, check_device, check_layout, type_name
from ._size import Size
from .tensor import Tensor, _wrap

xp = _backend.xp

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange",
           "linspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like", "scalar_tensor"]


def _leaf(array, requires_grad):
    t = _wrap(array)
    if requires_grad:
        if array.dtype.kind not in "fcV":  # V: bfloat16, float8
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
        if _gstate.transforms:
            note_new_leaf(t)
    return t


def _np_dtype(dtype, fn="tensor"):
    dtype = as_dtype(fn, dtype)
    return None if dtype is None else dtype.np


def _check(fn, device, requires_grad, pin_memory=False, layout=None):
    """The arguments every factory shares, checked before anything is made."""
    check_bool(fn, "requires_grad", requires_grad)
    check_bool(fn, "pin_memory", pin_memory)
    meta = check_device(device, fn)
    check_layout(layout, fn)
    return xp if meta is None else _backend.META


# torch's checked conversion of Python numbers: the name it gives each integer type
_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t", "float16": "c10::Half", "float32": "float", "float64": "double",
            "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def check_scalar(value, np_dtype, floats=True, wraps=True):
    """A Python number as torch reads it into a Scalar and converts it to ``np_dtype``
    (fill_, full, masked_fill, index_fill, clamp's bounds, ``t[i] = v``). Reading refuses an
    int outside int64 and uint64; converting refuses a value the type cannot hold, but a
    negative int wraps into an unsigned type down to minus its largest value (c10's
    checked_convert: uint8 takes -255, not -256), and inf and nan go into any float type.
    ``floats=False``: a float type takes any float (``t[i] = 1e5`` on float16 is inf);
    ``wraps=False``: an unsigned type takes no negative int (F.pad's value)."""
    kind = type(value)
    if kind is int:
        if value >= 2**64:
            raise OverflowError("int too big to convert")
        if value < -2**63:
            raise OverflowError("can't convert negative int to unsigned")
    elif kind is not float and not (kind is complex and xp.dtype(np_dtype).kind == "c"):
        return  # bool fits every type; complex numbers and NumPy scalars are checked elsewhere
    dt = xp.dtype(np_dtype)
    if dt.kind == "c":  # each part against the parts' type
        part = finfo(_dt._FROM_NP[dt]).max
        bad = any(math.isfinite(v) and abs(v) > part for v in (value.real, value.imag))
    elif dt.kind in "iu":
        info = xp.iinfo(dt)
        if kind is float:  # (compared in double, as c10; nan and inf are refused)
            bad = not float(info.min) <= value <= float(info.max)
        elif dt.kind == "u" and value < 0 and wraps:
            bad = -value > info.max
        else:
            bad = not info.min <= value <= info.max
    elif dt.kind in "fV" and floats:
        bad = math.isfinite(value) and abs(value) > finfo(_dt._FROM_NP[dt]).max
    else:
        return
    if bad:
        raise overflow_error(dt)


def overflow_error(np_dtype):
    """torch's refusal of a number that does not fit ``np_dtype`` (c10's checked_convert)."""
    return RuntimeError(f"value cannot be converted to type {_C_NAMES[xp.dtype(np_dtype).name]} "
                        "without overflow")


def as_read(value, np_dtype):
    """A checked fill value (check_scalar) as the dtype holds it: an int outside int64, or
    a negative int for an unsigned type, converted through NumPy's integers (which wrap,
    as torch's conversion does) where NumPy's fills and assignments would refuse it."""
    if type(value) is int and (value >= 2**63 or value < 0 and np_dtype.kind == "u"):
        return xp.asarray(value).astype(np_dtype).item()
    return value


def _check_fits(values, np_dtype):
    """Numbers that do not fit ``np_dtype``: torch refuses them rather than wrap around
    (``tensor([300], dtype=torch.uint8)``). A negative int still wraps into an unsigned
    type, as in torch."""
    kind = np_dtype.kind
    if kind not in "iu" or values.size == 0 or values.dtype.kind not in "iuf":
        return
    info = xp.iinfo(np_dtype)
    low = info.min if kind == "i" or values.dtype.kind == "f" else -2**63
    with xp.errstate(invalid="ignore"):
        bad = (not xp.isfinite(values).all() if values.dtype.kind == "f" else False) or \
            values.min() < low or values.max() > info.max
    if bad:
        raise RuntimeError(f"value cannot be converted to type {np_dtype.name} without overflow")


def _python_dtype(array):
    """The dtype torch infers for data given as Python numbers."""
    kind = array.dtype.kind
    if kind == "b":
        return xp.dtype(bool)
    if kind in "iu":
        return xp.dtype(xp.int64)
    if kind == "c":
        return _dt.default_complex_dtype().np
    return _dt.get_default_dtype().np


def _from_data(data, dtype):
    if isinstance(data, (Tensor, _backend.ndarray)):
        if dtype is None:
            return getattr(data, "_data", data).copy()
        state = _backend.quiet()  # a value beyond dtype's range becomes inf, silently as in torch
        try:
            if isinstance(data, Tensor):  # (astype keeps the tensor's array module)
                return data._data.astype(dtype, copy=True)
            return xp.array(data, dtype=dtype, copy=True)
        finally:
            _backend.loud(state)
    kinds = None
    if isinstance(data, (list, tuple)):
        kinds = set()
        data = _unwrap_nested(data, kinds)
    if dtype is None or xp.dtype(dtype).kind in "iub":
        _check_python_ints(data)
    try:
        arr = xp.array(data)
    except ValueError:
        _check_nested(data)
        raise
    if arr.dtype.kind not in "biufc":
        raise _undecidable(data)
    if dtype is not None:
        if arr.dtype.kind == "c" and xp.dtype(dtype).kind != "c":
            raise TypeError("must be real number, not complex")
        _check_fits(arr, xp.dtype(dtype))
    if dtype is None:
        if kinds:
            dtype = _infer_dtype(kinds).np
        else:
            dtype = arr.dtype if _has_numpy_scalar(data) else _python_dtype(arr)
    return _backend.astype(arr, xp.dtype(dtype))


def _undecidable(data):
    """torch's error for data with no dtype: a str is an invalid type, anything else (None,
    a dict, an object) has a dtype torch cannot infer."""
    stack = [data]
    while stack:
        v = stack.pop(0)
        if isinstance(v, (list, tuple)):
            stack[:0] = list(v)
        elif isinstance(v, str):
            return TypeError("new(): invalid data type 'str'")
        elif not isinstance(v, (numbers.Number, xp.generic, _backend.ndarray, Tensor)):
            return RuntimeError(f"Could not infer dtype of {type(v).__name__}")
    return TypeError(f"new(): invalid data type '{type(data).__name__}'")


def _check_python_ints(data):
    """A Python int beyond int64 (NumPy would make it an object or a uint64)."""
    stack = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif type(v) is int and not -2**63 <= v < 2**63:
            raise ValueError("Overflow when unpacking long long")


def _infer_dtype(kinds):
    """torch's dtype for a nested sequence: its elements' dtypes promoted together (a Python
    float counts as the default dtype, an int as int64; a NumPy scalar or Tensor as its own)."""
    out = None
    for k in kinds:
        d = k if isinstance(k, _dt.dtype) else _PY_KIND[k]()
        out = d if out is None else _dt.promote_types(out, d)
    return out


_PY_KIND = {float: _dt.get_default_dtype, int: lambda: _dt.int64, bool: lambda: _dt.bool,
            complex: _dt.default_complex_dtype}


def _check_nested(data):
    """torch's errors for ragged nested sequences: the shape is read from the first
    elements, then every sequence must have that length."""
    shape = []
    x = data
    while isinstance(x, (list, tuple, _backend.ndarray)):
        shape.append(len(x))
        if not len(x):
            break
        x = x[0]
    stack = [(data, 0)]
    while stack:
        seq, dim = stack.pop()
        if dim == len(shape):
            continue
        if not isinstance(seq, (list, tuple, _backend.ndarray)):
            raise TypeError("not a sequence")
        if len(seq) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} "
                             f"(got {len(seq)})")
        stack.extend((item, dim + 1) for item in reversed(seq))


def _has_numpy_scalar(data):
    return isinstance(data, xp.generic)


def _unwrap_nested(data, kinds):
    """Lists of tensors (0-dim or not) become lists of arrays; ``kinds`` collects what the
    elements are (their dtype, or the Python type of a number) for ``_infer_dtype``."""
    out = []
    for x in data:
        if isinstance(x, Tensor):
            if x._data.size != 1:  # torch reads each element as a number
                raise ValueError("only one element tensors can be converted to Python scalars")
            kinds.add(x.dtype)
            out.append(x._data)
        elif isinstance(x, (list, tuple)):
            out.append(_unwrap_nested(x, kinds))
        elif isinstance(x, (xp.generic, _backend.ndarray)):
            kinds.add(_dt.from_numpy_dtype(x.dtype))
            out.append(x)
        else:
            kinds.add(type(x) if type(x) in _PY_KIND else float)
            out.append(x)
    return out


_NO_DATA = object()


def tensor(data=_NO_DATA, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Constructs a tensor with no autograd history by copying ``data``.

    >>> torch.tensor([[1., -1.], [1., -1.]])
    tensor([[ 1., -1.],
            [ 1., -1.]])
    """
    if data is _NO_DATA:  # torch's argument parser says it, not Python's
        raise TypeError('tensor() missing 1 required positional arguments: "data"')
    ns = _check("tensor", device, requires_grad, pin_memory)
    if ns is not xp:  # the meta device keeps the shape and dtype of the data
        return _leaf(_meta_array.like(tensor(data, dtype=dtype, device="cpu")._data),
                     requires_grad)
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    if _backend.array_module(data) is not xp:  # a copy in the array's own module
        return _leaf(_backend.copy(as_tensor(data, as_dtype("tensor", dtype))._data),
                     requires_grad)
    return _leaf(_from_data(data, _np_dtype(dtype)), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Data as a tensor, sharing memory with a Tensor or ndarray when no conversion is needed."""
    meta = check_device(device, "as_tensor")
    dtype = as_dtype("as_tensor", dtype)
    if meta is not None and not (isinstance(data, Tensor) and data.is_meta):
        return data.to(device=meta, dtype=dtype) if isinstance(data, Tensor) else \
            tensor(data, dtype=dtype, device=meta)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is dtype else data.to(dtype)
    if isinstance(data, _backend.ndarray):
        return _wrap(xp.asarray(data, dtype=_np_dtype(dtype)))
    ns = _backend.array_module(data)
    if ns is not xp:  # an array of another module stays there (NOTE [The array-module seam])
        _dt.of_array(data)  # refuses a dtype torch does not have
        return _wrap(data if dtype is None else _backend.astype(data, _dt.native(dtype, ns)))
    return _leaf(_from_data(data, _np_dtype(dtype)), False)


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array."""
    if not isinstance(ndarray, _backend.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def _size(args, fn="zeros", size=None):
    """The shape given to a factory as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``,
    checked with torch's argument-parser messages."""
    if size is not None:
        if not isinstance(size, (list, tuple)):
            raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, not "
                            f"{type(size).__name__}")
        args = (size,)
    elif not args and fn in ("zeros", "ones", "empty"):  # (a 0-d tensor takes size ())
        raise TypeError(f'{fn}() missing 1 required positional arguments: "size"')
    if args and not isinstance(args[0], numbers.Integral):
        if len(args) > 1:
            raise TypeError(f"{fn}() takes 1 positional argument but {len(args)} were given")
        if not isinstance(args[0], (list, tuple)):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(args[0]).__name__}")
        args = tuple(args[0])
        if args and not isinstance(args[0], numbers.Integral):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {type(args[0]).__name__} at pos 0")
    for k, s in enumerate(args):
        if not isinstance(s, numbers.Integral):
            raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos {k + 1} "
                            f'with error "type must be tuple of ints,but got {type(s).__name__}"')
        if s < 0:
            if fn == "zeros":  # torch's zeros checks sizes itself, with its own text
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(args)}")
    return tuple(int(s) for s in args)


def _default(dtype, fn="tensor"):
    return _dt.get_default_dtype().np if dtype is None else _np_dtype(dtype, fn)


def _check_number(fn, name, value, pos):
    if not isinstance(value, (numbers.Number, xp.generic)) or isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Number, not "
                        f"{type_name(value)}")


def zeros(*args, size=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
          pin_memory=False):
    ns = _check("zeros", device, requires_grad, pin_memory, layout=layout)
    return _leaf(ns.zeros(_size(args, "zeros", size), dtype=_default(dtype, "zeros")), requires_grad)


def ones(*args, size=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
         pin_memory=False):
    ns = _check("ones", device, requires_grad, pin_memory, layout=layout)
    return _leaf(ns.ones(_size(args, "ones", size), dtype=_default(dtype, "ones")), requires_grad)


def empty(*args, size=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
          pin_memory=False, memory_format=None):
    ns = _check("empty", device, requires_grad, pin_memory, layout=layout)
    # zero-filled: uninitialised memory would make runs unrepeatable for no gain
    return _leaf(ns.zeros(_size(args, "empty", size), dtype=_default(dtype, "empty")), requires_grad)


def _fill_dtype(value):
    if isinstance(value, bool):
        return xp.dtype(bool)
    if isinstance(value, numbers.Integral):
        return xp.dtype(xp.int64)
    if isinstance(value, complex):
        return _dt.default_complex_dtype().np
    return _dt.get_default_dtype().np


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None, layout=None,
         pin_memory=False):
    ns = _check("full", device, requires_grad, pin_memory, layout=layout)
    if isinstance(fill_value, Tensor) and fill_value.dim() == 0:
        fill_value = fill_value.item()
    _check_number("full", "fill_value", fill_value, 2)
    d = _np_dtype(dtype, "full") if dtype is not None else _fill_dtype(fill_value)
    check_scalar(fill_value, d)
    if not isinstance(size, (list, tuple)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    return _leaf(ns.full(_size((size,), "full"), as_read(fill_value, d), dtype=d), requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    ns = _check("scalar_tensor", device, requires_grad)
    _check_number("scalar_tensor", "s", s, 1)
    d = _default(dtype, "scalar_tensor")
    return _leaf(xp.asarray(s, dtype=d) if ns is xp else ns.empty((), d), requires_grad)


def _like(fn, t, dtype, requires_grad, device):
    """A ``*_like`` factory's array: on ``device`` if given, else on ``t``'s device (the
    default device does not apply, as in torch)."""
    name = fn + "_like"
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type_name(t)}")
    dtype = t._data.dtype if dtype is None else _np_dtype(dtype, name)
    ns = _like_module(t, device, name)
    return _leaf(getattr(ns, fn)(t._data.shape, dtype=dtype), requires_grad)


def _like_module(t, device, fn):
    if device is None:
        return _backend.META if type(t._data) is _meta_array.MetaArray else xp
    return xp if check_device(device, fn) is None else _backend.META


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None):
    _check("zeros_like", None, requires_grad, layout=layout)
    return _like("zeros", input, dtype, requires_grad, device)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    _check("ones_like", None, requires_grad, layout=layout)
    return _like("ones", input, dtype, requires_grad, device)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None):
    _check("empty_like", None, requires_grad, layout=layout)
    return _like("zeros", input, dtype, requires_grad, device)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    _check("full_like", None, requires_grad, layout=layout)
    if not isinstance(input, Tensor):
        raise TypeError(f"full_like(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(input)}")
    ns = _like_module(input, device, "full_like")
    _check_number("full_like", "fill_value", fill_value, 2)
    d = input._data.dtype if dtype is None else _np_dtype(dtype, "full_like")
    check_scalar(fill_value, d)
    return _leaf(ns.full(input._data.shape, as_read(fill_value, d), dtype=d), requires_grad)


def _number(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None,
           layout=None, pin_memory=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``.

    >>> torch.arange(-2, 4, dtype=torch.float32)
    tensor([-2., -1.,  0.,  1.,  2.,  3.])
    """
    ns = _check("arange", device, requires_grad, pin_memory, layout=layout)
    if end is None:
        start, end = 0, start
        if not isinstance(end, (numbers.Number, Tensor)):
            raise TypeError(f"arange(): argument 'end' (position 1) must be Number, not "
                            f"{type_name(end)}")
    start, end, step = _number(start), _number(end), _number(step)
    for v in (start, end):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        d = xp.dtype(xp.int64) if ints else _dt.get_default_dtype().np
    else:
        d = _np_dtype(dtype, "arange")
        if d.kind == "b":
            raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
        if d.kind in "iu" and int(step) == 0:  # torch casts the step to the integer type
            raise ValueError("step must be nonzero")
    n = int(math.ceil((end - start) / step))
    if d in (xp.float32, xp.float64) and ns is xp:
        return _leaf(_arange_values(start, step, n, d), requires_grad)
    # torch computes start + i * step in double (or int64) and then casts
    acc = xp.int64 if d.kind in "iub" and all(isinstance(v, numbers.Integral)
                                              for v in (start, step)) else xp.float64
    vals = start + step * ns.arange(n, dtype=acc)
    return _leaf(vals.astype(d), requires_grad)


_TAIL = ("*, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
         "torch.device device = None, bool pin_memory = False, bool requires_grad = False")
LINSPACE_SIGNATURES = [f"{a} start, {b} end, int steps, {_TAIL}" for a, b in (
    ("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"), ("Number", "Number"))]


def _two_sum(a, b):
    """a + b as a float64 sum and its rounding error (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    c = 134217729.0 * a    # 2**27 + 1: Veltkamp's split into two 26-bit halves
    hi = c - (c - a)
    return hi, a - hi


def _fused(a, b, c):
    """a * b + c (float64 arrays) as hi + lo, the pair holding the exact value to within
    its last bits: the fused multiply-add torch's C++ compiles ``start + step * i`` into,
    which rounds once where NumPy rounds the product and the sum apart."""
    p = a * b
    (ah, al), (bh, bl) = _split(a), _split(b)
    p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s, s_err = _two_sum(p, c)
    lo = s_err + p_err
    hi = s + lo
    return hi, lo - (hi - s)


def _fused_to(a, b, c, dtype):
    """a * b + c rounded once to ``dtype`` (float64, or float32 through float64 rounded
    to odd, which leaves the one rounding to float32 exact)."""
    hi, lo = _fused(a, b, c)
    if dtype != xp.float32:
        return hi
    bits = hi.view(xp.int64)
    even = (bits & 1) == 0
    toward = xp.where(lo > 0, xp.inf, -xp.inf)
    hi = xp.where((lo != 0) & even, xp.nextafter(hi, toward), hi)
    return hi.astype(xp.float32)


def _spaced(start, end, steps, calc, ns=xp):
    """``steps`` evenly spaced values from start to end in ``calc``: the first half counted
    forward from start, the second back from end, as torch fills them."""
    idx = ns.arange(steps, dtype=xp.float64)
    step = xp.asarray((end - start) / (steps - 1) if steps > 1 else 0.0, dtype=calc)
    start_c, end_c, idx_c = xp.asarray(start, calc), xp.asarray(end, calc), idx.astype(calc)
    return xp.where(idx < steps // 2, start_c + step * idx_c, end_c - step * (steps - idx_c - 1))


def _linspace_values(start, end, steps, d):
    """torch's linspace kernel: each value is one fused multiply-add of the step, forward
    from start for the first half, back from end for the rest; in the dtype for float32
    and float64, in double from start and end cut to integers for an integer dtype (the
    other dtypes are filled by the plain formula)."""
    if d.kind in "iu":
        start, end = float(int(start)), float(int(end))
        step = (end - start) / (steps - 1)
    elif d in (xp.float32, xp.float64):
        start, end = d.type(start), d.type(end)
        step = float((end - start) / d.type(steps - 1))
    else:
        return _spaced(start, end, steps, d if d.kind in "fc" else xp.float64).astype(d)
    idx = xp.arange(steps, dtype=xp.float64)
    first = idx < steps // 2
    vals = _fused_to(xp.where(first, step, -step), xp.where(first, idx, steps - idx - 1),
                     xp.where(first, float(start), float(end)),
                     d if d.kind == "f" else xp.float64)
    return vals.astype(d)


def _arange_values(start, step, n, d):
    """torch's arange kernel for float32 and float64: start + i * step fused in double,
    but in runs of two AVX2 vectors each vector counts from its own first value, cast to
    the dtype first (``Vectorized::arange``); the tail is done one value at a time."""
    idx = xp.arange(n, dtype=xp.float64)
    if float(start).is_integer() and float(step).is_integer() and abs(start) + n * abs(step) < 2 ** 53:
        return (start + step * idx).astype(d)    # every product and sum is exact
    lanes = 32 // d.itemsize
    covered = n // (2 * lanes) * (2 * lanes)
    offset = idx % lanes
    steps = xp.full(n, float(step))
    base = _fused_to(steps, idx - offset, xp.full(n, float(start)), xp.float64)
    run = _fused_to(steps, offset, base.astype(d).astype(xp.float64), xp.float64)
    alone = _fused_to(steps, idx, xp.full(n, float(start)), xp.float64)
    return xp.where(idx < covered, run, alone).astype(d)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None,
             layout=None, pin_memory=False):
    ns = _check("linspace", device, requires_grad, pin_memory, layout=layout)
    start, end = _number(start), _number(end)
    if not isinstance(steps, int) or isinstance(steps, bool):
        from ._arg_parser import Parser
        raise Parser("linspace", LINSPACE_SIGNATURES).error((start, end, steps), {})
    d = _default(dtype)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps == 1:
        return _leaf(ns.full((1,), start, dtype=d), requires_grad)
    if ns is not xp:    # a meta tensor: the shape and dtype only
        vals = _spaced(start, end, steps, d if d.kind in "fc" else xp.float64, ns)
        return _leaf(vals.astype(d), requires_grad)
    return _leaf(_linspace_values(start, end, steps, d), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False,
             out=None, layout=None, pin_memory=False):
    """``base`` to the powers ``linspace(start, end, steps)``, computed in double (from
    start and end cut to float32 first, for float32, as torch's kernel does)."""
    ns = _check("logspace", device, requires_grad, pin_memory, layout=layout)
    start, end = _number(start), _number(end)
    d = _default(dtype)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps == 1:
        powers = ns.full(1, start, xp.float64)
    elif d == xp.float32 and ns is xp:
        # torch's float kernel: start and end cut to float32, the step and each power (one
        # fused multiply-add) in double
        start, end = xp.float32(start), xp.float32(end)
        step = float(end - start) / (steps - 1)     # the difference in float32
        start, end = float(start), float(end)
        idx = xp.arange(steps, dtype=xp.float64)
        first = idx < steps // 2
        powers = _fused_to(xp.where(first, step, -step), xp.where(first, idx, steps - idx - 1),
                           xp.where(first, start, end), xp.float64)
    else:
        powers = _spaced(start, end, steps, xp.float64, ns)
    with xp.errstate(over="ignore", invalid="ignore"):
        vals = xp.power(xp.float64(base), powers)
    return _leaf(vals.astype(d), requires_grad)


def range_(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None,
          layout=None, pin_memory=False):
    """torch.range: from start to end inclusive (deprecated in torch, as here)."""
    import warnings
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    ns = _check("range", device, requires_grad, pin_memory, layout=layout)
    start, end, step = _number(start), _number(end), _number(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(math.floor((end - start) / step)) + 1
    return _leaf((start + step * ns.arange(n, dtype=xp.float64)).astype(_default(dtype)),
                 requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None, layout=None,
        pin_memory=False):
    ns = _check("eye", device, requires_grad, pin_memory, layout=layout)
    for name, v, pos in (("n", n, 1), ("m", m, 2)):
        if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
            raise TypeError(f"eye(): argument '{name}' (position {pos}) must be int, not "
                            f"{type_name(v)}")
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _leaf(ns.eye(n, n if m is None else m, dtype=_default(dtype)), requires_grad)


LEGACY_NEW_SIGNATURES = ("*, torch.device device = None", "torch.Storage storage", "Tensor other",
                         "tuple of ints size, *, torch.device device = None",
                         "object data, *, torch.device device = None")


def _options(d):
    return (f"TensorOptions(dtype={_dt.CPP_NAMES[d]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def legacy_tensor(cls, args, kwargs):
    """``torch.Tensor(...)``: float32, and a tensor given is returned whatever its dtype."""
    return legacy_new(_dt.float32, args, kwargs, exact=False)


def legacy_new(d, args, kwargs, exact=True):
    """torch's legacy constructors (``torch.Tensor``, ``torch.LongTensor``, ...): of dtype
    ``d`` from data (a sequence or an array), uninitialised of a size (ints, or a
    torch.Size; a tuple is data), or a tensor given as is (``exact``: if of dtype ``d``)."""
    if kwargs.keys() - {"device"}:  # no dtype= or requires_grad=: torch's legacy ``new()``
        from ._arg_parser import Parser
        raise Parser("new", LEGACY_NEW_SIGNATURES).error(args, kwargs)
    _check("new", kwargs.get("device"), False, False)
    first = args[0] if args else None
    if len(args) == 1 and not isinstance(first, (numbers.Integral, Size)) or (
            isinstance(first, bool) and len(args) == 1):
        if isinstance(first, Tensor):
            if "device" in kwargs:
                raise RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, "
                                   "device=device) is not supported.  Use torch.tensor(...) or "
                                   "torch.as_tensor(...) instead.")
            if exact and first.dtype is not d:
                raise TypeError(f"expected {_options(d)} (got {_options(first.dtype)})")
            return first
        if isinstance(first, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(first, (list, tuple, _backend.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
        return _wrap(_backend.astype(xp.asarray(_from_data(first, None)), d.np))
    if len(args) > 1 and not isinstance(first, numbers.Integral):
        from ._arg_parser import Parser
        raise Parser("new", LEGACY_NEW_SIGNATURES).error(args, kwargs)
    size = (tuple(first) if isinstance(first, Size) else _size(args, "new")) if args else (0,)
    # torch leaves the memory uninitialised; dyngrad gives zeros (as torch.empty does)
    return _wrap(xp.zeros(size, dtype=d.np))

"""dtype objects, torch's type-promotion rules and the default dtype.

bfloat16 and the two float8 types have no NumPy dtype: their arrays are the ones of the
optional ``ml_dtypes`` package (the one JAX uses), two or one bytes an element as in torch.
Without it the dtype objects still exist (comparisons, ``finfo``) and making a tensor of
them raises, naming the package.
"""
import builtins

from . import _backend

try:
    import ml_dtypes as _ml_dtypes
except ImportError:  # optional: only bfloat16 and float8 tensors need it
    _ml_dtypes = None

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "result_type"]

_BOOL, _INT, _FLOAT, _COMPLEX = range(4)
_pybool = type(True)  # the name `bool` is torch.bool below


class dtype:
    """A tensor element type, spelled and promoted as torch spells and promotes it."""

    __slots__ = ("_name", "np", "_category", "itemsize", "_legacy", "_cname", "is_signed")

    def __init__(self, name, np_name, category, legacy, cname, is_signed, itemsize=None):
        self._name = name
        self.np = _backend.xp.dtype(np_name)
        self._category = category
        self.itemsize = self.np.itemsize if itemsize is None else itemsize
        self._legacy = legacy      # 'FloatTensor': torch's legacy type string
        self._cname = cname        # 'Float': the C++ ScalarType name used in some messages
        self.is_signed = is_signed

    @property
    def is_floating_point(self):
        return self._category == _FLOAT

    @property
    def is_complex(self):
        return self._category == _COMPLEX

    def to_real(self):
        return _TO_REAL.get(self, self)

    def to_complex(self):
        return _TO_COMPLEX.get(self, self)

    def __repr__(self):
        return "torch." + self._name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self._name,))


class _AbsentDtype(dtype):
    """A dtype whose arrays come from ml_dtypes when that package is not installed."""

    __slots__ = ()

    @property
    def np(self):
        raise RuntimeError(f"{self!r} tensors need the optional ml_dtypes package "
                           "(pip install ml_dtypes)")

    def __init__(self, name, category, legacy, cname, itemsize):
        self._name, self._category, self._legacy, self._cname = name, category, legacy, cname
        self.itemsize, self.is_signed = itemsize, True


class _QuantizedDtype(dtype):
    """torch's quantized dtypes (torch.qint8, ...): the objects exist, as torch exposes
    them, but dyngrad has no quantized tensors, and making one raises."""

    __slots__ = ()

    @property
    def np(self):
        raise NotImplementedError(f"dyngrad has no quantized tensors ({self!r}): torch's "
                                  "QuantizedCPU backend is not implemented")

    @property
    def is_signed(self):
        raise RuntimeError("isSignedType not supported for quantized types")

    def __init__(self, name, cname, itemsize):
        self._name, self._category, self._legacy, self._cname = name, _INT, None, cname
        self.itemsize = itemsize

    def to_complex(self):
        raise RuntimeError(f"Unknown Complex ScalarType for {self._cname}")


def _ml_dtype(name, legacy, cname, itemsize):
    if _ml_dtypes is None:
        return _AbsentDtype(name, _FLOAT, legacy, cname, itemsize)
    return dtype(name, getattr(_ml_dtypes, name), _FLOAT, legacy, cname, True)


bool = dtype("bool", "bool", _BOOL, "BoolTensor", "Bool", False)
uint8 = dtype("uint8", "uint8", _INT, "ByteTensor", "Byte", False)
int8 = dtype("int8", "int8", _INT, "CharTensor", "Char", True)
int16 = dtype("int16", "int16", _INT, "ShortTensor", "Short", True)
int32 = dtype("int32", "int32", _INT, "IntTensor", "Int", True)
int64 = dtype("int64", "int64", _INT, "LongTensor", "Long", True)
float16 = dtype("float16", "float16", _FLOAT, "HalfTensor", "Half", True)
float32 = dtype("float32", "float32", _FLOAT, "FloatTensor", "Float", True)
float64 = dtype("float64", "float64", _FLOAT, "DoubleTensor", "Double", True)
complex64 = dtype("complex64", "complex64", _COMPLEX, "ComplexFloatTensor", "ComplexFloat", True)
complex128 = dtype("complex128", "complex128", _COMPLEX, "ComplexDoubleTensor", "ComplexDouble", True)

bfloat16 = _ml_dtype("bfloat16", "BFloat16Tensor", "BFloat16", 2)
float8_e4m3fn = _ml_dtype("float8_e4m3fn", None, "Float8_e4m3fn", 1)
float8_e5m2 = _ml_dtype("float8_e5m2", None, "Float8_e5m2", 1)

qint8 = _QuantizedDtype("qint8", "QInt8", 1)
quint8 = _QuantizedDtype("quint8", "QUInt8", 1)
qint32 = _QuantizedDtype("qint32", "QInt32", 4)
quint4x2 = _QuantizedDtype("quint4x2", "QUInt4x2", 1)
quint2x4 = _QuantizedDtype("quint2x4", "QUInt2x4", 1)

# the dtypes of arrays dyngrad can hold (ml_dtypes' only when it is installed)
NUMPY_ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64,
             complex128)
LOW_PRECISION = (bfloat16, float8_e4m3fn, float8_e5m2)
ALL = NUMPY_ALL + (LOW_PRECISION if _ml_dtypes is not None else ())
# torch's aliases: torch.float is torch.float32, torch.long is torch.int64, ...
ALIASES = {"half": float16, "float": float32, "double": float64, "short": int16,
           "int": int32, "long": int64, "cfloat": complex64, "cdouble": complex128}

# the C++ type names torch's error messages print
CPP_NAMES = {float32: "float", float64: "double", float16: "c10::Half", bfloat16: "c10::BFloat16",
             float8_e4m3fn: "c10::Float8_e4m3fn", float8_e5m2: "c10::Float8_e5m2",
             int64: "long int", int32: "int", int16: "short int", int8: "signed char",
             uint8: "unsigned char", bool: "bool", complex64: "c10::complex<float>",
             complex128: "c10::complex<double>"}

_TO_REAL = {complex64: float32, complex128: float64}
_TO_COMPLEX = {float16: complex64, bfloat16: complex64, float32: complex64,
               float64: complex128}

_FROM_NP = {d.np: d for d in ALL}
# the array dtypes of bfloat16 and float8 (NumPy's kind "V"): ops compute them in float32
LOW_PRECISION_NP = frozenset(d.np for d in LOW_PRECISION if d in ALL)
FLOAT_NP = frozenset(d.np for d in ALL if d._category == _FLOAT)


def of_array(a):
    """The dyngrad dtype of an array of any module (NOTE [The array-module seam])."""
    if type(a) is _backend.ndarray:
        return _FROM_NP[a.dtype]
    return of_array_dtype(a.dtype)


def of_array_dtype(d):
    """The dyngrad dtype of an array dtype of any module."""
    if isinstance(d, _backend.xp.dtype):
        return _FROM_NP[d]
    name = _backend.dtype_name(d)
    if name not in _NAMES:
        raise TypeError(f"dtype {d} has no torch counterpart")
    return _NAMES[name]


_NAMES = {d._name: d for d in ALL}


def _by_name(name):
    return globals()[name]


def from_numpy_dtype(np_dtype):
    """The dyngrad dtype of an array dtype (TypeError for ones torch does not have)."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only "
            "supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint64, uint32, uint16, uint8, and bool.") from None


def native(d, ns):
    """The dtype of array module ``ns`` that stands for ``d`` (``d.np`` for NumPy)."""
    if ns is _backend.xp:
        return d.np
    found = _backend.dtype(ns, d._name)
    if found is None:
        raise TypeError(f"{ns.__name__} has no dtype for {d}")
    return found


_default = [float32]


def get_default_dtype():
    """The dtype of floating-point tensors made from Python floats (float32 at start)."""
    return _default[0]


def set_default_dtype(d):
    """Set the dtype of tensors made from Python floats: float16, float32 or float64."""
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the "
                        "default type")
    if d._category != _FLOAT:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex_dtype():
    return complex128 if _default[0] is float64 else complex64


def _promote_pair(a, b):
    # A float (or complex) type wins over any integer type whole, unlike NumPy, where
    # int32 + float32 gives float64; otherwise NumPy's lattice is torch's.
    if a is b:
        return a
    ca, cb = a._category, b._category
    if ca != cb and max(ca, cb) >= _FLOAT and min(ca, cb) <= _INT:
        return a if ca > cb else b
    if bfloat16 in (a, b):
        # bfloat16 with another float: float32 at least; with a complex: that complex
        other = b if a is bfloat16 else a
        return other if other is complex128 or other is float64 else (
            complex64 if other._category == _COMPLEX else float32)
    return _FROM_NP[_backend.xp.promote_types(a.np, b.np)]


_FLOAT8 = (float8_e4m3fn, float8_e5m2)
# float8 promotes with nothing but itself (torch refuses: see promote_types)
_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL for b in ALL
            if a is b or (a not in _FLOAT8 and b not in _FLOAT8)}


def _promote(a, b):
    """_PROMOTE[a, b], with torch's error for the pairs that have no promotion."""
    try:
        return _PROMOTE[a, b]
    except KeyError:
        raise RuntimeError(f"Promotion for Float8 Types is not supported, attempted to promote "
                           f"{a._cname} and {b._cname}") from None


_PY_TYPES = {builtins.float: float64, builtins.int: int64, builtins.bool: bool,
             builtins.complex: complex128}


def promote_types(type1, type2):
    """torch.promote_types: the smallest dtype both can be cast to safely."""
    args = []
    for k, d in enumerate((type1, type2)):
        d = _PY_TYPES.get(d, d) if isinstance(d, type) else d
        if not isinstance(d, dtype):
            raise TypeError(f"promote_types(): argument 'type{k + 1}' (position {k + 1}) must be "
                            f"torch.dtype, not {type(d).__name__}")
        args.append(d)
    if any(type(d) is _QuantizedDtype for d in args):
        raise RuntimeError("promoteTypes with quantized numbers is not handled yet; figure out "
                           "what the correct rules should be, offending types: "
                           f"{args[0]._cname} {args[1]._cname}")
    return _promote(*args)


def can_cast(from_, to):
    """torch.can_cast: whether a value of dtype ``from_`` may be cast to ``to`` by torch's
    rules (no float to an integer, no complex to a real, nothing but bool to bool)."""
    for k, (name, d) in enumerate((("from_", from_), ("to", to))):
        if not isinstance(d, dtype):
            raise TypeError(f"can_cast(): argument '{name}' (position {k + 1}) must be "
                            f"torch.dtype, not {type(d).__name__}")
    return to._category >= from_._category


def _combine_categories(higher, lower):
    """Merge the dtype of higher-priority operands with a lower-priority one.

    A lower-priority operand (a 0-dim tensor under a dimensioned one, a Python number
    under any tensor) only matters when it is of a higher category: 1.5 * int_tensor is
    float, but 1.5 * float16_tensor stays float16.
    """
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category == _COMPLEX:
        return higher
    if lower._category == _COMPLEX:
        return higher.to_complex() if higher._category == _FLOAT else lower
    if higher._category == _FLOAT:
        return higher
    if higher is bool or lower._category == _FLOAT:
        return _promote(higher, lower)
    return higher


def scalar_dtype(value):
    """The dtype a Python number takes as an operand (a wrapped number)."""
    t = type(value)
    if t is float:
        return _default[0]
    if t is int:
        return int64
    if t is _pybool:
        return bool
    if t is complex:
        return default_complex_dtype()
    return None


def result_type_of(dims, zero_dims, scalars):
    """torch's result type from the dtypes of dimensioned tensors, 0-dim tensors and numbers."""
    d = z = s = None
    for t in dims:
        d = t if d is None else _promote(d, t)
    for t in zero_dims:
        z = t if z is None else _promote(z, t)
    for t in scalars:
        s = t if s is None else _promote(s, t)
    return _combine_categories(d, _combine_categories(z, s))


def result_type(tensor1, tensor2):
    """torch.result_type(tensor1, tensor2): a Tensor or a Python number each."""
    dims, zero_dims, scalars = [], [], []
    for x in (tensor1, tensor2):
        data = getattr(x, "_data", None)
        if data is None:
            if isinstance(x, (float, int, complex)):
                scalars.append(scalar_dtype(x))
                continue
            raise TypeError(_bad_arguments("result_type", (tensor1, tensor2)))
        (dims if data.ndim else zero_dims).append(x.dtype)
    return result_type_of(dims, zero_dims, scalars)


_RESULT_TYPE_SIGNATURES = ((("Tensor", "tensor"), ("Tensor", "other")),
                           (("Number", "scalar"), ("Tensor", "tensor")),
                           (("Tensor", "tensor"), ("Number", "other")),
                           (("Number", "scalar1"), ("Number", "scalar2")))


def _bad_arguments(fn, args):
    """torch's argument-parser message, listing each signature and the arguments that miss."""
    def kind(x):
        if hasattr(x, "_data"):
            return "Tensor"
        return "Number" if isinstance(x, (int, float, complex)) else None
    names = [type(a).__name__ for a in args]
    lines = [f"{fn}() received an invalid combination of arguments - got ({', '.join(names)}), "
             "but expected one of:"]
    for sig in _RESULT_TYPE_SIGNATURES:
        lines.append(" * (" + ", ".join(f"{t} {n}" for t, n in sig) + ")")
        marked = [n if kind(a) == t else f"!{n}!" for a, n, (t, _) in zip(args, names, sig)]
        lines.append("      didn't match because some of the arguments have invalid types: ("
                     + ", ".join(marked) + ")")
    return "\n".join(lines) + "\n"

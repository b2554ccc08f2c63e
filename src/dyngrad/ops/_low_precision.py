"""bfloat16 and float8 through the op table: computed in float32, rounded once.

torch's CPU kernels load bfloat16 into float32, compute, and round the result to
bfloat16 (round to nearest even); a reduction or a matmul accumulates in float32 and
rounds at the end. A forward here does the same: it is given float32 arrays in place of
the low-precision ones, and each float32 result is rounded to the dtype torch's
promotion gives the original inputs. So every forward is written for NumPy's dtypes
only, and bfloat16 needs nothing op by op. Views are not widened (they must share the
input's memory: ``op.returns_view``), nor results whose dtype an argument chose
(``x.to(torch.float32)``).

float8 is storage only, as in torch: it converts, prints and is viewed, and arithmetic
on it raises.
"""
from .. import _backend
from .. import _dtype as _dt
from ._promote import result_dtype

xp = _backend.xp
_FLOAT32 = xp.dtype(xp.float32)
_BFLOAT16 = _dt.bfloat16.np if _dt.bfloat16 in _dt.ALL else None
_ndarray = _backend.ndarray
LOW_KIND = "V"  # NumPy's kind for ml_dtypes' types; dyngrad makes no other "V" arrays


def is_low(a):
    return isinstance(a, _backend.ndarray) and a.dtype.kind == LOW_KIND


def any_low(arrays, positions):
    """Whether a tensor argument at ``positions`` holds bfloat16 or float8."""
    for i in positions:
        a = arrays[i]
        if type(a) is _ndarray:  # (the common case, without a call)
            if a.dtype.kind == LOW_KIND:
                return True
        elif isinstance(a, (list, tuple)):
            if any(is_low(x) for x in a):
                return True
        elif is_low(a):
            return True
    return False


def widened_forward(op, arrays):
    """``op.forward(*arrays)`` for arrays that include bfloat16 or float8 ones."""
    tensors = []
    for i in op.tensor_pos:
        a = arrays[i]
        tensors.extend(a if isinstance(a, (list, tuple)) else [a])
    tensors = [a for a in tensors if isinstance(a, _backend.ndarray)]
    target = result_dtype(*tensors)  # also raises torch's float8 promotion error
    k = op.dtype_pos
    converts = k is not None and k < len(arrays) and arrays[k] is not None
    if target.kind == LOW_KIND and target != _BFLOAT16 and not (op.returns_view or converts):
        raise NotImplementedError(f'"{op.name or op.forward.__name__}" not implemented for '
                                  f"'{_dt._FROM_NP[target]._cname}'")
    if op.returns_view:
        return op.forward(*arrays)
    if op in NO_BFLOAT16 and any(is_low(a) for a in tensors):
        low = next(a.dtype for a in tensors if is_low(a))
        raise NotImplementedError(f'"{NO_BFLOAT16[op]}" not implemented for '
                                  f"'{_dt._FROM_NP[low]._cname}'")
    if target.kind == LOW_KIND and op in FORMAT_BOUND:
        return op.forward(*arrays)
    wide = list(arrays)
    for i in op.tensor_pos:
        a = wide[i]
        if isinstance(a, (list, tuple)):
            wide[i] = [widen(x) for x in a]
        else:
            wide[i] = widen(a)
    if target.kind == LOW_KIND:
        # a Python number operand is cast to the tensor's dtype first, as torch casts it
        # (x + 0.0039063 and x <= 1.0039 see bfloat16 numbers), but the second operand of
        # the ops that keep it in float32 (NOTE [Scalars in float32 opmath])
        opmath = op in OPMATH_SCALAR
        number = NUMBER_OPERAND.get(op)
        for i in op.tensor_pos + op.scalar_pos + ((number,) if number is not None else ()):
            if i >= len(wide):
                continue
            v = wide[i]
            if opmath and i == 1:
                if type(v) is _ndarray and v.ndim == 0 and v.dtype.kind in "biuf":
                    wide[i] = v.astype(_FLOAT32)
            elif (type(v) is float or type(v) is int) and op not in OPMATH_NUMBERS:
                wide[i] = float(xp.float32(v).astype(target))
            elif type(v) is _ndarray and v.ndim == 0 and v.dtype.kind == "f":
                # a wider float 0-dim tensor: cast to the result's dtype, as any number
                wide[i] = v.astype(target).astype(_FLOAT32)
    try:
        out = op.forward(*wide)
    except (NotImplementedError, RuntimeError) as e:
        raise _named_as_given(e, tensors) from None
    for i in op.writes_pos:  # the forward wrote into the widened copy
        if is_low(arrays[i]):
            arrays[i][...] = wide[i].astype(arrays[i].dtype)
    first = op.result_dtype_pos
    if first is not None and is_low(arrays[first]) and target.kind != LOW_KIND:
        return (_round(out[0], arrays[first].dtype),) + tuple(out[1:])
    if converts:
        return out  # the caller chose the result's dtype
    if target.kind != LOW_KIND:
        return out
    if isinstance(out, tuple):
        return tuple(_round(o, target) for o in out)
    return _round(out, target)


def _named_as_given(error, arrays):
    """A forward's refusal of the float32 it was given, said of the low-precision dtype the
    caller gave (torch's kernels meet that dtype itself): ``"gcd_cpu" not implemented for
    'BFloat16'``, not ``'Float'``."""
    low = next(a.dtype for a in arrays if is_low(a))
    name = _dt._FROM_NP[low]._cname
    message = str(error).replace("not implemented for 'Float'", f"not implemented for '{name}'")
    message = message.replace("but got torch.FloatTensor", f"but got CPU{name}Type")
    return type(error)(message)


# ops whose torch kernel has no bfloat16 (the op -> the kernel its refusal names; ops add
# themselves here)
NO_BFLOAT16 = {}


# the ops of a tensor and a number whose number is not among their tensor arguments
# (x - 2.5, 2.5 ** x): its position (ops add themselves here)
NUMBER_OPERAND = {}


# ops that keep a scalar second operand in float32 (NOTE [Scalars in float32 opmath] in
# _promote.py; ops add themselves here)
OPMATH_SCALAR = set()


# ops whose number arguments torch's kernels read in float32 (lerp's weight, addcmul's
# value): their forward gets them as given (ops add themselves here)
OPMATH_NUMBERS = set()


# ops whose result depends on the float format itself (the next representable value,
# fractional pooling's window starts rounded step by step): computed in float32 they would
# answer for float32, so their forward gets the bfloat16 arrays as they are (ops add
# themselves here)
FORMAT_BOUND = set()


def widen(a):
    return a.astype(_FLOAT32) if is_low(a) else a


def _round(out, target):
    if getattr(out, "dtype", None) == _FLOAT32:  # (NumPy's reductions give scalars)
        if not _backend.is_numpy(out):  # another module's array (a sparse one)
            return _backend.astype(out, target)
        return xp.asarray(out).astype(target)
    return out

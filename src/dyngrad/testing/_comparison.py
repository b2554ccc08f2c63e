"""assert_close: walk two (nested) inputs side by side and compare each pair of leaves.

Leaves are tensors (and NumPy arrays, taken as tensors), Python numbers, booleans and
None; lists/tuples and mappings are walked, and a failure names the item it occurred at.
Tensors must agree in shape and (unless ``check_dtype=False``) dtype, then elementwise
``|actual - expected| <= atol + rtol * |expected|`` with the defaults of the dtype.
"""
import cmath
import collections.abc
import warnings

import numpy as np

from .. import _dtype as _dt
from ..creation import as_tensor, tensor
from ..tensor import Tensor

__all__ = ["assert_close", "assert_allclose"]

# (rtol, atol) by dtype; other dtypes compare exactly
_DTYPE_PRECISIONS = {_dt.float16: (0.001, 1e-5), _dt.float32: (1.3e-6, 1e-5),
                     _dt.float64: (1e-7, 1e-7), _dt.complex64: (1.3e-6, 1e-5),
                     _dt.complex128: (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: _dt.int64, float: _dt.float64, complex: _dt.complex128}


class _Failure(Exception):
    def __init__(self, type, msg, id=()):
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id


def _type_text(t):
    # the class as torch names its own: Tensor is torch.Tensor there
    return "<class 'dyngrad.Tensor'>" if issubclass(t, Tensor) else str(t)


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_DTYPE_PRECISIONS.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _mismatch_msg(default, identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def diff_msg(kind, diff, idx, tol):
        msg = (f"{kind.title()} difference: {diff}" if idx is None
               else f"Greatest {kind} difference: {diff} at index {idx}")
        return msg + (f" (up to {tol} allowed)" if tol > 0 else "") + "\n"
    if identifier is None:
        identifier = default
    elif callable(identifier):
        identifier = identifier(default)
    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += diff_msg("absolute", abs_diff, abs_idx, atol)
    msg += diff_msg("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", None, f"Expected {expected} but got {actual}.", abs_diff,
                         None, atol, rel_diff, None, rtol)


def _tensor_msg(actual, expected, matches, rtol, atol):
    total = matches.numel()
    mismatches = total - int(matches.sum().item())
    extra = f"Mismatched elements: {mismatches} / {total} ({mismatches / total:.1%})"
    a, e = actual.flatten(), expected.flatten()
    if not (a.dtype.is_floating_point or a.dtype.is_complex):
        a, e = a.to(_dt.int64), e.to(_dt.int64)
    ok = matches.flatten()
    abs_diff = (a - e).abs()
    abs_diff[ok] = 0
    rel_diff = abs_diff / e.abs()
    rel_diff[ok] = 0
    abs_idx, rel_idx = (int(np.argmax(d.numpy())) for d in (abs_diff, rel_diff))

    def where(i):
        return tuple(int(k) for k in np.unravel_index(i, tuple(actual.shape)))
    return _mismatch_msg("Tensor-likes", None, extra, abs_diff[abs_idx].item(), where(abs_idx),
                         atol, rel_diff[rel_idx].item(), where(rel_idx), rtol)


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride):
    for name, a, e in (("shape", actual.shape, expected.shape),
                       ("dtype", actual.dtype, expected.dtype) if check_dtype else (None,) * 3,
                       ("stride()", actual.stride(), expected.stride()) if check_stride
                       else (None,) * 3):
        if name is not None and a != e:
            raise _Failure(AssertionError, f"The values for attribute '{name}' do not match: "
                                           f"{a} != {e}.")
    rtol, atol = _tolerances((actual.dtype, expected.dtype), rtol, atol)
    actual, expected = actual.detach(), expected.detach()
    if actual.dtype != expected.dtype:
        common = _dt.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    if actual.dtype is _dt.bool:
        matches = actual == expected
    else:
        matches = actual.isclose(expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if actual.dim() == 0:
        msg = _scalar_msg(actual.item(), expected.item(), rtol, atol)
    else:
        msg = _tensor_msg(actual, expected, matches, rtol, atol)
    raise _Failure(AssertionError, msg)


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype):
    if check_dtype and type(actual) is not type(expected):
        raise _Failure(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                       f"{type(expected)}.")
    rtol, atol = _tolerances((_NUMBER_DTYPES[type(actual)], _NUMBER_DTYPES[type(expected)]),
                             rtol, atol)
    if actual == expected:
        return
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    abs_diff = abs(actual - expected)
    if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
        return
    raise _Failure(AssertionError, _scalar_msg(actual, expected, rtol, atol))


def _is_number(x):
    return isinstance(x, (int, float, complex)) and not isinstance(x, bool)


def _is_tensor_like(x):
    return isinstance(x, (Tensor, np.ndarray))


def _is_sequence(x):
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str)


def _compare(actual, expected, id, options):
    try:
        if _is_sequence(actual) and _is_sequence(expected):
            if len(actual) != len(expected):
                raise _Failure(AssertionError, f"The length of the sequences mismatch: "
                                               f"{len(actual)} != {len(expected)}")
            for i, (a, e) in enumerate(zip(actual, expected)):
                _compare(a, e, id + (i,), options)
            return
        if (isinstance(actual, collections.abc.Mapping)
                and isinstance(expected, collections.abc.Mapping)):
            missing = set(expected) - set(actual)
            extra = set(actual) - set(expected)
            if missing or extra:
                msg = "The keys of the mappings do not match:\n"
                if missing:
                    msg += f"Missing keys in the actual mapping: {sorted(missing)}\n"
                if extra:
                    msg += f"Additional keys in the actual mapping: {sorted(extra)}\n"
                raise _Failure(AssertionError, msg.strip())
            for key in sorted(actual, key=list(expected).index):
                _compare(actual[key], expected[key], id + (key,), options)
            return
        _compare_leaves(actual, expected, options)
    except _Failure as failure:
        if not failure.id:
            failure.id = id
        raise


def _compare_leaves(actual, expected, options):
    rtol, atol, equal_nan, check_dtype, check_stride = options
    if actual is None or expected is None:
        if actual is not expected:
            raise _Failure(AssertionError, f"None mismatch: {actual} is not {expected}")
        return
    if isinstance(actual, bool) and isinstance(expected, bool):
        if actual is not expected:
            raise _Failure(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
        return
    if _is_tensor_like(actual) and _is_tensor_like(expected):
        _compare_tensors(as_tensor(actual), as_tensor(expected), rtol, atol, equal_nan,
                         check_dtype, check_stride)
        return
    if _is_number(actual) and _is_number(expected):
        _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype)
        return
    raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type "
                              f"{_type_text(type(actual))} and {_type_text(type(expected))}.")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Assert that ``actual`` and ``expected`` are close (see the module's docstring)."""
    __tracebackhide__ = True
    if (rtol is None) != (atol is None):
        _tolerances((), rtol, atol)
    try:
        _compare(actual, expected, (), (rtol, atol, equal_nan, check_dtype, check_stride))
    except _Failure as failure:
        text = failure.msg
        if failure.type is AssertionError:
            if callable(msg):
                text = msg(text)
            elif msg is not None:
                text = msg
            if failure.id and not isinstance(msg, str):
                text += f"\n\nThe failure occurred for item {''.join(str([i]) for i in failure.id)}"
        raise failure.type(text) from None


# assert_allclose's own default tolerances (rtol, atol); other dtypes compare exactly
_ALLCLOSE_PRECISIONS = {_dt.float16: (1e-3, 1e-3), _dt.float32: (1e-4, 1e-5),
                        _dt.float64: (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """The deprecated assert_close of torch < 1.12: ``expected`` in ``actual``'s dtype, its
    own default tolerances, NaNs equal, dtypes and strides not compared."""
    __tracebackhide__ = True
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead. You can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning,
                  stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = (max(pair) for pair in zip(
            *(_ALLCLOSE_PRECISIONS.get(d, (0.0, 0.0)) for d in (actual.dtype, expected.dtype))))
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)

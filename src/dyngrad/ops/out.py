"""``out=``: a function's result written into tensors the caller gives, as torch writes it.

One wrapper serves every public function torch gives an ``out`` argument (``install``
puts it around them): the function runs as usual, then each result is checked against
its out tensor and written into it. torch's rules, in its order:
- no gradient may be wanted (an input or an out tensor requiring grad, grad mode on);
- the result's dtype must be one the out tensor's can hold (per-op rules below);
- an out tensor of another shape is resized, with torch's deprecation warning unless it
  was empty;
- no out tensor may overlap an input (partly, for pointwise ops; at all, for joins);
- the out tensor's version counter is bumped, and the out tensor itself is returned.
"""
import warnings

from .. import _backend
from .._args import type_name
from ..autograd import grad_mode
from .._dtype import _FROM_NP
from ..tensor import _CPP_TYPE, Tensor
from ._promote import result_dtype
from .overlap import PARTIAL_OVERLAP, check_no_partial_overlap
from .return_types import return_type
from .signatures import COPY_SIGNATURES

xp = _backend.xp
_gstate = grad_mode.state

_RESIZED = (
    "An output with one or more elements was resized since it had shape {old}, which does not "
    "match the required output shape {new}. This behavior is deprecated, and in a future "
    "PyTorch release outputs will not be resized unless they have zero elements. You can "
    "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
    "t.resize_(0).")


def _castable(result, out):
    """torch's canCast: no float to an integer, no complex to a real, nothing to bool."""
    r, o = result._category, out._category
    return o >= r


def _cast_rule(name, result, out):
    if not _castable(result, out):
        raise RuntimeError(f"result type {result._cname} can't be cast to the desired output "
                           f"type {out._cname}")


def _exact_rule(name, result, out):
    if result is not out:
        raise RuntimeError(f"Expected out tensor to have dtype {_CPP_TYPE[result]}, but got "
                           f"{_CPP_TYPE[out]} instead")


def _join_rule(name, result, out):
    if not _castable(result, out):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{out._cname}")


def _where_rule(name, result, out):
    if result is not out:
        raise RuntimeError(f"Expected out type to be {result._cname} but got {out._cname}")


def _complex_rule(name, result, out):
    if result is not out:
        raise RuntimeError(f"Expected object of scalar type {result._cname} but got scalar type "
                           f"{out._cname} for argument 'out'")


def _clamp_rule(name, result, out):
    if result is not out:
        raise RuntimeError(f"Found dtype {out._cname} but expected {result._cname}")


# how each function checks its result's dtype against the out tensor's (default: a cast
# within or up a kind)
_DTYPE_RULES = {
    **dict.fromkeys(("mm", "bmm", "matmul", "mv", "dot", "vdot", "addmm", "addmv", "addbmm",
                     "baddbmm", "addr", "outer", "inner", "tensordot", "kron", "sort", "msort",
                     "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin",
                     "max", "min", "aminmax", "argsort"), _exact_rule),
    **dict.fromkeys(("cat", "stack", "hstack", "vstack", "row_stack", "dstack",
                     "column_stack"), _join_rule),
    # the *_copy functions: a copy of their input's dtype, exactly
    **dict.fromkeys(COPY_SIGNATURES, _exact_rule),
    "where": _where_rule, "clamp": _clamp_rule, "complex": _complex_rule,
    "polar": _complex_rule,
    # reductions that accumulate in the out tensor's dtype: any dtype will do
    **dict.fromkeys(("sum", "nansum", "prod", "cumsum", "cumprod"), lambda *args: None),
}
_ACCUMULATE_IN_OUT = frozenset(("sum", "nansum", "prod", "cumsum", "cumprod"))
# functions whose result may not share any memory with an input, even exactly
_JOINS = frozenset(("cat", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack",
                    "mm", "bmm", "matmul", "mv", "addmm", "addbmm", "baddbmm", "sort", "topk"))


def _clamp_dtype(input, min=None, max=None):
    return result_dtype(*(getattr(v, "_data", v) for v in (input, min, max) if v is not None))


# functions whose out= tensor is checked before they run, from the result dtype their
# arguments give, as torch's TensorIterator checks it: clamp converts (and refuses) its
# number bounds only after
_KNOWN_DTYPE = {"clamp": _clamp_dtype}


def _tensors(values):
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            yield from _tensors(v)


def call_with_out(name, fn, args, kwargs, out):
    """``fn(*args, **kwargs)`` written into ``out`` (a Tensor, or a tuple of them for a
    function of several results); torch's name for the function is ``name``."""
    outs = out if isinstance(out, tuple) else (out,)
    inputs = list(_tensors(args)) + list(_tensors(kwargs.values()))
    if name in _ACCUMULATE_IN_OUT and kwargs.get("dtype") is None and isinstance(out, Tensor):
        kwargs = dict(kwargs, dtype=out.dtype)  # (x.sum(out=long) adds the long values)
    known = _KNOWN_DTYPE.get(name)
    if known is not None and isinstance(out, Tensor):
        _DTYPE_RULES[name](name, _FROM_NP[known(*args, **kwargs)], out.dtype)
    result = fn(*args, **kwargs)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    # (a comparison's bool result takes no gradient: torch lets it through)
    if (_gstate.enabled and results[0]._data.dtype.kind in "fcV"
            and any(t.requires_grad for t in inputs + list(outs))):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if isinstance(out, tuple) != isinstance(result, tuple):
        raise TypeError(f"{name}(): argument 'out' must be "
                        f"{'tuple of Tensors' if isinstance(result, tuple) else 'Tensor'}, "
                        f"not {type_name(out)}")
    if len(outs) != len(results):
        raise TypeError(f"expected tuple of {len(results)} elements but got {len(outs)}")
    # (max and min of two tensors are maximum and minimum: a cast, as pointwise ops)
    rule = _DTYPE_RULES.get(name, _cast_rule) if len(results) > 1 or name not in (
        "max", "min") else _cast_rule
    for r, o in zip(results, outs):
        rule(name, r.dtype, o.dtype)
    # pointwise ops check the out tensor as given; joins check it once resized
    arrays = [t._data for t in inputs]
    if name not in _JOINS:
        for o in outs:
            check_no_partial_overlap(o._data, arrays)
    aliased = name in _JOINS and any(xp.may_share_memory(o._data, a) for o in outs
                                     for a in arrays if a.size)
    for r, o in zip(results, outs):
        _resize(o, r._data.shape)
    if aliased:  # (torch resizes the out tensor first: an input that is it grows too)
        raise RuntimeError(PARTIAL_OVERLAP)
    for r, o in zip(results, outs):
        data = o._data
        if data.ndim:
            data[...] = _backend.astype(r._data, data.dtype)
        else:
            data[()] = _backend.astype(r._data, data.dtype)
        o._version_counter[0] += 1
    if not isinstance(out, tuple):
        return out
    return return_type(name + "_out")(*outs)


def _resize(out, shape):
    """torch's resize_output: an out tensor of another shape takes the result's, warning
    unless it held no elements; what it held stays at the start of its storage."""
    data = out._data
    if data.shape == shape:
        return
    if data.size:
        warnings.warn(_RESIZED.format(old=list(data.shape), new=list(shape)), UserWarning,
                      stacklevel=4)
    new = xp.zeros(shape, dtype=data.dtype)
    n = min(new.size, data.size)
    new.reshape(-1)[:n] = data.reshape(-1)[:n]
    out._data = new


def with_out(name, fn):
    """``fn`` taking ``out=`` (see the module note): what ``install`` puts in the namespace."""
    def function(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if not isinstance(out, (Tensor, tuple)):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type_name(out)}")
        return call_with_out(name, fn, args, kwargs, out)
    function.__name__, function.__doc__, function.__wrapped__ = fn.__name__, fn.__doc__, fn
    return function

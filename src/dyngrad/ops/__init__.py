"""The op table and torch's functions and Tensor methods built on it.

``install`` is the one place where the table's functions become ``torch.*`` functions and
``Tensor`` methods and operators; ``FUNCTIONS`` and ``METHODS`` list what it installs.
"""
import importlib
import inspect

from .. import random as _random
from .._args import type_name
from .._sparse_coo import SparseCoo
from ..tensor import Tensor, _read_only
from . import autocast_policy, indexing, pointwise as pw, torch_math as tm, torch_shape as ts
from .._arg_parser import Parser, binding_errors
from .inplace import apply_inplace, check_inplace
from ._table import ALL_OPS, Op  # noqa: F401
from .out import with_out
from .torch_signatures import SIGNATURES as TORCH_SIGNATURES
from .signatures import (ALIASES, DEPRECATED, EXPLAINED, HIDDEN, NUMBERS_AS_TENSORS,
                         PLAIN_FUNCTIONS, PYTHON_FUNCTIONS, PYTHON_METHODS, SIGNATURES,
                         TAKES_OUT, method_signatures)

_UNARY = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "sign",
          "reciprocal")


def _unary(name):
    op = getattr(pw, name + "_") if name == "abs" else getattr(pw, name)
    entry = op.fast or op
    def fn(input, *, out=None):
        return entry(input)
    fn._entry = entry  # what the method calls (signatures.py: no arguments to check)
    fn.__name__ = name
    return fn


def _nondiff(name):
    entry = getattr(pw, name)

    if entry.params == ["self"]:
        def fn(input):
            return entry(input)
    else:  # (``other`` required: torch.bitwise_and(x) is refused by its parser)
        def fn(input, other):
            return entry(input, other)
    fn.__name__ = name
    return fn


FUNCTIONS = {
    "add": tm.add, "sub": tm.sub, "subtract": tm.sub, "rsub": tm.rsub, "mul": tm.mul,
    "multiply": tm.mul, "div": tm.div, "divide": tm.div, "true_divide": tm.true_divide,
    "floor_divide": tm.floor_divide, "remainder": tm.remainder, "fmod": tm.fmod,
    "pow": tm.pow, "neg": tm.neg, "negative": tm.neg, "clamp": tm.clamp, "clip": tm.clamp,
    "clamp_min": tm.clamp_min, "clamp_max": tm.clamp_max, "where": tm.where,
    "nonzero": tm.nonzero, "nonzero_static": tm.nonzero_static, "maximum": tm.maximum, "minimum": tm.minimum,
    "sum": tm.sum, "mean": tm.mean, "max": tm.max, "min": tm.min, "argmax": tm.argmax,
    "argmin": tm.argmin,
    "reshape": ts.reshape, "flatten": ts.flatten, "t": ts.t, "transpose": ts.transpose,
    "swapaxes": ts.transpose, "permute": ts.permute, "squeeze": ts.squeeze,
    "unsqueeze": ts.unsqueeze, "narrow": ts.narrow, "select": ts.select, "split": ts.split,
    "chunk": ts.chunk, "unbind": ts.unbind, "cat": ts.cat, "concat": ts.cat,
    "concatenate": ts.cat, "stack": ts.stack, "mm": ts.mm, "bmm": ts.bmm, "dot": ts.dot,
    "mv": ts.mv, "matmul": ts.matmul, "clone": ts.clone,
}
for _n in _UNARY:
    FUNCTIONS[_n] = _unary(_n)
FUNCTIONS["absolute"] = FUNCTIONS["abs"]
for _n in ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
           "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan",
           "isinf", "isfinite"):
    FUNCTIONS[_n] = _nondiff(_n)
for _alias, _n in (("greater", "gt"), ("less", "lt"), ("greater_equal", "ge"),
                   ("less_equal", "le"), ("not_equal", "ne")):
    FUNCTIONS[_alias] = FUNCTIONS[_n]
for _n in ("log1p", "expm1", "tan", "sinh", "cosh", "asin", "acos", "atan", "acosh", "asinh",
           "atanh", "erf", "rsqrt", "log2", "log10", "floor", "ceil", "trunc", "sgn"):
    FUNCTIONS[_n] = _unary(_n)
for _alias, _n in (("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
                   ("arcsinh", "asinh"), ("arccosh", "acosh"), ("arctanh", "atanh"),
                   ("fix", "trunc")):
    FUNCTIONS[_alias] = FUNCTIONS[_n]
from . import pointwise as _pw, prod as _pd, reduction as _red, statistics as _st  # noqa: E402
from . import storage_methods as _sm  # noqa: E402
FUNCTIONS.update({
    "round": _pw.round, "square": _pw.square, "masked_fill": _pw.masked_fill,
    "tril": _pw.tril_fn, "triu": _pw.triu_fn, "flip": _red.flip_fn, "cumsum": _red.cumsum_fn,
    "prod": _pd.prod, "var": _st.var, "std": _st.std, "logsumexp": _st.logsumexp,
    "amax": _st.amax, "amin": _st.amin, "norm": _st.norm,
})

def _invert(self):
    if self._data.dtype.kind in "fcV":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return FUNCTIONS["bitwise_not"](self)


# Methods: every function above as ``x.name(...)``, plus method-only names and operators.
METHODS = {n: f for n, f in FUNCTIONS.items() if n not in ("cat", "concat", "concatenate",
                                                          "stack", "where")}
METHODS.update({
    "where": lambda self, condition, other: tm.where(condition, self, other),
    "view": ts.view, "view_as": ts.view_as, "reshape": ts.reshape, "reshape_as": ts.reshape_as,
    "expand": ts.expand, "expand_as": ts.expand_as, "contiguous": ts.contiguous, "to": ts.to,
    "zero_": ts.zero_method, "fill_": ts.fill_method, "copy_": ts.copy_method,
    "resize_": ts.resize_, "resize_as_": ts.resize_as_,
    "untyped_storage": _sm.untyped_storage, "storage": _sm.storage,
    "_typed_storage": _sm._typed_storage, "set_": _sm.set_, "is_set_to": _sm.is_set_to,
    "flip": _red.flip_method, "repeat": _red.repeat_method,
    "permute": ts.permute, "uniform_": _random.uniform_, "normal_": _random.normal_,
    "bernoulli_": _random.bernoulli_, "random_": _random.random_,
    "exponential_": _random.exponential_, "cauchy_": _random.cauchy_,
    "geometric_": _random.geometric_, "log_normal_": _random.log_normal_,
    "bernoulli": _random.bernoulli,
    "__getitem__": indexing.getitem, "__setitem__": indexing.setitem,
    "__neg__": tm.neg, "__abs__": FUNCTIONS["abs"], "__invert__": _invert,
})
# binary operators: an operand that is neither a Tensor nor a number is NotImplemented
METHODS.update({name: tm.operator(fn) for name, fn in {
    "__add__": tm.add, "__radd__": tm.add, "__sub__": tm.sub, "__rsub__": tm.rsub,
    "__mul__": tm.mul, "__rmul__": tm.mul, "__truediv__": tm.div,
    "__rtruediv__": tm.rtruediv, "__pow__": tm.pow, "__rpow__": tm.rpow,
    "__matmul__": ts.matmul_operator, "__rmatmul__": ts.rmatmul,
    "__floordiv__": tm.floor_divide, "__mod__": tm.remainder,
    "__rfloordiv__": tm.rfloordiv, "__rmod__": tm.rmod,
    "__eq__": FUNCTIONS["eq"], "__ne__": FUNCTIONS["ne"], "__lt__": FUNCTIONS["lt"],
    "__le__": FUNCTIONS["le"], "__gt__": FUNCTIONS["gt"], "__ge__": FUNCTIONS["ge"],
    "__and__": FUNCTIONS["bitwise_and"], "__or__": FUNCTIONS["bitwise_or"],
    "__xor__": FUNCTIONS["bitwise_xor"],
    "__iadd__": tm.INPLACE["add_"], "__isub__": tm.INPLACE["sub_"],
    "__imul__": tm.INPLACE["mul_"], "__itruediv__": tm.INPLACE["div_"],
    "__ipow__": tm.INPLACE["pow_"]}.items()})
# methods whose ``other`` torch's messages number 1
for _n in ("add", "sub", "mul", "div", "add_", "sub_", "mul_", "div_"):
    METHODS[_n] = tm.method(tm.INPLACE[_n] if _n.endswith("_") else FUNCTIONS[_n], _n)
for _n, _f in tm.INPLACE.items():
    METHODS.setdefault(_n, _f)
METHODS.update({n: ts._caster(d) for n, d in ts.CONVERSIONS.items()})



def _softmax_fn(name):
    def fn(input, dim, dtype=None):
        from ..nn import functional as F
        return getattr(F, name)(input, dim, dtype=dtype)
    fn.__name__ = name
    return fn


for _n in ("softmax", "log_softmax"):
    FUNCTIONS[_n] = METHODS[_n] = _softmax_fn(_n)

def _conj(input):
    """The complex conjugate; a real tensor is returned as it is, as torch does."""
    return pw.conj_op(input) if input.is_complex() else input


FUNCTIONS["conj"] = METHODS["conj"] = _conj

# dyngrad conjugates eagerly (no lazy conjugate bit): nothing is ever left to resolve
METHODS["resolve_conj"] = lambda self: self
METHODS["is_conj"] = lambda self: False

from . import torch_native as _tnat, torch_nn as _tnn, torch_pooling as _tpl  # noqa: E402
from . import weight_norm as _wn  # noqa: E402
FUNCTIONS.update(_tnn.FUNCTIONS)
FUNCTIONS.update(_tnat.FUNCTIONS)
FUNCTIONS.update(_tpl.FUNCTIONS)
FUNCTIONS.update(_wn.FUNCTIONS)
METHODS.update(_tnn.METHODS)

def _functional(name):
    """torch.<name> for a function torch also exposes as nn.functional.<name> (called
    upward, at call time)."""
    def fn(*args, **kwargs):
        from ..nn import functional as F
        return getattr(F, name)(*args, **kwargs)
    fn.__name__ = name
    return fn


def _kl_div(input, target, reduction=0, *, log_target=False):
    from ..nn._functional.loss import torch_kl_div
    return torch_kl_div(input, target, reduction, log_target=log_target)


FUNCTIONS["kl_div"] = _kl_div
for _n in ("selu", "celu", "prelu", "threshold", "bilinear", "cosine_similarity",
           "pairwise_distance", "hinge_embedding_loss", "margin_ranking_loss",
           "triplet_margin_loss", "cosine_embedding_loss", "poisson_nll_loss"):
    FUNCTIONS[_n] = _functional(_n)
METHODS["prelu"] = FUNCTIONS["prelu"]

# -- the surface beyond the basics, one block per family file ----------------------------
from . import diagonal as _dg, einsum as _es, products as _pr, rearrange as _ra  # noqa: E402
from . import scans as _sn, scatter as _sc, sorting as _so  # noqa: E402
from . import pointwise_more as _pm, special as _sp, stacking as _st2, summary as _sm  # noqa: E402
FUNCTIONS.update({
    "einsum": _es.einsum, "diagonal": _dg.diagonal, "diag_embed": _dg.diag_embed,
    "diag": _dg.diag, "trace": _dg.trace_fn,
    "roll": _ra.roll, "rot90": _ra.rot90, "repeat_interleave": _ra.repeat_interleave,
    "tile": _ra.tile, "unflatten": _ra.unflatten, "movedim": _ra.movedim,
    "moveaxis": _ra.movedim, "meshgrid": _ra.meshgrid, "diff": _ra.diff,
    "outer": _pr.outer, "ger": _pr.outer, "kron": _pr.kron, "cross": _pr.cross,
    **_pr.FUSED, **_sc.FUNCTIONS, **_so.FUNCTIONS, "cumprod": _pd.cumprod_fn, **_sn.FUNCTIONS,
    "vdot": _pr.vdot_fn, "addr": _pr.addr, "dist": _pr.dist, "block_diag": _pr.block_diag,
    **_pm.FUNCTIONS, **_sm.FUNCTIONS, **_sp.FUNCTIONS, **_st2.FUNCTIONS,
})
METHODS.update({
    "diagonal": _dg.diagonal, "diag_embed": _dg.diag_embed, "diag": _dg.diag,
    "trace": _dg.trace_fn,
    "roll": _ra.roll, "rot90": _ra.rot90, "repeat_interleave": _ra.repeat_interleave,
    "tile": _ra.tile_method, "unflatten": _ra.unflatten, "movedim": _ra.movedim,
    "moveaxis": _ra.movedim, "diff": _ra.diff,
    "outer": _pr.outer, "ger": _pr.outer, "kron": _pr.kron, "cross": _pr.cross,
    **_pr.FUSED, **_sc.METHODS, **_so.METHODS, "cumprod": _pd.cumprod_fn, **_sn.METHODS,
    **_pm.METHODS,
    "vdot": _pr.vdot_fn, "addr": _pr.addr, "dist": _pr.dist,
    **_sm.METHODS, **_sp.METHODS, **_st2.METHODS,
    "type_as": lambda self, other: self.type(other.dtype),
})



def _linalg(path):
    """torch.det, torch.inverse, torch.lu, ...: functions of dyngrad.linalg (``name``, or
    ``module.name`` of its files), imported when first called (torch.linalg sits above
    the op table)."""
    module, _, name = path.rpartition(".")

    def fn(*args, **kwargs):
        target = importlib.import_module("dyngrad.linalg" + ("." + module if module else ""))
        return getattr(target, name)(*args, **kwargs)
    fn.__name__ = name
    return fn


for _alias, _n in (("det", "det"), ("inverse", "inv"), ("svd", "decompositions.torch_svd"),
                   ("slogdet", "slogdet"), ("pinverse", "pinv"), ("matrix_power", "matrix_power"),
                   ("logdet", "inverses.logdet"), ("matrix_exp", "matrix_exp"),
                   ("orgqr", "householder_product"), ("geqrf", "householder.geqrf"),
                   ("ormqr", "householder.ormqr"), ("lu", "lu_decomposition.torch_lu"),
                   ("lu_solve", "lu_decomposition.torch_lu_solve"),
                   ("triangular_solve", "triangular.triangular_solve"),
                   ("cholesky", "legacy.torch_cholesky"),
                   ("cholesky_solve", "triangular.cholesky_solve"),
                   ("cholesky_inverse", "triangular.cholesky_inverse"),
                   ("qr", "legacy.torch_qr"), ("lstsq", "legacy.lstsq"),
                   ("solve", "legacy.solve"), ("eig", "legacy.eig"),
                   ("symeig", "legacy.symeig")):
    FUNCTIONS[_alias] = METHODS[_alias] = _linalg(_n)
# (torch.lu_solve(b, LU, pivots): the method's self is b)
for _n, _path in (("lu_unpack", "lu_decomposition"), ("svd_lowrank", "lowrank"),
                  ("pca_lowrank", "lowrank"), ("matrix_rank", "legacy"),
                  ("nuclear_norm", "legacy"), ("frobenius_norm", "legacy")):
    FUNCTIONS[_n] = _linalg(f"{_path}.{_n}")
FUNCTIONS["chain_matmul"] = _linalg("products.chain_matmul")

from . import complex_views as _cv, sampling as _sa, view_inplace as _vi  # noqa: E402
from . import binomial as _binomial  # noqa: E402
FUNCTIONS.update(_vi.FUNCTIONS)
FUNCTIONS.update(_cv.FUNCTIONS)
FUNCTIONS.update(_sa.FUNCTIONS)
FUNCTIONS.update(_binomial.FUNCTIONS)
METHODS.update(_vi.METHODS)

from . import index_put as _ip, inplace_forms as _if  # noqa: E402
from . import view_copies as _vc, view_scatter as _vsc  # noqa: E402
FUNCTIONS.update({**_vc.FUNCTIONS, **_vsc.FUNCTIONS, **_ip.FUNCTIONS, **_if.FUNCTIONS})
METHODS.update({**_vc.METHODS, **_vsc.METHODS, **_ip.METHODS, **_if.METHODS})

from . import legacy_methods as _lm  # noqa: E402
from .. import _strided_creation as _sc2  # noqa: E402
METHODS.update({**_lm.METHODS, "new_empty_strided": _sc2.new_empty_strided})
FUNCTIONS.update({"asarray": _sc2.asarray, "frombuffer": _sc2.frombuffer,
                  "empty_strided": _sc2.empty_strided, "empty_permuted": _sc2.empty_permuted})

from .. import _multinomial  # noqa: E402
FUNCTIONS["multinomial"] = METHODS["multinomial"] = _multinomial.multinomial

from . import sparse as _sparse  # noqa: E402
FUNCTIONS.update(_sparse.FUNCTIONS)
METHODS.update(_sparse.METHODS)
METHODS["unfold"] = _ra.unfold
# in-place forms of entries that take the tensor and plain arguments
METHODS.update({
    "tril_": lambda self, diagonal=0: apply_inplace(_pw.tril, self, (self, diagonal)),
    "triu_": lambda self, diagonal=0: apply_inplace(_pw.triu, self, (self, diagonal)),
})
for _n in ("lgamma", "digamma", "erfc", "erfinv", "i0"):
    METHODS[_n + "_"] = (lambda op: lambda self: apply_inplace(op, self, (self,)))(getattr(_sp, _n))


def _fused_inplace(op):
    """``x.addmm_(a, b, beta=, alpha=)`` and its kin: the function's op written into x."""
    def method(self, a, b, *, beta=1, alpha=1):
        if op in (_pr.addmm, _pr.baddbmm) and a.dim() == b.dim() and a.dim() in (2, 3):
            # (torch checks the product's size against x's before broadcasting x)
            size = tuple(a.shape[:-1]) + tuple(b.shape[-1:])
            if tuple(self.shape) != size:
                raise RuntimeError(f"Bad in-place call: input tensor size {list(self.shape)} "
                                   f"and output tensor size {list(size)} should match")
        return apply_inplace(op, self, (self, a, b, beta, alpha))
    method.__name__ = op.name
    return method


for _n, _op in (("addmm", _pr.addmm), ("addmv", _pr.addmv), ("baddbmm", _pr.baddbmm),
                ("addbmm", _pr.addbmm), ("addr", _pr.addr_op)):
    METHODS[_n + "_"] = _fused_inplace(_op)



def _inplace_of(name):
    """``x.name_(...)``: the function's own op, written into x (so the node is the
    function's, and x's value before the write is what the formulas save, as torch)."""
    op = getattr(pw, name)
    by_number, by_tensor = pw.INPLACE_BY_OPERAND.get(name, (op, op))

    def method(self, *args):
        entry = by_tensor if args and isinstance(args[0], Tensor) else by_number
        return apply_inplace(entry, self, (self,) + args)
    method.__name__ = name + "_"
    return method


for _n in ("acos", "asin", "atan", "acosh", "asinh", "atanh", "ceil", "floor", "trunc", "cosh",
           "sinh", "tan", "erf",
           "expm1", "log10", "log1p", "log2", "rsqrt", "sgn", "sign", "eq", "ne", "lt", "le",
           "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "remainder", "fmod"):
    METHODS.setdefault(_n + "_", _inplace_of(_n))
for _alias, _n in (("absolute", "abs"), ("arccos", "acos"), ("arcsin", "asin"),
                   ("arctan", "atan"), ("arccosh", "acosh"), ("arcsinh", "asinh"),
                   ("arctanh", "atanh"), ("arctan2", "atan2"), ("clip", "clamp"), ("divide", "div"),
                   ("fix", "trunc"), ("multiply", "mul"), ("negative", "neg"),
                   ("subtract", "sub"), ("true_divide", "div"), ("greater", "gt"),
                   ("greater_equal", "ge"), ("less", "lt"), ("less_equal", "le"),
                   ("not_equal", "ne")):
    METHODS.setdefault(_alias + "_", METHODS[_n + "_"])



# the in-place functions torch runs on a sparse COO tensor's values, which it refuses on an
# uncoalesced one (the out-of-place forms coalesce first)
_ON_COALESCED_VALUES = ("abs_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "deg2rad_",
                        "erf_", "erfinv_", "expm1_", "floor_", "frac_", "log1p_",
                        "nan_to_num_", "rad2deg_", "relu_", "round_", "sgn_", "sign_",
                        "sin_", "sinh_", "sqrt_", "tan_", "tanh_", "trunc_")
_ALIASES_ON_COALESCED_VALUES = {"absolute_": "abs_", "arcsin_": "asin_", "arcsinh_": "asinh_",
                                "arctan_": "atan_", "arctanh_": "atanh_", "fix_": "trunc_"}


def _refusing_uncoalesced(name, method):
    def checked(self, *args, **kwargs):
        if type(self._data) is SparseCoo and not self._data.coalesced:
            check_inplace(self)  # (torch refuses a leaf that requires grad first)
            raise RuntimeError(f"{name} requires coalesced input")
        return method(self, *args, **kwargs)
    checked.__name__, checked.__doc__, checked.__wrapped__ = name, method.__doc__, method
    return checked


from . import covariance as _cov, membership as _mb, tensor_info as _ti, vander as _vd  # noqa: E402
from . import finite_differences as _fd, float_bits as _fb, histogram as _hi  # noqa: E402
from . import polar as _po, renorm as _rn, stft as _sf, unravel as _ur  # noqa: E402
FUNCTIONS.update({**_fb.FUNCTIONS, **_po.FUNCTIONS, **_ur.FUNCTIONS, **_fd.FUNCTIONS,
                  **_hi.FUNCTIONS, **_sf.FUNCTIONS, **_rn.FUNCTIONS})
METHODS.update({**_fb.METHODS, **_po.METHODS, **_hi.METHODS, **_sf.METHODS, **_rn.METHODS})
PROPERTIES = {"T": ts.T, "mT": ts.mT, "real": _cv.real, "imag": _cv.imag, **_ti.PROPERTIES}
METHODS.update(_ti.METHODS)
FUNCTIONS["adjoint"] = _ti.METHODS["adjoint"]
METHODS.update(_cov.METHODS)
FUNCTIONS.update({**_cov.FUNCTIONS, **_mb.FUNCTIONS, **_vd.FUNCTIONS})
# the names torch's out= messages use where they are not signatures.py's aliases
_OUT_NAMES = {"subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
              "arctan2": "atan2", "ger": "mul", "square": "pow", "msort": "sort",
              **dict.fromkeys(("hstack", "vstack", "row_stack", "dstack", "column_stack"),
                              "cat")}

def _function_of_method(name):
    """torch.<name>_(input, ...): the in-place method, called on ``input``."""
    def fn(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type_name(input)}")
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = name
    return fn


# the in-place forms torch also exposes as functions
for _n in ("abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
           "arctanh_", "as_strided_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
           "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_",
           "erfc_", "exp2_", "exp_", "expm1_", "fill_", "addmv_", "fix_", "floor_", "frac_", "i0_",
           "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_",
           "rad2deg_", "reciprocal_", "relu_", "resize_as_", "rsqrt_", "sigmoid_", "sin_",
           "sinc_", "sinh_", "sqrt_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_", "gcd_",
           "lcm_", "ldexp_"):
    FUNCTIONS.setdefault(_n, _function_of_method(_n))
# the Tensor queries torch also exposes as functions
for _n in ("is_nonzero", "is_same_size", "is_conj", "resolve_conj", "get_device",
           "is_inference", "is_signed"):
    FUNCTIONS.setdefault(_n, _function_of_method(_n))



def _checked(name, fn, signatures, method):
    """``fn`` behind torch's argument parser for its declared ``signatures``: a call that
    no overload takes raises torch's TypeError before anything is computed."""
    if not signatures:
        return fn
    parser = Parser(name, signatures, HIDDEN.get("Tensor." + name if method else name, ()),
                    method=method, numbers_as_tensors=name in NUMBERS_AS_TENSORS)
    check, seen = parser.check, parser.accepted_types
    if signatures == [""] and method:  # no arguments: the cheapest check
        entry = getattr(fn, "_entry", fn)

        def checked(self, *args, **kwargs):
            if args or kwargs:
                raise parser.error(args, kwargs)
            return entry(self)
    elif method:
        def checked(self, *args, **kwargs):
            if kwargs or tuple(map(type, args)) not in seen:
                kwargs = check(args, kwargs)
            return fn(self, *args, **kwargs)
    else:
        def checked(*args, **kwargs):
            if kwargs or tuple(map(type, args)) not in seen:
                kwargs = check(args, kwargs)
            return fn(*args, **kwargs)
    checked.__name__, checked.__doc__, checked.__wrapped__ = name, fn.__doc__, fn
    return checked


def _worded(name, fn, method, canonical):
    """``fn`` with a call that does not bind worded as torch's parser words it (NOTE
    [Binding errors in torch's words] in _arg_parser.py)."""
    key = "Tensor." + canonical if method else canonical
    signatures = EXPLAINED.get(key) or TORCH_SIGNATURES.get(key, ())
    return binding_errors(name, fn, method, signatures, HIDDEN.get(key, ()),
                          DEPRECATED.get(key, ()), numbers_as_tensors=name in NUMBERS_AS_TENSORS)


def _takes_out(name, fn):
    """Whether torch's ``name`` has an ``out=`` argument (dyngrad's function declares it,
    or signatures.py lists it)."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    return name in TAKES_OUT or (code is not None and "out" in code.co_varnames[
        :code.co_argcount + code.co_kwonlyargcount])


def install(namespace):
    """Put the table's functions into ``namespace`` (the torch-shaped module) and its
    methods, operators and properties onto Tensor, each behind the argument parser when
    its signatures are declared (signatures.py); a function torch gives ``out=`` writes
    its result there (out.py); the functions torch's autocast lists get their cast policy
    (autocast_policy.py)."""
    autocast_policy.install(FUNCTIONS, "torch")
    autocast_policy.install(METHODS, "Tensor")
    for name in _ON_COALESCED_VALUES:
        METHODS[name] = _refusing_uncoalesced(name, METHODS[name])
    for alias, name in _ALIASES_ON_COALESCED_VALUES.items():  # (refused by torch's name)
        METHODS[alias] = _refusing_uncoalesced(name, METHODS[alias])
    for name, fn in FUNCTIONS.items():
        canonical = ALIASES.get(name, name)
        signatures = SIGNATURES.get(canonical)
        if not signatures and name not in PYTHON_FUNCTIONS:
            fn = _worded(name, fn, False, canonical)
        if _takes_out(name, fn):
            fn = with_out(_OUT_NAMES.get(name, canonical), fn)
        namespace[name] = _checked(name, fn, signatures, False)
    for name, fn in METHODS.items():
        signatures = method_signatures(name)
        if not signatures and not name.startswith("__") and name not in PYTHON_METHODS:
            fn = _worded(name, fn, True, name)
        setattr(Tensor, name, _checked(name, fn, signatures, True))
    for name in PLAIN_FUNCTIONS:  # the factories: plain functions, their errors worded too
        if name not in PYTHON_FUNCTIONS:
            namespace[name] = binding_errors(name, namespace[name], False, EXPLAINED.get(
                name, _random.SIGNATURES.get(name, ())))
    for name in ("dim", "numel", "detach", "tolist", "item"):  # Tensor's own methods
        setattr(Tensor, name, _checked(name, getattr(Tensor, name), method_signatures(name), True))
    for name, fn in PROPERTIES.items():
        setattr(Tensor, name, property(fn, _read_only(name)))

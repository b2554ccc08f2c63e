"""Meta arrays: the array module behind torch's ``meta`` device (shapes, no data).

NOTE [Meta arrays]
A meta tensor (``torch.empty(2, 3, device='meta')``, ``model.to('meta')``, anything made
inside ``with torch.device('meta'):``) holds a ``MetaArray`` as its ``_data``: an object
that answers NumPy's array surface (``shape``, ``dtype``, ``strides``, ``flags``,
``reshape``, ``sum``, ``[...]``, operators) and holds no elements. It stands behind the
same seam as any other array module (NOTE [The array-module seam] in _backend.py), so the
ops, the engine, ``nn`` and ``func`` run on it unchanged, and nothing on the CPU path
looks at it: the hot forwards' ``type(x) is ndarray`` test is all a NumPy op pays, as
before (measured: the same Python calls per op, one more for a max pooling or a padded
convolution, which ask whether their input has values).

Why this design and not another:
- Zero-stride NumPy views (``broadcast_to(zeros(()), shape)``) would let every NumPy
  function run, but each op would then compute and allocate its whole output: a meta
  model's forward would cost what the real one costs.
- A namespace of shape functions per op (torch's meta kernels) would be a second
  declaration of every op beside the op table.
- NumPy's own dispatch protocols reach every array call the ops make, whatever spelling
  they use: a ufunc call (every pointwise op, ``matmul``) comes to ``__array_ufunc__``,
  which takes the output shape from broadcasting (or the gufunc signature) and the dtype
  from NumPy's own type resolution (``ufunc.resolve_dtypes``), so the dtypes are NumPy's
  exactly; a NumPy function comes to ``__array_function__``, which applies its rule
  (_meta_functions.py: reductions, joining, products, indexing helpers, ``*_like``), or
  else runs NumPy's own Python implementation on the meta arrays, whose array calls come
  back here.
- Views (``transpose``, basic indexing, ``reshape`` where no copy is needed,
  ``as_strided``, ``sliding_window_view``, ``broadcast_to``, ``diagonal``) run NumPy's
  own view code on a *stand-in*: a NumPy array of 1-byte items over a one-byte buffer
  whose byte strides are the meta array's element strides. NumPy computes the view's
  shape, strides and offset by arithmetic alone and reads nothing, so strides come out
  exactly as a NumPy array's would (what ``Tensor.stride()`` reports on the CPU).
  Only view functions are ever given a stand-in.
- Whatever needs the values (``bool()``, ``item()``, ``numpy.asarray``) raises
  NotImplementedError (``no_data``), so nothing answers a made-up value; an op whose
  result's shape depends on the values (``nonzero`` and a mask index, ``unique``,
  ``masked_select``, ``bincount``) raises torch's own refusal (``no_kernel``). Checks of
  values that torch's meta kernels skip (indices in bounds, NaN scans, ties) are skipped
  where the ops make them: ``_backend.has_values``. A LAPACK-style kernel written in
  Python (LU, triangular solves) gives its results' shapes alone for an input with no
  values; numpy.linalg and numpy.fft have rules (_meta_spectral.py).
- NumPy's converters (``asarray``, ``array``) take no protocol: NOTE [Meta arrays pass
  through asarray] in _backend.py. An op that makes an array from a shape alone
  (``xp.zeros(shape)``) makes it in its input's module (``array_module(x).zeros``) to
  serve meta arrays, as it must for any other array module.
"""
import math
import types

import numpy
from numpy.lib.mixins import NDArrayOperatorsMixin

__all__ = ["MetaArray", "DeviceMismatch", "namespace", "like", "no_data", "no_kernel", "on_meta",
           "product_on"]


def no_data(what=None):
    """The NotImplementedError of an array call that needs the values of a meta array:
    torch's words for copying them out, or what needed them."""
    if what is None:
        return NotImplementedError("Cannot copy out of meta tensor; no data!")
    return NotImplementedError(f"{what} needs the values of a meta tensor, which has none")


def _no_data(*args, **kwargs):
    raise no_data()


def no_kernel(op):
    """torch's NotImplementedError for an operator it has no meta kernel for (one whose
    result's shape depends on the values: unique, bincount, masked_select, ...)."""
    return NotImplementedError(
        f"{op}: attempted to run this operator with Meta tensors, but there was no fake impl "
        "or Meta kernel registered. You may have run into this message while using an "
        "operator with PT2 compilation APIs (torch.compile/torch.export); in order to use "
        "this operator with those APIs you'll need to add a fake impl. Please see the "
        "following for next steps:  "
        "https://pytorch.org/tutorials/advanced/custom_ops_landing_page.html")


def _no_nonzero(*args, **kwargs):
    """torch's refusal of nonzero on meta (and of what needs it: argwhere, a mask index)."""
    raise NotImplementedError(
        "The register_meta function for torch.nonzero() raises unimplemented by default, as a "
        "correct data-independent implementation does not exist. This implementation returns "
        "a fake value, assuming all elements of the tensor are non-zero. To enable this "
        "registration, please set "
        "'torch.fx.experimental._config.meta_nonzero_assume_all_nonzero' to True.")


def _contiguous(shape):
    strides, n = [], 1
    for size in reversed(shape):
        strides.insert(0, n)
        n *= max(size, 1)
    return tuple(strides)


class _Flags:
    __slots__ = ("c_contiguous", "f_contiguous")
    writeable = True
    owndata = True
    aligned = True

    def __init__(self, a):
        shape, strides = a.shape, a._strides
        self.c_contiguous = _dense(shape, strides, reversed(range(len(shape))))
        self.f_contiguous = _dense(shape, strides, range(len(shape)))

    def __getitem__(self, key):
        return getattr(self, {"C_CONTIGUOUS": "c_contiguous", "F_CONTIGUOUS": "f_contiguous",
                              "WRITEABLE": "writeable", "OWNDATA": "owndata"}.get(key, key))


def _dense(shape, strides, order):
    """Whether the dims, walked in ``order`` from the fastest, are laid out densely (NumPy's
    rule: dims of size 1 do not count, an empty array is dense)."""
    if 0 in shape:
        return True
    n = 1
    for d in order:
        if shape[d] != 1:
            if strides[d] != n:
                return False
            n *= shape[d]
    return True


class MetaArray(NDArrayOperatorsMixin):
    """An array with a shape, a NumPy dtype, element strides and a storage offset, and no
    elements (NOTE [Meta arrays])."""

    __slots__ = ("shape", "dtype", "_strides", "_offset", "__weakref__")
    __array_priority__ = 100
    base = None

    def __init__(self, shape, dtype, strides=None, offset=0):
        self.shape = tuple(int(s) for s in shape)
        self.dtype = numpy.dtype(dtype)
        self._strides = _contiguous(self.shape) if strides is None else tuple(strides)
        self._offset = offset

    # -- attributes ---------------------------------------------------------------
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: math.prod(self.shape))
    itemsize = property(lambda self: self.dtype.itemsize)
    nbytes = property(lambda self: self.size * self.dtype.itemsize)
    strides = property(lambda self: tuple(s * self.dtype.itemsize for s in self._strides))
    flags = property(_Flags)
    T = property(lambda self: self.transpose())
    mT = property(lambda self: numpy.swapaxes(self, -1, -2))
    device = "meta"

    @property
    def real(self):
        if self.dtype.kind != "c":
            return self
        return self._part(0)

    @property
    def imag(self):
        if self.dtype.kind != "c":
            return MetaArray(self.shape, self.dtype)
        return self._part(1)

    def _part(self, k):
        part = numpy.dtype(f"f{self.dtype.itemsize // 2}")
        return MetaArray(self.shape, part, tuple(2 * s for s in self._strides),
                         2 * self._offset + k)

    def __repr__(self):
        return f"MetaArray(shape={self.shape}, dtype={self.dtype})"

    def __array_namespace__(self, api_version=None):
        return namespace

    # -- no data ------------------------------------------------------------------
    __array__ = __bool__ = __int__ = __float__ = __complex__ = __index__ = _no_data
    item = tolist = tobytes = __dlpack__ = _no_data
    nonzero = _no_nonzero

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    # -- NumPy's protocols ----------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, overriding, args, kwargs):
        rule = RULES.get(func)
        if rule is not None:
            return rule(*args, **kwargs)
        impl = getattr(func, "_implementation", None)
        if isinstance(impl, types.FunctionType):  # NumPy's Python code, over meta arrays
            return impl(*args, **kwargs)
        raise no_data(f"numpy.{func.__name__}")

    # -- methods: NumPy's functions of the same name --------------------------------
    def reshape(self, *shape, order="C", copy=None):
        return numpy.reshape(self, shape[0] if len(shape) == 1 else shape, order=order,
                             copy=copy)

    def transpose(self, *axes):
        return numpy.transpose(self, axes[0] if len(axes) == 1 else axes or None)

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        if numpy.dtype(dtype) == self.dtype and not copy:
            return self
        return MetaArray(self.shape, dtype, None if order == "C" else
                         _layout(self.shape, (self,)))

    def copy(self, order="C"):
        return MetaArray(self.shape, self.dtype,
                         _contiguous(self.shape) if order == "C" else _layout(self.shape, (self,)))

    def view(self, dtype=None, type=None):
        if dtype is None or numpy.dtype(dtype) == self.dtype:
            return MetaArray(self.shape, self.dtype, self._strides, self._offset)
        new = numpy.dtype(dtype)
        ratio = self.dtype.itemsize / new.itemsize
        shape = self.shape[:-1] + (int(self.shape[-1] * ratio),) if self.shape else ()
        strides = tuple(int(s * ratio) for s in self._strides[:-1]) + (1,) if self.shape else ()
        return MetaArray(shape, new, strides, int(self._offset * ratio))

    def ravel(self, order="C"):
        return numpy.reshape(self, (-1,))

    def flatten(self, order="C"):
        return MetaArray((self.size,), self.dtype)

    def fill(self, value):
        return None

    def __getitem__(self, key):
        return _getitem(self, key)

    def __setitem__(self, key, value):
        if has_meta_mask(key):
            return  # (torch's meta index_put_ with a mask: no count to check the value by)
        target = _getitem(self, key)
        numpy.broadcast_shapes(numpy.shape(value), target.shape)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (MetaArray, (self.shape, self.dtype.str, self._strides, self._offset))


for _name in ("sum", "mean", "prod", "max", "min", "any", "all", "std", "var", "argmax",
              "argmin", "cumsum", "cumprod", "squeeze", "swapaxes", "clip", "round",
              "repeat", "diagonal", "trace", "take", "sort", "argsort", "dot", "conj",
              "conjugate", "ptp", "partition", "argpartition", "searchsorted", "put",
              "compress", "choose"):
    def _method(self, *args, _f=getattr(numpy, _name), **kwargs):
        return _f(self, *args, **kwargs)
    _method.__name__ = _name
    setattr(MetaArray, _name, _method)


# the length of the flat storage under a meta array (as_strided's reference): as long as
# any view may ask for, since none of it exists
UNBOUNDED = 2 ** 40


def _shape(x):
    return x.shape if isinstance(x, (MetaArray, numpy.ndarray, numpy.generic)) else ()


def _has_shape(x):
    """Whether ``x`` takes part in broadcasting as a tensor (a number does not)."""
    return isinstance(x, (MetaArray, numpy.ndarray))


def _is_meta(x):
    return type(x) is MetaArray


# -- strides -------------------------------------------------------------------------
def _layout(shape, inputs):
    """The strides of an elementwise result of ``shape``: the dim order of the first meta
    input of that shape (NumPy's order='K', which is torch's too for permuted inputs),
    else row-major."""
    for a in inputs:
        if _is_meta(a) and a.shape == shape and len(shape) > 1:
            if a.flags.c_contiguous:
                break
            order = sorted(range(len(shape)), key=lambda d: (-a._strides[d], -d))
            strides, n = [0] * len(shape), 1
            for d in reversed(order):
                strides[d] = n
                n *= max(shape[d], 1)
            return tuple(strides)
    return _contiguous(shape)


def _row_major(shape, inputs):
    return _contiguous(shape)


_BYTE = numpy.zeros(1, numpy.int8)
_BYTE_ADDRESS = _BYTE.__array_interface__["data"][0]


def _standin(a):
    """A NumPy view with ``a``'s shape whose byte strides are ``a``'s element strides, over
    one byte: NumPy's view functions compute on it without reading (NOTE [Meta arrays])."""
    return numpy.lib.stride_tricks.as_strided(_BYTE, a.shape, a._strides, writeable=False)


def _from_standin(view, a, dtype=None):
    offset = view.__array_interface__["data"][0] - _BYTE_ADDRESS
    return MetaArray(view.shape, a.dtype if dtype is None else dtype, view.strides,
                     a._offset + offset)


def as_strided(a, shape, strides):
    """A meta view of ``a`` with byte ``strides``, from ``a``'s first element."""
    size = a.dtype.itemsize
    return MetaArray(shape, a.dtype, tuple(s // size for s in strides), a._offset)


def sliding_window_view(a, window_shape, axis):
    view = numpy.lib.stride_tricks.sliding_window_view(_standin(a), window_shape, axis=axis)
    return _from_standin(view, a)


# -- indexing ------------------------------------------------------------------------
def has_meta_mask(key):
    """Whether an index key holds a boolean meta tensor: a mask with no values, which a
    read refuses (it needs nonzero) and a write through index_put_ takes as it is."""
    return any(isinstance(k, MetaArray) and k.dtype.kind == "b"
               for k in (key if isinstance(key, tuple) else (key,)))


def _getitem(a, key):
    key = key if isinstance(key, tuple) else (key,)
    basic = []
    advanced = []  # (position in the basic key, index array shape)
    for k in key:
        if isinstance(k, MetaArray):
            if k.dtype.kind == "b":
                _no_nonzero()
            advanced.append((len(basic), k.shape))
            basic.append(0)
        elif isinstance(k, (list, numpy.ndarray)) or (
                hasattr(k, "__len__") and not isinstance(k, (str, bytes))):
            arr = numpy.asarray(k)
            # a host mask stands for its nonzero() indices, one per dim it covers
            for idx in arr.nonzero() if arr.dtype.kind == "b" else (arr,):
                advanced.append((len(basic), idx.shape))
                basic.append(0)
        else:
            basic.append(k)
    if not advanced:
        return _from_standin(_standin(a)[tuple(basic)], a)
    # the dims each advanced index takes: their broadcast shape, in place when they are
    # adjacent, else first (NumPy's rule)
    view = _standin(a)[tuple(basic)]
    bshape = numpy.broadcast_shapes(*(s for _, s in advanced))
    positions = [p for p, _ in advanced]
    # dims left by the basic part before each advanced position
    kept_before = _kept_dims(basic, a.ndim)
    rest = list(view.shape)
    first = kept_before[positions[0]]
    adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
    shape = rest[:first] + list(bshape) + rest[first:] if adjacent else list(bshape) + rest
    return MetaArray(shape, a.dtype)


def _kept_dims(basic, ndim):
    """For each position of a basic key, how many result dims come before it."""
    out, n = [], 0
    explicit = sum(1 for k in basic if k is not None and k is not Ellipsis)
    for k in basic:
        out.append(n)
        if k is None:
            n += 1
        elif k is Ellipsis:
            n += ndim - explicit
        elif isinstance(k, slice):
            n += 1
    return out


# -- devices -------------------------------------------------------------------------
class DeviceMismatch(RuntimeError):
    """torch's refusal of a CPU tensor beside a meta one (NOTE [CPU and meta operands]): a
    RuntimeError as users see it, which the ops that take mixed devices can tell apart."""


DeviceMismatch.__name__ = DeviceMismatch.__qualname__ = "RuntimeError"
DeviceMismatch.__module__ = "builtins"


# NOTE [CPU and meta operands]
# torch runs an op with a meta operand through its meta kernel, whatever the other operands'
# devices. Most kernels check that every tensor is on the first one's device, a 0-d CPU
# tensor passing as a number (_check_devices, from every ufunc call). Some check nothing:
# mm puts its result on its first operand's device and bmm on its second's (a CPU result
# holds no computed values, only the memory it was given: ``product_on``); addmm checks
# its bias against mat1 only. add_, sub_, mul_, div_ and masked_fill_ run as torch's
# Python references, which take the device from ``self``: a meta ``self`` takes CPU
# operands, and a CPU ``self`` with a meta operand is checked and recorded as usual but
# left as it was (ops/inplace.py); any other in-place op writing a meta result into a CPU
# tensor is refused as a cross-device copy.
def _check_devices(inputs):
    """torch refuses a CPU tensor with dims beside a meta one in one op (a 0-d one passes
    as a number): the expected device is the first tensor's."""
    first = None
    for x in inputs:
        if type(x) is numpy.ndarray and x.ndim:
            if first is None:
                first = "cpu"
            if first == "meta":
                raise DeviceMismatch("Tensor on device cpu is not on the expected device meta!")
        elif _is_meta(x):
            if first is None:
                first = "meta"
            if first == "cpu":
                raise DeviceMismatch("Tensor on device meta is not on the expected device cpu!")


def product_on(owner, a, b):
    """The matrix product of arrays on the CPU and meta devices as torch's mm and bmm make
    it: on ``owner``'s device, computed on neither (NOTE [CPU and meta operands])."""
    out = numpy.matmul(like(a), like(b))
    return out if _is_meta(owner) else numpy.empty(out.shape, out.dtype)


def on_meta(x):
    """``x`` as a meta array (a number as it is): a CPU operand of an op whose result's device
    is a meta ``self``'s."""
    return like(x) if isinstance(x, numpy.ndarray) else x


# -- ufuncs --------------------------------------------------------------------------


def broadcast_shapes(*shapes):
    """The broadcast shape of ``shapes``, or the RuntimeError torch's meta kernels raise
    (torch._refs' broadcasting: the first argument that does not fit what came before)."""
    common = [1] * max((len(s) for s in shapes), default=0)
    for arg, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            if common[idx] == 1:
                common[idx] = shape[idx]
            elif shape[idx] != 1 and common[idx] != shape[idx]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[idx]} at {idx}! "
                    f"Mismatching argument at index {arg} had torch.Size({list(shape)}); but "
                    f"expected shape should be broadcastable to {common}")
    return tuple(common)


def _dtype_of(x):
    if isinstance(x, (MetaArray, numpy.ndarray, numpy.generic)):
        return x.dtype
    return type(x)  # a Python number: NumPy's weak promotion


def _tiny(x):
    """A one-element NumPy array of ``x``'s dtype and number of dims (to ask NumPy a
    dtype); a number as it is."""
    if isinstance(x, (MetaArray, numpy.ndarray)):
        return numpy.ones((1,) * x.ndim, x.dtype)
    return x


def _result_dtypes(ufunc, inputs, kwargs):
    """The output dtypes NumPy gives ``ufunc`` on inputs of these dtypes."""
    sig = kwargs.get("signature")
    dtype = kwargs.get("dtype")
    try:
        if sig is None and dtype is not None:
            sig = (None,) * ufunc.nin + (numpy.dtype(dtype),) * ufunc.nout
        extra = {"casting": kwargs["casting"]} if "casting" in kwargs else {}
        dts = ufunc.resolve_dtypes(tuple(_dtype_of(x) for x in inputs) + (None,) * ufunc.nout,
                                   signature=sig, **extra)
        return dts[ufunc.nin:]
    except (TypeError, ValueError, numpy.exceptions.DTypePromotionError) as e:
        first_error = e
    with numpy.errstate(all="ignore"):
        try:
            out = ufunc(*[_tiny(x) for x in inputs],
                        **{k: v for k, v in kwargs.items() if k in ("dtype", "casting",
                                                                      "signature")})
        except ValueError:  # a value-only refusal (integers to negative powers)
            raise first_error from None
    outs = out if isinstance(out, tuple) else (out,)
    return tuple(numpy.asarray(o).dtype for o in outs)


def _gufunc_shapes(ufunc, shapes):
    """Output shapes of a generalized ufunc (matmul: ``(n?,k),(k,m?)->(n?,m?)``): loop dims
    broadcast, core dims bound by name; an optional dim an input lacks is left out."""
    signature = ufunc.signature
    ins, outs = signature.replace(" ", "").split("->")
    in_dims, out_dims = _core_dims(ins), _core_dims(outs)
    sizes, loops, missing = {}, [], set()
    for i, (dims, shape) in enumerate(zip(in_dims, shapes)):
        required = [d for d in dims if not d.endswith("?")]
        if len(shape) < len(dims) and len(shape) >= len(required):
            missing.update(d[:-1] for d in dims if d.endswith("?"))
            dims = required
        if len(shape) < len(dims):
            raise ValueError(f"{ufunc.__name__}: Input operand {i} does not have enough "
                             f"dimensions (has {len(shape)}, gufunc core with signature "
                             f"{signature} requires {len(dims)})")
        split = len(shape) - len(dims)
        loops.append(tuple(shape[:split]))
        for j, (d, n) in enumerate(zip(dims, shape[split:])):
            d = d.rstrip("?")
            want = int(d) if d.isdigit() else sizes.get(d, n)
            if want != n:
                raise ValueError(f"{ufunc.__name__}: Input operand {i} has a mismatch in its "
                                 f"core dimension {j}, with gufunc signature {signature} "
                                 f"(size {n} is different from {want})")
            sizes[d] = n
    loop = numpy.broadcast_shapes(*loops)
    return [loop + tuple(sizes[d.rstrip("?")] for d in dims if d.rstrip("?") not in missing)
            for dims in out_dims]


def _core_dims(text):
    return [[d for d in group.split(",") if d] for group in text[1:-1].split("),(")]


def _ufunc(ufunc, method, inputs, kwargs):
    out = kwargs.pop("out", None)
    if method == "__call__":
        _check_devices(inputs)
        where = kwargs.pop("where", True)
        layout = _layout
        if ufunc.signature is not None:  # (NumPy writes a gufunc's result row-major)
            shapes = _gufunc_shapes(ufunc, [_shape(x) for x in inputs])
            layout = _row_major
            kwargs.pop("axes", None)
            kwargs.pop("axis", None)
        else:
            shape = broadcast_shapes(*(_shape(x) for x in inputs if _has_shape(x)),
                                     _shape(where))
            shapes = [shape] * ufunc.nout
        dtypes = _result_dtypes(ufunc, inputs, kwargs)
        if out is not None and out[0] is not None:
            for o, s in zip(out, shapes):
                numpy.broadcast_shapes(s, o.shape)
            return out[0] if ufunc.nout == 1 else out
        results = tuple(MetaArray(s, d, layout(s, inputs)) for s, d in zip(shapes, dtypes))
        return results[0] if ufunc.nout == 1 else results
    if method in ("reduce", "accumulate"):
        a = inputs[0]
        axis = kwargs.pop("axis", 0)
        keepdims = kwargs.pop("keepdims", False)
        kwargs.pop("where", None)
        initial = kwargs.pop("initial", numpy._NoValue)
        dtype = kwargs.get("dtype")
        with numpy.errstate(all="ignore"):
            d = getattr(ufunc, method)(numpy.ones(1, a.dtype), dtype=dtype).dtype
        if method == "accumulate":
            return MetaArray(a.shape, d) if out is None else out[0]
        shape = _reduced_shape(a.shape, axis, keepdims)
        axes = range(a.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
        if (ufunc.identity is None and initial is numpy._NoValue
                and any(a.shape[x] == 0 for x in axes)):
            raise ValueError(f"zero-size array to reduction operation {ufunc.__name__} "
                             "which has no identity")
        return MetaArray(shape, d) if out is None else out[0]
    if method == "outer":
        a, b = inputs
        dtypes = _result_dtypes(ufunc, inputs, kwargs)
        return MetaArray(_shape(a) + _shape(b), dtypes[0])
    if method == "at":
        return None
    raise NotImplementedError(f"numpy.{ufunc.__name__}.{method} is not implemented for meta "
                              "arrays")


def _norm_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, numpy.integer)) else tuple(axis)
    out = []
    for x in axes:
        x = int(x)
        if not -max(ndim, 1) <= x < max(ndim, 1):
            raise numpy.exceptions.AxisError(x, ndim)
        out.append(x % ndim if ndim else 0)
    return tuple(out)


def _reduced_shape(shape, axis, keepdims):
    axes = _norm_axes(axis, len(shape))
    if keepdims:
        return tuple(1 if d in axes else s for d, s in enumerate(shape))
    return tuple(s for d, s in enumerate(shape) if d not in axes)


# -- the namespace ---------------------------------------------------------------------
def _factory(fill):
    def make(shape, dtype=None, *args, **kwargs):
        shape = (shape,) if isinstance(shape, (int, numpy.integer)) else tuple(shape)
        return MetaArray(shape, numpy.float64 if dtype is None else dtype)
    make.__name__ = fill
    return make


def _asarray(obj, dtype=None, copy=None, **kwargs):
    if _is_meta(obj):
        return obj if dtype is None or numpy.dtype(dtype) == obj.dtype else obj.astype(dtype)
    return numpy.asarray(obj, dtype=dtype)


def _arange(start, stop=None, step=1, dtype=None, **kwargs):
    if stop is None:
        start, stop = 0, start
    count = max(0, math.ceil((stop - start) / step))
    d = numpy.arange(start, start + step, step).dtype if dtype is None else dtype
    return MetaArray((count,), d)


def _full(shape, fill_value, dtype=None, **kwargs):
    d = numpy.asarray(fill_value).dtype if dtype is None else dtype
    shape = (shape,) if isinstance(shape, (int, numpy.integer)) else tuple(shape)
    return MetaArray(shape, d)


def _astype(x, dtype, copy=True, **kwargs):
    return x.astype(dtype, copy=copy)


namespace = types.ModuleType("meta")
namespace.__dict__.update(numpy.__dict__)
namespace.__dict__.update(
    zeros=_factory("zeros"), ones=_factory("ones"), empty=_factory("empty"), full=_full,
    arange=_arange, asarray=_asarray, astype=_astype,
    eye=lambda n, m=None, k=0, dtype=float, **kw: MetaArray((n, n if m is None else m), dtype),
    linspace=lambda start, stop, num=50, endpoint=True, retstep=False, dtype=None, **kw:
        MetaArray((num,), numpy.float64 if dtype is None else dtype))
namespace.__name__ = "meta"


def like(a):
    """A meta array with the shape and dtype of array ``a`` (of any module)."""
    return MetaArray(a.shape, a.dtype)


def reduction_dim_error(a, b):
    """What torch's meta kernel of mm says of matrices that do not fit."""
    return (f"a and b must have same reduction dim, but got {list(a.shape)} X "
            f"{list(b.shape)}.")


# (their rules build on everything above)
from ._meta_functions import RULES  # noqa: E402
from . import _meta_spectral  # noqa: E402,F401  (adds numpy.linalg's and fft's rules to RULES)

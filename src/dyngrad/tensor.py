"""The Tensor: an array, its dtype, and the autograd metadata around it.

A Tensor holds an array of the backend (``_data``), ``requires_grad``, its ``grad_fn`` (the
node that made it, None for a leaf) and ``_output_nr`` (which output of that node it is),
and a version counter shared with its views and ``detach()`` aliases: a one-element list,
so that sharing is sharing the list. Rarely used metadata (``grad``, ``_base``, hooks)
lives in class-level defaults, written per instance only when set. The ops and most
methods are installed onto Tensor by ``dyngrad.ops.install`` from the op table.
"""
import warnings

from . import _backend
from . import _dtype as _dt, _layout
from ._dlpack import DLDeviceType
from ._autograd_state import DUAL as _DUAL, INFERENCE_IN_USE, state as _gstate, tangent_of
from ._autograd_state import in_transform, note_new_leaf
from ._meta_array import MetaArray as _MetaArray
from ._size import CPU, META, Size
from ._sparse_coo import SparseCoo

# torch.func refuses requires_grad_() (and so torch.autograd.functional) inside its
# transforms; setting the attribute is allowed
_REQUIRES_GRAD_IN_TRANSFORM = (
    "You are attempting to call Tensor.requires_grad_() (or perhaps using "
    "torch.autograd.functional.* APIs) inside of a function being transformed by a functorch "
    "transform. This is unsupported, please attempt to use the functorch transforms (e.g. "
    "grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() outside of a function being "
    "transformed instead.")

__all__ = ["Tensor"]

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")

_CPP_TYPE = _dt.CPP_NAMES

_from_np = _dt._FROM_NP
_INEXACT = "fcV"  # the array kinds of float and complex dtypes (V: ml_dtypes' bfloat16, float8)
_new = object.__new__


class Tensor:
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_version_counter", "_output_nr",
                 "__dict__", "__weakref__")

    _grad = None
    _base = None          # the tensor this one is a view of (always the root base)
    _view_fn = None       # array of the base -> array of this view, for CopySlices
    _view_steps = None    # a view through view_as_real/complex: NOTE [Replayed views]
    _view_version = 0     # the version when a view's grad_fn was set (NOTE [Stale views])
    _grad_acc = None      # weakref to this leaf's AccumulateGrad
    _hooks = None         # {id: fn} tensor hooks of a leaf (run by its AccumulateGrad)
    _post_acc_hooks = None
    _retains_grad = False
    _inference = False
    # a view that may not be written in place (torch's CreationMeta): "multi" (made by
    # split/chunk/unbind), "custom" (returned by a custom Function), "no_grad" or
    # "inference" (made in that mode); the views made of it inherit it (ops/_table.py)
    _view_kind = None
    _grad_dtype = ()       # () means "the tensor's own dtype" (torch's default)
    # a base: how many times an in-place view op (t_, ...) changed its shape; a view: that
    # count of its base when the view was made (its replay function expects that shape)
    _geometry = 0
    _fw = None             # (dual level, tangent): NOTE [Dual levels] in _autograd_state.py

    def __new__(cls, *args, **kwargs):
        from . import creation
        return creation.legacy_tensor(cls, args, kwargs)

    # -- basic attributes -------------------------------------------------------------
    @property
    def dtype(self):
        if type(self._data) is _ndarray:
            return _from_np[self._data.dtype]
        return _dt.of_array(self._data)

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_check_dim("size", dim, self._data.ndim)]

    @property
    def device(self):
        return CPU if type(self._data) is not _MetaArray else META

    @property
    def is_cpu(self):
        return type(self._data) is not _MetaArray

    @property
    def is_meta(self):
        return type(self._data) is _MetaArray

    is_cuda = is_xpu = is_ipu = is_xla = is_maia = is_mkldnn = False
    is_quantized = False
    @property
    def is_sparse(self):
        return type(self._data) is SparseCoo

    @property
    def layout(self):
        return _layout.sparse_coo if type(self._data) is SparseCoo else _layout.strided

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    def stride(self, dim=None):
        data = self._data
        if type(data) is SparseCoo:  # torch 2.13 answers zeros for a sparse tensor
            st = (0,) * data.ndim
            return st if dim is None else st[_check_dim("stride", dim, data.ndim)]
        # NumPy gives empty arrays zero strides (some or all); torch, the row-major ones.
        # Another module's arrays are laid out row-major as far as we can tell.
        if isinstance(data, _ndarray) and (data.size or 0 not in data.strides):
            st = tuple(s // data.itemsize for s in data.strides)
        elif type(data) is _MetaArray and data.size:
            st = data._strides
        else:
            st, n = [], 1
            for size in reversed(data.shape):
                st.insert(0, n)
                n *= max(size, 1)
            st = tuple(st)
        return st if dim is None else st[_check_dim("stride", dim, data.ndim)]

    def storage_offset(self):
        if type(self._data) is SparseCoo:
            return 0
        return _backend.storage_of(self._data)[1]

    def is_contiguous(self, memory_format=None):
        if type(self._data) is _MetaArray:
            return self._data.flags.c_contiguous or self._data.size <= 1
        if type(self._data) is SparseCoo:
            return False
        if not isinstance(self._data, _ndarray):  # another module's strides are its own
            return True
        return self._data.flags.c_contiguous or self._data.size <= 1

    def is_floating_point(self):
        return _backend.kind(self._data.dtype) in "fV"  # V: bfloat16 and float8 (ml_dtypes)

    def is_complex(self):
        return _backend.kind(self._data.dtype) == "c"

    def is_inference(self):
        return self._inference

    def data_ptr(self):
        if type(self._data) is SparseCoo:
            raise RuntimeError(_NO_STORAGE)
        return _backend.data_ptr(self._data)

    def get_device(self):
        return -1

    def cpu(self, memory_format=None):
        if type(self._data) is _ndarray or type(self._data) is SparseCoo or \
                _backend.is_numpy(self._data):  # (a sparse tensor is a CPU tensor)
            return self
        if type(self._data) is _MetaArray:
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        if self.requires_grad:
            raise NotImplementedError("cpu(): copying a tensor that requires grad out of the "
                                      f"{_module_name(self._data)} array module is not "
                                      "implemented; detach() it first")
        return _wrap(_backend.to_numpy(self._data))

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        raise AssertionError("Torch not compiled with CUDA enabled")

    def pin_memory(self, device=None):
        # page-locked memory serves copies to an accelerator, and there is none
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def is_pinned(self, device=None):
        return False

    def record_stream(self, *args, **kwargs):
        # an accelerator stream is torch's only accepted argument (its CPU kernel refuses
        # even that), and no such stream exists here: any argument is of the wrong type
        if not args and not kwargs:
            raise TypeError('record_stream() missing 1 required positional arguments: "s"')
        raise RuntimeError("unknown parameter type")

    def is_shared(self):
        # a NumPy array lives in one process's memory; torch.multiprocessing pickles copies
        if type(self._data) is SparseCoo:
            raise NotImplementedError("Cannot access storage of SparseTensorImpl")
        return False

    def share_memory_(self):
        if type(self._data) is SparseCoo:
            raise NotImplementedError("Cannot access storage of SparseTensorImpl")
        return self

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """The array as a DLPack capsule, sharing memory (the protocol NumPy and others
        read with their ``from_dlpack``)."""
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use "
                              "tensor.detach()")
        kwargs = {} if max_version is None else {"max_version": max_version}
        return self._data.__dlpack__(stream=stream, copy=copy, **kwargs)

    def __dlpack_device__(self):
        return DLDeviceType.kDLCPU, 0

    # -- autograd attributes ----------------------------------------------------------
    @property
    def grad_fn(self):
        """The node that made this tensor; None for a leaf.

        NOTE [Stale views]
        When a view's base (or another view of it) is changed in place, the view's
        grad_fn is out of date. As torch does, it is rebuilt when next read: an
        AsStridedBackward0 reading the view's region out of the base's gradient. Views
        made in no_grad mode or by split/chunk/unbind refuse, with torch's error.
        """
        if self._base is not None and self._view_version != self._version_counter[0]:
            from .ops.inplace import refresh_view
            refresh_view(self)
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, fn):
        raise AttributeError("attribute 'grad_fn' of 'torch._C.TensorBase' objects is not "
                             "writable")

    @property
    def requires_grad(self):
        # a view requires grad when its base does, as torch's DifferentiableViewMeta says
        return self._requires_grad or (self._base is not None and self._base.requires_grad)

    @requires_grad.setter
    def requires_grad(self, value):
        if type(value) is not bool:
            raise RuntimeError("requires_grad must be a bool")
        if self._grad_fn is not None:
            if not value:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        if value and not _backend.differentiable(self._data):
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        if value and self._inference and not _gstate.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(value)
        if value and _gstate.transforms:
            note_new_leaf(self)

    def requires_grad_(self, requires_grad=True):
        if type(requires_grad) is not bool:
            raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be "
                            f"bool, not {type(requires_grad).__name__}")
        if in_transform():
            raise RuntimeError(_REQUIRES_GRAD_IN_TRANSFORM)
        if self._grad_fn is not None and requires_grad:
            return self
        if requires_grad and not _backend.differentiable(self._data):  # its own words
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        # torch asks the node the tensor holds, not a stale view's rebuilt one: a view made
        # in no_grad mode (or of a base that gained grad later) is a leaf here, not an error
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(_NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size")
            want = self.grad_dtype
            if want is not None and value.dtype is not want:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_CPP_TYPE[value.dtype]}' to a "
                    f"tensor with grad_dtype '{want._cname}'. The gradient must match the "
                    "tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def grad_dtype(self):
        return self.dtype if self._grad_dtype == () else self._grad_dtype

    @grad_dtype.setter
    def grad_dtype(self, value):
        self._grad_dtype = value

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        """Fill in ``.grad`` of this non-leaf during backward (a no-op on a leaf)."""
        if not self.requires_grad:  # (a view of a base that requires grad does)
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:  # a leaf by the node it holds
            return
        self.grad_fn._retain_grad(self._output_nr, self)
        self._retains_grad = True

    def register_hook(self, hook):
        """Register ``hook(grad) -> Tensor or None``, run each time this tensor's grad is computed.

        >>> x = torch.tensor([1., 2.], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 2)
        >>> (x * 3).sum().backward()
        >>> x.grad
        tensor([6., 6.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._register_tensor_prehook(self._output_nr, hook)
        from .autograd.graph import grad_accumulator  # the graph sits above the Tensor
        acc = grad_accumulator(self)
        self._acc_keepalive = acc  # a hook on a leaf keeps its accumulator, as in torch
        return acc._register_tensor_prehook(0, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        from .autograd.graph import add_hook
        return add_hook(self._post_acc_hooks, hook)

    @property
    def output_nr(self):
        return self._output_nr

    def _is_view(self):
        return self._base is not None

    @property
    def _version(self):
        if self._inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._version_counter[0]

    @property
    def data(self):
        """The same data with no autograd history; writes through it are not versioned."""
        return _wrap(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._requires_grad and not _backend.differentiable(value._data):
            raise RuntimeError("data set to a tensor that requires gradients must be floating "
                               "point or complex dtype")
        self._data = value._data

    def detach(self):
        """A new leaf sharing data and version counter, cut from the graph."""
        t = _wrap(self._data)
        t._version_counter = self._version_counter
        t._inference = self._inference
        return t

    def detach_(self):
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor w.r.t. graph leaves into their ``.grad``."""
        if in_transform():
            raise RuntimeError("backward() called inside a functorch transform. This is not "
                               "supported, please use functorch.grad or functorch.vjp instead "
                               "or call backward() outside of functorch transforms.")
        from . import autograd
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- factories of the same dtype ----------------------------------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.tensor(data, dtype=self.dtype if dtype is None else dtype,
                               device=self.device if device is None else device,
                               requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.zeros(*size, dtype=self.dtype if dtype is None else dtype,
                              device=self.device if device is None else device,
                              requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.ones(*size, dtype=self.dtype if dtype is None else dtype,
                             device=self.device if device is None else device,
                             requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.empty(*size, dtype=self.dtype if dtype is None else dtype,
                              device=self.device if device is None else device,
                              requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.full(size, fill_value, dtype=self.dtype if dtype is None else dtype,
                             device=self.device if device is None else device,
                             requires_grad=requires_grad)

    # -- conversions ------------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        if type(self._data) is _MetaArray:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return _backend.to_numpy(self._data).reshape(()).item()

    def tolist(self):
        if type(self._data) is SparseCoo:
            raise RuntimeError(_NO_STORAGE)
        return _backend.to_numpy(self._data).tolist()

    def numpy(self, *args, force=False):
        if args:
            raise TypeError(f"numpy() takes 0 positional arguments but {len(args)} "
                            f"{'was' if len(args) == 1 else 'were'} given")
        if type(force) is not bool:
            raise TypeError(f"numpy(): argument 'force' must be bool, not {type(force).__name__}")
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if type(self._data) is SparseCoo:
            raise TypeError("can't convert Sparse layout tensor to numpy. Use "
                            "Tensor.to_dense() first.")
        if type(self._data) is not _ndarray and not _backend.is_numpy(self._data):
            # as torch refuses a CUDA tensor: the data is not NumPy's to share
            raise TypeError(f"can't convert {_device_words(self._data)} to numpy. Use "
                            "Tensor.cpu() to copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:  # NumPy converts through numpy(), which refuses
            self.numpy()
        if type(self._data) is not _ndarray:
            self.detach().numpy()  # refuses another module's array as numpy() does
        return self._data if dtype is None else self._data.astype(dtype)

    def _scalar(self, kind):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if type(self._data) is _MetaArray:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return kind(_backend.to_numpy(self._data).reshape(()).item())

    def __float__(self):
        if self._requires_grad:
            _warn_scalar_once()
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __complex__(self):
        if self._requires_grad:
            _warn_scalar_once()
        return self._scalar(complex)

    def __index__(self):
        if _backend.kind(self._data.dtype) not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(_backend.to_numpy(self._data).reshape(()).item())

    def __bool__(self):
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        if type(self._data) is _MetaArray:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        # bool of the array, not of item(): a compiled call records the branch as a check
        # (dyngrad/_compile/trace.py) where item() would stop the capture
        return bool(_backend.to_numpy(self._data).reshape(()))

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            sparse = "sparse." if type(self._data) is SparseCoo else ""
            return f"torch.{sparse}{self.dtype._legacy}"
        if isinstance(dtype, str):
            if dtype not in _LEGACY_NAMES:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = _LEGACY_NAMES[dtype]
        # torch.LongTensor and the other legacy types stand for their dtype
        return self.to(getattr(dtype, "_legacy_dtype", dtype))

    # -- printing ---------------------------------------------------------------------
    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import meta_repr, sparse_repr, tensor_repr
        d = self.dtype
        show = d not in (_dt.get_default_dtype(), _dt.default_complex_dtype(), _dt.int64, _dt.bool)
        try:
            fn = self.grad_fn
            name = None if fn is None else fn.name().split("::")[-1]
        except RuntimeError:  # a stale no_grad view refuses a grad_fn: torch prints Invalid
            name = "Invalid"
        if name is not None:
            suffixes = (f"grad_fn=<{name}>",)
        elif self.requires_grad:
            suffixes = ("requires_grad=True",)
        else:
            suffixes = ()
        if _DUAL[0] is not None:
            tangent = tangent_of(self)
            if tangent is not None:
                suffixes += (f"tangent={tangent}",)
        if type(self._data) is _MetaArray:  # no values: torch prints "..." and the size
            return meta_repr(self._data.shape, d is not _dt.get_default_dtype() and repr(d),
                             suffixes)
        if type(self._data) is SparseCoo:
            return sparse_repr(self._data, repr(d), show, suffixes)
        return tensor_repr(_backend.to_numpy(self._data), repr(d), show, suffixes)

    def __format__(self, spec):
        if self._data.ndim == 0 and type(self._data) is not _MetaArray:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def _repr_nograd(self):
        return repr(_wrap(self._data))


_NO_STORAGE = "Cannot access data pointer of Tensor that doesn't have storage"

_LEGACY_NAMES = {"torch." + d._legacy: d for d in _dt.ALL if d._legacy}


SCALAR_WARNING = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                  "behavior.\nConsider using tensor.detach() first.")
_warned_scalar = [False]


def _warn_scalar_once():
    """float() or complex() of a tensor that requires grad, in grad mode: torch warns once
    per process (LBFGS's ``float(loss)`` under no_grad does not warn)."""
    if not _warned_scalar[0] and _gstate.enabled:
        _warned_scalar[0] = True
        warnings.warn(SCALAR_WARNING, UserWarning, stacklevel=3)


def _check_dim(fn, dim, ndim):
    """``size(dim)`` and ``stride(dim)``: an int, within the tensor's dims."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{fn}(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _read_only(name):
    def refuse(self, value):
        raise AttributeError(f"attribute '{name}' of 'torch._C.TensorBase' objects is not "
                             "writable")
    return refuse


def _wrap_dim(dim, ndim):
    """A dim in [-ndim, ndim) as a non-negative index, with torch's IndexError otherwise."""
    n = ndim if ndim else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def _wrap(data):
    """A new leaf Tensor around an array (the one way results become Tensors)."""
    if type(data) is not _ndarray:
        data = _backend.asarray(data)
    t = _new(Tensor)
    t._data = data
    t._requires_grad = False
    t._grad_fn = None
    t._version_counter = [0]
    t._output_nr = 0
    if INFERENCE_IN_USE[0] and _gstate.inference:
        t._inference = True
    return t


_ndarray = _backend.ndarray


def _module_name(array):
    return _backend.array_module(array).__name__


def _device_words(array):
    """How numpy() names a tensor it cannot convert (torch: "meta device type tensor")."""
    if type(array) is _MetaArray:
        return "meta device type tensor"
    return f"{_module_name(array)} array"

# torch's C attributes refuse assignment with their own words
for _name in ("dtype", "shape", "device", "ndim", "is_leaf", "_version", "is_cpu"):
    setattr(Tensor, _name, getattr(Tensor, _name).setter(_read_only(_name)))

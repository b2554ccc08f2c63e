"""torch's signatures for shape, joining, product, copy and conversion ops."""
import math
import numbers
import weakref

from .. import _backend, _meta_array
from .. import _dtype as _dt
from .._sparse_coo import SparseCoo
from ..creation import check_scalar, tensor
from ..tensor import Tensor, _wrap, _wrap_dim
from . import joining, linalg
from . import views as vw
from .._args import as_dtype, check_device, dim_list, type_name, user_stacklevel
from .._runtime_flags import warn_once
from .._size import device as _device
from ._promote import broadcast_shapes
from ._table import LINEAR, Op
from .inplace import apply_inplace, clone_op, copy_, fill_, zero_
from .indexing import warn_complex_to_real
from ._batched import refuse_batched
from .overlap import check_no_partial_overlap

xp = _backend.xp


def _sizes(size):
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        return tuple(size[0])
    return tuple(size)


def view(self, *shape, dtype=None, size=None):
    if dtype is not None or (len(shape) == 1 and isinstance(shape[0], _dt.dtype)):
        return _view_dtype(self, dtype if dtype is not None else shape[0])
    return vw.view(self, _sizes(shape) if size is None else tuple(size))


def _view_dtype(self, dtype):
    """The same bytes read as ``dtype``: the last dimension stretches or shrinks by the
    ratio of the element sizes. As in torch, the result shares the version counter and
    is outside the graph (no node, no base)."""
    refuse_batched("view(dtype) is not supported under vmap", self)
    old, new = self.element_size(), dtype.itemsize
    if old != new:
        what = (f"to view {self.dtype._cname} as {dtype._cname} (different element sizes)")
        if self.dim() == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        if self.stride(-1) != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {self.stride(-1)}")
        if new > old:
            ratio = new // old
            checks = [("self.size(-1)", self.shape[-1]),
                      ("self.storage_offset()", self.storage_offset())]
            checks += [(f"self.stride({i})", self.stride(i)) for i in range(self.dim() - 1)]
            for name, value in checks:
                if value % ratio:
                    raise RuntimeError(f"{name} must be divisible by {ratio} {what}, but got "
                                       f"{value}")
    out = _wrap(self._data.view(dtype.np))
    out._version_counter = self._version_counter
    out._inference = self._inference
    return out


def reshape(self, *shape):
    size = vw.infer_size(_sizes(shape), self.numel())
    if self.is_contiguous():
        return vw.view(self, size)
    if vw.can_view(self._data, size):
        return vw.reshape_alias(self, size)
    return vw.unsafe_view(clone(self), size)


def view_as(self, other):
    return view(self, tuple(other.shape))


def reshape_as(self, other):
    return reshape(self, tuple(other.shape))


def flatten(input, start_dim=0, end_dim=-1):
    n = input.dim()
    s, e = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
    if n == 0:
        return reshape(input, (1,))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = tuple(input.shape)
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def check_t(self, name):
    """torch's refusal of t() (``name``: t or t_) past two dims, in its sparse words for a
    sparse tensor (which also needs its dims sparse)."""
    if self.is_sparse:
        sd, dd = self.sparse_dim(), self.dense_dim()
        if sd > 2 or dd:
            raise RuntimeError(f"{name}() expects a tensor with <= 2 sparse and 0 dense "
                               f"dimensions, but got {sd} sparse and {dd} dense dimensions")
    elif self.dim() > 2:
        raise RuntimeError(f"{name}() expects a tensor with <= 2 dimensions, but self is "
                           f"{self.dim()}D")


def t(input):
    check_t(input, "t")
    return vw.t(input)


def _deprecated_on_0d(what, hint):
    warn_once(what + " on 0-D", f"{what} is deprecated on 0-D tensors. {hint}",
              stacklevel=user_stacklevel() + 1)


_IDENTITY, _CONJ = "This function is the identity in these cases.", "Consider using x.conj()."


def T(self):
    if self.dim() == 0:
        _deprecated_on_0d("Tensor.T", _IDENTITY)
    elif self.dim() != 2:
        vw.deprecated_T_warning()
    return vw.permute(self, tuple(range(self.dim() - 1, -1, -1)))


def mT(self):
    if self.dim() == 0:  # torch's deprecated identity, the same tensor
        _deprecated_on_0d("Tensor.mT", _IDENTITY)
        return self
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return transpose(self, -2, -1)


def _conj_transpose(self, what):
    if self.dim() == 0:  # torch's deprecated conj, the same tensor where that is real
        _deprecated_on_0d(what, _CONJ)
        return self.conj()
    t = transpose(self, -2, -1)
    return t.conj() if t.is_complex() else t


def mH(self):
    """The conjugate transpose of the last two dims (``Tensor.mH``)."""
    if self.dim() == 1:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. "
                           "Got 1-D tensor.")
    return _conj_transpose(self, "Tensor.mH")


def adjoint(self):
    if self.dim() == 1:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           "matrices. Got 1-D tensor.")
    return _conj_transpose(self, "adjoint()")


def H(self):
    if self.dim() == 0:
        return _conj_transpose(self, "Tensor.H")
    if self.dim() != 2:
        hint = (" For batches of matrices, consider using tensor.mH" if self.dim() > 2 else "")
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{self.dim()}-D tensor.{hint}")
    return _conj_transpose(self, "Tensor.H")


def transpose(input, dim0, dim1):
    n = input.dim()
    return vw.transpose(input, _wrap_dim(dim0, n), _wrap_dim(dim1, n))


def permute(input, *dims):
    dims = _sizes(dims)
    n = input.dim()
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. input."
                           f"dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return vw.permute(input, dims)


def expand(self, *sizes):
    sizes = _sizes(sizes)
    shape = tuple(self.shape)
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.{self.dtype._legacy}{{{list(shape)}}}, size={list(sizes)}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            out.append(cur)
        elif (cur == 1 and s >= 0) or cur == s:
            out.append(s)
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                               f"({cur}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}."
                               f"  Tensor sizes: {list(shape)}")
    return vw.expand(self, tuple(out))


def expand_as(self, other):
    return expand(self, tuple(other.shape))


def squeeze(input, dim=None):
    if dim is None:
        return vw.squeeze_all(input)
    n = input.dim()
    if isinstance(dim, (tuple, list)):
        return vw.squeeze_dims(input, dim_list(dim, n))
    return vw.squeeze_dim(input, _wrap_dim(dim, n))


def unsqueeze(input, dim):
    return vw.unsqueeze(input, _wrap_dim(dim, input.dim() + 1))


def narrow(input, dim, start, length):
    d, start = narrow_args(input, dim, start, length)
    return vw.slice_(input, d, start, start + length, 1)


def narrow_args(input, dim, start, length):
    """narrow's checks: the dim and start, wrapped."""
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if isinstance(start, Tensor):
        start = int(start.item())
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start < 0:
        start += size
    if not 0 <= start <= size or start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return d, start


def select(input, dim, index):
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return vw.select(input, d, index % size)


def split(tensor, split_size_or_sections, dim=0):
    if tensor.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, tensor.dim())
    size = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        n = split_size_or_sections
        if n < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={n}")
        if n == 0 and size:
            raise RuntimeError("split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}")
        return vw.split(tensor, n, d)
    v = split_size_or_sections
    if not isinstance(v, (list, tuple)):
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
                        f"ints, not {type_name(v)}")
    # torch's parser picks the overload by the first element (a bool is no int there), then
    # unpacks the rest (bools taken as ints); integer tensors and NumPy ints are ints
    bad = next((k for k, e in enumerate(v) if not _size_element(e, k == 0)), None)
    if bad == 0:
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
                        f"ints, but found element of type {type_name(v[0])} at pos 0")
    if bad is not None:
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' failed to unpack the object "
                        f"at pos {bad + 1} with error \"type must be tuple of ints,but got "
                        f"{type_name(v[bad])}\"")
    sizes = tuple(int(k) for k in v)
    if any(k < 0 for k in sizes):
        raise RuntimeError("split_with_sizes expects split_sizes have only non-negative entries, "
                           f"but got split_sizes={list(sizes)}")
    return vw.split_with_sizes(tensor, sizes, d)


def _size_element(v, first):
    if isinstance(v, bool):
        return not first
    return isinstance(v, numbers.Integral) or (
        isinstance(v, Tensor) and v.dim() == 0 and v._data.dtype.kind in "iu")


def chunk(input, chunks, dim=0):
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: %d" % chunks)
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if not size:  # torch gives ``chunks`` empty pieces
        return vw.split_with_sizes(input, (0,) * chunks, d)
    return vw.split(input, -(-size // chunks), d)


def unbind(input, dim=0):
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return vw.unbind(input, _wrap_dim(dim, input.dim()))


def cat(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((a for a in tensors if not (a.dim() == 1 and a.shape[0] == 0)), tensors[0])
    if ref.dim():
        _wrap_dim(dim, ref.dim())
    return joining.cat(tensors, dim)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    n = tensors[0].dim() + 1 if tensors else 1
    return joining.stack(tensors, _wrap_dim(dim, n))


def mm(input, mat2, *, out=None):
    return linalg.mm(input, mat2)


def bmm(input, mat2, *, out=None):
    return linalg.bmm(input, mat2)


def dot(input, tensor, *, out=None):
    return linalg.dot(input, tensor)


def mv(input, vec, *, out=None):
    return linalg.mv(input, vec)


def matmul(input, other, *, out=None):
    """Matrix product with torch's broadcasting, composed from dot/mv/mm/bmm as torch does
    (torch.matmul's and Tensor.matmul's parsers have refused what is not a Tensor)."""
    d1, d2 = input.dim(), other.dim()
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {d1}D "
                           f"and {d2}D")
    if d1 == 1 and d2 == 1:
        return linalg.dot(input, other)
    if d1 == 2 and d2 == 1:
        return linalg.mv(input, other)
    if d1 == 1 and d2 == 2:
        return vw.squeeze_dim_(linalg.mm(unsqueeze(input, 0), other), 0)
    if d1 == 2 and d2 == 2:
        return linalg.mm(input, other)
    if _should_fold(input, other):
        return _folded_matmul(input, other)
    # torch's batched path: expand both to the broadcast batch, fold it, one bmm
    if d1 == 3 and d2 == 3 and input.shape[0] != other.shape[0]:
        # a batch of one that requires grad is squeezed (a smaller backward)
        if input.shape[0] == 1 and input.requires_grad:
            return matmul(squeeze(input, 0), other)
        if other.shape[0] == 1 and other.requires_grad:
            return matmul(input, squeeze(other, 0))
    n = input.shape[-2] if d1 > 1 else 1
    k = input.shape[-1]
    m2 = other.shape[-2] if d2 > 1 else other.shape[0]
    p = other.shape[-1] if d2 > 1 else 1
    batch = broadcast_shapes(tuple(input.shape[:-2]), tuple(other.shape[:-2]))
    count = math.prod(batch)
    a3 = reshape(expand(input, batch + (n, k)), (count, n, k))
    if d2 == 1:
        b3 = unsqueeze(reshape(expand(other, batch + (m2,)), (count, m2)), 2)
    else:
        # b keeps its own inner dims: a mismatch in k is bmm's to report, as in torch
        b3 = reshape(expand(other, batch + (m2, p)), (count, m2, p))
    out_shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    out = linalg.bmm(a3, b3)
    return vw.unsafe_view(squeeze(out, -1) if d2 == 1 else out, out_shape)


def _should_fold(tensor1, tensor2):
    """torch's test for folding the batch of the larger operand into one mm or mv."""
    larger = tensor1.dim() >= tensor2.dim()
    t1 = tensor1 if larger else mT(tensor2)
    dim_t2 = tensor2.dim() if larger else tensor1.dim()
    if not (t1.dim() >= 3 and dim_t2 <= 2):
        return False
    # the smaller operand requires grad: fold even at the price of a copy (a smaller backward)
    if (tensor2 if larger else tensor1).requires_grad:
        return True
    if tensor1.dim() == 2:
        return False
    if t1.numel() == 0:
        return True
    shape, strides = t1.shape, t1.stride()
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(t1.dim() - 2))


def _folded_matmul(tensor1, tensor2):
    transpose = tensor2.dim() > tensor1.dim()
    t1 = mT(tensor2) if transpose else tensor1
    t2 = (t(tensor1) if tensor1.dim() == 2 else tensor1) if transpose else tensor2
    out_shape = tuple(t1.shape[:-1])
    folded = reshape(t1, (math.prod(out_shape), t1.shape[-1]))
    if t2.dim() == 2:
        out = vw.unsafe_view(linalg.mm(folded, t2), out_shape + (t2.shape[1],))
        return contiguous(mT(out)) if transpose else out
    return vw.unsafe_view(linalg.mv(folded, t2), out_shape)


def matmul_operator(self, other):
    """``self @ other``: NotImplemented for what is not a Tensor, so that Python raises its
    own TypeError (unsupported operand types), as torch's operator does."""
    return matmul(self, other) if isinstance(other, Tensor) else NotImplemented


def rmatmul(self, other):
    return matmul(other, self) if isinstance(other, Tensor) else NotImplemented


def clone(input, *, memory_format=None):
    if memory_format is not None and repr(memory_format) == "torch.contiguous_format":
        return clone_op(input, True)
    return clone_op(input)


def contiguous(self, memory_format=None):
    if self.is_contiguous():
        return self
    if type(self._data) is SparseCoo:
        raise RuntimeError("unsupported memory format option Contiguous")
    return clone_op(self, True)


# ToCopyBackward0's gradient is the grad itself: the engine casts it back to the input's
# dtype (NOTE [Broadcasting is undone by the engine]).
to_copy = Op("ToCopyBackward0", lambda self, dtype: _backend.astype(
    self, _dt.native(dtype, _backend.array_module(self))), jvp=LINEAR,
             self=lambda grad: grad)


def _to_meta(self, dtype):
    return _meta_array.MetaArray(self.shape, _dt.native(dtype, _backend.META))


def _from_meta(grad):
    """The gradient of a move to the meta device, which would have to be copied out of it."""
    raise NotImplementedError("Cannot copy out of meta tensor; no data!")


# a move to the meta device (NOTE [Meta arrays]): a copy, as torch's _to_copy records it,
# whose backward is a move back that has no data to move
to_meta = Op("ToCopyBackward0", _to_meta, jvp=LINEAR, self=lambda grad: _from_meta(grad))


def _wanted_device(value, meta):
    """The device type ``to`` is asked for, given ``check_device``'s answer ``meta``."""
    return None if value is None else "meta" if meta is not None else "cpu"


def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False, memory_format=None):
    target = None if device is None else _wanted_device(device, check_device(device, "to"))
    dtype = as_dtype("to", dtype)
    for a in args:
        if isinstance(a, _dt.dtype) or a in (float, int, bool, complex):
            dtype = as_dtype("to", a)
        elif isinstance(a, Tensor):
            dtype = a.dtype
            target = "meta" if a.is_meta else "cpu"
        elif isinstance(a, (str, _device)):
            target = _wanted_device(a, check_device(a, "to"))
    if target is not None and (target == "meta") is not self.is_meta:
        if target == "cpu":
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        return to_meta(self, self.dtype if dtype is None else dtype)
    if dtype is None or (dtype is self.dtype and not copy):
        return self
    out = to_copy(self, dtype)
    warn_complex_to_real(out, self)
    return out


def _caster(d):
    def cast(self, memory_format=None):
        return to(self, d)
    cast.__name__ = d._name
    return cast


CONVERSIONS = {"float": _dt.float32, "double": _dt.float64, "half": _dt.float16,
               "bfloat16": _dt.bfloat16, "long": _dt.int64, "int": _dt.int32, "short": _dt.int16, "char": _dt.int8,
               "byte": _dt.uint8, "bool": _dt.bool, "cfloat": _dt.complex64,
               "cdouble": _dt.complex128}


_RESIZED = {}    # id of an array resize_ made -> (a weak reference to it, the storage it views)


def resize_(self, *size, memory_format=None):
    """Give the tensor ``size``, keeping its elements in storage order: a smaller size
    keeps the first elements, a larger one appends zeros (torch leaves that memory
    uninitialised; dyngrad's empty memory is zeros, as torch.empty's is)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(int(n) for n in size)
    if any(n < 0 for n in shape):
        raise RuntimeError("numel: integer multiplication overflow")
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    numel = 1
    for n in shape:
        numel *= n
    data = self._data
    if shape != data.shape:
        if self._base is not None or not data.flags.c_contiguous:
            if numel > data.size or not data.flags.c_contiguous:
                raise NotImplementedError("dyngrad's resize_ of a view (or a non-contiguous "
                                          "tensor) to another shape: it cannot grow storage it "
                                          "shares")
            self._data = data.reshape(-1)[:numel].reshape(shape)
        else:
            # the storage keeps its size when the tensor shrinks, so growing back within
            # it shows the old elements again, as torch's does (only storage resize_ knows
            # to be the tensor's own: an op's result may view a larger array)
            known = _RESIZED.get(id(data))
            storage = (known[1] if known and known[0]() is data else data).reshape(-1)
            if numel <= storage.size:
                self._data = storage[:numel].reshape(shape)
            else:
                old, storage = storage, xp.zeros(numel, dtype=data.dtype)
                storage[:old.size] = old
                self._data = storage.reshape(shape)
            key = id(self._data)
            _RESIZED[key] = (weakref.ref(self._data, lambda _, k=key: _RESIZED.pop(k, None)),
                             storage)
    if shape != data.shape:     # resizing to the same shape is not a write
        self._version_counter[0] += 1
    return self


def resize_as_(self, the_template, *, memory_format=None):
    return resize_(self, tuple(the_template.shape))


def zero_method(self):
    return apply_inplace(zero_, self, (self,))


def check_fill_value(self, value):
    """fill_'s refusals of a value (torch.fill's too): a number that does not fit the
    tensor's dtype, a tensor that is not 0-dim."""
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.dim()} dimensions.")
        return
    if type(value) is int:  # (torch reads it as int64 or, from 2 ** 63, as uint64)
        if value < -2**63:
            raise OverflowError("can't convert negative int to unsigned")
        if value >= 2**64:
            raise OverflowError("int too big to convert")
    if isinstance(value, complex) and self._data.dtype.kind != "c":
        name = "double" if self._data.dtype.itemsize == 8 else "float"
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")
    check_scalar(value, self._data.dtype)


def fill_method(self, value):
    check_fill_value(self, value)
    return apply_inplace(fill_, self, (self, value))


def copy_method(self, src, non_blocking=False):
    if not isinstance(src, Tensor):  # a number (NumPy's too: the parser refused the rest),
        src = tensor(src)            # which torch wraps as a 0-d tensor
    check_no_partial_overlap(self._data, [src._data])
    warn_complex_to_real(self, src)
    try:
        shape = xp.broadcast_shapes(tuple(src.shape), tuple(self.shape))
        if shape != tuple(self.shape):
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the "
                               f"broadcast shape {list(shape)}")
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self.shape[-1]}) must match the size of tensor "
                           f"b ({src.shape[-1]}) at non-singleton dimension "
                           f"{self.dim() - 1}") from None
    return apply_inplace(copy_, self, (self, src))

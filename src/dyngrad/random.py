"""Generator, manual_seed and the samplers, on torch's own CPU random stream.

The numbers come from ``_cpu_generator.CPUGenerator``, which reproduces torch's CPU
generator bit for bit: the same seed gives the same tensors in dyngrad and torch.
"""
from . import _backend
from ._meta_array import MetaArray
from . import _dtype as _dt
from ._arg_parser import Parser
from ._args import broadcast_shapes, check_device, check_layout, type_name
from .creation import _default, _leaf, _size
from ._autograd_state import state as _state
from ._kernel_dtypes import ALL_BUT_COMPLEX, check_kernel
from .tensor import Tensor, _wrap

xp = _backend.xp

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "rand", "randn", "randint", "randperm", "normal",
           "rand_like", "randn_like", "randint_like", "bernoulli"]


_NO_CUDA_GENERATOR = (
    "Cannot get CUDA generator without ATen_cuda library. PyTorch splits its backend into two "
    "shared libraries: a CPU library and a CUDA library; this error has occurred because you "
    "are trying to use some CUDA functionality, but the CUDA library has not been loaded by the "
    "dynamic linker for some reason.  The CUDA library MUST be loaded, EVEN IF you don't "
    "directly use any symbols from the CUDA library! One common culprit is a lack of "
    "-Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic "
    "library dependencies if you don't depend on any of their symbols.  You can check if this "
    "has occurred by using ldd on your binary to see if there is a dependency on *_cuda.so "
    "library.")


class Generator:
    """A CPU random number generator with torch's state and stream."""

    def __init__(self, device="cpu"):
        if isinstance(device, str) and device.split(":")[0] == "cuda":
            raise RuntimeError(_NO_CUDA_GENERATOR)
        check_device(device, "Generator")
        self.device = device
        self._state = None

    @property
    def _impl(self):
        # made on first use: importing dyngrad should not pay for seeding mt19937
        if self._state is None:
            from ._cpu_generator import CPUGenerator
            self._state = CPUGenerator()
        return self._state

    def manual_seed(self, seed):
        if not isinstance(seed, int):
            if not hasattr(seed, "__int__") or isinstance(seed, str):
                raise RuntimeError(f"manual_seed expected a long, but got {type_name(seed)}")
            seed = int(seed)
        self._impl.manual_seed(seed)
        return self

    def initial_seed(self):
        return self._impl.initial_seed()

    def seed(self):
        return self._impl.seed()

    def get_state(self):
        return _wrap(self._impl.get_state())

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        self._impl.set_state(new_state._data)
        return self

    def __repr__(self):
        return f"<dyngrad._C.Generator object at {hex(id(self))}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator; returns it, as torch does."""
    return default_generator.manual_seed(int(seed))


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


# The overloads torch's parser accepts for each factory, as its messages print them.
_TAIL = ("Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
         "torch.device device = None, bool pin_memory = False, bool requires_grad = False")
_GEN = "torch.Generator generator, "
SIGNATURES = {
    "rand": [f"tuple of ints size, *, {_GEN}{_TAIL}", f"tuple of ints size, *, {_TAIL}"],
    "randn": [f"tuple of ints size, *, {_GEN}{_TAIL}", f"tuple of ints size, *, {_TAIL}"],
    "randperm": [f"int n, *, {_GEN}{_TAIL}", f"int n, *, {_TAIL}"],
    "randint": [f"int high, tuple of ints size, *, {_GEN}{_TAIL}",
                f"int high, tuple of ints size, *, {_TAIL}",
                f"int low, int high, tuple of ints size, *, {_GEN}{_TAIL}",
                f"int low, int high, tuple of ints size, *, {_TAIL}"],
    "normal": ["Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None",
               "Tensor mean, float std = 1, *, torch.Generator generator = None, "
               "Tensor out = None",
               "float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None",
               "float mean, float std, tuple of ints size, *, torch.Generator generator = None, "
               f"{_TAIL}"],
}


def _refused(fn, args, kwargs):
    """The TypeError of a call none of ``fn``'s overloads takes (torch's parser)."""
    return Parser(fn, SIGNATURES[fn]).error(args, kwargs)


def _check(fn, args, kwargs, device, requires_grad, pin_memory=False, layout=None):
    """A factory's keyword arguments; a wrong type matches none of its overloads."""
    if type(requires_grad) is not bool or type(pin_memory) is not bool:
        given = {k: v for k, v in kwargs.items() if v is not False}
        raise _refused(fn, args, given)
    meta = check_device(device, fn)
    check_layout(layout, fn)
    return meta


def _shape_or_size(fn, shape, size, **given):
    """The size of ``rand(2, 3)``, ``rand((2, 3))`` or ``rand(size=(2, 3))``; none, or both,
    match none of torch's overloads."""
    if (size is None) == (not shape) or size is not None and not isinstance(size, (tuple, list)):
        given = {k: v for k, v in given.items() if v is not None and v is not False}
        raise _refused(fn, shape, given if size is None else dict(given, size=size))
    return shape if size is None else (size,)


def _meta(shape, dtype, requires_grad=False):
    """A new meta tensor: the meta device draws nothing (torch's leaves the generator
    where it was)."""
    return _leaf(MetaArray(shape, dtype), requires_grad)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _generator(generator):
    return (generator or default_generator)._impl


# NOTE [Random ops under vmap]
# A draw inside vmap follows the vmap's ``randomness`` (ops/batching/randomness.py holds
# the rules): every sampler here says which kind of draw it is, once, through one of
#   _drawn        a new tensor of a given shape (rand, randn, randint, normal(float, ...))
#   _like         a new tensor shaped and laid out like a tensor (rand_like, ...)
#   _per_element  a draw per element of tensor parameters (bernoulli(p), normal(mean, std))
#   _per_element_op  the same by an op of the table (poisson, _standard_gamma), which
#                 records its node per sample
#   _fill         an in-place draw into a tensor (uniform_, normal_, ...)
# and outside vmap each is the plain draw. The rules sit with the other batching rules,
# above this layer: they are imported when a vmap is running.

def _drawn(shape, draw, requires_grad=False):
    """A new tensor of ``shape`` holding ``draw(shape)`` (an array)."""
    if _state.batching:
        from .ops.batching.randomness import factory
        return factory(tuple(shape), lambda s: _wrap(draw(s)))
    return _leaf(draw(shape), requires_grad)


def _memory_order(a):
    """The axes of ``a`` from its slowest to its fastest stride: the order in which torch
    fills a strided tensor (its TensorIterator walks memory, not the logical shape)."""
    return sorted(range(a.ndim), key=lambda k: (-abs(a.strides[k]), k))


def _dense(a):
    """Whether ``a`` covers its memory with no gaps and no overlaps (torch's
    non-overlapping-and-dense: what ``empty_like`` keeps the strides of)."""
    expected = a.itemsize
    for k in reversed(_memory_order(a)):
        if a.shape[k] != 1 and a.strides[k] != expected:
            return False
        expected *= a.shape[k]
    return True


def _write_drawn(a, draw):
    """Fill array ``a`` with ``draw(shape, contiguous)`` in torch's order: through memory."""
    order = _memory_order(a)
    walk = a.transpose(order)
    contiguous = a.flags.c_contiguous
    walk[...] = draw(walk.shape, contiguous)


def _like_array(a, dtype):
    """torch's ``empty_like``: ``a``'s strides when it is dense, C order otherwise."""
    if a.ndim < 2 or not _dense(a):
        return xp.empty(a.shape, dtype)
    order = _memory_order(a)
    back = sorted(range(a.ndim), key=order.__getitem__)
    return xp.empty(tuple(a.shape[k] for k in order), dtype).transpose(back)


def _like(input, dtype, draw, requires_grad):
    """A new tensor like ``input`` holding ``draw(shape, dtype, contiguous)``."""
    if _state.batching:
        from .ops.batching.randomness import like
        return like(input, lambda t: _like_plain(t, dtype, draw, False))
    return _like_plain(input, dtype, draw, requires_grad)


def _like_plain(input, dtype, draw, requires_grad):
    if type(input._data) is MetaArray:
        return _meta(input.shape, input._data.dtype if dtype is None else dtype.np,
                     requires_grad)
    out = _like_array(input._data, input._data.dtype if dtype is None else dtype.np)
    _write_drawn(out, lambda shape, contiguous: draw(shape, out.dtype, contiguous))
    return _leaf(out, requires_grad)


def _per_element(fn, *args):
    """``fn(*args)``: a draw per element of the tensors among ``args``."""
    if _state.batching:
        from .ops.batching.randomness import per_element
        return per_element(fn, args)
    return fn(*args)


def _per_element_op(op, *args):
    """``op(*args)``: a random op of the table (poisson, _standard_gamma) drawing per element
    of its first argument; under vmap the op itself sees the batch (its graph then is each
    sample's)."""
    if _state.batching:
        from .ops.batching.randomness import per_element_op
        return per_element_op(op, args)
    return op(*args)


_BF16 = _dt.bfloat16.np if _dt.bfloat16 in _dt.ALL else None


def _float_dtype(dtype, name):
    d = _default(dtype)
    if d.kind not in "fc" and d != _BF16:
        raise NotImplementedError(f'"{name}" not implemented for \'{_dt._FROM_NP[d]._cname}\'')
    return d


def rand(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False,
         out=None, layout=None, pin_memory=False):
    size = _shape_or_size("rand", shape, size, generator=generator, dtype=dtype,
                          device=device, requires_grad=requires_grad, out=out, layout=layout,
                          pin_memory=pin_memory)
    meta = _check("rand", size, {"requires_grad": requires_grad, "pin_memory": pin_memory},
                  device, requires_grad, pin_memory, layout=layout)
    d = _float_dtype(dtype, "check_uniform_bounds")
    if meta:
        return _meta(_size(size, "rand"), d, requires_grad)
    gen = _generator(generator)
    return _drawn(_size(size, "rand"), lambda s: gen.uniform(s, d, 0.0, 1.0), requires_grad)


def randn(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False,
          out=None, layout=None, pin_memory=False):
    size = _shape_or_size("randn", shape, size, generator=generator, dtype=dtype,
                          device=device, requires_grad=requires_grad, out=out, layout=layout,
                          pin_memory=pin_memory)
    meta = _check("randn", size, {"requires_grad": requires_grad, "pin_memory": pin_memory},
                  device, requires_grad, pin_memory, layout=layout)
    d = _float_dtype(dtype, "normal_kernel_cpu")
    if meta:
        return _meta(_size(size, "randn"), d, requires_grad)
    gen = _generator(generator)
    return _drawn(_size(size, "randn"), lambda s: gen.normal(s, d, 0.0, 1.0), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, out=None, layout=None, pin_memory=False):
    given = tuple(a for a in (low, high, size) if a is not None)
    meta = _check("randint", given, {"requires_grad": requires_grad, "pin_memory": pin_memory},
                  device, requires_grad, pin_memory, layout=layout)
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None or not _is_int(low) or not _is_int(high) or not isinstance(size, (tuple, list)):
        if high is not None and _is_int(low) and _is_int(high) and len(given) == 2:
            raise TypeError(f"randint(): argument 'size' (position 2) must be tuple of ints, "
                            f"not {type_name(size)}")
        raise _refused("randint", given, {})
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    d = xp.dtype(xp.int64) if dtype is None else dtype.np
    if meta:
        return _meta(_size((size,), "randint"), d, requires_grad)
    gen = _generator(generator)
    return _drawn(_size((size,), "randint"), lambda s: gen.randint(s, low, high, d),
                  requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None,
             layout=None, pin_memory=False):
    meta = _check("randperm", (n,), {"requires_grad": requires_grad, "pin_memory": pin_memory},
                  device, requires_grad, pin_memory, layout=layout)
    if not _is_int(n):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {type_name(n)}")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = xp.dtype(xp.int64) if dtype is None else dtype.np
    if meta:
        return _meta((n,), d, requires_grad)
    gen = _generator(generator)
    return _drawn((n,), lambda s: _randperms(gen, s, d), requires_grad)


def _randperms(gen, shape, dtype):
    """A permutation of ``shape[-1]`` per leading index (under vmap's 'different', one per
    sample, drawn one after the other as torch draws them)."""
    rows = [gen.randperm(shape[-1], dtype) for _ in range(int(xp.prod(shape[:-1])))]
    return xp.stack(rows).reshape(shape) if rows else xp.empty(shape, dtype)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, out=None,
           requires_grad=False, device=None, layout=None, pin_memory=False):
    meta = check_device(device, "normal")
    given = tuple(a for a in (mean, std, size) if a is not None)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None or not isinstance(mean, (Tensor, float, int)) or not isinstance(
                std, (Tensor, float, int)):
            raise _refused("normal", given, {})
        if not isinstance(std, Tensor) and std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        gen = _generator(generator)
        return _per_element(lambda m, s: _normal_tensors(gen, m, s), mean, std)
    if size is None or not all(isinstance(v, (float, int)) for v in (mean, std)) or not \
            isinstance(size, (tuple, list)):
        raise _refused("normal", given, {})
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    d = _float_dtype(dtype, "normal_kernel_cpu")
    if meta:
        return _meta(_size((size,), "normal"), d, requires_grad)
    gen = _generator(generator)
    return _drawn(_size((size,), "normal"), lambda s: gen.normal(s, d, float(mean), float(std)),
                  requires_grad)


def _normal_tensors(gen, mean, std):
    """torch.normal with a tensor mean or std: standard normals scaled and shifted."""
    ref = mean if isinstance(mean, Tensor) else std
    if type(ref._data) is MetaArray:  # the meta device: the shape, nothing drawn
        shape = broadcast_shapes(getattr(mean, "shape", ()), getattr(std, "shape", ()))
        return _meta(tuple(shape), ref._data.dtype)
    if isinstance(std, Tensor) and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    shape = broadcast_shapes(getattr(mean, "shape", ()), getattr(std, "shape", ()))
    ref = mean if isinstance(mean, Tensor) else std
    z = gen.normal(tuple(shape), ref._data.dtype, 0.0, 1.0)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    return _wrap((z * s + m).astype(ref._data.dtype, copy=False))


def rand_like(input, *, dtype=None, generator=None, requires_grad=False, device=None,
              layout=None, memory_format=None):
    gen = _generator(generator)
    return _like(input, dtype, lambda shape, d, _: gen.uniform(shape, d, 0.0, 1.0),
                 requires_grad)


def randn_like(input, *, dtype=None, generator=None, requires_grad=False, device=None,
               layout=None, memory_format=None):
    gen = _generator(generator)
    return _like(input, dtype, lambda shape, d, contiguous: gen.normal(shape, d, 0.0, 1.0,
                                                                      contiguous),
                 requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, generator=None, requires_grad=False,
                 device=None, layout=None, memory_format=None):
    if high is None:
        low, high = 0, low
    gen = _generator(generator)
    return _like(input, dtype, lambda shape, d, _: gen.randint(shape, low, high, d),
                 requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Draws 0/1 with the probabilities in ``input`` (or a scalar ``p``), as torch draws them."""
    if type(input._data) is MetaArray:
        return _meta(input.shape, input._data.dtype)
    gen = _generator(generator)
    if p is not None:
        return _per_element(lambda t: _wrap(gen.bernoulli(t._data.shape, t._data.dtype, p)),
                            input)
    return _per_element(lambda t: _wrap(gen.bernoulli_tensor(t._data)), input)


def bernoulli_mask(input, shape, p):
    """Dropout's noise: 0/1 draws of ``shape``, 1 with probability ``p``. Of the input's
    shape it is laid out like the input (torch's empty_like, filled through memory); under
    vmap a fresh draw of the shape whatever the input's batching, as torch's dropout rule
    draws it."""
    gen = _generator(None)
    if type(input._data) is MetaArray:
        return _meta(shape, input._data.dtype)
    if not _state.batching and tuple(shape) == tuple(input.shape):
        return _like_plain(input, None, lambda s, d, _: gen.bernoulli(s, d, p), False)
    return _drawn(shape, lambda s: gen.bernoulli(s, input._data.dtype, p))


# -- in-place samplers: Tensor.uniform_, normal_, random_, bernoulli_ ----------------------
def _fill(self, draw):
    """Write ``draw(shape, dtype, contiguous)`` into ``self``, in place."""
    if _state.batching:
        from .ops.batching.randomness import fill
        fill(self, lambda t: _fill_plain(t, draw))
        return self
    return _fill_plain(self, draw)


def _fill_plain(self, draw):
    from .ops.inplace import check_inplace
    check_inplace(self)
    data = self._data
    if type(data) is not MetaArray:  # a meta tensor has nothing to write
        _write_drawn(data, lambda shape, contiguous: draw(shape, data.dtype, contiguous))
    if not self._inference:
        self._version_counter[0] += 1
    return self


def _check_floats(fn, names, values):
    for k, (name, v) in enumerate(zip(names, values)):
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise TypeError(f"{fn}(): argument '{name}' (position {k + 1}) must be float, not "
                            f"{type_name(v)}")


def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    _check_floats("uniform_", ("from", "to"), (from_, to))
    gen = _generator(generator)
    return _fill(self, lambda shape, d, _: gen.uniform(shape, d, from_, to))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    _check_floats("normal_", ("mean", "std"), (mean, std))
    gen = _generator(generator)
    return _fill(self, lambda shape, d, contiguous: gen.normal(shape, d, mean, std, contiguous))


def exponential_(self, lambd=1.0, *, generator=None):
    gen = _generator(generator)
    return _fill(self, lambda shape, d, _: gen.exponential(shape, d, lambd))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    gen = _generator(generator)
    return _fill(self, lambda shape, d, _: gen.cauchy(shape, d, median, sigma))


def geometric_(self, p, *, generator=None):
    gen = _generator(generator)
    return _fill(self, lambda shape, d, _: gen.geometric(shape, d, p))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    gen = _generator(generator)
    return _fill(self, lambda shape, d, _: gen.log_normal(shape, d, mean, std))


def bernoulli_(self, p=0.5, *, generator=None):
    gen = _generator(generator)
    if isinstance(p, Tensor):
        if _state.batching:
            from .ops._batched import BatchedTensor
            from .ops.batching.randomness import fill
            if isinstance(p, BatchedTensor):
                raise NotImplementedError("vmap: bernoulli_ with a batched tensor of "
                                          "probabilities is not supported yet")
            fill(self, lambda t: _bernoulli_tensor_(t, p, gen))
            return self
        return _bernoulli_tensor_(self, p, gen)
    check_kernel(self._data, "bernoulli_scalar_cpu_", ALL_BUT_COMPLEX)
    return _fill(self, lambda shape, d, _: gen.bernoulli(shape, d, p))


def _bernoulli_tensor_(self, p, gen):
    """``self.bernoulli_(p)`` with a tensor of probabilities, broadcast to self's shape:
    torch's serial kernel, drawing through self's memory as ``_write_drawn`` does."""
    from .ops.inplace import check_inplace
    from .ops.overlap import check_no_partial_overlap
    check_inplace(self)
    data = self._data
    check_kernel(data, "bernoulli_tensor_cpu_self_", ALL_BUT_COMPLEX)
    probs = p.detach().expand(data.shape)._data
    if not _backend.writeable(data):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    check_no_partial_overlap(data, [probs])
    order = _memory_order(data)
    walk = data.transpose(order)
    drawn = walk.copy()  # (C order in walk's shape: what the generator writes into)
    try:
        gen.bernoulli_tensor(probs.transpose(order), out=drawn)
    finally:  # an out-of-range p raises with the draws before it written, as torch's do
        walk[...] = drawn
    if not self._inference:
        self._version_counter[0] += 1
    return self


def random_(self, *bounds, generator=None, **named):
    """``random_()``: the dtype's whole range; ``random_(to)``: [0, to); ``random_(from,
    to)``: [from, to)."""
    if "from" in named or "to" in named:
        bounds = (named.get("from", 0), named["to"]) if "to" in named else (named["from"],)
    gen = _generator(generator)
    if not bounds:
        return _fill(self, lambda shape, d, _: gen.random_(shape, d))
    from_, to = (0, bounds[0]) if len(bounds) == 1 else bounds
    if to is None:
        return _fill(self, lambda shape, d, _: gen.random_from(shape, from_, d))
    return _fill(self, lambda shape, d, _: gen.randint(shape, from_, to, d))

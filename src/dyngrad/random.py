"""Generator, manual_seed and the samplers, on torch's own CPU random stream.

The numbers come from ``_cpu_generator.CPUGenerator``, which reproduces torch's CPU
generator bit for bit: the same seed gives the same tensors in dyngrad and torch.
"""
from . import _backend
from . import _dtype as _dt
from ._arg_parser import Parser
from ._args import broadcast_shapes, check_device, type_name
from .creation import _default, _leaf, _size
from ._autograd_state import state as _state
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


def _check(fn, args, kwargs, device, requires_grad, pin_memory=False):
    """A factory's keyword arguments; a wrong type matches none of its overloads."""
    if type(requires_grad) is not bool or type(pin_memory) is not bool:
        given = {k: v for k, v in kwargs.items() if v is not False}
        raise _refused(fn, args, given)
    check_device(device, fn)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


_RANDOM_UNDER_VMAP = (
    "vmap: called random operation while in randomness error mode. Please either use the "
    "'same' or 'different' randomness flags on vmap or perform the randomness operation out of "
    "vmap")


def _gen(generator):
    """The generator a draw takes its numbers from; under vmap, its ``randomness`` decides
    first whether the draw may happen (one draw shared by the batch is 'same')."""
    if _state.batching:
        mode = _state.batching[-1][2]
        if mode == "error":
            raise RuntimeError(_RANDOM_UNDER_VMAP)
        if mode == "different":
            raise NotImplementedError("vmap: randomness='different' is not supported yet for "
                                      "random operations; use randomness='same', or draw the "
                                      "random numbers outside vmap")
    return (generator or default_generator)._impl


def _float_dtype(dtype, name):
    d = _default(dtype)
    if d.kind not in "fc":
        raise NotImplementedError(f'"{name}" not implemented for \'{_dt._FROM_NP[d]._cname}\'')
    return d


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None,
         layout=None, pin_memory=False):
    _check("rand", size, {"requires_grad": requires_grad, "pin_memory": pin_memory}, device,
           requires_grad, pin_memory)
    d = _float_dtype(dtype, "check_uniform_bounds")
    return _leaf(_gen(generator).uniform(_size(size, "rand"), d, 0.0, 1.0), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None,
          layout=None, pin_memory=False):
    _check("randn", size, {"requires_grad": requires_grad, "pin_memory": pin_memory}, device,
           requires_grad, pin_memory)
    d = _float_dtype(dtype, "normal_kernel_cpu")
    return _leaf(_gen(generator).normal(_size(size, "randn"), d, 0.0, 1.0), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, out=None, layout=None, pin_memory=False):
    given = tuple(a for a in (low, high, size) if a is not None)
    _check("randint", given, {"requires_grad": requires_grad, "pin_memory": pin_memory}, device,
           requires_grad, pin_memory)
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
    return _leaf(_gen(generator).randint(_size((size,), "randint"), low, high, d), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None,
             layout=None, pin_memory=False):
    _check("randperm", (n,), {"requires_grad": requires_grad, "pin_memory": pin_memory}, device,
           requires_grad, pin_memory)
    if not _is_int(n):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {type_name(n)}")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = xp.dtype(xp.int64) if dtype is None else dtype.np
    return _leaf(_gen(generator).randperm(n, d), requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, out=None,
           requires_grad=False, device=None, layout=None, pin_memory=False):
    check_device(device, "normal")
    given = tuple(a for a in (mean, std, size) if a is not None)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        _refuse_batched("normal", mean, std)
        if size is not None or not isinstance(mean, (Tensor, float, int)) or not isinstance(
                std, (Tensor, float, int)):
            raise _refused("normal", given, {})
        if isinstance(std, Tensor):
            if (std._data < 0).any():
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        shape = broadcast_shapes(getattr(mean, "shape", ()), getattr(std, "shape", ()))
        ref = mean if isinstance(mean, Tensor) else std
        z = _gen(generator).normal(tuple(shape), ref._data.dtype, 0.0, 1.0)
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        return _wrap((z * s + m).astype(ref._data.dtype, copy=False))
    if size is None or not all(isinstance(v, (float, int)) for v in (mean, std)) or not \
            isinstance(size, (tuple, list)):
        raise _refused("normal", given, {})
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    d = _float_dtype(dtype, "normal_kernel_cpu")
    return _leaf(_gen(generator).normal(_size((size,), "normal"), d, float(mean), float(std)), requires_grad)


def rand_like(input, *, dtype=None, generator=None, requires_grad=False, device=None,
              layout=None, memory_format=None):
    d = input._data.dtype if dtype is None else dtype.np
    return _leaf(_gen(generator).uniform(input._data.shape, d, 0.0, 1.0), requires_grad)


def randn_like(input, *, dtype=None, generator=None, requires_grad=False, device=None,
               layout=None, memory_format=None):
    d = input._data.dtype if dtype is None else dtype.np
    return _leaf(_gen(generator).normal(input._data.shape, d, 0.0, 1.0), requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, generator=None, requires_grad=False,
                 device=None, layout=None, memory_format=None):
    if high is None:
        low, high = 0, low
    d = input._data.dtype if dtype is None else dtype.np
    return _leaf(_gen(generator).randint(input._data.shape, low, high, d), requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Draws 0/1 with the probabilities in ``input`` (or a scalar ``p``), as torch draws them."""
    if p is not None:
        return _wrap(_gen(generator).bernoulli(input._data.shape, input._data.dtype, p))
    _refuse_batched("bernoulli", input)
    return _wrap(_gen(generator).bernoulli_tensor(input._data))


# -- in-place samplers: Tensor.uniform_, normal_, random_, bernoulli_ ----------------------
def _refuse_batched(name, *args):
    """Draws shaped by the values of a batched tensor (probabilities, means) are not built
    for vmap: refused rather than drawn from one sample's values."""
    if any(getattr(a, "_value", None) is not None for a in args):
        raise NotImplementedError(f"vmap: torch.{name} with a batched tensor argument is not "
                                  "supported yet; draw outside vmap")


def _fill(self, values):
    from .ops.inplace import check_inplace
    value = getattr(self, "_value", None)
    if value is not None:  # a batched tensor under vmap: the same draw for every sample
        _fill(value, values)
        return self
    check_inplace(self)
    self._data[...] = values
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
    return _fill(self, _gen(generator).uniform(self._data.shape, self._data.dtype, from_, to))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    _check_floats("normal_", ("mean", "std"), (mean, std))
    return _fill(self, _gen(generator).normal(self._data.shape, self._data.dtype, mean, std))


def exponential_(self, lambd=1.0, *, generator=None):
    return _fill(self, _gen(generator).exponential(self._data.shape, self._data.dtype, lambd))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    return _fill(self, _gen(generator).cauchy(self._data.shape, self._data.dtype, median, sigma))


def bernoulli_(self, p=0.5, *, generator=None):
    return _fill(self, _gen(generator).bernoulli(self._data.shape, self._data.dtype, p))


def random_(self, *bounds, generator=None, **named):
    """``random_()``: the dtype's whole range; ``random_(to)``: [0, to); ``random_(from,
    to)``: [from, to)."""
    if "from" in named or "to" in named:
        bounds = (named.get("from", 0), named["to"]) if "to" in named else (named["from"],)
    if not bounds:
        return _fill(self, _gen(generator).random_(self._data.shape, self._data.dtype))
    from_, to = (0, bounds[0]) if len(bounds) == 1 else bounds
    if to is None:
        return _fill(self, _gen(generator).random_from(self._data.shape, from_,
                                                        self._data.dtype))
    return _fill(self, _gen(generator).randint(self._data.shape, from_, to, self._data.dtype))

"""Generator, manual_seed and the samplers, on torch's own CPU random stream.

The numbers come from ``_cpu_generator.CPUGenerator``, which reproduces torch's CPU
generator bit for bit: the same seed gives the same tensors in dyngrad and torch.
"""
from . import _backend
from . import _dtype as _dt
from .creation import _default, _leaf, _size
from .tensor import Tensor, _wrap

xp = _backend.xp

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "rand", "randn", "randint", "randperm", "normal",
           "rand_like", "randn_like", "randint_like", "bernoulli"]


class Generator:
    """A CPU random number generator with torch's state and stream."""

    def __init__(self, device="cpu"):
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
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _gen(generator):
    return (generator or default_generator)._impl


def _float_dtype(dtype, name):
    d = _default(dtype)
    if d.kind not in "fc":
        raise RuntimeError(f'"{name}" not implemented for \'{_dt._FROM_NP[d]._cname}\'')
    return d


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None,
         layout=None, pin_memory=False):
    d = _float_dtype(dtype, "check_uniform_bounds")
    return _leaf(_gen(generator).uniform(_size(size), d, 0.0, 1.0), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None,
          layout=None, pin_memory=False):
    d = _float_dtype(dtype, "normal_kernel_cpu")
    return _leaf(_gen(generator).normal(_size(size), d, 0.0, 1.0), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, out=None, layout=None, pin_memory=False):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'size'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    d = xp.dtype(xp.int64) if dtype is None else dtype.np
    return _leaf(_gen(generator).randint(_size((size,)), low, high, d), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None,
             layout=None, pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    d = xp.dtype(xp.int64) if dtype is None else dtype.np
    return _leaf(_gen(generator).randperm(n, d), requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, out=None,
           requires_grad=False, device=None, layout=None, pin_memory=False):
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        shape = xp.broadcast_shapes(getattr(mean, "shape", ()), getattr(std, "shape", ()))
        ref = mean if isinstance(mean, Tensor) else std
        z = _gen(generator).normal(tuple(shape), ref._data.dtype, 0.0, 1.0)
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        return _wrap((z * s + m).astype(ref._data.dtype, copy=False))
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    d = _float_dtype(dtype, "normal_kernel_cpu")
    return _leaf(_gen(generator).normal(_size((size,)), d, float(mean), float(std)), requires_grad)


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
    return _wrap(_gen(generator).bernoulli_tensor(input._data))


# -- in-place samplers: Tensor.uniform_, normal_, random_, bernoulli_ ----------------------
def _fill(self, values):
    from .ops.inplace import check_inplace
    check_inplace(self)
    self._data[...] = values
    if not self._inference:
        self._version_counter[0] += 1
    return self


def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    return _fill(self, _gen(generator).uniform(self._data.shape, self._data.dtype, from_, to))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    return _fill(self, _gen(generator).normal(self._data.shape, self._data.dtype, mean, std))


def bernoulli_(self, p=0.5, *, generator=None):
    return _fill(self, _gen(generator).bernoulli(self._data.shape, self._data.dtype, p))


def random_(self, from_=0, to=None, *, generator=None):
    if to is None:
        return _fill(self, _gen(generator).random_(self._data.shape, self._data.dtype))
    return _fill(self, _gen(generator).randint(self._data.shape, from_, to, self._data.dtype))

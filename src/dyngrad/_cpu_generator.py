"""Bit-exact NumPy model of torch's CPU random number generator.

``CPUGenerator`` mirrors ``at::CPUGeneratorImpl``: an mt19937 engine plus the
cached second Box-Muller sample(s).  Its samplers consume the 32-bit mt19937
stream exactly as torch's CPU kernels do for a contiguous tensor, and apply the
same floating point operations in the same order, so that for the same seed
they return the same bits as ``torch.rand``/``randn``/``randint``/... on an
x86-64 Linux build of torch whose random kernels run the AVX2 code (on an AVX2
or AVX512 machine torch dispatches the random kernels to the AVX2 build, which
is compiled with FMA contraction).

Only NumPy is used for the bulk work; the exact float building blocks (fused
multiply-add, the C library's log/sin/cos, the AVX2 log/sincos) are in
``_cpu_math``.
"""

import math
import os
import operator
import warnings

import numpy as np  # torch's CPU random stream, bit for bit: NumPy by design (NOTE [The array-module seam])

from . import _dtype
from ._cpu_math import (_ONE_F, _TWO_PI_D, _TWO_PI_F, _fma32, _fma64, _fma64_scalar,
                        _is_pow2_or_zero, _libm_map, _log256, _sin_cos, _sincos256)

__all__ = ["CPUGenerator", "DEFAULT_SEED", "STATE_SIZE"]

# c10::detail::default_rng_seed_val
DEFAULT_SEED = 67280421310721
# sizeof(at::detail::CPUGeneratorImplState)
STATE_SIZE = 5056

_MT_N = 624
_U32 = 0xFFFFFFFF
_U64 = 0xFFFFFFFFFFFFFFFF
_MASK24 = (1 << 24) - 1
_MASK53 = (1 << 53) - 1

# Byte layout of CPUGeneratorImplState (the legacy THGenerator POD followed by
# the float normal cache).  Padding bytes are zero in the states torch emits.
_STATE_DTYPE = np.dtype(
    {
        "names": [
            "the_initial_seed", "left", "seeded", "next", "state",
            "normal_x", "normal_y", "normal_rho", "normal_is_valid",
            "next_float_normal_sample", "is_next_float_normal_sample_valid",
        ],
        "formats": [
            "<u8", "<i4", "<i4", "<u8", ("<u8", (_MT_N,)),
            "<f8", "<f8", "<f8", "<i4",
            "<f4", "u1",
        ],
        "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
        "itemsize": STATE_SIZE,
    }
)

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
# bfloat16 (ml_dtypes' array dtype, when installed) draws as float16 does: computed in
# float, then rounded to the 16-bit type (c10::BFloat16(float) rounds to nearest even,
# as ml_dtypes' cast does)
_BF16 = _dtype.bfloat16.np if _dtype.bfloat16 in _dtype.ALL else None
_HALVES = (_F16,) if _BF16 is None else (_F16, _BF16)
_COMPLEX_PARTS = {np.dtype(np.complex64): _F32, np.dtype(np.complex128): _F64}
_FLOAT_DTYPES = _HALVES + (_F32, _F64)
_INT_DTYPES = tuple(np.dtype(t) for t in (np.uint8, np.int8, np.int16, np.int32, np.int64))
_BOOL = np.dtype(np.bool_)

# Names torch uses in its error messages.
_TORCH_TYPE_NAME = {d.np: name for d, name in _dtype.CPP_NAMES.items() if d in _dtype.ALL}
_TORCH_SCALAR_NAME = {
    _F16: "Half", _BF16: "BFloat16", _F32: "Float", _F64: "Double",
    np.dtype(np.uint8): "Byte", np.dtype(np.int8): "Char",
    np.dtype(np.int16): "Short", np.dtype(np.int32): "Int",
    np.dtype(np.int64): "Long", _BOOL: "Bool", np.dtype(np.complex64): "ComplexFloat",
    np.dtype(np.complex128): "ComplexDouble",
}
_MANTISSA_DIGITS = {_F16: 11, _BF16: 8, _F32: 24, _F64: 53}


_INV_2_24 = np.float32(2.0 ** -24)
_INV_2_53 = 2.0 ** -53


_THIRD_F = float(np.float32(1.0) / np.float32(3.0))
_0331_F = float(np.float32(0.0331))

def _mt_seed_key(seed):
    # mt19937::init_with_uint32: standard Knuth-style initialisation of the
    # 624 words from the low 32 bits of the seed.
    key = [0] * _MT_N
    x = seed & _U32
    key[0] = x
    for i in range(1, _MT_N):
        x = (1812433253 * (x ^ (x >> 30)) + i) & _U32
        key[i] = x
    return np.array(key, dtype=np.uint32)


def _temper(y):
    y = y ^ (y >> np.uint32(11))
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    return y ^ (y >> np.uint32(18))


def _as_seed(seed):
    if isinstance(seed, (bool, np.bool_)) or not hasattr(type(seed), "__index__"):
        raise RuntimeError(
            "manual_seed expected a long, but got " + type(seed).__name__)
    seed = operator.index(seed)
    # THPGenerator_manualSeed: try uint64, then int64 reinterpreted as uint64
    if not (-(1 << 63) <= seed <= _U64):
        raise ValueError("Overflow when unpacking long long")
    return seed & _U64


def _shape_numel(shape):
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(operator.index(s) for s in shape)
    for s in shape:
        if s < 0:
            raise RuntimeError(
                "Trying to create tensor with negative dimension %d: [%s]"
                % (s, ", ".join(str(v) for v in shape)))
    n = 1
    for s in shape:
        n *= s
    return shape, n


class CPUGenerator:
    """NumPy twin of ``torch.Generator()`` on the CPU (``at::CPUGeneratorImpl``)."""

    def __init__(self, seed=DEFAULT_SEED):
        self._bitgen = np.random.MT19937(0)  # only used to run the twist fast
        self.manual_seed(seed)

    # ------------------------------------------------------------------ seeding
    def manual_seed(self, seed):
        """Seed like ``torch.Generator.manual_seed`` (negative seeds are taken
        modulo 2**64, as torch does).  Returns ``self``."""
        self._set_current_seed(_as_seed(seed))
        return self

    def _set_current_seed(self, seed):
        self._seed = seed
        self._key = _mt_seed_key(seed)
        self._left = 1       # mt19937 data: twist on the next draw
        self._next = 0
        self._seeded = True
        self._next_float_normal_sample = None
        self._next_double_normal_sample = None

    def initial_seed(self):
        return self._seed

    def seed(self):
        """Seed from OS entropy (like ``torch.Generator.seed``); returns it."""
        s = int.from_bytes(os.urandom(8), "little")
        self._set_current_seed(s)
        return s

    # -------------------------------------------------------------------- state
    def get_state(self):
        """The 5056-byte state in torch's ``Generator.get_state()`` layout."""
        st = np.zeros(1, dtype=_STATE_DTYPE)
        st["the_initial_seed"] = self._seed
        st["left"] = self._left
        st["seeded"] = int(self._seeded)
        st["next"] = self._next
        st["state"][0] = self._key.astype(np.uint64)
        if self._next_double_normal_sample is not None:
            st["normal_is_valid"] = 1
            st["normal_y"] = self._next_double_normal_sample
        if self._next_float_normal_sample is not None:
            st["is_next_float_normal_sample_valid"] = 1
            st["next_float_normal_sample"] = self._next_float_normal_sample
        return st.view(np.uint8).reshape(STATE_SIZE).copy()

    def set_state(self, new_state):
        """Restore a state produced by ``get_state`` (or by torch)."""
        if hasattr(new_state, "numpy") and not isinstance(new_state, np.ndarray):
            new_state = new_state.numpy()  # accept a torch ByteTensor too
        if not isinstance(new_state, np.ndarray) or new_state.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if not new_state.flags.c_contiguous:
            raise RuntimeError("RNG state must be contiguous")
        if new_state.size != STATE_SIZE:
            raise RuntimeError(
                "Expected a CPUGeneratorImplState of size %d but found the input "
                "RNG state size to be %d" % (STATE_SIZE, new_state.size))
        st = new_state.reshape(STATE_SIZE).view(_STATE_DTYPE)[0]
        left = int(st["left"])
        nxt = int(st["next"]) & _U32  # stored as uint64, engine keeps uint32
        seeded = int(st["seeded"]) != 0
        # mt19937::is_valid
        if not (seeded and 0 < left <= _MT_N and nxt <= _MT_N):
            raise RuntimeError("Invalid mt19937 state")
        self._key = (st["state"] & np.uint64(_U32)).astype(np.uint32)
        self._seed = int(st["the_initial_seed"])
        self._left = left
        self._next = nxt
        self._seeded = True
        self._next_float_normal_sample = (
            np.float32(st["next_float_normal_sample"])
            if st["is_next_float_normal_sample_valid"] else None)
        self._next_double_normal_sample = (
            float(st["normal_y"]) if st["normal_is_valid"] else None)

    # ------------------------------------------------------------- raw stream
    def _random32(self, n):
        """n outputs of mt19937 (CPUGeneratorImpl::random), as uint32."""
        out = np.empty(n, dtype=np.uint32)
        if n == 0:
            return out
        # mt19937::operator(): --left == 0 triggers the twist; otherwise it
        # reads state[next++].  Serve the words left before the twist here.
        k = min(n, self._left - 1)
        if k > 0:
            if self._next + k > _MT_N:
                raise RuntimeError("mt19937 state reads past its end (left/next inconsistent)")
            out[:k] = _temper(self._key[self._next:self._next + k])
            self._left -= k
            self._next += k
        rest = n - k
        if rest:
            # From here on the stream is the plain mt19937 one starting with a
            # twist: let NumPy's MT19937 (same twist/tempering) produce it.
            self._bitgen.state = {"bit_generator": "MT19937",
                                  "state": {"key": self._key, "pos": _MT_N}}
            out[k:] = self._bitgen.random_raw(rest)
            st = self._bitgen.state["state"]
            self._key = np.array(st["key"], dtype=np.uint32)
            pos = int(st["pos"])
            self._next = pos
            self._left = _MT_N + 1 - pos
        return out

    def _random64(self, n):
        """CPUGeneratorImpl::random64: two draws, the first is the high word."""
        w = self._random32(2 * n).astype(np.uint64)
        return (w[0::2] << np.uint64(32)) | w[1::2]

    def _uniform_double01(self, n):
        # uniform_real_distribution<double>(0, 1): 53 random bits * 2^-53
        return (self._random64(n) & np.uint64(_MASK53)).astype(np.float64) * _INV_2_53

    def _uniform_float01(self, n):
        # uniform_real_distribution<float>(0, 1): 24 random bits * 2^-24
        return (self._random32(n) & np.uint32(_MASK24)).astype(np.float32) * _INV_2_24

    # ----------------------------------------------------------------- uniform
    def uniform(self, shape, dtype=np.float32, low=0.0, high=1.0):
        """``torch.rand`` / ``Tensor.uniform_(low, high)``."""
        if np.dtype(dtype) in _COMPLEX_PARTS:
            # torch fills a complex tensor's real view: (real, imag) pairs in memory order,
            # each part uniform in [low, high)
            shape, n = _shape_numel(shape)
            parts = self.uniform(shape + (2,), _COMPLEX_PARTS[np.dtype(dtype)], low, high)
            return parts.view(dtype).reshape(shape)
        dtype = _float_dtype(dtype, "check_uniform_bounds")
        shape, n = _shape_numel(shape)
        low = float(low)
        high = float(high)
        # uniform_impl_ bound checks
        fmax = _largest(dtype)
        for val, name in ((low, "from"), (high, "to")):
            if not (-fmax <= val <= fmax):
                raise RuntimeError("%s is out of bounds for %s" % (name, _TORCH_TYPE_NAME[dtype]))
        if not low <= high:
            raise RuntimeError(
                "uniform_ expects to return a [from, to) range, but found from=%s > to=%s"
                % (_fmt(low), _fmt(high)))
        if not (high - low) <= fmax:
            raise RuntimeError(
                "uniform_ expects to-from <= std::numeric_limits<%s>::max(), but found "
                "to=%s and from=%s which result in to-from to exceed the limit"
                % (_TORCH_SCALAR_NAME[dtype], _fmt(high), _fmt(low)))
        if n == 0:
            return np.empty(shape, dtype)
        if dtype == _F64:
            x = self._uniform_double01(n)
            rng = high - low
            if _is_pow2_or_zero(rng):
                r = x * rng + low              # product exact: same as fma
            else:
                r = _fma64(x, rng, low)
            # value == to is mapped back to from (torch clamps the rounding-up case)
            r = np.where(r == high, low, r)
            return r.reshape(shape)
        # float / half: computed in float (opmath), with an fma
        lo32 = np.float32(low)
        hi32 = np.float32(high)
        rng32 = np.float32(hi32 - lo32)
        x = self._uniform_float01(n)
        r = _fma32(x, rng32, lo32)
        if dtype == _F32:
            r = np.where(r == hi32, lo32, r)
        else:
            r = r.astype(dtype)
            hi16 = np.array(hi32).astype(dtype)   # static_cast<Half>(double) goes via float
            lo16 = np.array(lo32).astype(dtype)
            r = np.where(r == hi16, lo16, r)
        return r.astype(dtype, copy=False).reshape(shape)

    # ------------------------------------------------------------------ normal
    def normal(self, shape, dtype=np.float32, mean=0.0, std=1.0, contiguous=True):
        """``torch.randn`` / ``Tensor.normal_(mean, std)`` / ``torch.normal``
        with float mean and std; ``contiguous=False``: filling a strided tensor, which torch
        draws serially whatever its size."""
        dtype = np.dtype(dtype)
        shape, n = _shape_numel(shape)
        mean = float(mean)
        std = float(std)
        if not std >= 0.0:
            raise RuntimeError("normal expects std >= 0.0, but found std " + _fmt(std))
        if dtype in _COMPLEX_PARTS:
            # torch draws a complex tensor as its real view, (real, imag) pairs in memory
            # order, each part with the mean and std / sqrt(2) (so |z|^2 has mean std^2)
            parts = self.normal(shape + (2,), _COMPLEX_PARTS[dtype], mean, std / math.sqrt(2),
                                contiguous)
            return parts.view(dtype).reshape(shape)
        dtype = _float_dtype(dtype, "normal_kernel_cpu")
        if n >= 16 and contiguous:
            # normal_fill: contiguous tensors of >= 16 elements
            if dtype == _F64:
                out = self._normal_fill_double(n, mean, std)
            else:
                # float, and half via a float buffer (opmath), AVX2 Box-Muller
                out = self._normal_fill_float(n, np.float32(mean), np.float32(std),
                                              buffered=(dtype in _HALVES))
                if dtype in _HALVES:
                    out = out.astype(dtype)
            return out.reshape(shape)
        # < 16 elements: serial normal_distribution<double> with the cached
        # second Box-Muller sample
        vals = self._normal_serial(n, mean, std)
        if dtype == _F64:
            out = np.array(vals, dtype=np.float64)
        else:
            out = np.array(vals, dtype=np.float64).astype(np.float32)
            if dtype in _HALVES:
                out = out.astype(dtype)  # static_cast<Half>(double) via float
        return out.reshape(shape)

    def _normal_serial(self, n, mean, std):
        cached = self._next_double_normal_sample
        need = n - (1 if (cached is not None and n > 0) else 0)
        pairs = (need + 1) // 2
        u = self._uniform_double01(2 * pairs).tolist()
        vals = []
        k = 0
        for _ in range(n):
            if self._next_double_normal_sample is not None:
                ret = self._next_double_normal_sample
                self._next_double_normal_sample = None
            else:
                u1 = u[k]
                u2 = u[k + 1]
                k += 2
                r = math.sqrt(math.log1p(-u2) * -2.0)
                theta = _TWO_PI_D * u1
                self._next_double_normal_sample = r * math.sin(theta)
                ret = math.cos(theta) * r
            vals.append(_fma64_scalar(ret, std, mean))
        return vals

    def _normal_blocks(self, n, draw, buffered=False):
        """Uniforms for normal_fill as (blocks, 16): the full blocks, plus 16
        fresh ones for the recomputed tail when n is not a multiple of 16.

        float/double fill the whole output with n uniforms first, so the tail
        uniforms start after n draws; half goes through a 16-value float
        buffer per block, so there the tail starts after 16 * (n // 16)."""
        nb = n // 16
        tail = 16 if n % 16 else 0
        used = nb * 16 if buffered else n
        u = draw(used + tail)
        blocks = u[:nb * 16].reshape(nb, 16)
        if tail:
            blocks = np.concatenate([blocks, u[used:].reshape(1, 16)])
        return blocks

    @staticmethod
    def _assemble(n, res):
        nb = n // 16
        out = np.empty(n, dtype=res.dtype)
        out[:nb * 16] = res[:nb].reshape(-1)
        if n % 16:
            out[n - 16:] = res[-1]  # the last 16 values are recomputed
        return out

    def _normal_fill_float(self, n, mean, std, buffered=False):
        blocks = self._normal_blocks(n, self._uniform_float01, buffered)
        u1 = _ONE_F - blocks[:, :8]
        u2 = blocks[:, 8:]
        radius = np.sqrt(_log256(u1) * np.float32(-2.0))
        theta = _TWO_PI_F * u2
        s, c = _sincos256(theta)
        n1 = radius * c
        n2 = radius * s
        if _is_pow2_or_zero(float(std)):
            res = np.concatenate([n1 * std + mean, n2 * std + mean], axis=1)
        else:
            res = np.concatenate([_fma32(n1, std, mean), _fma32(n2, std, mean)], axis=1)
        return self._assemble(n, res.astype(np.float32, copy=False))

    def _normal_fill_double(self, n, mean, std):
        blocks = self._normal_blocks(n, self._uniform_double01)
        u1 = 1.0 - blocks[:, :8]
        u2 = blocks[:, 8:]
        radius = np.sqrt(_libm_map(math.log, u1) * -2.0)
        theta = _TWO_PI_D * u2
        s, c = _sin_cos(theta)
        n1 = radius * c
        n2 = radius * s
        if _is_pow2_or_zero(std):
            res = np.concatenate([n1 * std + mean, n2 * std + mean], axis=1)
        else:
            res = np.concatenate([_fma64(n1, std, mean), _fma64(n2, std, mean)], axis=1)
        return self._assemble(n, res)

    # ----------------------------------------------------------------- randint
    def randint(self, shape, low, high, dtype=np.int64):
        """``torch.randint(low, high, shape, dtype=...)`` /
        ``Tensor.random_(low, high)``."""
        dtype = np.dtype(dtype)
        if dtype not in _FLOAT_DTYPES + _INT_DTYPES + (_BOOL,):
            raise TypeError("randint: unsupported dtype %s" % dtype)
        shape, n = _shape_numel(shape)
        low = operator.index(low)
        high = operator.index(high)
        if not low < high:
            raise RuntimeError(
                "random_ expects 'from' to be less than 'to', but got from=%d >= to=%d"
                % (low, high))
        if dtype in _FLOAT_DTYPES:
            # update_from / update_to: keep the bounds representable in dtype
            low = _update_from(low, dtype)
            high = _update_to(high, dtype)
            if not low < high:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than 'to' casted "
                    "to dtype, but got from=%d >= to=%d" % (low, high))
        _check_from_to_in_range(low, high - 1, dtype)
        if n == 0:
            return np.empty(shape, dtype)
        rng = (high - low) & _U64
        # uniform_int_from_to_distribution: 64-bit draws once range >= 2^28
        if rng > 0xFFFFFFF:
            v = self._random64(n) % np.uint64(rng)
        else:
            v = self._random32(n).astype(np.uint64) % np.uint64(rng)
        val = (v + np.uint64(low & _U64)).view(np.int64)
        return _cast_int64(val, dtype).reshape(shape)

    def random_from(self, shape, low, dtype=np.int64):
        """``Tensor.random_(from, None)``: [from, the dtype's largest integer]."""
        dtype = np.dtype(dtype)
        top = (1 << _MANTISSA_DIGITS[dtype]) if dtype in _FLOAT_DTYPES else int(
            np.iinfo(dtype).max)
        return self.randint(shape, low, top + 1, dtype)

    # ----------------------------------------------------------------- random_
    def random_(self, shape, dtype=np.int64):
        """``Tensor.random_()`` without bounds: [0, 2^mantissa] for floating
        types, [0, max] for integer types, {0, 1} for bool."""
        dtype = np.dtype(dtype)
        shape, n = _shape_numel(shape)
        if n == 0:
            return np.empty(shape, dtype)
        if dtype == _BOOL:
            return ((self._random32(n) & np.uint32(1)) != 0).reshape(shape)
        if dtype in (np.dtype(np.int64), _F64):
            v = self._random64(n)
        elif dtype in _FLOAT_DTYPES + _INT_DTYPES:
            v = self._random32(n).astype(np.uint64)
        else:
            raise TypeError("random_: unsupported dtype %s" % dtype)
        if dtype in _FLOAT_DTYPES:
            mod = (1 << _MANTISSA_DIGITS[dtype]) + 1
        else:
            mod = int(np.iinfo(dtype).max) + 1
        val = (v % np.uint64(mod)).view(np.int64)
        return _cast_int64(val, dtype).reshape(shape)

    # --------------------------------------------------------------- bernoulli
    def bernoulli(self, shape, dtype=np.float32, p=0.5):
        """``Tensor.bernoulli_(p)`` with a float p (what CPU dropout uses)."""
        dtype = np.dtype(dtype)
        shape, n = _shape_numel(shape)
        p = float(p)
        if not (0.0 <= p <= 1.0):
            raise RuntimeError("bernoulli_ expects p to be in [0, 1], but got p=" + _fmt(p))
        # bernoulli_distribution<double>: uniform double < p
        u = self._uniform_double01(n)
        return (u < p).astype(dtype).reshape(shape)

    def bernoulli_tensor(self, p, dtype=None, out=None):
        """``torch.bernoulli(p)`` / ``Tensor.bernoulli_(p_tensor)`` with a
        floating array of probabilities (broadcast it to the output shape
        first); the result has p's shape and ``dtype`` (default: p's dtype).

        torch draws a double uniform (64 bits) per element when p is float64
        and a float uniform (32 bits) when p is float32/float16. It checks
        each p as its turn comes: at one outside [0, 1] (or nan) it raises,
        having drawn (and, in place, written) the elements before it. ``out``:
        a C-contiguous array of p's shape those draws are written into."""
        p = np.asarray(p)
        if p.dtype not in _FLOAT_DTYPES:
            raise NotImplementedError('"bernoulli_tensor_cpu_p_" not implemented for \'%s\''
                                      % _TORCH_SCALAR_NAME.get(p.dtype, str(p.dtype)))
        dtype = p.dtype if dtype is None else np.dtype(dtype)
        flat = p.reshape(-1)
        bad = ~((flat >= 0) & (flat <= 1))
        n = int(bad.argmax()) if bad.any() else flat.size
        if p.dtype == _F64:
            hit = self._uniform_double01(n) < flat[:n]      # bernoulli_distribution<double>
        else:
            hit = self._uniform_float01(n) < flat[:n].astype(np.float32)  # <float>
        if out is not None:
            out.reshape(-1)[:n] = hit
        if n < flat.size:
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report "
                               "an enhancement request to PyTorch.)")
        return hit.astype(dtype).reshape(p.shape)

    # ------------------------------------------------------------- exponential
    def exponential(self, shape, dtype=np.float32, lambd=1.0):
        """``Tensor.exponential_(lambd)``."""
        dtype = _float_dtype(dtype, "exponential_cpu")
        shape, n = _shape_numel(shape)
        lambd = float(lambd)
        if not lambd > 0.0:
            raise RuntimeError("exponential_ expects lambda > 0.0, but found lambda=" + _fmt(lambd))
        u = self._uniform_double01(n)
        # exponential_distribution<double>: -1/lambda * log1p(-u)
        scale = -1.0 / lambd
        out = _libm_map(math.log1p, -u) * scale
        return _cast_double(out, dtype).reshape(shape)

    # --------------------------------------------------------------- geometric
    def geometric(self, shape, dtype, p):
        """``Tensor.geometric_(p)``: geometric_distribution<double>, one uniform double per
        element in order, ceil(log(u) / log1p(-p)), cast to the tensor's dtype."""
        shape, n = _shape_numel(shape)
        p = float(p)
        if not 0.0 < p < 1.0:
            raise RuntimeError("geometric_ expects p to be in (0, 1), but got p=" + _fmt(p))
        u = self._uniform_double01(n)
        out = np.ceil(_libm_map(math.log, u) / math.log1p(-p))
        return _cast_double(out, np.dtype(dtype)).reshape(shape)

    # -------------------------------------------------------------- log_normal
    def log_normal(self, shape, dtype, mean=1.0, std=2.0):
        """``Tensor.log_normal_(mean, std)``: lognormal_distribution<double>, exp of the
        serial normal_distribution<double> draws (with its cached second sample)."""
        dtype = _float_dtype(dtype, "log_normal_cpu")
        shape, n = _shape_numel(shape)
        mean, std = float(mean), float(std)
        if not std > 0.0:
            raise RuntimeError("log_normal_ expects std > 0.0, but found std=" + _fmt(std))
        out = _libm_map(math.exp, np.array(self._normal_serial(n, mean, std), np.float64))
        return _cast_double(out, dtype).reshape(shape)

    # ------------------------------------------------------------------ cauchy
    def cauchy(self, shape, dtype=np.float32, median=0.0, sigma=1.0):
        """``Tensor.cauchy_(median, sigma)``: cauchy_distribution<double>, one uniform
        double per element, median + sigma * tan(pi * (u - 0.5)) (one fused multiply-add,
        as torch's build contracts it)."""
        dtype = _float_dtype(dtype, "cauchy_cpu")
        shape, n = _shape_numel(shape)
        u = self._uniform_double01(n)
        out = _fma64(float(sigma), _libm_map(math.tan, math.pi * (u - 0.5)), float(median))
        return _cast_double(out, dtype).reshape(shape)

    # ------------------------------------------------------------------- gamma
    def _normal_double(self):
        """One normal_distribution<double>(0, 1) draw, with the cached second value."""
        cached = self._next_double_normal_sample
        if cached is not None:
            self._next_double_normal_sample = None
            return cached
        u1, u2 = self._uniform_double01(2).tolist()
        r = math.sqrt(math.log1p(-u2) * -2.0)
        theta = _TWO_PI_D * u1
        self._next_double_normal_sample = r * math.sin(theta)
        return math.cos(theta) * r

    def standard_gamma(self, alpha):
        """``torch._standard_gamma``: one Gamma(alpha, 1) draw per element, in order, by
        Marsaglia and Tsang's method in double (an alpha below 1 boosted by one more
        uniform), as torch's CPU kernel draws them; the result at least the dtype's tiny."""
        flat = np.asarray(alpha, dtype=np.float64).reshape(-1).tolist()
        single = alpha.dtype != np.float64
        out = [self._gamma_one(a, single) for a in flat]
        tiny = float(np.finfo(alpha.dtype).tiny)
        res = np.array(out, dtype=np.float64).astype(alpha.dtype)
        return np.maximum(res, alpha.dtype.type(tiny)).reshape(alpha.shape)

    def _gamma_one(self, alpha, single):
        scale = 1.0
        if alpha < 1.0:
            if alpha == 0.0:
                return 0.0
            # (the boost of a float alpha is computed in float: 1.0f / alpha, alpha + 1.0f)
            exponent = float(np.float32(1.0) / np.float32(alpha)) if single else 1.0 / alpha
            scale *= (1.0 - self._uniform_double01(1)[0]) ** exponent
            alpha = float(np.float32(alpha) + np.float32(1.0)) if single else alpha + 1.0
        # (torch's constants are float literals: 1.0f / 3.0f, 0.0331f; and for a float
        # alpha, alpha - 1.0f / 3.0f is a float subtraction)
        d = float(np.float32(alpha) - np.float32(_THIRD_F)) if single else alpha - _THIRD_F
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            while True:
                x = self._normal_double()
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            u = 1.0 - self._uniform_double01(1)[0]
            xx = x * x
            if u < 1.0 - _0331_F * xx * xx:
                return scale * d * v
            if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
                return scale * d * v

    # ----------------------------------------------------------------- poisson
    def poisson(self, rates):
        """``torch.poisson``: one draw per element, in order: products of uniforms below
        a rate of 10, Hoermann's transformed rejection (PTRS) from 10 up, as torch's CPU
        kernel draws them (uniforms in double)."""
        flat = np.asarray(rates, dtype=np.float64).reshape(-1).tolist()
        out = np.array([self._poisson_one(lam) for lam in flat], dtype=np.float64)
        return out.astype(rates.dtype).reshape(rates.shape)

    def _poisson_one(self, lam):
        if lam >= 10:
            slam, loglam = math.sqrt(lam), math.log(lam)
            b = 0.931 + 2.53 * slam
            a = -0.059 + 0.02483 * b
            invalpha = 1.1239 + 1.1328 / (b - 3.4)
            vr = 0.9277 - 3.6224 / (b - 2)
            while True:
                u, v = self._uniform_double01(2).tolist()
                u -= 0.5
                us = 0.5 - abs(u)
                k = math.floor((2 * a / us + b) * u + lam + 0.43)
                if us >= 0.07 and v <= vr:
                    return k
                if k < 0 or (us < 0.013 and v > us):
                    continue
                if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                        <= -lam + k * loglam - math.lgamma(k + 1.0)):
                    return k
        if lam == 0:
            return 0
        enlam, x, prod = math.exp(-lam), 0, 1.0
        while True:
            prod *= self._uniform_double01(1)[0]
            if prod > enlam:
                x += 1
            else:
                return x

    # ----------------------------------------------------------------- randperm
    def randperm(self, n, dtype=np.int64):
        """``torch.randperm(n, dtype=...)``."""
        dtype = np.dtype(dtype)
        n = operator.index(n)
        if n < 0:
            raise RuntimeError("Trying to create tensor with negative dimension %d: [%d]" % (n, n))
        _check_randperm_n(n, dtype)
        if n < _U32 // 20:
            # small n (randperm_cpu "preserve old behavior" branch): forward
            # Fisher-Yates, step i swaps r[i] and r[i + random() % (n - i)]
            if n > 1:
                w = self._random32(n - 1).astype(np.int64)
                z = w % np.arange(n, 1, -1, dtype=np.int64)
                out = _forward_fisher_yates(n, z)
            else:
                out = np.arange(n, dtype=np.int64)
        else:
            # huge n: "inside-out" Fisher-Yates with 64-bit draws
            # (needs several GB of memory; kept simple rather than fast)
            w = self._random64(n)
            out = np.empty(n, dtype=np.int64)
            for i in range(n):
                zi = int(w[i] % np.uint64(i + 1))
                out[i] = out[zi]
                out[zi] = i
        return _cast_int64(out, dtype)


def _forward_fisher_yates(n, z):
    """Result of ``r = arange(n); for i < n-1: swap(r[i], r[i + z[i]])``
    computed without a Python loop.

    Position p is final once step p has run, so step i reads the value that
    sits at position i + z[i] at that time: the value last written there by
    an earlier step with the same target, or the initial one.  The value at
    position p when step p starts is found by following "last earlier step
    that wrote into p" links to their root (pointer jumping)."""
    m = n - 1
    out = np.empty(n, dtype=np.int64)
    t = np.nonzero(z)[0]                 # swaps with z == 0 change nothing
    j = t + z[t]
    key = np.sort(j * n + t)             # order by (target, step); keys are unique
    js = key // n
    ts = key - js * n
    first = np.ones(js.size, dtype=bool)
    first[1:] = js[1:] != js[:-1]
    last = np.ones(js.size, dtype=bool)
    last[:-1] = first[1:]
    link = np.arange(n, dtype=np.int64)
    link[js[last]] = ts[last]            # last step (< p) that wrote into p
    while True:
        nxt = link[link]
        if np.array_equal(nxt, link):
            break
        link = nxt
    start = link                         # value at position p when step p starts
    out[:m] = start[:m]                  # steps with z == 0
    prev = np.concatenate((np.zeros(1, np.int64), ts[:-1]))
    out[ts] = np.where(first, js, start[prev])
    out[m] = start[m]
    return out


def _fmt(x):
    # torch prints doubles with the shortest %g-like form
    return ("%g" % x) if math.isfinite(x) else str(x)


def _float_dtype(dtype, kernel):
    dtype = np.dtype(dtype)
    if dtype not in _FLOAT_DTYPES:
        raise NotImplementedError('"%s" not implemented for \'%s\''
                                  % (kernel, _TORCH_SCALAR_NAME.get(dtype, str(dtype))))
    return dtype


def _largest(dtype):
    """The dtype's largest finite value (bfloat16's from its bits: NumPy's finfo knows
    only NumPy's types)."""
    return float(np.finfo(dtype).max) if dtype != _BF16 else float(np.array(
        0x7F7F, np.uint16).view(_BF16))


def _cast_int64(val, dtype):
    """static_cast<scalar_t>(int64_t) for the supported dtypes."""
    if dtype == _BOOL:
        return val != 0
    if dtype in _HALVES:
        return val.astype(np.float32).astype(dtype)  # Half(float(x))
    return val.astype(dtype)


def _cast_double(val, dtype):
    with np.errstate(over="ignore"):  # (a Cauchy draw past the dtype's range: inf, silently)
        if dtype in _HALVES:
            return val.astype(np.float32).astype(dtype)
        return val.astype(dtype)


def _to_dtype_and_back(x, dtype):
    """static_cast<int64_t>(static_cast<scalar_t>(x)) for a floating dtype."""
    with np.errstate(over="ignore"):
        if dtype in _HALVES:
            f = np.array(np.float32(x)).astype(dtype)
        elif dtype == _F32:
            f = np.float32(x)
        else:
            f = np.float64(x)
    f = float(f)
    if not math.isfinite(f):
        return x
    return int(f)


def _update_from(frm, dtype):
    digits = _MANTISSA_DIGITS[dtype]
    from_plus_1 = _to_dtype_and_back(frm + 1, dtype)
    if from_plus_1 < frm:
        f = abs(frm + 1)
        nbits = f.bit_length() - 1
        frm = from_plus_1 + (1 << (nbits - digits + 1))
    return frm


def _update_to(to, dtype):
    digits = _MANTISSA_DIGITS[dtype]
    to_minus_1 = _to_dtype_and_back(to - 1, dtype)
    if to_minus_1 >= to:
        t = abs(to - 1)
        nbits = t.bit_length() - 1
        to = to_minus_1 - (1 << (nbits - digits + 1))
    return to


def _check_from_to_in_range(frm, to_inc, dtype):
    name = _TORCH_TYPE_NAME[dtype]
    if dtype in _FLOAT_DTYPES:
        fmax = _largest(dtype)
        lo, hi = -fmax, fmax
    elif dtype == _BOOL:
        lo, hi = 0, 1
    else:
        info = np.iinfo(dtype)
        lo, hi = int(info.min), int(info.max)
    if not lo <= frm <= hi:
        raise RuntimeError("from is out of bounds for " + name)
    if not lo <= to_inc <= hi:
        raise RuntimeError("to - 1 is out of bounds for " + name)
    if dtype in _FLOAT_DTYPES:
        digits = _MANTISSA_DIGITS[dtype]
        for v, nm in ((frm, "from"), (to_inc, "to - 1")):
            if not -(1 << digits) <= v <= (1 << digits):
                warnings.warn(
                    "%s is out of bounds [-(2^%d), 2^%d]. Due to precision limitations %s "
                    "can support discrete uniform distribution only within this range. This "
                    "warning will become an error in version 1.7 release, please fix the code "
                    "in advance"
                    % (nm, digits, digits, _TORCH_TYPE_NAME[dtype]), UserWarning, stacklevel=3)


def _check_randperm_n(n, dtype):
    if dtype == _BF16:  # (torch checks no bound for bfloat16: larger values round)
        return
    if dtype in _FLOAT_DTYPES:
        limit = (1 << _MANTISSA_DIGITS[dtype]) + 1
        if n > limit:
            raise RuntimeError("n cannot be greater than %d for %s type."
                               % (limit, _TORCH_SCALAR_NAME[dtype]))
    elif dtype in _INT_DTYPES:
        if n > 0 and n - 1 > int(np.iinfo(dtype).max):
            raise RuntimeError("value cannot be converted to type %s without overflow"
                               % {np.dtype(np.uint8): "uint8_t", np.dtype(np.int8): "int8_t",
                                  np.dtype(np.int16): "int16_t", np.dtype(np.int32): "int32_t",
                                  np.dtype(np.int64): "int64_t"}[dtype])
    else:
        raise TypeError("randperm: unsupported dtype %s" % dtype)

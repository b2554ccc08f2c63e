"""torch.binomial: a Binomial(count, prob) draw per element on torch's random stream, by
the algorithms torch's CPU kernel uses, in its precisions: inversion (sums of geometric
waiting times) while count * min(p, 1 - p) < 10, Hoermann's BTRS rejection from there on,
with one more uniform draw (in double) per try. Derivatives: none (torch records none).

The elements are drawn one after the other, as torch draws them (each takes as many
uniforms as its tries need), in plain Python floats: the uniforms are drawn ahead in
blocks and each distinct (count, prob) pair sets up its constants once."""
import math
import operator
import warnings

import numpy as np

from .. import random as _random
from .._args import broadcast_shapes
from .._cpu_math import _log1pf
from ..tensor import Tensor, _wrap
from .out import _RESIZED

# torch's table of log k! minus its Stirling approximation, k = 0..9, with torch's digits
# (cut at 15 or 16, a few units off the nearest doubles, which the draws can tell)
_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
         0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
         0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    # (a fractional count gives fractional k: 9.5 reads the table's last entry, as torch)
    if k < 10:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _log(x):
    # C's log: -inf at 0 (a uniform of exactly 0), where math.log raises
    return math.log(x) if x else -math.inf


class _Uniforms:
    """The generator's uniform doubles, drawn ahead in blocks of ``block`` (any size gives
    the same draws; one generator call per number cost a hundred times more); ``close``
    leaves the generator just past the numbers read, as if drawn one by one."""

    def __init__(self, gen, block):
        self.gen, self.block, self.start = gen, block, None
        self.drawn, self.numbers = 0, iter(())

    def __call__(self):
        for u in self.numbers:
            return u
        if self.start is None:
            self.start = self.gen.get_state()
        self.numbers = iter(self.gen._uniform_double01(self.block).tolist())
        self.drawn += self.block
        return next(self.numbers)

    def close(self):
        unread = operator.length_hint(self.numbers)
        if unread:
            self.gen.set_state(self.start)
            self.gen._uniform_double01(self.drawn - unread)


def _sampler(count, prob, ft):
    """One element's draw, as a function of the uniforms (torch's sample_binomial)."""
    if count <= 0.0 or prob <= 0.0:
        return lambda uniform: 0.0
    if prob >= 1.0:
        return lambda uniform: count
    if prob <= 0.5:
        return _below_half(count, prob, ft)
    if prob > 0.5:
        # the draw of the failures, at 1 - p (exact in either precision)
        failures = _below_half(count, float(ft(1.0) - ft(prob)), ft)
        return lambda uniform: count - failures(uniform)
    return lambda uniform: math.nan


def _below_half(count, prob, ft):
    # count * p is compared with 10 in the tensor's precision
    return (_btrs if ft(count) * ft(prob) >= 10.0 else _inversion)(count, prob, ft)


def _inversion(count, prob, ft):
    # log1p in the tensor's precision, by the C library
    logprob = _log1pf(-prob) if ft is np.float32 else math.log1p(-prob)

    def draw(uniform):
        geom_sum, num_geom = 0.0, 0.0
        while True:
            waited = _log(uniform()) / logprob
            geom_sum += math.ceil(waited) if waited < math.inf else waited
            if geom_sum > count:
                return num_geom
            num_geom += 1
    return draw


def _btrs(count, prob, ft):
    n, p = ft(count), ft(prob)
    stddev = float(np.sqrt(n * p * (ft(1) - p)))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * float(p)
    c = float(n * p) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(p / (ft(1) - p))
    alpha = (2.83 + 5.1 / b) * stddev
    m = float(np.floor((n + ft(1)) * p))
    # torch's k is of the tensor's type, and so are the sums of k and count with integers
    if ft is np.float64:
        to_ft, minus, plus_one = float, operator.sub, lambda x: x + 1
    else:  # (k is floored in double first)
        def to_ft(x):
            return float(ft(float(x)))

        def minus(x, y):
            return float(ft(x) - ft(y))

        def plus_one(x):
            return float(ft(x) + ft(1))
    # the bound's terms free of k (kept apart: torch sums the terms left to right)
    bound_m = (m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
    tail_m, tail_rest = _stirling_tail(m), _stirling_tail(count - m)
    count_1 = plus_one(count)

    def draw(uniform):
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            if not us:  # a uniform of exactly 0: 2 a / us is inf, k is -inf
                continue
            k = (2 * a / us + b) * u + c
            if math.isfinite(k):
                k = to_ft(math.floor(k))
            if k < 0 or k > count:
                continue
            if us >= 0.07 and v <= v_r:
                return k
            v = _log(v * alpha / (a / (us * us) + b))
            rest = minus(count, k)
            bound = (bound_m + count_1 * math.log((count - m + 1) / plus_one(rest))
                     + (k + 0.5) * math.log(r * plus_one(rest) / plus_one(k))
                     + tail_m + tail_rest - _stirling_tail(k) - _stirling_tail(rest))
            if v <= bound:
                return k
    return draw


def binomial(count, prob, generator=None):
    """torch.binomial: a Binomial(count, prob) draw per element, on torch's stream.

    Example::

        >>> _ = torch.manual_seed(0)
        >>> torch.binomial(torch.tensor([10., 100.]), torch.tensor([0.5, 0.2]))
        tensor([ 7., 21.])
    """
    for name, value in (("count", count), ("prob", prob)):
        if not isinstance(value, Tensor):
            raise TypeError(f"binomial(): argument '{name}' (position "
                            f"{1 if name == 'count' else 2}) must be Tensor, not "
                            f"{type(value).__name__}")
    # torch's order: the dtypes' kinds, the shapes, the dtypes, then the result (made in
    # count's shape and resized), then the kernel's dtypes
    for name, value in (("count", count), ("prob", prob)):
        if not value.dtype.is_floating_point:
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, "
                             f"got: {value.dtype._cname}")
    shape = broadcast_shapes(count.shape, prob.shape)
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {prob.dtype._cname} but expected "
                           f"{count.dtype._cname}")
    if shape != tuple(count.shape) and count.numel():
        warnings.warn(_RESIZED.format(old=list(count.shape), new=list(shape)),
                      stacklevel=3)  # (past the argument parser)
    if count.dtype.itemsize < 4:
        raise NotImplementedError(f"\"binomial_cpu\" not implemented for '{count.dtype._cname}'")
    c, p = np.broadcast_arrays(count._data, prob._data)
    ft = c.dtype.type
    out = np.empty(c.size)
    samplers = {}
    # (blocks of about the numbers the draws take, at most 2 ** 16: a Python list)
    uniform = _Uniforms(_random._generator(generator), min(3 * c.size + 16, 1 << 16))
    try:
        with np.errstate(invalid="ignore"):  # (an infinite count: inf - inf is NaN, silently)
            for i, pair in enumerate(zip(c.reshape(-1).tolist(), p.reshape(-1).tolist())):
                draw = samplers.get(pair)
                if draw is None:
                    draw = samplers[pair] = _sampler(*pair, ft)
                out[i] = draw(uniform)
    finally:
        uniform.close()
    return _wrap(out.astype(c.dtype).reshape(c.shape))


FUNCTIONS = {"binomial": binomial}

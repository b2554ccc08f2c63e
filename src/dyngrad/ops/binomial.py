"""torch.binomial: a Binomial(count, prob) draw per element on torch's random stream, by
the algorithms torch's CPU kernel uses, in its precisions: inversion (sums of geometric
waiting times) while count * min(p, 1 - p) < 10, Hoermann's BTRS rejection from there on,
with one more uniform draw (in double) per try. Derivatives: none (torch records none)."""
import math

import numpy as np

from .. import random as _random
from ..tensor import Tensor, _wrap

# log k! minus its Stirling approximation, k = 0..9 (the series below is used above 9)
_TAIL = [math.lgamma(k + 1.0) - ((k + 0.5) * math.log(k + 1.0) - (k + 1.0)
                                 + 0.5 * math.log(2 * math.pi)) for k in range(10)]


def _stirling_tail(k):
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


class _Draws:
    """One element's draws, with torch's scalar type ``ft`` (float32 or float64) for the
    steps its kernel computes in that type, double for the rest."""

    def __init__(self, gen, ft):
        self.gen, self.ft = gen, ft

    def uniform(self):
        return float(self.gen._uniform_double01(1)[0])

    def sample(self, count, prob):
        ft = self.ft
        if count <= 0.0 or prob <= 0.0:
            return 0.0
        if prob >= 1.0:
            return count
        if prob <= 0.5:
            return self.btrs(count, prob) if ft(count) * ft(prob) >= 10.0 \
                else self.inversion(count, prob)
        if prob > 0.5:
            q = float(ft(1.0) - ft(prob))
            k = self.btrs(count, q) if ft(count) * ft(q) >= 10.0 else self.inversion(count, q)
            return count - k
        return math.nan

    def inversion(self, count, prob):
        logprob = float(np.log1p(self.ft(-prob)))
        geom_sum, num_geom = 0.0, 0.0
        while True:
            geom_sum += math.ceil(math.log(self.uniform()) / logprob)
            if geom_sum > count:
                return num_geom
            num_geom += 1

    def btrs(self, count, prob):
        ft = self.ft
        n, p = ft(count), ft(prob)
        stddev = float(np.sqrt(n * p * (ft(1) - p)))
        b = 1.15 + 2.53 * stddev
        a = -0.0873 + 0.0248 * b + 0.01 * float(p)
        c = float(n * p) + 0.5
        v_r = 0.92 - 4.2 / b
        r = float(p / (ft(1) - p))
        alpha = (2.83 + 5.1 / b) * stddev
        m = float(np.floor((n + ft(1)) * p))
        while True:
            u = self.uniform() - 0.5
            v = self.uniform()
            us = 0.5 - abs(u)
            k = float(ft(math.floor((2 * a / us + b) * u + c)))
            if k < 0 or k > count:
                continue
            if us >= 0.07 and v <= v_r:
                return k
            v = math.log(v * alpha / (a / (us * us) + b))
            bound = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                     + (count + 1) * math.log((count - m + 1) / (count - k + 1))
                     + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
                     + _stirling_tail(m) + _stirling_tail(count - m)
                     - _stirling_tail(k) - _stirling_tail(count - k))
            if v <= bound:
                return k


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
    if count._data.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{count.dtype._cname}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {prob.dtype._cname} but expected "
                           f"{count.dtype._cname}")
    c, p = np.broadcast_arrays(count._data, prob._data)
    draws = _Draws(_random._generator(generator), c.dtype.type)
    out = [draws.sample(n, q) for n, q in zip(c.reshape(-1).tolist(), p.reshape(-1).tolist())]
    return _wrap(np.array(out, dtype=np.float64).astype(c.dtype).reshape(c.shape))


FUNCTIONS = {"binomial": binomial}

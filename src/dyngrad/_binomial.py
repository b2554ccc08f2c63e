"""torch.binomial's sampler on torch's CPU stream, step for step as torch's kernel draws:
one element after another, each from uniforms in double. Below a mean of 10 (of the
smaller of p and 1 - p) it counts geometric waiting times (inversion); from 10 up it is
Hoermann's transformed rejection with squeeze (BTRS), with torch's Stirling tail terms.

Arithmetic that torch's C++ does in the tensor's own type (``count * prob``, ``1 - prob``
are floats for a float tensor) is done here in that type, the rest in double, so a float
tensor's draws are torch's bit for bit.
"""
import math

import numpy as np  # torch's CPU random stream is drawn in NumPy (NOTE [The array-module seam])

# log(k!) - (k + 1/2) log(k + 1) + (k + 1) - log(sqrt(2 pi)) for k < 10: torch's table
_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
         0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
         0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _inversion(uniform, count, prob, S):
    geom_sum, num = 0.0, S(0)
    logprob = math.log1p(-float(prob))
    while True:
        geom_sum += math.ceil(math.log(uniform()) / logprob)
        if geom_sum > count:
            return num
        num = S(num + S(1))


def _btrs(uniform, count, prob, S):
    stddev = math.sqrt(float(S(count * prob) * S(S(1) - prob)))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * float(prob)
    c = float(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(prob) / float(S(1) - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor(float((count + S(1)) * prob))
    n = float(count)
    while True:
        u = uniform() - 0.5
        v = uniform()
        us = 0.5 - abs(u)
        k = float(S(math.floor((2 * a / us + b) * u + c)))
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        # (torch's form: the log of v's ratio against the bound, one log fewer than
        # Hoermann's paper)
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
                 + (n + 1) * math.log((n - m + 1) / (n - k + 1))
                 + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(n - m)
                 - _stirling_tail(k) - _stirling_tail(n - k))
        if v <= bound:
            return k


def _one(uniform, count, prob, S):
    if count <= 0 or prob <= 0:
        return 0.0
    if prob >= 1:
        return float(count)
    if math.isnan(count):  # (torch's inversion would wait forever: nan instead)
        return math.nan
    if prob <= 0.5:
        if count * prob >= 10:
            return _btrs(uniform, count, prob, S)
        return float(_inversion(uniform, count, prob, S))
    if prob > 0.5:
        q = S(S(1) - prob)
        if count * q >= 10:
            return float(S(count - S(_btrs(uniform, count, q, S))))
        return float(S(count - _inversion(uniform, count, q, S)))
    return math.nan


def binomial(generator, counts, probs):
    """Draws for ``counts`` and ``probs`` (arrays of one float dtype and shape), in order."""
    S = np.float32 if counts.dtype == np.float32 else float
    draw = generator._uniform_double01

    def uniform():
        return float(draw(1)[0])

    out = [_one(uniform, S(c), S(p), S) for c, p in zip(counts.reshape(-1).tolist(),
                                                      probs.reshape(-1).tolist())]
    return np.array(out, dtype=counts.dtype).reshape(counts.shape)

"""torch.binomial against torch: the same seed gives the same draws, bit for bit, in each
regime of torch's sampler (inversion below count * p = 10, BTRS above, p past 1/2 drawn
as count minus the draw at 1 - p, the edges p = 0, p = 1 and count = 0), at the edges of
its acceptance (crafted generator states), and the errors and warnings."""
import warnings

import numpy as np
import pytest
import torch

import dyngrad

COUNTS = [0., 1., 5., 9., 30., 200., 3000., 1e6]
PROBS = [0., 1e-4, 0.02, 0.3, 0.5, 0.51, 0.8, 0.999, 1., float("nan")]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_draws_like_torch(dtype):
    seen = []
    for lib in (torch, dyngrad):
        counts = lib.tensor(COUNTS, dtype=getattr(lib, dtype)).repeat_interleave(len(PROBS))
        probs = lib.tensor(PROBS, dtype=getattr(lib, dtype)).repeat(len(COUNTS))
        lib.manual_seed(2)
        first = lib.binomial(counts, probs)
        seen.append(str((first.numpy().tolist(), str(first.dtype),  # (text: NaN != NaN)
                         lib.binomial(counts.reshape(8, 10), probs.reshape(8, 10),
                                      generator=lib.Generator().manual_seed(4)).numpy().tolist(),
                         lib.rand(3).numpy().tolist())))  # (the stream after the draws)
    assert seen[0] == seen[1]


# Many draws in one call, where BTRS's bounds bite: most tries reaching the exact bound
# (small count * p: a narrow squeeze), count * p and count * (1 - p) exactly 10 (the first
# counts BTRS takes) and just below, fractional counts (the tail's table read at k = 9.5),
# 10 ** 4 (the tails' series far from 9), counts of 10 ** 9 (float32 rounds k), of 10 ** 12
# and 10 ** 15 (the exact bound, rounded, refuses tries the squeeze takes), p near 0 and 1,
# and an infinite count
MANY = [(20., 0.5), (26., 0.45), (40., 0.75), (45., 0.75), (10000., 0.3), (19.99, 0.5),
        (20.5, 0.5), (25.7, 0.45), (30.5, 0.6), (1e9, 0.3), (1e12, 0.5), (1e15, 0.5),
        (1e15, 0.9), (1e8, 1e-7), (2e8, 1 - 1e-7), (11., 0.9), (float("inf"), 0.3)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_many_draws_like_torch(dtype):
    seen = []
    for lib in (torch, dyngrad):
        counts = lib.tensor([c for c, _ in MANY], dtype=getattr(lib, dtype)).repeat(3000)
        probs = lib.tensor([p for _, p in MANY], dtype=getattr(lib, dtype)).repeat(3000)
        lib.manual_seed(5)
        with warnings.catch_warnings(record=True) as caught:  # (none: inf - inf is quiet)
            warnings.simplefilter("always")
            out = lib.binomial(counts, probs)
        # (as text: NaN is not equal to itself)
        seen.append(str((out.numpy().tolist(), lib.rand(2).tolist(), caught)))
    assert seen[0] == seen[1]


# Crafted streams: a generator state whose next uniform doubles are chosen puts one try of
# BTRS (or one wait of inversion) at the very edge of torch's acceptance, where a bound
# moved by a unit in its last place changes the draw and every draw after it. The rows
# were found by asking torch alone (a bisection on the uniforms' 53 bits).
#
# BTRS: (dtype, count, prob, U, (the last V accepted, the first V refused)); on a refusal
# the next try (0.5, 0.25) is taken by the squeeze at another k. Each k of Binomial(20,
# 1/2) but the squeeze's own (log k! from the table at k or at 20 - k, from the series at
# 10 and past; k = 0 and k = count), float32's k, a fractional count (20.5 - k = 9.5), and
# counts whose m and count - m are past the table.
BTRS_EDGES = [
    ("float64", 20.0, 0.5, 0.012146526113612666, (0.0004011938100408896, 0.00040119381004100063)),
    ("float64", 20.0, 0.5, 0.014706304965369399, (0.0055029663073858925, 0.0055029663073860036)),
    ("float64", 20.0, 0.5, 0.016527635528529094, (0.04157317977563035, 0.041573179775630464)),
    ("float64", 20.0, 0.5, 0.024013200671349377, (0.12092618412270817, 0.12092618412270828)),
    ("float64", 20.0, 0.5, 0.033585575305464466, (0.2736288789759713, 0.27362887897597143)),
    ("float64", 20.0, 0.5, 0.0409735239361948, (0.6117350266302666, 0.6117350266302667)),
    ("float64", 20.0, 0.5, 0.08401534358238494, (0.49973886260121114, 0.49973886260121125)),
    ("float64", 20.0, 0.5, 0.17565562060255913, (0.5038810970966279, 0.503881097096628)),
    ("float64", 20.0, 0.5, 0.2697867137638704, (0.6811896150287504, 0.6811896150287505)),
    ("float64", 20.0, 0.5, 0.2997118905373848, (0.8826355819623996, 0.8826355819623997)),
    ("float64", 20.0, 0.5, 0.6369616873214543, (0.8477959199603158, 0.8477959199603159)),
    ("float64", 20.0, 0.5, 0.8132702392002724, (0.7913124778205194, 0.7913124778205195)),
    ("float64", 20.0, 0.5, 0.8574042765875693, (0.5799477870104547, 0.5799477870104548)),
    ("float64", 20.0, 0.5, 0.9127555772777217, (0.4763950733120338, 0.4763950733120339)),
    ("float64", 20.0, 0.5, 0.9545904936907372, (0.5113178691716267, 0.5113178691716268)),
    ("float64", 20.0, 0.5, 0.9679261899246464, (0.2978790256059176, 0.2978790256059177)),
    ("float64", 20.0, 0.5, 0.9764623219360445, (0.12564739438435557, 0.12564739438435568)),
    ("float64", 20.0, 0.5, 0.9808353387762301, (0.03114364773778855, 0.03114364773778866)),
    ("float64", 20.0, 0.5, 0.9857696351964191, (0.005870957824244738, 0.005870957824244849)),
    ("float64", 20.0, 0.5, 0.9876708696600728, (0.00038953317449130775, 0.0003895331744914188)),
    ("float32", 20.0, 0.5, 0.01354314323272432, (0.00032361576211403786, 0.0003236157621141489)),
    ("float32", 20.0, 0.5, 0.34877685264428226, (0.8540186798693538, 0.8540186798693539)),
    ("float32", 20.0, 0.5, 0.603474558229453, (0.83573314951369, 0.8357331495136902)),
    ("float32", 20.0, 0.5, 0.8024829131338941, (0.7688529359887161, 0.7688529359887162)),
    ("float32", 20.0, 0.5, 0.9879198037605277, (0.00040556096154242827, 0.0004055609615425393)),
    ("float64", 20.5, 0.5, 0.2799954485325279, (0.8607397960548406, 0.8607397960548407)),
    ("float64", 20.5, 0.5, 0.658471063378906, (0.9009206486022752, 0.9009206486022753)),
    ("float64", 20.5, 0.5, 0.7148588927660104, (0.7438865916640597, 0.7438865916640598)),
    ("float64", 40.0, 0.3, 0.3330184750222339, (0.7990378246555836, 0.7990378246555837)),
    ("float64", 40.0, 0.3, 0.3447602968883714, (0.9265505135699368, 0.9265505135699369)),
    ("float64", 40.0, 0.3, 0.9912060131199844, (5.948059450866516e-06, 5.948059450977539e-06)),
    ("float32", 40.0, 0.7, 0.9907808053839183, (5.414822050409107e-06, 5.4148220505201294e-06)),
    ("float32", 40.0, 0.7, 0.43267700995295155, (0.8889532759006903, 0.8889532759006904)),
    ("float32", 40.0, 0.7, 0.29898055810180824, (0.8217617320521662, 0.8217617320521663)),
]
# inversion: (dtype, count, prob, (the last U whose wait is past count, the first within));
# the next U (2 ** -50) ends the draw. log1p(-p) is the C library's, in float for float32
# (NumPy's differs in the last place for these p, as log1p in double rounded to float does)
INVERSION_EDGES = [
    ("float32", 5.0, 0.4488388001918793, (0.05086197932290648, 0.05086197932290659)),
    ("float64", 5.0, 0.19620233216738908, (0.3355318171671441, 0.3355318171671442)),
    ("float64", 5.0, 0.11809706419793176, (0.5334625562980855, 0.5334625562980856)),
    ("float32", 5.0, 0.3707108497619629, (0.09868500750850517, 0.09868500750850528)),
]
AFTER = {"btrs": (0.5, 0.25), "inversion": (2.0 ** -50,)}
# single streams: U = 0 (us = 0: k is -inf, refused; inversion: log 0 = -inf, an infinite
# wait), V = 0 past the squeeze (log 0 = -inf, accepted), and V exactly the squeeze's v_r at
# a count of 10 ** 15, where the exact bound (rounded) would refuse it
STREAMS = [("float64", 20., .5, (0.0, 0.375, 0.5, 0.25)), ("float32", 20., .5, (0.0, 0.9, 0.5, 0.25)),
           ("float64", 20., .5, (0.96, 0.0, 0.5, 0.25)), ("float32", 30., .6, (0.03125, 0.0, 0.5, 0.25)),
           ("float64", 5., .3, (0.0, 0.5)), ("float32", 5., .3, (0.0, 0.5)),
           ("float64", 1e15, .5, (0.7370896936108664, 0.9199998950073851, 0.5, 0.25))]


def _untemper(y):
    """The mt19937 state word whose tempered output is ``y``."""
    y ^= y >> 18
    y ^= (y << 15) & 0xEFC60000
    x = y
    for _ in range(4):
        x = y ^ ((x << 7) & 0x9D2C5680)
    y, x = x & 0xFFFFFFFF, x & 0xFFFFFFFF
    for _ in range(2):
        x = y ^ (x >> 11)
    return x


def _generator(lib, uniforms):
    """A generator whose next uniform doubles (53 bits of two 32-bit words, the first high)
    are ``uniforms``: the words of torch's state layout (CPUGeneratorImplState) are set to
    be read before the next twist."""
    state = torch.Generator().manual_seed(0).get_state().numpy().copy()
    words = []
    for u in uniforms:
        bits = int(u * 2.0 ** 53)
        assert bits * 2.0 ** -53 == u
        words += [bits >> 32, bits & 0xFFFFFFFF]
    key = state[24:24 + 8 * 624].view("<u8")
    key[:len(words)] = [_untemper(w) for w in words]
    state[8:12].view("<i4")[0] = 624  # left: a twist after 623 more words
    state[16:24].view("<u8")[0] = 0  # next: the first word
    gen = lib.Generator()
    gen.set_state(lib.tensor(state))
    return gen


def _draw(lib, dtype, count, prob, uniforms):
    gen = _generator(lib, uniforms)
    dt = getattr(lib, dtype)
    return (lib.binomial(lib.tensor([count, count], dtype=dt), lib.tensor([prob, prob], dtype=dt),
                         generator=gen).tolist(),
            lib.rand(2, dtype=lib.float64, generator=gen).tolist())


def test_crafted_stream():
    assert _draw(torch, "float64", 0., .5, (0.25, 0.75, 2.0 ** -53))[1] == [0.25, 0.75]


EDGES = ([(dtype, count, prob, (u,), sides, AFTER["btrs"])
          for dtype, count, prob, u, sides in BTRS_EDGES]
         + [(dtype, count, prob, (), sides, AFTER["inversion"])
            for dtype, count, prob, sides in INVERSION_EDGES])


@pytest.mark.parametrize("dtype, count, prob, before, sides, after", EDGES)
def test_edges_like_torch(dtype, count, prob, before, sides, after):
    seen = [[_draw(lib, dtype, count, prob, before + (x,) + after) for x in sides]
            for lib in (torch, dyngrad)]
    assert seen[0][0][0] != seen[0][1][0]  # (the row sits at torch's edge)
    assert seen[0] == seen[1]


@pytest.mark.parametrize("dtype, count, prob, uniforms", STREAMS)
def test_streams_like_torch(dtype, count, prob, uniforms):
    assert _draw(torch, dtype, count, prob, uniforms) == _draw(dyngrad, dtype, count, prob,
                                                                   uniforms)


ERRORS = ["t.binomial(t.tensor([5]), t.tensor([.3]))",
          "t.binomial(t.tensor([5.], dtype=t.float64), t.tensor([.3]))",
          "t.binomial(t.tensor([5.]), 0.3)", "t.binomial([5.], t.tensor([.3]))",
          "t.binomial(t.tensor([5.]), t.tensor([.3], dtype=t.complex64))",
          "t.binomial(t.tensor([5.], dtype=t.complex64), t.tensor([.3]))",
          "t.binomial(t.ones(2, 3), t.ones(4, dtype=t.float64))",
          "t.binomial(t.ones(3, dtype=t.float16), t.ones(2, 3, dtype=t.float16))",
          "t.binomial(t.ones(3, dtype=t.bfloat16), t.ones(3, dtype=t.bfloat16))"]


@pytest.mark.parametrize("snippet", ERRORS)
def test_errors_like_torch(snippet):
    seen = []
    for lib in (torch, dyngrad):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                eval(snippet, {"t": lib})
                seen.append(None)
            except Exception as e:  # noqa: BLE001 - the error is what is compared
                seen.append((type(e).__name__, str(e)))
        seen.append([(w.category, str(w.message).split(" (Triggered internally")[0])
                     for w in caught])
    assert seen[:2] == seen[2:]


# the result is made in count's shape and resized to the broadcast shape (torch warns),
# except from no elements
SHAPES = [((3,), (2, 3)), ((1, 3), (2, 1)), ((), (3,)), ((0, 3), (1, 3)), ((0,), (1,)),
          ((2, 3), (3,))]


@pytest.mark.parametrize("count_shape, prob_shape", SHAPES)
def test_shapes_like_torch(count_shape, prob_shape):
    seen = []
    for lib in (torch, dyngrad):
        lib.manual_seed(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = lib.binomial(lib.full(count_shape, 30.), lib.full(prob_shape, .4))
        seen.append((out.tolist(), tuple(out.shape),
                     [(w.category, str(w.message).split(" (Triggered internally")[0],
                       w.filename, w.lineno) for w in caught]))
    assert seen[0] == seen[1]

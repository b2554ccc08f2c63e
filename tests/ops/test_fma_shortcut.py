"""pointwise.fma reads the dtype and shape of a * b + c off its operands where that is
plain (``_fma_dtype``) instead of computing a * b + c to learn them: over operands of
every kind it must give what the computing path gives, dtype, shape and bits."""
import itertools

import numpy as np

from dyngrad.ops import pointwise as pw

KINDS = [("array", dt, shape) for dt in (np.float32, np.float64, np.float16, np.int64, np.bool_)
         for shape in ((4, 3), (3,), ())]
KINDS += [("number", 0.3), ("number", 2), ("number", -1.5e-30), ("numpy scalar", np.float32(0.7))]


def _operand(kind, rng):
    if kind[0] != "array":
        return kind[1]
    dt, shape = kind[1], kind[2]
    if np.dtype(dt).kind in "iub":
        return rng.integers(-5, 5, shape).astype(dt)
    return (rng.standard_normal(shape) * 10.0 ** rng.integers(-40, 38, shape)).astype(dt)


def test_fma_shortcut_equals_computing_path(monkeypatch):
    rng = np.random.default_rng(0)
    general = []
    shortcut = pw._fma_dtype
    with np.errstate(all="ignore"):
        for kinds in itertools.product(KINDS, repeat=3):
            a, b, c = (_operand(k, rng) for k in kinds)
            try:
                fast = np.asarray(pw.fma(a, b, c))
            except Exception as e:  # refused: the computing path refuses alike
                fast = (type(e), str(e))
            monkeypatch.setattr(pw, "_fma_dtype", lambda a, b, c: None)
            try:
                slow = np.asarray(pw.fma(a, b, c))
            except Exception as e:
                slow = (type(e), str(e))
            monkeypatch.setattr(pw, "_fma_dtype", shortcut)
            general.append(shortcut(a, b, c) is None)
            if isinstance(fast, tuple) or isinstance(slow, tuple):
                assert fast == slow, kinds
                continue
            assert (fast.dtype, fast.shape) == (slow.dtype, slow.shape), kinds
            assert fast.tobytes() == slow.tobytes(), kinds
    # both paths were taken (the shortcut for several hundred of the combinations)
    assert 300 < general.count(False) < len(general)

"""The autocast state every layer reads: per device type, whether autocast is on and its
dtype; whether casts of weights are cached; how deep the autocast regions nest; the cache.

It sits at the bottom, beside the autograd state, because the op layer reads it on every
call of a function in torch's autocast lists (ops/autocast_policy.py) while torch.amp,
above, sets it. As in torch (aten/src/ATen/autocast_mode.cpp), the flags, dtypes and
nesting are per thread and the cache of casts is one for the process.
"""
import threading
import weakref

from . import _dtype as _dt

# torch's default autocast dtype per device type (c10's DeviceType order in torch)
DEFAULT_DTYPES = {"cpu": _dt.bfloat16, "cuda": _dt.float16, "hip": _dt.float16,
                  "xla": _dt.bfloat16, "xpu": _dt.float16, "mps": _dt.float16,
                  "hpu": _dt.bfloat16, "ipu": _dt.float16, "mtia": _dt.float16,
                  "maia": _dt.float16, "privateuseone": _dt.float16}


class AutocastState(threading.local):
    """Class attributes are a new thread's defaults: autocast off, the cache on."""

    cpu = False            # CPU autocast on: read by every call of a listed function
    cache_enabled = True
    nesting = 0

    def __init__(self):
        self.enabled = {}  # device type -> bool (the CPU's is ``cpu`` above)
        self.dtypes = dict(DEFAULT_DTYPES)


STATE = AutocastState()

# NOTE [The autocast cache]: a float32 leaf that requires grad (a weight) is cast to the
# low-precision dtype once per outermost autocast region, so every use in the region
# shares one cast (and one ToCopyBackward0 node), as torch's cached_cast does. Keyed by
# id, with a weak reference that tells a reused id from the tensor it was made for.
CACHE = {}


def cached(t):
    hit = CACHE.get(id(t))
    if hit is not None and hit[0]() is t:
        return hit[1]
    return None


def remember(t, cast):
    CACHE[id(t)] = (weakref.ref(t), cast)

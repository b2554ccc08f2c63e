"""Direct updates: an optimizer's in-place tensor ops run as the array functions they
call, without the per-op checks that cannot fail in an optimizer step.

NOTE [Direct updates]
An update such as Adam's is ten in-place methods per parameter (``lerp_``, ``mul_``,
``addcmul_``, ``addcdiv_``, ...). Each method checks its arguments, computes the op
table's forward over the arrays, writes the result into the tensor's array and moves its
version counter (ops/inplace.py, apply_inplace). Within a step under ``no_grad`` the
checks are settled once per parameter instead: grad mode off, no anomaly mode, vmap or
forward-mode level; float arrays of NumPy, one dtype, writeable, the state shaped as its
parameter; no inference tensor; and the parameter, its gradient and its state buffers in
memories of their own (an overlap is an error torch raises, or would make the order of
writes matter). Where they hold, the update calls the same forwards in the same order and
writes each result where the method would (``write``), so the numbers, the aliasing and
the version counters are the methods' own; where they do not, the methods run and raise
torch's errors. Measured in CPU time: gpt_step's AdamW step (52 parameters, 520 in-place
ops) 8.8 to 7.0 ms with the cheaper fused rounding of _cpu_math._fma32; LeNet's SGD with
momentum 0.32 to 0.21 ms.

Joining a group's parameters into one array and updating it in one pass was measured
too, and won nothing: the joined arrays leave the cache that each parameter's own
arrays fit in, and the update's cost is its arithmetic (the float64 passes that give
torch's fused multiply-add rounding), not its calls.
"""
from .. import _backend
from .._autograd_state import DUAL, state as _gstate
from ..ops import pointwise as pw, pointwise_more as pwm

_FLOATS = (_backend.xp.dtype("float32"), _backend.xp.dtype("float64"))

# the forwards the in-place methods run (Tensor.mul_ runs mul's, ...)
mul, add, div, sqrt, neg = (pw.mul.forward, pw.add.forward, pw.div.forward,
                            pw.sqrt.forward, pw.neg.forward)
lerp, addcmul, addcdiv = (pwm.lerp_scalar.forward, pwm.addcmul.forward,
                          pwm.addcdiv.forward)


def _root(a):
    """The object that owns ``a``'s memory (the end of its chain of bases)."""
    while a.base is not None:
        a = a.base
    return id(a)


def possible():
    """Whether the step runs where direct updates may (grad mode off, nothing watching)."""
    return not (_gstate.enabled or _gstate.anomaly or _gstate.batching
                or DUAL[0] is not None)


def usable(tensors):
    """Whether ``tensors`` (a parameter, its gradient, its state buffers) may be updated
    directly (NOTE [Direct updates])."""
    first = tensors[0]._data
    dtype, shape = first.dtype, first.shape
    if dtype not in _FLOATS:
        return False
    roots = set()
    for t in tensors:
        a = t._data
        if (t._inference or not isinstance(a, _backend.ndarray) or a.dtype != dtype
                or a.shape != shape or not a.flags.writeable):
            return False
        roots.add(_root(a))
    return len(roots) == len(tensors)


def write(t, value):
    """``value`` into ``t``'s array, counted in its version as an in-place method does."""
    t._data[...] = value
    t._version_counter[0] += 1

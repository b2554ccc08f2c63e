"""Random ops under vmap: what each vmap's ``randomness`` makes of a draw (NOTE [Random ops
under vmap] in random.py says which kind of draw each sampler is).

- 'error' refuses any draw;
- 'same' draws one sample's worth, shared by the batch; a draw whose parameters are
  batched (bernoulli of batched probabilities) is refused, as torch refuses it;
- 'different' draws for the whole batch at once, the batch dim in front, so the numbers
  are torch's for the same seed: torch draws the batched shape in one call too.

Each rule handles the innermost running vmap and hands the rest of the draw to the vmaps
outside it (a draw under two 'different' vmaps has both batch sizes in front, outer
first), then batches the result at its level again. The random ops of the table
(poisson, _standard_gamma) do the same from their batching rule (``drawn``), so that the
op records its node on the batched tensor: a gradient through the draw is per sample.
"""
from ..._autograd_state import state as _state
from ...creation import empty
from .. import sampling
from .._batched import is_batched, make_batched, physical
from . import register
from .dims import aligned

__all__ = ["factory", "like", "per_element", "per_element_op", "fill"]

_ERROR = ("vmap: called random operation while in randomness error mode. Please either use "
          "the 'same' or 'different' randomness flags on vmap or perform the randomness "
          "operation out of vmap")
_SAME_BATCHED = ("Vmap does not currently support same randomness with a batched tensor "
                 "input. Please file an issue with functorch")
_UNBATCHED_INPLACE = ("vmap: Cannot ask for different inplace randomness on an unbatched "
                      "tensor. This will appear like same randomness. If this is necessary "
                      "for your usage, please file an issue with functorch.")


def _innermost(frames):
    level, size, mode = frames[-1]
    if mode == "error":
        raise RuntimeError(_ERROR)
    return level, size, mode, frames[:-1]


def factory(shape, draw, frames=None):
    """A fresh tensor of ``shape`` (rand, randn, dropout's mask): ``draw(shape)`` makes it."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return draw(shape)
    level, size, mode, outer = _innermost(frames)
    if mode == "same":
        return factory(shape, draw, outer)
    return make_batched(factory((size,) + shape, draw, outer), level)


def like(input, make, frames=None):
    """A fresh tensor like ``input`` (rand_like): ``make(t)`` for an unbatched ``t``. Under
    'different' an unbatched input stands expanded over the batch."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return make(input)
    level, size, mode, outer = _innermost(frames)
    batched = is_batched(input, level)
    if mode == "same":
        return like(input._value.select(0, 0) if batched else input, make, outer)
    value = input._value if batched else aligned(input, level, input.dim(), size)
    return make_batched(like(value, make, outer), level)


def per_element(fn, args, frames=None):
    """``fn(*args)`` drawing per element of its tensor arguments (bernoulli(p), poisson,
    normal(mean, std), multinomial)."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return fn(*args)
    level, size, mode, outer = _innermost(frames)
    tensors = [a for a in args if hasattr(a, "_data")]
    if mode == "same":
        if any(is_batched(t, level) for t in tensors):
            raise RuntimeError(_SAME_BATCHED)
        return per_element(fn, args, outer)
    ndim = max(t.dim() for t in tensors)
    values = [aligned(a, level, ndim, size) if hasattr(a, "_data") else a for a in args]
    return make_batched(per_element(fn, values, outer), level)


def per_element_op(op, args, frames=None):
    """``op(*args)``, an op of the table drawing per element of its first argument, as
    ``per_element`` draws: the argument batched at the innermost 'different' vmap (an
    unbatched one expanded over it), so that the op's rule (``drawn``) runs for the
    batch. Under 'same' a transform's input (one sample expanded over the batch) is not
    batched: the rule draws once for all."""
    frames = _state.batching if frames is None else frames
    if not frames:
        return op(*args)
    level, size, mode, outer = _innermost(frames)
    t = args[0]
    if mode == "same":
        if not is_batched(t, level):
            return per_element_op(op, args, outer)
        if not _expanded(t._value):
            raise RuntimeError(_SAME_BATCHED)
    elif not is_batched(t, level):
        t = make_batched(aligned(t, level, t.dim(), size), level)
    return op(t, *args[1:])


def _expanded(p):
    """Whether a physical value is one sample expanded over the batch (stride 0)."""
    return p._data.strides[0] == 0


def drawn(op, args, level, size):
    """The rule of a random op of the table: the physical draw, under the vmaps outside
    this one ('same': one sample's draw, shared by the batch)."""
    frames = _state.batching
    outer = [f for f in frames if f[0] < level]
    p, rest = physical(args[0], level), tuple(args[1:])
    if any(f[0] == level and f[2] == "same" for f in frames):
        one = per_element_op(op, (p.select(0, 0),) + rest, outer)
        return one.expand((size,) + tuple(one.shape))
    return per_element_op(op, (p,) + rest, outer)


register(drawn, [sampling.poisson_op, sampling.standard_gamma_op])


def fill(self, write, frames=None):
    """An in-place draw into ``self`` (uniform_, normal_, ...): ``write(t)`` for an
    unbatched ``t``."""
    frames = _state.batching if frames is None else frames
    if not frames:
        write(self)
        return
    level, size, mode, outer = _innermost(frames)
    if not is_batched(self, level):
        if mode == "different":  # every sample would write the same memory
            raise RuntimeError(_UNBATCHED_INPLACE)
        fill(self, write, outer)
        return
    if mode == "different":
        fill(self._value, write, outer)
        return
    # 'same': one sample drawn, then written into every sample
    one = empty(tuple(self.shape), dtype=self.dtype)
    fill(one, write, outer)
    self._value.copy_(one)
